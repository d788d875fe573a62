//! Every code in the catalog is reachable: some test of this suite triggers it through HTTP and
//! checks its whole envelope with `assert_problem(…, "code")`.

const SOURCES: &[&str] = &[
    include_str!("admin.rs"),
    include_str!("api_keys.rs"),
    include_str!("auth.rs"),
    include_str!("businesses.rs"),
    include_str!("credit_notes.rs"),
    include_str!("einvoices.rs"),
    include_str!("envelope.rs"),
    include_str!("idempotency.rs"),
    include_str!("imports.rs"),
    include_str!("invoices.rs"),
    include_str!("limits.rs"),
    include_str!("tenancy.rs"),
    include_str!("ubl.rs"),
];

#[test]
fn every_catalogued_code_is_triggered_by_a_test() {
    let asserted: Vec<&str> = SOURCES
        .iter()
        .flat_map(|src| src.split("assert_problem(").skip(1))
        .filter_map(|call| call.split(';').next())
        .filter_map(|args| args.rsplit('"').nth(1))
        .collect();
    // The tenancy test asserts codes held in a table; count the table's entries too.
    let tabled: Vec<&str> = SOURCES
        .iter()
        .flat_map(|src| src.lines())
        .filter_map(|l| l.trim_end().strip_suffix("\"),"))
        .filter_map(|l| l.rsplit('"').next())
        .collect();
    let missing: Vec<&str> = invoicer_api_types::ErrorCode::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|code| !asserted.contains(code) && !tabled.contains(code))
        .collect();
    assert!(missing.is_empty(), "no test triggers: {missing:?}");
}
