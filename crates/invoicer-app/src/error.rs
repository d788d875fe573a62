//! The one error type of every operation: a catalogued client error, or a failure of ours that
//! the boundary logs and hides.

use invoicer_api_types::ErrorCode;
use invoicer_domain::validation::{FieldError, Violations};
use invoicer_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The client's request was refused for a documented reason.
    #[error("{code}: {detail}")]
    Client {
        code: ErrorCode,
        detail: String,
        errors: Vec<FieldError>,
        extensions: serde_json::Map<String, serde_json::Value>,
    },
    /// The database cannot be reached; nothing was written.
    #[error("database unavailable")]
    Unavailable(#[source] StoreError),
    /// Anything else: a bug or an unexpected database failure; nothing was written.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self::Client {
            code,
            detail: detail.into(),
            errors: Vec::new(),
            extensions: serde_json::Map::new(),
        }
    }

    pub fn with_errors(self, list: Vec<FieldError>) -> Self {
        match self {
            Self::Client {
                code,
                detail,
                extensions,
                ..
            } => Self::Client {
                code,
                detail,
                errors: list,
                extensions,
            },
            other => other,
        }
    }

    /// A defect of ours, described for the log; the client sees only `internal_error`.
    pub fn internal(what: impl Into<String>) -> Self {
        Self::Internal(what.into().into())
    }

    /// `invalid_request` listing every failing field.
    pub fn invalid(v: Violations) -> Self {
        let fields: Vec<&str> = v.as_slice().iter().map(|e| e.field.as_str()).collect();
        let detail = match fields.len() {
            1 => format!("1 field failed validation: {}. See `errors`.", fields[0]),
            n => format!(
                "{n} fields failed validation: {}. See `errors`.",
                fields.join(", ")
            ),
        };
        Self::new(ErrorCode::InvalidRequest, detail).with_errors(v.into_vec())
    }

    /// `invalid_request` for one field.
    pub fn invalid_field(field: &str, code: &'static str, message: impl Into<String>) -> Self {
        let mut v = Violations::new();
        v.push(field, code, message);
        Self::invalid(v)
    }

    /// `validation_failed` carrying every finding of `report` in `validation_errors`.
    pub fn validation_failed(report: &invoicer_einvoice::Report, what: &str) -> Self {
        let out = invoicer_api_types::einvoice::ValidationReportOut::from(report);
        let rules: Vec<&str> = report
            .findings
            .iter()
            .filter(|f| f.flag == invoicer_einvoice::Flag::Fatal)
            .map(|f| f.rule)
            .collect();
        let mut err = Self::new(
            ErrorCode::ValidationFailed,
            format!(
                "{what} breaks {} fatal rule(s): {}.",
                rules.len(),
                rules.join(", ")
            ),
        );
        if let Self::Client { extensions, .. } = &mut err {
            extensions.insert(
                "validation_errors".into(),
                serde_json::to_value(&out.findings).unwrap_or_default(),
            );
        }
        err
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Client { code, .. } => *code,
            Self::Unavailable(_) => ErrorCode::ServiceUnavailable,
            Self::Internal(_) => ErrorCode::InternalError,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            // Nothing of a failed commit was kept: like an unreachable database, retrying later
            // is the remedy.
            StoreError::Unavailable(_) | StoreError::CommitFailed(_) | StoreError::Redis(_) => {
                Self::Unavailable(e)
            }
            other => Self::Internal(Box::new(other)),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
