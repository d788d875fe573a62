//! The OpenAPI 3.1 document: paths and schemas come from the handlers' annotations (the router
//! and the document are built together, so neither can miss a route); error responses are
//! added here from the error catalog.

use std::collections::BTreeMap;

use invoicer_api_types::{problem::ErrorCodeOut, ErrorCode, FieldErrorOut, Problem};
use utoipa::{
    openapi::{
        header::HeaderBuilder,
        path::{Operation, ParameterBuilder, ParameterIn},
        schema::{ObjectBuilder, Type},
        security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
        ContentBuilder, Ref, RefOr, Required, ResponseBuilder,
    },
    Modify, OpenApi,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "invoicer",
        description = "Self-hostable invoicing API: exact money math, EN 16931 totals, gapless numbering. \
                       Every error is application/problem+json with a stable `code`; see /errors.",
    ),
    components(schemas(Problem, FieldErrorOut, ErrorCodeOut, invoicer_api_types::einvoice::FindingOut)),
    modifiers(&Security),
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("inv_test_… / inv_live_…")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "api_key_header",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-API-Key"))),
        );
        components.add_security_scheme(
            "admin_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The operator's INVOICER_ADMIN_TOKEN, for /admin/v1 only; never an API key.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The codes an operation can answer with, besides success.
pub fn errors_of(operation_id: &str, has_body: bool, authenticated: bool) -> Vec<ErrorCode> {
    use ErrorCode::*;
    let mut codes = vec![InternalError];
    if authenticated {
        codes.extend([
            MissingApiKey,
            InvalidAuthorizationScheme,
            InvalidApiKeyFormat,
            InvalidApiKey,
            ApiKeyRevoked,
            ApiKeyExpired,
            PaymentRequired,
            InsufficientScope,
            IpNotAllowed,
            RateLimited,
            ServiceUnavailable,
        ]);
    }
    if has_body {
        codes.extend([
            InvalidRequest,
            MalformedJson,
            UnsupportedMediaType,
            PayloadTooLarge,
        ]);
    }
    let specific: &[ErrorCode] = match operation_id {
        "list_businesses" | "list_customers" | "list_invoices" | "list_credit_notes"
        | "list_api_keys" => &[InvalidRequest],
        "get_business" | "archive_business" => &[InvalidRequest, BusinessNotFound],
        "update_business" => &[BusinessNotFound, BusinessArchived, NoValidFields],
        "get_customer" | "archive_customer" => &[InvalidRequest, CustomerNotFound],
        "update_customer" => &[CustomerNotFound, CustomerArchived, NoValidFields],
        "create_invoice" => &[
            QuotaExceeded,
            BusinessNotFound,
            CustomerNotFound,
            BusinessArchived,
            CustomerArchived,
            DeclaredTotalsMismatch,
            TotalsMismatch,
            TooManyLineItems,
        ],
        "update_invoice" => &[
            InvoiceNotFound,
            InvoiceNumberAmbiguous,
            InvoiceNotEditable,
            NoValidFields,
            BusinessNotFound,
            CustomerNotFound,
            BusinessArchived,
            CustomerArchived,
            DeclaredTotalsMismatch,
            TotalsMismatch,
            TooManyLineItems,
        ],
        "get_invoice" => &[InvalidRequest, InvoiceNotFound, InvoiceNumberAmbiguous],
        "issue_invoice" => &[
            InvalidRequest,
            InvoiceNotFound,
            InvoiceNumberAmbiguous,
            InvoiceNotDraft,
            BusinessArchived,
            ValidationFailed,
        ],
        "get_invoice_ubl" => &[
            InvalidRequest,
            InvoiceNotFound,
            InvoiceNumberAmbiguous,
            InvoiceNotIssued,
        ],
        "get_credit_note_ubl" => &[InvalidRequest, CreditNoteNotFound, InvoiceNumberAmbiguous],
        "mark_invoice_paid" => &[
            InvalidRequest,
            InvoiceNotFound,
            InvoiceNumberAmbiguous,
            InvoiceNotPayable,
        ],
        "dispute_invoice" => &[
            InvalidRequest,
            InvoiceNotFound,
            InvoiceNumberAmbiguous,
            InvoiceNotDisputable,
        ],
        "mark_credit_note_paid" => &[
            InvalidRequest,
            CreditNoteNotFound,
            InvoiceNumberAmbiguous,
            InvoiceNotPayable,
        ],
        "dispute_credit_note" => &[
            InvalidRequest,
            CreditNoteNotFound,
            InvoiceNumberAmbiguous,
            InvoiceNotDisputable,
        ],
        "import_einvoice" => &[
            InvalidRequest,
            UnsupportedMediaType,
            PayloadTooLarge,
            ValidationFailed,
            BusinessNotFound,
            DocumentAlreadyImported,
        ],
        "void_invoice" => &[
            InvalidRequest,
            InvoiceNotFound,
            InvoiceNumberAmbiguous,
            InvoiceNotVoidable,
        ],
        "create_credit_note" => &[
            InvoiceNotFound,
            InvoiceNumberAmbiguous,
            InvoiceNotCreditable,
            CreditExceedsInvoice,
            ValidationFailed,
            DeclaredTotalsMismatch,
            TotalsMismatch,
            TooManyLineItems,
        ],
        "get_credit_note" => &[InvalidRequest, CreditNoteNotFound, InvoiceNumberAmbiguous],
        "create_api_key" => &[PlanLimitReached],
        "get_api_key" | "revoke_api_key" => &[InvalidRequest, ApiKeyNotFound],
        "get_error" => &[ErrorCodeNotFound],
        "validate_einvoice" => &[
            QuotaExceeded,
            InvalidRequest,
            UnsupportedMediaType,
            PayloadTooLarge,
            ValidationFailed,
        ],
        "readyz" => &[ServiceUnavailable],
        // The operator API; without an admin token configured, it answers route_not_found.
        "create_account" | "list_accounts" => &[
            MissingAdminToken,
            InvalidAdminToken,
            RouteNotFound,
            InvalidRequest,
            ServiceUnavailable,
        ],
        "get_account" | "get_account_usage" | "create_account_api_key" => &[
            MissingAdminToken,
            InvalidAdminToken,
            RouteNotFound,
            InvalidRequest,
            AccountNotFound,
            ServiceUnavailable,
        ],
        "update_account" => &[
            MissingAdminToken,
            InvalidAdminToken,
            RouteNotFound,
            InvalidRequest,
            AccountNotFound,
            NoValidFields,
            ServiceUnavailable,
        ],
        _ => &[],
    };
    codes.extend_from_slice(specific);
    codes.sort_by_key(|c| (c.status(), c.as_str()));
    codes.dedup();
    codes
}

fn add_errors(operation: &mut Operation, has_body: bool, keyed: bool) {
    let id = operation.operation_id.clone().unwrap_or_default();
    let authenticated =
        operation.security.as_ref().is_some_and(|s| !s.is_empty()) && !is_operator(operation);
    let mut by_status: BTreeMap<u16, Vec<ErrorCode>> = BTreeMap::new();
    let mut codes = errors_of(&id, has_body, authenticated);
    if keyed {
        codes.extend([
            ErrorCode::InvalidRequest,
            ErrorCode::IdempotencyKeyReuseMismatch,
            ErrorCode::IdempotencyKeyInUse,
        ]);
        codes.sort_by_key(|c| (c.status(), c.as_str()));
        codes.dedup();
    }
    for code in codes {
        by_status.entry(code.status()).or_default().push(code);
    }
    for (status, codes) in by_status {
        let list = codes
            .iter()
            .map(|c| format!("`{}`", c.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        let response = ResponseBuilder::new()
            .description(format!("Problem with `code` one of: {list}."))
            .content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build();
        operation
            .responses
            .responses
            .insert(status.to_string(), response.into());
    }
}

/// Every POST takes an `Idempotency-Key`.
fn idempotency_key_header(op: &mut Operation) {
    let parameter = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "1 to 255 printable ASCII characters, e.g. a UUID. A repeat of the request with the \
             same key answers the first response (status and body) for 24 hours, marked \
             `Idempotent-Replayed: true`; the same key with another request is 409 \
             `idempotency_key_reuse_mismatch`, and while the first still runs 409 \
             `idempotency_key_in_use`.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(255))
                .pattern(Some("^[\\x20-\\x7E]+$")),
        ))
        .build();
    op.parameters.get_or_insert_with(Vec::new).push(parameter);
}

/// The headers a response may carry: a key holder's plan figures on every response counted
/// against them (all but a 401: an unknown key is counted against nothing), `Retry-After` on
/// the answers that say "later", and `Idempotent-Replayed` on a replay.
fn response_headers(op: &mut Operation, counted: bool, keyed: bool) {
    let integer = || {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(0))
    };
    let text = || ObjectBuilder::new().schema_type(Type::String);
    let header = |schema: ObjectBuilder, description: &str| {
        HeaderBuilder::new()
            .schema(schema)
            .description(Some(description))
            .build()
    };
    for (status, response) in op.responses.responses.iter_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        if counted && status != "401" {
            for (name, schema, description) in [
                ("X-RateLimit-Limit", integer(), "The limit of the key's plan nearest to being reached (the one that refused, on a 429): requests in its window. Absent when the plan sets no limit for this request."),
                ("X-RateLimit-Remaining", integer(), "What is left of that limit in the current window."),
                ("X-RateLimit-Reset", integer(), "When that window ends, in Unix seconds."),
                ("RateLimit-Policy", text(), "Every policy the request was counted against (draft-ietf-httpapi-ratelimit-headers), e.g. `\"writes\";q=100;w=60`."),
                ("RateLimit", text(), "Where the key stands in each policy, e.g. `\"writes\";r=99;t=42`."),
            ] {
                response
                    .headers
                    .insert(name.to_owned(), header(schema, description));
            }
        }
        let in_use = keyed && status == "409";
        if matches!(status.as_str(), "429" | "503") || in_use {
            response.headers.insert(
                "Retry-After".to_owned(),
                header(
                    integer(),
                    "Seconds to wait before repeating the request (on a 409, only when its \
                     code is `idempotency_key_in_use`).",
                ),
            );
        }
        if keyed {
            response.headers.insert(
                "Idempotent-Replayed".to_owned(),
                header(
                    text().enum_values(Some(["true"])),
                    "`true` when this is the recorded first response to the request's \
                     Idempotency-Key, answered again.",
                ),
            );
        }
    }
}

