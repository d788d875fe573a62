//! E-invoice validation reports on the wire.

use invoicer_einvoice::{DocumentKind, Finding, Flag, Report};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One broken rule at one place in the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FindingOut {
    /// The official rule id, unchanged (`BR-CO-10`, `PEPPOL-EN16931-R001`), or `XML-*` / `UBL-ROOT`
    /// for a document that cannot be read as UBL.
    #[schema(example = "BR-CO-10")]
    pub rule: String,
    /// `fatal` or `warning`, as the official artefacts flag the rule.
    pub flag: String,
    /// XPath to the element at fault.
    pub location: String,
    /// What is wrong and how to fix it.
    pub message: String,
    /// Arithmetic rules: the figure computed from the document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub computed: Option<String>,
    /// Arithmetic rules: the figure the document declares.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared: Option<String>,
}

/// The verdict on one UBL document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ValidationReportOut {
    /// `invoice`, `credit_note`, or null when the bytes are not a UBL Invoice or CreditNote.
    pub document: Option<String>,
    pub fatal: usize,
    pub warning: usize,
    pub findings: Vec<FindingOut>,
    /// The rule sets applied: Peppol BIS Billing and the CEN EN 16931 validation artefacts.
    pub rules: RuleVersionsOut,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RuleVersionsOut {
    #[schema(example = "3.0.19")]
    pub peppol_bis: String,
    #[schema(example = "1.3.14.1")]
    pub cen_en16931: String,
}

impl From<&Finding> for FindingOut {
    fn from(f: &Finding) -> Self {
        Self {
            rule: f.rule.to_string(),
            flag: match f.flag {
                Flag::Fatal => "fatal",
                Flag::Warning => "warning",
            }
            .to_owned(),
            location: f.location.clone(),
            message: f.message.clone(),
            computed: f.computed.clone(),
            declared: f.declared.clone(),
        }
    }
}

impl From<&Report> for ValidationReportOut {
    fn from(r: &Report) -> Self {
        Self {
            document: r.document.map(|d| match d {
                DocumentKind::Invoice => "invoice".to_owned(),
                DocumentKind::CreditNote => "credit_note".to_owned(),
            }),
            fatal: r.fatal_count(),
            warning: r.warning_count(),
            findings: r.findings.iter().map(FindingOut::from).collect(),
            rules: RuleVersionsOut {
                peppol_bis: invoicer_einvoice::PEPPOL_BIS_VERSION.to_owned(),
                cen_en16931: invoicer_einvoice::CEN_VALIDATION_VERSION.to_owned(),
            },
        }
    }
}
