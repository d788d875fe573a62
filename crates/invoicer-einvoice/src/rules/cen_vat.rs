//! The CEN rules per VAT category: BR-S-*, BR-Z-*, BR-E-*, BR-AE-*, BR-IC-* (K), BR-G-*,
//! BR-AF-* (L, IGIC), BR-AG-* (M, IPSI), BR-O-* and the split payment rules BR-B-*.
//!
//! The ten rules of each category share one shape, so one table describes how each category
//! differs (which seller identifiers it needs, what rate it allows, how its taxable amount and
//! VAT are computed, whether it needs an exemption reason) and one function applies it. Where a
//! rule's test names its categories otherwise than its siblings do, `names` says how.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;

use super::xpath::{any_raw_eq, dec, dec_of, is_charge, is_vat_scheme, string_value, sum};
use super::Out;
use crate::decimal::round2;
use crate::report::Flag;
use crate::tree::{Doc, El};

/// Which VAT identifiers a category requires of the parties.
#[derive(Clone, Copy, PartialEq)]
enum PartyIds {
    /// The seller has some tax registration, or a tax representative has a VAT number.
    SellerOrRepresentative,
    /// The seller or its tax representative has a VAT number.
    SellerVatOrRepresentative,
    /// As `SellerOrRepresentative`, and the buyer has a VAT number or legal registration.
    SellerAndBuyer,
    /// As `SellerVatOrRepresentative`, and the buyer has a VAT number.
    SellerVatAndBuyerVat,
    /// Nobody may give a VAT number (not subject to VAT).
    NoVatNumbers,
}

#[derive(Clone, Copy, PartialEq)]
enum Rate {
    Zero,
    Positive,
    NotNegative,
    Absent,
}

struct Category {
    code: &'static str,
    /// Rule id prefix, e.g. `BR-AE`.
    prefix: &'static str,
    name: &'static str,
    /// Rates vary within the category (S, L, M): the breakdown is per rate, within ±1, and the
    /// VAT is computed. Otherwise there is one breakdown, exact, with zero VAT.
    per_rate: bool,
    ids: PartyIds,
    rate: Rate,
    exemption_required: bool,
}

const CATEGORIES: &[Category] = &[
    Category {
        code: "S",
        prefix: "BR-S",
        name: "Standard rated",
        per_rate: true,
        ids: PartyIds::SellerOrRepresentative,
        rate: Rate::Positive,
        exemption_required: false,
    },
    Category {
        code: "Z",
        prefix: "BR-Z",
        name: "Zero rated",
        per_rate: false,
        ids: PartyIds::SellerOrRepresentative,
        rate: Rate::Zero,
        exemption_required: false,
    },
    Category {
        code: "E",
        prefix: "BR-E",
        name: "Exempt from VAT",
        per_rate: false,
        ids: PartyIds::SellerOrRepresentative,
        rate: Rate::Zero,
        exemption_required: true,
    },
    Category {
        code: "AE",
        prefix: "BR-AE",
        name: "Reverse charge",
        per_rate: false,
        ids: PartyIds::SellerAndBuyer,
        rate: Rate::Zero,
        exemption_required: true,
    },
    Category {
        code: "K",
        prefix: "BR-IC",
        name: "Intra-community supply",
        per_rate: false,
        ids: PartyIds::SellerVatAndBuyerVat,
        rate: Rate::Zero,
        exemption_required: true,
    },
    Category {
        code: "G",
        prefix: "BR-G",
        name: "Export outside the EU",
        per_rate: false,
        ids: PartyIds::SellerVatOrRepresentative,
        rate: Rate::Zero,
        exemption_required: true,
    },
    Category {
        code: "L",
        prefix: "BR-AF",
        name: "IGIC (Canary Islands)",
        per_rate: true,
        ids: PartyIds::SellerOrRepresentative,
        rate: Rate::NotNegative,
        exemption_required: false,
    },
    Category {
        code: "M",
        prefix: "BR-AG",
        name: "IPSI (Ceuta and Melilla)",
        per_rate: true,
        ids: PartyIds::SellerOrRepresentative,
        rate: Rate::NotNegative,
        exemption_required: false,
    },
    Category {
        code: "O",
        prefix: "BR-O",
        name: "Not subject to VAT",
        per_rate: false,
        ids: PartyIds::NoVatNumbers,
        rate: Rate::Absent,
        exemption_required: true,
    },
];

