//! Reading a UBL 2.1 Invoice or CreditNote into the domain model, for import.
//!
//! The document goes through the validator's parser ([`crate::parse`]) and is then mapped
//! element by element onto [`Terms`], [`Content`] and [`Parties`], beside the totals exactly as
//! the document states them. Nothing is rounded or recomputed here: comparing the stated totals
//! with `totals::compute` is the caller's decision. Every value the domain cannot hold (a figure
//! beyond its bounds, a code off its lists, a missing required element) is collected with its
//! location, so one answer names every problem.

use std::{borrow::Cow, fmt};

use invoicer_domain::{
    invoice::{
        AllowanceCharge, Card, Classification, Content, Delivery, Exemption, Item, Kind, Line,
        Mandate, Parties, PayeeAccount, PaymentMeans, PrecedingInvoice, SchemedId, Terms,
        VatRounding, MAX_LINE_ITEMS,
    },
    money::{self, Bounds, Currency},
    party::{self, Address, Identity},
    time_text,
    totals::{Totals, VatSubtotal},
    validation::Invalid,
    vat::{Vat, VatCategory},
};
use rust_decimal::Decimal;

use crate::parse::{self, Rejection};
use crate::report::DocumentKind;
use crate::tree::El;

/// A UBL document as the domain sees it, with the totals it states.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadDocument {
    pub kind: Kind,
    /// BT-1, `cbc:ID`.
    pub number: String,
    pub terms: Terms,
    pub content: Content,
    /// Seller from `cac:AccountingSupplierParty`, buyer from `cac:AccountingCustomerParty`.
    pub parties: Parties,
    /// `cac:LegalMonetaryTotal` and the VAT breakdown in the document currency, as written.
    pub stated: Totals,
    /// BT-114, `cbc:PayableRoundingAmount`; zero when absent. `stated.payable` includes it.
    pub payable_rounding: Decimal,
}

/// Why a document could not be read: every problem found, not only the first (up to 100, then
/// one `too_many_problems` saying how many more).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub problems: Vec<ReadProblem>,
}

/// One value that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadProblem {
    /// XPath of the element at fault, `/Invoice[1]/cac:InvoiceLine[2]/cbc:InvoicedQuantity[1]`;
    /// for a missing element, the path of its deepest present ancestor and the missing steps.
    pub location: String,
    /// `required`, `unsupported_type_code`, `invalid_currency`, `out_of_range`, … — the domain's
    /// codes where the domain's own check refused the value.
    pub code: &'static str,
    pub message: String,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", p.location, p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ReadError {}

/// Reads a UBL 2.1 Invoice (type code 380) or CreditNote (381) into the domain model. Never
/// panics; anything it cannot represent is a [`ReadProblem`].
pub fn read(xml: &[u8]) -> Result<ReadDocument, ReadError> {
    let doc = parse::parse(xml).map_err(|Rejection(finding)| ReadError {
        problems: vec![ReadProblem {
            location: finding.location,
            code: "unreadable_document",
            message: finding.message,
        }],
    })?;
    let mut r = Reader::default();
    let read = r.document(doc.root(), doc.kind);
    match read {
        Some(document) if r.problems.is_empty() => Ok(document),
        _ => {
            if r.problems.is_empty() {
                // Unreachable by construction (every `None` records why); kept so a slip is a
                // refusal rather than a panic.
                r.problem(
                    "/",
                    "unreadable_document",
                    "The document could not be read.",
                );
            }
            if r.unlisted > 0 {
                r.problems.push(ReadProblem {
                    location: "/".to_owned(),
                    code: "too_many_problems",
                    message: format!("{} more problems are not listed.", r.unlisted),
                });
            }
            Err(ReadError {
                problems: r.problems,
            })
        }
    }
}

/// The names that differ between the two document kinds.
struct Names {
    type_code: &'static str,
    accepted_type: &'static str,
    line: &'static str,
    quantity: &'static str,
}

const INVOICE: Names = Names {
    type_code: "cbc:InvoiceTypeCode",
    accepted_type: "380",
    line: "cac:InvoiceLine",
    quantity: "cbc:InvoicedQuantity",
};

