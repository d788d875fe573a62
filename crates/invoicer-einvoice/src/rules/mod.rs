//! The business rules, by official id, evaluated over the parsed tree.
//!
//! Each module holds one family of rules as the artefacts group them. A Schematron pattern
//! applies only the first rule whose context matches a node; where two contexts of one pattern
//! overlap, the code keeps that precedence and says so at the rule.

use std::fmt::Display;

use rust_decimal::Decimal;

use crate::report::{Finding, Flag};
use crate::tree::{Doc, El};

mod cen_codes;
mod cen_core;
mod cen_syntax;
mod cen_vat;
mod peppol;
mod peppol_de;
mod peppol_national;
mod ubl_cr_paths;
mod xpath;

/// Runs every rule over `doc`.
pub(crate) fn check(doc: &Doc<'_>) -> Vec<Finding> {
    let mut out = Out::default();
    cen_core::check(doc, &mut out);
    cen_vat::check(doc, &mut out);
    cen_codes::check(doc, &mut out);
    cen_syntax::check(doc, &mut out);
    let peppol = peppol::Context::of(doc);
    peppol::check(doc, &peppol, &mut out);
    peppol_national::check(doc, &peppol, &mut out);
    peppol_de::check(doc, &peppol, &mut out);
    out.findings
}

/// Collects findings.
#[derive(Default)]
pub(crate) struct Out {
    pub(crate) findings: Vec<Finding>,
}

impl Out {
    /// Reports `rule` at `at` unless `holds`.
    pub(crate) fn assert(
        &mut self,
        holds: bool,
        rule: &'static str,
        flag: Flag,
        at: El<'_, '_>,
        message: impl Display,
    ) {
        if !holds {
            self.fire(rule, flag, at, message);
        }
    }

    pub(crate) fn fatal(
        &mut self,
        holds: bool,
        rule: &'static str,
        at: El<'_, '_>,
        message: impl Display,
    ) {
        self.assert(holds, rule, Flag::Fatal, at, message);
    }

    pub(crate) fn warning(
        &mut self,
        holds: bool,
        rule: &'static str,
        at: El<'_, '_>,
        message: impl Display,
    ) {
        self.assert(holds, rule, Flag::Warning, at, message);
    }

    /// Messages are formatted only here, when a rule fires, so passing `format_args!` costs
    /// nothing on the (usual) path where the rule holds.
    pub(crate) fn fire(
        &mut self,
        rule: &'static str,
        flag: Flag,
        at: El<'_, '_>,
        message: impl Display,
    ) {
        self.findings.push(Finding {
            rule,
            flag,
            location: at.location(),
            message: message.to_string(),
            computed: None,
            declared: None,
        });
    }

    /// Reports an arithmetic rule with the figure it computed and the one the document declares.
    pub(crate) fn calculation(
        &mut self,
        holds: bool,
        rule: &'static str,
        at: El<'_, '_>,
        message: impl Display,
        computed: Option<Decimal>,
        declared: Option<Decimal>,
    ) {
        if !holds {
            self.findings.push(Finding {
                rule,
                flag: Flag::Fatal,
                location: at.location(),
                message: message.to_string(),
                computed: computed.map(|d| d.to_string()),
                declared: declared.map(|d| d.to_string()),
            });
        }
    }
}