/// Rule ids are `{prefix}-{nn}`; they are needed as `&'static str`, so they are spelled out.
fn rule(prefix: &str, n: usize) -> &'static str {
    const IDS: &[(&str, [&str; 10])] = &[
        (
            "BR-S",
            [
                "BR-S-01", "BR-S-02", "BR-S-03", "BR-S-04", "BR-S-05", "BR-S-06", "BR-S-07",
                "BR-S-08", "BR-S-09", "BR-S-10",
            ],
        ),
        (
            "BR-Z",
            [
                "BR-Z-01", "BR-Z-02", "BR-Z-03", "BR-Z-04", "BR-Z-05", "BR-Z-06", "BR-Z-07",
                "BR-Z-08", "BR-Z-09", "BR-Z-10",
            ],
        ),
        (
            "BR-E",
            [
                "BR-E-01", "BR-E-02", "BR-E-03", "BR-E-04", "BR-E-05", "BR-E-06", "BR-E-07",
                "BR-E-08", "BR-E-09", "BR-E-10",
            ],
        ),
        (
            "BR-AE",
            [
                "BR-AE-01", "BR-AE-02", "BR-AE-03", "BR-AE-04", "BR-AE-05", "BR-AE-06", "BR-AE-07",
                "BR-AE-08", "BR-AE-09", "BR-AE-10",
            ],
        ),
        (
            "BR-IC",
            [
                "BR-IC-01", "BR-IC-02", "BR-IC-03", "BR-IC-04", "BR-IC-05", "BR-IC-06", "BR-IC-07",
                "BR-IC-08", "BR-IC-09", "BR-IC-10",
            ],
        ),
        (
            "BR-G",
            [
                "BR-G-01", "BR-G-02", "BR-G-03", "BR-G-04", "BR-G-05", "BR-G-06", "BR-G-07",
                "BR-G-08", "BR-G-09", "BR-G-10",
            ],
        ),
        (
            "BR-AF",
            [
                "BR-AF-01", "BR-AF-02", "BR-AF-03", "BR-AF-04", "BR-AF-05", "BR-AF-06", "BR-AF-07",
                "BR-AF-08", "BR-AF-09", "BR-AF-10",
            ],
        ),
        (
            "BR-AG",
            [
                "BR-AG-01", "BR-AG-02", "BR-AG-03", "BR-AG-04", "BR-AG-05", "BR-AG-06", "BR-AG-07",
                "BR-AG-08", "BR-AG-09", "BR-AG-10",
            ],
        ),
        (
            "BR-O",
            [
                "BR-O-01", "BR-O-02", "BR-O-03", "BR-O-04", "BR-O-05", "BR-O-06", "BR-O-07",
                "BR-O-08", "BR-O-09", "BR-O-10",
            ],
        ),
    ];
    IDS.iter()
        .find(|(p, _)| *p == prefix)
        .map(|(_, ids)| ids[n - 1])
        .unwrap_or("BR-?")
}

/// What the rules need to know about the document once.
struct Facts<'d, 'a> {
    root: El<'d, 'a>,
    /// Every `cac:ClassifiedTaxCategory` (line items).
    classified: Vec<Cat<'d, 'a>>,
    /// Every `cac:TaxCategory` under an allowance or charge (document or line level).
    allowance_categories: Vec<Cat<'d, 'a>>,
    /// Every `cac:TaxCategory` anywhere.
    all_categories: Vec<Cat<'d, 'a>>,
    /// `cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory` of the document.
    breakdown: Vec<Cat<'d, 'a>>,
    seller_any_id: bool,
    seller_vat: bool,
    representative_vat: bool,
    buyer_vat: bool,
    buyer_legal: bool,
}

fn has_vat_number(party_schemes: Vec<El<'_, '_>>) -> bool {
    party_schemes
        .iter()
        .any(|s| is_vat_scheme(*s) && s.has("cbc:CompanyID"))
}

