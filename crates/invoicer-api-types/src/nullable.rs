//! Optional fields a PATCH can clear: absent leaves the field as it is, `null` removes it
//! (as in JSON Merge Patch, RFC 7396), a value sets it.

use serde::{Deserialize, Deserializer};

/// `None`: absent. `Some(None)`: null. `Some(Some(v))`: a value.
pub type Nullable<T> = Option<Option<T>>;

/// Use as `#[serde(deserialize_with = "nullable::deserialize")]` in a struct with
/// `#[serde(default)]`: serde alone reads both absent and `null` as `None`.
pub fn deserialize<'de, D, T>(d: D) -> Result<Nullable<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// The value, if one is set.
pub fn value<T>(field: &Nullable<T>) -> Option<&T> {
    field.as_ref().and_then(Option::as_ref)
}

/// The text, if one is set.
pub fn text(field: &Nullable<String>) -> Option<&str> {
    value(field).map(String::as_str)
}
