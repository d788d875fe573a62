//! What the OpenAPI document says of each request field beyond its JSON type: the pattern,
//! format, length or list of values its parser holds it to, taken from the same rules and code
//! lists, so a client generated from the document sends what the server accepts.
//!
//! utoipa derives each `*In` schema from its struct, where every field is optional: one struct
//! serves create and update. Here the create schema gets its `required` fields, and a `*Patch`
//! twin without them describes the PATCH body. Rules the schema cannot state (a VAT category's
//! rate, check digits, one field depending on another) are the parser's alone; it answers them
//! as field errors.

use invoicer_domain::{
    api_key::{Environment, Scope},
    codelists,
    invoice::{Direction, Status, VatRounding},
    numbering,
    tenant::BillingStatus,
    vat::VatCategory,
};
use serde_json::{json, Map, Value};

/// Any character [`invoicer_domain::validation::text`] keeps.
const ALLOWED: &str = r"[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\uFFFE\uFFFF]";
/// A character that is neither refused nor trimmed away (Unicode White_Space, as Rust trims).
const VISIBLE: &str =
    r"[^\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\uFFFE\uFFFF]";
/// Neither refused nor white space nor `@`.
const EMAIL_CHAR: &str =
    r"[^@\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\uFFFE\uFFFF]";
/// Neither refused nor white space nor `@` nor `.`.
const EMAIL_EDGE: &str =
    r"[^@.\x00-\x20\x7F-\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\uFFFE\uFFFF]";
const IPV4: &str = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}";
const IPV6: &str = r"(([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:(:[0-9a-fA-F]{1,4}){1,6}|:((:[0-9a-fA-F]{1,4}){1,7}|:))";

/// Free text: not blank, no character XML cannot carry, at most `max` characters.
fn text(max: usize) -> Value {
    json!({
        "pattern": format!("^{ALLOWED}*{VISIBLE}{ALLOWED}*$"),
        "maxLength": max,
    })
}

fn words<'a>(words: impl IntoIterator<Item = &'a str>) -> Value {
    json!({ "enum": words.into_iter().collect::<Vec<_>>() })
}

fn pattern(p: &str) -> Value {
    json!({ "pattern": p })
}

fn format(f: &str) -> Value {
    json!({ "format": f })
}

