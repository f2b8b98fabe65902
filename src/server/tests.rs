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
        Request::Report {
            today: TODAY,
            term: fall(),
            district: Some(d.clone()),
        },
        Request::Report {
            today: TODAY,
            term: fall(),
            district: None,
        },
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
        Request::YieldIfIdle,
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
                    | "confirm"
                    | "return-file"
                    | "batch-preview"
                    | "record"
                    | "stage"
                    | "certificates-of"
                    | "acks"
                    | "notes"
                    | "notes-for"
            ) || matches!(
                r,
                Request::ReportFile {
                    district: Some(_),
                    ..
                } | Request::Report {
                    district: Some(_),
                    ..
                }
            )
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
                | "report"
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
    let (r, made) = run(
        &shared,
        &who(Role::Auditor),
        Request::RevertBatch(batch),
        TODAY,
        &mut |_| {},
    );
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
    let _ = run(
        &shared,
        &who(Role::District),
        Request::EventSummaries,
        TODAY,
        &mut |_| {},
    );
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
            let (result, _) = run(&shared, &district, r.clone(), TODAY, &mut |_| {});
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
    let (v, _) = run(
        &shared,
        &district,
        Request::Snapshot(TODAY),
        TODAY,
        &mut |_| {},
    );
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
fn a_district_user_sees_only_its_districts_notes_and_acknowledgements() {
    let (_dir, _ctx, store) = crate::cli::demo_store(false);
    let shared = Shared::new(store);
    let (_, eval) = crate::cli::evaluate(&shared.store, TODAY).unwrap();
    let finding = |d: &str| {
        eval.findings()
            .into_iter()
            .find(|f| f.district.as_str() == d)
            .map(|f| f.id.clone())
            .unwrap()
    };
    let student = |d: &str| {
        shared
            .store
            .students()
            .unwrap()
            .into_iter()
            .find(|s| s.district().as_str() == d)
            .unwrap()
            .id
    };
    for d in ["017", "029"] {
        let ack = Ack {
            finding: finding(d),
            rule: "UPLOAD-MISSING".into(),
            by: "amy".into(),
            at: "t".into(),
            reason: format!("ack of {d}"),
        };
        shared.store.put_ack(&ack).unwrap();
        let on_record = NoteTarget::Record(RecordKey::Student(student(d)));
        let on_finding = NoteTarget::Finding(finding(d));
        for t in [on_record, on_finding] {
            shared
                .store
                .add_note(t, &format!("note of {d}"), "amy", "t")
                .unwrap();
        }
    }
    let texts = |r: Request, role: Role| -> Vec<String> {
        match run(&shared, &who(role), r, TODAY, &mut |_| {}).0.unwrap() {
            Value::Acks(v) => v.into_iter().map(|a| a.reason).collect(),
            Value::Notes(v) => v.into_iter().map(|n| n.text).collect(),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(texts(Request::Acks, Role::District), ["ack of 017"]);
    assert_eq!(
        texts(Request::Notes, Role::District),
        ["note of 017", "note of 017"]
    );
    let theirs = NoteTarget::Finding(finding("029"));
    assert!(texts(Request::NotesFor(theirs.clone()), Role::District).is_empty());
    // Everyone else sees them all.
    assert_eq!(texts(Request::Acks, Role::Auditor).len(), 2);
    assert_eq!(texts(Request::Notes, Role::Auditor).len(), 4);
    assert_eq!(texts(Request::NotesFor(theirs), Role::Operator).len(), 1);
}

#[test]
fn a_district_user_is_pushed_only_its_districts_writes() {
    use super::roles::scope_push;
    use super::wire::ServerMsg;
    use crate::domain::{Record, Write};
    let (_dir, _ctx, store) = crate::cli::demo_store(false);
    let own = DistrictCode::parse("017").unwrap();
    let students = store.students().unwrap();
    let of = |d: &str| {
        students
            .iter()
            .find(|s| s.district().as_str() == d)
            .unwrap()
            .clone()
    };
    let edit = |s: &crate::domain::Student| {
        let mut after = s.clone();
        after.pathway = Some(true);
        Write {
            key: RecordKey::Student(s.id.clone()),
            before: Some(Record::Student(s.clone())),
            after: Some(Record::Student(after)),
        }
    };
    let (ours, theirs) = (of("017"), of("029"));
    // Only another district's: nothing is sent.
    assert_eq!(
        scope_push(&store, &own, "ana edited: x", &[edit(&theirs)]),
        None
    );
    // Only its own: the line as it was.
    let Some(ServerMsg::Committed { text, writes }) =
        scope_push(&store, &own, "ana edited: x", &[edit(&ours)])
    else {
        panic!("nothing pushed")
    };
    assert_eq!((text.as_str(), writes.len()), ("ana edited: x", 1));
    // Both: its own write only, and a line naming no other district.
    let line = "ana committed batch 8 (completions 029 fall-2026), 2 records";
    let Some(ServerMsg::Committed { text, writes }) =
        scope_push(&store, &own, line, &[edit(&theirs), edit(&ours)])
    else {
        panic!("nothing pushed")
    };
    assert_eq!(
        text,
        "ana committed a change set: 1 records of district 017"
    );
    assert_eq!(writes, vec![edit(&ours)]);
    // A student moved away arrives as removed: its new school is not told.
    let mut moved = ours.clone();
    moved.school = theirs.school.clone();
    let away = Write {
        key: RecordKey::Student(ours.id.clone()),
        before: Some(Record::Student(ours.clone())),
        after: Some(Record::Student(moved)),
    };
    let Some(ServerMsg::Committed { writes, .. }) = scope_push(&store, &own, "ana moved", &[away])
    else {
        panic!("nothing pushed")
    };
    assert_eq!(writes[0].after, None);
    assert!(
        !serde_json::to_string(&writes)
            .unwrap()
            .contains(theirs.school.as_str())
    );
}

#[test]
fn a_report_comes_from_the_server_whole_with_its_fee_section() {
    let (_dir, _ctx, store) = crate::cli::demo_store(false);
    let spring: Term = "spring-2027".parse().unwrap();
    store
        .set_fee_schedule(crate::domain::fee::example_schedule("2026-27"))
        .unwrap();
    let shared = Shared::new(store);
    let today = Date::constant(2027, 5, 20);
    let direct = crate::cli::store_source(&shared.store)
        .report(today, spring, None)
        .unwrap();
    assert!(direct.report.fees.is_some(), "the demo bills no fees");
    let ask = |role: Role, district: Option<&str>| {
        let r = Request::Report {
            today,
            term: spring,
            district: district.map(|d| DistrictCode::parse(d).unwrap()),
        };
        let v = run(&shared, &who(role), r, today, &mut |_| {}).0.unwrap();
        // As a client reads it: through the wire's encoding.
        let v: Value = serde_json::from_slice(&serde_json::to_vec(&v).unwrap()).unwrap();
        match v {
            Value::Report(data) => *data,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(ask(Role::Operator, None), direct);
    // A district user's: its own, and no other district to narrow to.
    let own = ask(Role::District, Some("017"));
    assert_eq!(own.districts.len(), 1);
    assert!(
        own.report
            .districts
            .iter()
            .all(|d| d.code.as_str() == "017")
    );
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
