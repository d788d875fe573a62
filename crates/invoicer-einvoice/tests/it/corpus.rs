//! Agreement with the official artefacts: for every document of the corpus, the same rule ids
//! with the same flags, counts and locations as `expected.jsonl` records.

use std::collections::BTreeMap;

use invoicer_einvoice::{validate, Flag};
use serde_json::Value;

use crate::support::{corpus_dir, fired, read_corpus_file};

/// The oracle writes `/*:Invoice[namespace-uri()='…Invoice-2'][1]/*:X[namespace-uri()='…CAC'][1]`;
/// ours is `/Invoice[1]/cac:X[1]`.
fn normalize_location(oracle: &str) -> String {
    let mut out = oracle.to_owned();
    for (uri, prefix) in [
        ("urn:oasis:names:specification:ubl:schema:xsd:Invoice-2", ""),
        (
            "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
            "",
        ),
        (
            "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
            "cac:",
        ),
        (
            "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
            "cbc:",
        ),
        (
            "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
            "ext:",
        ),
    ] {
        let needle = format!("[namespace-uri()='{uri}']");
        while let Some(at) = out.find(&needle) {
            let start = out[..at].rfind("/*:").expect("a step before the predicate");
            let name = out[start + 3..at].to_owned();
            out.replace_range(start..at + needle.len(), &format!("/{prefix}{name}"));
        }
    }
    out
}

type Verdicts = BTreeMap<String, (Flag, Vec<String>)>;

fn expected_verdicts(line: &Value) -> Verdicts {
    let mut verdicts = Verdicts::new();
    for rule in line["fired"].as_array().expect("fired is a list") {
        let flag = match rule["flag"].as_str() {
            Some("fatal") => Flag::Fatal,
            Some("warning") => Flag::Warning,
            other => panic!("unknown flag {other:?}"),
        };
        let mut locations: Vec<String> = rule["locations"]
            .as_array()
            .expect("locations is a list")
            .iter()
            .map(|l| normalize_location(l.as_str().expect("a location string")))
            .collect();
        locations.sort();
        let count = rule["count"].as_u64().expect("a count") as usize;
        assert_eq!(
            count,
            locations.len(),
            "the oracle's count matches its locations"
        );
        verdicts.insert(
            rule["id"].as_str().expect("an id").to_owned(),
            (flag, locations),
        );
    }
    verdicts
}

fn describe(verdicts: &Verdicts) -> Vec<String> {
    verdicts
        .iter()
        .map(|(id, (flag, locations))| format!("{id} {flag:?} x{}", locations.len()))
        .collect()
}

#[test]
fn every_corpus_document_gets_the_official_verdicts() {
    let dir = corpus_dir();
    let expected = std::fs::read_to_string(dir.join("expected.jsonl")).expect("expected.jsonl");
    let mut lines = 0;
    let mut mismatches = Vec::new();
    for line in expected.lines().filter(|l| !l.trim().is_empty()) {
        lines += 1;
        let line: Value = serde_json::from_str(line).expect("a JSON line");
        let file = line["file"].as_str().expect("a file name");
        let report = validate(&read_corpus_file(file));
        let ours = fired(&report);
        let theirs = expected_verdicts(&line);
        if ours != theirs {
            let mut detail = Vec::new();
            for id in ours
                .keys()
                .chain(theirs.keys())
                .collect::<std::collections::BTreeSet<_>>()
            {
                let (a, b) = (ours.get(id), theirs.get(id));
                if a != b {
                    detail.push(format!("    {id}: ours {a:?}\n      expected {b:?}"));
                }
            }
            mismatches.push(format!(
                "{file}\n  ours:     {:?}\n  expected: {:?}\n{}",
                describe(&ours),
                describe(&theirs),
                detail.join("\n")
            ));
        }
    }
    assert_eq!(lines, 77, "expected.jsonl has one line per corpus document");
    assert!(
        mismatches.is_empty(),
        "{} of {lines} documents disagree with the official artefacts:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn oracle_locations_are_rewritten_to_our_xpath_form() {
    assert_eq!(
        normalize_location(
            "/*:Invoice[namespace-uri()='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'][1]\
             /*:AccountingSupplierParty[namespace-uri()='urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2'][1]\
             /*:EndpointID[namespace-uri()='urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2'][1]"
        ),
        "/Invoice[1]/cac:AccountingSupplierParty[1]/cbc:EndpointID[1]"
    );
}
