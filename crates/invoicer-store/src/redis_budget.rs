//! Request-rate budgets in Redis, for instances that share one (`INVOICER_REDIS_URL`): the same
//! leases as [`crate::repo::rate_leases`], kept in Redis instead of the database. A lease is one
//! round trip, `INCRBY` of the batch and `EXPIREAT` past the window's end; what the counter holds
//! beyond the limit grants nothing, so the grants of all instances together never pass it.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::{
    repo::rate_leases::{Lease, Window},
    StoreError,
};

/// A connection to the Redis that holds the shared budgets.
#[derive(Clone)]
pub struct RedisBudget {
    conn: ConnectionManager,
}

impl std::fmt::Debug for RedisBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RedisBudget")
    }
}

impl RedisBudget {
    /// Connects to `url` (`redis://HOST:PORT/DB`); fails when Redis cannot be reached now.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Duration::from_secs(5))
            .set_response_timeout(Duration::from_secs(5))
            // A lost connection is retried twice, at most half a second apart; then the
            // request it was for answers 503.
            .set_number_of_retries(2)
            .set_max_delay(500);
        Ok(Self {
            conn: ConnectionManager::new_with_config(client, config).await?,
        })
    }

    /// Grants up to `want` more of the window's `limit` (as [`crate::repo::rate_leases::lease`]).
    pub async fn lease(
        &self,
        window: Window<'_>,
        want: u64,
        limit: u64,
    ) -> Result<Lease, StoreError> {
        let key = format!(
            "invoicer:rate:{}:{}:{}",
            window.key_id, window.bucket, window.start
        );
        let mut conn = self.conn.clone();
        let (total,): (u64,) = redis::pipe()
            .cmd("INCRBY")
            .arg(&key)
            .arg(want)
            .cmd("EXPIREAT")
            .arg(&key)
            .arg(window.end + 60)
            .ignore()
            .query_async(&mut conn)
            .await?;
        Ok(grant(total, want, limit))
    }
}

/// What a lease of `want` got when it brought the window's counter to `total`.
fn grant(total: u64, want: u64, limit: u64) -> Lease {
    let before = total.saturating_sub(want);
    Lease {
        got: limit.saturating_sub(before).min(want),
        granted: total.min(limit),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lease_gets_what_is_left_of_the_limit_and_no_more() {
        assert_eq!(grant(5, 5, 30), Lease { got: 5, granted: 5 });
        assert_eq!(
            grant(32, 5, 30),
            Lease {
                got: 3,
                granted: 30
            }
        );
        assert_eq!(
            grant(37, 5, 30),
            Lease {
                got: 0,
                granted: 30
            }
        );
        assert_eq!(grant(1, 1, 0), Lease { got: 0, granted: 0 });
    }
}
