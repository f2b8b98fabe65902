#![allow(clippy::unwrap_used)]
//! The LibreOffice fixtures through normalise + triage against an in-memory
//! store, in the demo order: every summary and the rows the fixtures README
//! singles out (SPEC §2 decides where the README differs).

use std::collections::HashMap;

use mecred::domain::{BatchKind, Date, Outcome, ProblemCode, Record, RecordKey, Term};
use mecred::import::{Triage, parse_bytes, triage};

const TODAY: Date = Date::constant(2026, 12, 4);

fn import(
    db: &mut HashMap<RecordKey, Record>,
    file: &str,
    kind: BatchKind,
    term: &str,
) -> (mecred::import::Parsed, Triage) {
    let bytes = std::fs::read(format!("fixtures/{file}")).unwrap();
    let parsed = parse_bytes(file, bytes, Some(kind), TODAY).unwrap();
    let term: Term = term.parse().unwrap();
    let t = triage(kind, term, &parsed.rows, db).unwrap();
    for w in &t.writes {
        match &w.after {
            Some(r) => db.insert(w.key.clone(), r.clone()),
            None => db.remove(&w.key),
        };
    }
    (parsed, t)
}

fn counts(t: &Triage) -> [u32; 6] {
    let s = t.summary;
    [s.rows, s.new, s.changed, s.unchanged, s.warning, s.error]
}

fn row(t: &Triage, n: u32) -> &mecred::domain::RowResult {
    t.results.iter().find(|r| r.row == n).unwrap()
}

#[test]
fn demo_order_gives_the_expected_triage() {
    let mut db = HashMap::new();
    let (p, t) = import(&mut db, "districts.xlsx", BatchKind::Districts, "fall-2026");
    assert_eq!((p.sheet.as_str(), p.header_row), ("Districts", 1));
    assert_eq!(counts(&t), [8, 8, 0, 0, 0, 0]);

    let (_, t) = import(
        &mut db,
        "completions-W3B-spring-2026.xlsx",
        BatchKind::Completions,
        "spring-2026",
    );
    assert_eq!(counts(&t), [14, 14, 0, 0, 0, 0]);
    assert_eq!(t.district.as_ref().unwrap().as_str(), "W3B");

    let (p, t) = import(
        &mut db,
        "completions-017-fall-2026.xlsx",
        BatchKind::Completions,
        "fall-2026",
    );
    assert_eq!((p.sheet.as_str(), p.header_row), ("Completions", 3));
    assert_eq!(counts(&t), [36, 35, 0, 0, 0, 1]);
    let r = row(&t, 15);
    assert_eq!(r.outcome, Outcome::Error);
    assert_eq!(r.student_id.as_deref(), Some("0010331316"));
    assert_eq!(r.problems[0].code, ProblemCode::CellError);
    assert_eq!(r.problems[0].column.as_deref(), Some("Credit Applications"));
    assert_eq!(r.problems[0].value.as_deref(), Some("#N/A"));
    // The formula =DATE(2026,10,12) is read by its stored result.
    let e03 = row(&t, 6)
        .changes
        .iter()
        .find(|c| c.field == "Company Registration")
        .unwrap();
    assert_eq!(e03.after.as_deref(), Some("2026-10-12"));

    let (p, t) = import(
        &mut db,
        "completions-036-fall-2026.xls",
        BatchKind::Completions,
        "fall-2026",
    );
    assert_eq!((p.sheet.as_str(), p.header_row), ("Sheet1", 1));
    assert_eq!(counts(&t), [28, 27, 0, 0, 0, 1]);
    assert_eq!(p.problems.len(), 1);
    assert_eq!(p.problems[0].code, ProblemCode::ExtraColumn);
    assert!(p.problems[0].message.contains("Teacher"));
    let r = row(&t, 11);
    assert_eq!(r.problems[0].code, ProblemCode::CrossDistrict);
    assert_eq!(r.student_id.as_deref(), Some("0096255499"));
    assert!(db.contains_key(&RecordKey::Student(
        "0018472019".to_string().try_into().unwrap()
    )));

    let (_, t) = import(
        &mut db,
        "completions-W3B-fall-2026.ods",
        BatchKind::Completions,
        "fall-2026",
    );
    assert_eq!(counts(&t), [18, 5, 11, 1, 1, 0]);
    assert_eq!(row(&t, 7).outcome, Outcome::Unchanged);
    let w04 = row(&t, 5);
    assert_eq!(w04.outcome, Outcome::Warning);
    assert_eq!(w04.problems[0].code, ProblemCode::SerialDate);
    assert!(
        w04.changes
            .iter()
            .any(|c| c.field == "Company Registration" && c.after.as_deref() == Some("2026-10-27"))
    );
    let w05 = row(&t, 6);
    let instr = w05
        .changes
        .iter()
        .find(|c| c.field == "Self-Assessment Instrument")
        .unwrap();
    assert_eq!(
        (instr.before.as_deref(), instr.after.as_deref()),
        (Some("Kuder"), None)
    );
    // W11: a blank Round 1 never erases the stored one.
    assert!(
        !row(&t, 12)
            .changes
            .iter()
            .any(|c| c.field == "Self-Assessment Round 1")
    );

    let (_, t) = import(
        &mut db,
        "completions-029-fall-2026.csv",
        BatchKind::Completions,
        "fall-2026",
    );
    assert_eq!(counts(&t), [35, 28, 0, 0, 1, 6]);
    let code = |n| row(&t, n).problems[0].code;
    assert_eq!(code(10), ProblemCode::DuplicateConflict);
    assert_eq!(code(22), ProblemCode::DuplicateConflict);
    assert_eq!(
        row(&t, 10).problems[0].column.as_deref(),
        Some("Credit Applications")
    );
    assert_eq!(code(11), ProblemCode::DateFuture);
    assert_eq!(code(12), ProblemCode::DateTooEarly);
    assert_eq!(code(13), ProblemCode::Grade);
    assert_eq!(code(15), ProblemCode::Required);
    assert_eq!(code(14), ProblemCode::DuplicateRow);
    assert_eq!(row(&t, 14).outcome, Outcome::Warning);

    let (_, t) = import(&mut db, "exam-results.xlsx", BatchKind::Exam, "fall-2026");
    assert_eq!(counts(&t), [20, 19, 0, 0, 0, 1]);
    assert_eq!(row(&t, 18).problems[0].code, ProblemCode::UnknownStudent);

    let students = db
        .keys()
        .filter(|k| matches!(k, RecordKey::Student(_)))
        .count();
    let schools = db
        .keys()
        .filter(|k| matches!(k, RecordKey::School(_)))
        .count();
    assert_eq!((students, schools), (109, 10));
}

