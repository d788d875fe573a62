//! Shared helpers: the corpus location, a summary of findings by rule, and the valid base
//! documents with a small editing helper for building rule-breaking variants.

use std::collections::BTreeMap;
use std::path::PathBuf;

use invoicer_einvoice::{validate, Flag, Report};

/// The official example corpus kept beside the repository (`shared/corpus/ubl`).
pub fn corpus_dir() -> PathBuf {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/ubl"
    ));
    assert!(
        dir.join("expected.jsonl").is_file(),
        "the UBL example corpus is missing: expected {}/expected.jsonl (the repository's parent \
         folder must hold shared/corpus/ubl with examples/, generated/ and expected.jsonl)",
        dir.display()
    );
    dir
}

pub fn read_corpus_file(relative: &str) -> Vec<u8> {
    let path = corpus_dir().join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Per rule id: flag, and the sorted locations it fired at.
pub fn fired(report: &Report) -> BTreeMap<String, (Flag, Vec<String>)> {
    let mut by_rule: BTreeMap<String, (Flag, Vec<String>)> = BTreeMap::new();
    for f in &report.findings {
        let entry = by_rule
            .entry(f.rule.to_owned())
            .or_insert_with(|| (f.flag, Vec::new()));
        entry.1.push(f.location.clone());
    }
    for (_, locations) in by_rule.values_mut() {
        locations.sort();
    }
    by_rule
}

/// A valid Peppol BIS invoice between two French companies: two lines (one with a line
/// allowance and a price discount), a document allowance and charge, standard rate 20 %.
pub const BASE_INVOICE: &str = include_str!("../fixtures/base-invoice.xml");

/// A document under construction from a base by textual edits; every edit must apply.
#[derive(Clone)]
pub struct Doc(pub String);

impl Doc {
    pub fn invoice() -> Self {
        Doc(BASE_INVOICE.to_owned())
    }

    /// The base invoice turned into the equivalent credit note.
    pub fn credit_note() -> Self {
        Doc::invoice()
            .all(
                "<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"",
                "<CreditNote xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2\"",
            )
            .all("</Invoice>", "</CreditNote>")
            .all("InvoiceLine>", "CreditNoteLine>")
            .all("InvoicedQuantity", "CreditedQuantity")
            .set(
                "<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>",
                "<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>",
            )
            .set("<cbc:DueDate>2026-03-31</cbc:DueDate>", "")
    }

    /// Replaces the first occurrence of `from`.
    pub fn set(self, from: &str, to: &str) -> Self {
        self.nth(1, from, to)
    }

    /// Replaces the `n`th occurrence (from 1) of `from`.
    pub fn nth(self, n: usize, from: &str, to: &str) -> Self {
        let at = self
            .0
            .match_indices(from)
            .nth(n - 1)
            .unwrap_or_else(|| panic!("occurrence {n} of {from:?} not found"))
            .0;
        let mut s = self.0;
        s.replace_range(at..at + from.len(), to);
        Doc(s)
    }

    /// Replaces every occurrence of `from` (at least one).
    pub fn all(self, from: &str, to: &str) -> Self {
        assert!(self.0.contains(from), "{from:?} not found");
        Doc(self.0.replace(from, to))
    }

    /// Inserts `what` just before the first occurrence of `marker`.
    pub fn before(self, marker: &str, what: &str) -> Self {
        self.set(marker, &format!("{what}{marker}"))
    }

    /// Inserts `what` just after the first occurrence of `marker`.
    pub fn after(self, marker: &str, what: &str) -> Self {
        self.set(marker, &format!("{marker}{what}"))
    }

    /// Removes the `n`th element that starts with `open` (e.g. `<cac:PostalAddress>`), through
    /// its matching end tag.
    pub fn drop_nth(self, n: usize, open: &str) -> Self {
        let name = open
            .trim_start_matches('<')
            .split([' ', '>'])
            .next()
            .expect("a tag name")
            .to_owned();
        let start = self
            .0
            .match_indices(open)
            .nth(n - 1)
            .unwrap_or_else(|| panic!("occurrence {n} of {open:?} not found"))
            .0;
        let close = format!("</{name}>");
        let open_tag = format!("<{name}");
        let is_open_at = |p: usize| {
            self.0[p..].starts_with(&open_tag)
                && matches!(
                    self.0.as_bytes().get(p + open_tag.len()),
                    Some(b' ' | b'>' | b'/')
                )
        };
        let mut depth = 0usize;
        let mut i = start;
        let end = loop {
            if is_open_at(i) {
                depth += 1;
            } else if self.0[i..].starts_with(&close) {
                depth -= 1;
                if depth == 0 {
                    break i + close.len();
                }
            }
            i += 1;
        };
        let mut s = self.0;
        s.replace_range(start..end, "");
        Doc(s)
    }

    pub fn drop(self, open: &str) -> Self {
        self.drop_nth(1, open)
    }

    pub fn report(&self) -> Report {
        validate(self.0.as_bytes())
    }
}

/// Checks that each document fires its rule, and reports every case that did not at once.
pub fn assert_each_fires(cases: Vec<(&str, Doc)>) {
    let mut failures = Vec::new();
    for (rule, doc) in &cases {
        let report = doc.report();
        if !report.findings.iter().any(|f| f.rule == *rule) {
            let got: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
            failures.push(format!("{rule} did not fire; got {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
