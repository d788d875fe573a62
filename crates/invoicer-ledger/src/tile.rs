//! C2SP tlog-tiles: the tree served as immutable 256-hash tiles.
//!
//! A tile at level `L` holds up to 256 consecutive tree hashes at tree level
//! `8·L`; each stands for a complete subtree of 256^L leaves. Tiles let a
//! static file server or CDN hand out everything a client needs to build any
//! proof itself. All the hashes of a tile are stored hashes, so serving a tile
//! is one read of 256 hashes, and a stored hash can be recomputed from the one
//! tile that covers it.
//!
//! Spec: <https://c2sp.org/tlog-tiles>.

use std::fmt;

use crate::hash::{merkle_tree_hash, Hash};
use crate::stored::{read_exact, HashReader, StoredHashIndex, TreeError, MAX_TREE_SIZE};

/// Tree levels spanned by one tile.
pub const TILE_HEIGHT: u32 = 8;
/// Hashes in a full tile.
pub const TILE_WIDTH: u16 = 1 << TILE_HEIGHT;
/// Highest tile level the path syntax allows.
pub const MAX_TILE_LEVEL: u8 = 63;

/// Digits per path element of the tile index; keeps directories small.
const PATH_GROUP: u64 = 1000;

/// The coordinates of one tile: the `index`th tile at `level`, holding the
/// first `width` of its 256 hashes. A width below 256 is a partial tile, the
/// rightmost edge of a tree whose size is not a multiple of 256^(level+1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tile {
    level: u8,
    index: u64,
    width: u16,
}

/// The tile coordinates are outside what the spec allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TileError {
    #[error("tile level {0} exceeds {MAX_TILE_LEVEL}")]
    LevelTooHigh(u8),
    #[error("tile width {0} is not between 1 and {TILE_WIDTH}")]
    BadWidth(u16),
    #[error("tile data has {got} hashes, tile {tile} has {expected}")]
    WrongDataLength {
        tile: Tile,
        expected: usize,
        got: usize,
    },
    #[error("stored hash {index:?} is in tile {actual}, not in {tile}")]
    IndexNotInTile {
        index: StoredHashIndex,
        tile: Tile,
        actual: Tile,
    },
}

/// A tile path that is not in the canonical form of the spec.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed tile path {path:?}: {reason}")]
pub struct TilePathError {
    pub path: String,
    pub reason: &'static str,
}

impl Tile {
    /// Checked constructor.
    pub fn new(level: u8, index: u64, width: u16) -> Result<Tile, TileError> {
        if level > MAX_TILE_LEVEL {
            return Err(TileError::LevelTooHigh(level));
        }
        if width == 0 || width > TILE_WIDTH {
            return Err(TileError::BadWidth(width));
        }
        Ok(Tile {
            level,
            index,
            width,
        })
    }

    pub fn level(&self) -> u8 {
        self.level
    }

    pub fn index(&self) -> u64 {
        self.index
    }

    pub fn width(&self) -> u16 {
        self.width
    }

    pub fn is_full(&self) -> bool {
        self.width == TILE_WIDTH
    }

    /// The tile of least width that covers a stored hash, together with the
    /// range of its hashes whose subtree hash is that stored hash.
    ///
    /// Stored hashes at tree levels between two tile levels are not in any tile
    /// themselves; they are the hash of a power-of-two run of hashes of the tile
    /// below, which is why a range is returned.
    fn covering(index: StoredHashIndex) -> (Tile, std::ops::Range<usize>) {
        let (tree_level, n) = index.split();
        let level = tree_level / TILE_HEIGHT as u8;
        let inner_level = u32::from(tree_level) - u32::from(level) * TILE_HEIGHT;
        let first_leaf_in_level = n << inner_level;
        let tile_index = first_leaf_in_level >> TILE_HEIGHT;
        let start = (first_leaf_in_level - (tile_index << TILE_HEIGHT)) as usize;
        let end = start + (1usize << inner_level);
        let tile = Tile {
            level,
            index: tile_index,
            width: end as u16,
        };
        (tile, start..end)
    }

    /// The tile of least width that can reproduce the given stored hash.
    pub fn for_stored_index(index: StoredHashIndex) -> Tile {
        Tile::covering(index).0
    }

    /// Recomputes a stored hash from this tile's data. The tile must be the one
    /// [`Tile::for_stored_index`] names, or a wider version of it.
    pub fn hash_at(&self, data: &[Hash], index: StoredHashIndex) -> Result<Hash, TileError> {
        if data.len() != usize::from(self.width) {
            return Err(TileError::WrongDataLength {
                tile: *self,
                expected: usize::from(self.width),
                got: data.len(),
            });
        }
        let (actual, range) = Tile::covering(index);
        if actual.level != self.level || actual.index != self.index || actual.width > self.width {
            return Err(TileError::IndexNotInTile {
                index,
                tile: *self,
                actual,
            });
        }
        Ok(merkle_tree_hash(&data[range]))
    }

