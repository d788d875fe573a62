//! Invoices and credit notes on the wire.

use invoicer_domain::{
    invoice::{AllowanceCharge, Content, Exemption, Invoice, Kind, Line, Terms, VatRounding},
    money::{self, Currency},
    totals::{Declared, TotalField, Totals},
    validation::{self, Invalid, Violations},
    vat::{ExemptionRule, Vat, VatCategory},
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    decimal::DecimalIn,
    item::{self, ClassificationIn, ItemFields, SchemedIdIn},
    nullable::{self, Nullable},
    party::PartyOut,
    payment::{DeliveryIn, DeliveryOut, PaymentMeansIn, PaymentMeansOut},
    time_fmt::{date, parse_date, timestamp},
};

const TEXT_MAX: usize = 1000;

/// A line item. `vat_rate` is a percentage (`"21"` for 21 %); omit it for category `O`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineItemIn {
    #[schema(example = "Consulting")]
    pub description: Option<String>,
    #[schema(example = "10")]
    pub quantity: Option<DecimalIn>,
    /// UN/ECE Recommendation 20 unit code; default `C62` (one).
    #[schema(example = "HUR")]
    pub unit_code: Option<String>,
    #[schema(example = "100.00")]
    pub unit_price: Option<DecimalIn>,
    /// EN 16931 VAT category: S, Z, E, AE, K, G, O, L or M. Default `S`.
    #[schema(example = "S")]
    pub vat_category: Option<String>,
    #[schema(example = "21")]
    pub vat_rate: Option<DecimalIn>,
    /// Why the line carries no VAT: needed for category E (give this or the code); AE, K, G
    /// and O default to their VATEX code; S, Z, L and M take none.
    pub vat_exemption_reason: Option<String>,
    /// CEF VATEX code, e.g. `VATEX-EU-132`.
    pub vat_exemption_reason_code: Option<String>,
    pub allowances_charges: Option<Vec<AllowanceChargeIn>>,
    /// The seller's id for the item (BT-155).
    pub seller_item_id: Option<String>,
    /// The buyer's id for the item (BT-156).
    pub buyer_item_id: Option<String>,
    /// A registered id, e.g. a GTIN (BT-157).
    pub standard_item_id: Option<SchemedIdIn>,
    /// Classification codes, e.g. HS or CPV (BT-158).
    pub classifications: Option<Vec<ClassificationIn>>,
    /// ISO 3166-1 alpha-2 (BT-159).
    pub origin_country: Option<String>,
    /// Free text about the line (BT-127).
    pub note: Option<String>,
}

/// An allowance (discount) or charge (surcharge). Give `amount`, or `percentage` of
/// `base_amount` (the line's gross amount, or the line extension total, when omitted).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllowanceChargeIn {
    /// `allowance` or `charge`.
    #[schema(example = "allowance")]
    pub kind: Option<String>,
    pub amount: Option<DecimalIn>,
    pub percentage: Option<DecimalIn>,
    pub base_amount: Option<DecimalIn>,
    pub reason: Option<String>,
    /// UNCL 5189 (allowances) or UNCL 7161 (charges).
    pub reason_code: Option<String>,
    /// Document level only.
    pub vat_category: Option<String>,
    /// Document level only.
    pub vat_rate: Option<DecimalIn>,
    /// Document level only; as on line items.
    pub vat_exemption_reason: Option<String>,
    /// Document level only; as on line items.
    pub vat_exemption_reason_code: Option<String>,
}

/// Totals the client computed. Each one sent is compared with the server's: exactly, or within
/// `tolerance` when one is given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclaredTotalsIn {
    pub line_extension: Option<DecimalIn>,
    pub allowance_total: Option<DecimalIn>,
    pub charge_total: Option<DecimalIn>,
    pub tax_exclusive: Option<DecimalIn>,
    pub tax_total: Option<DecimalIn>,
    pub tax_inclusive: Option<DecimalIn>,
    pub payable: Option<DecimalIn>,
    #[schema(example = "0.02")]
    pub tolerance: Option<DecimalIn>,
}

/// Create a draft invoice. The same fields, all optional, edit a draft (`InvoicePatch`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct InvoiceIn {
    pub business_id: Option<String>,
    pub customer_id: Option<String>,
    /// ISO 4217; default: the business's `default_currency`.
    #[schema(example = "EUR")]
    pub currency: Option<String>,
    /// Default: the day it is issued.
    #[schema(example = "2026-01-31")]
    #[serde(deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>, nullable)]
    pub issue_date: Nullable<String>,
    #[serde(deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>, nullable)]
    pub due_date: Nullable<String>,
    #[serde(deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>, nullable)]
    pub payment_terms: Nullable<String>,
    #[serde(deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>, nullable)]
    pub buyer_reference: Nullable<String>,
    #[serde(deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>, nullable)]
    pub purchase_order: Nullable<String>,
    #[serde(deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>, nullable)]
    pub note: Nullable<String>,
    #[serde(deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<PaymentMeansIn>, nullable)]
    pub payment_means: Nullable<PaymentMeansIn>,
    #[serde(deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<DeliveryIn>, nullable)]
    pub delivery: Nullable<DeliveryIn>,
    pub line_items: Option<Vec<LineItemIn>>,
    pub allowances_charges: Option<Vec<AllowanceChargeIn>>,
    pub prepaid_amount: Option<DecimalIn>,
    /// `per_category` (default, EN 16931 BR-CO-17) or `per_line`.
    pub vat_rounding: Option<String>,
    pub declared_totals: Option<DeclaredTotalsIn>,
}