const CREDIT_NOTE: Names = Names {
    type_code: "cbc:CreditNoteTypeCode",
    accepted_type: "381",
    line: "cac:CreditNoteLine",
    quantity: "cbc:CreditedQuantity",
};

/// The exemption the VAT breakdown states for `vat`, which UBL gives only there while the
/// domain keeps it on each line, allowance and charge: the subtotal of the same category and
/// rate, else of the same category (a rate of 0 may be written on one and omitted on the other).
fn exemption_for(breakdown: &[VatSubtotal], vat: &Vat) -> Option<Exemption> {
    let rate = vat.rate.map(|r| r.normalize());
    breakdown
        .iter()
        .find(|s| s.category == vat.category && s.rate.map(|r| r.normalize()) == rate)
        .or_else(|| breakdown.iter().find(|s| s.category == vat.category))
        .and_then(|s| s.exemption.clone())
}

/// Most problems listed in one [`ReadError`]. A hostile document can repeat one fault a million
/// times; the answer stays small and says how many more there were.
const MAX_PROBLEMS: usize = 100;

#[derive(Default)]
struct Reader {
    problems: Vec<ReadProblem>,
    /// Problems found beyond [`MAX_PROBLEMS`].
    unlisted: usize,
}

/// `normalize-space` of the first element at `path`, `None` when absent or blank.
fn opt_text(at: El, path: &str) -> Option<String> {
    non_blank(at.text_at(path))
}

fn non_blank(text: Cow<str>) -> Option<String> {
    (!text.is_empty()).then(|| text.into_owned())
}

/// `normalize-space` of an attribute, `None` when blank.
fn attr_text(value: &str) -> Option<String> {
    non_blank(crate::tree::normalize(value))
}

/// Free text (notes) keeps its line breaks; only the ends are trimmed.
fn free_text(e: El) -> Option<String> {
    let text = e
        .raw_text()
        .trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r'));
    (!text.is_empty()).then(|| text.to_owned())
}

/// Every non-blank `path` under `at`, joined by line breaks.
fn joined_notes(at: El, path: &'static str) -> Option<String> {
    let notes: Vec<String> = at.select(path).into_iter().filter_map(free_text).collect();
    (!notes.is_empty()).then(|| notes.join("\n"))
}

/// Where a missing `path` under `at` would be: the deepest step that exists, then the rest.
fn missing_at(at: El, path: &str) -> String {
    let (mut here, mut rest) = (at, path);
    while let Some((step, more)) = rest.split_once('/') {
        match here.child(step) {
            Some(child) => (here, rest) = (child, more),
            None => break,
        }
    }
    format!("{}/{rest}", here.location())
}

impl Reader {
    fn problem(
        &mut self,
        location: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) {
        if self.problems.len() >= MAX_PROBLEMS {
            self.unlisted += 1;
            return;
        }
        self.problems.push(ReadProblem {
            location: location.into(),
            code,
            message: message.into(),
        });
    }

    fn invalid(&mut self, location: impl Into<String>, invalid: Invalid) {
        self.problem(location, invalid.code, invalid.message);
    }

    /// The element at `path`, recording it as missing when absent.
    fn required<'d, 'a>(&mut self, at: El<'d, 'a>, path: &str, what: &str) -> Option<El<'d, 'a>> {
        let found = at.find(path);
        if found.is_none() {
            self.problem(
                missing_at(at, path),
                "required",
                format!("{what} ({path}) is missing."),
            );
        }
        found
    }

    /// The text at `path`, recording it as missing when absent or blank.
    fn required_text(&mut self, at: El, path: &str, what: &str) -> Option<String> {
        let text = opt_text(at, path);
        if text.is_none() {
            self.problem(
                missing_at(at, path),
                "required",
                format!("{what} ({path}) is missing or blank."),
            );
        }
        text
    }

    /// A figure of `e`, exactly as written, checked against the domain's `bounds`.
    fn decimal(&mut self, e: El, bounds: Bounds) -> Option<Decimal> {
        let written = e.raw_text();
        let Some(value) = crate::decimal::parse(written) else {
            self.problem(
                e.location(),
                "invalid_decimal",
                format!(
                    "`{}` is not a decimal number of at most 20 integer digits.",
                    written.trim()
                ),
            );
            return None;
        };
        self.bounded(e.location(), value, bounds)
    }