/// A reference to one of the named code lists of [`code_lists`].
fn code_list(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn countries() -> Value {
    code_list("CountryCode")
}

fn currencies() -> Value {
    code_list("CurrencyCode")
}

fn icd() -> Value {
    code_list("IcdScheme")
}

fn vat_categories() -> Value {
    words(VatCategory::ALL.iter().map(|c| c.code()))
}

fn vatex() -> Value {
    code_list("VatexCode")
}

/// The code lists fields take, each a schema of its own: name, list and values.
fn code_lists() -> Vec<(
    &'static str,
    &'static codelists::CodeList,
    Vec<&'static str>,
)> {
    let all = |list: &'static codelists::CodeList| list.codes().to_vec();
    vec![
        (
            "CountryCode",
            &codelists::iso3166::COUNTRIES,
            all(&codelists::iso3166::COUNTRIES),
        ),
        (
            "CurrencyCode",
            &codelists::iso4217::PEPPOL,
            codelists::iso4217::PEPPOL
                .codes()
                .iter()
                .copied()
                .filter(|c| codelists::currency_minor_units(c).is_some())
                .collect(),
        ),
        (
            "IcdScheme",
            &codelists::iso6523_icd::ICD,
            all(&codelists::iso6523_icd::ICD),
        ),
        (
            "UnitCode",
            &codelists::unece_rec20::UNITS,
            all(&codelists::unece_rec20::UNITS),
        ),
        (
            "VatexCode",
            &codelists::vatex::EXEMPTION_REASONS,
            all(&codelists::vatex::EXEMPTION_REASONS),
        ),
        (
            "PaymentMeansCode",
            &codelists::uncl4461::PAYMENT_MEANS,
            all(&codelists::uncl4461::PAYMENT_MEANS),
        ),
        (
            "ClassificationList",
            &codelists::uncl7143::ITEM_CLASSIFICATIONS,
            all(&codelists::uncl7143::ITEM_CLASSIFICATIONS),
        ),
    ]
}

fn vat_id() -> Value {
    let prefixes: Vec<&str> = codelists::iso3166::COUNTRIES
        .codes()
        .iter()
        .copied()
        .chain(["EL"])
        .collect();
    json!({
        "pattern": format!("^({})[A-Za-z0-9]{{2,15}}$", prefixes.join("|")),
        "description": "A country prefix (ISO 3166-1, or EL for Greece) and 2 to 15 letters or digits; spaces, dots and dashes are removed.",
    })
}

fn email() -> Value {
    json!({
        "pattern": format!("^{EMAIL_CHAR}+@{EMAIL_EDGE}{EMAIL_CHAR}*\\.{EMAIL_CHAR}*{EMAIL_EDGE}$"),
        "maxLength": 254,
    })
}

fn participant_id() -> Value {
    json!({
        "pattern": r"^[0-9]{4}:[\x21-\x7E]{1,50}$",
        "description": "ISO 6523 `scheme:identifier`: a Peppol EAS scheme and an identifier in that scheme's format, with its check digits.",
    })
}

fn decimal() -> Value {
    json!({
        "anyOf": [
            {"type": "string", "pattern": r"^\s*-?[0-9]+(\.[0-9]+)?\s*$", "maxLength": 40},
            {"type": "number"},
        ],
        "examples": ["1210.00"],
        "description": "A decimal string such as \"1210.00\"; a JSON number only when it converts without loss (no exponent).",
    })
}

fn cidr() -> Value {
    json!({
        "pattern": format!(r"^({IPV4}(/(3[0-2]|[12]?[0-9]))?|{IPV6}(/(12[0-8]|1[01][0-9]|[1-9]?[0-9]))?)$"),
    })
}

fn prefix() -> Value {
    pattern(numbering::PREFIX_PATTERN)
}

fn document_ref() -> Value {
    json!({ "$ref": "#/components/schemas/DocumentRef" })
}

/// Whether a field must be sent (and not `null`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    Optional,
    /// Required wherever the schema is used.
    Always,
    /// Required on create; optional in the `*Patch` twin.
    OnCreate,
}

use Need::*;