/// Create a credit note against an issued invoice. Without `line_items`, it credits the whole
/// invoice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditNoteIn {
    /// Id or number of the invoice credited.
    pub invoice_id: Option<String>,
    pub issue_date: Option<String>,
    /// When the credit is to be paid out, if it is due by a date.
    pub due_date: Option<String>,
    /// Default: the invoice's payment terms.
    pub payment_terms: Option<String>,
    pub note: Option<String>,
    pub line_items: Option<Vec<LineItemIn>>,
    pub allowances_charges: Option<Vec<AllowanceChargeIn>>,
    pub declared_totals: Option<DeclaredTotalsIn>,
}

impl InvoiceIn {
    pub fn merged_over(self, base: InvoiceIn) -> InvoiceIn {
        InvoiceIn {
            business_id: self.business_id.or(base.business_id),
            customer_id: self.customer_id.or(base.customer_id),
            currency: self.currency.or(base.currency),
            issue_date: self.issue_date.or(base.issue_date),
            due_date: self.due_date.or(base.due_date),
            payment_terms: self.payment_terms.or(base.payment_terms),
            buyer_reference: self.buyer_reference.or(base.buyer_reference),
            purchase_order: self.purchase_order.or(base.purchase_order),
            note: self.note.or(base.note),
            payment_means: self.payment_means.or(base.payment_means),
            delivery: self.delivery.or(base.delivery),
            line_items: self.line_items.or(base.line_items),
            allowances_charges: self.allowances_charges.or(base.allowances_charges),
            prepaid_amount: self.prepaid_amount.or(base.prepaid_amount),
            vat_rounding: self.vat_rounding.or(base.vat_rounding),
            declared_totals: self.declared_totals,
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == InvoiceIn::default()
    }

    /// Lines on the document, counted before anything else so an oversize one is refused early.
    pub fn line_count(&self) -> usize {
        self.line_items.as_ref().map_or(0, Vec::len)
    }
}

impl CreditNoteIn {
    pub fn line_count(&self) -> usize {
        self.line_items.as_ref().map_or(0, Vec::len)
    }
}

/// A document in a path: its UUID or, once issued, its number (`INV-2026-000001`).
pub struct DocumentRef;

impl utoipa::PartialSchema for DocumentRef {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{
            KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, Type,
        };
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some(invoicer_domain::numbering::NUMBER_PATTERN))
                    .examples(["INV-2026-000001"]),
            )
            .description(Some("A UUID, or the number of an issued document."))
            .into()
    }
}

impl ToSchema for DocumentRef {}

/// A validated invoice, not yet stored. `currency: None` means the business's default.
#[derive(Debug, Clone, PartialEq)]
pub struct NewInvoice {
    pub business_id: Uuid,
    pub customer_id: Uuid,
    pub currency: Option<Currency>,
    pub terms: Terms,
    pub lines: Vec<Line>,
    pub allowances_charges: Vec<AllowanceCharge>,
    pub prepaid: Decimal,
    pub vat_rounding: VatRounding,
    pub declared: Option<Declared>,
}

impl NewInvoice {
    pub fn content(&self, currency: Currency) -> Content {
        Content {
            currency,
            lines: self.lines.clone(),
            allowances_charges: self.allowances_charges.clone(),
            prepaid: self.prepaid,
            vat_rounding: self.vat_rounding,
        }
    }
}

/// A validated credit note request.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCreditNote {
    pub invoice_ref: String,
    pub terms: Terms,
    /// `None`: credit every line of the invoice.
    pub lines: Option<Vec<Line>>,
    pub allowances_charges: Vec<AllowanceCharge>,
    pub declared: Option<Declared>,
}

fn parse_uuid(text: &str) -> Result<Uuid, Invalid> {
    Uuid::parse_str(text)
        .map_err(|_| Invalid::new("invalid_id", format!("`{text}` is not a UUID.")))
}

/// A document's id or, once issued, its number (`INV-2026-000001`).
fn parse_document_ref(text: String) -> Result<String, Invalid> {
    if Uuid::try_parse(&text).is_ok() || invoicer_domain::numbering::looks_like_number(&text) {
        Ok(text)
    } else {
        Err(Invalid::new(
            "invalid_id",
            format!("`{text}` is neither a UUID nor a document number like INV-2026-000001."),
        ))
    }
}

fn opt_text(v: &mut Violations, field: &str, value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .and_then(|s| v.check(field, validation::text(s, TEXT_MAX)))
}

fn opt_decimal(
    v: &mut Violations,
    field: &str,
    value: &Option<DecimalIn>,
    bounds: money::Bounds,
) -> Option<Decimal> {
    value
        .as_ref()
        .and_then(|d| v.check(field, money::parse_decimal(&d.0, bounds)))
}

fn required<T>(v: &mut Violations, field: &str, value: Option<T>) -> Option<T> {
    if value.is_none() {
        v.push(field, "required", "This field is required.");
    }
    value
}

