//! The XML tokenizer under [`crate::parse`]: markup, text and attributes of a UTF-8 string,
//! borrowed from it.
//!
//! It knows only what a UBL document may hold: elements, attributes, text, CDATA, comments,
//! processing instructions and the XML declaration. A DOCTYPE is reported as such (the parser
//! refuses it); references other than the five predefined entities and character references
//! are errors, so nothing is ever expanded or fetched. It works on bytes: every delimiter is
//! ASCII, so every slice it cuts falls on a character boundary.

use std::borrow::Cow;

/// One piece of markup or text.
pub(crate) enum Token<'a> {
    /// `<name …>`, or `<name …/>` when `empty`; `attributes` is the raw text after the name.
    Start {
        name: &'a str,
        attributes: &'a str,
        empty: bool,
    },
    /// `</name>`.
    End {
        name: &'a str,
    },
    /// Character data between markup, with its references (if `references`) still in place.
    Text {
        raw: &'a str,
        references: bool,
    },
    /// The content of a CDATA section, taken literally.
    CData(&'a str),
    /// A `<!DOCTYPE …` declaration, not read any further.
    DocType,
    Eof,
}

/// Why the input is not well-formed, and where (a byte offset into the tokenized text).
#[derive(Debug)]
pub(crate) struct Error {
    pub(crate) offset: usize,
    pub(crate) what: &'static str,
}

fn error<T>(offset: usize, what: &'static str) -> Result<T, Error> {
    Err(Error { offset, what })
}

