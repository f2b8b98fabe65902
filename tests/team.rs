//! Issue 7's "done when", end to end: a team server running as a service
//! account, and three people — an operator, an auditor and a district
//! coordinator, three real OS users — each in their own terminal (tmux) on
//! it at once. The operator's commit appears on the other two screens; the
//! auditor's edit is refused by the server; the district user sees only its
//! district.
//!
//! It creates the OS users it needs (`useradd`, removed again after), so it
//! runs only as root with tmux and `runuser`; anywhere else it says it was
//! skipped.
#![allow(clippy::unwrap_used)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::tmux::{tmux, type_keys as keys, wait_for};

/// The service account and the three people, with a prefix no real
/// account has.
const SERVICE: &str = "mecredtsvc";
const OPERATOR: &str = "mecredtana";
const AUDITOR: &str = "mecredtamy";
const DISTRICT: &str = "mecredtdee";
const GROUP: &str = "mecredtteam";

/// Two of district 017's students (from `fixtures/completions-017-fall-2026.xlsx`)
/// with a new Company Registration date each.
const FIX_017: &str = "\
District Code,School Code,School Name,Student ID,Last Name,First Name,Grade,Self-Assessment Round 1,Self-Assessment Round 2,Self-Assessment Instrument,Self-Assessment Presentation,Mentor Checklist,Credit Applications,Company Registration,Micro-Enterprise Pathway,Complementary Credentials,Notes
017,017004,Magnolia Ridge High School,0089592595,Boudreaux,Camille,12,2/9/2026,4/13/2026,,9/24/2026,Y,9/15/2026,11/30/2026,N,,
017,017004,Magnolia Ridge High School,0059932928,Washington,Jaylen,12,2/9/2026,4/13/2026,,9/24/2026,Y,9/15/2026,12/1/2026,Y,NCCER Core; OSHA 10,
";

fn run(cmd: &str, args: &[&str]) -> std::process::Output {
    Command::new(cmd).args(args).output().unwrap()
}

/// Why the test cannot run here, if it cannot.
fn cannot_run() -> Option<&'static str> {
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        return Some("not root (it creates OS users)");
    }
    for tool in ["tmux", "runuser", "useradd", "userdel", "groupadd"] {
        if Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .map_or(true, |o| !o.status.success())
        {
            return Some("tmux, runuser or useradd is missing");
        }
    }
    None
}

/// The group and users, created if missing; removed when dropped.
struct Accounts;

impl Accounts {
    fn create() -> Accounts {
        if !run("getent", &["group", GROUP]).status.success() {
            assert!(run("groupadd", &[GROUP]).status.success());
        }
        for user in [SERVICE, OPERATOR, AUDITOR, DISTRICT] {
            if !run("id", &[user]).status.success() {
                let made = run("useradd", &["-M", "-g", GROUP, "-s", "/bin/sh", user]);
                assert!(made.status.success(), "{made:?}");
            }
        }
        Accounts
    }
}

impl Drop for Accounts {
    fn drop(&mut self) {
        for user in [SERVICE, OPERATOR, AUDITOR, DISTRICT] {
            let _ = run("pkill", &["-u", user]);
            let _ = run("userdel", &[user]);
        }
        let _ = run("groupdel", &[GROUP]);
    }
}

/// A command as `user`, with HOME and logs in `home`.
fn as_user(user: &str, home: &Path, bin: &Path, args: &[&str]) -> Command {
    let mut c = Command::new("runuser");
    c.args(["-u", user, "--", "env"])
        .arg(format!("HOME={}", home.display()))
        .arg(format!("MECRED_LOG={}/{user}.log", home.display()))
        .arg(bin)
        .args(args);
    c
}

/// The server, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = run("pkill", &["-u", SERVICE]);
        let _ = self.0.wait();
    }
}

