//! Businesses (sellers) and customers (buyers) on the wire.

use invoicer_domain::{
    money::Currency,
    numbering,
    party::{self, Address, Business, Customer, Identity},
    validation::{self, Violations},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    nullable::{self, Nullable},
    time_fmt::timestamp,
};

const NAME_MAX: usize = 200;
const LINE_MAX: usize = 200;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressIn {
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub region: Option<String>,
}

/// Create a business. The same fields, all optional, update one (`BusinessPatch`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct BusinessIn {
    #[schema(example = "Acme Trading BV")]
    pub legal_name: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[schema(example = "NL")]
    pub country: Option<String>,
    #[schema(example = "NL123456789B01")]
    #[serde(deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>, nullable)]
    pub vat_id: Nullable<String>,
    /// Legal registration id, e.g. the company register number (EN 16931 BT-30 / BT-47).
    #[serde(deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>, nullable)]
    pub company_id: Nullable<String>,
    /// ISO 6523 ICD scheme of `company_id`, e.g. `0106` (Dutch KvK), `0007` (Swedish
    /// organisation number).
    #[serde(deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>, nullable)]
    pub company_id_scheme: Nullable<String>,
    #[serde(deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<AddressIn>, nullable)]
    pub address: Nullable<AddressIn>,
    /// ISO 6523 `scheme:identifier`.
    #[schema(example = "0106:12345678")]
    #[serde(deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>, nullable)]
    pub peppol_id: Nullable<String>,
    #[serde(deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>, nullable)]
    pub email: Nullable<String>,
    /// ISO 4217; used when an invoice names no currency.
    #[schema(example = "EUR")]
    #[serde(deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>, nullable)]
    pub default_currency: Nullable<String>,
    /// Prefix of invoice numbers (`INV` gives `INV-2026-000001`).
    pub invoice_prefix: Option<String>,
    /// Prefix of credit note numbers (default `CN`).
    pub credit_note_prefix: Option<String>,
}

/// Create a customer. The same fields, all optional, update one (`CustomerPatch`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CustomerIn {
    #[schema(example = "Globex GmbH")]
    pub name: Option<String>,
    #[schema(example = "DE")]
    pub country: Option<String>,
    #[serde(deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>, nullable)]
    pub vat_id: Nullable<String>,
    /// Legal registration id, e.g. the company register number (EN 16931 BT-30 / BT-47).
    #[serde(deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>, nullable)]
    pub company_id: Nullable<String>,
    /// ISO 6523 ICD scheme of `company_id`, e.g. `0106` (Dutch KvK), `0007` (Swedish
    /// organisation number).
    #[serde(deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>, nullable)]
    pub company_id_scheme: Nullable<String>,
    #[serde(deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<AddressIn>, nullable)]
    pub address: Nullable<AddressIn>,
    #[serde(deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>, nullable)]
    pub peppol_id: Nullable<String>,
    #[serde(deserialize_with = "nullable::deserialize")]
    #[schema(value_type = Option<String>, nullable)]
    pub email: Nullable<String>,
}

/// A validated business, not yet stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBusiness {
    pub identity: Identity,
    pub default_currency: Option<Currency>,
    pub invoice_prefix: String,
    pub credit_note_prefix: String,
}

/// Keeps `self`'s present fields and fills the absent ones from `base`: a PATCH over the stored
/// state, so one parser serves create and update.
macro_rules! merge_over {
    ($ty:ident { $($field:ident),* }) => {
        impl $ty {
            pub fn merged_over(self, base: $ty) -> $ty {
                $ty { $($field: self.$field.or(base.$field)),* }
            }

            pub fn is_empty(&self) -> bool {
                true $(&& self.$field.is_none())*
            }
        }
    };
}

merge_over!(BusinessIn {
    legal_name,
    country,
    vat_id,
    company_id,
    company_id_scheme,
    address,
    peppol_id,
    email,
    default_currency,
    invoice_prefix,
    credit_note_prefix
});
merge_over!(CustomerIn {
    name,
    country,
    vat_id,
    company_id,
    company_id_scheme,
    address,
    peppol_id,
    email
});

fn required<'a>(v: &mut Violations, field: &str, value: Option<&'a str>) -> Option<&'a str> {
    if value.is_none() {
        v.push(field, "required", "This field is required.");
    }
    value
}

fn optional<T>(
    v: &mut Violations,
    field: &str,
    value: Option<&str>,
    parse: impl FnOnce(&str) -> Result<T, validation::Invalid>,
) -> Option<T> {
    value.and_then(|s| v.check(field, parse(s)))
}

fn parse_address(v: &mut Violations, a: Option<&AddressIn>) -> Address {
    parse_address_at(v, "address", a)
}

