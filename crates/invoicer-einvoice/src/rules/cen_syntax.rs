//! The CEN syntax binding rules for UBL: elements EN 16931 does not use (UBL-CR-*), data type
//! restrictions (UBL-DT-*) and cardinality restrictions (UBL-SR-*).
//!
//! The 674 plain UBL-CR paths are compiled once into two tries (anchored at the root, and
//! "anywhere" for `//` paths) and matched in a single walk of the document.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use super::ubl_cr_paths::UNUSED;
use super::xpath::{any_raw_eq, string_value};
use super::Out;
use crate::decimal::written_decimals;
use crate::tree::{Doc, El, Ns};

pub(crate) fn check(doc: &Doc<'_>, out: &mut Out) {
    let root = doc.root();
    unused_elements(root, out);
    unused_with_condition(root, out);
    data_types(doc, root, out);
    cardinalities(doc, root, out);
}

/// One step of a compiled path.
#[derive(Default)]
struct TrieNode {
    /// (name key, next node), sorted by key; keys index [`Tries::names`].
    children: Vec<(u16, usize)>,
    /// Rules (indexes into [`UNUSED`]) whose path ends at this element.
    rules: Vec<usize>,
    /// Rules whose path ends in an attribute of this element.
    attributes: Vec<(&'static str, usize)>,
}

struct Tries {
    nodes: Vec<TrieNode>,
    anchored: usize,
    anywhere: usize,
    /// Every element name the paths mention, keyed by its index in the children lists.
    names: HashMap<(Ns, &'static str), u16, BuildHasherDefault<Fnv>>,
}

/// FNV-1a, for the map of the paths' names. Its keys are fixed in the source, so a document
/// cannot lengthen its probe sequences; a lookup only hashes a name the document uses, once
/// per distinct name, and this hash costs a fraction of the default one for short names.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

impl Tries {
    /// Per name id of `doc`, its key in the tries, or `NO_KEY` for a name no path mentions;
    /// looked up once per distinct name, so the walk compares integers.
    fn keys(&self, doc: &Doc<'_>) -> Vec<u16> {
        (0..doc.names.len() as u32)
            .map(|id| *self.names.get(&doc.names.get(id)).unwrap_or(&NO_KEY))
            .collect()
    }
}

const NO_KEY: u16 = u16::MAX;

fn split_qname(step: &'static str) -> (Ns, &'static str) {
    match step.split_once(':') {
        Some(("cbc", l)) => (Ns::Cbc, l),
        Some(("cac", l)) => (Ns::Cac, l),
        Some(("ext", l)) => (Ns::Ext, l),
        Some((_, l)) => (Ns::Other, l),
        None => (Ns::Doc, step),
    }
}

/// Expands a leading `(a|b)` step into one path per alternative.
fn alternatives(path: &'static str) -> Vec<Vec<&'static str>> {
    let steps: Vec<&'static str> = path.split('/').collect();
    let mut out: Vec<Vec<&'static str>> = vec![Vec::new()];
    for step in steps {
        let options: Vec<&'static str> =
            match step.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
                Some(inner) => inner.split('|').collect(),
                None => vec![step],
            };
        out = out
            .into_iter()
            .flat_map(|prefix| {
                options.iter().map(move |o| {
                    let mut p = prefix.clone();
                    p.push(*o);
                    p
                })
            })
            .collect();
    }
    out
}

fn tries() -> &'static Tries {
    static TRIES: OnceLock<Tries> = OnceLock::new();
    TRIES.get_or_init(|| {
        let mut t = Tries {
            nodes: vec![TrieNode::default(), TrieNode::default()],
            anchored: 0,
            anywhere: 1,
            names: HashMap::default(),
        };
        for (index, (_, _, path)) in UNUSED.iter().enumerate() {
            let (start, path) = match path.strip_prefix("//") {
                Some(rest) => (t.anywhere, rest),
                None => (t.anchored, *path),
            };
            for steps in alternatives(path) {
                let mut node = start;
                let (last, inner) = steps.split_last().expect("a non-empty path");
                for step in inner
                    .iter()
                    .copied()
                    .chain((!last.starts_with('@')).then_some(*last))
                {
                    let known = t.names.len() as u16;
                    let key = *t.names.entry(split_qname(step)).or_insert(known);
                    let found = t.nodes[node]
                        .children
                        .iter()
                        .find(|(k, _)| *k == key)
                        .map(|c| c.1);
                    node = match found {
                        Some(next) => next,
                        None => {
                            t.nodes.push(TrieNode::default());
                            let next = t.nodes.len() - 1;
                            t.nodes[node].children.push((key, next));
                            next
                        }
                    };
                }
                match last.strip_prefix('@') {
                    Some(attribute) => t.nodes[node].attributes.push((attribute, index)),
                    None => t.nodes[node].rules.push(index),
                }
            }
        }
        for node in &mut t.nodes {
            node.children.sort_unstable();
        }
        t
    })
}

fn step(t: &Tries, from: usize, key: u16) -> Option<usize> {
    let children = &t.nodes[from].children;
    children
        .binary_search_by_key(&key, |c| c.0)
        .ok()
        .map(|i| children[i].1)
}

/// Matches the children of `parent` against the trie: `anchored` is where the root-anchored
/// paths stand at `parent` (if on one), `partial` the `//` paths that have begun above.
fn walk(
    t: &Tries,
    keys: &[u16],
    parent: El<'_, '_>,
    anchored: Option<usize>,
    partial: &Partial,
    fired: &mut Vec<bool>,
    hit: &impl Fn(usize, El<'_, '_>, &mut Vec<bool>),
) {
    let attribute_rules = !t.nodes[t.anywhere].attributes.is_empty();
    for e in parent.children() {
        let key = keys[e.name_id() as usize];
        let next_anchored = anchored
            .filter(|_| key != NO_KEY)
            .and_then(|a| step(t, a, key));
        if let Some(n) = next_anchored {
            hit(n, e, fired);
        }
        let mut next = Partial::starting(t.anywhere);
        for &p in partial.nodes().iter().filter(|_| key != NO_KEY) {
            if let Some(n) = step(t, p, key) {
                hit(n, e, fired);
                next.push(n);
            }
        }
        if attribute_rules && e.has_attributes() {
            hit(t.anywhere, e, fired);
        }
        if e.has_children() {
            walk(t, keys, e, next_anchored, &next, fired, hit);
        }
    }
}

/// The `//` paths under way at an element: few, since those paths are at most four steps.
#[derive(Clone, Copy)]
struct Partial {
    nodes: [usize; 8],
    len: usize,
}

impl Partial {
    fn starting(node: usize) -> Self {
        Partial {
            nodes: [node; 8],
            len: 1,
        }
    }