/// Whether an operation is the operator's (`/admin/v1`, the admin token) rather than a key
/// holder's.
fn is_operator(operation: &Operation) -> bool {
    serde_json::to_value(&operation.security)
        .is_ok_and(|security| security.to_string().contains("\"admin_token\""))
}

/// Adds every operation's error responses and both ways of sending a key.
pub fn finish(mut api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    for item in api.paths.paths.values_mut() {
        for (op, has_body, keyed) in [
            (&mut item.get, false, false),
            (&mut item.delete, false, false),
            (&mut item.post, true, true),
            (&mut item.patch, true, false),
            (&mut item.put, true, false),
        ] {
            if let Some(op) = op.as_mut() {
                let operator = is_operator(op);
                // Keys are scoped to an account; the operator API acts on no account of its own.
                let keyed = keyed && !operator;
                if keyed {
                    idempotency_key_header(op);
                }
                let has_body = has_body && op.request_body.is_some();
                if let Some(security) = op.security.as_mut() {
                    if !security.is_empty() && !operator {
                        security.push(utoipa::openapi::security::SecurityRequirement::new::<
                            _,
                            _,
                            &str,
                        >("api_key_header", []));
                    }
                }
                add_errors(op, has_body, keyed);
                response_headers(op, !operator && op.security.is_some(), keyed);
            }
        }
    }
    refined(api)
}

/// The request fields' rules ([`invoicer_api_types::schema`]), applied to the document as JSON.
fn refined(api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let mut document = serde_json::to_value(&api).expect("the document serializes");
    invoicer_api_types::schema::refine(&mut document);
    serde_json::from_value(document).expect("the refined document reads back")
}
