//! Peppol participant identifiers (`scheme:identifier`) and the format and check-digit
//! algorithms of the national identifiers they carry.
//!
//! Each algorithm is written here once. [`parse`] uses them to refuse an identifier before it is
//! stored; the Peppol rules of `invoicer-einvoice` (PEPPOL-COMMON-R040…R050, NO-R-001, SE-R-013,
//! GR-R-*) use them to judge a document. Several of those rules apply a check more loosely than
//! the scheme defines it (any length, a sign, a foreign prefix passing), and the validator must
//! give the official artefacts' verdicts, so the functions keep that looseness and say where.
//! [`parse`] fixes an identifier's exact shape before calling them, and on that shape each one is
//! the scheme's own algorithm: whatever [`parse`] accepts passes the Peppol rule for its scheme.

use std::fmt;

use crate::{codelists, validation::Invalid};

/// A participant id whose scheme is on the Peppol EAS list and whose identifier has the format
/// and check digits that scheme defines, where it defines any.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ParticipantId {
    scheme: String,
    identifier: String,
}

impl ParticipantId {
    /// The EAS code, e.g. `0088`.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The identifier within the scheme, e.g. `5790000435968`.
    pub fn identifier(&self) -> &str {
        &self.identifier
    }
}

impl fmt::Display for ParticipantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.scheme, self.identifier)
    }
}

/// The longest identifier the Peppol policy for identifiers allows.
const MAX_IDENTIFIER_LEN: usize = 50;

/// Parses `scheme:identifier`, e.g. `0088:5790000435968` or `0192:987654325`.
///
/// Refuses with `invalid_format` text that is not `scheme:identifier` with 1 to 50 visible ASCII
/// characters after the `:`, with `unknown_scheme` a scheme that is not a Peppol EAS code, and,
/// for a scheme that defines them, an identifier of the wrong length (`invalid_length`), the
/// wrong form (`invalid_format`) or a wrong check digit (`invalid_check_digit`).
pub fn parse(text: &str) -> Result<ParticipantId, Invalid> {
    let text = text.trim();
    let Some((scheme, identifier)) = text.split_once(':') else {
        return Err(Invalid::new(
            "invalid_format",
            "A participant id is `scheme:identifier`, e.g. \"0088:5790000435968\"; this one has \
             no `:`.",
        ));
    };
    if scheme.is_empty() {
        return Err(Invalid::new(
            "invalid_format",
            "A participant id is `scheme:identifier`, e.g. \"0088:5790000435968\"; this one has \
             no scheme before the `:`.",
        ));
    }
    if !codelists::is_eas(scheme) {
        let why = if codelists::is_icd(scheme) {
            "is an ISO 6523 code but not on the Peppol EAS list, so no Peppol participant is \
             registered under it"
        } else {
            "is not a Peppol participant identifier scheme"
        };
        return Err(Invalid::new(
            "unknown_scheme",
            format!(
                "`{scheme}` {why}. The scheme is a code of the Peppol EAS list, e.g. 0088 (GLN) \
                 or 0208 (Belgian enterprise number)."
            ),
        ));
    }
    if identifier.is_empty()
        || identifier.len() > MAX_IDENTIFIER_LEN
        || !identifier.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(Invalid::new(
            "invalid_format",
            format!(
                "The identifier after `{scheme}:` must be 1 to {MAX_IDENTIFIER_LEN} visible ASCII \
                 characters, without spaces."
            ),
        ));
    }
    if let Some(rule) = Scheme::of(scheme) {
        rule.check(identifier)
            .map_err(|fault| rule.refusal(scheme, identifier, fault))?;
    }
    Ok(ParticipantId {
        scheme: scheme.to_owned(),
        identifier: identifier.to_owned(),
    })
}

/// Why an identifier does not fit its scheme.
#[derive(Debug)]
enum Fault {
    Length,
    /// What is wrong with the form, completing "<identifier> …".
    Format(&'static str),
    CheckDigit,
}

type Check = fn(&str) -> Result<(), Fault>;

/// What a scheme requires of its identifiers beyond being visible characters.
enum Scheme {
    National {
        /// What its identifiers are called.
        name: &'static str,
        /// What a valid identifier is, completing "… identifiers are".
        expected: &'static str,
        check: Check,
    },
    /// A VAT number: the country's VAT prefix, then letters and digits.
    Vat {
        country: &'static str,
        prefixes: &'static [&'static str],
    },
}