/// An address at the JSON path `path`.
pub(crate) fn parse_address_at(v: &mut Violations, path: &str, a: Option<&AddressIn>) -> Address {
    let a = a.cloned().unwrap_or_default();
    let line = |v: &mut Violations, name: &str, value: &Option<String>| {
        optional(v, &format!("{path}.{name}"), value.as_deref(), |s| {
            validation::text(s, LINE_MAX)
        })
    };
    Address {
        line1: line(v, "line1", &a.line1),
        line2: line(v, "line2", &a.line2),
        city: line(v, "city", &a.city),
        postal_code: line(v, "postal_code", &a.postal_code),
        region: line(v, "region", &a.region),
    }
}

/// The identity fields businesses and customers share, parsed the same way for both.
pub(crate) struct IdentityFields<'a> {
    pub(crate) name_field: &'static str,
    pub(crate) name: Option<&'a str>,
    pub(crate) country: Option<&'a str>,
    pub(crate) vat_id: Option<&'a str>,
    pub(crate) company_id: Option<&'a str>,
    pub(crate) company_id_scheme: Option<&'a str>,
    pub(crate) address: Option<&'a AddressIn>,
    pub(crate) peppol_id: Option<&'a str>,
    pub(crate) email: Option<&'a str>,
}

pub(crate) fn parse_identity(v: &mut Violations, f: IdentityFields<'_>) -> Option<Identity> {
    let name = required(v, f.name_field, f.name)
        .and_then(|s| v.check(f.name_field, validation::text(s, NAME_MAX)));
    let country =
        required(v, "country", f.country).and_then(|s| v.check("country", party::parse_country(s)));
    let vat_id = optional(v, "vat_id", f.vat_id, party::parse_vat_id);
    let company_id = optional(v, "company_id", f.company_id, |s| validation::text(s, 100));
    let company_id_scheme = optional(v, "company_id_scheme", f.company_id_scheme, |s| {
        if invoicer_domain::codelists::is_icd(s) {
            Ok(s.to_owned())
        } else {
            Err(validation::Invalid::new(
                "unknown_scheme",
                format!("`{s}` is not an ISO 6523 ICD scheme, e.g. \"0106\" (Dutch KvK)."),
            ))
        }
    });
    // An id under a Peppol scheme is held to that scheme's format and check digits, as the
    // Peppol rules hold a CompanyID with that schemeID (PEPPOL-COMMON-R040 …).
    if let (Some(scheme), Some(id)) = (&company_id_scheme, &company_id) {
        if invoicer_domain::codelists::is_eas(scheme) {
            if let Err(e) = invoicer_domain::participant::parse(&format!("{scheme}:{id}")) {
                v.push("company_id", e.code, e.message);
            }
        }
    }
    if company_id_scheme.is_some() && f.company_id.is_none() {
        v.push(
            "company_id_scheme",
            "not_allowed",
            "A company_id_scheme is given only with the company_id it qualifies.",
        );
    }
    let address = parse_address(v, f.address);
    let peppol_id = optional(v, "peppol_id", f.peppol_id, party::parse_participant_id);
    let email = optional(v, "email", f.email, party::parse_email);
    Some(Identity {
        name: name?,
        country: country?,
        vat_id,
        company_id,
        company_id_scheme,
        address,
        peppol_id,
        email,
    })
}

impl BusinessIn {
    pub fn parse(&self) -> Result<NewBusiness, Violations> {
        let mut v = Violations::new();
        let identity = parse_identity(
            &mut v,
            IdentityFields {
                name_field: "legal_name",
                name: self.legal_name.as_deref(),
                country: self.country.as_deref(),
                vat_id: nullable::text(&self.vat_id),
                company_id: nullable::text(&self.company_id),
                company_id_scheme: nullable::text(&self.company_id_scheme),
                address: nullable::value(&self.address),
                peppol_id: nullable::text(&self.peppol_id),
                email: nullable::text(&self.email),
            },
        );
        let default_currency = optional(
            &mut v,
            "default_currency",
            nullable::text(&self.default_currency),
            Currency::parse,
        );
        let invoice_prefix = optional(
            &mut v,
            "invoice_prefix",
            self.invoice_prefix.as_deref(),
            numbering::parse_prefix,
        )
        .unwrap_or_else(|| numbering::DEFAULT_INVOICE_PREFIX.to_owned());
        let credit_note_prefix = optional(
            &mut v,
            "credit_note_prefix",
            self.credit_note_prefix.as_deref(),
            numbering::parse_prefix,
        )
        .unwrap_or_else(|| numbering::DEFAULT_CREDIT_NOTE_PREFIX.to_owned());
        match identity {
            Some(identity) if v.is_empty() => Ok(NewBusiness {
                identity,
                default_currency,
                invoice_prefix,
                credit_note_prefix,
            }),
            _ => Err(v),
        }
    }
}

impl CustomerIn {
    pub fn parse(&self) -> Result<Identity, Violations> {
        let mut v = Violations::new();
        let identity = parse_identity(
            &mut v,
            IdentityFields {
                name_field: "name",
                name: self.name.as_deref(),
                country: self.country.as_deref(),
                vat_id: nullable::text(&self.vat_id),
                company_id: nullable::text(&self.company_id),
                company_id_scheme: nullable::text(&self.company_id_scheme),
                address: nullable::value(&self.address),
                peppol_id: nullable::text(&self.peppol_id),
                email: nullable::text(&self.email),
            },
        );
        match identity {
            Some(identity) if v.is_empty() => Ok(identity),
            _ => Err(v),
        }
    }
}

