use std::sync::Arc;

use invoicer_app::{quotas::Meter, rates::Rates};
use invoicer_domain::{admin_token::AdminToken, plan::Plans};
use invoicer_store::Db;

/// What every handler can reach. Each request clones it, so it is one reference to what the
/// server shares, not a copy of each part.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The parts of [`AppState`].
pub struct Shared {
    pub db: Db,
    /// Base of absolute URLs the server hands out (problem `type`s), without a trailing slash.
    pub public_url: String,
    /// The configured plans, which accounts' plans are checked against.
    pub plans: Arc<Plans>,
    /// The operator's token; without one, no `/admin/v1` route exists.
    pub admin_token: Option<AdminToken>,
    /// The keys' request counts (`Rates::for_db`: in memory on SQLite, leased from the database
    /// on PostgreSQL).
    pub rates: Arc<Rates>,
    /// The accounts' counted e-invoice validations.
    pub meter: Arc<Meter>,
}
