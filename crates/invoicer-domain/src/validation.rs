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
    characters(trimmed)?;
    if trimmed.chars().count() > max {
        return Err(Invalid::new(
            "too_long",
            format!("Must be {max} characters or fewer."),
        ));
    }
    Ok(trimmed.to_owned())
}

/// Whether `c` may be stored: documents are rendered as XML, which cannot carry most control
/// characters at all (and PostgreSQL's text cannot hold NUL).
pub fn is_allowed_character(c: char) -> bool {
    !((c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

/// Refuses text holding a character [`is_allowed_character`] refuses; every stored text passes
/// here, through [`text`] or its own format check.
pub fn characters(value: &str) -> Result<(), Invalid> {
    if value.chars().all(is_allowed_character) {
        Ok(())
    } else {
        Err(Invalid::new(
            "invalid_characters",
            "Must not contain control characters other than tab and line breaks.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_refuses_what_xml_cannot_carry() {
        assert_eq!(text(" Acme\tBV\r\n ", 10).unwrap(), "Acme\tBV");
        for bad in [
            "a\u{0}b",
            "a\u{1}",
            "\u{1F}x",
            "x\u{7F}",
            "x\u{85}y",
            "x\u{FFFE}",
            "x\u{FFFF}",
        ] {
            assert_eq!(
                text(bad, 10).unwrap_err().code,
                "invalid_characters",
                "{bad:?}"
            );
        }
        assert_eq!(text(" \t ", 10).unwrap_err().code, "blank");
        assert!(characters("Zoë 𝄞 \u{FFFD}").is_ok());
    }
}
