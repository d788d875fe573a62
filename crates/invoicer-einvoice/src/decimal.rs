//! Exact xs:decimal arithmetic for the calculation rules, on rust_decimal.

use rust_decimal::{Decimal, RoundingStrategy};

/// Most integer digits a figure may have.
const MAX_INTEGER_DIGITS: usize = 20;

/// Parses an xs:decimal lexical form (`-12.50`, `+3`, `.5`, `7.`), surrounding whitespace
/// allowed. Anything else, including exponents, is `None`: the artefacts cannot evaluate such a
/// figure either.
pub(crate) fn parse(s: &str) -> Option<Decimal> {
    let s = s.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r'));
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    // Figures beyond 10^20 are not money; refusing them keeps every sum far from
    // rust_decimal's limit, so additions cannot overflow (products are checked).
    if int.trim_start_matches('0').len() > MAX_INTEGER_DIGITS {
        return None;
    }
    let negative = s.starts_with('-');
    let compose = |int: &str, frac: &str| {
        let mut text = String::with_capacity(int.len() + frac.len() + 3);
        if negative {
            text.push('-');
        }
        text.push_str(if int.is_empty() { "0" } else { int });
        if !frac.is_empty() {
            text.push('.');
            text.push_str(frac);
        }
        text
    };
    // Keep the written scale (190.00 stays 190.00) unless the figure has more digits than
    // rust_decimal's 28; then drop the zeros that carry no value and try again. A figure
    // written the plain way (`-12.50`, `3`) is already what `compose` would build, so it is
    // read as it stands, without building a copy.
    let plain = !s.starts_with('+') && !int.is_empty() && (!frac.is_empty() || !s.ends_with('.'));
    let first = if plain {
        s.parse::<Decimal>()
    } else {
        compose(int, frac).parse::<Decimal>()
    };
    first
        .or_else(|_| {
            compose(int.trim_start_matches('0'), frac.trim_end_matches('0')).parse::<Decimal>()
        })
        .ok()
}

/// XPath `round(x * 100) div 100`: to two decimals, halves towards positive infinity.
pub(crate) fn round2(x: Decimal) -> Decimal {
    round_to(x, 2)
}

/// XPath `round(x)`: to an integer, halves towards positive infinity.
pub(crate) fn round0(x: Decimal) -> Decimal {
    round_to(x, 0)
}

fn round_to(x: Decimal, dp: u32) -> Decimal {
    // fn:round rounds .5 up (towards +∞): -2.5 → -2, 2.5 → 3.
    let rounded = x.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    if x.is_sign_negative() {
        let down = x.round_dp_with_strategy(dp, RoundingStrategy::MidpointTowardZero);
        if down != rounded {
            return down;
        }
    }
    rounded
}

/// Number of digits after the decimal point as written, the way the BR-DEC rules count them
/// (`string-length(substring-after(x, '.'))`).
pub(crate) fn written_decimals(s: &str) -> usize {
    s.split_once('.')
        .map_or(0, |(_, frac)| frac.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn xs_decimal_lexical_forms_are_read_exactly() {
        assert_eq!(parse(" 12.50 "), Some(d("12.5")));
        assert_eq!(parse("190.00").map(|x| x.scale()), Some(2));
        assert_eq!(
            parse("-12.50").map(|x| x.to_string()),
            Some("-12.50".to_owned())
        );
        assert_eq!(
            parse("+12.50").map(|x| x.to_string()),
            Some("12.50".to_owned())
        );
        assert_eq!(parse("7.").map(|x| x.to_string()), Some("7".to_owned()));
        assert_eq!(
            parse("-0").map(|x| x.to_string()),
            Some(d("-0").to_string())
        );
        assert_eq!(parse("+3"), Some(d("3")));
        assert_eq!(parse("-.5"), Some(d("-0.5")));
        assert_eq!(parse("7."), Some(d("7")));
        assert_eq!(parse("1e3"), None);
        assert_eq!(parse(""), None);
        assert_eq!(parse("."), None);
        assert_eq!(parse("1.2.3"), None);
        assert_eq!(parse(&"9".repeat(21)), None);
        assert!(parse(&"9".repeat(20)).is_some());
    }

    #[test]
    fn rounding_follows_xpath_round_half_up() {
        assert_eq!(round2(d("2.345")), d("2.35"));
        assert_eq!(round2(d("-2.345")), d("-2.34"));
        assert_eq!(round0(d("-2.5")), d("-2"));
        assert_eq!(round0(d("2.5")), d("3"));
        assert_eq!(round2(d("-2.346")), d("-2.35"));
    }
}
