//! Plans: what an account may use. Request rates, invoice creations an hour, webhook deliveries
//! an hour, monthly quotas per counted resource, caps on API keys and webhook endpoints, and the
//! features it includes; `None` is unlimited. Plans are data, read from TOML: the operator's file
//! (`INVOICER_PLANS`) or the built-in `plans.toml`, whose figures come from the references.
//! Enforcing them is not this module's business.

use std::{
    collections::{BTreeMap, BTreeSet},
    fmt,
};

use time::{Date, Month, OffsetDateTime, UtcOffset};

use crate::validation::Invalid;

/// The built-in plans, used when no plans file is configured.
pub const BUILT_IN: &str = include_str!("../plans.toml");
/// The plan of the account a fresh install creates; every plans file defines it.
pub const SELF_HOSTED: &str = "self_hosted";
/// The plan of a new account that names none.
pub const DEFAULT_PLAN: &str = "basic";

crate::text_enum! {
    /// What a monthly quota counts.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub enum Metered("counted resource") {
        Invoices = "invoices",
        EinvoiceValidations = "einvoice_validations",
        LedgerRecords = "ledger_records",
        WebhookDeliveries = "webhook_deliveries",
    }
}

/// One plan. Rates per minute and invoice creations per hour count per API key; deliveries per
/// hour, monthly quotas and caps per account. A read is a GET; anything else is a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub name: String,
    pub reads_per_minute: Option<u64>,
    pub writes_per_minute: Option<u64>,
    pub invoices_per_hour: Option<u64>,
    pub webhook_deliveries_per_hour: Option<u64>,
    /// Per calendar month (UTC); a resource left out is unlimited.
    pub monthly_quotas: BTreeMap<Metered, u64>,
    /// Keys not revoked (nor expired), in both environments.
    pub max_api_keys: Option<u64>,
    pub max_webhook_endpoints: Option<u64>,
    /// The features included; `None` includes every feature.
    pub features: Option<BTreeSet<String>>,
}

impl Plan {
    /// A plan with no limit and every feature.
    pub fn unlimited(name: &str) -> Plan {
        Plan {
            name: name.to_owned(),
            reads_per_minute: None,
            writes_per_minute: None,
            invoices_per_hour: None,
            webhook_deliveries_per_hour: None,
            monthly_quotas: BTreeMap::new(),
            max_api_keys: None,
            max_webhook_endpoints: None,
            features: None,
        }
    }

    pub fn monthly_quota(&self, resource: Metered) -> Option<u64> {
        self.monthly_quotas.get(&resource).copied()
    }

    pub fn includes(&self, feature: &str) -> bool {
        self.features.as_ref().is_none_or(|f| f.contains(feature))
    }
}

/// The configured plans, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plans(BTreeMap<String, Plan>);

impl Plans {
    /// The plans of `plans.toml`, compiled in.
    pub fn built_in() -> Plans {
        Self::parse(BUILT_IN)
            .unwrap_or_else(|e| unreachable!("the built-in plans are refused: {e}"))
    }

    pub fn get(&self, name: &str) -> Option<&Plan> {
        self.0.get(name)
    }

    pub fn names(&self) -> Vec<&str> {
        self.0.keys().map(String::as_str).collect()
    }

    /// A plan an account may be put on, or `unknown_plan` listing those that exist.
    pub fn check(&self, name: &str) -> Result<&Plan, Invalid> {
        self.get(name).ok_or_else(|| {
            Invalid::new(
                "unknown_plan",
                format!(
                    "`{name}` is not a configured plan; allowed: {}.",
                    self.names().join(", ")
                ),
            )
        })
    }