    fn push(&mut self, node: usize) {
        // Beyond eight the trie would need longer `//` paths than UBL-CR has; ignore extras
        // rather than panic.
        if self.len < self.nodes.len() {
            self.nodes[self.len] = node;
            self.len += 1;
        }
    }

    fn nodes(&self) -> &[usize] {
        &self.nodes[..self.len]
    }
}

/// UBL-CR-*: every unused element or attribute fires its rule once, at the root.
fn unused_elements(root: El<'_, '_>, out: &mut Out) {
    let t = tries();
    let mut fired = vec![false; UNUSED.len()];
    let hit = |node: usize, e: El<'_, '_>, fired: &mut Vec<bool>| {
        let n = &t.nodes[node];
        for &r in &n.rules {
            fired[r] = true;
        }
        for &(attribute, r) in &n.attributes {
            if e.attr(attribute).is_some() {
                fired[r] = true;
            }
        }
    };
    // The root element itself can carry an attribute that an `//@x` path names.
    hit(t.anywhere, root, &mut fired);
    walk(
        t,
        &t.keys(root.doc()),
        root,
        Some(t.anchored),
        &Partial::starting(t.anywhere),
        &mut fired,
        &hit,
    );
    for (index, (rule, flag, path)) in UNUSED.iter().enumerate() {
        if fired[index] {
            let what = path.rsplit('/').next().unwrap_or(path);
            out.fire(
                rule,
                *flag,
                root,
                format_args!(
                    "{what} (at {path}) is not part of EN 16931; receivers ignore it. Remove it \
                     from the document."
                ),
            );
        }
    }
}

/// The UBL-CR rules whose path carries a condition.
fn unused_with_condition(root: El<'_, '_>, out: &mut Out) {
    out.warning(
        root.child("cbc:UBLVersionID").is_none() || any_raw_eq(root, "cbc:UBLVersionID", "2.1"),
        "UBL-CR-002",
        root,
        "cbc:UBLVersionID, when given, should be 2.1. Remove it or set it to 2.1.",
    );
    // The artefact accepts a payment due date per payment means only on credit notes.
    out.warning(
        !root.exists("cac:PaymentMeans/cbc:PaymentDueDate") || !root.doc().is_invoice(),
        "UBL-CR-412",
        root,
        "cac:PaymentMeans/cbc:PaymentDueDate is not used in an invoice; give the due date in \
         cbc:DueDate instead.",
    );
    let references: Vec<El> = root
        .doc()
        .named("cac:AdditionalDocumentReference")
        .collect();
    let invoiced_object = |r: &El| any_raw_eq(*r, "cbc:DocumentTypeCode", "130");
    let other_with_scheme = references.iter().any(|r| {
        let not_130 = r
            .all("cbc:DocumentTypeCode")
            .any(|c| string_value(c) != "130")
            || !r.has("cbc:DocumentTypeCode");
        not_130 && r.all("cbc:ID").any(|id| id.attr("schemeID").is_some())
    });
    out.warning(
        !other_with_scheme,
        "UBL-CR-665",
        root,
        "A schemeID on a supporting document reference is only used for an invoiced object \
         (DocumentTypeCode 130). Remove the schemeID.",
    );
    out.fatal(
        !references
            .iter()
            .any(|r| invoiced_object(r) && r.has("cac:Attachment")),
        "UBL-CR-666",
        root,
        "An invoiced object reference (DocumentTypeCode 130) cannot carry an attachment. Move \
         the attachment to its own AdditionalDocumentReference.",
    );
    out.fatal(
        !references
            .iter()
            .any(|r| invoiced_object(r) && r.has("cbc:DocumentDescription")),
        "UBL-CR-673",
        root,
        "An invoiced object reference (DocumentTypeCode 130) cannot carry a description. Remove \
         cbc:DocumentDescription from it.",
    );
}

/// Attributes EN 16931 never uses (UBL-DT-08…28 but 18).
const UNUSED_ATTRIBUTES: &[(&str, &str)] = &[
    ("UBL-DT-08", "schemeName"),
    ("UBL-DT-09", "schemeAgencyName"),
    ("UBL-DT-10", "schemeDataURI"),
    ("UBL-DT-11", "schemeURI"),
    ("UBL-DT-12", "format"),
    ("UBL-DT-13", "unitCodeListIdentifier"),
    ("UBL-DT-14", "unitCodeListAgencyIdentifier"),
    ("UBL-DT-15", "unitCodeListAgencyName"),
    ("UBL-DT-16", "listAgencyName"),
    ("UBL-DT-17", "listName"),
    ("UBL-DT-19", "languageID"),
    ("UBL-DT-20", "listURI"),
    ("UBL-DT-21", "listSchemeURI"),
    ("UBL-DT-22", "languageLocaleID"),
    ("UBL-DT-23", "uri"),
    ("UBL-DT-24", "currencyCodeListVersionID"),
    ("UBL-DT-25", "characterSetCode"),
    ("UBL-DT-26", "encodingCode"),
    ("UBL-DT-27", "schemeAgencyID"),
    ("UBL-DT-28", "listAgencyID"),
];

fn data_types(doc: &Doc<'_>, root: El<'_, '_>, out: &mut Out) {
    let mut present = [false; UNUSED_ATTRIBUTES.len()];
    let mut names_elsewhere = false;
    for e in doc.elements() {
        // An element has an attribute or two; look each up among the unused ones rather
        // than asking the element for every unused one.
        for (name, _) in e.attributes() {
            if let Some(i) = UNUSED_ATTRIBUTES.iter().position(|(_, a)| *a == name) {
                present[i] = true;
            }
            if name == "name" && !e.is("cbc:PaymentMeansCode") {
                names_elsewhere = true;
            }
        }
        let name = e.local_name();
        // ancestor::cac:Price/cac:AllowanceCharge: any ancestor Price that has an
        // AllowanceCharge child, so every amount under such a Price is exempt.
        if name.ends_with("Amount")
            && !name.ends_with("PriceAmount")
            && !e
                .ancestors()
                .any(|a| a.is("cac:Price") && a.has("cac:AllowanceCharge"))
        {
            out.fatal(
                written_decimals(&string_value(e)) <= 2,
                "UBL-DT-01",
                e,
                "Amounts may have at most two decimals. Round this amount to two decimals.",
            );
        }
        if name.ends_with("BinaryObject") {
            out.fatal(
                e.attr("mimeCode").is_some(),
                "UBL-DT-06",
                e,
                "An attached document needs its media type (mimeCode attribute).",
            );
            out.fatal(
                e.attr("filename").is_some(),
                "UBL-DT-07",
                e,
                "An attached document needs its file name (filename attribute).",
            );
        }
    }
    for ((rule, attribute), present) in UNUSED_ATTRIBUTES.iter().zip(present) {
        out.warning(
            !present,
            rule,
            root,
            format_args!(
                "The attribute {attribute} is not used in EN 16931; remove it wherever it appears."
            ),
        );
    }
    out.warning(
        !names_elsewhere,
        "UBL-DT-18",
        root,
        "The name attribute is only used on cbc:PaymentMeansCode; remove it elsewhere.",
    );
}

/// `count(path) <= max` rules at a context, as (rule, path, max, what).
type Cardinality = (&'static str, &'static str, usize, &'static str);

fn at_most(e: El<'_, '_>, rules: &[Cardinality], out: &mut Out) {
    for (rule, path, max, what) in rules {
        let count = e.count(path);
        out.fatal(
            count <= *max,
            rule,
            e,
            format_args!(
                "{what} may be given at most {max} time(s) here; it is given {count} times."
            ),
        );
    }
}

const ROOT_CARDINALITIES: &[Cardinality] = &[
    (
        "UBL-SR-01",
        "cac:ContractDocumentReference/cbc:ID",
        1,
        "A contract reference",
    ),
    (
        "UBL-SR-02",
        "cac:ReceiptDocumentReference/cbc:ID",
        1,
        "A receiving advice reference",
    ),
    (
        "UBL-SR-03",
        "cac:DespatchDocumentReference/cbc:ID",
        1,
        "A despatch advice reference",
    ),
    (
        "UBL-SR-05",
        "cac:PaymentTerms/cbc:Note",
        1,
        "A payment terms note",
    ),
    ("UBL-SR-08", "cac:InvoicePeriod", 1, "An invoice period"),
    (
        "UBL-SR-09",
        "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
        1,
        "The seller name",
    ),
    (
        "UBL-SR-10",
        "cac:AccountingSupplierParty/cac:Party/cac:PartyName/cbc:Name",
        1,
        "The seller trading name",
    ),
    (
        "UBL-SR-11",
        "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID",
        1,
        "The seller legal registration identifier",
    ),
    (
        "UBL-SR-14",
        "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyLegalForm",
        1,
        "The seller additional legal information",
    ),
    (
        "UBL-SR-15",
        "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
        1,
        "The buyer name",
    ),
    (
        "UBL-SR-16",
        "cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID",
        1,
        "The buyer identifier",
    ),
    (
        "UBL-SR-17",
        "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID",
        1,
        "The buyer legal registration identifier",
    ),
    ("UBL-SR-24", "cac:Delivery", 1, "Delivery information"),
    (
        "UBL-SR-39",
        "cac:ProjectReference/cbc:ID",
        1,
        "A project reference",
    ),
    (
        "UBL-SR-40",
        "cac:AccountingCustomerParty/cac:Party/cac:PartyName/cbc:Name",
        1,
        "The buyer trading name",
    ),
    (
        "UBL-SR-45",
        "cac:PaymentMeans/cbc:PaymentDueDate",
        1,
        "A payment due date under payment means",
    ),
    (
        "UBL-SR-49",
        "cac:InvoicePeriod/cbc:DescriptionCode",
        1,
        "A VAT point date code",
    ),
];

const LINE_CARDINALITIES: &[Cardinality] = &[
    ("UBL-SR-34", "cbc:Note", 1, "A line note"),
    (
        "UBL-SR-35",
        "cac:OrderLineReference/cbc:LineID",
        1,
        "A referenced purchase order line",
    ),
    ("UBL-SR-36", "cac:InvoicePeriod", 1, "A line period"),
    (
        "UBL-SR-37",
        "cac:Price/cac:AllowanceCharge/cbc:Amount",
        1,
        "A price discount",
    ),
    (
        "UBL-SR-50",
        "cac:Item/cbc:Description",
        1,
        "An item description",
    ),
    (
        "UBL-SR-52",
        "cac:DocumentReference",
        1,
        "A line object identifier",
    ),
];

fn cardinalities(doc: &Doc<'_>, root: El<'_, '_>, out: &mut Out) {
    at_most(root, ROOT_CARDINALITIES, out);
    let vat_ids = |party: &'static str, vat: bool| {
        root.select(party)
            .iter()
            .filter(|p| {
                p.all("cac:TaxScheme").any(|s| {
                    s.all("cbc:ID")
                        .any(|i| (string_value(i).to_uppercase() == "VAT") == vat)
                })
            })
            .map(|p| p.all("cbc:CompanyID").count())
            .sum::<usize>()
    };
    let supplier_schemes = "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme";
    let customer_schemes = "cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme";
    out.fatal(
        root.all("cac:AdditionalDocumentReference")
            .filter(|r| any_raw_eq(*r, "cbc:DocumentTypeCode", "130"))
            .flat_map(|r| r.all("cbc:ID"))
            .count()
            <= 1,
        "UBL-SR-04",
        root,
        "At most one invoiced object identifier (AdditionalDocumentReference with \
         DocumentTypeCode 130) may be given.",
    );
    out.fatal(
        vat_ids(supplier_schemes, true) <= 1,
        "UBL-SR-12",
        root,
        "The seller VAT identifier may be given only once.",
    );
    out.fatal(
        vat_ids(supplier_schemes, false) <= 1,
        "UBL-SR-13",
        root,
        "The seller tax registration identifier may be given only once.",
    );
    out.fatal(
        vat_ids(customer_schemes, true) <= 1,
        "UBL-SR-18",
        root,
        "The buyer VAT identifier may be given only once.",
    );
    let sepa = doc
        .named("cbc:ID")
        .filter(|e| {
            e.parent().is_some_and(|p| p.is("cac:PartyIdentification"))
                && e.attr("schemeID")
                    .is_some_and(|s| s.to_uppercase() == "SEPA")
        })
        .count();
    out.fatal(
        sepa <= 1,
        "UBL-SR-29",
        root,
        "The bank assigned creditor identifier (schemeID SEPA) may be given only once.",
    );
    let distinct = |name: &str| {
        let values: HashSet<String> = doc
            .named(name)
            .map(|e| string_value(e).into_owned())
            .collect();
        values.len()
    };
    out.fatal(
        distinct("cbc:PaymentID") <= 1,
        "UBL-SR-44",
        root,
        "All payment means must carry the same remittance information (cbc:PaymentID).",
    );
    out.fatal(
        root.select("cac:PaymentMeans/cbc:PaymentMeansCode")
            .iter()
            .filter(|c| c.attr("name").is_some())
            .count()
            <= 1,
        "UBL-SR-46",
        root,
        "The payment means text (name attribute) may be given only once.",
    );
    out.fatal(
        distinct("cbc:PaymentMeansCode") <= 1,
        "UBL-SR-47",
        root,
        "All payment means must use the same payment means code.",
    );
    for e in doc.elements() {
        if e.ns() != Ns::Cac {
            continue;
        }
        let parent = e.parent();
        match e.local_name() {
            "PostalAddress" | "Address" => out.fatal(
                e.all("cac:AddressLine").count() <= 1,
                "UBL-SR-51",
                e,
                "An address may have only one cac:AddressLine (the third address line).",
            ),
            "Party" if parent.is_some_and(|p| p.is("cac:AccountingSupplierParty")) => out.fatal(
                e.all("cac:PartyTaxScheme").count() <= 2,
                "UBL-SR-42",
                e,
                "The seller may have at most two tax schemes (VAT and one other registration).",
            ),
            "AdditionalDocumentReference" => {
                out.fatal(
                    e.all("cbc:DocumentDescription").count() <= 1,
                    "UBL-SR-33",
                    e,
                    "A supporting document may have only one description.",
                );
                out.fatal(
                    any_raw_eq(e, "cbc:DocumentTypeCode", "130")
                        || (!doc.is_invoice() && any_raw_eq(e, "cbc:DocumentTypeCode", "50"))
                        || (!e.all("cbc:ID").any(|i| i.attr("schemeID").is_some())
                            && !e.has("cbc:DocumentTypeCode")),
                    "UBL-SR-43",
                    e,
                    "A supporting document reference may only have a DocumentTypeCode of 130 \
                     (invoiced object), or 50 on a credit note; otherwise omit the type code \
                     and the identifier's schemeID.",
                );
            }
            "Delivery" => out.fatal(
                e.select("cac:DeliveryParty/cac:PartyName/cbc:Name").len() <= 1,
                "UBL-SR-25",
                e,
                "The deliver-to party may have only one name.",
            ),
            "AllowanceCharge" => {
                for (wanted, rule) in [(false, "UBL-SR-30"), (true, "UBL-SR-31")] {
                    if super::xpath::is_charge(e, wanted) {
                        out.fatal(
                            e.all("cbc:AllowanceChargeReason").count() <= 1,
                            rule,
                            e,
                            "An allowance or charge may have only one reason text.",
                        );
                        break;
                    }
                }
            }
            "PartyTaxScheme" => out.fatal(
                e.exists("cac:TaxScheme/cbc:ID") && e.has("cbc:CompanyID"),
                "UBL-SR-53",
                e,
                "A party tax scheme needs both the identifier (cbc:CompanyID) and the tax scheme \
                 (cac:TaxScheme/cbc:ID).",
            ),
            "InvoiceLine" | "CreditNoteLine" => {
                at_most(e, LINE_CARDINALITIES, out);
                out.fatal(
                    e.select("cac:Item/cac:ClassifiedTaxCategory").len() == 1,
                    "UBL-SR-48",
                    e,
                    "Each line item needs exactly one VAT category (cac:ClassifiedTaxCategory).",
                );
            }
            "PayeeParty" => payee_cardinalities(e, out),
            "PaymentMeans" => {
                for (rule, path, what) in [
                    ("UBL-SR-26", "cbc:PaymentID", "The remittance information"),
                    (
                        "UBL-SR-27",
                        "cbc:PaymentMeansCode",
                        "The payment means code",
                    ),
                    (
                        "UBL-SR-28",
                        "cac:PaymentMandate/cbc:ID",
                        "The mandate reference",
                    ),
                ] {
                    at_most(e, &[(rule, path, 1, what)], out);
                }
            }
            "BillingReference" => {
                at_most(
                    e,
                    &[(
                        "UBL-SR-06",
                        "cac:InvoiceDocumentReference",
                        1,
                        "A preceding invoice reference",
                    )],
                    out,
                );
                out.fatal(
                    e.exists("cac:InvoiceDocumentReference/cbc:ID"),
                    "UBL-SR-07",
                    e,
                    "A billing reference must identify the preceding invoice \
                     (cac:InvoiceDocumentReference/cbc:ID).",
                );
            }
            "TaxRepresentativeParty" => at_most(
                e,
                &[
                    (
                        "UBL-SR-22",
                        "cac:PartyName/cbc:Name",
                        1,
                        "The tax representative name",
                    ),
                    (
                        "UBL-SR-23",
                        "cac:Party/cac:PartyTaxScheme/cbc:CompanyID",
                        1,
                        "The tax representative VAT identifier",
                    ),
                ],
                out,
            ),
            "TaxSubtotal" => at_most(
                e,
                &[(
                    "UBL-SR-32",
                    "cac:TaxCategory/cbc:TaxExemptionReason",
                    1,
                    "The VAT exemption reason text",
                )],
                out,
            ),
            _ => {}
        }
    }
}

/// UBL-SR-19/20/21. Each also requires the payee name to differ from the seller name, compared
/// as XPath `!=` over node sets: with either name missing that comparison is false, so the
/// artefact reports all three for a payee without a name. We follow the artefact.
fn payee_cardinalities(payee: El<'_, '_>, out: &mut Out) {
    let names: Vec<String> = payee
        .select("cac:PartyName/cbc:Name")
        .iter()
        .map(|n| string_value(*n).into_owned())
        .collect();
    let seller: Vec<String> = payee
        .parent()
        .map(|p| {
            p.select(
                "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
            )
        })
        .unwrap_or_default()
        .iter()
        .map(|n| string_value(*n).into_owned())
        .collect();
    let differs = names.iter().any(|n| seller.iter().any(|s| s != n));
    let identifiers = payee
        .select("cac:PartyIdentification/cbc:ID")
        .iter()
        .filter(|i| {
            i.attr("schemeID")
                .is_none_or(|s| s.to_uppercase() != "SEPA")
        })
        .count();
    let legal = payee.select("cac:PartyLegalEntity/cbc:CompanyID").len();
    for (rule, count, what) in [
        ("UBL-SR-19", names.len(), "name"),
        ("UBL-SR-20", identifiers, "identifier"),
        ("UBL-SR-21", legal, "legal registration identifier"),
    ] {
        out.fatal(
            count <= 1 && differs,
            rule,
            payee,
            format_args!(
                "The payee must have a name different from the seller's, and at most one {what}. \
                 Give the payee's own name, or leave out the payee when it is the seller."
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternatives_expand_into_one_path_each() {
        assert_eq!(
            alternatives("(cac:InvoiceLine|cac:CreditNoteLine)/cbc:UUID"),
            vec![
                vec!["cac:InvoiceLine", "cbc:UUID"],
                vec!["cac:CreditNoteLine", "cbc:UUID"]
            ]
        );
    }

    /// A document holding exactly the elements (and attribute) of one unused path.
    fn document_with(path: &str) -> String {
        let path = path.trim_start_matches("//");
        let steps = &alternatives(Box::leak(path.to_owned().into_boxed_str()))[0];
        let (last, inner) = steps.split_last().expect("a step");
        let mut elements: Vec<&str> = inner.to_vec();
        let attribute = match last.strip_prefix('@') {
            Some(a) => Some(a),
            None => {
                elements.push(last);
                None
            }
        };
        if elements.is_empty() {
            elements.push("cbc:Note");
        }
        let mut xml = String::from(
            "<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\" \
             xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\" \
             xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\" \
             xmlns:ext=\"urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2\">",
        );
        for (i, e) in elements.iter().enumerate() {
            xml.push('<');
            xml.push_str(e);
            if i == elements.len() - 1 {
                if let Some(a) = attribute {
                    xml.push_str(&format!(" {a}=\"x\""));
                }
            }
            xml.push('>');
        }
        xml.push('x');
        for e in elements.iter().rev() {
            xml.push_str(&format!("</{e}>"));
        }
        xml.push_str("</Invoice>");
        xml
    }

    #[test]
    fn each_unused_element_rule_fires_on_a_document_holding_that_element() {
        let mut silent = Vec::new();
        for (rule, _, path) in UNUSED {
            let report = crate::validate(document_with(path).as_bytes());
            if !report.findings.iter().any(|f| f.rule == *rule) {
                silent.push(*rule);
            }
        }
        assert!(silent.is_empty(), "did not fire: {silent:?}");
    }

    #[test]
    fn unused_element_rules_ignore_the_same_name_elsewhere() {
        // UBL-CR-005 is the document's cbc:UUID; a line's UUID is UBL-CR-5xx's business.
        let xml = document_with("cac:InvoiceLine/cbc:UUID");
        let report = crate::validate(xml.as_bytes());
        assert!(!report.findings.iter().any(|f| f.rule == "UBL-CR-005"));
    }

    #[test]
    fn every_unused_path_compiles_into_the_tries() {
        let t = tries();
        let total: usize = t
            .nodes
            .iter()
            .map(|n| n.rules.len() + n.attributes.len())
            .sum();
        assert!(total >= UNUSED.len());
    }
}
