//! Reading untrusted bytes into a [`Doc`], safely.
//!
//! The tokenizer ([`crate::xml`]) never expands entities beyond the five predefined ones and
//! never fetches anything; on top of that any DOCTYPE is refused outright (that is where billion-laughs and XXE payloads
//! live), and depth, size, element and attribute counts are bounded, so the cost of a hostile
//! document is linear in its length and capped.

use std::borrow::Cow;

use crate::report::{DocumentKind, Finding, Flag};
use crate::tree::{Doc, Names, Node, Ns, NONE};
use crate::xml::{self, unescape, Attributes, Token, Tokenizer};

/// Largest document accepted, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;
/// Deepest element nesting accepted (UBL invoices nest about ten deep).
pub const MAX_DEPTH: usize = 64;
/// Most attributes accepted on one element.
pub const MAX_ATTRIBUTES: usize = 32;
/// Most elements accepted in one document.
pub const MAX_ELEMENTS: usize = 1_000_000;

pub(crate) const RULE_MALFORMED: &str = "XML-MALFORMED";
pub(crate) const RULE_DTD: &str = "XML-DTD-FORBIDDEN";
pub(crate) const RULE_LIMIT: &str = "XML-LIMIT";
pub(crate) const RULE_ROOT: &str = "UBL-ROOT";

/// Why a document could not be turned into a tree.
pub(crate) struct Rejection(pub(crate) Finding);

fn reject(rule: &'static str, location: &str, message: String) -> Rejection {
    Rejection(Finding {
        rule,
        flag: Flag::Fatal,
        location: location.to_owned(),
        message,
        computed: None,
        declared: None,
    })
}

