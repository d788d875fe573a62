//! Payment means and delivery on the wire: how the buyer pays (EN 16931 BG-16) and where and
//! when the supply was delivered (BG-13).

use invoicer_domain::{
    codelists,
    invoice::{Card, Delivery, Mandate, PayeeAccount, PaymentMeans},
    party,
    validation::{self, Violations},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    party::AddressIn,
    time_fmt::{date, parse_date},
};

const TEXT_MAX: usize = 200;

/// How the buyer pays. `code` is UNCL 4461: `30` credit transfer and `58` SEPA credit transfer
/// (both need `account`), `49` / `59` direct debit (need `mandate`), `48` / `54` / `55` card,
/// `10` cash, `1` not defined …
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentMeansIn {
    #[schema(example = "58")]
    pub code: Option<String>,
    /// Remittance information the buyer quotes when paying (BT-83).
    pub remittance: Option<String>,
    pub account: Option<PayeeAccountIn>,
    pub card: Option<CardIn>,
    pub mandate: Option<MandateIn>,
}

/// The account paid into: an IBAN for SEPA (`58`), any account id otherwise.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayeeAccountIn {
    #[schema(example = "NL91ABNA0417164300")]
    pub id: Option<String>,
    pub name: Option<String>,
    #[schema(example = "ABNANL2A")]
    pub bic: Option<String>,
}

/// A payment card; only its last 4 to 6 digits, never the whole number.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CardIn {
    #[schema(example = "1234")]
    pub last_digits: Option<String>,
    #[schema(example = "VISA")]
    pub network: Option<String>,
    pub holder: Option<String>,
}

/// A direct debit mandate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MandateIn {
    pub id: Option<String>,
    /// The buyer's account debited, e.g. an IBAN.
    pub debited_account: Option<String>,
}

/// Where and when the goods or services were delivered. An intra-community supply (category K)
/// needs `date` and `country`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryIn {
    #[schema(example = "2026-01-15")]
    pub date: Option<String>,
    pub party_name: Option<String>,
    pub address: Option<AddressIn>,
    /// ISO 3166-1 alpha-2.
    #[schema(example = "DE")]
    pub country: Option<String>,
}

pub type PaymentMeansOut = PaymentMeansIn;
pub type DeliveryOut = DeliveryIn;

fn text(v: &mut Violations, field: String, value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .and_then(|s| v.check(field, validation::text(s, TEXT_MAX)))
}

fn required_text(v: &mut Violations, field: String, value: &Option<String>) -> Option<String> {
    if value.is_none() {
        v.push(field.clone(), "required", "This field is required.");
    }
    text(v, field, value)
}

/// An IBAN: country, two check digits, up to 30 letters and digits, passing ISO 13616 mod 97.
fn is_iban(text: &str) -> bool {
    let b = text.as_bytes();
    let shape = (15..=34).contains(&b.len())
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..4].iter().all(u8::is_ascii_digit)
        && b[4..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if !shape {
        return false;
    }
    let rearranged = b[4..].iter().chain(&b[..4]);
    let remainder = rearranged.fold(0u32, |acc, &c| {
        let value = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c - b'A') + 10
        };
        let shifted = if value >= 10 { acc * 100 } else { acc * 10 };
        (shifted + value) % 97
    });
    remainder == 1
}

