//! The batch state machine: commit, discard, revert, events, recovery.

use super::*;
use crate::store::codec::Phase;
use crate::store::{EventAction, StoreError};

#[test]
fn batch_state_machine_and_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let row = StagedRow {
        row: 2,
        student_id: Some("0000000001".into()),
        data: None,
        problems: vec![],
    };
    let result = |o| RowResult {
        row: 2,
        student_id: None,
        outcome: o,
        changes: vec![],
        problems: vec![],
    };
    let a = s
        .stage(
            new_batch(BatchKind::Exam),
            std::slice::from_ref(&row),
            &[result(Outcome::New)],
        )
        .unwrap();
    let b = s.stage(new_batch(BatchKind::Exam), &[], &[]).unwrap();
    assert_eq!((a, b), (1, 2));
    let batch = s.batch(a).unwrap().unwrap();
    assert_eq!((batch.id, batch.state), (1, BatchState::Staged));
    assert_eq!(s.staged_rows(a).unwrap(), vec![row.clone()]);
    assert_eq!(s.row_results(a).unwrap(), vec![result(Outcome::New)]);
    let refused = |r: crate::store::Result<()>| matches!(r, Err(StoreError::Refused(_)));
    assert!(refused(s.revert(a, "op", "t")));
    let summary = Summary {
        rows: 1,
        changed: 1,
        ..Summary::default()
    };
    s.commit(
        a,
        summary,
        &[result(Outcome::Changed)],
        vec![set(&district("017"))],
        "op",
        "t1",
    )
    .unwrap();
    let batch = s.batch(a).unwrap().unwrap();
    assert_eq!(batch.state, BatchState::Committed);
    assert_eq!(batch.summary, summary);
    assert_eq!(
        (batch.settled_by.as_deref(), batch.settled_at.as_deref()),
        (Some("op"), Some("t1"))
    );
    assert_eq!(s.row_results(a).unwrap(), vec![result(Outcome::Changed)]);
    assert_eq!(s.staged_rows(a).unwrap(), vec![row]);
    assert!(refused(
        s.commit(a, summary, &[], vec![], "op", "t").map(drop)
    ));
    assert!(refused(s.discard(a, "op", "t")));
    s.discard(b, "op", "t2").unwrap();
    assert_eq!(s.batch(b).unwrap().unwrap().state, BatchState::Discarded);
    assert!(refused(
        s.commit(b, summary, &[], vec![], "op", "t").map(drop)
    ));
    assert!(refused(s.revert(b, "op", "t")));
    s.revert(a, "op", "t3").unwrap();
    assert_eq!(s.batch(a).unwrap().unwrap().state, BatchState::Reverted);
    assert!(refused(s.revert(a, "op", "t")));
    assert!(matches!(s.revert(99, "op", "t"), Err(StoreError::NotFound(m)) if m == "no batch 99"));
    assert!(s.batch(99).unwrap().is_none());
    assert_eq!(
        s.batches()
            .unwrap()
            .iter()
            .map(|b| b.id)
            .collect::<Vec<_>>(),
        [1, 2]
    );
}

#[test]
fn a_write_whose_record_has_another_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let id = s.stage(new_batch(BatchKind::Edit), &[], &[]).unwrap();
    let bad = Write {
        key: student(2, "017004").key(),
        before: None,
        after: Some(student(1, "017004")),
    };
    assert!(matches!(
        s.commit(id, Summary::default(), &[], vec![bad], "op", "t"),
        Err(StoreError::Refused(_))
    ));
    assert_eq!(s.batch(id).unwrap().unwrap().state, BatchState::Staged);
}

#[test]
fn revert_restores_records_indexes_deletions_and_creations() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let (a, b) = (student(1, "017004"), student(2, "017004"));
    commit(&s, vec![set(&a), set(&b), set(&exam(2, date(2026, 9, 1)))]);
    let moved = student(1, "017001");
    let id = commit(
        &s,
        vec![
            set(&moved),
            delete(b.key()),
            delete(exam(2, date(2026, 9, 1)).key()),
            set(&student(3, "017001")),
            set(&exam(3, date(2026, 10, 1))),
        ],
    );
    assert_eq!(
        s.students_of_school(&school_code("017001")).unwrap().len(),
        2
    );
    assert_index_consistent(&s);
    s.revert(id, "op2", "t9").unwrap();
    assert_eq!(s.get(&a.key()).unwrap(), Some(a.clone()));
    assert_eq!(s.get(&b.key()).unwrap(), Some(b.clone()));
    assert_eq!(s.get(&student(3, "017001").key()).unwrap(), None);
    assert_eq!(s.exams().unwrap().len(), 1);
    assert_eq!(s.exams_of(&sid(2)).unwrap().len(), 1);
    assert!(
        s.students_of_school(&school_code("017001"))
            .unwrap()
            .is_empty()
    );
    assert_index_consistent(&s);
    let last = s.events().unwrap().pop().unwrap();
    assert_eq!(
        (
            last.action,
            last.batch,
            last.actor.as_str(),
            last.at.as_str()
        ),
        (EventAction::Revert, id, "op2", "t9")
    );
    assert_eq!(last.writes.len(), 5);
}