fn parse_vat(
    v: &mut Violations,
    path: &str,
    category: &Option<String>,
    rate: &Option<DecimalIn>,
) -> Option<Vat> {
    let category = v.check(
        format!("{path}vat_category"),
        category.as_deref().unwrap_or("S").parse::<VatCategory>(),
    );
    let rate_value = opt_decimal(v, &format!("{path}vat_rate"), rate, money::PERCENT);
    let rate_ok = rate.is_none() || rate_value.is_some();
    let category = category?;
    if !rate_ok {
        return None;
    }
    let rate = v.check(format!("{path}vat_rate"), category.check_rate(rate_value))?;
    Some(Vat { category, rate })
}

/// `base_for_percentage` is what a percentage applies to when `base_amount` is omitted.
fn parse_allowance_charge(
    v: &mut Violations,
    path: &str,
    ac: &AllowanceChargeIn,
    document_level: bool,
    base_for_percentage: Decimal,
) -> Option<AllowanceCharge> {
    let is_charge = match ac.kind.as_deref() {
        Some("allowance") => Some(false),
        Some("charge") => Some(true),
        Some(other) => {
            v.push(
                format!("{path}kind"),
                "invalid_enum",
                format!("`{other}` is not a kind; allowed: allowance, charge."),
            );
            None
        }
        None => {
            v.push(
                format!("{path}kind"),
                "required",
                "This field is required: allowance or charge.",
            );
            None
        }
    };
    let amount = opt_decimal(v, &format!("{path}amount"), &ac.amount, money::AMOUNT);
    let percentage = opt_decimal(
        v,
        &format!("{path}percentage"),
        &ac.percentage,
        money::PERCENT,
    );
    let base_amount = opt_decimal(
        v,
        &format!("{path}base_amount"),
        &ac.base_amount,
        money::PRICE,
    );
    let reason = opt_text(v, &format!("{path}reason"), &ac.reason);
    let reason_code = opt_text(v, &format!("{path}reason_code"), &ac.reason_code);
    if let (Some(code), Some(charge)) = (&reason_code, is_charge) {
        // BR-CL-19 / BR-CL-20: the codes of UNCL 5189 (allowances) and 7161 (charges).
        let (known, list) = if charge {
            (
                invoicer_domain::codelists::is_charge_reason(code),
                "UNCL 7161 charge reason code, e.g. \"FC\" (freight)",
            )
        } else {
            (
                invoicer_domain::codelists::is_allowance_reason(code),
                "UNCL 5189 allowance reason code, e.g. \"95\" (discount)",
            )
        };
        if !known {
            v.push(
                format!("{path}reason_code"),
                "invalid_code",
                format!("`{code}` is not a {list}."),
            );
        }
    }
    if ac.reason.is_none() && ac.reason_code.is_none() {
        // EN 16931 BR-33 / BR-38 / BR-42 / BR-44: every allowance and charge needs a reason.
        v.push(
            format!("{path}reason"),
            "required",
            "Give a reason or a reason_code.",
        );
    }
    let vat = if document_level {
        parse_vat(v, path, &ac.vat_category, &ac.vat_rate)
    } else {
        let given = [
            ("vat_category", ac.vat_category.is_some()),
            ("vat_rate", ac.vat_rate.is_some()),
            ("vat_exemption_reason", ac.vat_exemption_reason.is_some()),
            (
                "vat_exemption_reason_code",
                ac.vat_exemption_reason_code.is_some(),
            ),
        ];
        for (field, _) in given.iter().filter(|(_, present)| *present) {
            v.push(
                format!("{path}{field}"),
                "not_allowed",
                "Line allowances and charges take the line's VAT; omit vat_category, vat_rate and the exemption.",
            );
        }
        None
    };
    let exemption = item::parse_exemption(
        v,
        path,
        &ac.vat_exemption_reason,
        &ac.vat_exemption_reason_code,
    );
    if ac.base_amount.is_some() && ac.percentage.is_none() {
        // PEPPOL-EN16931-R042: a base amount means nothing without its percentage.
        v.push(
            format!("{path}base_amount"),
            "not_allowed",
            "A base_amount is only given with the percentage that applies to it.",
        );
    }
    // A percentage is always shown with the base it applies to (PEPPOL-EN16931-R041), at the
    // two decimals of a document amount.
    let base_amount =
        percentage.map(|_| money::round_to(base_amount.unwrap_or(base_for_percentage), 2));
    let amount = match (amount, percentage, base_amount) {
        (Some(a), Some(p), Some(base)) => {
            let expected = base * p / Decimal::ONE_HUNDRED;
            // PEPPOL-EN16931-R040 allows the amount to differ from base × percentage by 0.02.
            if (a - expected).abs() > Decimal::new(2, 2) {
                v.push(
                    format!("{path}amount"),
                    "mismatch",
                    format!(
                        "The amount must be base_amount × percentage / 100 = {}; omit it to have it computed.",
                        money::round_to(expected, 2)
                    ),
                );
            }
            Some(a)
        }
        (Some(a), _, _) => Some(a),
        (None, Some(p), Some(base)) => Some(money::round_to(base * p / Decimal::ONE_HUNDRED, 2)),
        (None, _, _) => {
            if ac.amount.is_none() && ac.percentage.is_none() {
                v.push(
                    format!("{path}amount"),
                    "required",
                    "Give an amount or a percentage.",
                );
            }
            None
        }
    };
    Some(AllowanceCharge {
        is_charge: is_charge?,
        amount: amount?,
        base_amount,
        percentage,
        reason,
        reason_code,
        vat: if document_level { Some(vat?) } else { None },
        exemption,
    })
}

