//! Issue 5 property: any sequence of change sets — imports of small generated
//! CSVs, direct edits (`apply_change_set`), transfers, reverts of any batch
//! (refused ones change nothing) and undos (reverting the newest committed
//! one, which is never refused) — undone back to the start by reverting every
//! still-committed change set newest first, leaves every stored record as it
//! was, byte for byte in the export. Batches and audit events remain.
#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;

use mecred::cli::{Context, Staged, stage};
use mecred::domain::{
    BatchKind, BatchState, Date, ExamAttempt, ExamResult, Record, RecordKey, SchoolCode, Student,
    StudentId, Term, Write,
};
use mecred::store::Store;
use proptest::prelude::*;

const KINDS: [&str; 7] = [
    "district",
    "agreement",
    "school",
    "student",
    "exam",
    "statewide",
    "certificate",
];
const DATES: [&str; 5] = ["", "CLEAR", "2026-09-01", "2026-10-15", "9/3/2026"];
const YN: [&str; 3] = ["", "Y", "N"];

fn today() -> Date {
    Date::constant(2026, 12, 4)
}

fn ctx() -> Context {
    Context {
        db: None,
        today: today(),
        today_given: true,
        json: true,
        read_only: false,
        keymap: "default".into(),
        actor: "prop".into(),
        district: None,
        io: mecred::cli::Io::local(),
        store: None,
    }
}

fn sid(i: u8) -> StudentId {
    StudentId::parse(&format!("{:010}", 4_200_000 + u32::from(i))).unwrap()
}

/// One generated upload row: (student, school 0/1, grade, dates, checklist, pathway).
type RowSpec = (u8, bool, u8, [usize; 3], usize, usize);

#[derive(Debug, Clone)]
enum EditOp {
    Date(u8, Option<u8>),
    Rename(u8, u8),
    Delete(u8),
    Exam(u8, u8),
}

#[derive(Debug, Clone)]
enum Op {
    Import(Vec<RowSpec>),
    Edit(Vec<EditOp>),
    Transfer(u8, u8),
    Revert(usize),
    Undo,
}

fn row() -> impl Strategy<Value = RowSpec> {
    (
        0u8..8,
        any::<bool>(),
        9u8..=12,
        [0usize..5, 0usize..5, 0usize..5],
        0usize..3,
        0usize..3,
    )
}

fn edit() -> impl Strategy<Value = EditOp> {
    prop_oneof![
        (0u8..8, proptest::option::of(1u8..28)).prop_map(|(i, d)| EditOp::Date(i, d)),
        (0u8..8, 0u8..3).prop_map(|(i, n)| EditOp::Rename(i, n)),
        (0u8..8).prop_map(EditOp::Delete),
        (0u8..8, 1u8..28).prop_map(|(i, d)| EditOp::Exam(i, d)),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => proptest::collection::vec(row(), 1..6).prop_map(Op::Import),
        4 => proptest::collection::vec(edit(), 1..5).prop_map(Op::Edit),
        2 => (0u8..8, 0u8..3).prop_map(|(i, s)| Op::Transfer(i, s)),
        2 => (0usize..16).prop_map(Op::Revert),
        1 => Just(Op::Undo),
    ]
}

fn csv(rows: &[RowSpec]) -> Vec<u8> {
    let mut s = String::from(
        "District Code,School Code,School Name,Student ID,Last Name,First Name,Grade,Self-Assessment Round 1,Self-Assessment Round 2,Company Registration,Mentor Checklist,Micro-Enterprise Pathway\n",
    );
    for (i, other, grade, d, c, p) in rows {
        let school = if *other { "017011" } else { "017004" };
        writeln!(
            s,
            "017,{school},School {school},{},Doe,Pat{i},{grade},{},{},{},{},{}",
            sid(*i),
            DATES[d[0]],
            DATES[d[1]],
            DATES[d[2]],
            YN[*c],
            YN[*p]
        )
        .unwrap();
    }
    s.into_bytes()
}

fn student(store: &Store, i: u8) -> Option<Student> {
    match store.get(&RecordKey::Student(sid(i))).unwrap() {
        Some(Record::Student(s)) => Some(s),
        _ => None,
    }
}