impl From<&Address> for AddressIn {
    fn from(a: &Address) -> Self {
        Self {
            line1: a.line1.clone(),
            line2: a.line2.clone(),
            city: a.city.clone(),
            postal_code: a.postal_code.clone(),
            region: a.region.clone(),
        }
    }
}

impl From<&Business> for BusinessIn {
    fn from(b: &Business) -> Self {
        let i = &b.identity;
        Self {
            legal_name: Some(i.name.clone()),
            country: Some(i.country.clone()),
            vat_id: Some(i.vat_id.clone()),
            company_id: Some(i.company_id.clone()),
            company_id_scheme: Some(i.company_id_scheme.clone()),
            address: Some(Some(AddressIn::from(&i.address))),
            peppol_id: Some(i.peppol_id.clone()),
            email: Some(i.email.clone()),
            default_currency: Some(b.default_currency.map(|c| c.code().to_owned())),
            invoice_prefix: Some(b.invoice_prefix.clone()),
            credit_note_prefix: Some(b.credit_note_prefix.clone()),
        }
    }
}

impl From<&Customer> for CustomerIn {
    fn from(c: &Customer) -> Self {
        let i = &c.identity;
        Self {
            name: Some(i.name.clone()),
            country: Some(i.country.clone()),
            vat_id: Some(i.vat_id.clone()),
            company_id: Some(i.company_id.clone()),
            company_id_scheme: Some(i.company_id_scheme.clone()),
            address: Some(Some(AddressIn::from(&i.address))),
            peppol_id: Some(i.peppol_id.clone()),
            email: Some(i.email.clone()),
        }
    }
}

/// Addresses read back in the shape they are written.
pub type AddressOut = AddressIn;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BusinessOut {
    pub id: Uuid,
    pub object: String,
    pub legal_name: String,
    pub country: String,
    pub vat_id: Option<String>,
    pub company_id: Option<String>,
    pub company_id_scheme: Option<String>,
    pub address: AddressOut,
    pub peppol_id: Option<String>,
    pub email: Option<String>,
    pub default_currency: Option<String>,
    pub invoice_prefix: String,
    pub credit_note_prefix: String,
    pub archived: bool,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CustomerOut {
    pub id: Uuid,
    pub object: String,
    pub name: String,
    pub country: String,
    pub vat_id: Option<String>,
    pub company_id: Option<String>,
    pub company_id_scheme: Option<String>,
    pub address: AddressOut,
    pub peppol_id: Option<String>,
    pub email: Option<String>,
    pub archived: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&Business> for BusinessOut {
    fn from(b: &Business) -> Self {
        let i = &b.identity;
        Self {
            id: b.id,
            object: "business".into(),
            legal_name: i.name.clone(),
            country: i.country.clone(),
            vat_id: i.vat_id.clone(),
            company_id: i.company_id.clone(),
            company_id_scheme: i.company_id_scheme.clone(),
            address: AddressOut::from(&i.address),
            peppol_id: i.peppol_id.clone(),
            email: i.email.clone(),
            default_currency: b.default_currency.map(|c| c.code().to_owned()),
            invoice_prefix: b.invoice_prefix.clone(),
            credit_note_prefix: b.credit_note_prefix.clone(),
            archived: b.archived,
            created_at: timestamp(b.created_at),
            updated_at: timestamp(b.updated_at),
        }
    }
}

impl From<&Customer> for CustomerOut {
    fn from(c: &Customer) -> Self {
        let i = &c.identity;
        Self {
            id: c.id,
            object: "customer".into(),
            name: i.name.clone(),
            country: i.country.clone(),
            vat_id: i.vat_id.clone(),
            company_id: i.company_id.clone(),
            company_id_scheme: i.company_id_scheme.clone(),
            address: AddressOut::from(&i.address),
            peppol_id: i.peppol_id.clone(),
            email: i.email.clone(),
            archived: c.archived,
            created_at: timestamp(c.created_at),
            updated_at: timestamp(c.updated_at),
        }
    }
}

/// A seller or buyer as frozen into an issued document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PartyOut {
    pub name: String,
    pub country: String,
    pub vat_id: Option<String>,
    pub company_id: Option<String>,
    pub company_id_scheme: Option<String>,
    pub address: AddressOut,
    pub peppol_id: Option<String>,
    pub email: Option<String>,
}

impl From<&Identity> for PartyOut {
    fn from(i: &Identity) -> Self {
        Self {
            name: i.name.clone(),
            country: i.country.clone(),
            vat_id: i.vat_id.clone(),
            company_id: i.company_id.clone(),
            company_id_scheme: i.company_id_scheme.clone(),
            address: AddressOut::from(&i.address),
            peppol_id: i.peppol_id.clone(),
            email: i.email.clone(),
        }
    }
}
