use invoicer_store::Db;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Base of absolute URLs the server hands out (problem `type`s), without a trailing slash.
    pub public_url: String,
}