    /// Reads a plans file, reporting every fault with the plan and field it is in.
    pub fn parse(text: &str) -> Result<Plans, PlanErrors> {
        let root: toml::Table = toml::from_str(text).map_err(|e| syntax_error(text, &e))?;
        let mut errors = Vec::new();
        let mut plans = BTreeMap::new();
        for (key, value) in &root {
            if key != "plans" {
                errors.push(PlanError::new(
                    None,
                    Some(key),
                    "not a setting; the file holds only [plans.NAME] tables",
                ));
            } else if !value.is_table() {
                errors.push(PlanError::new(
                    None,
                    Some(key),
                    "must be a table of plans: [plans.NAME]",
                ));
            }
        }
        if let Some(toml::Value::Table(table)) = root.get("plans") {
            for (name, value) in table {
                if let Some(plan) = plan(name, value, &mut errors) {
                    plans.insert(name.clone(), plan);
                }
            }
        }
        if root
            .get("plans")
            .is_none_or(|p| p.is_table() && p.get(SELF_HOSTED).is_none())
        {
            errors.push(PlanError::new(
                Some(SELF_HOSTED),
                None,
                "missing; it is the plan of the account a fresh install creates, so every plans \
                 file defines it (an empty [plans.self_hosted] is unlimited)",
            ));
        }
        if errors.is_empty() {
            Ok(Plans(plans))
        } else {
            Err(PlanErrors(errors))
        }
    }
}

const FIGURES: &[&str] = &[
    "reads_per_minute",
    "writes_per_minute",
    "invoices_per_hour",
    "webhook_deliveries_per_hour",
    "max_api_keys",
    "max_webhook_endpoints",
];

fn plan(name: &str, value: &toml::Value, errors: &mut Vec<PlanError>) -> Option<Plan> {
    let before = errors.len();
    if !is_name(name) {
        errors.push(PlanError::new(
            Some(name),
            None,
            "a plan's name is 1 to 64 lower-case letters, digits and `_`",
        ));
    }
    let Some(table) = value.as_table() else {
        errors.push(PlanError::new(
            Some(name),
            None,
            format!(
                "must be a table of figures, [plans.{name}]; found {}",
                describe(value)
            ),
        ));
        return None;
    };
    let mut plan = Plan::unlimited(name);
    for (field, value) in table {
        let mut figure = |slot: &mut Option<u64>| *slot = count(name, field, value, errors);
        match field.as_str() {
            "reads_per_minute" => figure(&mut plan.reads_per_minute),
            "writes_per_minute" => figure(&mut plan.writes_per_minute),
            "invoices_per_hour" => figure(&mut plan.invoices_per_hour),
            "webhook_deliveries_per_hour" => figure(&mut plan.webhook_deliveries_per_hour),
            "max_api_keys" => figure(&mut plan.max_api_keys),
            "max_webhook_endpoints" => figure(&mut plan.max_webhook_endpoints),
            "monthly_quotas" => plan.monthly_quotas = quotas(name, value, errors),
            "features" => plan.features = features(name, value, errors),
            _ => errors.push(PlanError::new(
                Some(name),
                Some(field),
                format!(
                    "not a plan field; allowed: {}, monthly_quotas, features",
                    FIGURES.join(", ")
                ),
            )),
        }
    }
    (errors.len() == before).then_some(plan)
}

/// A whole number of 0 or more.
fn count(plan: &str, field: &str, value: &toml::Value, errors: &mut Vec<PlanError>) -> Option<u64> {
    match value.as_integer().map(u64::try_from) {
        Some(Ok(n)) => Some(n),
        _ => {
            errors.push(PlanError::new(
                Some(plan),
                Some(field),
                format!(
                    "must be a whole number of 0 or more (leave it out for unlimited); found {}",
                    describe(value)
                ),
            ));
            None
        }
    }
}

fn quotas(plan: &str, value: &toml::Value, errors: &mut Vec<PlanError>) -> BTreeMap<Metered, u64> {
    let mut out = BTreeMap::new();
    let Some(table) = value.as_table() else {
        errors.push(PlanError::new(
            Some(plan),
            Some("monthly_quotas"),
            format!(
                "must be a table, [plans.{plan}.monthly_quotas]; found {}",
                describe(value)
            ),
        ));
        return out;
    };
    for (key, value) in table {
        let field = format!("monthly_quotas.{key}");
        match key.parse::<Metered>() {
            Ok(resource) => {
                if let Some(n) = count(plan, &field, value, errors) {
                    out.insert(resource, n);
                }
            }
            Err(e) => errors.push(PlanError::new(Some(plan), Some(&field), e.message)),
        }
    }
    out
}

