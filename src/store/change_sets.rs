//! Change sets made outside an upload (SPEC §1): UI edits and transfers. A
//! change set is a batch with no rows whose writes go through the same
//! all-or-nothing commit as an upload's, so commit, revert (undo) and the
//! audit log treat both alike.

use super::{EventAction, Result, Store, StoreError};
use crate::domain::{Batch, BatchKind, BatchState, DistrictCode, Summary, Write};

impl Store {
    /// Applies `writes` as one change set of `kind` (an edit or a transfer)
    /// described by `description`, for `district` when it concerns one: a
    /// batch staged and committed at once, all or nothing, durable when it
    /// returns. Each write's `before` is taken from what is stored now. A
    /// crash between the two steps leaves a staged change set with nothing
    /// applied, which the next open discards. Returns its id and the writes
    /// it made (each with its before), as [`Store::committed_writes`]
    /// would read them back.
    pub fn apply_change_set(
        &self,
        kind: BatchKind,
        description: &str,
        district: Option<DistrictCode>,
        writes: Vec<Write>,
        actor: &str,
        at: &str,
    ) -> Result<(u64, Vec<Write>)> {
        self.apply_change_set_with(kind, description, district, writes, false, actor, at)
    }

    /// [`Store::apply_change_set`] of writes whose `before` is what their
    /// maker read (a client of the server): refused when a record was
    /// changed since, naming it and the change set that did
    /// ([`Store::commit_as_read`]).
    pub fn apply_change_set_as_read(
        &self,
        kind: BatchKind,
        description: &str,
        district: Option<DistrictCode>,
        writes: Vec<Write>,
        actor: &str,
        at: &str,
    ) -> Result<(u64, Vec<Write>)> {
        self.apply_change_set_with(kind, description, district, writes, true, actor, at)
    }

    #[allow(clippy::too_many_arguments)]
    fn apply_change_set_with(
        &self,
        kind: BatchKind,
        description: &str,
        district: Option<DistrictCode>,
        writes: Vec<Write>,
        as_read: bool,
        actor: &str,
        at: &str,
    ) -> Result<(u64, Vec<Write>)> {
        if !matches!(kind, BatchKind::Edit | BatchKind::Transfer) {
            return Err(StoreError::Refused(format!(
                "a {} batch comes from a file, not from an edit",
                kind.as_str()
            )));
        }
        let count = u32::try_from(writes.len()).unwrap_or(u32::MAX);
        let batch = Batch {
            id: 0,
            kind,
            district,
            term: None,
            file: description.to_string(),
            sha256: String::new(),
            imported_at: at.to_string(),
            imported_by: actor.to_string(),
            state: BatchState::Staged,
            summary: Summary {
                rows: count,
                changed: count,
                ..Summary::default()
            },
            problems: Vec::new(),
            sheet: None,
            header_row: None,
            settled_at: None,
            settled_by: None,
        };
        // No flush here: the commit marks it applying and flushes first.
        let id = self.stage_unflushed(batch, &[], &[], &mut |_| {})?;
        let done = if as_read {
            self.commit_as_read(id, writes, actor, at)
        } else {
            self.commit_as_staged(id, writes, actor, at)
        };
        match done {
            Ok(made) => Ok((id, made)),
            Err(e) => {
                if let Err(d) = self.discard(id, actor, at) {
                    tracing::error!(batch = id, error = %d, "could not discard a failed change set");
                }
                Err(e)
            }
        }
    }

    /// The writes a committed (or since reverted) batch made, each with its
    /// before and after, in the order applied; empty for a batch never
    /// committed.
    pub fn committed_writes(&self, id: u64) -> Result<Vec<Write>> {
        let rec = self.need(id)?;
        let Some((first, end)) = rec.commit_events else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for seq in first..end {
            match self.event(seq)? {
                Some(e) if e.batch == id && e.action == EventAction::Commit => {
                    out.extend(e.writes);
                }
                _ => {
                    return Err(
                        self.damaged(format!("commit event {seq} of batch {id} is missing"))
                    );
                }
            }
        }
        Ok(out)
    }

