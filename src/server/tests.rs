//! The server's decisions without a socket: who may ask what (every role
//! against every kind of request), and that a district user learns nothing
//! of another district through any query.

use super::roles::{Who, check, is_write, kind};
use super::serve::{Shared, run};
use super::wire::{Request, Value};
use crate::domain::{
    Ack, BatchKind, Date, DistrictCode, NoteTarget, RecordKey, Role, SchoolCode, StudentId, Term,
};

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
        Request::ConfirmReport {
            today: TODAY,
            term: fall(),
            district: d.clone(),
        },
        Request::ReturnFile {
            batch,
            today: TODAY,
            original: Vec::new(),
        },
        Request::Origin(batch),
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
                    | "confirm"
                    | "return-file"
                    | "batch-origin"
                    | "batch-preview"
                    | "record"
                    | "stage"
                    | "certificates-of"
                    | "acks"
                    | "notes"
                    | "notes-for"
            ) || matches!(
                r,
                Request::Report {
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
                | "batch-origin"
                | "batch-preview"
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
            let text = serde_json::to_string(&v).unwrap();
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

/// A command line as a client sends it (run from `cwd`, shipping `inputs`).
fn command(
    argv: &[&str],
    cwd: &std::path::Path,
    inputs: Vec<(std::path::PathBuf, Vec<u8>)>,
) -> Request {
    Request::Run {
        argv: argv.iter().map(ToString::to_string).collect(),
        today: TODAY,
        today_given: true,
        cwd: cwd.to_path_buf(),
        inputs,
        terminal: false,
    }
}

/// One command line of every kind, on district `d`'s things (`batch` is
/// one of its upload batches).
fn command_lines(d: &str, batch: u64, student: &str) -> Vec<Vec<String>> {
    let b = batch.to_string();
    let lines: Vec<Vec<&str>> = vec![
        vec!["import", "completions.csv"],
        vec!["import", "completions.csv", "--commit"],
        vec!["uploads", "list"],
        vec!["uploads", "show", &b],
        vec!["uploads", "commit", &b],
        vec!["uploads", "discard", &b],
        vec!["uploads", "revert", &b],
        vec!["template", "--district", d],
        vec!["check"],
        vec!["ack", "000000000000", "--reason", "r"],
        vec!["transfer", student, "--school", "017004"],
        vec!["edit", "--student", student, "--set", "checklist=yes"],
        vec!["note", "--student", student, "seen"],
        vec!["notes"],
        vec![
            "report",
            "--term",
            "fall-2026",
            "--format",
            "json",
            "--district",
            d,
        ],
        vec!["report", "--term", "fall-2026", "--format", "json"],
        vec!["confirm", "--term", "fall-2026", "--district", d],
        vec![
            "unconfirm",
            "--term",
            "fall-2026",
            "--district",
            d,
            "--reason",
            "r",
        ],
        vec![
            "certificates",
            "issue",
            "--term",
            "fall-2026",
            "-o",
            "certs",
        ],
        vec!["verify", "ABCD-EFGH"],
        vec!["fees", "show"],
        vec!["fees", "list"],
        vec![
            "fees",
            "set",
            "--year",
            "2026-27",
            "--core",
            "1",
            "--basic",
            "1",
            "--advanced",
            "1",
        ],
        vec!["fees", "statement", "--term", "fall-2026", "-o", "fees"],
        vec!["fees", "invoiced", "N-1", "--invoice", "X"],
        vec!["fees", "paid", "N-1", "--date", "2026-12-01"],
        vec!["packet", "--term", "fall-2026", "-o", "packet"],
        vec!["retention", "list"],
        vec!["retention", "purge"],
        vec!["export"],
        vec!["users", "list"],
        vec!["users", "add", "x", "--role", "operator"],
        vec!["users", "remove", "x"],
        vec!["users", "refusals"],
    ];
    lines
        .into_iter()
        .map(|l| l.into_iter().map(ToString::to_string).collect())
        .collect()
}

/// Whether `role` may run a command line (on its own district's things).
fn may_run(role: Role, argv: &[String]) -> bool {
    let name = argv[..2.min(argv.len())].join(" ");
    let first = argv[0].as_str();
    let writes = !matches!(
        first,
        "check" | "notes" | "report" | "verify" | "packet" | "export" | "template"
    ) && !matches!(
        name.as_str(),
        "uploads list"
            | "uploads show"
            | "fees show"
            | "fees list"
            | "retention list"
            | "users list"
            | "users refusals"
    );
    // Refusals are read like the audit log; the rest of `users` is an
    // admin's.
    let users = first == "users" && name != "users refusals";
    match role {
        Role::Admin => true,
        Role::Operator => !users,
        Role::Auditor => !users && (!writes || matches!(first, "note" | "ack")),
        Role::District => {
            (first == "import" && !argv.iter().any(|a| a == "--commit"))
                || matches!(name.as_str(), "uploads list" | "uploads show")
                || matches!(first, "verify" | "confirm" | "template")
                || (first == "report" && argv.iter().any(|a| a == "--district"))
        }
    }
}

fn batch_of(shared: &Shared, d: &str) -> u64 {
    shared
        .store
        .batches()
        .unwrap()
        .into_iter()
        .find(|b| b.district.as_ref().map(DistrictCode::as_str) == Some(d))
        .unwrap()
        .id
}

#[test]
fn every_role_against_every_command_line() {
    let (dir, _ctx, store) = crate::cli::demo_store(false);
    let shared = Shared::new(store);
    let student = shared
        .store
        .students()
        .unwrap()
        .into_iter()
        .find(|s| s.district().as_str() == "017")
        .unwrap()
        .id
        .to_string();
    let lines = command_lines("017", batch_of(&shared, "017"), &student);
    assert!(lines.len() > 30);
    for role in Role::ALL {
        for argv in &lines {
            let r = command(
                &argv.iter().map(String::as_str).collect::<Vec<_>>(),
                dir.path(),
                vec![],
            );
            assert!(
                super::roles::command_of(argv).is_some(),
                "{argv:?} does not parse"
            );
            let got = check(&shared.store, &who(role), &r);
            assert_eq!(
                got.is_ok(),
                may_run(role, argv),
                "{} running {argv:?}: {got:?}",
                role.as_str()
            );
            if let Err(why) = got {
                assert!(why.contains(&format!("{}-user", role.as_str())), "{why}");
            }
        }
    }
    // Naming another district's things, a district user is refused.
    let district = who(Role::District);
    for argv in command_lines("029", batch_of(&shared, "029"), &student) {
        let named = matches!(argv[0].as_str(), "report" | "confirm" | "template")
            || argv.starts_with(&["uploads".to_string(), "show".to_string()]);
        if named {
            let r = command(
                &argv.iter().map(String::as_str).collect::<Vec<_>>(),
                dir.path(),
                vec![],
            );
            let why = check(&shared.store, &district, &r).unwrap_err();
            assert!(why.contains("district 017"), "{argv:?}: {why}");
        }
    }
}

#[test]
fn a_refused_command_is_recorded_under_its_name_and_runs_nothing() {
    let (dir, _ctx, store) = crate::cli::demo_store(false);
    let shared = Shared::new(store);
    let before = shared.store.batches().unwrap();
    let batch = before.last().unwrap().id.to_string();
    let (r, made) = run(
        &shared,
        &who(Role::Auditor),
        command(&["uploads", "revert", &batch], dir.path(), vec![]),
        TODAY,
        &mut |_| {},
    );
    let why = r.unwrap_err();
    assert!(
        why.contains("auditor-user (auditor) may not run `mecred uploads revert`"),
        "{why}"
    );
    assert!(made.is_none());
    assert_eq!(shared.store.batches().unwrap(), before);
    let refusals = shared.store.refusals().unwrap();
    assert_eq!(refusals.len(), 1);
    assert_eq!(refusals[0].request, "uploads revert");
    // A refused read is answered, not recorded.
    let (r, _) = run(
        &shared,
        &who(Role::District),
        command(&["check"], dir.path(), vec![]),
        TODAY,
        &mut |_| {},
    );
    assert!(r.is_err());
    assert_eq!(shared.store.refusals().unwrap().len(), 1);
}

/// What a command line run by the server for `who` gave back.
fn ran(
    shared: &Shared,
    who: &Who,
    req: Request,
) -> (
    super::wire::Ran,
    Option<(String, Vec<crate::domain::Write>)>,
) {
    match run(shared, who, req, TODAY, &mut |_| {}) {
        (Ok(Value::Ran(r)), made) => (*r, made),
        (other, _) => panic!("{other:?}"),
    }
}

#[test]
fn a_district_users_commands_see_and_import_only_its_district() {
    let (dir, _ctx, store) = crate::cli::demo_store(false);
    let shared = Shared::new(store);
    let district = who(Role::District);
    // Its batch list has its district's batches only.
    let (out, _) = ran(
        &shared,
        &district,
        command(&["--json", "uploads", "list"], dir.path(), vec![]),
    );
    assert_eq!(out.exit, 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let listed = v["batches"].as_array().unwrap();
    assert!(!listed.is_empty());
    assert!(listed.iter().all(|b| b["district"] == "017"), "{v}");
    // Another district's file is refused before anything is staged, and
    // the refusal is recorded.
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let bytes = std::fs::read(fixture.join("completions-029-fall-2026.csv")).unwrap();
    let before = shared.store.batches().unwrap().len();
    let (out, made) = ran(
        &shared,
        &district,
        command(
            &[
                "import",
                "in/029.csv",
                "--kind",
                "completions",
                "--term",
                "fall-2026",
            ],
            dir.path(),
            vec![(dir.path().join("in/029.csv"), bytes)],
        ),
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.exit, 1, "{said}");
    assert!(
        said.contains("may import only district 017's completions"),
        "{said}"
    );
    assert!(said.contains("district 029's"), "{said}");
    assert!(made.is_none());
    assert_eq!(shared.store.batches().unwrap().len(), before);
    let refusals = shared.store.refusals().unwrap();
    assert_eq!(
        (refusals.len(), refusals[0].request.as_str()),
        (1, "import")
    );
    // Its own district's file is staged (not committed), by its name.
    let bytes = std::fs::read(fixture.join("completions-017-fall-2026.xlsx")).unwrap();
    let (out, made) = ran(
        &shared,
        &district,
        command(
            &["--json", "import", "/abs/017.xlsx", "--term", "fall-2026"],
            dir.path(),
            vec![(std::path::PathBuf::from("/abs/017.xlsx"), bytes)],
        ),
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["district"].as_str(), v["committed"].as_bool()),
        (Some("017"), Some(false)),
        "{v}"
    );
    assert!(made.is_none());
    let staged = shared.store.batches().unwrap().pop().unwrap();
    assert_eq!(staged.imported_by, "district-user");
    // Its report is its district's; another's is refused.
    let (out, _) = ran(
        &shared,
        &district,
        command(
            &[
                "report",
                "--term",
                "fall-2026",
                "--format",
                "csv",
                "--district",
                "017",
            ],
            dir.path(),
            vec![],
        ),
    );
    assert_eq!(out.exit, 0);
    let (r, _) = run(
        &shared,
        &district,
        command(
            &[
                "report",
                "--term",
                "fall-2026",
                "--format",
                "csv",
                "--district",
                "029",
            ],
            dir.path(),
            vec![],
        ),
        TODAY,
        &mut |_| {},
    );
    assert!(
        r.unwrap_err()
            .contains("may not see or change district 029")
    );
}

#[test]
fn a_command_the_server_runs_gives_back_output_files_and_exit_status() {
    let (dir, _ctx, store) = crate::cli::demo_store(false);
    let shared = Shared::new(store);
    let admin = who(Role::Admin);
    // A file is handed back under the client's directory, not written.
    let (out, made) = ran(
        &shared,
        &admin,
        command(
            &[
                "report",
                "--term",
                "fall-2026",
                "--format",
                "csv",
                "-o",
                "sub/../r.csv",
            ],
            dir.path(),
            vec![],
        ),
    );
    assert_eq!(out.exit, 0);
    assert!(made.is_none());
    assert_eq!(out.files.len(), 1);
    assert_eq!(out.files[0].0, dir.path().join("r.csv"));
    assert!(
        out.files[0].1.starts_with(b"Term,District"),
        "{:?}",
        &out.files[0].1[..20]
    );
    assert!(!dir.path().join("r.csv").exists());
    assert!(String::from_utf8_lossy(&out.stderr).contains("to sub/../r.csv"));
    // Usage (2), bad input (1) and the `mecred: …` line.
    let (out, _) = ran(&shared, &admin, command(&["report"], dir.path(), vec![]));
    assert_eq!(out.exit, 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--term"));
    let (out, _) = ran(
        &shared,
        &admin,
        command(&["uploads", "show", "999"], dir.path(), vec![]),
    );
    assert_eq!(out.exit, 1);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "mecred: there is no batch 999 (see `mecred uploads list`)\n"
    );
    // A file the client did not send cannot be read on the server.
    let (out, _) = ran(
        &shared,
        &admin,
        command(&["import", "/etc/hostname"], dir.path(), vec![]),
    );
    assert_eq!(out.exit, 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("the client did not send it"));
    // Commands that need the database to themselves are not run.
    for argv in [
        &["demo", "--no-ui"][..],
        &["restore", "x"],
        &["gen", "--students", "1", "-o", "g"],
    ] {
        let (out, _) = ran(&shared, &admin, command(argv, dir.path(), vec![]));
        assert_eq!(out.exit, 1, "{argv:?}");
        assert!(!dir.path().join("g").exists());
    }
    // A commit is pushed, naming who ran what.
    let batch = shared.store.batches().unwrap().last().unwrap().id;
    let (out, made) = ran(
        &shared,
        &admin,
        command(
            &["uploads", "revert", &batch.to_string()],
            dir.path(),
            vec![],
        ),
    );
    assert_eq!(out.exit, 0, "{}", String::from_utf8_lossy(&out.stderr));
    let (text, writes) = made.expect("no push");
    assert_eq!(
        text,
        format!(
            "admin-user ran uploads revert: batch {batch} reverted, {} records",
            writes.len()
        )
    );
    assert!(!writes.is_empty());
}

#[test]
fn a_district_users_client_is_pushed_only_its_districts_writes() {
    use super::serve::Client;
    use super::wire::{ServerMsg, read_frame};
    let (_dir, _ctx, store) = crate::cli::demo_store(false);
    let shared = Shared::new(store);
    let students = shared.store.students().unwrap();
    let of = |d: &str| {
        let s = students
            .iter()
            .find(|s| s.district().as_str() == d)
            .unwrap()
            .clone();
        let mut after = s.clone();
        after.notes = Some("pushed".into());
        crate::domain::Write {
            key: RecordKey::Student(s.id.clone()),
            before: Some(crate::domain::Record::Student(s)),
            after: Some(crate::domain::Record::Student(after)),
        }
    };
    let mut queues = Vec::new();
    for (n, district) in [(1, None), (2, Some("017")), (3, Some("036"))] {
        let (tx, rx) = std::sync::mpsc::channel();
        shared.clients().insert(
            n,
            Client {
                pushes: tx,
                district: district.map(|d| DistrictCode::parse(d).unwrap()),
            },
        );
        queues.push(rx);
    }
    let got = |rx: &std::sync::mpsc::Receiver<super::serve::Frame>| {
        rx.try_iter()
            .map(
                |f| match read_frame::<ServerMsg>(&mut f.as_slice()).unwrap() {
                    Some(ServerMsg::Committed { text, writes }) => (text, writes),
                    other => panic!("{other:?}"),
                },
            )
            .collect::<Vec<_>>()
    };
    let (w017, w029) = (of("017"), of("029"));
    shared.broadcast(
        9,
        "ana ran edit: batch 12 committed, 2 records".into(),
        vec![w017.clone(), w029.clone()],
    );
    shared.broadcast(9, "ana moved 029's student".into(), vec![w029.clone()]);
    let operator = got(&queues[0]);
    assert_eq!(operator.len(), 2);
    assert_eq!(operator[0].1, vec![w017.clone(), w029]);
    // 017 hears of its own write only, in a line that names no one else's;
    // 036 hears nothing.
    assert_eq!(
        got(&queues[1]),
        vec![(
            "ana committed a change set: 1 records of district 017".to_string(),
            vec![w017]
        )]
    );
    assert!(got(&queues[2]).is_empty());
}

#[test]
fn a_commands_standard_error_is_streamed_with_progress_for_a_terminal() {
    use std::sync::{Arc, Mutex};
    let (dir, _ctx, store) = crate::cli::demo_store(false);
    let shared = Shared::new(store);
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let bytes = std::fs::read(fixture.join("completions-029-fall-2026.csv")).unwrap();
    for terminal in [true, false] {
        let streamed = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&streamed);
        let mut req = command(
            &[
                "import",
                "up.csv",
                "--term",
                "fall-2026",
                "--errors-out",
                "e.csv",
            ],
            dir.path(),
            vec![(dir.path().join("up.csv"), bytes.clone())],
        );
        if let Request::Run { terminal: t, .. } = &mut req {
            *t = terminal;
        }
        let (result, _) = super::serve::run_streaming(
            &shared,
            &who(Role::Operator),
            req,
            TODAY,
            &mut |_| {},
            Some(Box::new(move |b: &[u8]| {
                sink.lock().unwrap().extend_from_slice(b)
            })),
        );
        let Ok(Value::Ran(ran)) = result else {
            panic!("{result:?}")
        };
        // Everything on stderr came as it was written, none at the end.
        assert!(ran.stderr.is_empty());
        let said = String::from_utf8(streamed.lock().unwrap().clone()).unwrap();
        assert!(
            said.contains("error return file: e.csv (7 rows with problems)"),
            "{said}"
        );
        assert_eq!(said.contains("storing 35 of 35 rows"), terminal, "{said:?}");
        assert_eq!(ran.exit, 1);
    }
}

#[test]
fn a_commands_output_goes_ahead_in_pieces_and_the_reply_stays_small() {
    use super::wire::{PIECE, Ran, ServerMsg, Stream, read_frame};
    let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    let writer = std::sync::Mutex::new(std::io::BufWriter::new(a));
    let big: Vec<u8> = (0..PIECE * 2 + 7).map(|i| (i % 251) as u8).collect();
    let file = std::path::PathBuf::from("/x/report.md");
    let empty = std::path::PathBuf::from("/x/empty.csv");
    let ran = Ran {
        stdout: big.clone(),
        files: vec![
            (file.clone(), b"# report\n".to_vec()),
            (empty.clone(), Vec::new()),
        ],
        exit: 0,
        ..Ran::default()
    };
    // The client's side reads while the server's writes.
    let reader = std::thread::spawn(move || {
        let mut r = std::io::BufReader::new(b);
        let mut frames = Vec::new();
        while let Some(msg) = read_frame::<ServerMsg>(&mut r).unwrap() {
            frames.push(msg);
        }
        frames
    });
    let left = super::serve::send_output(&writer, 7, ran).unwrap();
    drop(writer);
    // The reply lists the files, empty: their bytes went ahead.
    assert!(left.stdout.is_empty());
    assert_eq!(
        left.files,
        vec![(file.clone(), Vec::new()), (empty, Vec::new())]
    );
    let (mut stdout, mut pieces, mut of_file) = (Vec::new(), 0, Vec::new());
    for msg in reader.join().unwrap() {
        let ServerMsg::Output { id, to, bytes } = msg else {
            panic!("{msg:?}")
        };
        assert_eq!(id, 7);
        assert!(bytes.len() <= PIECE);
        match to {
            Stream::Stdout => {
                pieces += 1;
                stdout.extend(bytes);
            }
            Stream::File(p) => {
                assert_eq!(p, file);
                of_file.extend(bytes);
            }
            Stream::Stderr => panic!("stderr"),
        }
    }
    assert_eq!(pieces, 3);
    assert_eq!(stdout, big);
    assert_eq!(of_file, b"# report\n");
}

#[test]
fn an_error_return_file_is_made_from_the_bytes_the_client_sent() {
    let (_dir, _ctx, store) = crate::cli::demo_store(false);
    let shared = Shared::new(store);
    let batch = batch_of(&shared, "029");
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/completions-029-fall-2026.csv");
    let ask = |original: Vec<u8>| {
        let r = Request::ReturnFile {
            batch,
            today: TODAY,
            original,
        };
        run(&shared, &who(Role::Operator), r, TODAY, &mut |_| {}).0
    };
    match ask(std::fs::read(&fixture).unwrap()) {
        Ok(Value::ReturnFile {
            bytes,
            extension,
            rows,
        }) => {
            assert_eq!((extension.as_str(), rows), ("csv", 7));
            assert!(String::from_utf8_lossy(&bytes).contains("Errors"));
        }
        other => panic!("{other:?}"),
    }
    // Other bytes than the batch's file are refused, whatever is on disk.
    let e = ask(b"District Code\n".to_vec()).unwrap_err();
    assert!(e.contains("not the file imported as batch"), "{e}");
}
