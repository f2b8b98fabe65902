//! Upload batches (SPEC §1 "Upload batch"): staging, reading, discarding.
//! Commit and revert are in `apply`.

use super::codec::{BatchRec, Phase, encode};
use super::{CHUNK, Result, SledResult, Store, StoreError, keys};
use crate::domain::{Batch, BatchState, RowResult, StagedRow};

impl Store {
    /// Stores a triaged file as a new batch in state `staged` and returns its
    /// id (1, 2, …; `batch.id` and `batch.state` are ignored). Durable before
    /// it returns.
    pub fn stage(&self, batch: Batch, rows: &[StagedRow], results: &[RowResult]) -> Result<u64> {
        self.stage_reporting(batch, rows, results, &mut |_| {})
    }

    /// [`Store::stage`], calling `progress` with the rows stored so far
    /// after each chunk of them.
    pub fn stage_reporting(
        &self,
        batch: Batch,
        rows: &[StagedRow],
        results: &[RowResult],
        progress: &mut dyn FnMut(usize),
    ) -> Result<u64> {
        let id = self.stage_unflushed(batch, rows, results, progress)?;
        self.flush()?;
        Ok(id)
    }

    /// [`Store::stage_reporting`] without the flush, for a change set
    /// committed right after: its commit marks the batch applying and
    /// flushes before writing anything, and a crash before that leaves
    /// nothing applied whether the staged record survived or not.
    pub(super) fn stage_unflushed(
        &self,
        batch: Batch,
        rows: &[StagedRow],
        results: &[RowResult],
        progress: &mut dyn FnMut(usize),
    ) -> Result<u64> {
        let _w = self.writer();
        let id = self.next_batch_id()?;
        // Left over by a stage that crashed before its batch record was written.
        self.clear_range(&keys::numbered(keys::ROW, id), &[keys::ROW + 1])?;
        self.clear_range(&keys::numbered(keys::RESULT, id), &[keys::RESULT + 1])?;
        // Rows and results are stored a chunk per key: one sled write per
        // thousand rows instead of one per row.
        let mut done = 0;
        for (n, chunk) in rows.chunks(CHUNK).enumerate() {
            self.tree()
                .insert(keys::row(id, index(n, 0)?), encode(&chunk)?)
                .db(self)?;
            done += chunk.len();
            progress(done);
        }
        self.write_results(id, 0, results)?;
        let rec = BatchRec {
            batch: Batch {
                id,
                state: BatchState::Staged,
                ..batch
            },
            phase: Phase::Settled,
            commit_events: None,
            results_gen: 0,
        };
        self.put_rec(&rec)?;
        Ok(id)
    }

    /// Records where batch `id`'s file was read from (an absolute path), so
    /// its error return file can be written later from anywhere. Durable
    /// when it returns.
    pub fn set_origin(&self, id: u64, path: &str) -> Result<()> {
        let _w = self.writer();
        self.need(id)?;
        self.tree()
            .insert(keys::numbered(keys::ORIGIN, id), path.as_bytes())
            .db(self)?;
        self.flush()
    }

