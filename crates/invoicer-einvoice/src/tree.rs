//! The parsed document: a compact arena of elements that the rules walk without reparsing.
//!
//! Names are matched by namespace and local name, never by the prefix the sender chose, so
//! `<cbc:ID>` and `<b:ID xmlns:b="…CommonBasicComponents-2">` are the same element.

use std::borrow::Cow;

use crate::report::DocumentKind;

/// The namespaces rules talk about; everything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Ns {
    Cbc,
    Cac,
    Ext,
    /// The Invoice-2 or CreditNote-2 document namespace.
    Doc,
    Other,
}

impl Ns {
    pub(crate) const CBC: &'static str =
        "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
    pub(crate) const CAC: &'static str =
        "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
    pub(crate) const EXT: &'static str =
        "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2";
    pub(crate) const INVOICE: &'static str =
        "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
    pub(crate) const CREDIT_NOTE: &'static str =
        "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";

    fn prefix(self) -> &'static str {
        match self {
            Ns::Cbc => "cbc:",
            Ns::Cac => "cac:",
            Ns::Ext => "ext:",
            Ns::Doc => "",
            Ns::Other => "*:",
        }
    }

    /// Splits `cbc:ID` into its namespace and local name. Called for every step the rules
    /// take, so the three UBL prefixes are recognised without searching.
    pub(crate) fn split(qname: &str) -> (Ns, &str) {
        let b = qname.as_bytes();
        if b.len() > 4 && b[3] == b':' {
            match &b[..3] {
                b"cbc" => return (Ns::Cbc, &qname[4..]),
                b"cac" => return (Ns::Cac, &qname[4..]),
                b"ext" => return (Ns::Ext, &qname[4..]),
                _ => {}
            }
        }
        match b.iter().position(|&c| c == b':') {
            Some(colon) => (Ns::Other, &qname[colon + 1..]),
            None => (Ns::Doc, qname),
        }
    }
}

pub(crate) const NONE: u32 = u32::MAX;

#[derive(Debug)]
pub(crate) struct Node<'a> {
    pub(crate) ns: Ns,
    pub(crate) name: &'a str,
    /// The element's name (namespace and local name) as an index into [`Doc::names`]: equal
    /// names have equal ids, so rules that look at many elements compare integers.
    pub(crate) name_id: u32,
    pub(crate) parent: u32,
    pub(crate) first_child: u32,
    pub(crate) last_child: u32,
    pub(crate) next_sibling: u32,
    pub(crate) attrs: (u32, u32),
    /// Position among the siblings of the same name, from 1 (the XPath `[n]` of a location).
    pub(crate) position: u32,
    /// The element's own character data (text and CDATA children, concatenated).
    pub(crate) text: Cow<'a, str>,
}

#[derive(Debug)]
pub(crate) struct Doc<'a> {
    pub(crate) kind: DocumentKind,
    pub(crate) nodes: Vec<Node<'a>>,
    pub(crate) attrs: Vec<(&'a str, Cow<'a, str>)>,
    /// Every distinct element name of the document, indexed by [`Node::name_id`].
    pub(crate) names: Names<'a>,
}

/// The distinct element names of one document.
///
/// A document has a few dozen distinct names, so they live in a small open-addressing table
/// under a cheap fingerprint, each name within a short probe window of its slot. Names come
/// from untrusted input, so when a window is full (many names sharing fingerprints) the name
/// goes to a map with the standard, randomly keyed hasher instead: crafted collisions cost a
/// bounded probe, never quadratic time.
#[derive(Debug)]
pub(crate) struct Names<'a> {
    /// Ids by fingerprint slot, `NONE` when free; always checked against `list`.
    table: Box<[u32; Names::SLOTS]>,
    /// Names whose probe window was full.
    overflow: Option<std::collections::HashMap<(Ns, &'a str), u32>>,
    list: Vec<(Ns, &'a str)>,
}

impl Default for Names<'_> {
    fn default() -> Self {
        Names {
            table: Box::new([NONE; Names::SLOTS]),
            overflow: None,
            list: Vec::with_capacity(64),
        }
    }
}

impl<'a> Names<'a> {
    const SLOTS: usize = 512;
    const WINDOW: usize = 8;

