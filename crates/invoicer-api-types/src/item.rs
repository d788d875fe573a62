//! What identifies and classifies a line's item on the wire (EN 16931 BG-31), and why a line
//! carries no VAT (BT-120 / BT-121).

use invoicer_domain::{
    codelists,
    invoice::{Classification, Exemption, Item, SchemedId},
    party,
    validation::{self, Violations},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

const TEXT_MAX: usize = 200;

/// An identifier with its ISO 6523 ICD scheme, e.g. a GTIN: `{"scheme": "0160", "id": "…"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SchemedIdIn {
    #[schema(example = "0160")]
    pub scheme: Option<String>,
    #[schema(example = "4012345000016")]
    pub id: Option<String>,
}

/// An item classification code of a UNTDID 7143 list, e.g. `{"list_id": "HS", "code": "847130"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassificationIn {
    #[schema(example = "HS")]
    pub list_id: Option<String>,
    pub list_version: Option<String>,
    #[schema(example = "847130")]
    pub code: Option<String>,
}

/// The item fields of a line item, as sent.
pub struct ItemFields<'a> {
    pub seller_item_id: &'a Option<String>,
    pub buyer_item_id: &'a Option<String>,
    pub standard_item_id: &'a Option<SchemedIdIn>,
    pub classifications: &'a Option<Vec<ClassificationIn>>,
    pub origin_country: &'a Option<String>,
}

fn text(v: &mut Violations, field: String, value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .and_then(|s| v.check(field, validation::text(s, TEXT_MAX)))
}

fn required(v: &mut Violations, field: String, value: &Option<String>) -> Option<String> {
    if value.is_none() {
        v.push(field.clone(), "required", "This field is required.");
    }
    text(v, field, value)
}

/// `path` ends with a dot, e.g. `line_items[0].`.
pub fn parse_item(v: &mut Violations, path: &str, f: ItemFields<'_>) -> Item {
    let standard_id = f.standard_item_id.as_ref().and_then(|s| {
        let scheme = required(v, format!("{path}standard_item_id.scheme"), &s.scheme);
        if let Some(code) = &scheme {
            if !codelists::is_icd(code) {
                v.push(
                    format!("{path}standard_item_id.scheme"),
                    "unknown_scheme",
                    format!("`{code}` is not an ISO 6523 ICD scheme, e.g. \"0160\" (GTIN)."),
                );
            }
        }
        let id = required(v, format!("{path}standard_item_id.id"), &s.id);
        Some(SchemedId {
            scheme: scheme?,
            id: id?,
        })
    });
    let classifications = f
        .classifications
        .iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, c)| {
            let at = format!("{path}classifications[{i}].");
            let list_id = required(v, format!("{at}list_id"), &c.list_id);
            if let Some(list) = &list_id {
                if !codelists::uncl7143::ITEM_CLASSIFICATIONS.contains(list) {
                    v.push(
                        format!("{at}list_id"),
                        "invalid_code",
                        format!("`{list}` is not a UNTDID 7143 classification list, e.g. \"HS\" (Harmonized System) or \"STI\" (CPV)."),
                    );
                }
            }
            let code = required(v, format!("{at}code"), &c.code);
            Some(Classification {
                list_id: list_id?,
                list_version: text(v, format!("{at}list_version"), &c.list_version),
                code: code?,
            })
        })
        .collect();
    Item {
        seller_id: text(v, format!("{path}seller_item_id"), f.seller_item_id),
        buyer_id: text(v, format!("{path}buyer_item_id"), f.buyer_item_id),
        standard_id,
        classifications,
        origin_country: f
            .origin_country
            .as_deref()
            .and_then(|c| v.check(format!("{path}origin_country"), party::parse_country(c))),
    }
}

pub fn schemed_id_in(s: &SchemedId) -> SchemedIdIn {
    SchemedIdIn {
        scheme: Some(s.scheme.clone()),
        id: Some(s.id.clone()),
    }
}

pub fn classification_in(c: &Classification) -> ClassificationIn {
    ClassificationIn {
        list_id: Some(c.list_id.clone()),
        list_version: c.list_version.clone(),
        code: Some(c.code.clone()),
    }
}

/// An exemption as sent on a line or allowance; `path` ends with a dot.
pub fn parse_exemption(
    v: &mut Violations,
    path: &str,
    reason: &Option<String>,
    code: &Option<String>,
) -> Option<Exemption> {
    let reason = text(v, format!("{path}vat_exemption_reason"), reason);
    let code = code.as_deref().and_then(|c| {
        let upper = c.trim().to_ascii_uppercase();
        if codelists::is_vat_exemption_reason(&upper) {
            Some(upper)
        } else {
            v.push(
                format!("{path}vat_exemption_reason_code"),
                "invalid_code",
                format!("`{c}` is not a CEF VATEX code, e.g. \"VATEX-EU-132\" or \"VATEX-EU-AE\"."),
            );
            None
        }
    });
    (reason.is_some() || code.is_some()).then_some(Exemption { reason, code })
}