    /// Where batch `id`'s file was read from, when recorded.
    pub fn origin(&self, id: u64) -> Result<Option<String>> {
        Ok(self
            .tree()
            .get(keys::numbered(keys::ORIGIN, id))
            .db(self)?
            .map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    /// One batch.
    pub fn batch(&self, id: u64) -> Result<Option<Batch>> {
        Ok(self.rec(id)?.map(|r| r.batch))
    }

    /// Every batch, by id.
    pub fn batches(&self) -> Result<Vec<Batch>> {
        Ok(self.recs()?.into_iter().map(|r| r.batch).collect())
    }

    /// A batch's staged rows, in file order.
    pub fn staged_rows(&self, id: u64) -> Result<Vec<StagedRow>> {
        self.need(id)?;
        self.scan_chunks(&keys::numbered(keys::ROW, id))
    }

    /// A batch's row outcomes from its latest triage, in file order.
    pub fn row_results(&self, id: u64) -> Result<Vec<RowResult>> {
        let rec = self.need(id)?;
        self.scan_chunks(&keys::results(id, rec.results_gen))
    }

    /// Reads values stored a chunk (a `Vec`) per key under `prefix`.
    pub(super) fn scan_chunks<T: serde::de::DeserializeOwned>(
        &self,
        prefix: &[u8],
    ) -> Result<Vec<T>> {
        let chunks: Vec<Vec<T>> = self.scan(prefix)?;
        Ok(chunks.into_iter().flatten().collect())
    }

    /// `staged` → `discarded`; refused in any other state.
    pub fn discard(&self, id: u64, actor: &str, at: &str) -> Result<()> {
        let _w = self.writer();
        let mut rec = self.need(id)?;
        if rec.batch.state != BatchState::Staged || rec.phase != Phase::Settled {
            return Err(StoreError::Refused(format!(
                "batch {id} is {}: only a staged batch can be discarded",
                rec.batch.state.as_str()
            )));
        }
        rec.batch.state = BatchState::Discarded;
        rec.batch.settled_at = Some(at.to_string());
        rec.batch.settled_by = Some(actor.to_string());
        self.put_rec(&rec)?;
        self.flush()
    }

    /// The stored batch record, if any.
    pub(super) fn rec(&self, id: u64) -> Result<Option<BatchRec>> {
        let k = keys::numbered(keys::BATCH, id);
        match self.tree().get(&k).db(self)? {
            Some(v) => Ok(Some(self.decode(&k, &v)?)),
            None => Ok(None),
        }
    }

    /// The stored batch record, or `NotFound`.
    pub(super) fn need(&self, id: u64) -> Result<BatchRec> {
        self.rec(id)?
            .ok_or_else(|| StoreError::NotFound(format!("no batch {id}")))
    }

    /// Every batch record, by id.
    pub(super) fn recs(&self) -> Result<Vec<BatchRec>> {
        self.scan(&[keys::BATCH])
    }

    pub(super) fn put_rec(&self, rec: &BatchRec) -> Result<()> {
        let k = keys::numbered(keys::BATCH, rec.batch.id);
        self.tree().insert(k, encode(rec)?).db(self)?;
        Ok(())
    }

    /// Writes row results of one generation, a chunk per sled batch.
    pub(super) fn write_results(
        &self,
        id: u64,
        generation: u32,
        results: &[RowResult],
    ) -> Result<()> {
        for (n, chunk) in results.chunks(CHUNK).enumerate() {
            self.tree()
                .insert(keys::result(id, generation, index(n, 0)?), encode(&chunk)?)
                .db(self)?;
        }
        Ok(())
    }

    /// Removes every key in `[from, to)`, a chunk per sled batch.
    pub(super) fn clear_range(&self, from: &[u8], to: &[u8]) -> Result<()> {
        loop {
            let mut b = sled::Batch::default();
            let mut n = 0;
            for kv in self.tree().range(from..to).take(CHUNK) {
                let (k, _) = kv.db(self)?;
                b.remove(k);
                n += 1;
            }
            if n == 0 {
                return Ok(());
            }
            self.tree().apply_batch(b).db(self)?;
        }
    }

    /// Removes every key starting with `prefix`.
    pub(super) fn clear_prefix(&self, prefix: &[u8]) -> Result<()> {
        self.clear_range(prefix, &keys::after_prefix(prefix))
    }

    fn next_batch_id(&self) -> Result<u64> {
        let last = self.tree().scan_prefix([keys::BATCH]).next_back();
        match last.transpose().db(self)? {
            Some((k, _)) => keys::number(&k)
                .map(|n| n + 1)
                .ok_or_else(|| self.damaged("a short batch key")),
            None => Ok(1),
        }
    }

    /// The id the next staged batch gets minus one: rows and results above it
    /// are leftovers of a crashed stage.
    pub(super) fn last_batch_id(&self) -> Result<u64> {
        Ok(self.next_batch_id()? - 1)
    }
}

/// The row index of item `i` in chunk `n`.
fn index(n: usize, i: usize) -> Result<u32> {
    u32::try_from(n * CHUNK + i)
        .map_err(|_| StoreError::Refused("too many rows in one batch".into()))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::domain::{BatchKind, Summary};

    /// A staged batch of `kind` with nothing in it, for tests.
    pub(in crate::store) fn batch(kind: BatchKind) -> Batch {
        Batch {
            id: 0,
            kind,
            district: None,
            term: None,
            file: "017-fall-2026.xlsx".into(),
            sha256: "00".into(),
            imported_at: "t".into(),
            imported_by: "op".into(),
            state: BatchState::Staged,
            summary: Summary::default(),
            problems: Vec::new(),
            sheet: None,
            header_row: None,
            settled_at: None,
            settled_by: None,
        }
    }

    #[test]
    fn a_batch_origin_is_kept_exported_and_restored() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(&dir.path().join("a")).unwrap();
        let id = s.stage(batch(BatchKind::Completions), &[], &[]).unwrap();
        assert_eq!(s.origin(id).unwrap(), None);
        s.set_origin(id, "/srv/uploads/017-fall-2026.xlsx").unwrap();
        assert!(s.set_origin(id + 1, "/x").is_err(), "no such batch");
        let mut dump = Vec::new();
        s.export(&mut dump).unwrap();
        assert!(
            String::from_utf8_lossy(&dump)
                .contains("\"origin\":\"/srv/uploads/017-fall-2026.xlsx\"")
        );
        let t = Store::open(&dir.path().join("b")).unwrap();
        t.restore(&mut dump.as_slice()).unwrap();
        assert_eq!(
            t.origin(id).unwrap().as_deref(),
            Some("/srv/uploads/017-fall-2026.xlsx")
        );
        let mut again = Vec::new();
        t.export(&mut again).unwrap();
        assert_eq!(again, dump);
    }
}
