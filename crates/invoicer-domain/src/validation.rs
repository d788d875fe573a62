//! Field-level validation failures, collected rather than returned one at a time, so a client
//! learns every problem with its request in one round trip.

use std::fmt;

/// One field at fault: `field` is a JSON path such as `line_items[3].quantity`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

/// An accumulator of [`FieldError`]s.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Violations(Vec<FieldError>);

impl Violations {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(
        &mut self,
        field: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) {
        self.0.push(FieldError {
            field: field.into(),
            code,
            message: message.into(),
        });
    }

    /// Runs a fallible parse, recording its error and returning `None` on failure.
    pub fn check<T>(&mut self, field: impl fmt::Display, result: Result<T, Invalid>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.push(field.to_string(), e.code, e.message);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }

    pub fn as_slice(&self) -> &[FieldError] {
        &self.0
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", e.field, e.message)?;
        }
        Ok(())
    }
}

/// Why one value was refused, before it is placed at a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub code: &'static str,
    pub message: String,
}

impl Invalid {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// Checks a required free-text field: trimmed, non-empty, at most `max` characters.
pub fn text(value: &str, max: usize) -> Result<String, Invalid> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Invalid::new("blank", "Must not be blank."));
    }
    // Documents are rendered as XML, which cannot carry most control characters at all.
    if trimmed.chars().any(|c| {
        (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    }) {
        return Err(Invalid::new(
            "invalid_characters",
            "Must not contain control characters other than tab and line breaks.",
        ));
    }
    if trimmed.chars().count() > max {
        return Err(Invalid::new(
            "too_long",
            format!("Must be {max} characters or fewer."),
        ));
    }
    Ok(trimmed.to_owned())
}
