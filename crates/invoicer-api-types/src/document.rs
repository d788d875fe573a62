//! An issued invoice or credit note in the shape the API answers with (`InvoiceOut`), read back
//! into the domain document the renderer takes: what `invoicer render` turns into UBL.
//!
//! The shape is read leniently: what the domain document does not need (ids, status, timestamps,
//! totals other than `prepaid`, a line's `net_amount`, `ubl_sha256` …) is ignored, so a response
//! saved as it was served is accepted, whatever fields responses grow. What is read goes through
//! the parsers of the request bodies, so it is held to the same checks and every failure is
//! reported at its JSON path.

use invoicer_domain::{
    invoice::{Content, Invoice, Kind, Parties, PrecedingInvoice, Status, VatRounding},
    money::{self, Currency},
    party::Identity,
    validation::{self, Violations},
};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{
    decimal::DecimalIn,
    invoice::{self, AllowanceChargeIn, LineItemIn, TermsFields},
    party::{self, AddressIn, IdentityFields},
    payment::{DeliveryIn, PaymentMeansIn},
    time_fmt::parse_date,
};

/// A document number is an id, not prose.
const NUMBER_MAX: usize = 200;

/// An invoice or credit note as `GET /v1/invoices/{id}` or `GET /v1/credit_notes/{id}` returns
/// it. The nested objects are kept as JSON and read by [`DocumentIn::parse`], so a value of the
/// wrong type inside them is reported at its own path together with every other failure, and
/// keys only a response carries (a line's `net_amount`) can be dropped before the request
/// types, which refuse unknown fields, read them.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct DocumentIn {
    /// `invoice` or `credit_note`.
    pub object: Option<String>,
    pub number: Option<String>,
    pub currency: Option<String>,
    pub issue_date: Option<String>,
    pub due_date: Option<String>,
    pub payment_terms: Option<String>,
    pub buyer_reference: Option<String>,
    pub purchase_order: Option<String>,
    pub note: Option<String>,
    pub vat_rounding: Option<String>,
    pub payment_means: Option<Value>,
    pub delivery: Option<Value>,
    pub line_items: Option<Vec<Value>>,
    pub allowances_charges: Option<Vec<Value>>,
    /// Only `prepaid` is read: every other total is computed again from the lines.
    pub totals: Option<Value>,
    pub seller: Option<Value>,
    pub buyer: Option<Value>,
    pub preceding_invoice: Option<Value>,
}