#[test]
fn districts_csv_matches_the_xlsx() {
    let mut db = HashMap::new();
    let (_, t) = import(&mut db, "districts.csv", BatchKind::Districts, "fall-2026");
    assert_eq!(counts(&t), [8, 8, 0, 0, 0, 0]);
    let (_, t) = import(&mut db, "districts.xlsx", BatchKind::Districts, "fall-2026");
    assert_eq!(counts(&t), [8, 0, 0, 8, 0, 0]);
}

fn file_error(file: &str) -> ProblemCode {
    let bytes = std::fs::read(format!("fixtures/{file}")).unwrap();
    parse_bytes(file, bytes, None, TODAY).unwrap_err().code
}

#[test]
fn broken_files_are_refused_with_their_reason() {
    assert_eq!(
        file_error("not-a-spreadsheet.xlsx"),
        ProblemCode::NotASpreadsheet
    );
    assert_eq!(file_error("truncated.xlsx"), ProblemCode::Unreadable);
    assert_eq!(file_error("password.xlsx"), ProblemCode::Encrypted);
    assert_eq!(file_error("empty.xlsx"), ProblemCode::NoRows);
}

#[test]
fn kind_is_guessed_from_the_header() {
    for (file, kind) in [
        ("exam-results.xlsx", BatchKind::Exam),
        ("districts.xlsx", BatchKind::Districts),
        ("completions-017-fall-2026.xlsx", BatchKind::Completions),
        ("completions-029-fall-2026.csv", BatchKind::Completions),
    ] {
        let bytes = std::fs::read(format!("fixtures/{file}")).unwrap();
        assert_eq!(
            parse_bytes(file, bytes, None, TODAY).unwrap().kind,
            kind,
            "{file}"
        );
    }
}