    /// Change sets (edits, transfers) left `staged` by a crash between their
    /// stage and commit: nothing of them was applied; they are discarded.
    pub(super) fn discard_interrupted_change_sets(&self) -> Result<()> {
        for rec in self.recs()? {
            let b = &rec.batch;
            if matches!(b.kind, BatchKind::Edit | BatchKind::Transfer)
                && b.state == BatchState::Staged
            {
                tracing::warn!(batch = b.id, "discarding an interrupted change set");
                let at = b.imported_at.clone();
                self.discard(b.id, "mecred", &at)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Record, RecordKey, School, SchoolCode};

    fn school(name: &str) -> Record {
        Record::School(School {
            code: SchoolCode::parse("017004").unwrap(),
            name: name.into(),
        })
    }

    #[test]
    fn a_change_set_commits_reverts_and_reports_its_writes() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let key = RecordKey::School(SchoolCode::parse("017004").unwrap());
        let w = |r: Record| Write {
            key: key.clone(),
            before: None,
            after: Some(r),
        };
        let (a, _) = s
            .apply_change_set(
                BatchKind::Edit,
                "name it",
                None,
                vec![w(school("A"))],
                "op",
                "t1",
            )
            .unwrap();
        let (b, returned) = s
            .apply_change_set(
                BatchKind::Edit,
                "rename",
                None,
                vec![w(school("B"))],
                "op",
                "t2",
            )
            .unwrap();
        assert_eq!(s.get(&key).unwrap(), Some(school("B")));
        let made = s.committed_writes(b).unwrap();
        assert_eq!(returned, made);
        assert_eq!(made.len(), 1);
        assert_eq!(made[0].before, Some(school("A")));
        let batch = s.batch(b).unwrap().unwrap();
        assert_eq!(
            (batch.kind, batch.state),
            (BatchKind::Edit, BatchState::Committed)
        );
        assert_eq!(batch.file, "rename");
        // Undo of the older one is refused while the newer one stands.
        let refused = s.revert(a, "op", "t3").unwrap_err().to_string();
        assert!(refused.contains(&format!("by batch {b}")), "{refused}");
        s.revert(b, "op", "t3").unwrap();
        assert_eq!(s.get(&key).unwrap(), Some(school("A")));
        assert!(
            s.apply_change_set(BatchKind::Completions, "x", None, vec![], "op", "t")
                .is_err()
        );
    }

    #[test]
    fn a_change_set_as_read_is_refused_when_a_record_changed_since() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let key = RecordKey::School(SchoolCode::parse("017004").unwrap());
        let w = |before: Option<Record>, after: Record| Write {
            key: key.clone(),
            before,
            after: Some(after),
        };
        let (a, _) = s
            .apply_change_set(
                BatchKind::Edit,
                "A",
                None,
                vec![w(None, school("A"))],
                "ana",
                "t1",
            )
            .unwrap();
        // Read A; meanwhile someone else writes B.
        s.apply_change_set_as_read(
            BatchKind::Edit,
            "B",
            None,
            vec![w(Some(school("A")), school("B"))],
            "ben",
            "t2",
        )
        .unwrap();
        let refused = s
            .apply_change_set_as_read(
                BatchKind::Edit,
                "C",
                None,
                vec![w(Some(school("A")), school("C"))],
                "ana",
                "t3",
            )
            .unwrap_err()
            .to_string();
        assert!(
            refused.contains("school 017004") || refused.contains("017004"),
            "{refused}"
        );
        assert!(
            refused.contains(&format!("change set {}", a + 1)),
            "{refused}"
        );
        assert!(refused.contains("ben"), "{refused}");
        assert_eq!(s.get(&key).unwrap(), Some(school("B")));
        // The refused change set left nothing behind but a discarded batch.
        let last = s.batches().unwrap().into_iter().last().unwrap();
        assert_eq!(last.state, BatchState::Discarded);
    }

    #[test]
    fn a_change_set_left_staged_by_a_crash_is_discarded_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let id = {
            let s = Store::open(dir.path()).unwrap();
            let batch = crate::store::batches::tests::batch(BatchKind::Edit);
            s.stage(batch, &[], &[]).unwrap()
        };
        let s = Store::open(dir.path()).unwrap();
        assert_eq!(s.batch(id).unwrap().unwrap().state, BatchState::Discarded);
    }
}