#[test]
fn revert_is_refused_after_a_later_change_naming_record_and_batch() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let a = student(12345678, "017004");
    let first = commit(&s, vec![set(&a), set(&student(2, "017004"))]);
    let second = commit(&s, vec![set(&renamed(&a, "Lee"))]);
    let third = commit(&s, vec![set(&renamed(&a, "Kim"))]);
    match s.revert(first, "op", "t") {
        Err(StoreError::Refused(m)) => {
            assert!(
                m.contains("student 0012345678 was changed since by batch 3"),
                "{m}"
            )
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(
        s.batch(first).unwrap().unwrap().state,
        BatchState::Committed
    );
    s.revert(third, "op", "t").unwrap();
    let m = s.revert(first, "op", "t").unwrap_err().to_string();
    assert!(m.contains("by batch 2"), "{m}");
    s.revert(second, "op", "t").unwrap();
    s.revert(first, "op", "t").unwrap();
    assert_eq!(s.get(&a.key()).unwrap(), None);
    assert!(s.students().unwrap().is_empty());
}

#[test]
fn events_record_before_and_after() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let a = student(1, "017004");
    commit(&s, vec![set(&a), set(&district("017"))]);
    let id = commit(&s, vec![set(&renamed(&a, "Lee")), set(&district("017"))]);
    let events = s.events().unwrap();
    assert_eq!(events.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2]);
    let e = &events[1];
    assert_eq!((e.batch, e.action), (id, EventAction::Commit));
    // The unchanged district is no write at all.
    assert_eq!(
        e.writes,
        vec![Write {
            key: a.key(),
            before: Some(a.clone()),
            after: Some(renamed(&a, "Lee"))
        }]
    );
    let mine = s.events_for(&a.key()).unwrap();
    assert_eq!(mine.len(), 2);
    assert!(
        mine.iter()
            .all(|e| e.writes.len() == 1 && e.writes[0].key == a.key())
    );
    assert_eq!(s.events_for(&district("017").key()).unwrap().len(), 1);
    // A commit that changes nothing is still in the audit log.
    let empty = commit(&s, vec![set(&district("017"))]);
    let last = s.events().unwrap().pop().unwrap();
    assert_eq!((last.seq, last.batch, last.writes.len()), (3, empty, 0));
}

#[test]
fn big_change_sets_go_in_chunks_and_revert_whole() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let mut writes: Vec<Write> = (0..2500).map(|n| set(&student(n, "017004"))).collect();
    // The same key twice in one chunk: the second write's before is the first's after.
    writes.push(set(&renamed(&student(1, "017004"), "Twice")));
    let id = commit(&s, writes);
    let events = s.events().unwrap();
    assert_eq!(events.len(), 3);
    assert_eq!(events[2].writes.len(), 501);
    assert_eq!(events[2].writes[500].before, Some(student(1, "017004")));
    s.revert(id, "op", "t").unwrap();
    assert!(s.students().unwrap().is_empty());
    assert_index_consistent(&s);
    assert_eq!(s.events().unwrap().len(), 6);
}