impl<'d, 'a> Facts<'d, 'a> {
    fn of(doc: &'d Doc<'a>) -> Self {
        let root = doc.root();
        let mut classified = Vec::new();
        let mut allowance_categories = Vec::new();
        let mut all_categories = Vec::new();
        for e in doc.named_any(["cac:ClassifiedTaxCategory", "cac:TaxCategory"]) {
            if e.is("cac:ClassifiedTaxCategory") {
                classified.push(Cat::of(e));
            } else if e.is("cac:TaxCategory") {
                all_categories.push(Cat::of(e));
                if e.parent().is_some_and(|p| p.is("cac:AllowanceCharge")) {
                    allowance_categories.push(Cat::of(e));
                }
            }
        }
        let supplier = "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme";
        Facts {
            root,
            classified,
            allowance_categories,
            all_categories,
            breakdown: root
                .select("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory")
                .into_iter()
                .map(Cat::of)
                .collect(),
            seller_any_id: root.select(supplier).iter().any(|s| s.has("cbc:CompanyID")),
            seller_vat: has_vat_number(root.select(supplier)),
            representative_vat: has_vat_number(
                root.select("cac:TaxRepresentativeParty/cac:PartyTaxScheme"),
            ),
            buyer_vat: has_vat_number(
                root.select("cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme"),
            ),
            buyer_legal: root
                .exists("cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID"),
        }
    }

    fn ids_present(&self, ids: PartyIds) -> bool {
        match ids {
            PartyIds::SellerOrRepresentative => self.seller_any_id || self.representative_vat,
            PartyIds::SellerVatOrRepresentative => self.seller_vat || self.representative_vat,
            PartyIds::SellerAndBuyer => {
                (self.seller_any_id || self.representative_vat)
                    && (self.buyer_vat || self.buyer_legal)
            }
            PartyIds::SellerVatAndBuyerVat => {
                (self.seller_vat || self.representative_vat) && self.buyer_vat
            }
            PartyIds::NoVatNumbers => {
                !self.seller_vat && !self.representative_vat && !self.buyer_vat
            }
        }
    }
}

/// A tax category with what every rule asks of it, worked out once.
struct Cat<'d, 'a> {
    el: El<'d, 'a>,
    /// The normalised `cbc:ID`.
    code: std::borrow::Cow<'d, str>,
    /// Whether it belongs to the VAT scheme (CEN form of the test).
    vat: bool,
}

impl<'d, 'a> std::ops::Deref for Cat<'d, 'a> {
    type Target = El<'d, 'a>;

    fn deref(&self) -> &El<'d, 'a> {
        &self.el
    }
}

impl<'d, 'a> Cat<'d, 'a> {
    fn of(el: El<'d, 'a>) -> Self {
        Cat {
            el,
            code: el.text_at("cbc:ID"),
            vat: is_vat_scheme(el),
        }
    }

    /// Whether a test that names `code` the way `names` says counts this category.
    fn named(&self, code: &str, names: Names) -> bool {
        (self.vat || !names.vat_only)
            && if names.raw_code {
                self.el.all("cbc:ID").any(|id| string_value(id) == code)
            } else {
                self.code == code
            }
    }
}

/// How a test names the categories of a code.
#[derive(Clone, Copy)]
struct Names {
    /// Only those whose `cac:TaxScheme/cbc:ID` is `VAT`.
    vat_only: bool,
    /// `cbc:ID = 'L'`: the code as written, instead of `normalize-space(cbc:ID) = 'L'`.
    raw_code: bool,
}

/// The normalised code in the VAT scheme, as every rule context has it.
const VAT: Names = Names {
    vat_only: true,
    raw_code: false,
};

const ANY_SCHEME: Names = Names {
    vat_only: false,
    raw_code: false,
};

/// The places in the tests of {prefix}-01…04 that name categories of the rule's code.
#[derive(Clone, Copy)]
enum Part {
    /// -01: on lines, allowances and charges (single-rate categories: anywhere).
    Used,
    /// -01: in the breakdown, when the category is used.
    ListedIfUsed,
    /// -01: in the breakdown, when it is not (per-rate categories only).
    ListedIfUnused,
    /// -02…04, `or not(exists(...))`: the categories that make the rule apply.
    Applies,
    /// -02…04, `exists(...) and (...)`: the categories that, with the identifiers, satisfy it.
    Satisfies,
}

