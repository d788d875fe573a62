//! Hostile and broken input is reported, never expanded, fetched or panicked on.

use invoicer_einvoice::{validate, DocumentKind, Flag};

fn only_rule(xml: &[u8]) -> &'static str {
    let report = validate(xml);
    assert_eq!(report.findings.len(), 1, "{report:?}");
    assert_eq!(report.findings[0].flag, Flag::Fatal);
    assert_eq!(report.document, None);
    report.findings[0].rule
}

#[test]
fn a_billion_laughs_document_is_refused_without_expansion() {
    let xml = br#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&lol3;</Invoice>"#;
    assert_eq!(only_rule(xml), "XML-DTD-FORBIDDEN");
}

#[test]
fn an_external_entity_is_refused_and_never_fetched() {
    let xml = br#"<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&xxe;</ID></Invoice>"#;
    assert_eq!(only_rule(xml), "XML-DTD-FORBIDDEN");
}

#[test]
fn an_undeclared_entity_is_malformed_xml() {
    let xml = br#"<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&xxe;</Invoice>"#;
    assert_eq!(only_rule(xml), "XML-MALFORMED");
}

#[test]
fn malformed_xml_is_reported_with_line_and_column() {
    let xml = b"<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\">\n  <a>\n  </b>\n</Invoice>";
    let report = validate(xml);
    assert_eq!(report.findings[0].rule, "XML-MALFORMED");
    assert!(
        report.findings[0].message.contains("line 3"),
        "{}",
        report.findings[0].message
    );
    for xml in [
        &b""[..],
        b"<",
        b"<a>",
        b"text",
        b"<Invoice></Invoice><Invoice/>",
        b"\xff\xfe<a/>",
    ] {
        let rule = validate(xml).findings[0].rule;
        assert!(rule.starts_with("XML-") || rule == "UBL-ROOT", "{rule}");
    }
}

#[test]
fn characters_xml_does_not_allow_are_malformed_xml_raw_or_referenced() {
    let ns = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
    for text in [
        "A\u{0}B",
        "\u{1}",
        "x\u{1F}",
        "x\u{FFFE}",
        "x\u{FFFF}",
        "&#0;",
        "&#x1;",
        "&#xFFFF;",
    ] {
        let xml = format!("<Invoice xmlns=\"{ns}\">\n<ID>{text}</ID></Invoice>");
        let report = validate(xml.as_bytes());
        assert_eq!(
            report.findings[0].rule, "XML-MALFORMED",
            "{text:?}: {report:?}"
        );
        assert!(report.findings[0].message.contains("line 2"), "{report:?}");
    }
}

#[test]
fn a_wrong_root_or_namespace_is_a_clear_finding() {
    assert_eq!(only_rule(b"<Invoice/>"), "UBL-ROOT");
    assert_eq!(
        only_rule(b"<Order xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Order-2\"/>"),
        "UBL-ROOT"
    );
    assert_eq!(
        only_rule(
            b"<CreditNote xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"/>"
        ),
        "UBL-ROOT"
    );
}

#[test]
fn nesting_beyond_the_depth_limit_is_refused() {
    let mut xml =
        String::from("<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\">");
    for _ in 0..200 {
        xml.push_str("<a>");
    }
    assert_eq!(only_rule(xml.as_bytes()), "XML-LIMIT");
}

#[test]
fn too_many_attributes_on_one_element_are_refused() {
    let mut xml = String::from(
        "<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\"><a",
    );
    for i in 0..100 {
        xml.push_str(&format!(" a{i}=\"x\""));
    }
    xml.push_str("/></Invoice>");
    assert_eq!(only_rule(xml.as_bytes()), "XML-LIMIT");
}

#[test]
fn a_credit_note_is_recognised_with_any_prefix() {
    let xml =
        br#"<cn:CreditNote xmlns:cn="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"/>"#;
    assert_eq!(validate(xml).document, Some(DocumentKind::CreditNote));
}

#[test]
fn the_report_serialises_with_counts_and_without_empty_figures() {
    let report = validate(b"<Invoice/>");
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["document"], serde_json::Value::Null);
    assert_eq!(json["fatal"], 1);
    assert_eq!(json["warning"], 0);
    assert_eq!(json["findings"][0]["flag"], "fatal");
    assert_eq!(json["findings"][0]["rule"], "UBL-ROOT");
    assert!(json["findings"][0].get("computed").is_none());
    let xml = br#"<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>"#;
    assert_eq!(
        serde_json::to_value(validate(xml)).unwrap()["document"],
        "invoice"
    );
}

#[test]
fn elements_are_matched_by_namespace_not_by_prefix() {
    let doc = |id: &str| {
        format!(
            "<Invoice xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2\" \
             xmlns:b=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">{id}</Invoice>"
        )
    };
    let fires = |xml: String, rule: &str| {
        validate(xml.as_bytes())
            .findings
            .iter()
            .any(|f| f.rule == rule)
    };
    // Any prefix bound to the CBC namespace names a cbc element…
    assert!(!fires(doc("<b:ID>1</b:ID>"), "BR-02"));
    // …and the usual prefix bound elsewhere, or an unbound one, does not.
    assert!(fires(
        doc("<cbc:ID xmlns:cbc=\"urn:example\">1</cbc:ID>"),
        "BR-02"
    ));
    assert!(fires(doc("<ID>1</ID>"), "BR-02"));
    // A default namespace declared on the element applies to the element itself.
    assert!(!fires(doc("<ID xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">1</ID>"), "BR-02"));
}
