//! The store: every read and write of stored data goes through [`Store`], and
//! this is the only module that names sled (SPEC §1 "Durability").
//!
//! One sled tree holds everything; each key starts with a kind tag byte
//! (see `keys`), so one `sled::Batch` is atomic across record kinds, indexes,
//! batch records and audit events. A change set is applied in chunks of
//! [`CHUNK`] writes, each chunk one sled batch carrying its own audit event
//! (with before-images); the batch record says "applying" while that runs, and
//! `open` rolls an interrupted apply back from those events, so a change set
//! lands all or nothing even across SIGKILL.

mod acks;
mod apply;
mod batches;
mod certificates;
mod change_sets;
mod codec;
mod confirmations;
mod dump;
mod events;
mod fees;
mod keys;
mod notes;
mod open;
mod queries;
mod retention;
mod transfer;
mod users;
// The crate has no clippy.toml with `allow-unwrap-in-tests` (STYLE.md assumes one).
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::domain::{Lookup, LookupError, Record, RecordKey};

pub use certificates::CodeLookup;
pub use confirmations::{
    ConfirmationCounts, ConfirmationRecord, RedactedHash, Withdrawal, report_matches,
};
pub use events::{Event, EventAction};
pub use fees::StatementOutcome;
pub use notes::NOTE_MAX;
pub use retention::{PURGED, PurgeOutcome, PurgedBatch, PurgedStudent, redact_student};
pub use transfer::Transferred;

/// The schema version this build writes and reads. 2: certificates carry
/// their verification code (the stored encoding is positional, so a
/// schema-1 database is refused rather than misread; its JSON export
/// restores). 3: a fee statement carries the fall confirmation it bills
/// (likewise; a schema-2 export restores, its statements billing no fall).
pub const SCHEMA: u32 = 3;

/// Writes per sled batch: one sled batch costs ~5 KB of memory per entry
/// (STACK.md), so a change set is never written as one.
pub const CHUNK: usize = 1000;

/// What can go wrong with the store. `Busy`, `Damaged` and `NewerSchema` are
/// exit 3; `Refused` and `NotFound` exit 1 (SPEC §5).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process holds the database.
    #[error("the database {} is in use by another mecred{}", path.display(), pid.map(|p| format!(" (process {p})")).unwrap_or_default())]
    Busy {
        /// The database directory.
        path: PathBuf,
        /// The holder's process id, when its lock file says.
        pid: Option<u32>,
    },
    /// sled reported corruption, or a stored value does not decode.
    #[error("the database {} is damaged: {detail}", path.display())]
    Damaged {
        /// The database directory.
        path: PathBuf,
        /// What was found.
        detail: String,
    },
    /// The database was written by a newer mecred.
    #[error("the database {} has schema {found}; this mecred reads schema {supported} or older", path.display())]
    NewerSchema {
        /// The database directory.
        path: PathBuf,
        /// The stored schema version.
        found: u32,
        /// [`SCHEMA`].
        supported: u32,
    },
    /// An action refused, with the reason for the operator.
    #[error("{0}")]
    Refused(String),
    /// Something asked for does not exist (`no batch 7`).
    #[error("{0}")]
    NotFound(String),
    /// Any other IO failure.
    #[error("{0}")]
    Io(String),
}

/// The store's result type.
pub type Result<T> = std::result::Result<T, StoreError>;

/// The database: cheap to clone, shared across threads; open it once per
/// process.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    db: sled::Db,
    path: PathBuf,
    /// Held (flock) for the life of the store: how another process learns
    /// that the database is busy, and by whom.
    _lock: File,
    /// Serialises writers: chunked applies assume no other writer between
    /// their chunks (event seqs are contiguous per change set).
    write: Mutex<()>,
}

impl Store {
    /// The database directory.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// True when nothing is stored: no records, batches or events.
    pub fn is_empty(&self) -> Result<bool> {
        let first = self.tree().range([keys::META + 1]..).next();
        Ok(first.transpose().db(self)?.is_none())
    }

    /// Makes every write so far durable.
    pub fn flush(&self) -> Result<()> {
        self.tree().flush().db(self)?;
        // sled creates files as it goes (blobs, snapshots) with the umask's mode.
        open::restrict_files(&self.inner.path)
    }

    fn tree(&self) -> &sled::Tree {
        &self.inner.db
    }

    fn writer(&self) -> MutexGuard<'_, ()> {
        self.inner
            .write
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn damaged(&self, detail: impl Into<String>) -> StoreError {
        StoreError::Damaged {
            path: self.inner.path.clone(),
            detail: detail.into(),
        }
    }
}

/// Maps sled's errors onto [`StoreError`] for one database.
trait SledResult<T> {
    fn db(self, store: &Store) -> Result<T>;
}

impl<T> SledResult<T> for std::result::Result<T, sled::Error> {
    fn db(self, store: &Store) -> Result<T> {
        self.map_err(|e| sled_error(&store.inner.path, e))
    }
}

fn sled_error(path: &Path, e: sled::Error) -> StoreError {
    match e {
        sled::Error::Io(io) if io.to_string().contains("could not acquire lock") => {
            StoreError::Busy {
                path: path.to_path_buf(),
                pid: None,
            }
        }
        sled::Error::Io(io) => StoreError::Io(format!("{}: {io}", path.display())),
        other => StoreError::Damaged {
            path: path.to_path_buf(),
            detail: other.to_string(),
        },
    }
}

impl Lookup for Store {
    fn get(&self, key: &RecordKey) -> std::result::Result<Option<Record>, LookupError> {
        Store::get(self, key).map_err(|e| LookupError(e.to_string()))
    }
}