/// How a part of a rule's test names its categories. Most name them as the contexts do; these
/// exceptions are the artefact's own, kept so that we fire exactly where it does.
fn names(rule: &str, part: Part) -> Names {
    match (rule, part) {
        // `count(//cac:ClassifiedTaxCategory[normalize-space(cbc:ID) = 'S'])` and the like:
        // BR-S-01 asks nothing of the tax scheme.
        ("BR-S-01", _) => ANY_SCHEME,
        // `... or not(exists(//cac:ClassifiedTaxCategory[normalize-space(cbc:ID) = 'S']))`
        // while its `exists(...)` wants the VAT scheme: a line in category S of another tax
        // scheme makes BR-S-02 apply, and then only an S line in the VAT scheme satisfies it,
        // whatever identifiers the parties have.
        ("BR-S-02", Part::Applies) => ANY_SCHEME,
        // `count(cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory[cbc:ID = 'L']) > 0`: unnormalised
        // and in any scheme, where the unused branch and the other counts ask for VAT.
        ("BR-AF-01", Part::ListedIfUsed) => Names {
            vat_only: false,
            raw_code: true,
        },
        // `cac:TaxCategory[cbc:ID = 'M'][cac:TaxScheme/...='VAT']`.
        ("BR-AG-01", Part::ListedIfUsed) | ("BR-AF-04", Part::Applies) => Names {
            vat_only: true,
            raw_code: true,
        },
        // `exists(//cac:AllowanceCharge[...]/cac:TaxCategory[normalize-space(cbc:ID)='G'])`:
        // any scheme, though without effect, as the one that makes the rule apply is in VAT.
        ("BR-G-03" | "BR-G-04", Part::Satisfies) => ANY_SCHEME,
        _ => VAT,
    }
}

pub(crate) fn check(doc: &Doc<'_>, out: &mut Out) {
    let facts = Facts::of(doc);
    let bases = Bases::of(doc);
    for category in CATEGORIES {
        presence(&facts, category, out);
        party_ids(&facts, category, out);
        rates(&facts, category, out);
        breakdown(&facts, &bases, category, out);
    }
    not_subject_alone(&facts, out);
    intra_community(&facts, out);
    split_payment(&facts, out);
}

/// {prefix}-01: a category used on a line, allowance or charge appears in the VAT breakdown
/// (exactly once for single-rate categories).
fn presence(f: &Facts<'_, '_>, c: &Category, out: &mut Out) {
    let rule = rule(c.prefix, 1);
    let count = |categories: &[Cat], part| {
        let names = names(rule, part);
        categories.iter().filter(|e| e.named(c.code, names)).count()
    };
    let holds = if c.per_rate {
        let used = count(&f.allowance_categories, Part::Used) + count(&f.classified, Part::Used);
        if used > 0 {
            count(&f.breakdown, Part::ListedIfUsed) > 0
        } else {
            count(&f.breakdown, Part::ListedIfUnused) == 0
        }
    } else {
        let used = count(&f.all_categories, Part::Used) > 0 || count(&f.classified, Part::Used) > 0;
        !used || count(&f.breakdown, Part::ListedIfUsed) == 1
    };
    out.fatal(
        holds,
        rule,
        f.root,
        format_args!(
            "VAT category {} ({}) is used on a line, allowance or charge but the VAT breakdown \
             does not list it {}. Add a matching cac:TaxSubtotal.",
            c.code,
            c.name,
            if c.per_rate {
                "(or lists it unused)"
            } else {
                "exactly once"
            }
        ),
    );
}