fn features(
    plan: &str,
    value: &toml::Value,
    errors: &mut Vec<PlanError>,
) -> Option<BTreeSet<String>> {
    let Some(list) = value.as_array() else {
        errors.push(PlanError::new(
            Some(plan),
            Some("features"),
            format!(
                "must be a list of feature names, e.g. [\"webhooks\"]; found {}",
                describe(value)
            ),
        ));
        return None;
    };
    let mut out = BTreeSet::new();
    for (i, item) in list.iter().enumerate() {
        match item.as_str() {
            Some(feature) if is_name(feature) => {
                out.insert(feature.to_owned());
            }
            _ => errors.push(PlanError::new(
                Some(plan),
                Some(&format!("features[{i}]")),
                format!(
                    "a feature name is 1 to 64 lower-case letters, digits and `_`; found {}",
                    describe(item)
                ),
            )),
        }
    }
    Some(out)
}

fn is_name(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn describe(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => format!("the text {s:?}"),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        other => format!("a {}", other.type_str()),
    }
}

/// A TOML syntax error, placed in the plan and at the field whose line it is on when it can be.
fn syntax_error(text: &str, e: &toml::de::Error) -> PlanErrors {
    let start = e.span().map_or(0, |s| s.start).min(text.len());
    let line_no = text[..start].matches('\n').count() + 1;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or_default();
    let field = line
        .split_once('=')
        .map(|(k, _)| k.trim())
        .filter(|k| !k.is_empty() && !k.starts_with('['));
    // The plan is the one whose header comes last before the error.
    let plan = text[..line_start]
        .lines()
        .filter_map(|l| l.trim().strip_prefix("[plans."))
        .next_back()
        .and_then(|rest| rest.split(['.', ']']).next())
        .map(str::trim);
    let message = format!(
        "not valid TOML at line {line_no}: {}",
        e.message().trim_end()
    );
    PlanErrors(vec![PlanError::new(plan, field, message)])
}

/// One fault of a plans file: the plan and the field it is in, when it is in one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError {
    pub plan: Option<String>,
    pub field: Option<String>,
    pub message: String,
}

impl PlanError {
    fn new(plan: Option<&str>, field: Option<&str>, message: impl Into<String>) -> Self {
        Self {
            plan: plan.map(str::to_owned),
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.plan, &self.field) {
            (Some(plan), Some(field)) => write!(f, "plan `{plan}`, field `{field}`: ")?,
            (Some(plan), None) => write!(f, "plan `{plan}`: ")?,
            (None, Some(field)) => write!(f, "`{field}`: ")?,
            (None, None) => {}
        }
        f.write_str(&self.message)
    }
}

/// Every fault of a plans file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanErrors(pub Vec<PlanError>);

impl fmt::Display for PlanErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PlanErrors {}

/// An account's use of what its plan counts, at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    /// The calendar month (UTC) monthly counts cover: its first instant, and the next month's.
    pub period_start: OffsetDateTime,
    pub period_end: OffsetDateTime,
    /// This month's counts of the resources the server meters so far.
    pub monthly: BTreeMap<Metered, u64>,
    pub api_keys: u64,
    pub webhook_endpoints: u64,
}

