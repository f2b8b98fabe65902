//! One server process owns the database; several clients talk to it over
//! its socket (issue 7): pushes reach the other clients, a stale edit is
//! refused naming the other change, edits of different records both land,
//! a SIGKILLed server loses nothing committed and clients reconnect, and
//! command lines run through the server as they would directly.
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

/// A server process, killed when dropped (a failing test leaves none
/// behind holding the test's output open).
struct Server(Child);

impl std::ops::Deref for Server {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for Server {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(env: &Env) -> Server {
    let child = Server(env.std_cmd().arg("serve").spawn().unwrap());
    let socket = socket_path(&env.db());
    let t0 = Instant::now();
    while Remote::connect(&socket, TODAY).is_err() {
        assert!(t0.elapsed() < Duration::from_secs(20), "no server");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

/// The demo database in a temp dir, and its server.
fn demo_with_server() -> (Env, Server) {
    let env = Env::new();
    assert!(env.run(&["demo", "--no-ui"]).status.success());
    let server = start(&env);
    (env, server)
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
    let (env, mut server) = demo_with_server();
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

    // A command line while clients are connected runs through the server:
    // as it would directly, and its commit reaches the clients by name.
    let listed = env.run(&["uploads", "list"]);
    assert!(listed.status.success(), "{listed:?}");
    let said = String::from_utf8_lossy(&listed.stdout);
    assert!(said.contains("notes: a at once"), "{said}");
    let id = a
        .batches()
        .unwrap()
        .into_iter()
        .find(|b| b.file == "notes: b at once")
        .unwrap()
        .id;
    let revert = env.run(&["uploads", "revert", &id.to_string()]);
    assert!(revert.status.success(), "{revert:?}");
    for rx in [&rx_b, &rx_c] {
        let (text, writes) = loop {
            let (text, writes) = pushed(rx, Duration::from_secs(5)).expect("no push");
            if text.contains("ran uploads revert") {
                break (text, writes);
            }
        };
        assert_eq!(
            text,
            format!("{me} ran uploads revert: batch {id} reverted, 1 records")
        );
        assert_eq!(writes.len(), 1);
    }

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

    // With no client left, commands still go to the server (it holds the
    // database); restore, which needs it to itself, is refused.
    let out = env.run(&["uploads", "list"]);
    assert!(out.status.success(), "{out:?}");
    let out = env.run(&["restore", "dump.jsonl"]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("a mecred server holds this database"),
        "{said}"
    );
    assert!(said.contains("mecred restore"), "{said}");
    let out = env.run(&["demo", "--no-ui"]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    server.kill().unwrap();
    server.wait().unwrap();
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
    let (env, mut server) = demo_with_server();
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
    let (env, mut server) = demo_with_server();
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

/// `mecred ARGS` in `env`, from the directory `cwd`.
fn run_in(env: &Env, cwd: &Path, args: &[&str]) -> std::process::Output {
    env.std_cmd().current_dir(cwd).args(args).output().unwrap()
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn commands_through_the_server_print_write_and_exit_as_a_direct_run() {
    // Two equal databases: one used directly, one through its server.
    let direct = Env::new();
    assert!(direct.run(&["demo", "--no-ui"]).status.success());
    let confirm = direct.run(&["confirm", "--term", "fall-2026", "--district", "017"]);
    assert!(confirm.status.success(), "{confirm:?}");
    let dump = direct.dir.path().join("dump.jsonl");
    let out = direct.run(&["export", "-o", dump.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    let served = Env::new();
    let out = served.run(&["restore", dump.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    let mut server = start(&served);
    let (watcher, pushes) = client(&served.db());
    // Each runs from a directory of its own, not the server's.
    let work = |env: &Env| {
        let w = env.dir.path().join("work");
        std::fs::create_dir_all(&w).unwrap();
        std::fs::copy(
            common::fixture("completions-029-fall-2026.csv"),
            w.join("upload.csv"),
        )
        .unwrap();
        w
    };
    let (wd, ws) = (work(&direct), work(&served));
    let same = |args: &[&str], files: &[&str]| {
        let a = run_in(&direct, &wd, args);
        let b = run_in(&served, &ws, args);
        assert_eq!(a.status.code(), b.status.code(), "{args:?}: {a:?} {b:?}");
        assert_eq!(
            String::from_utf8_lossy(&a.stdout),
            String::from_utf8_lossy(&b.stdout),
            "{args:?}"
        );
        assert_eq!(
            String::from_utf8_lossy(&a.stderr),
            String::from_utf8_lossy(&b.stderr),
            "{args:?}"
        );
        for f in files {
            let (x, y) = (wd.join(f), ws.join(f));
            assert_eq!(
                std::fs::read(&x).unwrap(),
                std::fs::read(&y).unwrap(),
                "{f}"
            );
            assert_eq!(mode(&y), 0o600, "{f}");
        }
        b
    };
    let out = same(&["--json", "uploads", "list"], &[]);
    assert!(out.status.success());
    same(&["--json", "check"], &[]);
    same(
        &[
            "report",
            "--term",
            "fall-2026",
            "--format",
            "csv",
            "-o",
            "r.csv",
        ],
        &["r.csv"],
    );
    same(
        &[
            "report",
            "--term",
            "fall-2026",
            "--format",
            "md",
            "--district",
            "017",
        ],
        &[],
    );
    let out = same(
        &["--json", "packet", "--term", "fall-2026", "-o", "pk"],
        &["pk/doe-packet-fall-2026.zip"],
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(mode(&ws.join("pk")), 0o700);
    // A relative upload from the client's directory; bad rows: exit 1,
    // and the error return file written by the client.
    let out = same(
        &[
            "--json",
            "import",
            "upload.csv",
            "--kind",
            "completions",
            "--term",
            "fall-2026",
            "--errors-out",
            "errors.csv",
        ],
        &["errors.csv"],
    );
    assert_eq!(out.status.code(), Some(1));
    same(
        &[
            "template",
            "--district",
            "017",
            "--term",
            "fall-2026",
            "-o",
            "t.xlsx",
        ],
        &["t.xlsx"],
    );
    // The dump itself names who imported what, when: its lines are compared
    // past those.
    let out = same(&["export", "-o", "dump.jsonl"], &[]);
    assert!(out.status.success());
    assert_eq!(mode(&ws.join("dump.jsonl")), 0o600);
    let lines = |dir: &Path| {
        std::fs::read_to_string(dir.join("dump.jsonl"))
            .unwrap()
            .lines()
            .count()
    };
    assert_eq!(lines(&wd), lines(&ws));
    // A file whose directory is missing, or is a file: refused before
    // anything runs, as a direct run fails writing it.
    for dir in [&wd, &ws] {
        std::fs::write(dir.join("blocker"), "").unwrap();
    }
    for o in ["missing/r.csv", "blocker/r.csv"] {
        let out = same(
            &["report", "--term", "fall-2026", "--format", "csv", "-o", o],
            &[],
        );
        assert_eq!(out.status.code(), Some(1), "{out:?}");
    }
    let out = same(
        &["import", "upload.csv", "--errors-out", "missing/e.csv"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    // Bad input, usage and refusals keep their exit status and message.
    same(&["uploads", "show", "999"], &[]);
    same(&["uploads", "commit", "1"], &[]);
    same(&["report", "--term", "fall-2026"], &[]);

    // Certificates: the same files, written by the client; the commit is
    // pushed to the other clients by name.
    let args = [
        "--json",
        "certificates",
        "issue",
        "--term",
        "fall-2026",
        "-o",
        "certs",
    ];
    let a = run_in(&direct, &wd, &args);
    let b = run_in(&served, &ws, &args);
    assert!(b.status.success(), "{b:?}");
    let names = |dir: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(&wd.join("certs")), names(&ws.join("certs")));
    assert_eq!(names(&ws.join("certs")).len(), 5);
    let (va, vb): (serde_json::Value, serde_json::Value) = (
        serde_json::from_slice(&a.stdout).unwrap(),
        serde_json::from_slice(&b.stdout).unwrap(),
    );
    assert_eq!(va["batch"], vb["batch"]);
    for f in names(&ws.join("certs")) {
        let pdf = std::fs::read(ws.join("certs").join(&f)).unwrap();
        assert!(pdf.starts_with(b"%PDF"), "{f}");
        assert_eq!(mode(&ws.join("certs").join(&f)), 0o600);
    }
    let me = watcher.user();
    let (text, writes) = pushed(&pushes, Duration::from_secs(5)).expect("no push");
    assert_eq!(
        text,
        format!(
            "{me} ran certificates issue: batch {} committed, 5 records",
            vb["batch"]
        )
    );
    assert_eq!(writes.len(), 5);
    let code = vb["issued"][0]["code"].as_str().unwrap();
    let verified = run_in(&served, &ws, &["verify", code]);
    assert!(verified.status.success(), "{verified:?}");

    // Roles are the server's, from who is on the socket: made an auditor,
    // the same OS user may note but not revert (exit 1, recorded).
    let out = run_in(&served, &ws, &["users", "add", &me, "--role", "auditor"]);
    assert!(out.status.success(), "{out:?}");
    let out = run_in(&served, &ws, &["uploads", "revert", "1"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(&format!(
            "{me} (auditor) may not run `mecred uploads revert`"
        )),
        "{said}"
    );
    let out = run_in(&served, &ws, &["note", "--district", "017", "looked"]);
    assert!(out.status.success(), "{out:?}");
    drop(watcher);
    server.kill().unwrap();
    server.wait().unwrap();
}

#[test]
fn a_uis_error_return_file_on_the_server_comes_from_the_clients_file() {
    let (env, mut server) = demo_with_server();
    let (a, _rx) = client(&env.db());
    let file = env.dir.path().join("completions-029-again.csv");
    std::fs::copy(common::fixture("completions-029-fall-2026.csv"), &file).unwrap();
    // Changed by a byte, so it is a new upload of the same rows.
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.extend_from_slice(b"\n");
    std::fs::write(&file, &bytes).unwrap();
    let staged = a
        .stage_file(
            &file,
            Some(BatchKind::Completions),
            "fall-2026".parse().unwrap(),
            TODAY,
            "ignored",
            &mut |_| {},
        )
        .unwrap();
    let mecred::tui::source::StageOutcome::Staged(batch) = staged else {
        panic!("{staged:?}")
    };
    let out = env.dir.path().join("return");
    let (path, rows) = a.write_return_file(batch, TODAY, &out).unwrap();
    assert_eq!(rows, 7);
    assert!(std::fs::read_to_string(&path).unwrap().contains("Errors"));
    // The client reads the original: gone from here, nothing to send.
    std::fs::remove_file(&file).unwrap();
    let e = a.write_return_file(batch, TODAY, &out).unwrap_err();
    assert!(format!("{e:#}").contains("cannot read"), "{e:#}");
    server.kill().unwrap();
    let _ = server.wait();
}
