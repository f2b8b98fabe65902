//! Commit and revert: applying a change set all or nothing.
//!
//! The batch record is marked `Applying` (and flushed) first; then each chunk
//! of at most [`CHUNK`] writes is ONE sled batch holding the records, their
//! index entries and the chunk's audit event with the before-images; then the
//! batch record is settled and flushed. sled recovers a prefix of its batches
//! after a crash, so `open` finds an `Applying` batch with some of its events
//! present and undoes exactly those, newest first ([`Store::roll_back`]).

use std::collections::{HashMap, HashSet};

use super::codec::{BatchRec, Phase, encode_event, encode_record};
use super::{CHUNK, Event, EventAction, Result, SledResult, Store, StoreError, keys};
use crate::domain::{BatchState, Record, RecordKey, RowResult, Summary, Write};

/// One chunk being built: its sled batch, the values it has written so far
/// (so a key written twice gets the right before), and its audit writes.
#[derive(Default)]
struct Chunk {
    sled: sled::Batch,
    /// Stored key → index of its latest write in `writes`.
    pending: HashMap<Vec<u8>, usize>,
    writes: Vec<Write>,
}

impl Store {
    /// Applies `writes` atomically (all or nothing, even across a crash at
    /// any moment), records the audit events, sets the batch `committed` with
    /// the given summary and row results, flushes, then returns. Refused
    /// unless the batch is `staged`. Each write's `before` is taken from what
    /// is stored now; writes that change nothing are left out. Returns the
    /// writes made, as [`Store::committed_writes`] would read them back.
    pub fn commit(
        &self,
        id: u64,
        summary: Summary,
        results: &[RowResult],
        writes: Vec<Write>,
        actor: &str,
        at: &str,
    ) -> Result<Vec<Write>> {
        self.commit_with(id, Some((summary, results)), writes, false, actor, at)
    }

    /// [`Store::commit`] right after [`Store::stage`] with the same triage:
    /// the staged summary and row results stand, so they are not written
    /// again.
    pub fn commit_as_staged(
        &self,
        id: u64,
        writes: Vec<Write>,
        actor: &str,
        at: &str,
    ) -> Result<Vec<Write>> {
        self.commit_with(id, None, writes, false, actor, at)
    }

    /// [`Store::commit_as_staged`] of writes whose `before` is what their
    /// maker read: refused, changing nothing, when a record is no longer
    /// that (someone changed it since), naming the record and the change
    /// set that did. Checked under the write lock, so no commit slips
    /// between the check and the writes.
    pub fn commit_as_read(
        &self,
        id: u64,
        writes: Vec<Write>,
        actor: &str,
        at: &str,
    ) -> Result<Vec<Write>> {
        self.commit_with(id, None, writes, true, actor, at)
    }

    fn commit_with(
        &self,
        id: u64,
        triage: Option<(Summary, &[RowResult])>,
        writes: Vec<Write>,
        as_read: bool,
        actor: &str,
        at: &str,
    ) -> Result<Vec<Write>> {
        let _w = self.writer();
        let mut rec = self.settled(id)?;
        if rec.batch.state != BatchState::Staged {
            return Err(StoreError::Refused(format!(
                "batch {id} is {}: only a staged batch can be committed",
                rec.batch.state.as_str()
            )));
        }
        for w in &writes {
            if let Some(a) = &w.after
                && a.key() != w.key
            {
                return Err(StoreError::Refused(format!(
                    "a write for {} carries the record of {}",
                    w.key,
                    a.key()
                )));
            }
        }
        if as_read {
            self.check_as_read(&writes)?;
        }
        let first_seq = self.next_seq()?;
        let old = rec.results_gen;
        let generation = triage.map(|_| old + 1);
        self.begin(&mut rec, first_seq, generation)?;
        let results = triage.map(|(_, r)| r);
        let mut made = Vec::with_capacity(writes.len());
        let end = match self.commit_chunks(
            id, first_seq, generation, results, writes, &mut made, actor, at,
        ) {
            Ok(end) => end,
            Err(e) => return Err(self.abandon(rec, e)),
        };
        rec.batch.state = BatchState::Committed;
        rec.batch.settled_at = Some(at.to_string());
        rec.batch.settled_by = Some(actor.to_string());
        rec.phase = Phase::Settled;
        rec.commit_events = Some((first_seq, end));
        if let (Some((summary, _)), Some(g)) = (triage, generation) {
            rec.batch.summary = summary;
            rec.results_gen = g;
        }
        self.put_rec(&rec)?;
        self.flush()?;
        if generation.is_some() {
            // Superseded results are never read again; a crash here leaves only garbage.
            self.clear_prefix(&keys::results(id, old))?;
        }
        Ok(made)
    }