    fn fingerprint(ns: Ns, local: &str) -> usize {
        let b = local.as_bytes();
        let n = b.len();
        let (first, middle, last) = match b {
            [] => (0, 0, 0),
            _ => (b[0] as usize, b[n / 2] as usize, b[n - 1] as usize),
        };
        // Length and three letters tell UBL's names apart well enough; collisions only cost
        // a probe.
        (n.wrapping_mul(37) ^ first.wrapping_mul(5) ^ middle.wrapping_mul(11) ^ (last << 3))
            .wrapping_add(ns as usize * 97)
    }

    /// The id of `(ns, local)`, if it was interned.
    fn find(&self, ns: Ns, local: &str) -> Result<u32, Option<usize>> {
        let start = Self::fingerprint(ns, local);
        for probe in 0..Self::WINDOW {
            let slot = (start + probe) % Self::SLOTS;
            let id = self.table[slot];
            match self.list.get(id as usize) {
                None => return Err(Some(slot)),
                Some(&(n, l)) if n == ns && l == local => return Ok(id),
                Some(_) => {}
            }
        }
        match self.overflow.as_ref().and_then(|m| m.get(&(ns, local))) {
            Some(&id) => Ok(id),
            None => Err(None),
        }
    }

    /// The id of `(ns, local)`, assigning the next one to a name not seen before.
    pub(crate) fn intern(&mut self, ns: Ns, local: &'a str) -> u32 {
        match self.find(ns, local) {
            Ok(id) => id,
            Err(free) => {
                let id = self.list.len() as u32;
                self.list.push((ns, local));
                match free {
                    Some(slot) => self.table[slot] = id,
                    None => {
                        self.overflow
                            .get_or_insert_with(Default::default)
                            .insert((ns, local), id);
                    }
                }
                id
            }
        }
    }

    /// The id of `qname` (`cbc:ID`), if any element of the document has that name.
    pub(crate) fn id(&self, qname: &str) -> Option<u32> {
        let (ns, local) = Ns::split(qname);
        self.find(ns, local).ok()
    }

    /// How many distinct names there are; ids are below this.
    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    /// The name with id `id`.
    pub(crate) fn get(&self, id: u32) -> (Ns, &'a str) {
        self.list[id as usize]
    }
}

impl<'a> Doc<'a> {
    pub(crate) fn root(&self) -> El<'_, 'a> {
        El { doc: self, id: 0 }
    }

    /// Every element in document order.
    pub(crate) fn elements(&self) -> impl Iterator<Item = El<'_, 'a>> {
        (0..self.nodes.len() as u32).map(move |id| El { doc: self, id })
    }

    /// Every element named `qname` in document order: the name is resolved once and the
    /// elements compared by name id.
    pub(crate) fn named(&self, qname: &str) -> impl Iterator<Item = El<'_, 'a>> {
        self.named_any([qname])
    }

    /// Every element named any of `qnames`, in document order.
    pub(crate) fn named_any<const N: usize>(
        &self,
        qnames: [&str; N],
    ) -> impl Iterator<Item = El<'_, 'a>> {
        let ids = qnames.map(|q| self.names.id(q).unwrap_or(NONE));
        let nodes = if ids.iter().all(|&i| i == NONE) {
            &[][..]
        } else {
            &self.nodes[..]
        };
        nodes
            .iter()
            .enumerate()
            .filter(move |(_, n)| ids.contains(&n.name_id))
            .map(move |(id, _)| El {
                doc: self,
                id: id as u32,
            })
    }

    pub(crate) fn is_invoice(&self) -> bool {
        self.kind == DocumentKind::Invoice
    }
}

/// The children of one element that have one name ([`El::all`]). The rules ask for children
/// by name more than for anything else, so this walks the sibling links directly, one node
/// read per child.
pub(crate) struct Named<'d, 'a, 'q> {
    doc: &'d Doc<'a>,
    next: u32,
    ns: Ns,
    local: &'q str,
}

impl<'d, 'a> Iterator for Named<'d, 'a, '_> {
    type Item = El<'d, 'a>;

    fn next(&mut self) -> Option<Self::Item> {
        while let Some(n) = self.doc.nodes.get(self.next as usize) {
            let id = self.next;
            self.next = n.next_sibling;
            if n.ns == self.ns && n.name == self.local {
                return Some(El { doc: self.doc, id });
            }
        }
        None
    }
}

/// A handle on one element of a [`Doc`].
#[derive(Clone, Copy)]
pub(crate) struct El<'d, 'a> {
    doc: &'d Doc<'a>,
    id: u32,
}

impl PartialEq for El<'_, '_> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && std::ptr::eq(self.doc, other.doc)
    }
}

impl std::fmt::Debug for El<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.location())
    }
}