    /// The stored hashes this tile consists of, left to right.
    pub fn stored_indexes(&self) -> impl Iterator<Item = StoredHashIndex> {
        let tree_level = (u32::from(self.level) * TILE_HEIGHT).min(63) as u8;
        let first = self.index.wrapping_shl(TILE_HEIGHT);
        (0..u64::from(self.width))
            .map(move |i| StoredHashIndex::new(tree_level, first.wrapping_add(i)))
    }

    /// The number of leaves the tile's hashes span; `None` if that number is
    /// beyond [`MAX_TREE_SIZE`], so no such tile can exist.
    fn leaf_end(&self) -> Option<u64> {
        let hashes_end = self
            .index
            .checked_mul(u64::from(TILE_WIDTH))?
            .checked_add(u64::from(self.width))?;
        let shift = u32::from(self.level) * TILE_HEIGHT;
        if shift >= 63 || hashes_end > (MAX_TREE_SIZE >> shift) {
            return None;
        }
        Some(hashes_end << shift)
    }

    /// The resource path, `tile/<L>/<N>[.p/<W>]`, with `N` written in groups of
    /// three digits of which all but the last start with `x`.
    pub fn path(&self) -> String {
        let mut groups = vec![format!("{:03}", self.index % PATH_GROUP)];
        let mut rest = self.index / PATH_GROUP;
        while rest > 0 {
            groups.push(format!("x{:03}", rest % PATH_GROUP));
            rest /= PATH_GROUP;
        }
        groups.reverse();
        let mut path = format!("tile/{}/{}", self.level, groups.join("/"));
        if !self.is_full() {
            path.push_str(&format!(".p/{}", self.width));
        }
        path
    }

    /// Parses a path produced by [`Tile::path`]. Anything but the canonical
    /// form is rejected, so that one tile has exactly one name in a cache.
    pub fn parse_path(path: &str) -> Result<Tile, TilePathError> {
        let fail = |reason| TilePathError {
            path: path.to_owned(),
            reason,
        };
        let mut parts = path.split('/');
        if parts.next() != Some("tile") {
            return Err(fail("does not start with tile/"));
        }
        let level = parts
            .next()
            .and_then(parse_decimal)
            .and_then(|l| u8::try_from(l).ok())
            .filter(|&l| l <= MAX_TILE_LEVEL)
            .ok_or_else(|| fail("level is not a number from 0 to 63"))?;
        let mut groups: Vec<&str> = parts.collect();
        let mut width = TILE_WIDTH;
        if groups.len() >= 2 {
            if let Some(last_group) = groups[groups.len() - 2].strip_suffix(".p") {
                width = parse_decimal(groups[groups.len() - 1])
                    .and_then(|w| u16::try_from(w).ok())
                    .filter(|w| (1..TILE_WIDTH).contains(w))
                    .ok_or_else(|| fail("partial width is not a number from 1 to 255"))?;
                let at = groups.len() - 2;
                groups[at] = last_group;
                groups.pop();
            }
        }
        if groups.is_empty() {
            return Err(fail("missing tile index"));
        }
        let mut index: u64 = 0;
        for (i, group) in groups.iter().enumerate() {
            let digits = if i + 1 < groups.len() {
                group
                    .strip_prefix('x')
                    .ok_or_else(|| fail("inner index group lacks x"))?
            } else {
                group
            };
            if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(fail("index group is not three digits"));
            }
            let value: u64 = digits
                .parse()
                .map_err(|_| fail("index group is not three digits"))?;
            index = index
                .checked_mul(PATH_GROUP)
                .and_then(|n| n.checked_add(value))
                .ok_or_else(|| fail("index overflows"))?;
        }
        let tile = Tile {
            level,
            index,
            width,
        };
        if tile.path() != path {
            return Err(fail("not in canonical form"));
        }
        Ok(tile)
    }
}

impl fmt::Display for Tile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

/// A decimal number without sign or superfluous leading zeros.
fn parse_decimal(text: &str) -> Option<u64> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    canonical.then(|| text.parse().ok()).flatten()
}