/// {prefix}-02/03/04: lines, allowances and charges of the category need the right parties'
/// VAT identifiers.
fn party_ids(f: &Facts<'_, '_>, c: &Category, out: &mut Out) {
    let on_lines = |names| f.classified.iter().any(|e| e.named(c.code, names));
    let on_allowances = |charge: bool, names| {
        f.allowance_categories.iter().any(|t| {
            t.named(c.code, names)
                && t.parent().is_some_and(|a| {
                    is_charge(a, charge)
                        // Only BR-O-03/04 restrict themselves to document level.
                        && (c.code != "O" || a.parent() == Some(f.root))
                })
        })
    };
    let ids = f.ids_present(c.ids);
    let need = match c.ids {
        PartyIds::NoVatNumbers => "no VAT identifier for seller, tax representative or buyer",
        PartyIds::SellerAndBuyer => "the seller's VAT identifier (or tax representative's) and the buyer's VAT identifier or legal registration",
        PartyIds::SellerVatAndBuyerVat => "the seller's (or tax representative's) and the buyer's VAT identifiers",
        _ => "the seller's VAT identifier, tax registration or tax representative's VAT identifier",
    };
    for (n, what) in [
        (2, "an invoice line"),
        (3, "a document level allowance"),
        (4, "a document level charge"),
    ] {
        let rule = rule(c.prefix, n);
        let used = |part| {
            let names = names(rule, part);
            match n {
                2 => on_lines(names),
                _ => on_allowances(n == 4, names),
            }
        };
        if !used(Part::Applies) {
            continue;
        }
        if used(Part::Satisfies) {
            out.fatal(
                ids,
                rule,
                f.root,
                format_args!(
                    "{what} has VAT category {} ({}), which requires {need}.",
                    c.code, c.name
                ),
            );
        } else {
            out.fire(
                rule,
                Flag::Fatal,
                f.root,
                format_args!(
                    "{what} has category {code} outside the VAT scheme and none has {code} in \
                     it: set the category's cac:TaxScheme/cbc:ID to VAT.",
                    code = c.code
                ),
            );
        }
    }
}

/// {prefix}-05/06/07: the rate on lines, allowances and charges of the category.
fn rates(f: &Facts<'_, '_>, c: &Category, out: &mut Out) {
    let on_line_item = |t: &Cat| {
        t.parent().is_some_and(|item| {
            item.is("cac:Item")
                && item
                    .parent()
                    .is_some_and(|l| l.is("cac:InvoiceLine") || l.is("cac:CreditNoteLine"))
        })
    };
    // The category test first: it is the cheap one and rules most categories out.
    let of_category = |t: &&Cat| t.named(c.code, VAT);
    let checks = f
        .classified
        .iter()
        .filter(of_category)
        .filter(|t| on_line_item(t))
        .map(|t| (5, t))
        .chain(
            f.allowance_categories
                .iter()
                .filter(of_category)
                .filter_map(|t| {
                    let ac = t.parent()?;
                    if is_charge(ac, false) {
                        Some((6, t))
                    } else if is_charge(ac, true) {
                        Some((7, t))
                    } else {
                        None
                    }
                }),
        );
    for (n, t) in checks {
        let t = t.el;
        let percents: Vec<Option<Decimal>> = t.all("cbc:Percent").map(dec_of).collect();
        let (holds, wanted) = match c.rate {
            Rate::Zero => (
                percents.len() == 1 && percents[0] == Some(Decimal::ZERO),
                "must be 0",
            ),
            Rate::Positive => (
                percents
                    .iter()
                    .any(|p| p.is_some_and(|p| p > Decimal::ZERO)),
                "must be greater than 0",
            ),
            Rate::NotNegative => (
                percents
                    .iter()
                    .any(|p| p.is_some_and(|p| p >= Decimal::ZERO)),
                "must be 0 or more",
            ),
            Rate::Absent => (percents.is_empty(), "must not be given"),
        };
        out.fatal(
            holds,
            rule(c.prefix, n),
            t,
            format_args!(
                "For VAT category {} ({}) the VAT rate (cbc:Percent) {wanted}.",
                c.code, c.name
            ),
        );
    }
}

/// A VAT category code and, for the per-rate categories, a rate.
type Key = (String, Option<Decimal>);