    fn bounded(&mut self, location: String, value: Decimal, bounds: Bounds) -> Option<Decimal> {
        // The domain's own parser holds the bounds; the text of an exact decimal parses back
        // to the same value and scale.
        self.check(location, money::parse_decimal(&value.to_string(), bounds))
    }

    fn opt_decimal(&mut self, at: El, path: &str, bounds: Bounds) -> Option<Decimal> {
        at.find(path).and_then(|e| self.decimal(e, bounds))
    }

    fn required_decimal(
        &mut self,
        at: El,
        path: &str,
        bounds: Bounds,
        what: &str,
    ) -> Option<Decimal> {
        self.required(at, path, what)
            .and_then(|e| self.decimal(e, bounds))
    }

    /// The value of a domain check, or `None` with the refusal recorded at `location`.
    fn check<T>(&mut self, location: impl Into<String>, result: Result<T, Invalid>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(invalid) => {
                self.invalid(location, invalid);
                None
            }
        }
    }

    fn document(&mut self, root: El, kind: DocumentKind) -> Option<ReadDocument> {
        let (kind, names) = match kind {
            DocumentKind::Invoice => (Kind::Invoice, &INVOICE),
            DocumentKind::CreditNote => (Kind::CreditNote, &CREDIT_NOTE),
        };
        if let Some(code) = self.required(root, names.type_code, "The document type code") {
            let text = code.text();
            if text != names.accepted_type {
                self.problem(
                    code.location(),
                    "unsupported_type_code",
                    format!(
                        "Type code `{text}` is not supported: only {} ({}) can be imported.",
                        names.accepted_type,
                        match kind {
                            Kind::Invoice => "commercial invoice",
                            Kind::CreditNote => "credit note",
                        }
                    ),
                );
            }
        }
        let number = self.required_text(root, "cbc:ID", "The document number");
        let currency = self.currency(root);
        let terms = self.terms(root, kind);
        let parties = Parties {
            seller: self.party(root, "cac:AccountingSupplierParty", "The seller"),
            buyer: self.party(root, "cac:AccountingCustomerParty", "The buyer"),
        };
        let currency_code = root.text_at("cbc:DocumentCurrencyCode").into_owned();
        let (stated, payable_rounding) = self.stated(root, &currency_code);
        let breakdown = &stated.vat_breakdown;
        let lines = self.lines(root, names, breakdown);
        let allowances_charges = root
            .all("cac:AllowanceCharge")
            .filter_map(|e| self.allowance_charge(e, Some(breakdown)))
            .collect();
        // Read once as a stated total; the domain's bound on what may be prepaid is tighter.
        let prepaid = match root.find("cac:LegalMonetaryTotal/cbc:PrepaidAmount") {
            Some(e) if !stated.prepaid.is_zero() => self
                .bounded(e.location(), stated.prepaid, money::AMOUNT)
                .unwrap_or_default(),
            _ => stated.prepaid,
        };
        Some(ReadDocument {
            kind,
            number: number?,
            terms,
            content: Content {
                currency: currency?,
                lines,
                allowances_charges,
                prepaid,
                vat_rounding: VatRounding::PerCategory,
            },
            parties,
            stated,
            payable_rounding,
        })
    }

    fn currency(&mut self, root: El) -> Option<Currency> {
        let e = self.required(root, "cbc:DocumentCurrencyCode", "The document currency")?;
        self.check(e.location(), Currency::parse(&e.text()))
    }

    fn terms(&mut self, root: El, kind: Kind) -> Terms {
        let issue_date = self
            .required(root, "cbc:IssueDate", "The issue date")
            .and_then(|e| self.check(e.location(), time_text::parse_date(&e.text())));
        // UBL 2.1 has no CreditNote/cbc:DueDate; Peppol BIS 3.0 gives a credit note's BT-9 under
        // its payment means instead.
        let due_date = match kind {
            Kind::Invoice => root.find("cbc:DueDate"),
            Kind::CreditNote => root.find("cac:PaymentMeans/cbc:PaymentDueDate"),
        }
        .and_then(|e| self.check(e.location(), time_text::parse_date(&e.text())));
        let preceding = root
            .find("cac:BillingReference/cac:InvoiceDocumentReference")
            .and_then(|r| {
                let number = self.required_text(r, "cbc:ID", "The preceding invoice number")?;
                let issue_date = r
                    .child("cbc:IssueDate")
                    .and_then(|e| self.check(e.location(), time_text::parse_date(&e.text())));
                Some(PrecedingInvoice { number, issue_date })
            });
        Terms {
            issue_date,
            due_date,
            payment_terms: joined_notes(root, "cac:PaymentTerms/cbc:Note"),
            buyer_reference: opt_text(root, "cbc:BuyerReference"),
            purchase_order: opt_text(root, "cac:OrderReference/cbc:ID"),
            note: joined_notes(root, "cbc:Note"),
            payment_means: root
                .child("cac:PaymentMeans")
                .and_then(|e| self.payment_means(e)),
            delivery: root.child("cac:Delivery").map(|e| self.delivery(e)),
            preceding,
        }
    }

    fn payment_means(&mut self, e: El) -> Option<PaymentMeans> {
        let code = self.required_text(e, "cbc:PaymentMeansCode", "The payment means code")?;
        let account = e.child("cac:PayeeFinancialAccount").and_then(|a| {
            Some(PayeeAccount {
                id: self.required_text(a, "cbc:ID", "The payee account id")?,
                name: opt_text(a, "cbc:Name"),
                bic: opt_text(a, "cac:FinancialInstitutionBranch/cbc:ID"),
            })
        });
        let card = e.child("cac:CardAccount").and_then(|c| {
            let number =
                self.required_text(c, "cbc:PrimaryAccountNumberID", "The card's account number")?;
            Some(Card {
                last_digits: last_digits(&number),
                network: opt_text(c, "cbc:NetworkID"),
                holder: opt_text(c, "cbc:HolderName"),
            })
        });
        let mandate = e.child("cac:PaymentMandate").and_then(|m| {
            Some(Mandate {
                id: self.required_text(m, "cbc:ID", "The mandate reference")?,
                debited_account: opt_text(m, "cac:PayerFinancialAccount/cbc:ID"),
            })
        });
        Some(PaymentMeans {
            code,
            remittance: opt_text(e, "cbc:PaymentID"),
            account,
            card,
            mandate,
        })
    }

    fn delivery(&mut self, e: El) -> Delivery {
        let address = e.find("cac:DeliveryLocation/cac:Address");
        Delivery {
            date: e
                .child("cbc:ActualDeliveryDate")
                .and_then(|d| self.check(d.location(), time_text::parse_date(&d.text()))),
            party_name: opt_text(e, "cac:DeliveryParty/cac:PartyName/cbc:Name"),
            address: address.map(address_of).unwrap_or_default(),
            country: address.and_then(|a| self.country(a, false)),
        }
    }

    /// The country of a postal address, checked against ISO 3166-1.
    fn country(&mut self, address: El, required: bool) -> Option<String> {
        let path = "cac:Country/cbc:IdentificationCode";
        let e = if required {
            self.required(address, path, "The country")?
        } else {
            address.find(path)?
        };
        self.check(e.location(), party::parse_country(&e.text()))
    }

    fn party(&mut self, root: El, role: &str, what: &str) -> Identity {
        let mut identity = Identity {
            name: String::new(),
            country: String::new(),
            vat_id: None,
            company_id: None,
            company_id_scheme: None,
            address: Address::default(),
            peppol_id: None,
            email: None,
        };
        let Some(party) = self.required(root, &format!("{role}/cac:Party"), what) else {
            return identity;
        };
        let name = opt_text(party, "cac:PartyLegalEntity/cbc:RegistrationName")
            .or_else(|| opt_text(party, "cac:PartyName/cbc:Name"));
        match name {
            Some(name) => identity.name = name,
            None => self.problem(
                missing_at(party, "cac:PartyLegalEntity/cbc:RegistrationName"),
                "required",
                format!("{what}'s name (cac:PartyLegalEntity/cbc:RegistrationName) is missing."),
            ),
        }
        if let Some(address) = self.required(party, "cac:PostalAddress", "The postal address") {
            identity.address = address_of(address);
            identity.country = self.country(address, true).unwrap_or_default();
        }
        identity.vat_id = party
            .all("cac:PartyTaxScheme")
            .find(|s| s.text_at("cac:TaxScheme/cbc:ID") == "VAT")
            .and_then(|s| opt_text(s, "cbc:CompanyID"));
        if let Some(company) = party.find("cac:PartyLegalEntity/cbc:CompanyID") {
            identity.company_id = non_blank(company.text());
            identity.company_id_scheme = company.attr("schemeID").and_then(attr_text);
        }
        if let Some(endpoint) = party.child("cbc:EndpointID") {
            let id = endpoint.text();
            match endpoint.attr("schemeID").map(crate::tree::normalize) {
                _ if id.is_empty() => {}
                // EAS `EM` is an email address, which the domain keeps as such.
                Some(scheme) if scheme == "EM" => identity.email = Some(id.into_owned()),
                Some(scheme) if !scheme.is_empty() => {
                    identity.peppol_id = Some(format!("{scheme}:{id}"));
                }
                _ => self.problem(
                    endpoint.location(),
                    "required",
                    "The electronic address has no schemeID.",
                ),
            }
        }
        if identity.email.is_none() {
            identity.email = opt_text(party, "cac:Contact/cbc:ElectronicMail");
        }
        identity
    }

    /// The VAT breakdown in the document currency and the monetary totals, as written.
    fn stated(&mut self, root: El, currency: &str) -> (Totals, Decimal) {
        let mut totals = Totals {
            line_extension: Decimal::ZERO,
            allowance_total: Decimal::ZERO,
            charge_total: Decimal::ZERO,
            tax_exclusive: Decimal::ZERO,
            tax_total: Decimal::ZERO,
            tax_inclusive: Decimal::ZERO,
            prepaid: Decimal::ZERO,
            payable: Decimal::ZERO,
            vat_breakdown: Vec::new(),
        };
        // A document in one currency with VAT accounted in another has a second TaxTotal (BT-111)
        // with only the amount; the breakdown is the one in the document currency.
        let tax_total = root
            .all("cac:TaxTotal")
            .find(|t| {
                t.child("cbc:TaxAmount")
                    .and_then(|a| a.attr("currencyID"))
                    .is_some_and(|c| crate::tree::normalize(c) == currency)
            })
            .or_else(|| root.all("cac:TaxTotal").find(|t| t.has("cac:TaxSubtotal")));
        if let Some(t) = tax_total {
            totals.tax_total = self
                .required_decimal(t, "cbc:TaxAmount", money::TOTAL, "The VAT total")
                .unwrap_or_default();
            totals.vat_breakdown = t
                .all("cac:TaxSubtotal")
                .filter_map(|s| self.subtotal(s))
                .collect();
        }
        let mut payable_rounding = Decimal::ZERO;
        if let Some(m) = self.required(root, "cac:LegalMonetaryTotal", "The document totals") {
            let mut figure = |path: &str, required: bool| {
                let value = if required {
                    self.required_decimal(m, path, money::TOTAL, "A document total")
                } else {
                    self.opt_decimal(m, path, money::TOTAL)
                };
                value.unwrap_or_default()
            };
            totals.line_extension = figure("cbc:LineExtensionAmount", true);
            totals.allowance_total = figure("cbc:AllowanceTotalAmount", false);
            totals.charge_total = figure("cbc:ChargeTotalAmount", false);
            totals.tax_exclusive = figure("cbc:TaxExclusiveAmount", true);
            totals.tax_inclusive = figure("cbc:TaxInclusiveAmount", true);
            totals.prepaid = figure("cbc:PrepaidAmount", false);
            payable_rounding = figure("cbc:PayableRoundingAmount", false);
            totals.payable = figure("cbc:PayableAmount", true);
        }
        (totals, payable_rounding)
    }

    fn subtotal(&mut self, s: El) -> Option<VatSubtotal> {
        let taxable =
            self.required_decimal(s, "cbc:TaxableAmount", money::TOTAL, "The taxable amount");
        let tax = self.required_decimal(s, "cbc:TaxAmount", money::TOTAL, "The VAT amount");
        let category = self.required(s, "cac:TaxCategory", "The VAT category")?;
        let vat = self.vat(category)?;
        Some(VatSubtotal {
            category: vat.category,
            rate: vat.rate,
            taxable_amount: taxable?,
            tax_amount: tax?,
            exemption: exemption_of(category),
        })
    }

    /// A category and rate (`cbc:ID`, `cbc:Percent`) as the domain allows them together.
    fn vat(&mut self, category: El) -> Option<Vat> {
        let code = self.required(category, "cbc:ID", "The VAT category code")?;
        let rate = match category.child("cbc:Percent") {
            Some(percent) => Some(self.decimal(percent, money::PERCENT)?),
            None => None,
        };
        let vat_category = self.check(code.location(), code.text().parse::<VatCategory>())?;
        let rate = self.check(
            missing_at(category, "cbc:Percent"),
            vat_category.check_rate(rate),
        )?;
        Some(Vat {
            category: vat_category,
            rate,
        })
    }

    fn lines(&mut self, root: El, names: &Names, breakdown: &[VatSubtotal]) -> Vec<Line> {
        let count = root.count(names.line);
        if count == 0 {
            self.problem(
                missing_at(root, names.line),
                "required",
                "The document has no lines.",
            );
        }
        if count > MAX_LINE_ITEMS {
            self.problem(
                root.location(),
                "too_many_line_items",
                format!("The document has {count} lines; at most {MAX_LINE_ITEMS} are allowed."),
            );
            return Vec::new();
        }
        root.all(names.line)
            .filter_map(|e| self.line(e, names, breakdown))
            .collect()
    }

    fn line(&mut self, e: El, names: &Names, breakdown: &[VatSubtotal]) -> Option<Line> {
        let description = self.required_text(e, "cac:Item/cbc:Name", "The item name");
        let quantity_el = self.required(e, names.quantity, "The quantity");
        let quantity = quantity_el.and_then(|q| self.decimal(q, money::QUANTITY));
        let unit_code = quantity_el
            .and_then(|q| q.attr("unitCode"))
            .map(crate::tree::normalize)
            .filter(|c| !c.is_empty())
            .map_or_else(|| "C62".to_owned(), |c| c.into_owned());
        if !invoicer_domain::codelists::is_unit_code(&unit_code) {
            self.problem(
                missing_at(e, names.quantity),
                "invalid_unit_code",
                format!("`{unit_code}` is not a UN/ECE Recommendation 20 unit code."),
            );
        }
        let unit_price = self.unit_price(e);
        let vat = self
            .required(
                e,
                "cac:Item/cac:ClassifiedTaxCategory",
                "The item's VAT category",
            )
            .and_then(|c| self.vat(c));
        let allowances_charges = e
            .all("cac:AllowanceCharge")
            .filter_map(|ac| self.allowance_charge(ac, None))
            .collect();
        let item = e.child("cac:Item").map(item_of).unwrap_or_default();
        let vat = vat?;
        Some(Line {
            description: description?,
            quantity: quantity?,
            unit_code,
            unit_price: unit_price?,
            exemption: exemption_for(breakdown, &vat),
            vat,
            allowances_charges,
            item,
            note: joined_notes(e, "cbc:Note"),
        })
    }

    /// The net price per unit of quantity: the price amount, divided by the base quantity it is
    /// given for. The domain has no base quantity, so the division is made here; a quotient that
    /// does not end within the domain's decimals is rounded to them, and the totals computed
    /// from it may then differ from the document's by a cent.
    fn unit_price(&mut self, line: El) -> Option<Decimal> {
        let price = self.required(line, "cac:Price", "The price")?;
        let amount_el = self.required(price, "cbc:PriceAmount", "The item net price")?;
        let Some(base_el) = price.child("cbc:BaseQuantity") else {
            return self.decimal(amount_el, money::PRICE);
        };
        let amount = crate::decimal::parse(amount_el.raw_text());
        let base = self.decimal(base_el, money::QUANTITY);
        let (Some(amount), Some(base)) = (amount, base) else {
            // Let the bound check name what is wrong with the amount.
            self.decimal(amount_el, money::PRICE);
            return None;
        };
        if base == Decimal::ONE {
            return self.decimal(amount_el, money::PRICE);
        }
        if base <= Decimal::ZERO {
            self.problem(
                base_el.location(),
                "out_of_range",
                "The base quantity must be greater than zero.",
            );
            return None;
        }
        let Some(quotient) = amount.checked_div(base) else {
            self.problem(
                amount_el.location(),
                "out_of_range",
                "The price per base quantity is too large.",
            );
            return None;
        };
        let mut unit = quotient.normalize();
        if unit.scale() > money::PRICE.max_scale {
            unit = money::round_to(unit, money::PRICE.max_scale).normalize();
        }
        self.bounded(amount_el.location(), unit, money::PRICE)
    }

    /// A document-level (`breakdown` given) or line-level allowance or charge.
    fn allowance_charge(
        &mut self,
        e: El,
        breakdown: Option<&[VatSubtotal]>,
    ) -> Option<AllowanceCharge> {
        let is_charge = match self.required(e, "cbc:ChargeIndicator", "The charge indicator") {
            Some(i) => match &*i.text() {
                "true" | "1" => Some(true),
                "false" | "0" => Some(false),
                other => {
                    self.problem(
                        i.location(),
                        "invalid_boolean",
                        format!("`{other}` is not true or false."),
                    );
                    None
                }
            },
            None => None,
        };
        let amount = self.required_decimal(e, "cbc:Amount", money::AMOUNT.signed(), "The amount");
        let base_amount = self.opt_decimal(e, "cbc:BaseAmount", money::PRICE.signed());
        let percentage = self.opt_decimal(e, "cbc:MultiplierFactorNumeric", money::PERCENT);
        let (vat, exemption) = match breakdown {
            Some(breakdown) => {
                let vat = self
                    .required(e, "cac:TaxCategory", "The VAT category")
                    .and_then(|c| self.vat(c));
                let vat = vat?;
                (Some(vat), exemption_for(breakdown, &vat))
            }
            None => (None, None),
        };
        Some(AllowanceCharge {
            is_charge: is_charge?,
            amount: amount?,
            base_amount,
            percentage,
            reason: opt_text(e, "cbc:AllowanceChargeReason"),
            reason_code: opt_text(e, "cbc:AllowanceChargeReasonCode"),
            vat,
            exemption,
        })
    }
}