/// A seller or buyer as a response shows it (`PartyOut`).
#[derive(Debug, Default, Deserialize)]
struct PartyIn {
    name: Option<String>,
    country: Option<String>,
    vat_id: Option<String>,
    company_id: Option<String>,
    company_id_scheme: Option<String>,
    address: Option<AddressIn>,
    peppol_id: Option<String>,
    email: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct PrecedingInvoiceIn {
    number: Option<String>,
    issue_date: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct TotalsIn {
    prepaid: Option<DecimalIn>,
}

impl DocumentIn {
    /// Reads a JSON document, naming every top-level field whose value has the wrong type.
    pub fn from_json(value: &Value) -> Result<DocumentIn, Violations> {
        let mut v = Violations::new();
        read(&mut v, "", value).ok_or(v)
    }

    /// The domain document, ready to render: kind, number, terms, content, and the parties as
    /// the document froze them; issued.
    pub fn parse(&self) -> Result<Invoice, Violations> {
        let mut v = Violations::new();
        let kind = match self.object.as_deref() {
            Some("invoice") => Some(Kind::Invoice),
            Some("credit_note") => Some(Kind::CreditNote),
            Some(other) => {
                v.push(
                    "object",
                    "invalid_enum",
                    format!("`{other}` is not a document; allowed: invoice, credit_note."),
                );
                None
            }
            None => {
                v.push(
                    "object",
                    "required",
                    "This field is required: invoice or credit_note.",
                );
                None
            }
        };
        let number = issued(&mut v, "number", self.number.as_deref(), "it has no number")
            .and_then(|s| v.check("number", validation::text(s, NUMBER_MAX)));
        issued(
            &mut v,
            "issue_date",
            self.issue_date.as_deref(),
            "it has no issue date",
        );
        let currency = match self.currency.as_deref() {
            Some(code) => v.check("currency", Currency::parse(code)),
            None => {
                v.push("currency", "required", "This field is required.");
                None
            }
        };
        let mut terms = invoice::parse_terms(
            &mut v,
            TermsFields {
                issue_date: self.issue_date.as_deref(),
                due_date: self.due_date.as_deref(),
                payment_terms: self.payment_terms.as_deref(),
                buyer_reference: self.buyer_reference.as_deref(),
                purchase_order: self.purchase_order.as_deref(),
                note: self.note.as_deref(),
            },
        );
        terms.payment_means = self
            .payment_means
            .as_ref()
            .and_then(|p| read_known::<PaymentMeansIn>(&mut v, "payment_means", p))
            .and_then(|p| p.parse(&mut v, "payment_means"));
        terms.delivery = self
            .delivery
            .as_ref()
            .and_then(|d| read_known::<DeliveryIn>(&mut v, "delivery", d))
            .map(|d| d.parse(&mut v, "delivery"));
        terms.preceding = self
            .preceding_invoice
            .as_ref()
            .and_then(|p| read::<PrecedingInvoiceIn>(&mut v, "preceding_invoice", p))
            .and_then(|p| preceding(&mut v, &p));

        let items = read_all::<LineItemIn>(&mut v, "line_items", &self.line_items);
        let lines = match items.as_deref() {
            Some([]) => {
                v.push(
                    "line_items",
                    "required",
                    "At least one line item is required.",
                );
                None
            }
            Some(items) => invoice::parse_lines(&mut v, items),
            // A line that could not be read at all: its type errors are reported already.
            None => None,
        };
        let acs =
            read_all::<AllowanceChargeIn>(&mut v, "allowances_charges", &self.allowances_charges)
                .and_then(|acs| invoice::parse_document_acs(&mut v, &Some(acs), &lines));
        let (mut lines, mut acs) = (lines, acs);
        if let (Some(lines), Some(acs)) = (&mut lines, &mut acs) {
            invoice::settle_exemptions(&mut v, lines, acs);
        }
        let prepaid = self
            .totals
            .as_ref()
            .and_then(|t| read::<TotalsIn>(&mut v, "totals", t))
            .and_then(|t| t.prepaid)
            .and_then(|d| v.check("totals.prepaid", money::parse_decimal(&d.0, money::AMOUNT)))
            .unwrap_or_default();
        let vat_rounding = self
            .vat_rounding
            .as_deref()
            .and_then(|s| v.check("vat_rounding", s.parse::<VatRounding>()))
            .unwrap_or_default();
        let seller = frozen_party(&mut v, "seller", &self.seller);
        let buyer = frozen_party(&mut v, "buyer", &self.buyer);

        let (
            Some(kind),
            Some(number),
            Some(currency),
            Some(lines),
            Some(allowances_charges),
            Some(seller),
            Some(buyer),
        ) = (kind, number, currency, lines, acs, seller, buyer)
        else {
            return Err(v);
        };
        if !v.is_empty() {
            return Err(v);
        }
        // The ids, timestamps and status of the stored document are not part of what is
        // rendered; the document is given the status that lets it be rendered.
        Ok(Invoice {
            id: Default::default(),
            kind,
            direction: Default::default(),
            business_id: Default::default(),
            customer_id: Default::default(),
            credited_invoice_id: None,
            status: Status::Issued,
            number: Some(number),
            terms,
            content: Content {
                currency,
                lines,
                allowances_charges,
                prepaid,
                vat_rounding,
            },
            parties: Some(Parties { seller, buyer }),
            ubl_sha256: None,
            stated_totals: None,
            issued_at: None,
            paid_at: None,
            voided_at: None,
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            updated_at: time::OffsetDateTime::UNIX_EPOCH,
        })
    }
}

/// What only an issued document has: a draft's number, issue date and parties are fixed when it
/// is issued.
fn issued<'a>(
    v: &mut Violations,
    field: &str,
    value: Option<&'a str>,
    lacks: &str,
) -> Option<&'a str> {
    if value.is_none() {
        v.push(
            field,
            "required",
            format!("Only an issued document can be rendered; {lacks}."),
        );
    }
    value
}

fn preceding(v: &mut Violations, p: &PrecedingInvoiceIn) -> Option<PrecedingInvoice> {
    let number = match p.number.as_deref() {
        Some(n) => v.check("preceding_invoice.number", validation::text(n, NUMBER_MAX)),
        None => {
            v.push(
                "preceding_invoice.number",
                "required",
                "This field is required.",
            );
            None
        }
    };
    let issue_date = p
        .issue_date
        .as_deref()
        .and_then(|d| v.check("preceding_invoice.issue_date", parse_date(d)));
    Some(PrecedingInvoice {
        number: number?,
        issue_date,
    })
}

/// A seller or buyer as frozen into the document, read as a business or customer is, with the
/// paths under `path`.
fn frozen_party(v: &mut Violations, path: &str, value: &Option<Value>) -> Option<Identity> {
    let Some(value) = value else {
        issued(
            v,
            path,
            None,
            &format!("its {path} is copied into it when it is issued"),
        );
        return None;
    };
    let p = read::<PartyIn>(v, path, value)?;
    let mut own = Violations::new();
    let identity = party::parse_identity(
        &mut own,
        IdentityFields {
            name_field: "name",
            name: p.name.as_deref(),
            country: p.country.as_deref(),
            vat_id: p.vat_id.as_deref(),
            company_id: p.company_id.as_deref(),
            company_id_scheme: p.company_id_scheme.as_deref(),
            address: p.address.as_ref(),
            peppol_id: p.peppol_id.as_deref(),
            email: p.email.as_deref(),
        },
    );
    for e in own.as_slice() {
        v.push(format!("{path}.{}", e.field), e.code, e.message.clone());
    }
    identity
}