impl<'d, 'a> El<'d, 'a> {
    fn node(self) -> &'d Node<'a> {
        &self.doc.nodes[self.id as usize]
    }

    pub(crate) fn doc(self) -> &'d Doc<'a> {
        self.doc
    }

    pub(crate) fn ns(self) -> Ns {
        self.node().ns
    }

    pub(crate) fn local_name(self) -> &'d str {
        self.node().name
    }

    /// The element's name id (see [`Node::name_id`]).
    pub(crate) fn name_id(self) -> u32 {
        self.node().name_id
    }

    /// Whether this element is `qname` (`cbc:ID`, `cac:Party`).
    pub(crate) fn is(self, qname: &str) -> bool {
        let n = self.node();
        let q = qname.as_bytes();
        // Called for nearly every element by every scan: decide on the length and the
        // prefix bytes before comparing names.
        let prefixed = |prefix: &[u8; 4]| {
            q.len() == n.name.len() + 4 && q.starts_with(prefix) && &q[4..] == n.name.as_bytes()
        };
        match n.ns {
            Ns::Cbc => prefixed(b"cbc:"),
            Ns::Cac => prefixed(b"cac:"),
            Ns::Ext => prefixed(b"ext:"),
            Ns::Doc => q == n.name.as_bytes(),
            Ns::Other => Ns::split(qname) == (Ns::Other, n.name),
        }
    }

    pub(crate) fn parent(self) -> Option<Self> {
        let p = self.node().parent;
        (p != NONE).then_some(El {
            doc: self.doc,
            id: p,
        })
    }

    /// Ancestors, nearest first.
    pub(crate) fn ancestors(self) -> impl Iterator<Item = Self> {
        std::iter::successors(self.parent(), |e| e.parent())
    }

    pub(crate) fn has_children(self) -> bool {
        self.node().first_child != NONE
    }

    pub(crate) fn has_attributes(self) -> bool {
        self.node().attrs.0 != self.node().attrs.1
    }

    pub(crate) fn children(self) -> impl Iterator<Item = Self> {
        let doc = self.doc;
        let first = self.node().first_child;
        std::iter::successors((first != NONE).then_some(first), move |&id| {
            let n = doc.nodes[id as usize].next_sibling;
            (n != NONE).then_some(n)
        })
        .map(move |id| El { doc, id })
    }

    /// Every descendant in document order (the subtree is contiguous in the arena).
    pub(crate) fn descendants(self) -> impl Iterator<Item = Self> {
        let doc = self.doc;
        let end = self.subtree_end();
        (self.id + 1..end).map(move |id| El { doc, id })
    }

    fn subtree_end(self) -> u32 {
        let mut e = self;
        loop {
            let n = e.node();
            if n.next_sibling != NONE {
                return n.next_sibling;
            }
            match e.parent() {
                Some(p) => e = p,
                None => return self.doc.nodes.len() as u32,
            }
        }
    }

    /// Children named `qname`.
    pub(crate) fn all<'q>(self, qname: &'q str) -> Named<'d, 'a, 'q> {
        let (ns, local) = Ns::split(qname);
        Named {
            doc: self.doc,
            next: self.node().first_child,
            ns,
            local,
        }
    }

    /// The first child named `qname`.
    pub(crate) fn child(self, qname: &str) -> Option<Self> {
        self.all(qname).next()
    }

    pub(crate) fn has(self, qname: &str) -> bool {
        self.child(qname).is_some()
    }

    /// Elements reached by a relative path of child steps, `cac:Party/cbc:EndpointID`, in
    /// document order.
    pub(crate) fn select(self, path: &'static str) -> Vec<Self> {
        let mut found = Vec::new();
        self.select_into(path, &mut found);
        found
    }

    /// Depth first over the steps, which yields document order with one allocation.
    fn select_into(self, path: &str, found: &mut Vec<Self>) {
        match first_step(path) {
            (step, None) => found.extend(self.all(step)),
            (step, Some(rest)) => {
                for c in self.all(step) {
                    c.select_into(rest, found);
                }
            }
        }
    }

    /// How many elements `path` reaches (see [`El::select`]), without collecting them.
    pub(crate) fn count(self, path: &str) -> usize {
        match first_step(path) {
            (step, None) => self.all(step).count(),
            (step, Some(rest)) => self.all(step).map(|c| c.count(rest)).sum(),
        }
    }

    /// The first element reached by `path` (see [`El::select`]).
    pub(crate) fn find(self, path: &str) -> Option<Self> {
        match first_step(path) {
            (step, None) => self.child(step),
            (step, Some(rest)) => self.all(step).find_map(|c| c.find(rest)),
        }
    }

    pub(crate) fn exists(self, path: &str) -> bool {
        self.find(path).is_some()
    }

    /// The element's own text, unnormalised.
    pub(crate) fn raw_text(self) -> &'d str {
        &self.node().text
    }

    /// XPath `normalize-space(.)` for a leaf; for an element with children, its string value.
    pub(crate) fn text(self) -> Cow<'d, str> {
        if self.node().first_child == NONE {
            normalize(&self.node().text)
        } else {
            let mut all = String::from(&*self.node().text);
            for d in self.descendants() {
                all.push_str(&d.node().text);
            }
            Cow::Owned(normalize(&all).into_owned())
        }
    }

    /// `normalize-space(path)` of the first element at `path`, empty when absent.
    pub(crate) fn text_at(self, path: &str) -> Cow<'d, str> {
        self.find(path)
            .map(|e| e.text())
            .unwrap_or(Cow::Borrowed(""))
    }

    /// The element's attributes as (local name, value), in document order.
    pub(crate) fn attributes(self) -> impl Iterator<Item = (&'d str, &'d str)> {
        let (from, to) = self.node().attrs;
        self.doc.attrs[from as usize..to as usize]
            .iter()
            .map(|(n, v)| (*n, &**v))
    }

    pub(crate) fn attr(self, name: &str) -> Option<&'d str> {
        let (from, to) = self.node().attrs;
        self.doc.attrs[from as usize..to as usize]
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| &**v)
    }

    /// The XPath of this element, `/Invoice[1]/cac:InvoiceLine[3]/cbc:ID[1]`.
    pub(crate) fn location(self) -> String {
        let mut chain: Vec<El> = self.ancestors().collect();
        chain.reverse();
        chain.push(self);
        let mut out = String::new();
        for e in chain {
            let n = e.node();
            let position = n.position;
            out.push('/');
            out.push_str(n.ns.prefix());
            out.push_str(n.name);
            out.push('[');
            out.push_str(&position.to_string());
            out.push(']');
        }
        out
    }
}