fn parse_line(v: &mut Violations, index: usize, l: &LineItemIn) -> Option<Line> {
    let path = format!("line_items[{index}].");
    let description = required(v, &format!("{path}description"), l.description.as_deref())
        .and_then(|s| v.check(format!("{path}description"), validation::text(s, TEXT_MAX)));
    let quantity = required(v, &format!("{path}quantity"), l.quantity.as_ref()).and_then(|d| {
        v.check(
            format!("{path}quantity"),
            money::parse_decimal(&d.0, money::QUANTITY),
        )
    });
    let unit_price =
        required(v, &format!("{path}unit_price"), l.unit_price.as_ref()).and_then(|d| {
            v.check(
                format!("{path}unit_price"),
                money::parse_decimal(&d.0, money::PRICE),
            )
        });
    let unit_code = l.unit_code.clone().unwrap_or_else(|| "C62".to_owned());
    if !invoicer_domain::codelists::is_unit_code(&unit_code) {
        v.push(
            format!("{path}unit_code"),
            "invalid_unit_code",
            format!("`{unit_code}` is not a UN/ECE Recommendation 20 unit code, e.g. C62 (one) or HUR (hour)."),
        );
    }
    let vat = parse_vat(v, &path, &l.vat_category, &l.vat_rate);
    let exemption = item::parse_exemption(
        v,
        &path,
        &l.vat_exemption_reason,
        &l.vat_exemption_reason_code,
    );
    let item = item::parse_item(
        v,
        &path,
        ItemFields {
            seller_item_id: &l.seller_item_id,
            buyer_item_id: &l.buyer_item_id,
            standard_item_id: &l.standard_item_id,
            classifications: &l.classifications,
            origin_country: &l.origin_country,
        },
    );
    let note = opt_text(v, &format!("{path}note"), &l.note);
    if let Some(price) = unit_price {
        if price.is_sign_negative() && !price.is_zero() {
            // EN 16931 BR-27: a price is never negative; a credit is a negative quantity.
            v.push(
                format!("{path}unit_price"),
                "must_not_be_negative",
                "The unit price must not be negative; give a negative quantity instead.",
            );
        }
    }
    let gross = quantity
        .zip(unit_price)
        .map(|(q, p)| q * p)
        .unwrap_or_default();
    let allowances_charges: Vec<_> = l
        .allowances_charges
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, ac)| {
            parse_allowance_charge(
                v,
                &format!("{path}allowances_charges[{i}]."),
                ac,
                false,
                gross,
            )
        })
        .collect();
    Some(Line {
        description: description?,
        quantity: quantity?,
        unit_code,
        unit_price: unit_price?,
        vat: vat?,
        allowances_charges: allowances_charges.into_iter().collect::<Option<_>>()?,
        exemption,
        item,
        note,
    })
}

pub(crate) fn parse_lines(v: &mut Violations, items: &[LineItemIn]) -> Option<Vec<Line>> {
    items
        .iter()
        .enumerate()
        .map(|(i, l)| parse_line(v, i, l))
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}