/// The taxable bases the `-08` rules compare with, gathered in one pass so that a document
/// with many breakdowns still costs time linear in its size.
#[derive(Default)]
struct Bases {
    invoice_lines: HashMap<Key, Option<Decimal>>,
    credit_lines: HashMap<Key, Option<Decimal>>,
    charges: HashMap<Key, Option<Decimal>>,
    allowances: HashMap<Key, Option<Decimal>>,
    /// Keys some allowance or charge anywhere carries (BR-S-08 asks for one).
    carried: HashSet<Key>,
    any_invoice_line: bool,
    any_credit_line: bool,
}

/// The keys of a group of tax categories: the artefact tests the code and the rate as two
/// separate predicates over the group, so every code pairs with every rate.
fn keys(categories: &[El<'_, '_>]) -> Vec<Key> {
    let codes = distinct(categories.iter().map(|c| c.text_at("cbc:ID").into_owned()));
    let rates = distinct(
        categories
            .iter()
            .flat_map(|c| c.all("cbc:Percent"))
            .filter_map(dec_of),
    );
    let mut keys = Vec::with_capacity(codes.len() * (rates.len() + 1));
    for code in codes {
        keys.extend(rates.iter().map(|r| (code.clone(), Some(*r))));
        keys.push((code, None));
    }
    keys
}

/// The distinct items, each first occurrence kept. A group holds one or two categories, so a
/// short list is searched; a long one goes through a set so that time stays linear.
fn distinct<T: Eq + std::hash::Hash + Clone>(items: impl Iterator<Item = T>) -> Vec<T> {
    const FEW: usize = 8;
    let mut out: Vec<T> = Vec::new();
    let mut seen: Option<HashSet<T>> = None;
    for item in items {
        let new = match &mut seen {
            Some(seen) => seen.insert(item.clone()),
            None => !out.contains(&item),
        };
        if new {
            out.push(item);
            if out.len() == FEW {
                seen = Some(out.iter().cloned().collect());
            }
        }
    }
    out
}

fn add(map: &mut HashMap<Key, Option<Decimal>>, key: Key, amount: Option<Decimal>) {
    let entry = map.entry(key).or_insert(Some(Decimal::ZERO));
    *entry = entry.zip(amount).and_then(|(a, b)| a.checked_add(b));
}

impl Bases {
    fn of(doc: &Doc<'_>) -> Self {
        let root = doc.root();
        let mut b = Bases::default();
        for e in doc.named_any([
            "cac:InvoiceLine",
            "cac:CreditNoteLine",
            "cac:AllowanceCharge",
        ]) {
            let invoice_line = e.is("cac:InvoiceLine");
            let credit_line = e.is("cac:CreditNoteLine");
            b.any_invoice_line |= invoice_line;
            b.any_credit_line |= credit_line;
            if (invoice_line || credit_line) && e.parent() == Some(root) {
                let amount = sum(e.all("cbc:LineExtensionAmount").map(dec_of));
                let map = if invoice_line {
                    &mut b.invoice_lines
                } else {
                    &mut b.credit_lines
                };
                for key in keys(&e.select("cac:Item/cac:ClassifiedTaxCategory")) {
                    add(map, key, amount);
                }
            } else if e.is("cac:AllowanceCharge") {
                let categories: Vec<El> = e.all("cac:TaxCategory").collect();
                let keys = keys(&categories);
                if e.parent() == Some(root) {
                    let amount = sum(e.all("cbc:Amount").map(dec_of));
                    for (charge, map) in [(true, &mut b.charges), (false, &mut b.allowances)] {
                        if is_charge(e, charge) {
                            for key in &keys {
                                add(map, key.clone(), amount);
                            }
                        }
                    }
                }
                b.carried.extend(keys);
            }
        }
        b
    }

    /// Lines of one kind plus document charges minus document allowances, for `key`.
    fn base(&self, credit: bool, key: &Key) -> Option<Decimal> {
        let get =
            |m: &HashMap<Key, Option<Decimal>>| m.get(key).copied().unwrap_or(Some(Decimal::ZERO));
        let lines = get(if credit {
            &self.credit_lines
        } else {
            &self.invoice_lines
        })?;
        Some(lines + get(&self.charges)? - get(&self.allowances)?)
    }

