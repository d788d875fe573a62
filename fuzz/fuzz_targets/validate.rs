//! Feeds arbitrary bytes to the validator: it must never panic, never loop, and always say
//! what it saw.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let report = invoicer_einvoice::validate(data);
    // A document that was not recognised is always explained by a finding.
    assert!(report.document.is_some() || !report.findings.is_empty());
    // Counting and serialising the report must hold for any input too.
    assert_eq!(
        report.fatal_count() + report.warning_count(),
        report.findings.len()
    );
});
