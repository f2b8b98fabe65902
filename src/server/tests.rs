//! The server's decisions without a socket: who may ask what (every role
//! against every kind of request), and that a district user learns nothing
//! of another district through any query.

use super::roles::{Who, check, is_write, kind};
use super::serve::{Shared, run};
use super::wire::{Request, Value};
use crate::domain::{
    Ack, BatchKind, Date, DistrictCode, NoteTarget, RecordKey, Role, SchoolCode, StudentId, Term,
};
use crate::report::Format;

const TODAY: Date = Date::constant(2026, 12, 4);

fn who(role: Role) -> Who {
    Who {
        name: format!("{}-user", role.as_str()),
        role,
        district: (role == Role::District).then(|| DistrictCode::parse("017").unwrap()),
    }
}

fn fall() -> Term {
    "fall-2026".parse().unwrap()
}

/// One request of every kind, on the demo database (`own`: district 017's
/// things, else another district's).
fn requests(shared: &Shared, own: bool) -> Vec<Request> {
    let d = DistrictCode::parse(if own { "017" } else { "029" }).unwrap();
    let students = shared.store.students().unwrap();
    let student = students.iter().find(|s| s.district() == d).unwrap().clone();
    let school = student.school.clone();
    let batch = shared
        .store
        .batches()
        .unwrap()
        .into_iter()
        .find(|b| b.district.as_ref() == Some(&d))
        .unwrap()
        .id;
    vec![
        Request::Districts,
        Request::Schools(d.clone()),
        Request::StudentsOfSchool(school.clone()),
        Request::Student(student.id.clone()),
        Request::ExamsOf(student.id.clone()),
        Request::AllSchools,
        Request::AllStudents,
        Request::AllExams,
        Request::StudentsOfDistrict(d.clone()),
        Request::Batches,
        Request::RowResults(batch),
        Request::EventSummaries,
        Request::Event(1),
        Request::EventsFor(RecordKey::Student(student.id.clone())),
        Request::Snapshot(TODAY),
        Request::FeeStatements,
        Request::Acks,
        Request::Acknowledge(Ack {
            finding: "000000000000".into(),
            rule: "UPLOAD-MISSING".into(),
            by: String::new(),
            at: String::new(),
            reason: "r".into(),
        }),
        Request::CurrentConfirmation(d.clone(), fall()),
        Request::ReportFile {
            today: TODAY,
            term: fall(),
            district: Some(d.clone()),
            format: Format::Json,
        },
        Request::ReportFile {
            today: TODAY,
            term: fall(),
            district: None,
            format: Format::Json,
        },
        Request::ConfirmReport {
            today: TODAY,
            term: fall(),
            district: d.clone(),
        },
        Request::ReturnFile {
            batch,
            today: TODAY,
        },
        Request::BatchWrites {
            id: batch,
            today: TODAY,
        },
        Request::CommitBatch {
            id: batch,
            today: TODAY,
        },
        Request::DiscardBatch(batch),
        Request::RevertBatch(batch),
        Request::ApplyChangeSet {
            kind: BatchKind::Edit,
            description: "x".into(),
            writes: Vec::new(),
        },
        Request::CommittedWrites(batch),
        Request::Record(RecordKey::Student(student.id.clone())),
        Request::TransferStudent {
            id: student.id.clone(),
            school: SchoolCode::parse("017004").unwrap(),
        },
        Request::AddNote {
            target: NoteTarget::Record(RecordKey::Student(student.id)),
            text: "seen".into(),
        },
        Request::Notes,
        Request::NotesFor(NoteTarget::Finding("000000000000".into())),
        Request::CertificatesOf {
            ids: students.iter().map(|s| s.id.clone()).collect(),
            today: TODAY,
        },
    ]
}

/// What each role may ask, by request kind, on its own district's things.
fn allowed(role: Role, r: &Request) -> bool {
    match role {
        Role::Admin | Role::Operator => true,
        Role::Auditor => !is_write(r) || matches!(kind(r), "acknowledge" | "note"),
        Role::District => {
            matches!(
                kind(r),
                "districts"
                    | "schools"
                    | "students-of-school"
                    | "student"
                    | "exams-of"
                    | "all-schools"
                    | "all-students"
                    | "all-exams"
                    | "students-of-district"
                    | "batches"
                    | "row-results"
                    | "snapshot"
                    | "fee-statements"
                    | "confirmation"
                    | "confirm"
                    | "return-file"
                    | "batch-preview"
                    | "record"
                    | "stage"
                    | "certificates-of"
            ) || (kind(r) == "report-file"
                && matches!(
                    r,
                    Request::ReportFile {
                        district: Some(_),
                        ..
                    }
                ))
        }
    }
}