/// Every string field of every request body, with its rule.
fn fields() -> Vec<(&'static str, &'static str, Need, Value)> {
    let mut f = Vec::new();
    for line in ["line1", "line2", "city", "postal_code", "region"] {
        f.push(("AddressIn", line, Optional, text(200)));
    }
    for (schema, name) in [("BusinessIn", "legal_name"), ("CustomerIn", "name")] {
        f.extend([
            (schema, name, OnCreate, text(200)),
            (schema, "country", OnCreate, countries()),
            (schema, "vat_id", Optional, vat_id()),
            (schema, "company_id", Optional, text(100)),
            (schema, "company_id_scheme", Optional, icd()),
            (schema, "peppol_id", Optional, participant_id()),
            (schema, "email", Optional, email()),
        ]);
    }
    f.extend([
        ("BusinessIn", "default_currency", Optional, currencies()),
        ("BusinessIn", "invoice_prefix", Optional, prefix()),
        ("BusinessIn", "credit_note_prefix", Optional, prefix()),
        ("InvoiceIn", "business_id", OnCreate, format("uuid")),
        ("InvoiceIn", "customer_id", OnCreate, format("uuid")),
        ("InvoiceIn", "currency", Optional, currencies()),
        ("InvoiceIn", "issue_date", Optional, format("date")),
        ("InvoiceIn", "due_date", Optional, format("date")),
        (
            "InvoiceIn",
            "vat_rounding",
            Optional,
            words(VatRounding::ALL.iter().map(|r| r.as_str())),
        ),
        ("CreditNoteIn", "invoice_id", Always, document_ref()),
        ("CreditNoteIn", "issue_date", Optional, format("date")),
        ("CreditNoteIn", "due_date", Optional, format("date")),
        ("LineItemIn", "description", Always, text(1000)),
        // Decimals are `DecimalIn`, whose own schema says what they take.
        ("LineItemIn", "quantity", Always, json!({})),
        ("LineItemIn", "unit_price", Always, json!({})),
        ("LineItemIn", "unit_code", Optional, code_list("UnitCode")),
        ("LineItemIn", "vat_category", Optional, vat_categories()),
        ("LineItemIn", "vat_exemption_reason", Optional, text(200)),
        ("LineItemIn", "vat_exemption_reason_code", Optional, vatex()),
        ("LineItemIn", "seller_item_id", Optional, text(200)),
        ("LineItemIn", "buyer_item_id", Optional, text(200)),
        ("LineItemIn", "origin_country", Optional, countries()),
        ("LineItemIn", "note", Optional, text(1000)),
        (
            "AllowanceChargeIn",
            "kind",
            Always,
            words(["allowance", "charge"]),
        ),
        ("AllowanceChargeIn", "reason", Optional, text(1000)),
        (
            "AllowanceChargeIn",
            "reason_code",
            Optional,
            words(
                codelists::uncl5189::ALLOWANCE_REASONS
                    .codes()
                    .iter()
                    .chain(codelists::uncl7161::CHARGE_REASONS.codes())
                    .copied(),
            ),
        ),
        (
            "AllowanceChargeIn",
            "vat_category",
            Optional,
            vat_categories(),
        ),
        (
            "AllowanceChargeIn",
            "vat_exemption_reason",
            Optional,
            text(200),
        ),
        (
            "AllowanceChargeIn",
            "vat_exemption_reason_code",
            Optional,
            vatex(),
        ),
        ("SchemedIdIn", "scheme", Always, icd()),
        ("SchemedIdIn", "id", Always, text(200)),
        (
            "ClassificationIn",
            "list_id",
            Always,
            code_list("ClassificationList"),
        ),
        ("ClassificationIn", "list_version", Optional, text(200)),
        ("ClassificationIn", "code", Always, text(200)),
        (
            "PaymentMeansIn",
            "code",
            Always,
            code_list("PaymentMeansCode"),
        ),
        ("PaymentMeansIn", "remittance", Optional, text(200)),
        ("PayeeAccountIn", "id", Always, text(200)),
        ("PayeeAccountIn", "name", Optional, text(200)),
        (
            "PayeeAccountIn",
            "bic",
            Optional,
            pattern("^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$"),
        ),
        ("CardIn", "last_digits", Always, pattern("^[0-9]{4,6}$")),
        ("CardIn", "network", Optional, text(200)),
        ("CardIn", "holder", Optional, text(200)),
        ("MandateIn", "id", Always, text(200)),
        ("MandateIn", "debited_account", Optional, text(200)),
        ("DeliveryIn", "date", Optional, format("date")),
        ("DeliveryIn", "party_name", Optional, text(200)),
        ("DeliveryIn", "country", Optional, countries()),
        ("AccountIn", "name", OnCreate, text(200)),
        (
            "AccountPatch",
            "billing_status",
            Optional,
            words(BillingStatus::ALL.iter().map(|s| s.as_str())),
        ),
        ("ApiKeyIn", "name", Optional, text(100)),
        (
            "ApiKeyIn",
            "environment",
            Optional,
            words(Environment::ALL.iter().map(|e| e.as_str())),
        ),
        (
            "ApiKeyIn",
            "scopes",
            Optional,
            words(Scope::ALL.iter().map(|s| s.as_str())),
        ),
        ("ApiKeyIn", "expires_at", Optional, format("date-time")),
        ("ApiKeyIn", "allowed_ips", Optional, cidr()),
    ]);
    for (schema, name) in [("CreditNoteIn", "payment_terms"), ("CreditNoteIn", "note")]
        .into_iter()
        .chain(
            ["payment_terms", "buyer_reference", "purchase_order", "note"]
                .map(|n| ("InvoiceIn", n)),
        )
    {
        f.push((schema, name, Optional, text(1000)));
    }
    f
}

