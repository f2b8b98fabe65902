//! Opening, locking, modes, schema, damage, queries.

use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use super::*;
use crate::store::{StoreError, keys};

#[test]
fn reopen_keeps_what_was_committed() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    assert!(s.is_empty().unwrap());
    commit(&s, vec![set(&district("017")), set(&student(1, "017004"))]);
    assert!(!s.is_empty().unwrap());
    drop(s);
    let s = open(dir.path());
    assert_eq!(
        s.get(&student(1, "017004").key()).unwrap(),
        Some(student(1, "017004"))
    );
    assert_eq!(s.batches().unwrap().len(), 1);
    let looked = crate::domain::Lookup::get(&s, &district("017").key()).unwrap();
    assert_eq!(looked, Some(district("017")));
}

#[test]
fn a_second_open_is_busy_at_once_naming_the_path_and_pid() {
    let dir = tempfile::tempdir().unwrap();
    let _held = open(dir.path());
    let t = Instant::now();
    let err = Store::open(dir.path()).err().unwrap();
    assert!(t.elapsed() < Duration::from_secs(2));
    match &err {
        StoreError::Busy { path, pid } => {
            assert_eq!(path, &dir.path().canonicalize().unwrap());
            assert_eq!(*pid, Some(std::process::id()));
        }
        other => panic!("expected Busy, got {other:?}"),
    }
    assert!(
        err.to_string()
            .contains(&dir.path().canonicalize().unwrap().display().to_string())
    );
}

#[test]
fn the_lock_is_released_on_drop() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let clone = s.clone();
    drop(s);
    assert!(matches!(
        Store::open(dir.path()),
        Err(StoreError::Busy { .. })
    ));
    drop(clone);
    open(dir.path());
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    s.tree()
        .insert(keys::META_SCHEMA, &7u32.to_be_bytes())
        .unwrap();
    s.flush().unwrap();
    drop(s);
    match Store::open(dir.path()) {
        Err(StoreError::NewerSchema {
            found: 7,
            supported: crate::store::SCHEMA,
            ..
        }) => {}
        other => panic!("expected NewerSchema, got {:?}", other.err()),
    }
}

#[test]
fn an_older_schema_is_refused_with_the_way_forward() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    s.tree()
        .insert(keys::META_SCHEMA, &1u32.to_be_bytes())
        .unwrap();
    s.flush().unwrap();
    drop(s);
    match Store::open(dir.path()) {
        Err(e @ StoreError::Damaged { .. }) => {
            let m = e.to_string();
            assert!(
                m.contains("older mecred (schema 1") && m.contains("mecred restore"),
                "{m}"
            );
        }
        other => panic!("expected Damaged, got {:?}", other.err()),
    }
}

#[test]
fn an_undecodable_value_is_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let k = keys::record(&student(1, "017004").key());
    s.tree().insert(k, &[0xff, 0xff, 0xff][..]).unwrap();
    assert!(matches!(
        s.get(&student(1, "017004").key()),
        Err(StoreError::Damaged { .. })
    ));
    assert!(matches!(s.students(), Err(StoreError::Damaged { .. })));
}

#[test]
fn directory_0700_and_files_0600() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a/db");
    let s = open(&db);
    commit(&s, vec![set(&district("017"))]);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&db), 0o700);
    let mut files = 0;
    let mut todo = vec![db.clone()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                assert_eq!(mode(&p), 0o700, "{}", p.display());
                todo.push(p);
            } else {
                assert_eq!(mode(&p), 0o600, "{}", p.display());
                files += 1;
            }
        }
    }
    assert!(files >= 2, "sled's files and the lock file");
    assert!(db.join("mecred.lock").exists());
}