#[test]
fn every_role_against_every_kind_of_request() {
    let (_dir, _ctx, store) = crate::cli::demo_store(false);
    let shared = Shared::new(store);
    for role in Role::ALL {
        for r in requests(&shared, true) {
            let got = check(&shared.store, &who(role), &r).is_ok();
            assert_eq!(
                got,
                allowed(role, &r),
                "{} asking {}",
                role.as_str(),
                kind(&r)
            );
        }
    }
    // Naming another district's things, a district user is refused
    // wherever the request names them.
    let district = who(Role::District);
    for r in requests(&shared, false) {
        let named = matches!(
            kind(&r),
            "schools"
                | "students-of-school"
                | "students-of-district"
                | "row-results"
                | "confirmation"
                | "confirm"
                | "return-file"
                | "batch-preview"
                | "report-file"
        );
        if named {
            assert!(check(&shared.store, &district, &r).is_err(), "{}", kind(&r));
        }
    }
}

#[test]
fn a_refused_write_is_recorded_and_changes_nothing() {
    let (_dir, _ctx, store) = crate::cli::demo_store(false);
    let shared = Shared::new(store);
    let before = shared.store.batches().unwrap();
    let batch = before.last().unwrap().id;
    let (r, made) = run(&shared, &who(Role::Auditor), Request::RevertBatch(batch));
    let why = r.unwrap_err();
    assert!(why.contains("auditor") && why.contains("revert"), "{why}");
    assert!(made.is_none());
    assert_eq!(shared.store.batches().unwrap(), before);
    let refusals = shared.store.refusals().unwrap();
    assert_eq!(refusals.len(), 1);
    assert_eq!(
        (refusals[0].user.as_str(), refusals[0].request.as_str()),
        ("auditor-user", "revert")
    );
    // A refused read is answered, not recorded.
    let _ = run(&shared, &who(Role::District), Request::EventSummaries);
    assert_eq!(shared.store.refusals().unwrap().len(), 1);
}

#[test]
fn a_district_user_learns_nothing_of_another_district() {
    let (_dir, _ctx, store) = crate::cli::demo_store(false);
    let shared = Shared::new(store);
    // What would give another district away: its students' IDs, its
    // school codes, its name (last names are shared across parishes).
    let others: Vec<String> = shared
        .store
        .students()
        .unwrap()
        .into_iter()
        .filter(|s| s.district().as_str() != "017")
        .flat_map(|s| [s.id.to_string(), format!("\"{}\"", s.school)])
        .chain(
            shared
                .store
                .districts()
                .unwrap()
                .into_iter()
                .filter(|d| d.code.as_str() != "017")
                .map(|d| d.name),
        )
        .collect();
    assert!(others.len() > 10);
    let district = who(Role::District);
    let mut answered = 0;
    for own in [true, false] {
        for r in requests(&shared, own) {
            if is_write(&r) {
                continue;
            }
            let (result, _) = run(&shared, &district, r.clone());
            let Ok(v) = result else { continue };
            answered += 1;
            let text = match &v {
                Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
                other => serde_json::to_string(other).unwrap(),
            };
            for o in &others {
                assert!(
                    !text.contains(o.as_str()),
                    "{} leaks {o}: {text:.300}",
                    kind(&r)
                );
            }
        }
    }
    assert!(answered >= 15, "{answered}");
    // The finder's names come from the snapshot: only 017's students.
    let (v, _) = run(&shared, &district, Request::Snapshot(TODAY));
    let Ok(Value::Snapshot(parts)) = v else {
        panic!("no snapshot")
    };
    let snap = crate::policy::Snapshot::from_parts(*parts);
    assert!(
        snap.students()
            .filter_map(|(_, f)| f.student.as_ref())
            .all(|s| s.district().as_str() == "017")
    );
    let _ = StudentId::parse("1000000001");
}

#[test]
fn identity_comes_from_the_users_and_the_owner_until_there_are_any() {
    use super::roles::identify;
    let (_dir, _ctx, store) = crate::cli::demo_store(false);
    let owner = identify(&store, "root", "root").unwrap();
    assert_eq!(owner.role, Role::Admin);
    let stranger = identify(&store, "mallory", "root").unwrap_err();
    assert!(
        stranger.contains("mallory") && stranger.contains("users add"),
        "{stranger}"
    );
    store
        .put_user(&crate::domain::User {
            name: "dee".into(),
            role: Role::District,
            district: Some(DistrictCode::parse("017").unwrap()),
            added_by: "root".into(),
            added_at: "t".into(),
        })
        .unwrap();
    let dee = identify(&store, "dee", "root").unwrap();
    assert_eq!(
        (dee.role, dee.district.unwrap().as_str()),
        (Role::District, "017")
    );
    // Once users are set up, the owner is no one special.
    assert!(identify(&store, "root", "root").is_err());
}
