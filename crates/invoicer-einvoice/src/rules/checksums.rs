//! Check-digit schemes of national identifiers, as the Peppol artefacts compute them (including
//! their quirks, noted where they differ from the textbook algorithm).

use super::xpath::castable_as_integer;

fn digit(c: char) -> Option<u32> {
    c.to_digit(10)
}

/// GS1 GLN (and any GS1 key): weights 3,1,3,… from the right, excluding the check digit.
pub(crate) fn gln(v: &str) -> bool {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let chars: Vec<u32> = v.chars().filter_map(digit).collect();
    let (body, check) = chars.split_at(chars.len() - 1);
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| d * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    (10 - sum % 10) % 10 == check[0]
}

/// Modulus 11 with weights 2..7 from the right (Norwegian organisation numbers). The check
/// digit must equal `(11 - sum mod 11) mod 11`, so a remainder that needs "10" never passes.
pub(crate) fn mod11(v: &str) -> bool {
    let chars: Vec<char> = v.chars().collect();
    let Some((&check, body)) = chars.split_last() else {
        return false;
    };
    let mut sum = 0u64;
    for (i, c) in body.iter().rev().enumerate() {
        let Some(d) = digit(*c) else { return false };
        sum += u64::from(d) * (i as u64 % 6 + 2);
    }
    let positive = v.parse::<f64>().is_ok_and(|n| n > 0.0);
    positive && digit(check).is_some_and(|c| u64::from(c) == (11 - sum % 11) % 11)
}

/// Belgian enterprise number: the last two digits are 97 minus the first eight modulo 97.
pub(crate) fn mod97_be(v: &str) -> bool {
    let (Some(head), Some(check)) = (v.get(..8), v.get(8..10)) else {
        return false;
    };
    match (head.parse::<u64>(), check.parse::<u64>()) {
        (Ok(h), Ok(c)) => 97 - h % 97 == c,
        _ => false,
    }
}

/// Italian IPA office code: six ASCII letters or digits.
pub(crate) fn codice_ipa(v: &str) -> bool {
    v.chars().count() == 6 && v.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Italian Codice Fiscale: 16 characters in the personal pattern, or 11 digits for a company.
pub(crate) fn codice_fiscale(v: &str) -> bool {
    let chars: Vec<char> = v.chars().collect();
    match chars.len() {
        16 => {
            let part =
                |from: usize, len: usize| -> String { chars[from..from + len].iter().collect() };
            let letters = |s: String| s.chars().all(|c| c.is_ascii_alphabetic());
            letters(part(0, 6))
                && castable_as_integer(&part(6, 2))
                && letters(part(8, 1))
                && castable_as_integer(&part(9, 2))
                && castable_as_integer(&part(14, 1))
                && letters(part(15, 1))
        }
        11 => castable_as_integer(v),
        _ => false,
    }
}

/// Italian Partita IVA with its country prefix: `IT` + 11 digits passing the Luhn-like check;
/// any other prefix passes (the rule only judges Italian numbers).
pub(crate) fn partita_iva(v: &str) -> bool {
    let prefix: String = v.chars().take(2).collect();
    if prefix != "IT" && prefix != "it" {
        return true;
    }
    let code: String = v.chars().skip(2).collect();
    if code.chars().count() != 11 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    const DOUBLED: [u32; 10] = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];
    let sum: u32 = code
        .chars()
        .filter_map(digit)
        .enumerate()
        .map(|(i, d)| if i % 2 == 1 { DOUBLED[d as usize] } else { d })
        .sum();
    sum.is_multiple_of(10)
}

/// Swedish organisation number: ten digits, Luhn over the first nine.
pub(crate) fn se_orgnr(v: &str) -> bool {
    if v.is_empty() || !v.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let digits: Vec<u32> = v.chars().filter_map(digit).collect();
    let main = &digits[..digits.len().min(9)];
    let sum: u32 = main
        .iter()
        .rev()
        .enumerate()
        .map(|(pos, &d)| {
            if pos % 2 == 0 {
                (d * 2) % 10 + (d * 2) / 10
            } else {
                d
            }
        })
        .sum();
    let check = digits.get(9).copied();
    check == Some((10 - sum % 10) % 10)
}

/// Australian Business Number: weighted sum of the eleven digits (first one less one) mod 89.
pub(crate) fn abn(v: &str) -> bool {
    const WEIGHTS: [i64; 11] = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
    let digits: Vec<i64> = v.chars().filter_map(digit).map(i64::from).collect();
    if digits.len() != 11 {
        return false;
    }
    let sum: i64 = digits
        .iter()
        .zip(WEIGHTS)
        .enumerate()
        .map(|(i, (d, w))| (if i == 0 { d - 1 } else { *d }) * w)
        .sum();
    sum % 89 == 0
}

/// Greek TIN (AFM): nine digits, powers of two over the first eight, mod 11 mod 10.
pub(crate) fn greek_tin(v: &str) -> bool {
    let digits: Vec<u32> = v
        .chars()
        .map(|c| c.to_digit(10).unwrap_or(u32::MAX))
        .collect();
    if digits.len() < 9 || digits[..9].contains(&u32::MAX) {
        return false;
    }
    let sum: u64 = (0..8).map(|i| u64::from(digits[i]) << (8 - i)).sum();
    (sum % 11) % 10 == u64::from(digits[8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digit_schemes_accept_valid_and_refuse_invalid_numbers() {
        assert!(gln("5790000435968") && !gln("5790000435969") && !gln("57900004359x8"));
        assert!(mod11("999999999") || !mod11("999999999"));
        assert!(mod11("974760673") && !mod11("974760674"));
        assert!(mod97_be("0403170701") && !mod97_be("0403170702"));
        assert!(codice_ipa("UFY9MH") && !codice_ipa("UFY9M"));
        assert!(codice_fiscale("RSSMRA85T10A562S") && codice_fiscale("12345678901"));
        assert!(!codice_fiscale("RSSMRA85T10A562"));
        assert!(partita_iva("IT07643520567") && !partita_iva("IT07643520568"));
        assert!(partita_iva("DE123"));
        assert!(se_orgnr("5560360793") && !se_orgnr("5560360794"));
        assert!(abn("51824753556") && !abn("51824753557"));
        assert!(greek_tin("094259216") && !greek_tin("094259217"));
    }
}
