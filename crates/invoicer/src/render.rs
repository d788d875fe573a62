//! `invoicer render FILE.json`: an issued invoice or credit note, in the JSON the API returns for
//! it, written as its UBL 2.1 e-invoice by the renderer issuing uses, and held to the validator
//! issuing holds it to. No database: the JSON is the whole document.

use std::{
    io::{Read, Write},
    path::Path,
    process::ExitCode,
};

use invoicer_api_types::{document::DocumentIn, einvoice::ValidationReportOut};

/// Exit status: 0 the UBL is on stdout, 1 it breaks a fatal rule (and is not written), 2 the file
/// cannot be read or is not a document that can be rendered.
pub fn run(file: &Path) -> ExitCode {
    let stdin = file.as_os_str() == "-";
    let name = if stdin {
        "stdin".to_owned()
    } else {
        file.display().to_string()
    };
    let mut bytes = Vec::new();
    let read = if stdin {
        std::io::stdin().lock().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::read(file).map(|b| bytes = b)
    };
    if let Err(e) = read {
        eprintln!("{name}: cannot be read: {e}");
        return ExitCode::from(2);
    }
    let json: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(json) => json,
        Err(e) => {
            eprintln!("{name}: not JSON: {e}");
            return ExitCode::from(2);
        }
    };
    let invoice = match DocumentIn::from_json(&json).and_then(|doc| doc.parse()) {
        Ok(invoice) => invoice,
        Err(v) => {
            eprintln!("{name}: not an issued invoice or credit note as the API returns it:");
            for e in v.as_slice() {
                eprintln!("  {}: {}", e.field, e.message);
            }
            return ExitCode::from(2);
        }
    };
    let ubl = match invoicer_einvoice::render(&invoice) {
        Ok(ubl) => ubl,
        // `parse` refuses what the renderer cannot take; this says so should they ever differ.
        Err(e) => {
            eprintln!("{name}: {e}");
            return ExitCode::from(2);
        }
    };
    let report = invoicer_einvoice::validate(ubl.as_bytes());
    if !report.findings.is_empty() {
        // Warnings go with the UBL; a fatal finding keeps it back, as issuing would refuse it.
        let shown = ValidationReportOut::from(&report);
        eprint!("{}", crate::validate::text(Path::new(&name), &shown));
    }
    if report.has_fatal() {
        return ExitCode::from(1);
    }
    let mut out = std::io::stdout().lock();
    if out
        .write_all(ubl.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}
