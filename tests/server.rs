//! One server process owns the database; several clients talk to it over
//! its socket (issue 7): pushes reach the other clients, a stale edit is
//! refused naming the other change, edits of different records both land,
//! a SIGKILLed server loses nothing committed and clients reconnect, and a
//! command line gets the database from an idle server.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Child;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use common::Env;
use mecred::domain::{BatchKind, Date, Record, RecordKey, StudentId, Write};
use mecred::server::{Remote, socket_path};
use mecred::tui::Source;
use mecred::tui::runtime::{Msg, channel};

const TODAY: Date = Date::constant(2026, 12, 4);

fn start(env: &Env) -> Child {
    let child = env.std_cmd().arg("serve").spawn().unwrap();
    let socket = socket_path(&env.db());
    let t0 = Instant::now();
    while Remote::connect(&socket, TODAY).is_err() {
        assert!(t0.elapsed() < Duration::from_secs(20), "no server");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

fn client(db: &Path) -> (Remote, Receiver<Msg>) {
    let r = Remote::connect(&socket_path(db), TODAY).unwrap();
    let (changes, rx) = channel();
    r.subscribe(changes);
    (r, rx)
}

/// The next pushed change set, within `wait`.
fn pushed(rx: &Receiver<Msg>, wait: Duration) -> Option<(String, Vec<Write>)> {
    let t0 = Instant::now();
    while let Some(left) = wait.checked_sub(t0.elapsed()) {
        match rx.recv_timeout(left) {
            Ok(Msg::Remote(text, writes)) => return Some((text, writes)),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

/// An edit of a student's notes as a client makes it: before = as read.
fn renote(src: &Remote, id: &str, notes: &str) -> anyhow::Result<(u64, Vec<Write>)> {
    let id = StudentId::parse(id).unwrap();
    let before = src.student(&id).unwrap().unwrap();
    let mut after = before.clone();
    after.notes = Some(notes.into());
    let w = Write {
        key: RecordKey::Student(id),
        before: Some(Record::Student(before)),
        after: Some(Record::Student(after)),
    };
    src.apply_change_set(
        BatchKind::Edit,
        &format!("notes: {notes}"),
        vec![w],
        "ignored",
    )
}

fn notes_of(src: &Remote, id: &str) -> Option<String> {
    src.student(&StudentId::parse(id).unwrap())
        .unwrap()
        .unwrap()
        .notes
}

#[test]
fn clients_share_one_server_and_see_each_others_change_sets() {
    let env = Env::new();
    assert!(env.run(&["demo", "--no-ui"]).status.success());
    let mut server = start(&env);
    let (a, _rx_a) = client(&env.db());
    let (b, rx_b) = client(&env.db());
    let (c, rx_c) = client(&env.db());
    // The server names each client by its OS user, never a typed name.
    let me = nix::unistd::User::from_uid(nix::unistd::Uid::current())
        .unwrap()
        .unwrap()
        .name;
    assert_eq!(a.user(), me);
    // With no users set up, the database's owner is its admin.
    assert_eq!(a.role(), "admin");
    let students = a.all_students().unwrap();
    let (s1, s2) = (students[0].id.to_string(), students[1].id.to_string());

    // A change set by one reaches the others with who and what.
    let (id, made) = renote(&a, &s1, "seen by ana").unwrap();
    for rx in [&rx_b, &rx_c] {
        let (text, writes) = pushed(rx, Duration::from_secs(5)).expect("no push");
        assert!(text.starts_with(&me), "{text}");
        assert!(text.contains(&format!("change set {id}")), "{text}");
        assert_eq!(writes, made);
    }
    assert_eq!(notes_of(&b, &s1).as_deref(), Some("seen by ana"));

    // b read s1 before a changed it again: b's edit is refused, naming the
    // record and a's change set, and changes nothing.
    let stale_before = b.student(&StudentId::parse(&s1).unwrap()).unwrap().unwrap();
    let (id2, _) = renote(&a, &s1, "second look").unwrap();
    let mut after = stale_before.clone();
    after.notes = Some("b's view".into());
    let refused = b
        .apply_change_set(
            BatchKind::Edit,
            "b",
            vec![Write {
                key: RecordKey::Student(stale_before.id.clone()),
                before: Some(Record::Student(stale_before)),
                after: Some(Record::Student(after)),
            }],
            "x",
        )
        .unwrap_err()
        .to_string();
    assert!(refused.contains(&s1), "{refused}");
    assert!(refused.contains(&format!("change set {id2}")), "{refused}");
    assert_eq!(notes_of(&c, &s1).as_deref(), Some("second look"));

    // Edits of different students at once both land.
    let (a2, b2) = (a.clone(), b.clone());
    let (t1, t2) = (s1.clone(), s2.clone());
    let h1 = std::thread::spawn(move || renote(&a2, &t1, "a at once").map(|_| ()));
    let h2 = std::thread::spawn(move || renote(&b2, &t2, "b at once").map(|_| ()));
    h1.join().unwrap().unwrap();
    h2.join().unwrap().unwrap();
    assert_eq!(notes_of(&c, &s1).as_deref(), Some("a at once"));
    assert_eq!(notes_of(&c, &s2).as_deref(), Some("b at once"));

    // A command line cannot take the database while clients are connected.
    let busy = env.run(&["uploads", "list"]);
    assert_eq!(busy.status.code(), Some(3), "{busy:?}");
    let said = String::from_utf8_lossy(&busy.stderr);
    assert!(said.contains("UIs are open on this database"), "{said}");

    // SIGKILL: nothing committed is lost; calls fail, then a new server
    // is picked up and the clients are told to read everything again.
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(a.districts().is_err());
    let mut server = start(&env);
    assert_eq!(notes_of(&a, &s1).as_deref(), Some("a at once"));
    let t0 = Instant::now();
    loop {
        match rx_c.recv_timeout(Duration::from_secs(10)).unwrap() {
            Msg::Resync(text) => {
                assert!(text.contains("reconnected"), "{text}");
                break;
            }
            _ => assert!(t0.elapsed() < Duration::from_secs(10)),
        }
    }
    drop((a, b, c));

    // With no client left, a command line asks the idle server to step
    // aside and runs on the database itself.
    let t0 = Instant::now();
    let out = loop {
        let out = env.run(&["uploads", "list"]);
        if out.status.success() || t0.elapsed() > Duration::from_secs(10) {
            break out;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(out.status.success(), "{out:?}");
    let status = server.wait().unwrap();
    assert!(status.success(), "{status:?}");
}

#[test]
fn a_server_started_for_an_idle_exit_leaves_and_removes_its_socket() {
    let env = Env::new();
    assert!(env.run(&["demo", "--no-ui"]).status.success());
    let mut server = env
        .std_cmd()
        .args(["serve", "--idle-exit", "1"])
        .spawn()
        .unwrap();
    let socket = socket_path(&env.db());
    let t0 = Instant::now();
    while !socket.exists() {
        assert!(t0.elapsed() < Duration::from_secs(20));
        std::thread::sleep(Duration::from_millis(20));
    }
    // A second server on the same database is refused as busy.
    let second = env.run(&["serve"]);
    assert_eq!(second.status.code(), Some(3), "{second:?}");
    let status = server.wait().unwrap();
    assert!(status.success());
    assert!(!socket.exists());
}

#[test]
fn certificates_are_read_and_issued_through_the_server() {
    use mecred::tui::source::CertificateState;
    let env = Env::new();
    assert!(env.run(&["demo", "--no-ui"]).status.success());
    let mut server = start(&env);
    let (a, _rx_a) = client(&env.db());
    let (b, rx_b) = client(&env.db());
    let ids: Vec<StudentId> = a
        .all_students()
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    let due = |src: &Remote| {
        src.certificates_of(&ids, TODAY)
            .unwrap()
            .into_iter()
            .filter(|s| matches!(s.state, CertificateState::Due(_)))
            .count()
    };
    assert_eq!(due(&a), 0);
    let term = "fall-2026".parse().unwrap();
    let district = mecred::domain::DistrictCode::parse("017").unwrap();
    a.confirm_report(TODAY, term, &district, "ignored").unwrap();
    assert_eq!(due(&b), 5);
    // The UI's issue: PDFs where the client runs, one change set pushed.
    let out = env.dir.path().join("certs");
    let (made, text) =
        mecred::tui::runtime::certificates::issue(&a, "ignored", TODAY, &ids, &out).unwrap();
    assert_eq!(made.len(), 5, "{text}");
    assert!(text.starts_with("issued 5 certificate(s)"), "{text}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 5);
    let (pushed_text, writes) = pushed(&rx_b, Duration::from_secs(5)).expect("no push");
    assert!(
        pushed_text.contains("issue 5 certificate(s)"),
        "{pushed_text}"
    );
    assert_eq!(writes, made);
    assert_eq!(due(&b), 0);
    drop((a, b));
    server.kill().unwrap();
    server.wait().unwrap();
}

#[test]
fn a_file_staged_through_the_server_reports_its_rows_as_it_goes() {
    use mecred::domain::StageStep;
    let env = Env::new();
    assert!(env.run(&["demo", "--no-ui"]).status.success());
    let mut server = start(&env);
    let (a, _rx) = client(&env.db());
    // 2,500 new students of one school: steps every thousand rows or so.
    let mut csv = String::from(
        "District Code,School Code,School Name,Student ID,Last Name,First Name,Grade,\
         Self-Assessment Round 1,Self-Assessment Round 2,Self-Assessment Instrument,\
         Self-Assessment Presentation,Mentor Checklist,Credit Applications,\
         Company Registration,Micro-Enterprise Pathway,Complementary Credentials,Notes\n",
    );
    for n in 0..2_500 {
        csv.push_str(&format!(
            "017,017004,Magnolia Ridge High School,{:010},Doe,Sam,11,10/5/2026,,,,,,,N,,\n",
            4_100_000_000u64 + n
        ));
    }
    let file = env.dir.path().join("completions-017-big.csv");
    std::fs::write(&file, csv).unwrap();
    let mut steps = Vec::new();
    let outcome = a
        .stage_file(
            &file,
            Some(BatchKind::Completions),
            "fall-2026".parse().unwrap(),
            TODAY,
            "ignored",
            &mut |s| steps.push(s),
        )
        .unwrap();
    assert!(
        matches!(outcome, mecred::tui::source::StageOutcome::Staged(_)),
        "{outcome:?}"
    );
    assert_eq!(steps.first(), Some(&StageStep::Read { rows: 2_500 }));
    let triaged = steps
        .iter()
        .filter(|s| matches!(s, StageStep::Triaged { .. }))
        .count();
    assert!(triaged >= 2, "{steps:?}");
    assert_eq!(
        steps.last(),
        Some(&StageStep::Stored {
            done: 2_500,
            total: 2_500
        }),
        "{steps:?}"
    );
    server.kill().unwrap();
    let _ = server.wait();
}