/// The national VAT schemes of the EAS list with the VAT prefixes of their country.
const VAT_SCHEMES: &[(&str, &str, &[&str])] = &[
    ("9910", "Hungary", &["HU"]),
    ("9914", "Austria", &["AT"]),
    ("9920", "Spain", &["ES"]),
    ("9922", "Andorra", &["AD"]),
    ("9923", "Albania", &["AL"]),
    ("9924", "Bosnia and Herzegovina", &["BA"]),
    ("9925", "Belgium", &["BE"]),
    ("9926", "Bulgaria", &["BG"]),
    ("9927", "Switzerland", &["CH"]),
    ("9928", "Cyprus", &["CY"]),
    ("9929", "Czech Republic", &["CZ"]),
    ("9930", "Germany", &["DE"]),
    ("9931", "Estonia", &["EE"]),
    // Northern Ireland's traders carry XI in front of the same number.
    ("9932", "United Kingdom", &["GB", "XI"]),
    ("9934", "Croatia", &["HR"]),
    ("9935", "Ireland", &["IE"]),
    ("9936", "Liechtenstein", &["LI"]),
    ("9937", "Lithuania", &["LT"]),
    ("9938", "Luxembourg", &["LU"]),
    ("9939", "Latvia", &["LV"]),
    // Monaco lies in the French VAT territory, so its traders hold FR numbers.
    ("9940", "Monaco", &["MC", "FR"]),
    ("9941", "Montenegro", &["ME"]),
    ("9942", "North Macedonia", &["MK"]),
    ("9943", "Malta", &["MT"]),
    ("9944", "Netherlands", &["NL"]),
    ("9945", "Poland", &["PL"]),
    ("9946", "Portugal", &["PT"]),
    ("9947", "Romania", &["RO"]),
    ("9948", "Serbia", &["RS"]),
    ("9949", "Slovenia", &["SI"]),
    ("9950", "Slovakia", &["SK"]),
    ("9951", "San Marino", &["SM"]),
    ("9952", "Turkey", &["TR"]),
    ("9953", "Holy See", &["VA"]),
    ("9957", "France", &["FR"]),
];

fn national(name: &'static str, expected: &'static str, check: Check) -> Scheme {
    Scheme::National {
        name,
        expected,
        check,
    }
}

