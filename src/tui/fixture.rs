//! A small [`MemorySource`] for tests: three districts (one charter, one with
//! no schools), a few schools and students, exams passed and failed.

use super::source::MemorySource;
use crate::domain::calendar::ymd;
use crate::domain::*;

fn d(y: i16, m: i8, day: i8) -> Date {
    ymd(y, m, day).unwrap()
}

fn district(code: &str, name: &str, kind: DistrictKind, client: bool) -> District {
    District {
        code: DistrictCode::parse(code).unwrap(),
        name: name.into(),
        kind,
        client,
    }
}

fn school(code: &str, name: &str) -> School {
    School {
        code: SchoolCode::parse(code).unwrap(),
        name: name.into(),
    }
}

fn student(id: &str, last: &str, first: &str, school: &str, cohort: i16) -> Student {
    Student {
        id: StudentId::parse(id).unwrap(),
        last_name: last.into(),
        first_name: first.into(),
        school: SchoolCode::parse(school).unwrap(),
        cohort,
        pathway: None,
        complementary: Vec::new(),
        modules: Modules::default(),
        notes: None,
    }
}

fn exam(id: &str, date: Date, score: Option<&str>, result: ExamResult) -> ExamAttempt {
    ExamAttempt {
        student: StudentId::parse(id).unwrap(),
        date,
        score: score.map(str::to_string),
        result,
        provider: Some("Certiport".into()),
    }
}

/// Today in the fixture: the demo data's date.
pub fn today() -> Date {
    d(2026, 12, 4)
}

/// The fixture source.
pub fn source() -> MemorySource {
    let mut ava = student("1000000001", "Landry", "Ava", "017004", 2028);
    ava.pathway = Some(true);
    ava.complementary = vec!["ServSafe Manager".into(), "OSHA 10".into()];
    ava.notes = Some("Mentor: Mr. Thibodeaux".into());
    ava.modules = Modules {
        sa_round1: Some(d(2026, 8, 20)),
        sa_round2: Some(d(2026, 10, 5)),
        sa_instrument: None,
        presentation: Some(d(2026, 11, 2)),
        mentor_checklist: Some(true),
        credit_applications: Some(d(2026, 9, 15)),
        company_registration: Some(d(2026, 10, 30)),
    };
    let mut ben = student("1000000002", "Broussard", "Ben", "017004", 2029);
    ben.modules.sa_round1 = Some(d(2026, 9, 1));
    ben.modules.sa_instrument = Some("Kuder".into());
    ben.modules.presentation = Some(d(2026, 11, 20));
    ben.modules.mentor_checklist = Some(false);
    let cal = student("1000000003", "Arceneaux", "Cal", "017004", 2027);
    let dee = student("1000000004", "Guidry", "Dee", "017012", 2026);
    let eli = student("1000000005", "Hebert", "Eli", "W3B001", 2027);
    let mut src = MemorySource {
        districts: vec![
            district(
                "W3B",
                "Bayou Bridge Charter Academy",
                DistrictKind::Charter,
                false,
            ),
            district(
                "017",
                "East Baton Rouge Parish School System",
                DistrictKind::District,
                true,
            ),
            district(
                "036",
                "Orleans Parish School Board",
                DistrictKind::District,
                false,
            ),
        ],
        schools: vec![
            school("017012", "Scotlandville Magnet High School"),
            school("017004", "Baton Rouge Magnet High School"),
            school("W3B001", "Bayou Bridge Charter Academy High"),
        ],
        students: vec![ava, ben, cal, dee, eli],
        exams: vec![
            exam("1000000001", d(2026, 11, 20), Some("81"), ExamResult::Pass),
            exam("1000000001", d(2026, 10, 14), Some("64"), ExamResult::Fail),
            exam("1000000001", d(2026, 11, 30), Some("90"), ExamResult::Pass),
            exam("1000000005", d(2026, 11, 1), None, ExamResult::Fail),
        ],
        ..MemorySource::default()
    };
    uploads(&mut src);
    src
}

/// One committed batch of two rows and its audit event.
fn uploads(src: &mut MemorySource) {
    let ava = src.students[0].clone();
    let mut before = ava.clone();
    before.modules.sa_round2 = None;
    src.batches.push(Batch {
        id: 1,
        kind: BatchKind::Completions,
        district: Some(DistrictCode::parse("017").unwrap()),
        term: None,
        file: "ebr-fall.xlsx".into(),
        sha256: "00".into(),
        imported_at: "2026-12-01T15:04:05Z".into(),
        imported_by: "operator".into(),
        state: BatchState::Committed,
        summary: Summary {
            rows: 2,
            changed: 1,
            error: 1,
            ..Summary::default()
        },
        problems: Vec::new(),
        sheet: None,
        header_row: None,
        settled_at: None,
        settled_by: None,
    });
    src.results.push((
        1,
        RowResult {
            row: 2,
            student_id: Some("1000000001".into()),
            outcome: Outcome::Changed,
            changes: vec![FieldChange {
                field: "SA Round 2".into(),
                before: None,
                after: Some("2026-10-05".into()),
            }],
            problems: Vec::new(),
        },
    ));
    src.results.push((
        1,
        RowResult {
            row: 3,
            student_id: Some("12345".into()),
            outcome: Outcome::Error,
            changes: Vec::new(),
            problems: vec![Problem::cell(
                ProblemCode::StudentId,
                "Student ID",
                Some("12345".into()),
                "a student ID has 10 digits",
            )],
        },
    ));
    src.events.push(crate::store::Event {
        seq: 1,
        at: "2026-12-01T15:05:00Z".into(),
        actor: "operator".into(),
        batch: 1,
        action: crate::store::EventAction::Commit,
        writes: vec![Write {
            key: RecordKey::Student(ava.id.clone()),
            before: Some(Record::Student(before)),
            after: Some(Record::Student(ava)),
        }],
    });
}
