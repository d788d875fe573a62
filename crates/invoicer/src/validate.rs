//! `invoicer validate FILE…`: the e-invoice validator on the command line.

use std::{io::Write, path::PathBuf, process::ExitCode};

use invoicer_api_types::einvoice::ValidationReportOut;

use crate::config::ReportFormat;

/// Exit status: 0 all clean, 1 a fatal finding, 2 a file could not be read.
pub fn run(files: &[PathBuf], format: ReportFormat) -> ExitCode {
    let (mut any_fatal, mut unreadable) = (false, false);
    let mut out = std::io::stdout().lock();
    for file in files {
        let bytes = match std::fs::read(file) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("{}: cannot be read: {e}", file.display());
                unreadable = true;
                continue;
            }
        };
        let report = invoicer_einvoice::validate(&bytes);
        any_fatal |= report.has_fatal();
        let report = ValidationReportOut::from(&report);
        let written = match format {
            ReportFormat::Json => writeln!(out, "{}", json_line(file, &report)),
            ReportFormat::Text => write!(out, "{}", text(file, &report)),
        };
        if written.is_err() {
            return ExitCode::from(2);
        }
    }
    match (unreadable, any_fatal) {
        (true, _) => ExitCode::from(2),
        (false, true) => ExitCode::from(1),
        (false, false) => ExitCode::SUCCESS,
    }
}

fn json_line(file: &std::path::Path, r: &ValidationReportOut) -> serde_json::Value {
    serde_json::json!({
        "file": file.display().to_string(),
        "document": r.document,
        "fatal": r.fatal,
        "warning": r.warning,
        "findings": r.findings,
    })
}

pub(crate) fn text(file: &std::path::Path, r: &ValidationReportOut) -> String {
    let verdict = if r.fatal > 0 { "INVALID" } else { "valid" };
    let mut s = format!(
        "{}: {verdict} ({} fatal, {} warning{}; {})\n",
        file.display(),
        r.fatal,
        r.warning,
        if r.warning == 1 { "" } else { "s" },
        r.document
            .as_deref()
            .unwrap_or("not a UBL invoice or credit note")
    );
    for f in &r.findings {
        s.push_str(&format!("  {:<7} {:<24} {}\n", f.flag, f.rule, f.location));
        s.push_str(&format!("          {}", f.message));
        if let (Some(computed), Some(declared)) = (&f.computed, &f.declared) {
            s.push_str(&format!(" (computed {computed}, declared {declared})"));
        }
        s.push('\n');
    }
    s
}