impl Scheme {
    fn of(code: &str) -> Option<Scheme> {
        let scheme = match code {
            "0007" => national(
                "Swedish organisation number",
                "10 digits whose last is a Luhn check digit",
                |id| {
                    digits(id, 10)?;
                    check_digit(se_orgnr(id))
                },
            ),
            "0088" => national(
                "GLN",
                "13 digits whose last is a GS1 mod-10 check digit",
                |id| {
                    digits(id, 13)?;
                    check_digit(gln(id))
                },
            ),
            "0106" => national("Dutch KvK number", "8 digits", |id| digits(id, 8)),
            "0151" => national(
                "Australian Business Number",
                "11 digits passing the ABN modulus-89 check",
                |id| {
                    digits(id, 11)?;
                    check_digit(abn(id))
                },
            ),
            "0183" => national(
                "Swiss UID",
                "CHE and 9 digits, the last a mod-11 check digit, without separators",
                |id| {
                    length(id, 12)?;
                    let number = id
                        .strip_prefix("CHE")
                        .ok_or(Fault::Format("does not start with CHE"))?;
                    all_digits(number)?;
                    check_digit(ch_uid(id))
                },
            ),
            "0184" => national(
                "Danish CVR number",
                "8 digits whose sum weighted 2, 7, 6, 5, 4, 3, 2, 1 is a multiple of 11",
                |id| {
                    digits(id, 8)?;
                    check_digit(dk_cvr(id))
                },
            ),
            "0190" => national("Dutch OIN", "20 digits", |id| digits(id, 20)),
            "0192" => national(
                "Norwegian organisation number",
                "9 digits whose last is a mod-11 check digit",
                |id| {
                    digits(id, 9)?;
                    check_digit(no_orgnr(id))
                },
            ),
            "0196" => national(
                "Icelandic kennitala",
                "10 digits whose ninth is a mod-11 check digit",
                |id| {
                    digits(id, 10)?;
                    check_digit(kennitala(id))
                },
            ),
            "0199" => national(
                "LEI",
                "18 capital letters or digits and 2 check digits (ISO 7064 MOD 97-10)",
                |id| {
                    length(id, 20)?;
                    let (code, check) = id.split_at(18);
                    if !code.bytes().all(is_capital_or_digit) {
                        return Err(Fault::Format(NOT_CAPITALS_OR_DIGITS));
                    }
                    all_digits(check)?;
                    check_digit(iso7064_mod97_10(id))
                },
            ),
            "0201" => national("Italian IPA office code", "6 letters or digits", |id| {
                length(id, 6)?;
                if codice_ipa(id) {
                    Ok(())
                } else {
                    Err(Fault::Format(NOT_LETTERS_OR_DIGITS))
                }
            }),
            "0204" => national(
                "German Leitweg-ID",
                "2 to 12 digits, an optional part of up to 30 letters or digits, and 2 check \
                 digits (ISO 7064 MOD 97-10), joined by hyphens",
                |id| {
                    if id.len() > 46 {
                        return Err(Fault::Length);
                    }
                    if !leitweg_id_form(id) {
                        return Err(Fault::Format(NOT_IN_THAT_FORM));
                    }
                    check_digit(iso7064_mod97_10(&id.replace('-', "")))
                },
            ),
            "0208" => national(
                "Belgian enterprise number",
                "10 digits starting with 0 or 1, whose last two are 97 minus the first eight \
                 modulo 97",
                |id| {
                    digits(id, 10)?;
                    check_digit(be_enterprise_number(id))?;
                    // Checked after the check digits, so that a mistyped first digit is reported
                    // as the typing error it most likely is.
                    if id.starts_with(['0', '1']) {
                        Ok(())
                    } else {
                        Err(Fault::Format("does not start with 0 or 1"))
                    }
                },
            ),
            "0210" => national(
                "Italian codice fiscale",
                "16 capital letters and digits in the personal pattern, the last a check \
                 letter, or 11 digits, the last a check digit",
                |id| match id.len() {
                    11 => {
                        all_digits(id)?;
                        check_digit(partita_iva_digits(id))
                    }
                    16 => {
                        if !id.bytes().all(is_capital_or_digit) {
                            return Err(Fault::Format(NOT_CAPITALS_OR_DIGITS));
                        }
                        if !codice_fiscale(id) {
                            return Err(Fault::Format(NOT_IN_THAT_FORM));
                        }
                        check_digit(codice_fiscale_check_letter(id))
                    }
                    _ => Err(Fault::Length),
                },
            ),
            "0211" => national(
                "Italian partita IVA",
                "IT and 11 digits, the last a check digit",
                |id| {
                    length(id, 13)?;
                    let number = id
                        .strip_prefix("IT")
                        .ok_or(Fault::Format("does not start with IT"))?;
                    all_digits(number)?;
                    check_digit(partita_iva(id))
                },
            ),
            "0212" => national(
                "Finnish business ID",
                "7 digits, a hyphen and a mod-11 check digit, e.g. 0112038-9",
                |id| {
                    length(id, 9)?;
                    let (number, check) = id.split_at(7);
                    let check = check
                        .strip_prefix('-')
                        .ok_or(Fault::Format(NOT_IN_THAT_FORM))?;
                    all_digits(number)?;
                    all_digits(check)?;
                    check_digit(fi_business_id(&format!("{number}{check}")))
                },
            ),
            "0213" => national(
                "Finnish VAT number",
                "FI and the 8 digits of a business ID, the last a mod-11 check digit",
                |id| {
                    length(id, 10)?;
                    let number = id
                        .strip_prefix("FI")
                        .ok_or(Fault::Format("does not start with FI"))?;
                    all_digits(number)?;
                    check_digit(fi_business_id(number))
                },
            ),
            "0216" => national(
                "Finnish OVT code",
                "0037, the 8 digits of a business ID (the last a mod-11 check digit) and up to \
                 5 capital letters or digits",
                |id| {
                    if !(12..=17).contains(&id.len()) {
                        return Err(Fault::Length);
                    }
                    let rest = id
                        .strip_prefix("0037")
                        .ok_or(Fault::Format("does not start with 0037"))?;
                    let (number, suffix) = rest.split_at(8);
                    all_digits(number)?;
                    if !suffix.bytes().all(is_capital_or_digit) {
                        return Err(Fault::Format(NOT_CAPITALS_OR_DIGITS));
                    }
                    check_digit(fi_business_id(number))
                },
            ),
            "9918" => national(
                "IBAN",
                "2 capital letters, 2 check digits and 11 to 30 capital letters or digits \
                 (ISO 7064 MOD 97-10)",
                |id| {
                    if !(15..=34).contains(&id.len()) {
                        return Err(Fault::Length);
                    }
                    let (country, rest) = id.split_at(2);
                    let (check, account) = rest.split_at(2);
                    if !country.bytes().all(|b| b.is_ascii_uppercase())
                        || !check.bytes().all(|b| b.is_ascii_digit())
                        || !account.bytes().all(is_capital_or_digit)
                    {
                        return Err(Fault::Format(NOT_IN_THAT_FORM));
                    }
                    check_digit(iso7064_mod97_10(&format!("{account}{country}{check}")))
                },
            ),
            // GR-R-009 and GR-R-010 require a Greek party's electronic address to be its bare
            // TIN under 9933, so the EL prefix of the VAT number is not part of it.
            "9933" => national(
                "Greek VAT number",
                "the 9 digits of the TIN without EL, the last a check digit",
                |id| {
                    digits(id, 9)?;
                    check_digit(greek_tin(id))
                },
            ),
            _ => {
                let &(_, country, prefixes) = VAT_SCHEMES.iter().find(|(c, ..)| *c == code)?;
                Scheme::Vat { country, prefixes }
            }
        };
        Some(scheme)
    }