/// Reads every element of an array of objects; `None` when one cannot be read.
fn read_all<T: DeserializeOwned + Serialize + Default>(
    v: &mut Violations,
    path: &str,
    values: &Option<Vec<Value>>,
) -> Option<Vec<T>> {
    let read: Vec<Option<T>> = values
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, value)| read_known(v, &format!("{path}[{i}]"), value))
        .collect();
    read.into_iter().collect()
}

/// Reads a request type, which refuses unknown fields, from an object that may carry more: only
/// the keys `T` knows are kept. They are the keys `T::default()` serializes to, so the list of
/// fields is not written a second time.
fn read_known<T: DeserializeOwned + Serialize + Default>(
    v: &mut Violations,
    path: &str,
    value: &Value,
) -> Option<T> {
    let known = match serde_json::to_value(T::default()) {
        Ok(Value::Object(known)) => known,
        _ => Map::new(),
    };
    match value {
        Value::Object(map) => {
            let kept: Map<String, Value> = map
                .iter()
                .filter(|(key, _)| known.contains_key(*key))
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect();
            read(v, path, &Value::Object(kept))
        }
        other => read(v, path, other),
    }
}

/// Reads `value` as a `T` whose fields are all optional. When it does not fit, each key is tried
/// on its own, so every key at fault is named at its path, not only the first serde meets.
fn read<T: DeserializeOwned>(v: &mut Violations, path: &str, value: &Value) -> Option<T> {
    let Value::Object(map) = value else {
        let field = if path.is_empty() { "$" } else { path };
        v.push(field, "invalid_type", "Expected a JSON object.");
        return None;
    };
    let whole = match serde_json::from_value::<T>(value.clone()) {
        Ok(read) => return Some(read),
        Err(e) => e,
    };
    let mut named = false;
    for (key, item) in map {
        let alone = Value::Object(Map::from_iter([(key.clone(), item.clone())]));
        if let Err(e) = serde_json::from_value::<T>(alone) {
            let field = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            v.push(field, "invalid_type", sentence(&e));
            named = true;
        }
    }
    if !named {
        let field = if path.is_empty() { "$" } else { path };
        v.push(field, "invalid_type", sentence(&whole));
    }
    None
}

/// serde's message as a sentence.
fn sentence(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>() + ".",
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fields(v: &Violations) -> Vec<&str> {
        v.as_slice().iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn keys_only_a_response_has_are_dropped_and_each_bad_key_is_named() {
        let mut v = Violations::new();
        let line: Option<LineItemIn> = read_known(
            &mut v,
            "line_items[0]",
            &json!({"description": "Consulting", "quantity": "1", "net_amount": "1.00"}),
        );
        assert!(v.is_empty(), "{v}");
        assert_eq!(line.unwrap().description.as_deref(), Some("Consulting"));

        let line: Option<LineItemIn> = read_known(
            &mut v,
            "line_items[1]",
            &json!({"description": 5, "quantity": true, "unit_code": "HUR"}),
        );
        assert!(line.is_none());
        assert_eq!(
            fields(&v),
            ["line_items[1].description", "line_items[1].quantity"]
        );
    }

    #[test]
    fn a_draft_is_refused_naming_what_only_issuing_gives() {
        let draft = DocumentIn::from_json(&json!({
            "id": "0190d3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d", "object": "invoice", "status": "draft",
            "number": null, "currency": "EUR", "seller": null, "buyer": null,
            "line_items": [{"description": "Consulting", "quantity": "1", "unit_price": "1",
                            "vat_category": "S", "vat_rate": "21", "net_amount": "1.00"}]
        }))
        .unwrap();
        let v = draft.parse().unwrap_err();
        assert_eq!(fields(&v), ["number", "issue_date", "seller", "buyer"]);
        assert!(v.as_slice()[0]
            .message
            .starts_with("Only an issued document can be rendered"));
    }

    #[test]
    fn a_top_level_value_of_the_wrong_type_is_named() {
        let v = DocumentIn::from_json(&json!({"number": 5, "line_items": {}})).unwrap_err();
        assert_eq!(fields(&v), ["line_items", "number"]);
        assert_eq!(
            fields(&DocumentIn::from_json(&json!([])).unwrap_err()),
            ["$"]
        );
    }
}