/// A BIC: 4 letters of bank, 2 of country, 2 of location, and optionally 3 of branch.
fn is_bic(text: &str) -> bool {
    let b = text.as_bytes();
    matches!(b.len(), 8 | 11)
        && b[..6].iter().all(u8::is_ascii_uppercase)
        && b[6..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

impl PaymentMeansIn {
    pub fn parse(&self, v: &mut Violations, path: &str) -> Option<PaymentMeans> {
        let code = self.code.as_deref();
        let field = |name: &str| format!("{path}.{name}");
        match code {
            None => v.push(field("code"), "required", "Give a UNCL 4461 payment means code, e.g. \"58\" (SEPA credit transfer)."),
            Some(c) if !codelists::is_payment_means(c) => v.push(
                field("code"),
                "invalid_code",
                format!("`{c}` is not a UNCL 4461 payment means code, e.g. \"30\" (credit transfer), \"58\" (SEPA credit transfer), \"59\" (SEPA direct debit)."),
            ),
            Some(_) => {}
        }
        let credit_transfer = matches!(code, Some("30" | "58"));
        let direct_debit = matches!(code, Some("49" | "59"));
        let remittance = text(v, field("remittance"), &self.remittance);

        let account = match &self.account {
            None if credit_transfer => {
                // EN 16931 BR-61: a credit transfer names the account to pay into.
                v.push(
                    field("account"),
                    "required",
                    "A credit transfer needs the account to pay into (EN 16931 BR-61).",
                );
                None
            }
            None => None,
            Some(a) => {
                let id = required_text(v, field("account.id"), &a.id).map(|s| s.replace(' ', ""));
                if let (Some(id), Some("58")) = (&id, code) {
                    if !is_iban(id) {
                        v.push(field("account.id"), "invalid_iban", format!("`{id}` is not a valid IBAN; SEPA credit transfer (58) pays into an IBAN."));
                    }
                }
                let bic = text(v, field("account.bic"), &a.bic);
                if let Some(b) = &bic {
                    if !is_bic(b) {
                        v.push(field("account.bic"), "invalid_bic", format!("`{b}` is not a BIC: 8 or 11 letters and digits, e.g. \"ABNANL2A\"."));
                    }
                }
                Some(PayeeAccount {
                    id: id?,
                    name: text(v, field("account.name"), &a.name),
                    bic,
                })
            }
        };
        let card = self.card.as_ref().and_then(|c| {
            let last = required_text(v, field("card.last_digits"), &c.last_digits);
            if let Some(l) = &last {
                if !(4..=6).contains(&l.len()) || !l.bytes().all(|b| b.is_ascii_digit()) {
                    v.push(field("card.last_digits"), "invalid_format", "Give only the last 4 to 6 digits of the card number, never the whole number.");
                }
            }
            Some(Card {
                last_digits: last?,
                network: text(v, field("card.network"), &c.network),
                holder: text(v, field("card.holder"), &c.holder),
            })
        });
        let mandate = match &self.mandate {
            None if direct_debit => {
                v.push(
                    field("mandate"),
                    "required",
                    "A direct debit needs the mandate reference (PEPPOL-EN16931-R061).",
                );
                None
            }
            None => None,
            Some(m) => {
                let id = required_text(v, field("mandate.id"), &m.id);
                Some(Mandate {
                    id: id?,
                    debited_account: text(v, field("mandate.debited_account"), &m.debited_account),
                })
            }
        };
        Some(PaymentMeans {
            code: code?.to_owned(),
            remittance,
            account,
            card,
            mandate,
        })
    }
}

impl From<&PaymentMeans> for PaymentMeansIn {
    fn from(p: &PaymentMeans) -> Self {
        Self {
            code: Some(p.code.clone()),
            remittance: p.remittance.clone(),
            account: p.account.as_ref().map(|a| PayeeAccountIn {
                id: Some(a.id.clone()),
                name: a.name.clone(),
                bic: a.bic.clone(),
            }),
            card: p.card.as_ref().map(|c| CardIn {
                last_digits: Some(c.last_digits.clone()),
                network: c.network.clone(),
                holder: c.holder.clone(),
            }),
            mandate: p.mandate.as_ref().map(|m| MandateIn {
                id: Some(m.id.clone()),
                debited_account: m.debited_account.clone(),
            }),
        }
    }
}

impl DeliveryIn {
    pub fn parse(&self, v: &mut Violations, path: &str) -> Delivery {
        let field = |name: &str| format!("{path}.{name}");
        if self.address.is_some() && self.country.is_none() {
            // EN 16931 BR-57: a delivery address names its country.
            v.push(
                field("country"),
                "required",
                "A delivery address needs its country (EN 16931 BR-57).",
            );
        }
        Delivery {
            date: self
                .date
                .as_deref()
                .and_then(|d| v.check(field("date"), parse_date(d))),
            party_name: text(v, field("party_name"), &self.party_name),
            address: crate::party::parse_address_at(v, &field("address"), self.address.as_ref()),
            country: self
                .country
                .as_deref()
                .and_then(|c| v.check(field("country"), party::parse_country(c))),
        }
    }
}

impl From<&Delivery> for DeliveryIn {
    fn from(d: &Delivery) -> Self {
        Self {
            date: d.date.map(date),
            party_name: d.party_name.clone(),
            address: (d.address != Default::default()).then(|| AddressIn::from(&d.address)),
            country: d.country.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibans_and_bics_are_checked_by_their_standards() {
        assert!(is_iban("NL91ABNA0417164300"));
        assert!(is_iban("DE89370400440532013000"));
        assert!(!is_iban("NL91ABNA0417164301"));
        assert!(!is_iban("NL91"));
        assert!(is_bic("ABNANL2A"));
        assert!(is_bic("DEUTDEFF500"));
        assert!(!is_bic("ABN"));
    }
}
