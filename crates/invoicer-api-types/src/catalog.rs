//! THE list of error codes. Each code is declared once, here, with its HTTP status, its title and
//! what a client should do about it; the problem bodies, the `/errors` pages, the OpenAPI
//! responses and the reachability test are all derived from this table.

macro_rules! catalog {
    ($($variant:ident = $code:literal, $status:literal, $title:literal, $help:literal;)*) => {
        /// A stable, machine-readable error identifier. Clients branch on [`ErrorCode::as_str`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode { $($variant),* }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code),* }
            }

            pub fn status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status),* }
            }

            /// The same for every occurrence of the code.
            pub fn title(self) -> &'static str {
                match self { $(ErrorCode::$variant => $title),* }
            }

            /// When it happens and how to recover.
            pub fn help(self) -> &'static str {
                match self { $(ErrorCode::$variant => $help),* }
            }

            pub fn from_code(code: &str) -> Option<ErrorCode> {
                match code { $($code => Some(ErrorCode::$variant),)* _ => None }
            }
        }
    };
}

catalog! {
    InvalidRequest = "invalid_request", 400, "Invalid request",
        "A field or parameter is missing, malformed or out of range. The `errors` array names each failing field with a reason; fix them all and send again.";
    MalformedJson = "malformed_json", 400, "Malformed JSON",
        "The body is not valid JSON. `detail` gives the line and column of the first syntax error; a trailing comma is the usual cause.";
    NoValidFields = "no_valid_fields", 400, "No valid fields to update",
        "A PATCH body named no field that can be changed. Send at least one updatable field.";
    DeclaredTotalsMismatch = "declared_totals_mismatch", 400, "Declared totals mismatch",
        "A figure in `declared_totals` differs from the computed total (exact comparison). `detail` and `errors` give the expected figures; recompute the totals or omit them.";
    TotalsMismatch = "totals_mismatch", 400, "Totals mismatch",
        "A figure in `declared_totals` differs from the computed total by more than the `tolerance` sent with it. `errors` give the expected figures.";
    ValidationFailed = "validation_failed", 400, "Validation failed",
        "The e-invoice breaks at least one fatal EN 16931 or Peppol BIS Billing 3.0 rule. `validation_errors` lists every finding with its official rule id, flag, location and a message saying how to fix it.";
    MissingApiKey = "missing_api_key", 401, "API key required",
        "No API key was sent. Send it as `Authorization: Bearer inv_…` or `X-API-Key: inv_…`.";
    InvalidAuthorizationScheme = "invalid_authorization_scheme", 401, "Invalid authorization scheme",
        "The Authorization header does not use the Bearer scheme. Send `Authorization: Bearer inv_…`.";
    InvalidApiKeyFormat = "invalid_api_key_format", 401, "Invalid API key format",
        "The key is not of the form `inv_test_…` or `inv_live_…` followed by 32 letters and digits. Check that the whole key was copied.";
    InvalidApiKey = "invalid_api_key", 401, "Invalid API key",
        "No key with this secret exists. Check the key, or create a new one.";
    ApiKeyRevoked = "api_key_revoked", 401, "API key revoked",
        "The key was revoked and can no longer be used. Create a new key.";
    ApiKeyExpired = "api_key_expired", 401, "API key expired",
        "The key passed its `expires_at`. Create a new key.";
    MissingAdminToken = "missing_admin_token", 401, "Admin token required",
        "An `/admin/v1` route was called without the operator's token. Send `Authorization: Bearer` with the server's `INVOICER_ADMIN_TOKEN`; an API key is never accepted here.";
    InvalidAdminToken = "invalid_admin_token", 401, "Invalid admin token",
        "The token sent to an `/admin/v1` route is not the server's `INVOICER_ADMIN_TOKEN` (or is not sent with the Bearer scheme). Check the token the server was started with.";
    PaymentRequired = "payment_required", 402, "Payment required",
        "The account's subscription is past due. Reads (GET) still work, so its data can be exported; every other request is refused, and changes nothing, until the account is active again. Settle it to continue.";
    InsufficientScope = "insufficient_scope", 403, "Insufficient scope",
        "The key lacks the scope this operation needs (`read`, `write` or `admin`); `detail` names it. Use a key that has it.";
    IpNotAllowed = "ip_not_allowed", 403, "IP address not allowed",
        "The request came from an address outside the key's `allowed_ips`. Call from an allowed address or widen the list.";
    RouteNotFound = "route_not_found", 404, "Route not found",
        "No route matches this path. Check the path against /openapi.json.";
    BusinessNotFound = "business_not_found", 404, "Business not found",
        "No business with this id exists in the key's account and environment.";
    CustomerNotFound = "customer_not_found", 404, "Customer not found",
        "No customer with this id exists in the key's account and environment.";
    InvoiceNotFound = "invoice_not_found", 404, "Invoice not found",
        "No invoice with this id or number exists in the key's account and environment. A live invoice is not visible to a test key, and vice versa.";
    CreditNoteNotFound = "credit_note_not_found", 404, "Credit note not found",
        "No credit note with this id or number exists in the key's account and environment.";
    ApiKeyNotFound = "api_key_not_found", 404, "API key not found",
        "No API key with this id exists in the key's account.";
    AccountNotFound = "account_not_found", 404, "Account not found",
        "No account with this id exists on this server (operator API).";
    ErrorCodeNotFound = "error_code_not_found", 404, "Error code not found",
        "There is no error code of this name. `/errors` lists them all.";
    MethodNotAllowed = "method_not_allowed", 405, "Method not allowed",
        "The route exists but does not accept this HTTP method. The `Allow` header lists the methods it accepts.";
    BusinessArchived = "business_archived", 409, "Business archived",
        "The business is archived and cannot be invoiced from or changed.";
    CustomerArchived = "customer_archived", 409, "Customer archived",
        "The customer is archived and cannot be invoiced or changed.";
    InvoiceNotEditable = "invoice_not_editable", 409, "Invoice not editable",
        "Only draft invoices can be edited. Void it and create a new one, or issue a credit note.";
    InvoiceNotDraft = "invoice_not_draft", 409, "Invoice not draft",
        "Only a draft invoice can be issued; this one already is issued, paid or void.";
    InvoiceNotPayable = "invoice_not_payable", 409, "Invoice not payable",
        "Only an issued invoice can be marked paid; this one is a draft, already paid, or void.";
    InvoiceNotVoidable = "invoice_not_voidable", 409, "Invoice not voidable",
        "A paid or already void invoice cannot be voided. Issue a credit note instead.";
    InvoiceNotCreditable = "invoice_not_creditable", 409, "Invoice not creditable",
        "A credit note can only reference an issued or paid invoice.";
    CreditExceedsInvoice = "credit_exceeds_invoice", 409, "Credit exceeds invoice",
        "The credit notes against this invoice would together exceed its payable amount. `detail` gives the amount still creditable.";
    InvoiceNotIssued = "invoice_not_issued", 409, "Invoice not issued",
        "The document is a draft: it has no e-invoice until it is issued. Issue it first.";
    IdempotencyKeyReuseMismatch = "idempotency_key_reuse_mismatch", 409, "Idempotency key reused",
        "This Idempotency-Key was first sent with a different request (method, path or body). A key names one request: send a new key for a new request.";
    IdempotencyKeyInUse = "idempotency_key_in_use", 409, "Idempotency key in use",
        "The first request with this Idempotency-Key is still running. Repeat the request after `Retry-After` seconds to get its response.";
    InvoiceNotDisputable = "invoice_not_disputable", 409, "Invoice not disputable",
        "Only a received document that is not yet paid can be disputed.";
    DocumentAlreadyImported = "document_already_imported", 409, "Document already imported",
        "A document with this issuer, number and issue date was imported before; `existing_id` names it. Nothing was created.";
    InvoiceNumberAmbiguous = "invoice_number_ambiguous", 409, "Invoice number ambiguous",
        "Several of your businesses issued a document with this number. Address it by id instead.";
    PayloadTooLarge = "payload_too_large", 413, "Payload too large",
        "The body exceeds 1 MiB. Split the document or remove redundant fields.";
    TooManyLineItems = "too_many_line_items", 413, "Too many line items",
        "A document holds at most 500 line items. Split it into several documents.";
    UnsupportedMediaType = "unsupported_media_type", 415, "Unsupported media type",
        "The body must be sent with `Content-Type: application/json`.";
    RateLimited = "rate_limited", 429, "Rate limit exceeded",
        "The key sent more requests in this window than its plan allows: reads (GET) or writes a minute, or invoice creations an hour. `limit` and `plan` say which figure; wait `retry_after` seconds (also `Retry-After`), when the window resets. The `X-RateLimit-*` and `RateLimit` headers of every response show what is left.";
    QuotaExceeded = "quota_exceeded", 429, "Monthly quota exceeded",
        "The account used this calendar month's (UTC) quota of `resource` (`invoices`, `einvoice_validations`): `current_usage` of `plan_limit` on `plan`. Nothing was done. Wait for the next month or move the account to a larger plan.";
    PlanLimitReached = "plan_limit_reached", 429, "Plan limit reached",
        "The account already has as many of `resource` (`api_keys`: keys neither revoked nor expired) as its plan allows: `current_usage` of `plan_limit` on `plan`. Nothing was created. Revoke one, or move the account to a larger plan.";
    InternalError = "internal_error", 500, "Internal error",
        "An unexpected error occurred on our side. No partial work was persisted, so the request can be retried safely with backoff. Quote `request_id` when reporting it.";
    ServiceUnavailable = "service_unavailable", 503, "Service unavailable",
        "The database cannot be reached. Nothing was persisted; retry after the number of seconds in `Retry-After`.";
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "{s} declared twice");
            assert!(
                s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{s}"
            );
            assert_eq!(ErrorCode::from_code(s), Some(*code));
            assert!((400..600).contains(&code.status()));
        }
    }
}