/// Line and column (both from 1) of a byte offset.
fn line_column(xml: &[u8], offset: usize) -> (usize, usize) {
    let before = &xml[..offset.min(xml.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

fn malformed(xml: &[u8], offset: usize, what: &str) -> Rejection {
    let (line, column) = line_column(xml, offset);
    reject(
        RULE_MALFORMED,
        "/",
        format!(
            "The document is not well-formed XML at line {line}, column {column}: {what}. Fix the \
             XML syntax there; nothing else was checked."
        ),
    )
}

/// Parses `xml` into a tree, or says why it cannot be read as a UBL Invoice or CreditNote.
pub(crate) fn parse(xml: &[u8]) -> Result<Doc<'_>, Rejection> {
    if xml.len() > MAX_DOCUMENT_BYTES {
        return Err(reject(
            RULE_LIMIT,
            "/",
            format!(
                "The document is {} bytes; at most {MAX_DOCUMENT_BYTES} are accepted. Send a smaller \
                 document.",
                xml.len()
            ),
        ));
    }
    let body = xml.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(xml);
    let bom = xml.len() - body.len();
    // One UTF-8 check up front; every name and text is then a sub-slice of `text`.
    let text = std::str::from_utf8(body).map_err(|e| {
        malformed(
            xml,
            bom + e.valid_up_to(),
            "the document is not valid UTF-8 (only UTF-8 is accepted)",
        )
    })?;
    if let Some(at) = xml::first_non_char(text) {
        return Err(malformed(
            xml,
            bom + at,
            "a character XML does not allow (a control character other than tab and line breaks, \
             or U+FFFE / U+FFFF)",
        ));
    }
    let mut tokens = Tokenizer::new(text);
    let bad = |e: xml::Error| malformed(xml, bom + e.offset, e.what);

    let mut nodes: Vec<Node> = Vec::with_capacity(body.len() / 40);
    let mut attrs = Vec::new();
    let mut open: Vec<u32> = Vec::with_capacity(16);
    // The qualified name of each open element, which its end tag must repeat.
    let mut open_names: Vec<&str> = Vec::with_capacity(16);
    let mut keys: Vec<&str> = Vec::with_capacity(8);
    // Per open element, how many children of each name it has had so far.
    let mut child_names: Vec<SiblingCounter> = Vec::with_capacity(16);
    let mut scopes = Scopes::default();
    let mut names = Names::default();
    let mut kind = None;
    let mut root_done = false;
    loop {
        let at = tokens.position() + bom;
        match tokens.next_token().map_err(bad)? {
            Token::DocType => {
                return Err(reject(
                    RULE_DTD,
                    "/",
                    "The document carries a DOCTYPE declaration. DTDs and entity declarations are \
                     refused because they enable entity-expansion and external-entity attacks; \
                     UBL never needs them, so remove the DOCTYPE."
                        .to_owned(),
                ))
            }
            Token::Start {
                name: qname,
                attributes,
                empty,
            } => {
                if root_done {
                    return Err(malformed(xml, at, "a second root element"));
                }
                if open.len() >= MAX_DEPTH {
                    return Err(reject(
                        RULE_LIMIT,
                        "/",
                        format!(
                            "Elements are nested more than {MAX_DEPTH} deep (line {}). UBL \
                             documents are far shallower; flatten the document.",
                            line_column(xml, at).0
                        ),
                    ));
                }
                if nodes.len() >= MAX_ELEMENTS {
                    return Err(reject(
                        RULE_LIMIT,
                        "/",
                        format!("The document has more than {MAX_ELEMENTS} elements."),
                    ));
                }
                let (prefix, name) = split_prefix(qname);
                let first_attr = attrs.len() as u32;
                keys.clear();
                scopes.open();
                let attributes_at = attributes.as_ptr() as usize - text.as_ptr() as usize;
                for (n, attr) in Attributes::new(attributes, attributes_at).enumerate() {
                    if n >= MAX_ATTRIBUTES {
                        return Err(reject(
                            RULE_LIMIT,
                            "/",
                            format!(
                                "An element at line {} has more than {MAX_ATTRIBUTES} attributes.",
                                line_column(xml, at).0
                            ),
                        ));
                    }
                    let (key, raw) = attr.map_err(bad)?;
                    let value = unescape(raw).map_err(|e| {
                        let offset = raw.as_ptr() as usize - text.as_ptr() as usize + e.offset;
                        malformed(xml, bom + offset, e.what)
                    })?;
                    // An attribute may appear once per element (at most 32 to compare).
                    if keys.contains(&key) {
                        return Err(malformed(xml, at, "an attribute given twice"));
                    }
                    keys.push(key);
                    let declared = match key.strip_prefix("xmlns") {
                        Some("") => Some(""),
                        Some(named) => named.strip_prefix(':'),
                        None => None,
                    };
                    if let Some(prefix) = declared {
                        scopes.bind(prefix, Uri::of(value.as_bytes()));
                        continue;
                    }
                    attrs.push((split_prefix(key).1, value));
                }
                // Resolved after the element's own declarations, which apply to it too.
                let uri = scopes.resolve(prefix);
                let ns = uri.ns();
                let name_id = names.intern(ns, name);
                if nodes.is_empty() {
                    kind = Some(root_kind(uri, name)?);
                }
                let id = nodes.len() as u32;
                let parent = open.last().copied().unwrap_or(NONE);
                let depth = open.len();
                let position = match depth.checked_sub(1) {
                    Some(d) => child_names[d].next(name_id),
                    None => 1,
                };
                if child_names.len() == depth {
                    child_names.push(SiblingCounter::default());
                } else {
                    child_names[depth].clear();
                }
                if parent != NONE {
                    let p = &mut nodes[parent as usize];
                    let last = p.last_child;
                    p.last_child = id;
                    if last == NONE {
                        p.first_child = id;
                    } else {
                        nodes[last as usize].next_sibling = id;
                    }
                }
                nodes.push(Node {
                    ns,
                    name,
                    name_id,
                    parent,
                    first_child: NONE,
                    last_child: NONE,
                    next_sibling: NONE,
                    attrs: (first_attr, attrs.len() as u32),
                    position,
                    text: Cow::Borrowed(""),
                });
                if empty {
                    scopes.close();
                    root_done = open.is_empty();
                } else {
                    open.push(id);
                    open_names.push(qname);
                }
            }
            Token::End { name } => {
                // The end tag must repeat the start tag's name exactly, prefix included.
                if open_names.pop() != Some(name) {
                    return Err(malformed(
                        xml,
                        at,
                        "an end tag that does not match the open element",
                    ));
                }
                open.pop();
                scopes.close();
                root_done = open.is_empty();
            }
            Token::Text { raw, references } => {
                let Some(&current) = open.last() else {
                    if raw.bytes().all(|b| b.is_ascii_whitespace()) {
                        continue;
                    }
                    return Err(malformed(xml, at, "text outside the root element"));
                };
                // Whitespace after an element's first child only separates children; keeping
                // it would cost an allocation per aggregate and no rule reads it.
                if nodes[current as usize].first_child != NONE
                    && raw.bytes().all(|b| b.is_ascii_whitespace())
                {
                    continue;
                }
                let value = if references {
                    unescape(raw).map_err(|e| malformed(xml, at + e.offset, e.what))?
                } else {
                    Cow::Borrowed(raw)
                };
                append(&mut nodes[current as usize].text, value);
            }
            Token::CData(data) => {
                let Some(&current) = open.last() else {
                    return Err(malformed(xml, at, "CDATA outside the root element"));
                };
                append(&mut nodes[current as usize].text, Cow::Borrowed(data));
            }
            Token::Eof => break,
        }
    }
    if !open.is_empty() || nodes.is_empty() {
        return Err(malformed(
            xml,
            xml.len(),
            if nodes.is_empty() {
                "no root element"
            } else {
                "the document ends before its elements are closed"
            },
        ));
    }
    Ok(Doc {
        kind: kind.unwrap_or(DocumentKind::Invoice),
        nodes,
        attrs,
        names,
    })
}

/// Counts an element's children by name. UBL aggregates have a few dozen kinds of children, so
/// a short list is searched; past that a map keeps hostile documents linear.
#[derive(Default)]
struct SiblingCounter {
    few: Vec<(u32, u32)>,
    many: Option<std::collections::HashMap<u32, u32>>,
}

impl SiblingCounter {
    const FEW: usize = 64;

    /// The position of the next child named `name_id` among its same-named siblings.
    fn next(&mut self, name_id: u32) -> u32 {
        if let Some(many) = &mut self.many {
            let n = many.entry(name_id).or_insert(0);
            *n += 1;
            return *n;
        }
        if let Some(entry) = self.few.iter_mut().find(|(n, _)| *n == name_id) {
            entry.1 += 1;
            return entry.1;
        }
        if self.few.len() < Self::FEW {
            self.few.push((name_id, 1));
            return 1;
        }
        let mut many: std::collections::HashMap<u32, u32> = self.few.drain(..).collect();
        many.insert(name_id, 1);
        self.many = Some(many);
        1
    }

    fn clear(&mut self) {
        self.few.clear();
        self.many = None;
    }
}

fn root_kind(uri: Uri, name: &str) -> Result<DocumentKind, Rejection> {
    match (uri, name) {
        (Uri::Invoice, "Invoice") => Ok(DocumentKind::Invoice),
        (Uri::CreditNote, "CreditNote") => Ok(DocumentKind::CreditNote),
        _ => Err(reject(
            RULE_ROOT,
            "/",
            format!(
                "The root element is `{name}` in a namespace other than the UBL 2.1 Invoice or \
                 CreditNote one. Send a UBL 2.1 `Invoice` (namespace {}) or `CreditNote` \
                 (namespace {}).",
                Ns::INVOICE,
                Ns::CREDIT_NOTE
            ),
        )),
    }
}

/// Splits `cbc:ID` into its prefix (`""` when none) and local name.
fn split_prefix(qname: &str) -> (&str, &str) {
    match qname.as_bytes().iter().position(|&b| b == b':') {
        Some(colon) => (&qname[..colon], &qname[colon + 1..]),
        None => ("", qname),
    }
}

/// The namespaces the rules tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Uri {
    Cbc,
    Cac,
    Ext,
    Invoice,
    CreditNote,
    Other,
}

impl Uri {
    fn of(uri: &[u8]) -> Self {
        // Lengths differ between most of the URIs, so usually one comparison decides.
        [
            (Ns::CBC, Uri::Cbc),
            (Ns::CAC, Uri::Cac),
            (Ns::EXT, Uri::Ext),
            (Ns::INVOICE, Uri::Invoice),
            (Ns::CREDIT_NOTE, Uri::CreditNote),
        ]
        .into_iter()
        .find(|(known, _)| known.len() == uri.len() && known.as_bytes() == uri)
        .map_or(Uri::Other, |(_, u)| u)
    }

    fn ns(self) -> Ns {
        match self {
            Uri::Cbc => Ns::Cbc,
            Uri::Cac => Ns::Cac,
            Uri::Ext => Ns::Ext,
            Uri::Invoice | Uri::CreditNote => Ns::Doc,
            Uri::Other => Ns::Other,
        }
    }
}

/// In-scope namespace declarations. The rules only need to know which of five namespaces a
/// prefix names, so this keeps (prefix, which) per declaration rather than every URI.
#[derive(Default)]
struct Scopes<'a> {
    bindings: Vec<(&'a str, Uri)>,
    /// Where each open element's declarations start in `bindings`.
    marks: Vec<usize>,
}

impl<'a> Scopes<'a> {
    fn open(&mut self) {
        self.marks.push(self.bindings.len());
    }

    fn bind(&mut self, prefix: &'a str, uri: Uri) {
        self.bindings.push((prefix, uri));
    }

    fn close(&mut self) {
        if let Some(mark) = self.marks.pop() {
            self.bindings.truncate(mark);
        }
    }

    /// The namespace of `prefix` ("" for the default namespace); unbound prefixes and the
    /// undeclared default namespace are `Other`.
    fn resolve(&self, prefix: &str) -> Uri {
        self.bindings
            .iter()
            .rev()
            .find(|(p, _)| *p == prefix)
            .map_or(Uri::Other, |(_, u)| *u)
    }
}

fn append<'a>(text: &mut Cow<'a, str>, more: Cow<'a, str>) {
    if text.is_empty() {
        *text = more;
    } else if !more.is_empty() {
        text.to_mut().push_str(&more);
    }
}