#[test]
fn an_operator_an_auditor_and_a_district_user_at_once_on_a_team_server() {
    if let Some(why) = cannot_run() {
        eprintln!("skipped: {why}");
        return;
    }
    let _accounts = Accounts::create();
    // Everyone may pass through the directory; the database and the
    // socket's directory are the service account's (and its group's).
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin = root.join("mecred");
    std::fs::copy(env!("CARGO_BIN_EXE_mecred"), &bin).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let home = root.join("home");
    std::fs::create_dir(&home).unwrap();
    std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o777)).unwrap();
    let state = root.join("state");
    let run_dir = root.join("run");
    for d in [&state, &run_dir] {
        std::fs::create_dir(d).unwrap();
        let owned = run(
            "chown",
            &[&format!("{SERVICE}:{GROUP}"), &d.display().to_string()],
        );
        assert!(owned.status.success());
    }
    std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::set_permissions(&run_dir, std::fs::Permissions::from_mode(0o750)).unwrap();
    let db = state.join("db").display().to_string();
    let socket = run_dir.join("mecred.sock").display().to_string();
    let today = ["--today", "2026-12-04"];

    // The service account builds the database and adds the people.
    let service = |args: &[&str]| {
        let mut all = vec!["--db", &db];
        all.extend_from_slice(args);
        let out = as_user(SERVICE, &home, &bin, &all).output().unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
    };
    service(&["demo", "--no-ui", "--today", "2026-12-04"]);
    service(&["users", "add", SERVICE, "--role", "admin"]);
    service(&["users", "add", OPERATOR, "--role", "operator"]);
    service(&["users", "add", AUDITOR, "--role", "auditor"]);
    service(&[
        "users",
        "add",
        DISTRICT,
        "--role",
        "district",
        "--district",
        "017",
    ]);
    let _server = Server(
        as_user(
            SERVICE,
            &home,
            &bin,
            &["--db", &db, "serve", "--socket", &socket],
        )
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap(),
    );
    let start = Instant::now();
    while std::os::unix::net::UnixStream::connect(&socket).is_err() {
        assert!(start.elapsed() < Duration::from_secs(20), "no server");
        std::thread::sleep(Duration::from_millis(50));
    }
    // A stranger is turned away by name.
    let stranger = Command::new(&bin)
        .args(["--server", &socket])
        .env("MECRED_LOG", "/dev/null")
        .output()
        .unwrap();
    assert!(!stranger.status.success());
    assert!(
        String::from_utf8_lossy(&stranger.stderr).contains("not a user of this database"),
        "{stranger:?}"
    );

    // Three terminals, three people.
    let session = |user: &str| format!("{user}-{}", std::process::id());
    for user in [OPERATOR, AUDITOR, DISTRICT] {
        let cmd = format!(
            "runuser -u {user} -- env HOME={home} MECRED_LOG={home}/{user}.log NO_COLOR=1 \
             {bin} --server {socket} {}; sleep 30",
            today.join(" "),
            home = home.display(),
            bin = bin.display(),
        );
        let made = Command::new("tmux")
            .args(["new-session", "-d", "-x", "110", "-y", "24"])
            .args(["-s", &session(user), &cmd])
            .status()
            .unwrap();
        assert!(made.success());
        let pane = wait_for(&session(user), "Districts 1/");
        assert!(pane.contains("(team server)"), "{pane}");
    }
    let (op, aud, dee) = (session(OPERATOR), session(AUDITOR), session(DISTRICT));
    wait_for(&op, &format!("{OPERATOR} (operator)"));
    wait_for(&aud, &format!("{AUDITOR} (auditor)"));
    // The district user sees its district alone.
    let pane = wait_for(&dee, &format!("{DISTRICT} (district 017)"));
    assert!(pane.contains("Districts 1/1") && pane.contains("East Baton Rouge"));
    assert!(
        !pane.contains("Lafourche") && !pane.contains("029"),
        "{pane}"
    );
    // ... and its findings (the UI reads acknowledgements and notes).
    keys(&dee, &["5"]);
    let pane = wait_for(&dee, "Findings ");
    wait_for(&dee, "SA-SUBSTITUTE");
    assert!(!pane.contains("Could not evaluate"), "{pane}");

    // The operator imports a file of their own and commits it.
    let file = home.join("fix-017.csv");
    std::fs::write(&file, FIX_017).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    keys(
        &op,
        &[
            "3",
            &format!(":import {} fall-2026", file.display()),
            "Enter",
        ],
    );
    wait_for(&op, "staged batch 8");
    keys(&op, &["c"]);
    wait_for(&op, "commit batch 8");
    keys(&op, &["y"]);
    wait_for(&op, "committed batch 8");
    // The other two screens are told: who, what, how many.
    let line = format!("{OPERATOR} committed batch 8 (completions 017 fall-2026), 2 records");
    wait_for(&aud, &line);
    wait_for(&dee, &line);

    // The auditor may look, not edit: the server refuses the change set.
    keys(&aud, &["2", "Enter", "Enter", "space", "e", "down", "down"]);
    keys(&aud, &["2026-11-02", "Enter"]);
    wait_for(&aud, "apply as one change set");
    keys(&aud, &["Enter"]);
    wait_for(&aud, &format!("{AUDITOR} (auditor) may not edit records"));

    for s in [&op, &aud, &dee] {
        tmux(&["kill-session", "-t", s]);
    }
}