/// The first byte of `hay` equal to one of `needles`.
///
/// Most stretches between delimiters are a few bytes (indentation, a code, an amount), where
/// memchr's dispatch and setup cost several times the search itself. So the first bytes are
/// searched a word at a time here (eight bytes per step, with the classic "has a zero byte"
/// test on the word XORed with each needle), and only a long stretch is left to memchr.
fn find<const N: usize>(hay: &[u8], needles: [u8; N]) -> Option<usize> {
    const SHORT: usize = 64;
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let short = hay.len().min(SHORT);
    let mut at = 0;
    while at + 8 <= short {
        let mut word = [0u8; 8];
        word.copy_from_slice(&hay[at..at + 8]);
        let word = u64::from_le_bytes(word);
        let mut hits = 0;
        for needle in needles {
            let x = word ^ (ONES * u64::from(needle));
            hits |= x.wrapping_sub(ONES) & !x & HIGHS;
        }
        // The lowest flagged byte is exact (only bytes after a true match can be flagged
        // falsely), and little-endian puts the earliest byte lowest.
        if hits != 0 {
            return Some(at + hits.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    if let Some(i) = hay[at..short].iter().position(|b| needles.contains(b)) {
        return Some(at + i);
    }
    let rest = &hay[short..];
    let found = match needles[..] {
        [a] => memchr::memchr(a, rest),
        [a, b] => memchr::memchr2(a, b, rest),
        [a, b, c] => memchr::memchr3(a, b, c, rest),
        _ => rest.iter().position(|b| needles.contains(b)),
    };
    found.map(|i| short + i)
}

const fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

pub(crate) struct Tokenizer<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Tokenizer<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Tokenizer { text, pos: 0 }
    }

    /// Where the next token starts.
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// The offset just past the first `end` at or after `from`.
    fn past(&self, from: usize, end: &[u8], what: &'static str) -> Result<usize, Error> {
        memchr::memmem::find(&self.bytes()[from..], end)
            .map(|i| from + i + end.len())
            .ok_or(Error { offset: from, what })
    }

    pub(crate) fn next_token(&mut self) -> Result<Token<'a>, Error> {
        let bytes = self.bytes();
        let start = self.pos;
        if start >= bytes.len() {
            return Ok(Token::Eof);
        }
        if bytes[start] != b'<' {
            // Noting a `&` on the way spares the parser a second scan of every text.
            let mut end = start;
            let mut references = false;
            while let Some(i) = find(&bytes[end..], [b'<', b'&']) {
                end += i;
                if bytes[end] == b'<' {
                    break;
                }
                references = true;
                end += 1;
            }
            if end == bytes.len() || bytes[end] != b'<' {
                end = bytes.len();
            }
            self.pos = end;
            return Ok(Token::Text {
                raw: &self.text[start..end],
                references,
            });
        }
        let rest = &bytes[start + 1..];
        match rest.first() {
            Some(b'/') => self.end_tag(start),
            Some(b'?') => {
                self.pos = self.past(start + 2, b"?>", "an unterminated processing instruction")?;
                self.next_token()
            }
            Some(b'!') => {
                if rest.starts_with(b"!--") {
                    self.pos = self.past(start + 4, b"-->", "an unterminated comment")?;
                    self.next_token()
                } else if rest.starts_with(b"![CDATA[") {
                    let from = start + 9;
                    self.pos = self.past(from, b"]]>", "an unterminated CDATA section")?;
                    Ok(Token::CData(&self.text[from..self.pos - 3]))
                } else if rest.len() >= 8 && rest[1..8].eq_ignore_ascii_case(b"DOCTYPE") {
                    // Nothing after a DOCTYPE is read: the document is refused.
                    self.pos = bytes.len();
                    Ok(Token::DocType)
                } else {
                    error(
                        start,
                        "markup that is neither a comment, CDATA nor a DOCTYPE",
                    )
                }
            }
            _ => self.start_tag(start),
        }
    }

    /// The end of the name at `from`: up to whitespace, `/`, `>` or `=`.
    fn name_end(&self, from: usize) -> usize {
        // One table lookup per byte: names are the most scanned text after values.
        const ENDS: [bool; 256] = {
            let mut ends = [false; 256];
            let mut i = 0;
            while i < 256 {
                let b = i as u8;
                ends[i] = is_space(b) || matches!(b, b'/' | b'>' | b'=');
                i += 1;
            }
            ends
        };
        let bytes = self.bytes();
        bytes[from..]
            .iter()
            .position(|&b| ENDS[b as usize])
            .map_or(bytes.len(), |i| from + i)
    }

    fn start_tag(&mut self, start: usize) -> Result<Token<'a>, Error> {
        let bytes = self.bytes();
        let name_start = start + 1;
        let name_end = self.name_end(name_start);
        if name_end == name_start {
            return error(start, "a tag without a name");
        }
        // Find the closing `>`, stepping over quoted attribute values (which may hold `>`).
        let mut at = name_end;
        let close = loop {
            match find(&bytes[at..], [b'>', b'"', b'\'']) {
                None => return error(start, "an unterminated start tag"),
                Some(i) if bytes[at + i] == b'>' => break at + i,
                Some(i) => {
                    let quote = bytes[at + i];
                    match find(&bytes[at + i + 1..], [quote]) {
                        None => return error(start, "an unterminated attribute value"),
                        Some(j) => at = at + i + 1 + j + 1,
                    }
                }
            }
        };
        let empty = close > name_end && bytes[close - 1] == b'/';
        let attributes_end = if empty { close - 1 } else { close };
        self.pos = close + 1;
        Ok(Token::Start {
            name: &self.text[name_start..name_end],
            attributes: &self.text[name_end..attributes_end],
            empty,
        })
    }

    fn end_tag(&mut self, start: usize) -> Result<Token<'a>, Error> {
        let bytes = self.bytes();
        let name_start = start + 2;
        let close = match find(&bytes[name_start..], [b'>']) {
            Some(i) => name_start + i,
            None => return error(start, "an unterminated end tag"),
        };
        let name = self.text[name_start..close].trim_end_matches([' ', '\t', '\n', '\r']);
        if name.is_empty() || name.bytes().any(is_space) {
            return error(start, "a malformed end tag");
        }
        self.pos = close + 1;
        Ok(Token::End { name })
    }
}

/// The attributes of a start tag as (qualified name, raw value).
pub(crate) struct Attributes<'a> {
    text: &'a str,
    pos: usize,
    /// Where the tag's attribute text starts in the document, for error offsets.
    base: usize,
}