    fn check(&self, id: &str) -> Result<(), Fault> {
        match self {
            Scheme::National { check, .. } => check(id),
            Scheme::Vat { prefixes, .. } => {
                let number =
                    prefixes
                        .iter()
                        .find_map(|p| id.strip_prefix(p))
                        .ok_or(Fault::Format(
                            "does not start with the country's VAT prefix",
                        ))?;
                if !(2..=13).contains(&number.len()) {
                    return Err(Fault::Length);
                }
                if !number.bytes().all(is_capital_or_digit) {
                    return Err(Fault::Format(NOT_CAPITALS_OR_DIGITS));
                }
                Ok(())
            }
        }
    }

    /// The refusal of `id` under `scheme`, saying what the scheme expects.
    fn refusal(&self, scheme: &str, id: &str, fault: Fault) -> Invalid {
        let (name, expected) = match self {
            Scheme::National { name, expected, .. } => ((*name).to_owned(), (*expected).to_owned()),
            Scheme::Vat { country, prefixes } => (
                format!("{country} VAT number"),
                format!(
                    "{} followed by 2 to 13 capital letters or digits",
                    prefixes.join(" or ")
                ),
            ),
        };
        let (code, what) = match fault {
            Fault::Length => ("invalid_length", format!("has {} characters", id.len())),
            Fault::Format(what) => ("invalid_format", what.to_owned()),
            Fault::CheckDigit => ("invalid_check_digit", "fails it".to_owned()),
        };
        Invalid::new(
            code,
            format!("{scheme} ({name}) identifiers are {expected}; {id} {what}."),
        )
    }
}

const NOT_DIGITS: &str = "has a character other than a digit";
const NOT_CAPITALS_OR_DIGITS: &str = "has a character other than a capital letter or digit";
const NOT_LETTERS_OR_DIGITS: &str = "has a character other than a letter or digit";
const NOT_IN_THAT_FORM: &str = "is not of that form";

fn length(id: &str, len: usize) -> Result<(), Fault> {
    if id.len() == len {
        Ok(())
    } else {
        Err(Fault::Length)
    }
}

fn all_digits(s: &str) -> Result<(), Fault> {
    if s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Fault::Format(NOT_DIGITS))
    }
}

fn digits(id: &str, len: usize) -> Result<(), Fault> {
    length(id, len)?;
    all_digits(id)
}

fn check_digit(holds: bool) -> Result<(), Fault> {
    if holds {
        Ok(())
    } else {
        Err(Fault::CheckDigit)
    }
}

