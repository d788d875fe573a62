//! Every text field of every request body refuses characters XML cannot carry (NUL and the
//! other C0 controls but tab and line breaks, DEL and C1, U+FFFE / U+FFFF) as a field error
//! naming its JSON path, on both stores, and nothing is stored. The fields are read from the
//! served OpenAPI document, so a field or a request type added tomorrow is covered the day it
//! is added: an operation with a JSON body and no valid base here fails this test.

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::{
    assert_problem, business_json, customer_json, error_fields, Resp, Store, TestApp, TestConfig,
};

/// The characters tried, one beside NUL per field, in turn.
const FORBIDDEN: &[char] = &[
    '\u{1}', '\u{8}', '\u{B}', '\u{C}', '\u{E}', '\u{1B}', '\u{1F}', '\u{7F}', '\u{85}', '\u{9F}',
    '\u{FFFE}', '\u{FFFF}',
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_text_field_refuses_characters_xml_cannot_carry_sqlite() {
    every_text_field_refuses_characters_xml_cannot_carry(Store::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_text_field_refuses_characters_xml_cannot_carry_postgres() {
    every_text_field_refuses_characters_xml_cannot_carry(Store::Postgres).await;
}

/// A valid request of one operation, and what must not change when a variant of it is refused.
struct Case {
    method: Method,
    path: String,
    body: Value,
    /// GET paths whose answers are compared before and after.
    unchanged: Vec<String>,
}

struct Fixtures {
    business: String,
    customer: String,
    draft: String,
    invoice_number: String,
    account: String,
}

async fn every_text_field_refuses_characters_xml_cannot_carry(store: Store) {
    let app = TestApp::spawn_with_config(store, TestConfig::admin()).await;
    let doc = app
        .send(app.client.get(app.url("/openapi.json")))
        .await
        .ok(200)
        .clone();
    let fixtures = fixtures(&app).await;
    let mut operations = 0;
    let mut fields = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") else {
                continue;
            };
            let id = op["operationId"].as_str().unwrap();
            let case = case(&app, &fixtures, id, path, method).await;
            let paths = string_paths(&doc, schema, "");
            assert!(!paths.is_empty(), "{id} has no text field");
            let before = snapshot(&app, &case.unchanged).await;
            for (i, field) in paths.iter().enumerate() {
                for c in ['\u{0}', FORBIDDEN[i % FORBIDDEN.len()]] {
                    let mut body = case.body.clone();
                    let bad = spoil(get(&body, field), c);
                    set(&mut body, field, json!(bad));
                    let resp = send(&app, &case, &body).await;
                    assert_eq!(
                        resp.status, 400,
                        "{id} with {c:?} in {field}: {:#}",
                        resp.body
                    );
                    assert_problem(&resp, 400, "invalid_request");
                    assert!(
                        error_fields(&resp).contains(field),
                        "{id} with {c:?} in {field} names {:?}",
                        error_fields(&resp)
                    );
                }
            }
            // A lone surrogate escape is valid JSON syntax but no Unicode text: refused as
            // malformed, never stored, never a 500.
            let mut body = case.body.clone();
            set(&mut body, &paths[0], json!("@lone@"));
            let raw = body.to_string().replace("@lone@", r"A\ud800B");
            let resp = app
                .send(
                    request(&app, &case)
                        .header("content-type", "application/json")
                        .body(raw),
                )
                .await;
            assert_problem(&resp, 400, "malformed_json");
            assert_eq!(
                snapshot(&app, &case.unchanged).await,
                before,
                "{id} stored something it refused"
            );
            // The valid base is accepted, so each refusal above was the one field's doing.
            let ok = send(&app, &case, &case.body).await;
            assert!(ok.status < 300, "{id}'s base is refused: {:#}", ok.body);
            operations += 1;
            fields += paths.len();
        }
    }
    eprintln!("{operations} operations, {fields} text fields");
    assert!(
        operations >= 8 && fields >= 150,
        "{operations} operations, {fields} fields"
    );
    app.finish().await;
}