impl<'a> Attributes<'a> {
    pub(crate) fn new(text: &'a str, base: usize) -> Self {
        Attributes { text, pos: 0, base }
    }
}

impl<'a> Iterator for Attributes<'a> {
    type Item = Result<(&'a str, &'a str), Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.text.as_bytes();
        let at = |i: usize| self.base + i;
        let before = self.pos;
        let mut i = self.pos;
        while i < bytes.len() && is_space(bytes[i]) {
            i += 1;
        }
        if i == bytes.len() {
            self.pos = i;
            return None;
        }
        // Attributes are separated from the name and from each other by whitespace.
        if i == before {
            self.pos = bytes.len();
            return Some(error(at(i), "attributes not separated by whitespace"));
        }
        let key_start = i;
        while i < bytes.len() && !is_space(bytes[i]) && bytes[i] != b'=' {
            i += 1;
        }
        let key_end = i;
        while i < bytes.len() && is_space(bytes[i]) {
            i += 1;
        }
        if key_end == key_start || bytes.get(i) != Some(&b'=') {
            self.pos = bytes.len();
            return Some(error(at(key_start), "an attribute without a value"));
        }
        i += 1;
        while i < bytes.len() && is_space(bytes[i]) {
            i += 1;
        }
        let quote = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                self.pos = bytes.len();
                return Some(error(at(key_start), "an attribute value without quotes"));
            }
        };
        let value_start = i + 1;
        let value_end = match find(&bytes[value_start..], [quote]) {
            Some(j) => value_start + j,
            None => {
                self.pos = bytes.len();
                return Some(error(at(key_start), "an unterminated attribute value"));
            }
        };
        self.pos = value_end + 1;
        let value = &self.text[value_start..value_end];
        if find(value.as_bytes(), [b'<']).is_some() {
            self.pos = bytes.len();
            return Some(error(at(value_start), "a `<` inside an attribute value"));
        }
        Some(Ok((&self.text[key_start..key_end], value)))
    }
}