#[test]
fn queries_come_in_their_documented_order() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let agreement = |d: &str, end: i16| {
        Record::Agreement(Agreement {
            district: DistrictCode::parse(d).unwrap(),
            year: SchoolYear { end },
            signed: date(end - 1, 8, 1),
            agreement_type: AgreementType::Confidentiality,
        })
    };
    let statewide = |n, c, d| {
        Record::Statewide(StatewideAttempt {
            student: sid(n),
            credential: c,
            attempted: d,
            attained: None,
        })
    };
    let cert = |n, c| {
        Record::Certificate(Certificate {
            student: sid(n),
            credential: c,
            issued: date(2026, 5, 1),
            code: Some("ABCDEFGHJKMNPQRS".into()),
        })
    };
    commit(
        &s,
        vec![
            set(&district("W3B")),
            set(&district("017")),
            set(&agreement("017", 2027)),
            set(&agreement("017", 2026)),
            set(&agreement("009", 2027)),
            set(&school("017004")),
            set(&school("009001")),
            set(&school("017001")),
            set(&student(5, "017001")),
            set(&student(3, "017004")),
            set(&student(9, "009001")),
            set(&student(1, "017004")),
            set(&exam(3, date(2026, 10, 2))),
            set(&exam(1, date(2026, 11, 2))),
            set(&exam(3, date(2026, 9, 2))),
            set(&statewide(
                3,
                Credential::AdvancedStatewide,
                date(2026, 1, 1),
            )),
            set(&statewide(3, Credential::BasicStatewide, date(2026, 3, 1))),
            set(&cert(3, Credential::BasicStatewide)),
            set(&cert(3, Credential::RegionalCore)),
        ],
    );
    let codes: Vec<String> = s
        .districts()
        .unwrap()
        .iter()
        .map(|d| d.code.to_string())
        .collect();
    assert_eq!(codes, ["017", "W3B"]);
    let years = |v: Vec<Agreement>| -> Vec<String> {
        v.iter()
            .map(|a| format!("{} {}", a.district, a.year))
            .collect()
    };
    assert_eq!(
        years(s.agreements(None).unwrap()),
        ["009 2026-27", "017 2025-26", "017 2026-27"]
    );
    let d017 = DistrictCode::parse("017").unwrap();
    assert_eq!(
        years(s.agreements(Some(&d017)).unwrap()),
        ["017 2025-26", "017 2026-27"]
    );
    let schools: Vec<String> = s
        .schools(Some(&d017))
        .unwrap()
        .iter()
        .map(|x| x.code.to_string())
        .collect();
    assert_eq!(schools, ["017001", "017004"]);
    assert_eq!(s.schools(None).unwrap().len(), 3);
    let ids = |v: Vec<Student>| -> Vec<String> { v.iter().map(|x| x.id.to_string()).collect() };
    assert_eq!(
        ids(s.students().unwrap()),
        [sid(9), sid(5), sid(1), sid(3)].map(|x| x.to_string())
    );
    assert_eq!(
        ids(s.students_of_district(&d017).unwrap()),
        [sid(5), sid(1), sid(3)].map(|x| x.to_string())
    );
    assert_eq!(
        ids(s.students_of_school(&school_code("017004")).unwrap()),
        [sid(1), sid(3)].map(|x| x.to_string())
    );
    let exams: Vec<(String, Date)> = s
        .exams()
        .unwrap()
        .into_iter()
        .map(|e| (e.student.to_string(), e.date))
        .collect();
    assert_eq!(exams[0].0, sid(1).to_string());
    assert_eq!(exams[1].1, date(2026, 9, 2));
    assert_eq!(exams[2].1, date(2026, 10, 2));
    assert_eq!(s.exams_of(&sid(3)).unwrap().len(), 2);
    let sw = s.statewide_of(&sid(3)).unwrap();
    assert_eq!(sw[0].credential, Credential::BasicStatewide);
    assert_eq!(s.statewide().unwrap().len(), 2);
    let certs = s.certificates_of(&sid(3)).unwrap();
    assert_eq!(certs[0].credential, Credential::RegionalCore);
    assert_eq!(s.certificates().unwrap().len(), 2);
    assert!(s.certificates_of(&sid(1)).unwrap().is_empty());
    assert_index_consistent(&s);
}

#[test]
fn open_drops_rows_of_a_stage_that_died_before_its_batch_record() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let row = StagedRow {
        row: 2,
        student_id: None,
        data: None,
        problems: vec![],
    };
    s.tree()
        .insert(keys::row(1, 0), crate::store::codec::encode(&row).unwrap())
        .unwrap();
    s.tree().insert(keys::result(1, 0, 0), &[1u8][..]).unwrap();
    s.flush().unwrap();
    drop(s);
    let s = open(dir.path());
    assert!(s.is_empty().unwrap());
    let id = s.stage(new_batch(BatchKind::Exam), &[], &[]).unwrap();
    assert!(s.staged_rows(id).unwrap().is_empty());
}

#[test]
fn the_store_is_shared_across_threads() {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    shareable::<Store>();
    let dir = tempfile::tempdir().unwrap();
    let s = open(dir.path());
    let handles: Vec<_> = (0..4u64)
        .map(|t| {
            let s = s.clone();
            std::thread::spawn(move || commit(&s, vec![set(&student(t, "017004"))]))
        })
        .collect();
    let mut ids: Vec<u64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    ids.sort();
    assert_eq!(ids, [1, 2, 3, 4]);
    assert_eq!(s.students().unwrap().len(), 4);
    assert_eq!(s.events().unwrap().len(), 4);
}

#[test]
fn the_by_record_index_is_caught_up_when_read() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    commit(&store, vec![set(&district("017")), set(&school("017004"))]);
    let s = student(1, "017004");
    let key = s.key();
    commit(&store, vec![set(&s)]);
    assert_eq!(
        store.indexed().unwrap(),
        1,
        "commits leave the index to readers"
    );
    assert_eq!(store.events_for(&key).unwrap().len(), 1);
    assert_eq!(store.indexed().unwrap(), store.next_seq().unwrap());
    let b = commit(&store, vec![set(&renamed(&s, "Zoe"))]);
    let history = store.events_for(&key).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(
        history[1].writes[0].after.as_ref(),
        Some(&renamed(&s, "Zoe"))
    );
    store.revert(b, "t", "now").unwrap();
    assert_eq!(store.events_for(&key).unwrap().len(), 3);
}