/// The tiles that change when the tree grows from `old` to `new` leaves: every
/// full tile completed in between and the partial tile at the right edge of
/// each level, if any. These are what a log publishes alongside a new
/// checkpoint; `new_tiles(0, size)` lists every tile of a tree.
pub fn new_tiles(old: u64, new: u64) -> Vec<Tile> {
    let mut tiles = Vec::new();
    let mut level: u8 = 0;
    loop {
        let shift = u32::from(level) * TILE_HEIGHT;
        if shift >= 64 || new >> shift == 0 {
            break;
        }
        let (old_hashes, new_hashes) = (old.checked_shr(shift).unwrap_or(0), new >> shift);
        if old_hashes != new_hashes {
            let full_end = new_hashes >> TILE_HEIGHT;
            for index in (old_hashes >> TILE_HEIGHT)..full_end {
                tiles.push(Tile {
                    level,
                    index,
                    width: TILE_WIDTH,
                });
            }
            let partial = (new_hashes % u64::from(TILE_WIDTH)) as u16;
            if partial > 0 {
                tiles.push(Tile {
                    level,
                    index: full_end,
                    width: partial,
                });
            }
        }
        level += 1;
    }
    tiles
}

/// Reads the hashes that make up a tile: one read of at most 256 stored hashes.
pub fn read_tile<R: HashReader + ?Sized>(
    tile: &Tile,
    reader: &R,
) -> Result<Vec<Hash>, TreeError<R::Error>> {
    let end = tile
        .leaf_end()
        .ok_or(TreeError::TooLarge { size: u64::MAX })?;
    debug_assert!(end <= MAX_TREE_SIZE);
    let indexes: Vec<StoredHashIndex> = tile.stored_indexes().collect();
    read_exact(reader, &indexes)
}

/// Concatenates tile hashes into the bytes served at the tile's path.
pub fn tile_bytes(hashes: &[Hash]) -> Vec<u8> {
    hashes.iter().flat_map(|h| h.0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tile(level: u8, index: u64, width: u16) -> Tile {
        Tile::new(level, index, width).unwrap()
    }

    #[test]
    fn spec_path_examples() {
        assert_eq!(tile(0, 1_234_067, 256).path(), "tile/0/x001/x234/067");
        assert_eq!(tile(4, 1_234_067, 1).path(), "tile/4/x001/x234/067.p/1");
        assert_eq!(tile(1, 0, 17).path(), "tile/1/000.p/17");
        assert_eq!(tile(0, 999, 256).path(), "tile/0/999");
        assert_eq!(tile(0, 1000, 256).path(), "tile/0/x001/000");
        assert_eq!(
            tile(63, u64::MAX, 255).path(),
            "tile/63/x018/x446/x744/x073/x709/x551/615.p/255"
        );
    }

    #[test]
    fn parse_accepts_canonical_paths() {
        for t in [
            tile(0, 0, 1),
            tile(0, 1_234_067, 256),
            tile(2, 1000, 255),
            tile(63, u64::MAX, 256),
        ] {
            assert_eq!(Tile::parse_path(&t.path()), Ok(t));
        }
    }

    #[test]
    fn parse_rejects_non_canonical_paths() {
        for bad in [
            "",
            "tile",
            "tile/0",
            "tile/0/",
            "tiles/0/000",
            "tile/00/000",
            "tile/64/000",
            "tile/-1/000",
            "tile/0/0",
            "tile/0/0000",
            "tile/0/x000/001",
            "tile/0/001/001",
            "tile/0/x001/x234",
            "tile/0/000.p/0",
            "tile/0/000.p/256",
            "tile/0/000.p/01",
            "tile/0/000.p",
            "tile/0/000.p/1/2",
            "tile/0/x018/x446/x744/x073/x709/x551/616",
            "tile/0/+12",
            "tile/entries/000",
        ] {
            assert!(Tile::parse_path(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn spec_size_example() {
        // c2sp tlog-tiles: a tree of 70,000 leaves has 273 full level 0 tiles,
        // a partial level 0 tile of width 112, one full level 1 tile, a partial
        // level 1 tile of width 17 and a partial level 2 tile of width 1.
        let tiles = new_tiles(0, 70_000);
        let level = |l| tiles.iter().filter(move |t| t.level == l);
        assert_eq!(level(0).filter(|t| t.is_full()).count(), 273);
        assert_eq!(level(0).next_back(), Some(&tile(0, 273, 112)));
        assert_eq!(
            level(1).collect::<Vec<_>>(),
            vec![&tile(1, 0, 256), &tile(1, 1, 17)]
        );
        assert_eq!(level(2).collect::<Vec<_>>(), vec![&tile(2, 0, 1)]);
        assert_eq!(tiles.len(), 273 + 1 + 2 + 1);
        // A tree of 256 leaves: one full level 0 tile, a level 1 tile of width 1.
        assert_eq!(new_tiles(0, 256), vec![tile(0, 0, 256), tile(1, 0, 1)]);
        assert_eq!(new_tiles(256, 256), vec![]);
    }
}
