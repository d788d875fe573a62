//! Shared helpers: the corpus location and a summary of findings by rule.

use std::collections::BTreeMap;
use std::path::PathBuf;

use invoicer_einvoice::{Flag, Report};

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