async fn fixtures(app: &TestApp) -> Fixtures {
    let business = app.business().await["id"].as_str().unwrap().to_owned();
    let customer = app.customer().await["id"].as_str().unwrap().to_owned();
    let draft = app
        .post("/v1/invoices", invoice(&business, &customer))
        .await
        .ok(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let invoice_number = app.issued().await["number"].as_str().unwrap().to_owned();
    let account = app
        .send(
            app.admin(Method::POST, "/admin/v1/accounts")
                .json(&json!({"name": "Tenant"})),
        )
        .await
        .ok(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Fixtures {
        business,
        customer,
        draft,
        invoice_number,
        account,
    }
}

/// The valid request of each operation that takes a JSON body.
async fn case(app: &TestApp, f: &Fixtures, id: &str, path: &str, method: &str) -> Case {
    let method: Method = method.to_uppercase().parse().unwrap();
    let (path_id, body, unchanged) = match id {
        "create_business" => (
            None,
            business(),
            vec!["/v1/businesses?limit=100".to_owned()],
        ),
        "update_business" => (Some(&f.business), business(), vec![]),
        "create_customer" => (None, customer(), vec!["/v1/customers?limit=100".to_owned()]),
        "update_customer" => (Some(&f.customer), customer(), vec![]),
        "create_invoice" => (
            None,
            with_declared_totals(app, "/v1/invoices", invoice(&f.business, &f.customer)).await,
            vec!["/v1/invoices?limit=100".to_owned()],
        ),
        "update_invoice" => (Some(&f.draft), invoice(&f.business, &f.customer), vec![]),
        "create_credit_note" => (
            None,
            with_declared_totals(app, "/v1/credit_notes", credit_note(&f.invoice_number)).await,
            vec![
                "/v1/credit_notes?limit=100".to_owned(),
                format!("/v1/invoices/{}", f.invoice_number),
            ],
        ),
        "create_api_key" => (None, api_key(), vec!["/v1/api_keys?limit=100".to_owned()]),
        "create_account" => (
            None,
            json!({"name": "Second tenant", "plan": "basic"}),
            vec!["/admin/v1/accounts?limit=100".to_owned()],
        ),
        "update_account" => (
            Some(&f.account),
            json!({"plan": "basic", "billing_status": "active"}),
            vec![],
        ),
        "create_account_api_key" => (
            Some(&f.account),
            api_key(),
            vec![format!("/admin/v1/accounts/{}/usage", f.account)],
        ),
        other => panic!(
            "{other} takes a JSON body and has no valid base in text_fields.rs: add one, so its \
             text fields are held to what XML can carry"
        ),
    };
    let path = match path_id {
        Some(id) => path.replace("{id}", id),
        None => path.to_owned(),
    };
    let mut unchanged = unchanged;
    if method == Method::PATCH {
        unchanged.push(path.clone());
    }
    Case {
        method,
        path,
        body,
        unchanged,
    }
}

fn request(app: &TestApp, case: &Case) -> reqwest::RequestBuilder {
    if case.path.starts_with("/admin/") {
        app.admin(case.method.clone(), &case.path)
    } else {
        app.req(case.method.clone(), &case.path)
    }
}

async fn send(app: &TestApp, case: &Case, body: &Value) -> Resp {
    app.send(request(app, case).json(body)).await
}

async fn snapshot(app: &TestApp, paths: &[String]) -> Vec<Value> {
    let mut out = Vec::new();
    for path in paths {
        let req = if path.starts_with("/admin/") {
            app.admin(Method::GET, path)
        } else {
            app.req(Method::GET, path)
        };
        out.push(app.send(req).await.ok(200).clone());
    }
    out
}

/// The JSON path of every string a body of `schema` can hold (`line_items[0].note`); arrays
/// are entered at their first item.
fn string_paths(doc: &Value, schema: &Value, prefix: &str) -> Vec<String> {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap();
        return string_paths(doc, &doc["components"]["schemas"][name], prefix);
    }
    let alternatives: Vec<&Value> = ["oneOf", "anyOf"]
        .iter()
        .filter_map(|k| schema[*k].as_array())
        .flatten()
        .filter(|s| s["type"] != "null")
        .collect();
    if !alternatives.is_empty() {
        let mut out: Vec<String> = Vec::new();
        for alternative in alternatives {
            for p in string_paths(doc, alternative, prefix) {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        return out;
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if types.contains(&"string") {
        return vec![prefix.to_owned()];
    }
    if types.contains(&"array") {
        return string_paths(doc, &schema["items"], &format!("{prefix}[0]"));
    }
    let mut out = Vec::new();
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        let at = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        out.extend(string_paths(doc, property, &at));
    }
    out
}

/// The valid value with `c` in its middle, so only the character is wrong; or `A{c}B`.
fn spoil(valid: Option<&str>, c: char) -> String {
    match valid {
        Some(text) if text.chars().count() >= 2 => {
            let middle = text.chars().count() / 2;
            let mut out: String = text.chars().take(middle).collect();
            out.push(c);
            out.extend(text.chars().skip(middle));
            out
        }
        _ => format!("A{c}B"),
    }
}

/// The string at a JSON path such as `line_items[0].note`, if there is one.
fn get<'a>(body: &'a Value, path: &str) -> Option<&'a str> {
    let mut at = body;
    for step in path.split('.') {
        at = match step.strip_suffix("[0]") {
            Some(name) => at.get(name)?.get(0)?,
            None => at.get(step)?,
        };
    }
    at.as_str()
}

/// Sets the value at a JSON path such as `line_items[0].standard_item_id.id`, creating what is
/// missing on the way.
fn set(body: &mut Value, path: &str, value: Value) {
    let mut at = body;
    let steps: Vec<&str> = path.split('.').collect();
    for (i, step) in steps.iter().enumerate() {
        let (name, index) = match step.strip_suffix("[0]") {
            Some(name) => (name, true),
            None => (*step, false),
        };
        let last = i + 1 == steps.len();
        let object = at.as_object_mut().expect("an object on the path");
        let slot = object.entry(name.to_owned()).or_insert(Value::Null);
        if index {
            if !slot.is_array() {
                *slot = json!([]);
            }
            let list = slot.as_array_mut().unwrap();
            if list.is_empty() {
                list.push(if last { Value::Null } else { json!({}) });
            }
            at = &mut list[0];
        } else {
            at = slot;
        }
        if last {
            *at = value;
            return;
        }
        if !at.is_object() {
            *at = json!({});
        }
    }
}

/// Sends `body` once to learn its totals, and returns it declaring them.
async fn with_declared_totals(app: &TestApp, path: &str, mut body: Value) -> Value {
    let created = app.post(path, body.clone()).await.ok(201).clone();
    let t = &created["totals"];
    body["declared_totals"] = json!({
        "line_extension": t["line_extension"], "allowance_total": t["allowance_total"],
        "charge_total": t["charge_total"], "tax_exclusive": t["tax_exclusive"],
        "tax_total": t["tax_total"], "tax_inclusive": t["tax_inclusive"],
        "payable": t["payable"], "tolerance": "0.01",
    });
    body
}

fn address() -> Value {
    json!({"line1": "Keizersgracht 1", "line2": "2nd floor", "city": "Amsterdam",
           "postal_code": "1015 CJ", "region": "Noord-Holland"})
}

fn business() -> Value {
    let mut b = business_json();
    b["address"] = address();
    b["email"] = json!("billing@acme.example");
    b["invoice_prefix"] = json!("INV");
    b["credit_note_prefix"] = json!("CN");
    b
}

fn customer() -> Value {
    let mut c = customer_json();
    c["address"] = address();
    c["email"] = json!("ap@globex.example");
    c["company_id"] = json!("HRB 12345");
    c
}

fn item_fields(line: &mut Value) {
    line["seller_item_id"] = json!("S-1");
    line["buyer_item_id"] = json!("B-1");
    line["standard_item_id"] = json!({"scheme": "0160", "id": "4012345000016"});
    line["classifications"] = json!([{"list_id": "HS", "list_version": "2022", "code": "847130"}]);
    line["origin_country"] = json!("DE");
    line["note"] = json!("Line note");
}

/// An invoice using every field: every optional object, a line of each kind, allowances and
/// charges on both levels.
fn invoice(business: &str, customer: &str) -> Value {
    let mut line = json!({
        "description": "Consulting", "quantity": "10", "unit_code": "HUR", "unit_price": "100.00",
        "vat_category": "S", "vat_rate": "21",
        "allowances_charges": [{"kind": "allowance", "amount": "10.00", "percentage": "1",
                                "base_amount": "1000.00", "reason": "Loyalty", "reason_code": "95"}],
    });
    item_fields(&mut line);
    json!({
        "business_id": business, "customer_id": customer, "currency": "EUR",
        "issue_date": "2026-03-01", "due_date": "2026-03-31", "payment_terms": "30 days net",
        "buyer_reference": "PO-4711", "purchase_order": "PO-1", "note": "Thank you",
        "payment_means": {
            "code": "58", "remittance": "INV ref",
            "account": {"id": "NL91ABNA0417164300", "name": "Acme BV", "bic": "ABNANL2A"},
            "card": {"last_digits": "1234", "network": "VISA", "holder": "J. Doe"},
            "mandate": {"id": "MANDATE-1", "debited_account": "DE89370400440532013000"},
        },
        "delivery": {"date": "2026-02-28", "party_name": "Globex Warehouse", "address": address(), "country": "DE"},
        "line_items": [line, {
            "description": "Training", "quantity": "1", "unit_price": "50.00",
            "vat_category": "E", "vat_rate": "0",
            "vat_exemption_reason": "Exempt education", "vat_exemption_reason_code": "VATEX-EU-132",
        }],
        "allowances_charges": [{
            "kind": "charge", "amount": "5.00", "percentage": "10", "base_amount": "50.00",
            "reason": "Handling", "reason_code": "FC", "vat_category": "E", "vat_rate": "0",
            "vat_exemption_reason": "Exempt education", "vat_exemption_reason_code": "VATEX-EU-132",
        }],
        "prepaid_amount": "0.00", "vat_rounding": "per_line",
    })
}

/// A partial credit using every field.
fn credit_note(invoice: &str) -> Value {
    let mut line = json!({
        "description": "Refund", "quantity": "1", "unit_code": "HUR", "unit_price": "10.00",
        "vat_category": "S", "vat_rate": "21",
        "allowances_charges": [{"kind": "allowance", "amount": "1.00", "reason": "Goodwill", "reason_code": "95"}],
    });
    item_fields(&mut line);
    json!({
        "invoice_id": invoice, "issue_date": "2026-03-05", "due_date": "2026-04-05",
        "payment_terms": "Refunded within 14 days", "note": "Partial credit",
        "line_items": [line],
        "allowances_charges": [{"kind": "allowance", "amount": "1.00", "percentage": "10",
                                "base_amount": "10.00", "reason": "Discount", "reason_code": "95",
                                "vat_category": "S", "vat_rate": "21"}],
    })
}

fn api_key() -> Value {
    json!({"name": "reporting", "environment": "test", "scopes": ["read"],
           "expires_at": "2030-01-01T00:00:00Z", "allowed_ips": ["127.0.0.1/32"]})
}
