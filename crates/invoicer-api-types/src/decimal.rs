//! Decimal values on the wire: strings in responses; strings or lossless JSON numbers in requests.

use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

/// A decimal as the client sent it, kept as text so nothing is lost before exact parsing.
/// A JSON number is accepted too: with `arbitrary_precision` its text is kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(value_type = String, example = "1210.00")]
pub struct DecimalIn(pub String);

impl<'de> Deserialize<'de> for DecimalIn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => Ok(Self(s)),
            serde_json::Value::Number(n) => Ok(Self(n.to_string())),
            other => Err(serde::de::Error::custom(format!(
                "expected a decimal string such as \"12.50\", found {}",
                kind(&other)
            ))),
        }
    }
}

fn kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

impl From<rust_decimal::Decimal> for DecimalIn {
    fn from(d: rust_decimal::Decimal) -> Self {
        Self(d.to_string())
    }
}