/// Replaces the predefined entity and character references in `raw`; any other reference is
/// an error (at an offset within `raw`). Text without references is returned as it stands.
pub(crate) fn unescape(raw: &str) -> Result<Cow<'_, str>, Error> {
    let Some(first) = find(raw.as_bytes(), [b'&']) else {
        return Ok(Cow::Borrowed(raw));
    };
    let mut out = String::with_capacity(raw.len());
    out.push_str(&raw[..first]);
    let mut rest = &raw[first..];
    let mut offset = first;
    while let Some(amp) = find(rest.as_bytes(), [b'&']) {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let Some(semi) = find(after.as_bytes(), [b';']) else {
            return error(offset + amp, "an unterminated reference");
        };
        let name = &after[..semi];
        let c = match name {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "apos" => '\'',
            "quot" => '"',
            _ => match character(name) {
                Some(c) => c,
                None => return error(offset + amp, "an undeclared entity reference"),
            },
        };
        out.push(c);
        let consumed = amp + 1 + semi + 1;
        rest = &rest[consumed..];
        offset += consumed;
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

/// XML 1.0's `Char` production: what a document may hold, raw or by reference (a `char` is
/// never a surrogate).
pub(crate) fn is_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

/// The byte offset of the first character in `text` that XML 1.0 does not allow.
pub(crate) fn first_non_char(text: &str) -> Option<usize> {
    // Every such character is a C0 control byte or starts with 0xEF (U+FFFE, U+FFFF), so most
    // bytes are passed over without decoding.
    let bytes = text.as_bytes();
    bytes.iter().enumerate().find_map(|(i, &b)| match b {
        b'\t' | b'\n' | b'\r' => None,
        0..=0x1F => Some(i),
        0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => Some(i),
        _ => None,
    })
}

/// A character reference body, `#38` or `#x26`, as the character it names; `None` for
/// anything else, including references to characters XML does not allow.
fn character(name: &str) -> Option<char> {
    let digits = name.strip_prefix('#')?;
    let (digits, radix) = match digits.strip_prefix('x') {
        Some(hex) => (hex, 16),
        None => (digits, 10),
    };
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let c = char::from_u32(u32::from_str_radix(digits, radix).ok()?)?;
    let allowed = is_char(c);
    allowed.then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(xml: &str) -> Result<Vec<String>, usize> {
        let mut t = Tokenizer::new(xml);
        let mut out = Vec::new();
        loop {
            match t.next_token().map_err(|e| e.offset)? {
                Token::Eof => return Ok(out),
                Token::Start {
                    name,
                    attributes,
                    empty,
                } => {
                    let attrs: Result<Vec<_>, _> = Attributes::new(attributes, 0).collect();
                    let attrs = attrs.map_err(|e| e.offset)?;
                    out.push(format!("<{name} {attrs:?} {empty}"));
                }
                Token::End { name } => out.push(format!("</{name}")),
                Token::Text { raw, references } => out.push(format!("t:{raw}{references}")),
                Token::CData(s) => out.push(format!("c:{s}")),
                Token::DocType => out.push("doctype".into()),
            }
        }
    }

    #[test]
    fn markup_text_and_attributes_are_cut_from_the_input() {
        assert_eq!(
            tokens(
                "<?xml version=\"1.0\"?><a x='1' y = \"a>b\"><!-- c --><b/>t<![CDATA[<z>]]></a >"
            )
            .unwrap(),
            vec![
                "<a [(\"x\", \"1\"), (\"y\", \"a>b\")] false",
                "<b [] true",
                "t:tfalse",
                "c:<z>",
                "</a",
            ]
        );
        assert_eq!(tokens("<!doctype x>").unwrap(), vec!["doctype"]);
    }

    #[test]
    fn broken_markup_is_an_error() {
        for xml in [
            "<a",
            "<a x>",
            "<a x=1>",
            "<a x='1'y='2'>",
            "<!-- x",
            "<![CDATA[x",
            "<?x",
            "</a",
            "< a>",
            "<!x>",
            "<a x='<'>",
            "</>",
        ] {
            assert!(tokens(xml).is_err(), "{xml}");
        }
    }

    #[test]
    fn the_word_search_finds_the_first_needle_anywhere() {
        for len in 0..150 {
            for at in 0..len {
                let mut hay = vec![b'a'; len];
                hay[at] = b'<';
                if at + 3 < len {
                    hay[at + 3] = b'&';
                }
                assert_eq!(find(&hay, [b'<']), Some(at));
                assert_eq!(find(&hay, [b'&', b'<']), Some(at));
                assert_eq!(find(&hay, [b'>', b'"', b'<']), Some(at));
            }
            assert_eq!(find(&vec![0x80u8; len], [b'<', b'&']), None);
            assert_eq!(find(&vec![0x01u8; len], [0x02]), None);
        }
    }

    #[test]
    fn characters_xml_does_not_allow_are_found_raw() {
        assert_eq!(first_non_char("<a>Zoë\t𝄞\r\n\u{FFFD}</a>"), None);
        assert_eq!(first_non_char("<a>x\u{0}</a>"), Some(4));
        assert_eq!(first_non_char("\u{1}"), Some(0));
        assert_eq!(first_non_char("ab\u{FFFE}"), Some(2));
        assert_eq!(first_non_char("ab\u{FFFF}"), Some(2));
        assert_eq!(first_non_char("\u{FFFD}\u{EFFF}"), None);
    }

    #[test]
    fn only_predefined_and_character_references_are_replaced() {
        assert_eq!(
            unescape("a&lt;&gt;&amp;&apos;&quot;&#65;&#x42;").unwrap(),
            "a<>&'\"AB"
        );
        assert!(matches!(unescape("plain"), Ok(Cow::Borrowed("plain"))));
        for bad in [
            "&xxe;",
            "&",
            "&#;",
            "&#x0;",
            "&#1;",
            "&#xD800;",
            "&#xFFFE;",
            "&#99999999999;",
        ] {
            assert!(unescape(bad).is_err(), "{bad}");
        }
    }
}
