//! Crash test: a child process (this test binary, running `crash_child`)
//! commits a big change set and is SIGKILLed at a random moment; reopening
//! must show all of the change set or none of it.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::*;

const ENV: &str = "MECRED_CRASH_DB";
const REVERT: &str = "MECRED_CRASH_REVERT";
const BASE: u64 = 10_000;
const WRITES: u64 = 20_000;

/// Half updates of base students (every other one moving school), half inserts.
fn crash_writes() -> Vec<Write> {
    (0..WRITES).map(|n| set(&crash_after(n))).collect()
}

fn crash_after(n: u64) -> Record {
    let school = if n.is_multiple_of(2) {
        "017001"
    } else {
        "017004"
    };
    renamed(&student(n, school), "Crash")
}

#[test]
#[ignore = "run by crash_commits_are_all_or_nothing in a child process"]
fn crash_child() {
    let Ok(dir) = std::env::var(ENV) else { return };
    let s = Store::open(Path::new(&dir)).unwrap();
    let writes = crash_writes();
    println!("\nCRASH-READY");
    if std::env::var_os(REVERT).is_some() {
        s.revert(2, "op", "t").unwrap();
    } else {
        s.commit(2, Summary::default(), &[], writes, "op", "t")
            .unwrap();
    }
    println!("done");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

/// Runs the child on a copy of the template; kills it `delay` after it is
/// ready (never, when `None`). Returns how long it ran after ready.
fn run_child(db: &Path, delay: Option<Duration>, revert: bool) -> Duration {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    if revert {
        cmd.env(REVERT, "1");
    }
    let mut child = cmd
        .args([
            "--exact",
            "store::tests::crash::crash_child",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ENV, db)
        .stdout(Stdio::piped())
        .stderr(if std::env::var_os("CRASH_DEBUG").is_some() {
            Stdio::inherit()
        } else {
            Stdio::null()
        })
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while out.read_line(&mut line).unwrap() > 0 && !line.contains("CRASH-READY") {
        line.clear();
    }
    let t = Instant::now();
    if let Some(d) = delay {
        std::thread::sleep(d);
        let _ = child.kill();
    }
    let status = child.wait().unwrap();
    if delay.is_none() {
        assert!(status.success());
    }
    t.elapsed()
}

/// True when the batch landed whole, false when not at all; panics on anything between.
fn check(db: &Path) -> bool {
    let s = open(db);
    let state = s.batch(2).unwrap().unwrap().state;
    let state = match state {
        // After a revert, the records are as if never committed.
        BatchState::Reverted => BatchState::Staged,
        other => other,
    };
    let students = s.students().unwrap();
    assert_index_consistent(&s);
    let committed = state == BatchState::Committed;
    if committed {
        assert_eq!(students.len() as u64, WRITES);
        for n in 0..WRITES {
            assert_eq!(
                s.get(&student(n, "017004").key()).unwrap(),
                Some(crash_after(n)),
                "student {n}"
            );
        }
        assert_eq!(s.events().unwrap().len(), 30);
    } else {
        assert_eq!(state, BatchState::Staged);
        assert_eq!(students.len() as u64, BASE);
        for n in 0..BASE {
            assert_eq!(
                s.get(&student(n, "017004").key()).unwrap(),
                Some(student(n, "017004")),
                "student {n}"
            );
        }
        let n = s.events().unwrap().len();
        assert!(n == 10 || n == 50, "{n} events");
    }
    committed
}

#[test]
fn crash_commits_are_all_or_nothing() {
    let root = tempfile::tempdir().unwrap();
    let template = root.path().join("template");
    {
        let s = open(&template);
        commit(&s, (0..BASE).map(|n| set(&student(n, "017004"))).collect());
        s.stage(new_batch(BatchKind::Completions), &[], &[])
            .unwrap();
        s.flush().unwrap();
    }
    let full = root.path().join("full");
    copy_dir(&template, &full);
    let took = run_child(&full, None, false);
    assert!(check(&full));
    let mut seed = Instant::now().elapsed().as_nanos() as u64 | 1;
    seed ^= std::process::id() as u64;
    let mut rand = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let span = took.as_micros() as u64 * 11 / 10 + 1;
    let (mut all, mut none) = (0, 0);
    for run in 0..20 {
        let db = root.path().join(format!("run{run}"));
        copy_dir(&template, &db);
        let delay = Duration::from_micros(rand() % span);
        run_child(&db, Some(delay), false);
        if check(&db) {
            all += 1
        } else {
            none += 1
        }
        std::fs::remove_dir_all(&db).unwrap();
    }
    eprintln!("commit took {took:?}; killed runs: {all} all, {none} none");
}

#[test]
fn crash_reverts_are_all_or_nothing() {
    let root = tempfile::tempdir().unwrap();
    let template = root.path().join("template");
    {
        let s = open(&template);
        commit(&s, (0..BASE).map(|n| set(&student(n, "017004"))).collect());
        commit(&s, crash_writes());
    }
    let full = root.path().join("full");
    copy_dir(&template, &full);
    let took = run_child(&full, None, true);
    assert!(!check(&full));
    let span = took.as_micros() as u64 * 11 / 10 + 1;
    let mut seed = std::process::id() as u64 * 2654435761 + 1;
    let (mut all, mut none) = (0, 0);
    for run in 0..8 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let db = root.path().join(format!("run{run}"));
        copy_dir(&template, &db);
        run_child(&db, Some(Duration::from_micros((seed >> 33) % span)), true);
        if check(&db) {
            none += 1
        } else {
            all += 1
        }
        std::fs::remove_dir_all(&db).unwrap();
    }
    eprintln!("revert took {took:?}; killed runs: {all} reverted, {none} still committed");
}
