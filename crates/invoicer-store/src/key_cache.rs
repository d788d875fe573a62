//! Keys found by the hash of their secret, kept for [`TTL`], so a client's stream of requests
//! costs one key lookup a second instead of one each.
//!
//! How stale an entry may be is the bound on how late a change is seen: a key revoked, or an
//! account moved to another plan or put past due, by another instance (or by the CLI) takes
//! effect here within [`TTL`] of its commit. A change made through this instance takes effect at
//! once: it calls [`crate::Db::keys_changed`] after committing. A lookup that started before
//! such a change never stores what it read (the generation moved on meanwhile), so a read from
//! before a revocation cannot outlive it.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex, PoisonError,
    },
    time::{Duration, Instant},
};

use crate::repo::api_keys::Found;

/// How long a found key is used without reading it again.
pub const TTL: Duration = Duration::from_secs(1);

/// Entries beyond this are not kept (a flood of distinct keys must not grow memory); the
/// lookups still work, uncached.
const CAPACITY: usize = 10_000;

#[derive(Default)]
pub struct KeyCache {
    entries: Mutex<HashMap<String, (Found, Instant)>>,
    generation: AtomicU64,
}

impl KeyCache {
    pub fn get(&self, hash_hex: &str) -> Option<Found> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(hash_hex)
            .filter(|(_, at)| at.elapsed() < TTL)
            .map(|(found, _)| found.clone())
    }

    /// The generation to hand to [`KeyCache::put`] for a lookup starting now.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps what a lookup that started at `generation` found, unless something changed since.
    pub fn put(&self, generation: u64, hash_hex: String, found: Found, read_at: Instant) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        if entries.len() >= CAPACITY {
            entries.retain(|_, (_, at)| at.elapsed() < TTL);
            if entries.len() >= CAPACITY {
                return;
            }
        }
        entries.insert(hash_hex, (found, read_at));
    }

    pub fn clear(&self) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.clear();
    }
}