fn address_of(a: El) -> Address {
    Address {
        line1: opt_text(a, "cbc:StreetName"),
        line2: opt_text(a, "cbc:AdditionalStreetName"),
        city: opt_text(a, "cbc:CityName"),
        postal_code: opt_text(a, "cbc:PostalZone"),
        region: opt_text(a, "cbc:CountrySubentity"),
    }
}

fn exemption_of(category: El) -> Option<Exemption> {
    let reason = opt_text(category, "cbc:TaxExemptionReason");
    let code = opt_text(category, "cbc:TaxExemptionReasonCode");
    (reason.is_some() || code.is_some()).then_some(Exemption { reason, code })
}

fn item_of(item: El) -> Item {
    Item {
        seller_id: opt_text(item, "cac:SellersItemIdentification/cbc:ID"),
        buyer_id: opt_text(item, "cac:BuyersItemIdentification/cbc:ID"),
        standard_id: item
            .find("cac:StandardItemIdentification/cbc:ID")
            .and_then(|id| {
                let text = id.text();
                (!text.is_empty()).then(|| SchemedId {
                    scheme: id
                        .attr("schemeID")
                        .map(crate::tree::normalize)
                        .unwrap_or_default()
                        .into_owned(),
                    id: text.into_owned(),
                })
            }),
        classifications: item
            .select("cac:CommodityClassification/cbc:ItemClassificationCode")
            .into_iter()
            .filter_map(|c| {
                let code = c.text();
                (!code.is_empty()).then(|| Classification {
                    list_id: c
                        .attr("listID")
                        .map(crate::tree::normalize)
                        .unwrap_or_default()
                        .into_owned(),
                    list_version: c
                        .attr("listVersionID")
                        .map(crate::tree::normalize)
                        .filter(|v| !v.is_empty())
                        .map(|v| v.into_owned()),
                    code: code.into_owned(),
                })
            })
            .collect(),
        origin_country: opt_text(item, "cac:OriginCountry/cbc:IdentificationCode"),
    }
}

/// The trailing digits of a card number, at most six: the domain never keeps a whole number,
/// even when a document carries one.
fn last_digits(number: &str) -> String {
    let digits: Vec<char> = number
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .take(6)
        .collect();
    digits.into_iter().rev().collect()
}