fn is_capital_or_digit(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

fn ascii_digits(v: &str) -> Option<Vec<u32>> {
    v.chars().map(|c| c.to_digit(10)).collect()
}

/// `(11 - Σ dᵢ·wᵢ mod 11) mod 11`, the check digit of the weighted modulus-11 schemes; 10 means
/// no digit fits, and the registries never issue such numbers.
fn mod11_check(digits: &[u32], weights: &[u32]) -> u32 {
    let sum = digits
        .iter()
        .zip(weights)
        .fold(0, |sum, (d, w)| (sum + d * w) % 11);
    (11 - sum) % 11
}

// The algorithms. Those the Peppol rules call compute exactly what the artefacts compute.

/// GS1 GLN (and any GS1 key): weights 3, 1, 3, … from the right, excluding the check digit. Any
/// number of digits passes, as in PEPPOL-COMMON-R040; a GLN has 13.
pub fn gln(v: &str) -> bool {
    let digits = ascii_digits(v).unwrap_or_default();
    let Some((&check, body)) = digits.split_last() else {
        return false;
    };
    let sum = body.iter().rev().enumerate().fold(0, |sum, (i, d)| {
        (sum + d * if i % 2 == 0 { 3 } else { 1 }) % 10
    });
    (10 - sum) % 10 == check
}

/// Norwegian organisation number: modulus 11 with weights 2, 3, 4, 5, 6, 7, 2, 3, … from the right
/// (3, 2, 7, 6, 5, 4, 3, 2 from the left for nine digits), excluding the check digit. Any number
/// of digits passes, as in NO-R-001; all zeros do not, because the artefact also requires the
/// number to be positive.
pub fn no_orgnr(v: &str) -> bool {
    let digits = ascii_digits(v).unwrap_or_default();
    let Some((&check, body)) = digits.split_last() else {
        return false;
    };
    let from_right: Vec<u32> = body.iter().rev().copied().collect();
    let weights: Vec<u32> = (0..from_right.len()).map(|i| i as u32 % 6 + 2).collect();
    let positive = v.bytes().any(|b| b != b'0');
    positive && mod11_check(&from_right, &weights) == check
}

/// Belgian enterprise number: the last two of ten digits are 97 minus the first eight modulo 97.
/// Characters after the tenth are ignored, as in PEPPOL-COMMON-R043 (which first requires ten
/// digits).
pub fn be_enterprise_number(v: &str) -> bool {
    let (Some(head), Some(check)) = (v.get(..8), v.get(8..10)) else {
        return false;
    };
    match (head.parse::<u64>(), check.parse::<u64>()) {
        (Ok(h), Ok(c)) => 97 - h % 97 == c,
        _ => false,
    }
}

/// Danish CVR number: eight digits whose sum weighted 2, 7, 6, 5, 4, 3, 2, 1 is a multiple of 11.
pub fn dk_cvr(v: &str) -> bool {
    match ascii_digits(v).as_deref() {
        Some([body @ .., check]) if body.len() == 7 => {
            mod11_check(body, &[2, 7, 6, 5, 4, 3, 2]) == *check
        }
        _ => false,
    }
}

/// What PEPPOL-COMMON-R042 accepts under scheme 0184: eight digits, optionally after `DK`, with no
/// check digit (see [`dk_cvr`]).
pub fn dk_digst(v: &str) -> bool {
    let number = v.strip_prefix("DK").unwrap_or(v);
    number.len() == 8 && number.bytes().all(|b| b.is_ascii_digit())
}

/// Icelandic kennitala: ten digits, the ninth a modulus-11 check digit over the first eight with
/// weights 3, 2, 7, 6, 5, 4, 3, 2; the tenth gives the century.
pub fn kennitala(v: &str) -> bool {
    match ascii_digits(v).as_deref() {
        Some([body @ .., check, _century]) if body.len() == 8 => {
            mod11_check(body, &[3, 2, 7, 6, 5, 4, 3, 2]) == *check
        }
        _ => false,
    }
}

/// Finnish business ID (Y-tunnus) without its hyphen: eight digits, the last a modulus-11 check
/// digit over the first seven with weights 7, 9, 10, 5, 8, 4, 2.
pub fn fi_business_id(v: &str) -> bool {
    match ascii_digits(v).as_deref() {
        Some([body @ .., check]) if body.len() == 7 => {
            mod11_check(body, &[7, 9, 10, 5, 8, 4, 2]) == *check
        }
        _ => false,
    }
}

/// Swiss UID: `CHE` and nine digits, the last a modulus-11 check digit over the first eight with
/// weights 5, 4, 3, 2, 7, 6, 5, 4.
pub fn ch_uid(v: &str) -> bool {
    match v.strip_prefix("CHE").and_then(ascii_digits).as_deref() {
        Some([body @ .., check]) if body.len() == 8 => {
            mod11_check(body, &[5, 4, 3, 2, 7, 6, 5, 4]) == *check
        }
        _ => false,
    }
}

/// ISO 7064 MOD 97-10 over digits and letters (A or a = 10 … Z or z = 35): the number they spell
/// is 1 modulo 97. LEIs are checked as written, IBANs with their first four characters moved to
/// the end, Leitweg-IDs without their hyphens.
pub fn iso7064_mod97_10(v: &str) -> bool {
    let mut rest = 0u32;
    for c in v.chars() {
        let Some(value) = c.to_digit(36) else {
            return false;
        };
        rest = if value < 10 {
            (rest * 10 + value) % 97
        } else {
            (rest * 100 + value) % 97
        };
    }
    !v.is_empty() && rest == 1
}

/// The form of a German Leitweg-ID: 2 to 12 digits (coarse address), optionally up to 30 letters
/// or digits (fine address), and 2 check digits, joined by hyphens.
fn leitweg_id_form(v: &str) -> bool {
    let parts: Vec<&str> = v.split('-').collect();
    let digits = |s: &str, lengths: std::ops::RangeInclusive<usize>| {
        lengths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    let (coarse, fine, check) = match parts.as_slice() {
        [coarse, check] => (*coarse, None, *check),
        [coarse, fine, check] => (*coarse, Some(*fine), *check),
        _ => return false,
    };
    digits(coarse, 2..=12)
        && digits(check, 2..=2)
        && fine.is_none_or(|f| {
            (1..=30).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// Italian IPA office code: six ASCII letters or digits (PEPPOL-COMMON-R044).
pub fn codice_ipa(v: &str) -> bool {
    v.chars().count() == 6 && v.chars().all(|c| c.is_ascii_alphanumeric())
}

/// XPath's `castable as xs:integer`, which PEPPOL-COMMON-R045 applies to parts of a codice
/// fiscale: surrounding whitespace and one sign are allowed.
fn xs_integer(s: &str) -> bool {
    let t = s.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r'));
    let t = t.strip_prefix(['+', '-']).unwrap_or(t);
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
}

/// Italian codice fiscale as PEPPOL-COMMON-R045 tests it: 16 characters in the personal pattern
/// (letters, the year's two digits, a month letter, the day's two digits, the place's last digit,
/// a final letter; the place's first three characters are not tested), or 11 characters castable
/// to an integer. The check letter is not tested (see [`codice_fiscale_check_letter`]).
pub fn codice_fiscale(v: &str) -> bool {
    let chars: Vec<char> = v.chars().collect();
    match chars.len() {
        16 => {
            let part =
                |from: usize, len: usize| -> String { chars[from..from + len].iter().collect() };
            let letters = |s: String| s.chars().all(|c| c.is_ascii_alphabetic());
            letters(part(0, 6))
                && xs_integer(&part(6, 2))
                && letters(part(8, 1))
                && xs_integer(&part(9, 2))
                && xs_integer(&part(14, 1))
                && letters(part(15, 1))
        }
        11 => xs_integer(v),
        _ => false,
    }
}

/// The check letter of a personal codice fiscale: its first fifteen characters valued by the
/// odd- and even-position tables of the decree (DM 23/12/1976), summed modulo 26, as a letter.
pub fn codice_fiscale_check_letter(v: &str) -> bool {
    // The odd-position values of A…Z; the digits 0…9 take the values of A…J.
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    let b = v.as_bytes();
    if b.len() != 16 || !b.iter().copied().all(is_capital_or_digit) || !b[15].is_ascii_uppercase() {
        return false;
    }
    let sum: u32 = b[..15]
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let index = if c.is_ascii_digit() {
                c - b'0'
            } else {
                c - b'A'
            };
            if i % 2 == 0 {
                ODD[usize::from(index)]
            } else {
                u32::from(index)
            }
        })
        .sum();
    u32::from(b[15] - b'A') == sum % 26
}

/// Italian partita IVA as PEPPOL-COMMON-R047 tests it: `IT` (or `it`) and 11 digits passing
/// [`partita_iva_digits`]; any other prefix passes, the rule judging only Italian numbers.
pub fn partita_iva(v: &str) -> bool {
    let prefix: String = v.chars().take(2).collect();
    if prefix != "IT" && prefix != "it" {
        return true;
    }
    partita_iva_digits(&v.chars().skip(2).collect::<String>())
}

/// The 11 digits of a partita IVA, or of a company's codice fiscale: the digits in even
/// positions doubled (less 9 above 9), and the sum of all a multiple of 10.
pub fn partita_iva_digits(code: &str) -> bool {
    const DOUBLED: [u32; 10] = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];
    match ascii_digits(code) {
        Some(digits) if digits.len() == 11 => digits
            .iter()
            .enumerate()
            .map(|(i, &d)| if i % 2 == 1 { DOUBLED[d as usize] } else { d })
            .sum::<u32>()
            .is_multiple_of(10),
        _ => false,
    }
}

/// Swedish organisation number: Luhn over the first nine digits, the tenth the check digit. As in
/// SE-R-013, digits after the tenth are ignored.
pub fn se_orgnr(v: &str) -> bool {
    let Some(digits) = ascii_digits(v).filter(|d| !d.is_empty()) else {
        return false;
    };
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
    digits.get(9).copied() == Some((10 - sum % 10) % 10)
}

/// Australian Business Number: the eleven digits, the first less one, weighted 10, 1, 3, 5, …, 19
/// sum to a multiple of 89. Non-digits are skipped, as in PEPPOL-COMMON-R050 (which first
/// requires eleven digits).
pub fn abn(v: &str) -> bool {
    const WEIGHTS: [i64; 11] = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
    let digits: Vec<i64> = v
        .chars()
        .filter_map(|c| c.to_digit(10))
        .map(i64::from)
        .collect();
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

/// Greek TIN (AFM): nine digits, the first eight weighted by powers of two (256 … 2), modulo 11
/// modulo 10. As in GR-R-003 and GR-R-009, characters after the ninth are ignored.
pub fn greek_tin(v: &str) -> bool {
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

    fn refused(text: &str) -> Invalid {
        parse(text).expect_err(text)
    }

    /// Real identifiers (or, where a registry's numbers are not public, the scheme's own
    /// examples), each verified against its algorithm by hand.
    const VALID: &[&str] = &[
        "0007:5560360793",
        "0007:2120000787",
        "0088:5790000435968",
        "0088:1548079098355",
        "0106:12345678",
        "0151:51824753556",
        "0183:CHE116281710",
        "0183:CHE109322551",
        "0184:24256790",
        "0184:22756214",
        "0190:00000001820029336000",
        "0192:987654325",
        "0192:974760673",
        "0192:745707327",
        "0196:6204830369",
        "0199:5493001KJTIIGC8Y1R12",
        "0199:529900T8BM49AURSDO55",
        "0201:UFY9MH",
        "0204:04011000-1234512345-06",
        "0204:991-33333TEST-33",
        "0208:0403170701",
        "0208:0202239951",
        "0210:RSSMRA85T10A562S",
        "0210:RSSBBR69C48F839A",
        "0210:07643520567",
        "0211:IT07643520567",
        "0211:IT00743110157",
        "0212:0112038-9",
        "0213:FI01120389",
        "0216:003701120389",
        "0216:003704944842TST01",
        "9918:DE89370400440532013000",
        "9918:GB82WEST12345698765432",
        "9925:BE0403170701",
        "9930:DE123456789",
        "9932:GB123456789",
        "9932:XI123456789",
        "9933:094259216",
        "9940:FR12345678901",
        "9944:NL123456789B01",
        "9957:FR12345678901",
    ];

    #[test]
    fn each_checked_scheme_accepts_real_identifiers() {
        for text in VALID {
            let id = parse(text).unwrap_or_else(|e| panic!("{text}: {}", e.message));
            assert_eq!(&id.to_string(), text);
        }
    }

    #[test]
    fn a_participant_id_has_its_scheme_and_identifier_and_is_trimmed() {
        let id = parse(" 0192:987654325\n").unwrap();
        assert_eq!(id.scheme(), "0192");
        assert_eq!(id.identifier(), "987654325");
        assert_eq!(id.to_string(), "0192:987654325");
    }

    #[test]
    fn schemes_without_a_defined_format_take_any_visible_identifier() {
        for text in [
            "0002:784301772",
            "0060:812810734",
            "9959:12-3456789",
            "0037:abc:DEF",
        ] {
            assert!(parse(text).is_ok(), "{text}");
        }
    }

    #[test]
    fn a_scheme_off_the_peppol_eas_list_is_unknown() {
        for text in [
            "0003:123",
            "1234:5",
            "12:971500000001",
            "9906:IT07643520567",
            "iso6523-actorid-upis::0088:5790000435968",
            "GLN:5790000435968",
        ] {
            assert_eq!(refused(text).code, "unknown_scheme", "{text}");
        }
        assert!(refused("0003:123").message.contains("ISO 6523"));
    }

    #[test]
    fn text_that_is_not_scheme_colon_identifier_is_badly_formatted() {
        let too_long = format!("0002:{}", "1".repeat(51));
        for text in [
            "5790000435968",
            "",
            ":5790000435968",
            "0088:",
            "0002:12 34",
            "0002:caf\u{e9}",
            "0002:a\tb",
            too_long.as_str(),
        ] {
            assert_eq!(refused(text).code, "invalid_format", "{text:?}");
        }
        assert!(parse(&format!("0002:{}", "1".repeat(50))).is_ok());
    }

    #[test]
    fn identifiers_of_the_wrong_length_are_refused() {
        for text in [
            "0007:556036079",
            "0088:579000043596",
            "0106:1234567",
            "0151:5182475355",
            "0183:CHE11628171",
            "0184:2425679",
            "0190:0000000182002933600",
            "0192:98765432",
            "0196:620483036",
            "0199:5493001KJTIIGC8Y1R1",
            "0201:UFY9M",
            "0204:991-33333TEST-33-991-33333TEST-33-991-33333TEST",
            "0208:040317070",
            "0210:RSSMRA85T10A562",
            "0211:IT0764352056",
            "0212:0112038",
            "0213:FI0112038",
            "0216:00370112038",
            "9918:DE8937040044",
            "9930:DE1",
            "9930:DE12345678901234",
            "9933:EL094259216",
        ] {
            assert_eq!(refused(text).code, "invalid_length", "{text}");
        }
    }

    #[test]
    fn identifiers_of_the_wrong_form_are_refused() {
        for text in [
            "0007:556036079X",
            "0088:57900004359x8",
            "0106:1234567A",
            "0183:CHF116281710",
            "0183:CHE11628171X",
            "0192:98765432O",
            "0196:620483-369",
            "0199:5493001kjtiigc8y1r12",
            "0201:UFY9M-",
            "0204:991-33333TEST",
            "0204:9-33333TEST-33",
            "0204:991-33333_TEST-33",
            "0208:5403170709",
            "0210:RSSMRA8XT10A562S",
            "0210:rssmra85t10a562s",
            "0210:0764352056X",
            "0211:DE07643520567",
            "0212:0112038+9",
            "0213:SE01120389",
            "0216:003601120389",
            "0216:003701120389tst",
            "9918:de89370400440532013000",
            "9930:de123456789",
            "9930:FR123456789",
            "9930:DE12345678-9",
            "9944:NL123456789b01",
        ] {
            assert_eq!(refused(text).code, "invalid_format", "{text}");
        }
    }

    #[test]
    fn identifiers_with_a_wrong_check_digit_are_refused() {
        for text in [
            "0007:5560360794",
            "0088:5790000435969",
            "0151:51824753557",
            "0183:CHE116281711",
            "0184:24256791",
            "0192:987654324",
            "0192:000000000",
            "0196:6204830379",
            "0199:5493001KJTIIGC8Y1R13",
            "0204:991-33333TEST-34",
            "0208:0403170702",
            "0210:RSSMRA85T10A562T",
            "0210:07643520568",
            "0211:IT07643520568",
            "0212:0112038-8",
            "0213:FI01120388",
            "0216:003701120388",
            "9918:DE89370400440532013001",
            "9933:094259217",
        ] {
            assert_eq!(refused(text).code, "invalid_check_digit", "{text}");
        }
    }

    #[test]
    fn a_refusal_says_what_the_scheme_expects() {
        assert_eq!(
            refused("0088:5790000435969").message,
            "0088 (GLN) identifiers are 13 digits whose last is a GS1 mod-10 check digit; \
             5790000435969 fails it."
        );
        assert_eq!(
            refused("0192:98765432").message,
            "0192 (Norwegian organisation number) identifiers are 9 digits whose last is a \
             mod-11 check digit; 98765432 has 8 characters."
        );
        assert_eq!(
            refused("9933:EL094259216").message,
            "9933 (Greek VAT number) identifiers are the 9 digits of the TIN without EL, the \
             last a check digit; EL094259216 has 11 characters."
        );
        assert_eq!(
            refused("9930:de123456789").message,
            "9930 (Germany VAT number) identifiers are DE followed by 2 to 13 capital letters \
             or digits; de123456789 does not start with the country's VAT prefix."
        );
    }

    #[test]
    fn every_national_vat_scheme_of_the_eas_list_is_checked_and_only_those() {
        for (code, ..) in VAT_SCHEMES {
            assert!(codelists::is_eas(code), "{code}");
        }
        let unchecked: Vec<&str> = codelists::eas::PEPPOL
            .codes()
            .iter()
            .copied()
            .filter(|c| c.starts_with("99") && Scheme::of(c).is_none())
            .collect();
        // Not VAT numbers: business registers, Austrian government and company register
        // numbers, US employer numbers.
        assert_eq!(unchecked, ["9913", "9915", "9919", "9959"]);
    }

    #[test]
    fn check_digit_algorithms_accept_valid_and_refuse_invalid_numbers() {
        assert!(gln("5790000435968") && !gln("5790000435969") && !gln("57900004359x8"));
        assert!(no_orgnr("974760673") && !no_orgnr("974760674"));
        assert!(be_enterprise_number("0403170701") && !be_enterprise_number("0403170702"));
        assert!(dk_cvr("24256790") && !dk_cvr("24256791") && !dk_cvr("2425679"));
        assert!(dk_digst("DK12345678") && dk_digst("12345678"));
        assert!(!dk_digst("DK1234") && !dk_digst("DKDK123456") && !dk_digst("1234567A"));
        assert!(kennitala("6204830369") && !kennitala("6204830359") && !kennitala("620483036"));
        assert!(fi_business_id("01120389") && !fi_business_id("01120388"));
        assert!(ch_uid("CHE116281710") && !ch_uid("CHE116281711") && !ch_uid("CHF116281710"));
        assert!(iso7064_mod97_10("5493001KJTIIGC8Y1R12") && !iso7064_mod97_10(""));
        assert!(codice_ipa("UFY9MH") && !codice_ipa("UFY9M"));
        assert!(codice_fiscale("RSSMRA85T10A562S") && codice_fiscale("12345678901"));
        assert!(!codice_fiscale("RSSMRA85T10A562"));
        assert!(codice_fiscale_check_letter("RSSMRA85T10A562S"));
        assert!(!codice_fiscale_check_letter("RSSMRA85T10A562T"));
        assert!(partita_iva("IT07643520567") && !partita_iva("IT07643520568"));
        assert!(partita_iva_digits("07643520567") && !partita_iva_digits("0764352056"));
        assert!(se_orgnr("5560360793") && !se_orgnr("5560360794"));
        assert!(abn("51824753556") && !abn("51824753557"));
        assert!(greek_tin("094259216") && !greek_tin("094259217"));
    }

    #[test]
    fn the_peppol_rules_looseness_is_kept_where_they_call_the_algorithms() {
        // PEPPOL-COMMON-R040 takes a GS1 key of any length.
        assert!(gln("96385074"));
        // NO-R-001 checks whatever follows NO, however short; all zeros never pass.
        assert!(no_orgnr("19") && !no_orgnr("000000000") && !no_orgnr("0"));
        // PEPPOL-COMMON-R045 casts parts to xs:integer, which allows a sign.
        assert!(codice_fiscale("+1234567890") && codice_fiscale("RSSMRA+5T10A562S"));
        // PEPPOL-COMMON-R047 judges only Italian numbers.
        assert!(partita_iva("DE123") && partita_iva("it07643520567"));
        // SE-R-013 and GR-R-003 ignore what follows the check digit.
        assert!(se_orgnr("55603607931") && greek_tin("094259216XYZ"));
    }
}