    /// `committed` → `reverted`: restores exactly the before-images, as
    /// atomically and durably as [`Store::commit`]. Refused when a record the
    /// batch wrote was changed since by a later change set, naming the record
    /// and that batch.
    pub fn revert(&self, id: u64, actor: &str, at: &str) -> Result<()> {
        let _w = self.writer();
        let mut rec = self.settled(id)?;
        if rec.batch.state != BatchState::Committed {
            return Err(StoreError::Refused(format!(
                "batch {id} is {}: only a committed batch can be reverted",
                rec.batch.state.as_str()
            )));
        }
        let (first, end) = rec
            .commit_events
            .ok_or_else(|| self.damaged(format!("committed batch {id} has no commit events")))?;
        // Only a key's last write says what the batch left there.
        let mut seen = HashSet::new();
        for seq in (first..end).rev() {
            for w in self.commit_event(id, seq)?.writes.into_iter().rev() {
                if seen.insert(keys::record(&w.key)) {
                    self.check_unchanged(id, end, &w)?;
                }
            }
        }
        let first_seq = self.next_seq()?;
        self.begin(&mut rec, first_seq, None)?;
        if let Err(e) = self.revert_chunks(id, (first, end), first_seq, actor, at) {
            return Err(self.abandon(rec, e));
        }
        rec.batch.state = BatchState::Reverted;
        rec.batch.settled_at = Some(at.to_string());
        rec.batch.settled_by = Some(actor.to_string());
        rec.phase = Phase::Settled;
        self.put_rec(&rec)?;
        self.flush()
    }

    /// Undoes an interrupted commit or revert: removes its events newest
    /// first, restoring each one's before-images, and returns the batch to
    /// the state it had. Called by `open`.
    pub(super) fn roll_back(&self, mut rec: BatchRec) -> Result<()> {
        let Phase::Applying {
            first_seq,
            prior,
            results_gen,
        } = rec.phase.clone()
        else {
            return Ok(());
        };
        let id = rec.batch.id;
        let mut indexed = self.indexed()?;
        for seq in (first_seq..self.next_seq()?).rev() {
            let event = self
                .event(seq)?
                .ok_or_else(|| self.damaged(format!("event {seq} is missing")))?;
            if event.batch != id {
                return Err(self.damaged(format!(
                    "event {seq} of batch {} follows batch {id}'s",
                    event.batch
                )));
            }
            let mut b = sled::Batch::default();
            for w in event.writes.iter().rev() {
                let k = keys::record(&w.key);
                index_moves(&mut b, w.after.as_ref(), w.before.as_ref());
                match &w.before {
                    Some(r) => b.insert(k.clone(), encode_record(r)?),
                    None => b.remove(k.clone()),
                }
                b.remove(keys::by_record(&k, seq));
            }
            b.remove(keys::numbered(keys::EVENT, seq));
            // The index mark never points past an event that is gone.
            if indexed > seq {
                indexed = seq;
                b.insert(keys::META_INDEXED, seq.to_be_bytes().to_vec());
            }
            self.tree().apply_batch(b).db(self)?;
        }
        if let Some(g) = results_gen {
            self.clear_prefix(&keys::results(id, g))?;
        }
        rec.batch.state = prior;
        rec.phase = Phase::Settled;
        self.put_rec(&rec)?;
        self.flush()
    }

    /// The batch record, refusing one whose failed apply could not be undone.
    fn settled(&self, id: u64) -> Result<BatchRec> {
        let rec = self.need(id)?;
        if rec.phase != Phase::Settled {
            return Err(self.damaged(format!(
                "batch {id} has an interrupted change set; reopen the database to roll it back"
            )));
        }
        Ok(rec)
    }

    /// After an apply failed half way in this process: undo it now rather
    /// than at the next open, and return the original error.
    fn abandon(&self, rec: BatchRec, e: StoreError) -> StoreError {
        let id = rec.batch.id;
        if let Err(undo) = self.roll_back(rec) {
            tracing::error!(batch = id, error = %undo, "could not roll back a failed change set");
        }
        e
    }