/// Arrays: the fewest items each takes (`line_items` replaces every line; `scopes` grants
/// at least one).
const MIN_ITEMS: &[(&str, &str, Need)] = &[
    ("InvoiceIn", "line_items", OnCreate),
    ("CreditNoteIn", "line_items", Optional),
    ("ApiKeyIn", "scopes", Optional),
];

/// The bodies one struct serves for create and update: the create schema, its PATCH twin and
/// what the twin says of itself.
const PATCHES: &[(&str, &str, &str)] = &[
    (
        "BusinessIn",
        "BusinessPatch",
        "Update a business: send only what changes; `null` clears an optional field.",
    ),
    (
        "CustomerIn",
        "CustomerPatch",
        "Update a customer: send only what changes; `null` clears an optional field.",
    ),
    (
        "InvoiceIn",
        "InvoicePatch",
        "Edit a draft invoice: send only what changes; `null` clears an optional field, \
         `line_items` replaces every line.",
    ),
];

/// The schema of one property, where a string (or array of strings) rule applies: the
/// property itself, or the array's `items`.
fn merge_rule(property: &mut Value, rule: &Value) {
    let Some(object) = property.as_object_mut() else {
        return;
    };
    let nullable = is_nullable(object);
    if rule.get("$ref").is_some() || rule.get("anyOf").is_some() {
        // A schema of its own (decimals, document references), kept nullable where it was.
        let mut replacement = rule.as_object().cloned().unwrap_or_default();
        if let Some(description) = object.get("description") {
            replacement.insert("description".into(), description.clone());
        }
        *object = if nullable {
            let mut wrapped = Map::new();
            wrapped.insert(
                "oneOf".into(),
                json!([{"type": "null"}, Value::Object(strip_description(&replacement))]),
            );
            if let Some(d) = replacement.get("description") {
                wrapped.insert("description".into(), d.clone());
            }
            wrapped
        } else {
            replacement
        };
        return;
    }
    let target = if types(object).iter().any(|t| t == "array") {
        object
            .get_mut("items")
            .and_then(Value::as_object_mut)
            .expect("an array schema has items")
    } else {
        object
    };
    for (key, value) in rule.as_object().into_iter().flatten() {
        if key == "description" && target.contains_key("description") {
            continue;
        }
        let mut value = value.clone();
        if key == "enum" && is_nullable(target) {
            if let Some(list) = value.as_array_mut() {
                list.push(Value::Null);
            }
        }
        target.insert(key.clone(), value);
    }
}

fn strip_description(schema: &Map<String, Value>) -> Map<String, Value> {
    let mut s = schema.clone();
    s.remove("description");
    s
}

fn types(schema: &Map<String, Value>) -> Vec<String> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

fn is_nullable(schema: &Map<String, Value>) -> bool {
    types(schema).iter().any(|t| t == "null")
        || schema
            .get("oneOf")
            .and_then(Value::as_array)
            .is_some_and(|l| l.iter().any(|s| s.get("type") == Some(&json!("null"))))
}

