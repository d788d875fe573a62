//! Accounts on the wire, for the operator API (`/admin/v1`): create one, change its plan or
//! billing status, read it, and read its usage against its plan.

use invoicer_domain::{
    plan::{Plan, Plans, Usage, DEFAULT_PLAN},
    tenant::{Account, BillingStatus},
    validation::{self, Violations},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::time_fmt::timestamp;

const NAME_MAX: usize = 200;

/// Create an account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AccountIn {
    /// Required.
    #[schema(example = "Globex GmbH")]
    pub name: Option<String>,
    /// One of the server's configured plans; default `basic`.
    #[schema(example = "pro")]
    pub plan: Option<String>,
}

/// Change an account: send only what changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AccountPatch {
    /// One of the server's configured plans.
    pub plan: Option<String>,
    /// `active`, or `past_due`: its keys can then still read (GET) but every other request
    /// answers `payment_required`.
    pub billing_status: Option<String>,
}

/// A validated account request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub name: String,
    pub plan: String,
}

/// A validated change; `None` leaves a value as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountChange {
    pub plan: Option<String>,
    pub billing_status: Option<BillingStatus>,
}

impl AccountChange {
    pub fn is_empty(&self) -> bool {
        self.plan.is_none() && self.billing_status.is_none()
    }
}

/// A plan name checked against the configured plans.
fn plan(v: &mut Violations, plans: &Plans, name: &str) -> Option<String> {
    v.check("plan", plans.check(name)).map(|p| p.name.clone())
}

impl AccountIn {
    pub fn parse(&self, plans: &Plans) -> Result<NewAccount, Violations> {
        let mut v = Violations::new();
        let name = match &self.name {
            Some(n) => v.check("name", validation::text(n, NAME_MAX)),
            None => {
                v.push("name", "required", "This field is required.");
                None
            }
        };
        let plan = match &self.plan {
            Some(p) => plan(&mut v, plans, p),
            None if plans.get(DEFAULT_PLAN).is_some() => Some(DEFAULT_PLAN.to_owned()),
            None => {
                v.push(
                    "plan",
                    "required",
                    format!(
                        "Name a plan: the default, `{DEFAULT_PLAN}`, is not configured; allowed: {}.",
                        plans.names().join(", ")
                    ),
                );
                None
            }
        };
        match (name, plan) {
            (Some(name), Some(plan)) if v.is_empty() => Ok(NewAccount { name, plan }),
            _ => Err(v),
        }
    }
}

impl AccountPatch {
    pub fn parse(&self, plans: &Plans) -> Result<AccountChange, Violations> {
        let mut v = Violations::new();
        let plan = self.plan.as_deref().and_then(|p| plan(&mut v, plans, p));
        let billing_status = self
            .billing_status
            .as_deref()
            .and_then(|s| v.check("billing_status", s.parse::<BillingStatus>()));
        if v.is_empty() {
            Ok(AccountChange {
                plan,
                billing_status,
            })
        } else {
            Err(v)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AccountOut {
    pub id: Uuid,
    pub object: String,
    pub name: String,
    pub plan: String,
    /// `active` or `past_due`.
    pub billing_status: String,
    pub created_at: String,
}

impl From<&Account> for AccountOut {
    fn from(a: &Account) -> Self {
        Self {
            id: a.id,
            object: "account".into(),
            name: a.name.clone(),
            plan: a.plan.clone(),
            billing_status: a.billing_status.as_str().to_owned(),
            created_at: timestamp(a.created_at),
        }
    }
}

/// How much of one resource an account uses, and what its plan allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UsageItemOut {
    #[schema(example = "invoices")]
    pub resource: String,
    pub used: u64,
    /// `null`: unlimited.
    pub limit: Option<u64>,
}

/// An account's usage against its plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UsageOut {
    pub object: String,
    pub account_id: Uuid,
    pub plan: String,
    /// The calendar month (UTC) of the monthly counts: its first instant.
    pub period_start: String,
    /// The first instant of the next month.
    pub period_end: String,
    /// Per calendar month, in both environments: the resources the server counts
    /// (`invoices`: invoices created, not credit notes or imports; `einvoice_validations`:
    /// documents sent to `POST /v1/einvoices/validate`) with the plan's quota.
    pub quotas: Vec<UsageItemOut>,
    /// How many the account has now, in both environments (`api_keys`: neither revoked nor
    /// expired; `webhook_endpoints`), with the plan's cap.
    pub caps: Vec<UsageItemOut>,
}

impl UsageOut {
    pub fn new(account: &Account, plan: &Plan, usage: &Usage) -> Self {
        let item = |resource: &str, used: u64, limit: Option<u64>| UsageItemOut {
            resource: resource.to_owned(),
            used,
            limit,
        };
        Self {
            object: "usage".into(),
            account_id: account.id,
            plan: plan.name.clone(),
            period_start: timestamp(usage.period_start),
            period_end: timestamp(usage.period_end),
            quotas: usage
                .monthly
                .iter()
                .map(|(resource, used)| {
                    item(resource.as_str(), *used, plan.monthly_quota(*resource))
                })
                .collect(),
            caps: vec![
                item("api_keys", usage.api_keys, plan.max_api_keys),
                item(
                    "webhook_endpoints",
                    usage.webhook_endpoints,
                    plan.max_webhook_endpoints,
                ),
            ],
        }
    }
}