/// One change set may write a
/// key twice (the later write wins, its before is the earlier's after).
fn edit_writes(store: &Store, ops: &[EditOp]) -> Vec<Write> {
    let mut out = Vec::new();
    for op in ops {
        let i = match op {
            EditOp::Date(i, _) | EditOp::Rename(i, _) | EditOp::Delete(i) | EditOp::Exam(i, _) => {
                *i
            }
        };
        // An edit of a student not stored creates it (then the op applies).
        let mut s = student(store, i).unwrap_or_else(|| Student {
            id: sid(i),
            last_name: "Edit".into(),
            first_name: "New".into(),
            school: SchoolCode::parse("017004").unwrap(),
            cohort: 2027,
            pathway: None,
            complementary: vec![],
            modules: Default::default(),
            notes: None,
        });
        let key = RecordKey::Student(s.id.clone());
        let after = match op {
            EditOp::Date(_, d) => {
                s.modules.company_registration = d.map(|d| Date::constant(2026, 11, d as i8));
                Some(Record::Student(s))
            }
            EditOp::Rename(_, n) => {
                s.first_name = ["Ann", "Bo", "Cy"][*n as usize].into();
                Some(Record::Student(s))
            }
            EditOp::Delete(_) => None,
            EditOp::Exam(_, d) => {
                let e = ExamAttempt {
                    student: s.id.clone(),
                    date: Date::constant(2026, 10, *d as i8),
                    score: None,
                    result: ExamResult::Pass,
                    provider: None,
                };
                // The student too: it may be new in this change set.
                out.push(Write {
                    key: key.clone(),
                    before: None,
                    after: Some(Record::Student(s.clone())),
                });
                out.push(Write {
                    key: RecordKey::Exam(s.id, e.date),
                    before: None,
                    after: Some(Record::Exam(e)),
                });
                continue;
            }
        };
        out.push(Write {
            key,
            before: None,
            after,
        });
    }
    out
}

fn records(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    store.export(&mut out).unwrap();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .filter(|l| {
            KINDS
                .iter()
                .any(|k| l.starts_with(&format!("{{\"kind\":\"{k}\",")))
        })
        .map(str::to_string)
        .collect()
}

fn committed_since(store: &Store, base: u64) -> Vec<u64> {
    store
        .batches()
        .unwrap()
        .into_iter()
        .filter(|b| b.id > base && b.state == BatchState::Committed)
        .map(|b| b.id)
        .collect()
}

fn run(store: &Store, op: &Op, base: u64) {
    match op {
        Op::Import(rows) => {
            let term: Term = "fall-2026".parse().unwrap();
            let staged = stage(
                &ctx(),
                store,
                "gen.csv",
                csv(rows),
                Some(BatchKind::Completions),
                term,
                true,
            )
            .unwrap();
            assert!(matches!(staged, Staged::Batch { .. }));
        }
        Op::Edit(ops) => {
            let writes = edit_writes(store, ops);
            if !writes.is_empty() {
                store
                    .apply_change_set(BatchKind::Edit, "prop edit", None, writes, "prop", "t")
                    .unwrap();
            }
        }
        Op::Transfer(i, s) => {
            let school = SchoolCode::parse(["017004", "017011", "029005"][*s as usize]).unwrap();
            let before = records(store);
            if store
                .transfer_student(&sid(*i), &school, Some("New"), "prop", "t")
                .is_err()
            {
                assert_eq!(records(store), before, "a refused transfer changed records");
            }
        }
        Op::Revert(k) => {
            let all: Vec<u64> = store
                .batches()
                .unwrap()
                .iter()
                .map(|b| b.id)
                .filter(|id| *id > base)
                .collect();
            if all.is_empty() {
                return;
            }
            let id = all[k % all.len()];
            let before = records(store);
            if store.revert(id, "prop", "t").is_err() {
                assert_eq!(
                    records(store),
                    before,
                    "a refused revert of {id} changed records"
                );
            }
        }
        Op::Undo => {
            if let Some(id) = committed_since(store, base).last() {
                store.revert(*id, "prop", "t").unwrap();
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn undoing_every_change_set_restores_every_record(ops in proptest::collection::vec(op(), 3..14)) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let districts = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/districts.csv")).unwrap();
        stage(&ctx(), &store, "districts.csv", districts, Some(BatchKind::Districts), "fall-2026".parse().unwrap(), true).unwrap();
        // Transfers to 029005 create that school (district 029 is stored).
        let base = store.batches().unwrap().last().unwrap().id;
        let start = records(&store);
        for op in &ops {
            run(&store, op, base);
        }
        let live = committed_since(&store, base);
        if std::env::var_os("PROP_VERBOSE").is_some() {
            let kinds: Vec<_> = store.batches().unwrap().iter().map(|b| format!("{}:{}", b.kind, b.state.as_str())).collect();
            eprintln!("{} ops, {} records, {kinds:?}", ops.len(), records(&store).len() - start.len());
        }
        for id in live.into_iter().rev() {
            store.revert(id, "prop", "t").unwrap();
        }
        prop_assert_eq!(records(&store), start);
        prop_assert!(committed_since(&store, base).is_empty());
    }
}
