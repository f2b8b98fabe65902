//! End to end: the real binary (`mecred demo` on a temp --db) in tmux at
//! 80×24: keys typed, the screen captured and checked. Skipped (with a
//! message) when tmux is not installed.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;

use common::tmux::{tmux, type_keys, wait_for};

/// The tmux tests run one at a time: each builds a demo database and
/// drives a real terminal, and two at once on two cores time out.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The lock that runs tmux tests one at a time, and a temporary directory
/// for the test's database; `None` (saying so) when tmux is not installed.
fn setup() -> Option<(std::sync::MutexGuard<'static, ()>, tempfile::TempDir)> {
    let one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("skipped: tmux is not installed");
        return None;
    }
    Some((one, tempfile::tempdir().unwrap()))
}

/// Starts `cmd` in a detached tmux session `session` of `width`×24.
fn start(session: &str, width: u16, cmd: &str) {
    let width = width.to_string();
    let status = Command::new("tmux")
        .args([
            "new-session",
            "-d",
            "-x",
            &width,
            "-y",
            "24",
            "-s",
            session,
            cmd,
        ])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Builds the demo database in `dir`; its path.
fn demo_db(dir: &std::path::Path) -> std::path::PathBuf {
    let db = dir.join("db");
    let built = Command::new(env!("CARGO_BIN_EXE_mecred"))
        .args(["--db", &db.display().to_string(), "demo", "--no-ui"])
        .output()
        .unwrap();
    assert!(built.status.success(), "{built:?}");
    db
}

#[test]
fn demo_in_tmux_filters_jumps_and_opens_uploads() {
    let Some((_one, dir)) = setup() else {
        return;
    };
    let db = dir.path().join("db");
    let bin = env!("CARGO_BIN_EXE_mecred");
    let session = format!("mecred-e2e-{}", std::process::id());
    let cmd = format!("NO_COLOR=1 {bin} --db {} demo; sleep 30", db.display());
    start(&session, 80, &cmd);
    let pane = wait_for(&session, "Districts 1/");
    assert!(pane.contains("mecred › Districts"), "{pane}");
    // The uploads screen lists the demo's batches.
    tmux(&["send-keys", "-t", &session, "3"]);
    let pane = wait_for(&session, "Uploads 1/");
    assert!(
        pane.contains("committed") || pane.contains("staged"),
        "{pane}"
    );
    // Back to districts, filter with `/`.
    tmux(&["send-keys", "-t", &session, "2", "/"]);
    wait_for(&session, "/▏");
    tmux(&["send-keys", "-t", &session, "Escape"]);
    // The finder, over every name.
    tmux(&["send-keys", "-t", &session, "C-p"]);
    let pane = wait_for(&session, "matches");
    assert!(pane.contains("Find ·"), "{pane}");
    tmux(&["send-keys", "-t", &session, "Escape", "q"]);
    tmux(&["kill-session", "-t", &session]);
}

/// Issue 4's "done when", typed as a person would at 80×24: find a student
/// by part of the name, read why the record is flagged and the policy
/// sentence it breaks, walk to the next finding, read the keys in help,
/// quit (and the terminal is given back).
#[test]
fn demo_find_a_student_read_the_finding_walk_on_and_quit() {
    let Some((_one, dir)) = setup() else {
        return;
    };
    let db = dir.path().join("db");
    let bin = env!("CARGO_BIN_EXE_mecred");
    let session = format!("mecred-e2e-find-{}", std::process::id());
    let cmd = format!(
        "NO_COLOR=1 {bin} --db {} demo; echo MECRED-EXITED $?; sleep 30",
        db.display()
    );
    start(&session, 80, &cmd);
    let keys = |k: &[&str]| type_keys(&session, k);
    wait_for(&session, "Districts 1/");
    keys(&["C-p"]);
    wait_for(&session, "Find ·");
    keys(&["davis hun"]);
    wait_for(&session, "Davis, Hunter");
    keys(&["Enter"]);
    let mut pane = wait_for(&session, "┌ Davis, Hunter");
    // Page down to the finding (the sections above it may grow).
    for _ in 0..8 {
        if pane.contains("SA-ROUND-ORDER") && pane.contains("Procedures:") {
            break;
        }
        keys(&["PageDown"]);
        pane = tmux(&["capture-pane", "-p", "-t", &session]);
    }
    let pane = wait_for(&session, "SA-ROUND-ORDER");
    assert!(
        pane.contains("Round 2 dated 2026-10-01 with no Round 1"),
        "{pane}"
    );
    assert!(pane.contains("Procedures:"), "{pane}");
    // The status line shows the keys that matter here, `n` among them.
    assert!(pane.contains("n next_finding"), "{pane}");
    keys(&["n"]);
    let pane = wait_for(&session, "finding ");
    assert!(pane.contains(" of "), "{pane}");
    keys(&["?"]);
    let mut pane = wait_for(&session, "Keys (default keymap)");
    // The global keys follow the screen's own: page down to them.
    for _ in 0..6 {
        if pane.contains("next_finding") {
            break;
        }
        keys(&["PageDown"]);
        pane = tmux(&["capture-pane", "-p", "-t", &session]);
    }
    assert!(pane.contains("next_finding"), "{pane}");
    keys(&["Escape"]);
    keys(&["q"]);
    let pane = wait_for(&session, "MECRED-EXITED 0");
    assert!(
        !pane.contains("mecred ›"),
        "the screen was given back:\n{pane}"
    );
    tmux(&["kill-session", "-t", &session]);
}

#[test]
fn two_uis_share_the_server_one_commits_the_other_is_told() {
    let Some((_one, dir)) = setup() else {
        return;
    };
    let db = demo_db(dir.path());
    let bin = env!("CARGO_BIN_EXE_mecred");
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/statewide-fall-2026.csv"
    );
    let sessions: Vec<String> = ["a", "b"]
        .iter()
        .map(|n| format!("mecred-e2e-server-{n}-{}", std::process::id()))
        .collect();
    for s in &sessions {
        // The first UI starts the server; the second finds it.
        let cmd = format!(
            "NO_COLOR=1 MECRED_IDLE_EXIT=2 {bin} --db {} --today 2026-12-04; echo MECRED-EXITED $?; sleep 30",
            db.display()
        );
        start(s, 100, &cmd);
        let pane = wait_for(s, "Districts 1/");
        assert!(pane.contains("(server)"), "{pane}");
    }
    let (a, b) = (&sessions[0], &sessions[1]);
    let keys = type_keys;
    keys(a, &[&format!(":import {fixture}"), "Enter"]);
    wait_for(a, "staged batch 8");
    keys(a, &["c"]);
    wait_for(a, "commit batch 8");
    keys(a, &["y"]);
    wait_for(a, "committed batch 8");
    // The other UI hears of it: who, what, how many.
    let pane = wait_for(b, "committed batch 8 (statewide fall-2026), 4 records");
    assert!(pane.contains("Districts"), "{pane}");
    for s in [a, b] {
        keys(s, &["q"]);
        wait_for(s, "MECRED-EXITED 0");
        tmux(&["kill-session", "-t", s]);
    }
}

#[test]
fn a_ui_whose_terminal_goes_away_exits_instead_of_spinning() {
    let Some((_one, dir)) = setup() else {
        return;
    };
    let db = demo_db(dir.path());
    let bin = env!("CARGO_BIN_EXE_mecred");
    // In a session of its own (as `runuser -l` or sshd can leave it), a
    // killed terminal sends it no SIGHUP: its reads just come back empty.
    let session = format!("mecred-e2e-hangup-{}", std::process::id());
    let cmd = format!(
        "MECRED_NO_SERVER=1 NO_COLOR=1 setsid -w {bin} --db {} --today 2026-12-04",
        db.display()
    );
    start(&session, 80, &cmd);
    wait_for(&session, "Districts 1/");
    let db_arg = db.display().to_string();
    let running = || {
        Command::new("pgrep")
            .args(["-f", &format!("{bin} --db {db_arg}")])
            .output()
            .unwrap()
            .status
            .success()
    };
    assert!(running());
    tmux(&["kill-session", "-t", &session]);
    let start = std::time::Instant::now();
    while running() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "mecred still runs 10 s after its terminal went away"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