/// Splits `a/b/c` into `a` and `Some("b/c")`. Paths are a few short steps, so a plain byte
/// scan beats a general string search.
fn first_step(path: &str) -> (&str, Option<&str>) {
    match path.as_bytes().iter().position(|&b| b == b'/') {
        Some(slash) => (&path[..slash], Some(&path[slash + 1..])),
        None => (path, None),
    }
}

/// XPath `normalize-space`: trims and collapses runs of XML whitespace to one space. XML
/// whitespace is ASCII, so the text is scanned as bytes; most values need no change and are
/// returned borrowed.
pub(crate) fn normalize(s: &str) -> Cow<'_, str> {
    let is_ws = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let bytes = s.as_bytes();
    // Most values (codes, amounts, dates) hold no byte at or below the space at all; one
    // branch-free pass settles those.
    if bytes.iter().fold(true, |clean, &b| clean & (b > b' ')) {
        return Cow::Borrowed(s);
    }
    let start = bytes.iter().position(|&b| !is_ws(b)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_ws(b))
        .map_or(start, |i| i + 1);
    let trimmed = &s[start..end];
    let inner = trimmed.as_bytes();
    let clean = inner
        .iter()
        .enumerate()
        .all(|(i, &b)| !is_ws(b) || (b == b' ' && !is_ws(inner[i + 1])));
    if clean {
        return Cow::Borrowed(trimmed);
    }
    let mut out = String::with_capacity(trimmed.len());
    let mut in_ws = false;
    for c in trimmed.chars() {
        if c.is_ascii() && is_ws(c as u8) {
            in_ws = true;
        } else {
            if in_ws {
                out.push(' ');
                in_ws = false;
            }
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn normalize_space_trims_and_collapses_xml_whitespace_only() {
        assert_eq!(normalize("  a \t\n b  "), "a b");
        assert_eq!(normalize("a b"), "a b");
        assert!(matches!(
            normalize(" ab "),
            std::borrow::Cow::Borrowed("ab")
        ));
        assert_eq!(normalize(" Ünï  cødé "), "Ünï cødé");
        assert_eq!(normalize("\u{a0}x\u{a0}"), "\u{a0}x\u{a0}");
        assert_eq!(normalize(" \r\n "), "");
    }
}