/// Makes a property required and not nullable in `schema`.
fn require(schema: &mut Map<String, Value>, name: &str) {
    let required = schema
        .entry("required")
        .or_insert_with(|| json!([]))
        .as_array_mut()
        .expect("required is a list");
    if !required.iter().any(|r| r == name) {
        required.push(json!(name));
    }
    let Some(property) = schema
        .get_mut("properties")
        .and_then(|p| p.get_mut(name))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    property.remove("default");
    if let Some(Value::Array(list)) = property.get("type").cloned() {
        let list: Vec<Value> = list.into_iter().filter(|t| t != "null").collect();
        property.insert(
            "type".into(),
            if list.len() == 1 {
                list[0].clone()
            } else {
                Value::Array(list)
            },
        );
    }
    if let Some(Value::Array(list)) = property.get_mut("enum") {
        list.retain(|v| !v.is_null());
    }
    if let Some(Value::Array(list)) = property.get("oneOf").cloned() {
        let rest: Vec<Value> = list
            .into_iter()
            .filter(|s| s.get("type") != Some(&json!("null")))
            .collect();
        if rest.len() == 1 {
            property.remove("oneOf");
            let description = property.remove("description");
            if let Value::Object(inner) = &rest[0] {
                for (k, v) in inner {
                    property.insert(k.clone(), v.clone());
                }
            }
            if let Some(d) = description {
                property.insert("description".into(), d);
            }
        }
    }
}

/// Adds the field rules, the required fields and the `*Patch` twins to a finished document.
pub fn refine(document: &mut Value) {
    let schemas = document["components"]["schemas"]
        .as_object_mut()
        .expect("the document has schemas");
    for (schema, name, _, rule) in fields() {
        let property = schemas
            .get_mut(schema)
            .and_then(|s| s.get_mut("properties"))
            .and_then(|p| p.get_mut(name))
            .unwrap_or_else(|| panic!("{schema}.{name} is not in the document"));
        merge_rule(property, &rule);
    }
    schemas.insert("DecimalIn".into(), decimal());
    for (name, list, codes) in code_lists() {
        schemas.insert(
            name.into(),
            json!({
                "type": "string",
                "enum": codes,
                "description": format!("{} ({})", list.name(), list.version()),
            }),
        );
    }
    schemas.insert(
        "DocumentRef".into(),
        serde_json::to_value(<crate::invoice::DocumentRef as utoipa::PartialSchema>::schema())
            .expect("a schema serializes"),
    );
    for (schema, name, _) in MIN_ITEMS {
        let property = &mut schemas[*schema]["properties"][*name];
        assert!(
            property.is_object(),
            "{schema}.{name} is not in the document"
        );
        property["minItems"] = json!(1);
    }
    for (create, patch, description) in PATCHES {
        let mut twin = schemas[*create].clone();
        twin["description"] = json!(description);
        // An update naming nothing is `no_valid_fields`.
        twin["minProperties"] = json!(1);
        schemas.insert((*patch).to_owned(), twin);
    }
    let needs = fields()
        .into_iter()
        .map(|(schema, name, need, _)| (schema, name, need))
        .chain(MIN_ITEMS.iter().copied());
    for (schema, name, need) in needs {
        let twin = PATCHES.iter().find(|(c, _, _)| *c == schema).map(|p| p.1);
        match need {
            Optional => {}
            OnCreate => require(schemas[schema].as_object_mut().expect("a schema"), name),
            Always => {
                for s in [Some(schema), twin].into_iter().flatten() {
                    require(schemas[s].as_object_mut().expect("a schema"), name);
                }
            }
        }
    }
    // Each PATCH operation takes the twin of the schema its handler names.
    for item in document["paths"]
        .as_object_mut()
        .expect("paths")
        .values_mut()
    {
        let Some(reference) =
            item.pointer_mut("/patch/requestBody/content/application~1json/schema/$ref")
        else {
            continue;
        };
        for (create, patch, _) in PATCHES {
            if reference == &json!(format!("#/components/schemas/{create}")) {
                *reference = json!(format!("#/components/schemas/{patch}"));
            }
        }
    }
}

/// The word-valued query parameters.
pub fn status_words() -> Vec<&'static str> {
    Status::ALL.iter().map(|s| s.as_str()).collect()
}

pub fn direction_words() -> Vec<&'static str> {
    Direction::ALL.iter().map(|d| d.as_str()).collect()
}