pub(crate) fn parse_document_acs(
    v: &mut Violations,
    acs: &Option<Vec<AllowanceChargeIn>>,
    lines: &Option<Vec<Line>>,
) -> Option<Vec<AllowanceCharge>> {
    let base: Decimal = lines
        .iter()
        .flatten()
        .map(|l| l.quantity * l.unit_price)
        .sum();
    acs.iter()
        .flatten()
        .enumerate()
        .map(|(i, ac)| {
            parse_allowance_charge(v, &format!("allowances_charges[{i}]."), ac, true, base)
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect()
}

/// Gives every line, allowance and charge of a category the one exemption its VAT breakdown
/// will state (BT-120 / BT-121): the one sent (all that are sent must agree), else the
/// category's default; refuses an exemption on a category that takes none, a missing one on
/// category E, and category O beside any other (EN 16931 BR-O-11 … BR-O-14).
pub fn settle_exemptions(v: &mut Violations, lines: &mut [Line], acs: &mut [AllowanceCharge]) {
    let mut items: Vec<(String, VatCategory, &mut Option<Exemption>)> = Vec::new();
    for (i, l) in lines.iter_mut().enumerate() {
        items.push((
            format!("line_items[{i}]."),
            l.vat.category,
            &mut l.exemption,
        ));
    }
    for (i, ac) in acs.iter_mut().enumerate() {
        if let Some(vat) = ac.vat {
            items.push((
                format!("allowances_charges[{i}]."),
                vat.category,
                &mut ac.exemption,
            ));
        }
    }
    if items.iter().any(|(_, c, _)| *c == VatCategory::O) {
        if let Some((path, c, _)) = items.iter().find(|(_, c, _)| *c != VatCategory::O) {
            v.push(
                format!("{path}vat_category"),
                "category_conflict",
                format!("Category {c} cannot be on the same document as category O (not subject to VAT) (EN 16931 BR-O-11); invoice them separately."),
            );
        }
    }
    for (path, category, exemption) in &items {
        let code = exemption.as_ref().and_then(|e| e.code.as_deref());
        if let Some(owner) = code.and_then(VatCategory::of_exemption_code) {
            if owner != *category {
                v.push(
                    format!("{path}vat_exemption_reason_code"),
                    "category_mismatch",
                    format!("{} is an exemption of category {owner}, not {category} (PEPPOL-EN16931-P0104 … P0111).", code.unwrap_or_default()),
                );
            }
        }
    }
    for category in VatCategory::ALL {
        let mut of_category: Vec<_> = items
            .iter_mut()
            .filter(|(_, c, _)| *c == category)
            .collect();
        let Some(first_given) = of_category.iter().find_map(|(_, _, e)| (**e).clone()) else {
            match category.exemption_rule() {
                ExemptionRule::Required => {
                    if let Some((path, _, _)) = of_category.first() {
                        v.push(
                            format!("{path}vat_exemption_reason"),
                            "required",
                            "Category E (exempt) needs the reason: vat_exemption_reason or vat_exemption_reason_code, e.g. \"VATEX-EU-132\" (EN 16931 BR-E-10).",
                        );
                    }
                }
                ExemptionRule::Default { code, reason } => {
                    for (_, _, e) in &mut of_category {
                        **e = Some(Exemption {
                            reason: Some(reason.to_owned()),
                            code: Some(code.to_owned()),
                        });
                    }
                }
                ExemptionRule::Forbidden => {}
            }
            continue;
        };
        if category.exemption_rule() == ExemptionRule::Forbidden {
            for (path, _, e) in &of_category {
                if e.is_some() {
                    v.push(
                        format!("{path}vat_exemption_reason"),
                        "not_allowed",
                        format!("Category {category} carries VAT and takes no exemption reason (EN 16931 BR-{}-10).", category.rule_family()),
                    );
                }
            }
            continue;
        }
        for (path, _, e) in &mut of_category {
            match e {
                Some(given) if *given != first_given => v.push(
                    format!("{path}vat_exemption_reason"),
                    "exemption_conflict",
                    format!("Every line of category {category} must give the same exemption: the VAT breakdown states one per category."),
                ),
                _ => **e = Some(first_given.clone()),
            }
        }
    }
}

fn parse_declared(v: &mut Violations, d: &Option<DeclaredTotalsIn>) -> Option<Declared> {
    let d = d.as_ref()?;
    let fields = [
        (TotalField::LineExtension, &d.line_extension),
        (TotalField::AllowanceTotal, &d.allowance_total),
        (TotalField::ChargeTotal, &d.charge_total),
        (TotalField::TaxExclusive, &d.tax_exclusive),
        (TotalField::TaxTotal, &d.tax_total),
        (TotalField::TaxInclusive, &d.tax_inclusive),
        (TotalField::Payable, &d.payable),
    ];
    let values = fields
        .into_iter()
        .filter_map(|(field, value)| {
            opt_decimal(
                v,
                &format!("declared_totals.{}", field.name()),
                value,
                money::TOTAL,
            )
            .map(|d| (field, d))
        })
        .collect();
    let tolerance = opt_decimal(v, "declared_totals.tolerance", &d.tolerance, money::AMOUNT);
    Some(Declared { values, tolerance })
}

pub(crate) fn parse_terms(v: &mut Violations, f: TermsFields<'_>) -> Terms {
    let issue_date = f
        .issue_date
        .and_then(|s| v.check("issue_date", parse_date(s)));
    let due_date = f.due_date.and_then(|s| v.check("due_date", parse_date(s)));

    if let (Some(issued), Some(due)) = (issue_date, due_date) {
        if due < issued {
            v.push(
                "due_date",
                "before_issue_date",
                "The due date must not be before the issue date.",
            );
        }
    }
    let mut text = |field: &str, value: Option<&str>| {
        value.and_then(|s| v.check(field, validation::text(s, TEXT_MAX)))
    };
    Terms {
        payment_terms: text("payment_terms", f.payment_terms),
        buyer_reference: text("buyer_reference", f.buyer_reference),
        purchase_order: text("purchase_order", f.purchase_order),
        note: text("note", f.note),
        issue_date,
        due_date,
        payment_means: None,
        delivery: None,
        preceding: None,
    }
}

pub(crate) struct TermsFields<'a> {
    pub(crate) issue_date: Option<&'a str>,
    pub(crate) due_date: Option<&'a str>,
    pub(crate) payment_terms: Option<&'a str>,
    pub(crate) buyer_reference: Option<&'a str>,
    pub(crate) purchase_order: Option<&'a str>,
    pub(crate) note: Option<&'a str>,
}

impl InvoiceIn {
    pub fn parse(&self) -> Result<NewInvoice, Violations> {
        let mut v = Violations::new();
        let business_id = required(&mut v, "business_id", self.business_id.as_deref())
            .and_then(|s| v.check("business_id", parse_uuid(s)));
        let customer_id = required(&mut v, "customer_id", self.customer_id.as_deref())
            .and_then(|s| v.check("customer_id", parse_uuid(s)));
        let currency = self
            .currency
            .as_deref()
            .and_then(|s| v.check("currency", Currency::parse(s)));
        let terms = parse_terms(
            &mut v,
            TermsFields {
                issue_date: nullable::text(&self.issue_date),
                due_date: nullable::text(&self.due_date),
                payment_terms: nullable::text(&self.payment_terms),
                buyer_reference: nullable::text(&self.buyer_reference),
                purchase_order: nullable::text(&self.purchase_order),
                note: nullable::text(&self.note),
            },
        );
        let lines = match self.line_items.as_deref() {
            None | Some([]) => {
                v.push(
                    "line_items",
                    "required",
                    "At least one line item is required.",
                );
                None
            }
            Some(items) => parse_lines(&mut v, items),
        };
        let mut terms = terms;
        terms.payment_means =
            nullable::value(&self.payment_means).and_then(|p| p.parse(&mut v, "payment_means"));
        terms.delivery = nullable::value(&self.delivery).map(|d| d.parse(&mut v, "delivery"));
        let allowances_charges = parse_document_acs(&mut v, &self.allowances_charges, &lines);
        let (mut lines, mut allowances_charges) = (lines, allowances_charges);
        if let (Some(lines), Some(acs)) = (&mut lines, &mut allowances_charges) {
            settle_exemptions(&mut v, lines, acs);
        }
        let prepaid = opt_decimal(
            &mut v,
            "prepaid_amount",
            &self.prepaid_amount,
            money::AMOUNT,
        )
        .unwrap_or_default();
        let vat_rounding = self
            .vat_rounding
            .as_deref()
            .and_then(|s| v.check("vat_rounding", s.parse::<VatRounding>()))
            .unwrap_or_default();
        let declared = parse_declared(&mut v, &self.declared_totals);
        match (business_id, customer_id, lines, allowances_charges) {
            (Some(business_id), Some(customer_id), Some(lines), Some(allowances_charges))
                if v.is_empty() =>
            {
                Ok(NewInvoice {
                    business_id,
                    customer_id,
                    currency,
                    terms,
                    lines,
                    allowances_charges,
                    prepaid,
                    vat_rounding,
                    declared,
                })
            }
            _ => Err(v),
        }
    }
}

impl CreditNoteIn {
    pub fn parse(&self) -> Result<NewCreditNote, Violations> {
        let mut v = Violations::new();
        let invoice_ref = required(&mut v, "invoice_id", self.invoice_id.clone())
            .and_then(|r| v.check("invoice_id", parse_document_ref(r)));
        let terms = parse_terms(
            &mut v,
            TermsFields {
                issue_date: self.issue_date.as_deref(),
                due_date: self.due_date.as_deref(),
                payment_terms: self.payment_terms.as_deref(),
                buyer_reference: None,
                purchase_order: None,
                note: self.note.as_deref(),
            },
        );
        let lines = match self.line_items.as_deref() {
            None => Some(None),
            Some([]) => {
                v.push(
                    "line_items",
                    "required",
                    "Omit line_items to credit the whole invoice, or give at least one.",
                );
                None
            }
            Some(items) => parse_lines(&mut v, items).map(Some),
        };
        let mut allowances_charges =
            parse_document_acs(&mut v, &self.allowances_charges, &lines.clone().flatten());
        let mut lines = lines;
        if let (Some(Some(lines)), Some(acs)) = (&mut lines, &mut allowances_charges) {
            settle_exemptions(&mut v, lines, acs);
        }
        let declared = parse_declared(&mut v, &self.declared_totals);
        match (invoice_ref, lines, allowances_charges) {
            (Some(invoice_ref), Some(lines), Some(allowances_charges)) if v.is_empty() => {
                Ok(NewCreditNote {
                    invoice_ref,
                    terms,
                    lines,
                    allowances_charges,
                    declared,
                })
            }
            _ => Err(v),
        }
    }
}

fn decimal_in(d: Decimal) -> DecimalIn {
    DecimalIn(d.to_string())
}

fn ac_in(ac: &AllowanceCharge) -> AllowanceChargeIn {
    AllowanceChargeIn {
        kind: Some(if ac.is_charge { "charge" } else { "allowance" }.to_owned()),
        amount: Some(decimal_in(ac.amount)),
        percentage: ac.percentage.map(decimal_in),
        base_amount: ac.base_amount.map(decimal_in),
        reason: ac.reason.clone(),
        reason_code: ac.reason_code.clone(),
        vat_category: ac.vat.map(|vat| vat.category.code().to_owned()),
        vat_rate: ac.vat.and_then(|vat| vat.rate).map(decimal_in),
        vat_exemption_reason: ac.exemption.as_ref().and_then(|e| e.reason.clone()),
        vat_exemption_reason_code: ac.exemption.as_ref().and_then(|e| e.code.clone()),
    }
}

pub fn line_in(l: &Line) -> LineItemIn {
    LineItemIn {
        description: Some(l.description.clone()),
        quantity: Some(decimal_in(l.quantity)),
        unit_code: Some(l.unit_code.clone()),
        unit_price: Some(decimal_in(l.unit_price)),
        vat_category: Some(l.vat.category.code().to_owned()),
        vat_rate: l.vat.rate.map(decimal_in),
        vat_exemption_reason: l.exemption.as_ref().and_then(|e| e.reason.clone()),
        vat_exemption_reason_code: l.exemption.as_ref().and_then(|e| e.code.clone()),
        allowances_charges: Some(l.allowances_charges.iter().map(ac_in).collect()),
        seller_item_id: l.item.seller_id.clone(),
        buyer_item_id: l.item.buyer_id.clone(),
        standard_item_id: l.item.standard_id.as_ref().map(item::schemed_id_in),
        classifications: (!l.item.classifications.is_empty()).then(|| {
            l.item
                .classifications
                .iter()
                .map(item::classification_in)
                .collect()
        }),
        origin_country: l.item.origin_country.clone(),
        note: l.note.clone(),
    }
}

impl From<&Invoice> for InvoiceIn {
    /// The stored draft as a request, so a PATCH can be merged over it and parsed as a whole.
    fn from(i: &Invoice) -> Self {
        InvoiceIn {
            business_id: Some(i.business_id.to_string()),
            customer_id: i.customer_id.map(|c| c.to_string()),
            currency: Some(i.content.currency.code().to_owned()),
            issue_date: Some(i.terms.issue_date.map(date)),
            due_date: Some(i.terms.due_date.map(date)),
            payment_terms: Some(i.terms.payment_terms.clone()),
            buyer_reference: Some(i.terms.buyer_reference.clone()),
            purchase_order: Some(i.terms.purchase_order.clone()),
            note: Some(i.terms.note.clone()),
            payment_means: Some(i.terms.payment_means.as_ref().map(PaymentMeansIn::from)),
            delivery: Some(i.terms.delivery.as_ref().map(DeliveryIn::from)),
            line_items: Some(i.content.lines.iter().map(line_in).collect()),
            allowances_charges: Some(i.content.allowances_charges.iter().map(ac_in).collect()),
            prepaid_amount: Some(decimal_in(i.content.prepaid)),
            vat_rounding: Some(i.content.vat_rounding.as_str().to_owned()),
            declared_totals: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AllowanceChargeOut {
    pub kind: String,
    pub amount: String,
    pub percentage: Option<String>,
    pub base_amount: Option<String>,
    pub reason: Option<String>,
    pub reason_code: Option<String>,
    pub vat_category: Option<String>,
    pub vat_rate: Option<String>,
    pub vat_exemption_reason: Option<String>,
    pub vat_exemption_reason_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LineItemOut {
    pub description: String,
    pub quantity: String,
    pub unit_code: String,
    pub unit_price: String,
    pub vat_category: String,
    pub vat_rate: Option<String>,
    pub vat_exemption_reason: Option<String>,
    pub vat_exemption_reason_code: Option<String>,
    pub allowances_charges: Vec<AllowanceChargeOut>,
    /// Quantity × unit price − allowances + charges, rounded (EN 16931 BT-131).
    pub net_amount: String,
    pub seller_item_id: Option<String>,
    pub buyer_item_id: Option<String>,
    pub standard_item_id: Option<SchemedIdIn>,
    pub classifications: Vec<ClassificationIn>,
    pub origin_country: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VatSubtotalOut {
    pub vat_category: String,
    pub vat_rate: Option<String>,
    pub taxable_amount: String,
    pub tax_amount: String,
    pub exemption_reason: Option<String>,
    pub exemption_reason_code: Option<String>,
}

/// Every total, as EN 16931 defines them (BT-106 … BT-115, BG-23).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TotalsOut {
    pub line_extension: String,
    pub allowance_total: String,
    pub charge_total: String,
    pub tax_exclusive: String,
    pub tax_total: String,
    pub tax_inclusive: String,
    pub prepaid: String,
    pub payable: String,
    pub vat_breakdown: Vec<VatSubtotalOut>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PrecedingInvoiceOut {
    pub number: String,
    pub issue_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InvoiceOut {
    pub id: Uuid,
    /// `invoice` or `credit_note`.
    pub object: String,
    /// Assigned when issued, e.g. `INV-2026-000042`.
    pub number: Option<String>,
    /// Outgoing: `draft`, `issued`, `paid` or `void`; incoming: `received`, `paid` or `disputed`.
    pub status: String,
    /// `outgoing` (issued by the business) or `incoming` (received and imported).
    pub direction: String,
    /// The business: the seller of an outgoing document, the buyer of an incoming one.
    pub business_id: Uuid,
    /// The buyer of an outgoing document; `null` for an incoming one (see `seller`).
    pub customer_id: Option<Uuid>,
    /// Credit notes: the invoice credited.
    pub invoice_id: Option<Uuid>,
    /// Credit notes: the number and issue date of the invoice credited, as the document states them.
    pub preceding_invoice: Option<PrecedingInvoiceOut>,
    pub currency: String,
    pub issue_date: Option<String>,
    pub due_date: Option<String>,
    pub payment_terms: Option<String>,
    pub buyer_reference: Option<String>,
    pub purchase_order: Option<String>,
    pub note: Option<String>,
    pub payment_means: Option<PaymentMeansOut>,
    pub delivery: Option<DeliveryOut>,
    pub vat_rounding: String,
    pub line_items: Vec<LineItemOut>,
    pub allowances_charges: Vec<AllowanceChargeOut>,
    pub totals: TotalsOut,
    /// `computed` (ours, to the cent), or `document`: an imported document whose own figures
    /// ours cannot reproduce (a rounding choice of its issuer), shown as the document states them.
    pub totals_source: String,
    /// The seller as frozen into the document when it was issued; `null` while draft.
    pub seller: Option<PartyOut>,
    /// The buyer as frozen into the document when it was issued; `null` while draft.
    pub buyer: Option<PartyOut>,
    /// SHA-256 (hex) of the document's UBL bytes (`GET …/ubl`), fixed when it is issued.
    pub ubl_sha256: Option<String>,
    pub issued_at: Option<String>,
    pub paid_at: Option<String>,
    pub voided_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

fn ac_out(ac: &AllowanceCharge, currency: Currency) -> AllowanceChargeOut {
    AllowanceChargeOut {
        kind: if ac.is_charge { "charge" } else { "allowance" }.to_owned(),
        amount: currency.round(ac.amount).to_string(),
        percentage: ac.percentage.map(|d| d.to_string()),
        base_amount: ac.base_amount.map(|d| d.to_string()),
        reason: ac.reason.clone(),
        reason_code: ac.reason_code.clone(),
        vat_category: ac.vat.map(|v| v.category.code().to_owned()),
        vat_rate: ac.vat.and_then(|v| v.rate).map(|d| d.to_string()),
        vat_exemption_reason: ac.exemption.as_ref().and_then(|e| e.reason.clone()),
        vat_exemption_reason_code: ac.exemption.as_ref().and_then(|e| e.code.clone()),
    }
}

impl From<&Totals> for TotalsOut {
    fn from(t: &Totals) -> Self {
        Self {
            line_extension: t.line_extension.to_string(),
            allowance_total: t.allowance_total.to_string(),
            charge_total: t.charge_total.to_string(),
            tax_exclusive: t.tax_exclusive.to_string(),
            tax_total: t.tax_total.to_string(),
            tax_inclusive: t.tax_inclusive.to_string(),
            prepaid: t.prepaid.to_string(),
            payable: t.payable.to_string(),
            vat_breakdown: t
                .vat_breakdown
                .iter()
                .map(|s| VatSubtotalOut {
                    vat_category: s.category.code().to_owned(),
                    vat_rate: s.rate.map(|d| d.to_string()),
                    taxable_amount: s.taxable_amount.to_string(),
                    tax_amount: s.tax_amount.to_string(),
                    exemption_reason: s.exemption.as_ref().and_then(|e| e.reason.clone()),
                    exemption_reason_code: s.exemption.as_ref().and_then(|e| e.code.clone()),
                })
                .collect(),
        }
    }
}

impl From<&Invoice> for InvoiceOut {
    fn from(i: &Invoice) -> Self {
        let currency = i.content.currency;
        Self {
            id: i.id,
            object: i.kind.as_str().to_owned(),
            number: i.number.clone(),
            status: i.status.as_str().to_owned(),
            business_id: i.business_id,
            customer_id: i.customer_id,
            direction: i.direction.as_str().to_owned(),
            totals_source: if i.stated_totals.is_some() {
                "document"
            } else {
                "computed"
            }
            .to_owned(),
            invoice_id: match i.kind {
                Kind::CreditNote => i.credited_invoice_id,
                Kind::Invoice => None,
            },
            preceding_invoice: i.terms.preceding.as_ref().map(|p| PrecedingInvoiceOut {
                number: p.number.clone(),
                issue_date: p.issue_date.map(date),
            }),
            currency: currency.code().to_owned(),
            issue_date: i.terms.issue_date.map(date),
            due_date: i.terms.due_date.map(date),
            payment_terms: i.terms.payment_terms.clone(),
            buyer_reference: i.terms.buyer_reference.clone(),
            purchase_order: i.terms.purchase_order.clone(),
            note: i.terms.note.clone(),
            payment_means: i.terms.payment_means.as_ref().map(PaymentMeansOut::from),
            delivery: i.terms.delivery.as_ref().map(DeliveryOut::from),
            vat_rounding: i.content.vat_rounding.as_str().to_owned(),
            line_items: i
                .content
                .lines
                .iter()
                .map(|l| LineItemOut {
                    description: l.description.clone(),
                    quantity: l.quantity.to_string(),
                    unit_code: l.unit_code.clone(),
                    unit_price: l.unit_price.to_string(),
                    vat_category: l.vat.category.code().to_owned(),
                    vat_rate: l.vat.rate.map(|d| d.to_string()),
                    vat_exemption_reason: l.exemption.as_ref().and_then(|e| e.reason.clone()),
                    vat_exemption_reason_code: l.exemption.as_ref().and_then(|e| e.code.clone()),
                    allowances_charges: l
                        .allowances_charges
                        .iter()
                        .map(|ac| ac_out(ac, currency))
                        .collect(),
                    net_amount: invoicer_domain::totals::line_net(currency, l).to_string(),
                    seller_item_id: l.item.seller_id.clone(),
                    buyer_item_id: l.item.buyer_id.clone(),
                    standard_item_id: l.item.standard_id.as_ref().map(item::schemed_id_in),
                    classifications: l
                        .item
                        .classifications
                        .iter()
                        .map(item::classification_in)
                        .collect(),
                    origin_country: l.item.origin_country.clone(),
                    note: l.note.clone(),
                })
                .collect(),
            allowances_charges: i
                .content
                .allowances_charges
                .iter()
                .map(|ac| ac_out(ac, currency))
                .collect(),
            totals: TotalsOut::from(&i.totals()),
            seller: i.parties.as_ref().map(|p| PartyOut::from(&p.seller)),
            buyer: i.parties.as_ref().map(|p| PartyOut::from(&p.buyer)),
            ubl_sha256: i.ubl_sha256.clone(),
            issued_at: i.issued_at.map(timestamp),
            paid_at: i.paid_at.map(timestamp),
            voided_at: i.voided_at.map(timestamp),
            created_at: timestamp(i.created_at),
            updated_at: timestamp(i.updated_at),
        }
    }
}
