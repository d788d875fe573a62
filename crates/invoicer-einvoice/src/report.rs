//! What a validation run reports: the document kind and one finding per fired rule.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// The kind of UBL document that was validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Invoice,
    CreditNote,
}

/// How serious a finding is, exactly as the official artefacts flag the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    Fatal,
    Warning,
}

/// One broken rule at one place in the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The official rule id (`BR-CO-10`, `PEPPOL-EN16931-R001`), or one of ours for a document
    /// that could not be read (`XML-MALFORMED`, `XML-DTD-FORBIDDEN`, `XML-LIMIT`, `UBL-ROOT`).
    pub rule: &'static str,
    pub flag: Flag,
    /// XPath to the element at fault, e.g. `/Invoice[1]/cac:LegalMonetaryTotal[1]`.
    pub location: String,
    /// What is wrong and how to put it right.
    pub message: String,
    /// For arithmetic rules: the figure the rule computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub computed: Option<String>,
    /// For arithmetic rules: the figure the document declares.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared: Option<String>,
}

/// The outcome of validating one document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// `None` when the bytes are not a UBL Invoice or CreditNote at all.
    pub document: Option<DocumentKind>,
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn fatal_count(&self) -> usize {
        self.count(Flag::Fatal)
    }

    pub fn warning_count(&self) -> usize {
        self.count(Flag::Warning)
    }

    pub fn has_fatal(&self) -> bool {
        self.findings.iter().any(|f| f.flag == Flag::Fatal)
    }

    fn count(&self, flag: Flag) -> usize {
        self.findings.iter().filter(|f| f.flag == flag).count()
    }
}

// By hand so the wire shape carries the two counts a client usually wants first.
impl Serialize for Report {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Report", 4)?;
        s.serialize_field("document", &self.document)?;
        s.serialize_field("fatal", &self.fatal_count())?;
        s.serialize_field("warning", &self.warning_count())?;
        s.serialize_field("findings", &self.findings)?;
        s.end()
    }
}
