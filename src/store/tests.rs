//! Store tests: each opens its own database in a temporary directory.

mod batches;
mod crash;
mod dump;
mod lifecycle;

use std::path::Path;

use super::Store;
use crate::domain::calendar::ymd;
use crate::domain::*;

pub fn open(dir: &Path) -> Store {
    Store::open(dir).unwrap()
}

pub fn sid(n: u64) -> StudentId {
    StudentId::parse(&format!("{n:010}")).unwrap()
}

pub fn school_code(s: &str) -> SchoolCode {
    SchoolCode::parse(s).unwrap()
}

pub fn date(y: i16, m: i8, d: i8) -> Date {
    ymd(y, m, d).unwrap()
}

pub fn district(code: &str) -> Record {
    Record::District(District {
        code: DistrictCode::parse(code).unwrap(),
        name: format!("District {code}"),
        kind: DistrictKind::District,
        client: true,
    })
}

pub fn school(code: &str) -> Record {
    Record::School(School {
        code: school_code(code),
        name: format!("School {code}"),
    })
}

pub fn student(n: u64, school: &str) -> Record {
    Record::Student(Student {
        id: sid(n),
        last_name: "Doe".into(),
        first_name: format!("Pat{n}"),
        school: school_code(school),
        cohort: 2028,
        pathway: Some(true),
        complementary: vec!["Welding".into()],
        modules: Modules {
            sa_round1: Some(date(2026, 9, 1)),
            ..Modules::default()
        },
        notes: None,
    })
}

pub fn exam(n: u64, d: Date) -> Record {
    Record::Exam(ExamAttempt {
        student: sid(n),
        date: d,
        score: Some("88".into()),
        result: ExamResult::Pass,
        provider: None,
    })
}

pub fn renamed(r: &Record, first: &str) -> Record {
    match r {
        Record::Student(s) => Record::Student(Student {
            first_name: first.into(),
            ..s.clone()
        }),
        other => other.clone(),
    }
}

/// A write setting each record (before is filled in by the store).
pub fn set(r: &Record) -> Write {
    Write {
        key: r.key(),
        before: None,
        after: Some(r.clone()),
    }
}

pub fn delete(key: RecordKey) -> Write {
    Write {
        key,
        before: None,
        after: None,
    }
}

pub fn new_batch(kind: BatchKind) -> Batch {
    Batch {
        id: 0,
        kind,
        district: None,
        term: None,
        file: "file.csv".into(),
        sha256: "00".into(),
        imported_at: "2026-12-04T10:00:00Z".into(),
        imported_by: "op".into(),
        state: BatchState::Committed,
        summary: Summary::default(),
        problems: vec![],
        sheet: None,
        header_row: Some(1),
        settled_at: None,
        settled_by: None,
    }
}

/// Stages and commits `writes` as one batch; returns its id.
pub fn commit(store: &Store, writes: Vec<Write>) -> u64 {
    let id = store.stage(new_batch(BatchKind::Edit), &[], &[]).unwrap();
    store
        .commit(
            id,
            Summary::default(),
            &[],
            writes,
            "op",
            "2026-12-04T10:00:00Z",
        )
        .unwrap();
    id
}

/// The school index agrees with the students' own school fields.
pub fn assert_index_consistent(store: &Store) {
    let all = store.students().unwrap();
    let mut schools: Vec<SchoolCode> = all.iter().map(|s| s.school.clone()).collect();
    schools.dedup();
    let mut via_index = Vec::new();
    for s in &schools {
        via_index.extend(store.students_of_school(s).unwrap());
    }
    assert_eq!(via_index, all);
    let n_index = store.tree().scan_prefix([super::keys::BY_SCHOOL]).count();
    assert_eq!(n_index, all.len(), "stale school index entries");
}
