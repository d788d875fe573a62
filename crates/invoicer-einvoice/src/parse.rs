//! Reading untrusted bytes into a [`Doc`], safely.
//!
//! quick-xml never expands entities beyond the five predefined ones and never fetches anything;
//! on top of that any DOCTYPE is refused outright (that is where billion-laughs and XXE payloads
//! live), and depth, size, element and attribute counts are bounded, so the cost of a hostile
//! document is linear in its length and capped.

use std::borrow::Cow;

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use crate::report::{DocumentKind, Finding, Flag};
use crate::tree::{Doc, Node, Ns, NONE};

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

fn utf8<'a>(xml: &[u8], offset: usize, bytes: &'a [u8]) -> Result<&'a str, Rejection> {
    std::str::from_utf8(bytes).map_err(|_| malformed(xml, offset, "invalid UTF-8 in a name"))
}

fn cow_utf8<'a>(
    xml: &[u8],
    offset: usize,
    bytes: Cow<'a, [u8]>,
) -> Result<Cow<'a, str>, Rejection> {
    match bytes {
        Cow::Borrowed(b) => std::str::from_utf8(b).map(Cow::Borrowed),
        Cow::Owned(b) => String::from_utf8(b)
            .map(Cow::Owned)
            .map_err(|e| e.utf8_error()),
    }
    .map_err(|_| malformed(xml, offset, "invalid UTF-8 in character data"))
}

fn namespace(resolved: &ResolveResult) -> Ns {
    match resolved {
        ResolveResult::Bound(ns) => match ns.as_ref() {
            b if b == Ns::CBC.as_bytes() => Ns::Cbc,
            b if b == Ns::CAC.as_bytes() => Ns::Cac,
            b if b == Ns::EXT.as_bytes() => Ns::Ext,
            b if b == Ns::INVOICE.as_bytes() || b == Ns::CREDIT_NOTE.as_bytes() => Ns::Doc,
            _ => Ns::Other,
        },
        _ => Ns::Other,
    }
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
    let mut reader = NsReader::from_reader(body);
    reader.config_mut().expand_empty_elements = true;
    reader.config_mut().check_end_names = true;

    let mut nodes: Vec<Node> = Vec::with_capacity(body.len() / 40);
    let mut attrs = Vec::new();
    let mut open: Vec<u32> = Vec::with_capacity(16);
    let mut kind = None;
    let mut root_done = false;
    loop {
        let at = reader.buffer_position() as usize + bom;
        let (resolved, event) = match reader.read_resolved_event() {
            Ok(ok) => ok,
            Err(e) => {
                return Err(malformed(
                    xml,
                    reader.error_position() as usize + bom,
                    &e.to_string(),
                ))
            }
        };
        match event {
            Event::DocType(_) => {
                return Err(reject(
                    RULE_DTD,
                    "/",
                    "The document carries a DOCTYPE declaration. DTDs and entity declarations are \
                     refused because they enable entity-expansion and external-entity attacks; \
                     UBL never needs them, so remove the DOCTYPE."
                        .to_owned(),
                ))
            }
            Event::Start(start) => {
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
                let ns = namespace(&resolved);
                let name = reborrow_name(body, utf8(xml, at, start.local_name().into_inner())?);
                if nodes.is_empty() {
                    kind = Some(root_kind(&resolved, name)?);
                }
                let first_attr = attrs.len() as u32;
                for (n, attr) in start.attributes().enumerate() {
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
                    let attr = attr.map_err(|e| malformed(xml, at, &e.to_string()))?;
                    let key = attr.key;
                    if key.as_namespace_binding().is_some() {
                        continue;
                    }
                    let key = reborrow_name(body, utf8(xml, at, key.local_name().into_inner())?);
                    let value = attr
                        .unescape_value()
                        .map_err(|e| malformed(xml, at, &e.to_string()))?;
                    attrs.push((key, detach(body, value)));
                }
                let id = nodes.len() as u32;
                let parent = open.last().copied().unwrap_or(NONE);
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
                    parent,
                    first_child: NONE,
                    last_child: NONE,
                    next_sibling: NONE,
                    attrs: (first_attr, attrs.len() as u32),
                    text: Cow::Borrowed(""),
                });
                open.push(id);
            }
            Event::End(_) => {
                open.pop();
                if open.is_empty() {
                    root_done = true;
                }
            }
            Event::Text(text) => {
                let Some(&current) = open.last() else {
                    if text.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    return Err(malformed(xml, at, "text outside the root element"));
                };
                let value = text
                    .unescape()
                    .map_err(|e| malformed(xml, at, &e.to_string()))?;
                append(&mut nodes[current as usize].text, value);
            }
            Event::CData(data) => {
                let Some(&current) = open.last() else {
                    return Err(malformed(xml, at, "CDATA outside the root element"));
                };
                let value = cow_utf8(xml, at, data.into_inner())?;
                append(&mut nodes[current as usize].text, value);
            }
            Event::Eof => break,
            Event::Empty(_) | Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
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
    })
}

fn root_kind(resolved: &ResolveResult, name: &str) -> Result<DocumentKind, Rejection> {
    let uri: &[u8] = match resolved {
        ResolveResult::Bound(ns) => ns.as_ref(),
        _ => b"",
    };
    match (uri, name) {
        (u, "Invoice") if u == Ns::INVOICE.as_bytes() => Ok(DocumentKind::Invoice),
        (u, "CreditNote") if u == Ns::CREDIT_NOTE.as_bytes() => Ok(DocumentKind::CreditNote),
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

/// quick-xml hands out names and attribute values borrowed from the event, not from the input,
/// although they point into the input when nothing was unescaped. This finds the same bytes in
/// `body` so the tree stores them with `body`'s lifetime instead of copying every name.
fn reborrow<'a>(body: &'a [u8], s: &str) -> Option<&'a str> {
    let start = (s.as_ptr() as usize).checked_sub(body.as_ptr() as usize)?;
    let bytes = body.get(start..start.checked_add(s.len())?)?;
    // Equal pointers and lengths: these are the very bytes of `s`, already valid UTF-8.
    std::str::from_utf8(bytes).ok()
}

fn reborrow_name<'a>(body: &'a [u8], s: &str) -> &'a str {
    // Names from a slice reader always point into the input; if that ever changed, leaking
    // nothing but recognising no element keeps the validator safe (it reports a root error).
    reborrow(body, s).unwrap_or("")
}

fn detach<'a>(body: &'a [u8], value: Cow<'_, str>) -> Cow<'a, str> {
    match value {
        Cow::Borrowed(s) => match reborrow(body, s) {
            Some(r) => Cow::Borrowed(r),
            None => Cow::Owned(s.to_owned()),
        },
        Cow::Owned(s) => Cow::Owned(s),
    }
}

fn append<'a>(text: &mut Cow<'a, str>, more: Cow<'a, str>) {
    if text.is_empty() {
        *text = more;
    } else if !more.is_empty() {
        text.to_mut().push_str(&more);
    }
}