    fn carried_by(&self, credit: bool, key: &Key) -> bool {
        let lines = if credit {
            &self.credit_lines
        } else {
            &self.invoice_lines
        };
        lines.contains_key(key) || self.carried.contains(key)
    }
}

/// {prefix}-08/09/10 on each VAT breakdown of the category.
fn breakdown(f: &Facts<'_, '_>, bases: &Bases, c: &Category, out: &mut Out) {
    let doc = f.root.doc();
    for t in &f.breakdown {
        if !t.named(c.code, VAT) {
            continue;
        }
        let Some(subtotal) = t.parent() else { continue };
        let taxable = dec(subtotal, "cbc:TaxableAmount");
        let tax = dec(subtotal, "cbc:TaxAmount");
        let one = Decimal::ONE;
        if c.per_rate {
            // `every $rate in xs:decimal(cbc:Percent)`: no rate, nothing to check.
            if let Some(rate) = t.child("cbc:Percent").and_then(dec_of) {
                let near = |base: Option<Decimal>| {
                    base.zip(taxable)
                        .is_some_and(|(b, x)| x - one < b && x + one > b)
                };
                let key = (c.code.to_owned(), Some(rate));
                let invoice_base = bases.base(false, &key);
                let credit_base = bases.base(true, &key);
                let holds = if c.code == "S" {
                    // BR-S-08 also asks that a line or an allowance/charge carries this rate.
                    (bases.carried_by(false, &key) && near(invoice_base))
                        || (bases.carried_by(true, &key) && near(credit_base))
                } else {
                    (bases.any_invoice_line && near(invoice_base))
                        || (bases.any_credit_line && near(credit_base))
                };
                let computed = if doc.is_invoice() {
                    invoice_base
                } else {
                    credit_base
                };
                out.calculation(
                    holds,
                    rule(c.prefix, 8),
                    t.el,
                    format_args!(
                        "The taxable amount of the {} ({}) breakdown at {rate}% must equal the \
                         net amounts of the lines at that rate plus charges minus allowances \
                         at that rate (within 1).",
                        c.code, c.name
                    ),
                    computed,
                    taxable,
                );
            }
            let percent = t.child("cbc:Percent").and_then(dec_of);
            let expected = taxable
                .zip(percent)
                .and_then(|(x, p)| x.abs().checked_mul(p / Decimal::ONE_HUNDRED))
                .map(round2);
            out.calculation(
                expected
                    .zip(tax)
                    .is_some_and(|(e, t)| t.abs() - one < e && t.abs() + one > e),
                rule(c.prefix, 9),
                t.el,
                format_args!(
                    "The VAT amount of the {} ({}) breakdown must equal its taxable amount × rate \
                     / 100, rounded to two decimals.",
                    c.code, c.name
                ),
                expected,
                tax,
            );
        } else {
            let key = (c.code.to_owned(), None);
            let invoice_base = bases.base(false, &key);
            let credit_base = bases.base(true, &key);
            let holds = (bases.any_invoice_line && taxable.is_some() && taxable == invoice_base)
                || (bases.any_credit_line && taxable.is_some() && taxable == credit_base);
            out.calculation(
                holds,
                rule(c.prefix, 8),
                t.el,
                format_args!(
                    "The taxable amount of the {} ({}) breakdown must equal the net amounts of \
                     the lines in that category plus charges minus allowances in it.",
                    c.code, c.name
                ),
                if doc.is_invoice() {
                    invoice_base
                } else {
                    credit_base
                },
                taxable,
            );
            out.calculation(
                tax == Some(Decimal::ZERO),
                rule(c.prefix, 9),
                t.el,
                format_args!(
                    "The VAT amount of the {} ({}) breakdown must be 0.",
                    c.code, c.name
                ),
                Some(Decimal::ZERO),
                tax,
            );
        }
        let reason = t.has("cbc:TaxExemptionReason") || t.has("cbc:TaxExemptionReasonCode");
        out.fatal(
            reason == c.exemption_required,
            rule(c.prefix, 10),
            t.el,
            &if c.exemption_required {
                format!(
                    "A {} ({}) breakdown needs an exemption reason (cbc:TaxExemptionReasonCode \
                     or cbc:TaxExemptionReason).",
                    c.code, c.name
                )
            } else {
                format!(
                    "A {} ({}) breakdown must not carry an exemption reason. Remove it.",
                    c.code, c.name
                )
            },
        );
    }
}

