//! Export and restore.

use super::*;
use crate::store::StoreError;

fn filled(dir: &Path) -> Store {
    let s = open(dir);
    commit(
        &s,
        vec![
            set(&district("017")),
            set(&school("017004")),
            set(&student(1, "017004")),
            set(&exam(1, date(2026, 9, 1))),
        ],
    );
    let second = commit(
        &s,
        vec![
            set(&renamed(&student(1, "017004"), "Lee")),
            set(&student(2, "017004")),
        ],
    );
    s.revert(second, "op", "t").unwrap();
    let row = StagedRow {
        row: 3,
        student_id: Some("x".into()),
        data: None,
        problems: vec![],
    };
    let result = RowResult {
        row: 3,
        student_id: Some("x".into()),
        outcome: Outcome::Error,
        changes: vec![],
        problems: vec![],
    };
    s.stage(new_batch(BatchKind::Completions), &[row], &[result])
        .unwrap();
    commit(&s, vec![set(&student(3, "017004"))]);
    s
}

fn export(s: &Store) -> Vec<u8> {
    let mut out = Vec::new();
    s.export(&mut out).unwrap();
    out
}

#[test]
fn export_restore_export_is_byte_identical() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = export(&filled(a.path()));
    let text = String::from_utf8(first.clone()).unwrap();
    assert!(
        text.starts_with(&format!(
            "{{\"kind\":\"header\",\"schema\":{}",
            crate::store::SCHEMA
        )),
        "{text}"
    );
    for kind in ["district", "school", "student", "exam", "batch", "event"] {
        assert!(text.contains(&format!("{{\"kind\":\"{kind}\"")), "{kind}");
    }
    let restored = open(b.path());
    restored.restore(&mut first.as_slice()).unwrap();
    assert_eq!(export(&restored), first);
    assert_index_consistent(&restored);
    assert_eq!(restored.staged_rows(3).unwrap().len(), 1);
    assert_eq!(restored.row_results(3).unwrap().len(), 1);
    // Counters continue where the original left off, and revert still works.
    let id = restored
        .stage(new_batch(BatchKind::Edit), &[], &[])
        .unwrap();
    assert_eq!(id, 5);
    restored
        .commit(
            id,
            Summary::default(),
            &[],
            vec![set(&student(4, "017004"))],
            "op",
            "t",
        )
        .unwrap();
    assert_eq!(restored.events().unwrap().last().unwrap().seq, 5);
    restored.revert(4, "op", "t").unwrap();
    assert!(restored.get(&student(3, "017004").key()).unwrap().is_none());
    drop(restored);
    assert_eq!(open(b.path()).batches().unwrap().len(), 5);
}

#[test]
fn restore_refuses_a_non_empty_database() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let dump = export(&filled(a.path()));
    let s = open(b.path());
    commit(&s, vec![set(&district("017"))]);
    assert!(matches!(
        s.restore(&mut dump.as_slice()),
        Err(StoreError::Refused(_))
    ));
}

#[test]
fn bad_input_names_the_line_and_leaves_the_database_empty() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let dump = String::from_utf8(export(&filled(a.path()))).unwrap();
    let s = open(b.path());
    let mut lines: Vec<&str> = dump.lines().collect();
    lines.insert(3, "{\"kind\":\"student\",\"id\":\"12\"}");
    let bad = lines.join("\n");
    match s.restore(&mut bad.as_bytes()) {
        Err(StoreError::Refused(m)) => assert!(m.starts_with("line 4 of the dump"), "{m}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(s.is_empty().unwrap());
    let no_header = dump.lines().skip(1).collect::<Vec<_>>().join("\n");
    let m = s
        .restore(&mut no_header.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(m.contains("line 1"), "{m}");
    let twice = format!("{dump}{}\n", dump.lines().nth(1).unwrap());
    let m = s.restore(&mut twice.as_bytes()).unwrap_err().to_string();
    assert!(m.contains("appears twice"), "{m}");
    assert!(s.is_empty().unwrap());
    s.restore(&mut dump.as_bytes()).unwrap();
}

#[test]
fn an_interrupted_restore_is_wiped_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    s.tree()
        .insert(crate::store::keys::META_RESTORING, &[])
        .unwrap();
    commit(&s, vec![set(&district("017"))]);
    drop(s);
    let s = open(dir.path());
    assert!(s.is_empty().unwrap());
    commit(&s, vec![set(&district("017"))]);
}

#[test]
fn certificate_codes_round_trip_and_older_dumps_without_codes_restore() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let s = open(a.path());
    let cert = |n: u64, code: Option<&str>| {
        Record::Certificate(Certificate {
            student: sid(n),
            credential: Credential::RegionalCore,
            issued: date(2026, 12, 4),
            code: code.map(str::to_string),
        })
    };
    commit(
        &s,
        vec![
            set(&school("017004")),
            set(&student(1, "017004")),
            set(&student(2, "017004")),
            set(&cert(1, Some("0123456789ABCDEF"))),
            set(&cert(2, None)),
        ],
    );
    let first = export(&s);
    let text = String::from_utf8(first.clone()).unwrap();
    assert!(text.contains("\"code\":\"0123456789ABCDEF\""), "{text}");
    let restored = open(b.path());
    restored.restore(&mut first.as_slice()).unwrap();
    assert_eq!(export(&restored), first);
    // A dump written before certificates had codes has no `code` field.
    let older = text.replace(",\"code\":null", "");
    assert_ne!(older, text);
    let o = open(c.path());
    o.restore(&mut older.as_bytes()).unwrap();
    let key = RecordKey::Certificate(sid(2), Credential::RegionalCore);
    assert_eq!(o.get(&key).unwrap(), Some(cert(2, None)));
}
