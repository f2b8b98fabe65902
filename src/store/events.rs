//! Audit events (SPEC §1 "Audit event"): append only. Each event is one
//! chunk of a commit or revert, written in the same sled batch as the
//! records it changed, so it doubles as the journal that crash recovery and
//! revert read their before-images from.

use serde::{Deserialize, Serialize};

use super::{Result, SledResult, Store, keys};
use crate::domain::{RecordKey, Write};

/// What an event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventAction {
    /// Part of a batch's commit.
    Commit,
    /// Part of a batch's revert.
    Revert,
}

/// One audit event: who changed what (before → after), when, and in which
/// batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Its sequence number: 1, 2, … in the order written.
    pub seq: u64,
    /// When (RFC 3339 UTC).
    pub at: String,
    /// The OS user.
    pub actor: String,
    /// The batch (change set) that made it.
    pub batch: u64,
    /// Commit or revert.
    pub action: EventAction,
    /// The records changed, with the value stored before and after.
    pub writes: Vec<Write>,
}

impl Store {
    /// Every event, by seq.
    pub fn events(&self) -> Result<Vec<Event>> {
        let mut out = Vec::new();
        for kv in self.tree().scan_prefix([keys::EVENT]) {
            let (k, v) = kv.db(self)?;
            out.push(self.decode_event(&k, &v)?);
        }
        Ok(out)
    }

    /// The events whose writes touch `key`, by seq, each carrying only the
    /// writes to `key` (an event may hold a thousand other writes).
    pub fn events_for(&self, key: &RecordKey) -> Result<Vec<Event>> {
        {
            let _w = self.writer();
            self.catch_up_index()?;
        }
        let prefix = keys::by_record_prefix(&keys::record(key));
        let mut out = Vec::new();
        for kv in self.tree().scan_prefix(&prefix) {
            let (k, _) = kv.db(self)?;
            let seq =
                keys::by_record_seq(&k).ok_or_else(|| self.damaged("a short events index key"))?;
            let mut event = self.event(seq)?.ok_or_else(|| {
                self.damaged(format!("the events index names a missing event {seq}"))
            })?;
            event.writes.retain(|w| &w.key == key);
            out.push(event);
        }
        Ok(out)
    }

    /// One event by seq.
    pub fn event(&self, seq: u64) -> Result<Option<Event>> {
        let k = keys::numbered(keys::EVENT, seq);
        match self.tree().get(&k).db(self)? {
            Some(v) => Ok(Some(self.decode_event(&k, &v)?)),
            None => Ok(None),
        }
    }

    /// The seq the next event gets.
    pub(super) fn next_seq(&self) -> Result<u64> {
        let last = self.tree().scan_prefix([keys::EVENT]).next_back();
        match last.transpose().db(self)? {
            Some((k, _)) => keys::number(&k)
                .map(|n| n + 1)
                .ok_or_else(|| self.damaged("a short event key")),
            None => Ok(1),
        }
    }

    /// The later events (seq ≥ `from`) touching a stored record key, as
    /// (seq, batch) pairs from the index alone.
    /// The caller holds the writer lock.
    pub(super) fn touches_since(&self, record_key: &[u8], from: u64) -> Result<Vec<(u64, u64)>> {
        self.catch_up_index()?;
        let start = keys::by_record(record_key, from);
        let end = keys::after_prefix(&keys::by_record_prefix(record_key));
        let mut out = Vec::new();
        for kv in self.tree().range(start..end) {
            let (k, v) = kv.db(self)?;
            let seq = keys::by_record_seq(&k).ok_or_else(|| self.damaged("a short index key"))?;
            let batch = <[u8; 8]>::try_from(v.as_ref())
                .map(u64::from_be_bytes)
                .map_err(|_| self.damaged("a short events index value"))?;
            out.push((seq, batch));
        }
        Ok(out)
    }

    /// The first seq not yet indexed by record.
    pub(super) fn indexed(&self) -> Result<u64> {
        match self.tree().get(keys::META_INDEXED).db(self)? {
            Some(v) => <[u8; 8]>::try_from(v.as_ref())
                .map(u64::from_be_bytes)
                .map_err(|_| self.damaged("an unreadable index mark")),
            None => Ok(1),
        }
    }

    /// Brings the by-record index up to the newest event, one sled batch per
    /// event (its entries and the new mark together). Commits leave this
    /// work to the first reader: one sled insert fewer per record written.
    /// The caller holds the writer lock.
    pub(super) fn catch_up_index(&self) -> Result<()> {
        let end = self.next_seq()?;
        for seq in self.indexed()?..end {
            let mut b = sled::Batch::default();
            if let Some(event) = self.event(seq)? {
                for w in &event.writes {
                    b.insert(
                        keys::by_record(&keys::record(&w.key), seq),
                        event.batch.to_be_bytes().to_vec(),
                    );
                }
            }
            b.insert(keys::META_INDEXED, (seq + 1).to_be_bytes().to_vec());
            self.tree().apply_batch(b).db(self)?;
        }
        Ok(())
    }
}