/// BR-O-11…14: a document with category O in its breakdown uses no other category anywhere.
fn not_subject_alone(f: &Facts<'_, '_>, out: &mut Out) {
    let is_o = |t: &Cat| t.vat && t.code == "O";
    if !f.breakdown.iter().any(is_o) {
        return;
    }
    let other = |t: &Cat| t.vat && t.code != "O";
    let other_allowance = |charge: bool| {
        f.allowance_categories
            .iter()
            .any(|t| other(t) && t.parent().is_some_and(|a| is_charge(a, charge)))
    };
    for (rule, broken, what) in [
        ("BR-O-11", f.breakdown.iter().any(other), "VAT breakdown"),
        ("BR-O-12", f.classified.iter().any(other), "invoice line"),
        (
            "BR-O-13",
            other_allowance(false),
            "document level allowance",
        ),
        ("BR-O-14", other_allowance(true), "document level charge"),
    ] {
        out.fatal(
            !broken,
            rule,
            f.root,
            format_args!(
                "A document not subject to VAT (category O) may not have a {what} in another VAT \
                 category. Issue separate documents."
            ),
        );
    }
}

/// BR-IC-11/12: an intra-community supply names its delivery date (or period) and country.
fn intra_community(f: &Facts<'_, '_>, out: &mut Out) {
    if !f.breakdown.iter().any(|t| t.vat && t.code == "K") {
        return;
    }
    let root = f.root;
    let delivery_date = root
        .find("cac:Delivery/cbc:ActualDeliveryDate")
        .map_or(0, |d| string_value(d).chars().count());
    let period = root
        .all("cac:InvoicePeriod")
        .any(|p| p.children().next().is_some());
    out.fatal(
        delivery_date > 1 || period,
        "BR-IC-11",
        root,
        "An intra-community supply needs the actual delivery date (cac:Delivery/\
         cbc:ActualDeliveryDate) or the invoicing period.",
    );
    let country = root
        .find("cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode")
        .map_or(0, |c| string_value(c).chars().count());
    out.fatal(
        country > 1,
        "BR-IC-12",
        root,
        "An intra-community supply needs the deliver-to country code (cac:Delivery/\
         cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode).",
    );
}

/// BR-B-01/02: split payment (category B) is Italian-only and excludes category S.
///
/// BR-B-02 in the artefact looks for `S` at `cac:TaxTotal/cac:TaxSubtotal/cbc:ID`, an element
/// UBL does not have, so an S breakdown alone never trips it; we follow the artefact.
fn split_payment(f: &Facts<'_, '_>, out: &mut Out) {
    let root = f.root;
    let doc = root.doc();
    let raw_b = |t: &El| any_raw_eq(*t, "cbc:ID", "B");
    let any_b =
        f.all_categories.iter().any(|t| raw_b(&t.el)) || f.classified.iter().any(|t| raw_b(&t.el));
    if !any_b {
        return;
    }
    let foreign = doc
        .named("cbc:IdentificationCode")
        .any(|e| string_value(e) != "IT");
    out.fatal(
        !foreign,
        "BR-B-01",
        root,
        "Split payment (VAT category B) is only for Italian domestic invoices: every country \
         code must be IT.",
    );
    let document_ac = |code: &str| {
        root.select("cac:AllowanceCharge/cac:TaxCategory")
            .iter()
            .any(|t| any_raw_eq(*t, "cbc:ID", code))
    };
    let raw = |code: &str| {
        f.classified
            .iter()
            .any(|t| any_raw_eq(t.el, "cbc:ID", code))
    };
    let b_used = root
        .select("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory")
        .iter()
        .any(raw_b)
        || document_ac("B")
        || raw("B");
    out.fatal(
        !b_used || !(document_ac("S") || raw("S")),
        "BR-B-02",
        root,
        "A document with split payment (VAT category B) may not also use standard rate (S).",
    );
}