    /// Writes a commit's results and chunks; returns the seq after its last event.
    #[allow(clippy::too_many_arguments)]
    fn commit_chunks(
        &self,
        id: u64,
        first_seq: u64,
        generation: Option<u32>,
        results: Option<&[RowResult]>,
        writes: Vec<Write>,
        made: &mut Vec<Write>,
        actor: &str,
        at: &str,
    ) -> Result<u64> {
        if let (Some(g), Some(results)) = (generation, results) {
            self.write_results(id, g, results)?;
        }
        let seq = self.apply_chunks(writes, made, first_seq, id, actor, at)?;
        // A commit that changes nothing still shows in the audit log.
        self.finish(
            Chunk::default(),
            &mut Vec::new(),
            seq,
            id,
            EventAction::Commit,
            actor,
            at,
            seq == first_seq,
        )
    }

    /// Prepares and applies a commit's chunks; returns the next seq. When no
    /// key repeats across the change set (every import), the next chunk is
    /// prepared (befores read, records and event encoded) on a second thread
    /// while this one applies the last: no chunk can then read a before that
    /// an earlier, unapplied chunk is about to change.
    fn apply_chunks(
        &self,
        writes: Vec<Write>,
        made: &mut Vec<Write>,
        first_seq: u64,
        id: u64,
        actor: &str,
        at: &str,
    ) -> Result<u64> {
        let prepare = |part: Vec<Write>| -> Result<Chunk> {
            let mut chunk = Chunk::default();
            for w in part {
                self.put(&mut chunk, w.key, w.after)?;
            }
            Ok(chunk)
        };
        let mut seen = HashSet::with_capacity(writes.len());
        let unique = writes.iter().all(|w| seen.insert(&w.key));
        drop(seen);
        let mut seq = first_seq;
        if !unique || writes.len() <= CHUNK {
            let mut it = writes.into_iter();
            loop {
                let part: Vec<Write> = it.by_ref().take(CHUNK).collect();
                if part.is_empty() {
                    return Ok(seq);
                }
                seq = self.finish(
                    prepare(part)?,
                    made,
                    seq,
                    id,
                    EventAction::Commit,
                    actor,
                    at,
                    false,
                )?;
            }
        }
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Chunk>>(2);
            scope.spawn(move || {
                let mut it = writes.into_iter();
                loop {
                    let part: Vec<Write> = it.by_ref().take(CHUNK).collect();
                    if part.is_empty() {
                        return;
                    }
                    let chunk = prepare(part);
                    let failed = chunk.is_err();
                    // A closed channel means the applier stopped on an error.
                    if tx.send(chunk).is_err() || failed {
                        return;
                    }
                }
            });
            for chunk in rx {
                seq = self.finish(chunk?, made, seq, id, EventAction::Commit, actor, at, false)?;
            }
            Ok(seq)
        })
    }

    /// Writes a revert's chunks: one per commit event, newest first.
    fn revert_chunks(
        &self,
        id: u64,
        (first, end): (u64, u64),
        first_seq: u64,
        actor: &str,
        at: &str,
    ) -> Result<()> {
        let mut seq = first_seq;
        for commit_seq in (first..end).rev() {
            let mut chunk = Chunk::default();
            for w in self.commit_event(id, commit_seq)?.writes.into_iter().rev() {
                self.put(&mut chunk, w.key, w.before)?;
            }
            seq = self.finish(
                chunk,
                &mut Vec::new(),
                seq,
                id,
                EventAction::Revert,
                actor,
                at,
                false,
            )?;
        }
        self.finish(
            Chunk::default(),
            &mut Vec::new(),
            seq,
            id,
            EventAction::Revert,
            actor,
            at,
            seq == first_seq,
        )?;
        Ok(())
    }

    /// Marks the batch applying from `first_seq`, durably, before any chunk.
    fn begin(&self, rec: &mut BatchRec, first_seq: u64, results_gen: Option<u32>) -> Result<()> {
        rec.phase = Phase::Applying {
            first_seq,
            prior: rec.batch.state,
            results_gen,
        };
        self.put_rec(rec)?;
        self.flush()
    }

    fn commit_event(&self, id: u64, seq: u64) -> Result<Event> {
        match self.event(seq)? {
            Some(e) if e.batch == id && e.action == EventAction::Commit => Ok(e),
            _ => Err(self.damaged(format!("commit event {seq} of batch {id} is missing"))),
        }
    }

    /// Refuses writes whose `before` is not what is stored (the first key
    /// written decides; later writes to it follow from it).
    fn check_as_read(&self, writes: &[Write]) -> Result<()> {
        let mut seen = HashSet::new();
        for w in writes {
            if !seen.insert(&w.key) {
                continue;
            }
            let k = keys::record(&w.key);
            if self.read_record(&k)? == w.before {
                continue;
            }
            self.catch_up_index()?;
            let by = match self.touches_since(&k, 0)?.last() {
                Some((_, b)) => match self.batch(*b)? {
                    Some(batch) => format!(
                        "by change set {b} ({}, {})",
                        batch.imported_by, batch.imported_at
                    ),
                    None => format!("by change set {b}"),
                },
                None => "outside any change set".to_string(),
            };
            return Err(StoreError::Refused(format!(
                "{} was changed since it was read, {by}: nothing was applied; look again and redo the change",
                w.key
            )));
        }
        Ok(())
    }

    /// Refuses the revert when `w`'s record was changed since by a later
    /// change set (one still committed, or any that left another value).
    fn check_unchanged(&self, id: u64, end: u64, w: &Write) -> Result<()> {
        let k = keys::record(&w.key);
        let later: Vec<(u64, u64)> = self
            .touches_since(&k, end)?
            .into_iter()
            .filter(|(_, b)| *b != id)
            .collect();
        let mut blocker = None;
        for (_, b) in later.iter().rev() {
            if self.need(*b)?.batch.state == BatchState::Committed {
                blocker = Some(*b);
                break;
            }
        }
        if blocker.is_none() && self.read_record(&k)? != w.after {
            blocker = later.last().map(|(_, b)| *b);
            if blocker.is_none() {
                return Err(StoreError::Refused(format!(
                    "batch {id} cannot be reverted: {} was changed since outside any change set",
                    w.key
                )));
            }
        }
        match blocker {
            Some(b) => Err(StoreError::Refused(format!(
                "batch {id} cannot be reverted: {} was changed since by batch {b}",
                w.key
            ))),
            None => Ok(()),
        }
    }

    /// Adds one write to a chunk, its before read from the store (or from an
    /// earlier write to the same key in this chunk). No-op writes are dropped.
    fn put(&self, chunk: &mut Chunk, key: RecordKey, after: Option<Record>) -> Result<()> {
        let k = keys::record(&key);
        let before = match chunk.pending.get(&k) {
            Some(&i) => chunk.writes.get(i).and_then(|w| w.after.clone()),
            None => self.read_record(&k)?,
        };
        if before == after {
            return Ok(());
        }
        index_moves(&mut chunk.sled, before.as_ref(), after.as_ref());
        match &after {
            Some(r) => chunk.sled.insert(k.clone(), encode_record(r)?),
            None => chunk.sled.remove(k.clone()),
        }
        chunk.pending.insert(k, chunk.writes.len());
        chunk.writes.push(Write { key, before, after });
        Ok(())
    }

    /// Writes a chunk and its event as one sled batch, then moves the
    /// event's writes to `made`; returns the next seq. An empty chunk is
    /// written (as an empty event) only when `always`.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &self,
        mut chunk: Chunk,
        made: &mut Vec<Write>,
        seq: u64,
        batch: u64,
        action: EventAction,
        actor: &str,
        at: &str,
        always: bool,
    ) -> Result<u64> {
        if chunk.writes.is_empty() && !always {
            return Ok(seq);
        }
        let event = Event {
            seq,
            at: at.to_string(),
            actor: actor.to_string(),
            batch,
            action,
            writes: chunk.writes,
        };
        chunk
            .sled
            .insert(keys::numbered(keys::EVENT, seq), encode_event(&event)?);
        self.tree().apply_batch(chunk.sled).db(self)?;
        made.extend(event.writes);
        Ok(seq + 1)
    }
}

/// Index updates for a record going from `before` to `after` (the school
/// index of students). Removal first: in a sled batch the last op on a key wins.
pub(super) fn index_moves(b: &mut sled::Batch, before: Option<&Record>, after: Option<&Record>) {
    if let (Some(Record::Student(x)), Some(Record::Student(y))) = (before, after)
        && x.school == y.school
    {
        return;
    }
    if let Some(Record::Student(s)) = before {
        b.remove(keys::by_school(&s.school, &s.id));
    }
    if let Some(Record::Student(s)) = after {
        b.insert(keys::by_school(&s.school, &s.id), Vec::new());
    }
}