/// The calendar month (UTC) `at` falls in: its first instant, and the first of the next month.
pub fn month_of(at: OffsetDateTime) -> (OffsetDateTime, OffsetDateTime) {
    let at = at.to_offset(UtcOffset::UTC);
    let first = |year: i32, month: Month| {
        Date::from_calendar_date(year, month, 1)
            .unwrap_or(Date::MAX)
            .midnight()
            .assume_utc()
    };
    let next = match at.month() {
        Month::December => first(at.year() + 1, Month::January),
        month => first(at.year(), month.next()),
    };
    (first(at.year(), at.month()), next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        Plans::parse(text)
            .unwrap_err()
            .0
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn the_built_in_plans_parse_and_carry_the_references_figures() {
        let plans = Plans::parse(BUILT_IN).unwrap();
        assert_eq!(
            plans.names(),
            ["basic", "builder", "pro", "self_hosted", "starter"]
        );
        assert_eq!(plans.get(SELF_HOSTED), Some(&Plan::unlimited(SELF_HOSTED)));
        let basic = plans.get(DEFAULT_PLAN).unwrap();
        // 003: 100 requests/min, 2 keys, 2 webhook endpoints, 100 deliveries/hour; 000: 60
        // invoices/hour per key.
        assert_eq!(basic.reads_per_minute, Some(100));
        assert_eq!(basic.writes_per_minute, Some(100));
        assert_eq!(basic.invoices_per_hour, Some(60));
        assert_eq!(basic.webhook_deliveries_per_hour, Some(100));
        assert_eq!(basic.max_api_keys, Some(2));
        assert_eq!(basic.max_webhook_endpoints, Some(2));
        assert!(basic.includes("webhooks"), "no feature is held back");
        // 003 Pro: 1,000 requests/min, 20 keys, 50 endpoints, 5,000 deliveries/hour.
        let pro = plans.get("pro").unwrap();
        assert_eq!(
            (pro.reads_per_minute, pro.writes_per_minute),
            (Some(1000), Some(1000))
        );
        assert_eq!(pro.max_api_keys, Some(20));
        assert_eq!(pro.max_webhook_endpoints, Some(50));
        assert_eq!(pro.webhook_deliveries_per_hour, Some(5000));
        // 002: GET 60/min, POST 20/min per key.
        let starter = plans.get("starter").unwrap();
        assert_eq!(
            (starter.reads_per_minute, starter.writes_per_minute),
            (Some(60), Some(20))
        );
        // 004 builder: 50 requests/second, 10,000 events a month.
        let builder = plans.get("builder").unwrap();
        assert_eq!(builder.reads_per_minute, Some(50 * 60));
        assert_eq!(builder.writes_per_minute, Some(50 * 60));
        assert_eq!(builder.monthly_quota(Metered::LedgerRecords), Some(10_000));
        assert_eq!(builder.monthly_quota(Metered::Invoices), None);
        assert_eq!(Plans::built_in(), plans);
    }

    #[test]
    fn a_full_plan_parses_and_a_figure_left_out_is_unlimited() {
        let plans = Plans::parse(
            "[plans.self_hosted]\n\
             [plans.gold]\nreads_per_minute = 0\nmax_api_keys = 5\nfeatures = [\"webhooks\", \"ledger\"]\n\
             [plans.gold.monthly_quotas]\ninvoices = 1000\neinvoice_validations = 50\n",
        )
        .unwrap();
        let gold = plans.get("gold").unwrap();
        assert_eq!(gold.reads_per_minute, Some(0));
        assert_eq!(gold.writes_per_minute, None);
        assert_eq!(gold.max_api_keys, Some(5));
        assert_eq!(gold.monthly_quota(Metered::Invoices), Some(1000));
        assert_eq!(gold.monthly_quota(Metered::EinvoiceValidations), Some(50));
        assert_eq!(gold.monthly_quota(Metered::WebhookDeliveries), None);
        assert!(gold.includes("ledger") && !gold.includes("peppol_delivery"));
        assert_eq!(plans.check("gold").unwrap().name, "gold");
        let unknown = plans.check("platinum").unwrap_err();
        assert_eq!(unknown.code, "unknown_plan");
        assert!(
            unknown.message.contains("allowed: gold, self_hosted."),
            "{}",
            unknown.message
        );
    }

    #[test]
    fn every_fault_is_reported_with_its_plan_and_field() {
        let mut found = errors(
            "[plans.self_hosted]\n\
             [plans.basic]\nreads_per_minute = \"100\"\nwrites_per_minute = -1\ninvoices_per_hour = 1.5\n\
             max_api_key = 2\nfeatures = \"webhooks\"\nmonthly_quotas = 5\n\
             [plans.pro]\nfeatures = [\"webhooks\", 3, \"Bad Name\"]\n\
             [plans.pro.monthly_quotas]\ninvoices = true\nevents = 10\n",
        );
        let expected = [
            "plan `basic`, field `features`: must be a list of feature names",
            "plan `basic`, field `invoices_per_hour`: must be a whole number of 0 or more (leave it out for unlimited); found 1.5",
            "plan `basic`, field `max_api_key`: not a plan field; allowed: reads_per_minute",
            "plan `basic`, field `monthly_quotas`: must be a table",
            "plan `basic`, field `reads_per_minute`: must be a whole number of 0 or more (leave it out for unlimited); found the text \"100\"",
            "plan `basic`, field `writes_per_minute`: must be a whole number of 0 or more (leave it out for unlimited); found -1",
            "plan `pro`, field `features[1]`: a feature name is 1 to 64 lower-case letters, digits and `_`; found 3",
            "plan `pro`, field `features[2]`: a feature name is 1 to 64 lower-case letters, digits and `_`; found the text \"Bad Name\"",
            "plan `pro`, field `monthly_quotas.events`: `events` is not a counted resource; allowed: invoices, einvoice_validations, ledger_records, webhook_deliveries.",
            "plan `pro`, field `monthly_quotas.invoices`: must be a whole number of 0 or more (leave it out for unlimited); found true",
        ];
        found.sort();
        assert_eq!(found.len(), expected.len(), "{found:#?}");
        for (found, expected) in found.iter().zip(expected) {
            assert!(
                found.starts_with(expected),
                "{found}\n  expected: {expected}"
            );
        }
    }

    #[test]
    fn the_names_the_plans_and_the_file_s_shape_are_checked() {
        assert_eq!(
            errors("[plans.basic]\nreads_per_minute = 1\n"),
            ["plan `self_hosted`: missing; it is the plan of the account a fresh install creates, \
              so every plans file defines it (an empty [plans.self_hosted] is unlimited)"]
        );
        let found = errors("limit = 3\n[plans.self_hosted]\n[plans.Gold]\n");
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("`limit`: not a setting"), "{found:?}");
        assert!(
            found[1].starts_with("plan `Gold`: a plan's name is 1 to 64 lower-case letters"),
            "{found:?}"
        );
        let found = errors("plans = 3\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("`plans`: must be a table of plans"),
            "{found:?}"
        );
        let found = errors("[plans]\nself_hosted = 1\n");
        assert!(
            found[0].starts_with("plan `self_hosted`: must be a table of figures"),
            "{found:?}"
        );
    }

    #[test]
    fn a_syntax_error_names_its_line_and_the_plan_and_field_it_is_in() {
        let found = errors(
            "[plans.self_hosted]\n\n[plans.basic]\nreads_per_minute = 10\nmax_api_keys = \n",
        );
        assert_eq!(found.len(), 1);
        assert!(
            found[0].starts_with("plan `basic`, field `max_api_keys`: not valid TOML at line 5: "),
            "{found:?}"
        );
        let found = errors("[plans.self_hosted]\n[plans.self_hosted]\n");
        assert!(
            found[0].starts_with("plan `self_hosted`: not valid TOML at line 2"),
            "{found:?}"
        );
    }

    #[test]
    fn a_month_runs_from_its_first_instant_to_the_next_month_s_in_utc() {
        use time::macros::datetime;
        assert_eq!(
            month_of(datetime!(2026-03-31 23:30 -02:00)),
            (
                datetime!(2026-04-01 00:00 UTC),
                datetime!(2026-05-01 00:00 UTC)
            )
        );
        assert_eq!(
            month_of(datetime!(2026-12-01 00:00 UTC)),
            (
                datetime!(2026-12-01 00:00 UTC),
                datetime!(2027-01-01 00:00 UTC)
            )
        );
    }
}