#[test]
fn open_rolls_back_a_commit_left_applying() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let a = student(1, "017004");
    commit(&s, vec![set(&a)]);
    let id = commit(
        &s,
        vec![set(&renamed(&a, "Lee")), set(&student(2, "017001"))],
    );
    // As if the process died before the batch was marked committed. An
    // upload's batch: an interrupted edit would be discarded at open.
    let mut rec = s.need(id).unwrap();
    rec.batch.kind = BatchKind::Completions;
    rec.batch.state = BatchState::Staged;
    rec.phase = Phase::Applying {
        first_seq: 2,
        prior: BatchState::Staged,
        results_gen: Some(1),
    };
    rec.commit_events = None;
    s.put_rec(&rec).unwrap();
    s.flush().unwrap();
    drop(s);
    let s = open(dir.path());
    assert_eq!(s.batch(id).unwrap().unwrap().state, BatchState::Staged);
    assert_eq!(s.get(&a.key()).unwrap(), Some(a.clone()));
    assert_eq!(s.students().unwrap().len(), 1);
    assert_eq!(s.events().unwrap().len(), 1);
    assert!(
        s.events_for(&student(2, "017001").key())
            .unwrap()
            .is_empty()
    );
    assert_index_consistent(&s);
    // It commits fine afterwards, with the next seq.
    s.commit(
        id,
        Summary::default(),
        &[],
        vec![set(&student(2, "017001"))],
        "op",
        "t",
    )
    .unwrap();
    assert_eq!(s.events().unwrap().last().unwrap().seq, 2);
}

#[test]
fn open_rolls_back_a_revert_left_applying() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let a = student(1, "017004");
    commit(&s, vec![set(&a)]);
    let id = commit(
        &s,
        vec![set(&renamed(&a, "Lee")), set(&student(2, "017001"))],
    );
    s.revert(id, "op", "t").unwrap();
    let mut rec = s.need(id).unwrap();
    rec.batch.state = BatchState::Committed;
    rec.phase = Phase::Applying {
        first_seq: 3,
        prior: BatchState::Committed,
        results_gen: None,
    };
    s.put_rec(&rec).unwrap();
    s.flush().unwrap();
    drop(s);
    let s = open(dir.path());
    assert_eq!(s.batch(id).unwrap().unwrap().state, BatchState::Committed);
    assert_eq!(s.get(&a.key()).unwrap(), Some(renamed(&a, "Lee")));
    assert_eq!(s.students().unwrap().len(), 2);
    assert_eq!(s.events().unwrap().len(), 2);
    assert_index_consistent(&s);
    s.revert(id, "op", "t").unwrap();
    assert_eq!(s.get(&a.key()).unwrap(), Some(a));
}

#[test]
fn a_commit_failing_half_way_is_undone_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    // An undecodable stored value met in the second chunk.
    let k = crate::store::keys::record(&student(1500, "017004").key());
    s.tree().insert(k.clone(), &[0xff, 0xff, 0xff][..]).unwrap();
    let id = s.stage(new_batch(BatchKind::Edit), &[], &[]).unwrap();
    let writes: Vec<Write> = (0..2000).map(|n| set(&student(n, "017004"))).collect();
    let err = s
        .commit(id, Summary::default(), &[], writes.clone(), "op", "t")
        .unwrap_err();
    assert!(matches!(err, StoreError::Damaged { .. }), "{err:?}");
    assert_eq!(s.batch(id).unwrap().unwrap().state, BatchState::Staged);
    assert!(s.get(&student(0, "017004").key()).unwrap().is_none());
    assert!(s.events().unwrap().is_empty());
    s.tree().remove(k).unwrap();
    let made = s
        .commit(id, Summary::default(), &[], writes, "op", "t")
        .unwrap();
    assert_eq!(s.students().unwrap().len(), 2000);
    // Two chunks, both handed back in the order applied, as stored.
    assert_eq!(made.len(), 2000);
    assert_eq!(made, s.committed_writes(id).unwrap());
    assert_eq!(s.events().unwrap().first().unwrap().seq, 1);
}

#[test]
fn commit_as_staged_keeps_the_staged_triage() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let result = RowResult {
        row: 2,
        student_id: None,
        outcome: Outcome::New,
        changes: vec![],
        problems: vec![],
    };
    let mut batch = new_batch(BatchKind::Districts);
    batch.summary.rows = 1;
    batch.summary.new = 1;
    let id = s.stage(batch, &[], std::slice::from_ref(&result)).unwrap();
    s.commit_as_staged(id, vec![set(&district("017"))], "op", "t")
        .unwrap();
    let b = s.batch(id).unwrap().unwrap();
    assert_eq!((b.state, b.summary.new), (BatchState::Committed, 1));
    assert_eq!(s.row_results(id).unwrap(), vec![result]);
    assert_eq!(s.districts().unwrap().len(), 1);
    s.revert(id, "op", "t").unwrap();
    assert_eq!(s.districts().unwrap().len(), 0);
}
