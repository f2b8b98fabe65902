//! `mecred import` and `uploads` through the real binary: SPEC §2 and §5.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Env, demo_imports, fixture, summary};

#[test]
fn demo_order_json_and_exit_codes() {
    let env = Env::new();
    let (code, v) = env.import("districts.xlsx", &[]);
    assert_eq!(code, 0);
    assert_eq!(v["kind"], "districts");
    assert_eq!(v["district"], serde_json::Value::Null);
    assert_eq!(v["batch"], 1);
    assert_eq!(summary(&v), [8, 8, 0, 0, 0, 0]);
    assert_eq!(v["sha256"].as_str().unwrap().len(), 64);

    let (code, v) = env.import(
        "completions-W3B-spring-2026.xlsx",
        &["--term", "spring-2026"],
    );
    assert_eq!((code, summary(&v)), (0, [14, 14, 0, 0, 0, 0]));
    assert_eq!(v["district"], "W3B");
    assert_eq!(v["term"], "spring-2026");

    // Error rows: exit 1, and the good rows are still committed.
    let (code, v) = env.import("completions-017-fall-2026.xlsx", &[]);
    assert_eq!((code, summary(&v)), (1, [36, 35, 0, 0, 0, 1]));
    assert_eq!(v["committed"], true);
    let row15 = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["row"] == 15)
        .unwrap();
    assert_eq!(row15["outcome"], "error");
    let p = &row15["problems"][0];
    assert_eq!(p["code"], "cell-error");
    assert_eq!(p["severity"], "error");
    assert_eq!(p["column"], "Credit Applications");
    assert_eq!(p["value"], "#N/A");
    assert!(
        p["message"]
            .as_str()
            .unwrap()
            .contains("Credit Applications")
    );

    let (code, v) = env.import("completions-036-fall-2026.xls", &[]);
    assert_eq!((code, summary(&v)), (1, [28, 27, 0, 0, 0, 1]));
    assert_eq!(v["problems"][0]["code"], "extra-column");
    assert_eq!(v["problems"][0]["severity"], "warning");

    let (code, v) = env.import("completions-W3B-fall-2026.ods", &[]);
    assert_eq!((code, summary(&v)), (0, [18, 5, 11, 1, 1, 0]));
    let row6 = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["row"] == 6)
        .unwrap();
    let instr = row6["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == "Self-Assessment Instrument")
        .unwrap();
    assert_eq!(instr["before"], "Kuder");
    assert_eq!(instr["after"], serde_json::Value::Null);
    // SPEC §2 item 9: a new student's blank Mentor Checklist is stored as N.
    let row4 = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["row"] == 4)
        .unwrap();
    let chk = row4["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == "Mentor Checklist")
        .unwrap();
    assert_eq!(
        (chk["before"].as_str(), chk["after"].as_str()),
        (Some("N"), Some("Y"))
    );

    let (code, v) = env.import("completions-029-fall-2026.csv", &[]);
    assert_eq!((code, summary(&v)), (1, [35, 28, 0, 0, 1, 6]));
    let (code, v) = env.import("exam-results.xlsx", &[]);
    assert_eq!((code, summary(&v)), (1, [20, 19, 0, 0, 0, 1]));
    assert_eq!(v["district"], serde_json::Value::Null);

    // Re-importing the same file changes nothing.
    let (code, v) = env.import(
        "completions-W3B-spring-2026.xlsx",
        &["--term", "spring-2026"],
    );
    assert_eq!(code, 0);
    assert_eq!(summary(&v)[0], 14);
}

#[test]
fn rejected_files_stage_nothing() {
    let env = Env::new();
    for (file, code) in [
        ("not-a-spreadsheet.xlsx", "not-a-spreadsheet"),
        ("truncated.xlsx", "unreadable"),
        ("password.xlsx", "encrypted"),
        ("empty.xlsx", "no-rows"),
        // One cell's address damaged to row 65535, column 65535: calamine
        // would densify 137 GB while opening it and abort; read in a
        // child process, it is an unreadable file like any other.
        ("far-cell.xls", "unreadable"),
    ] {
        let (status, v) = env.import(file, &[]);
        assert_eq!(status, 1, "{file}");
        assert_eq!(v["batch"], serde_json::Value::Null, "{file}");
        assert_eq!(v["problems"][0]["code"], code, "{file}");
        assert_eq!(v["problems"][0]["severity"], "error");
        assert_eq!(summary(&v), [0; 6]);
        assert_eq!(v["rows"].as_array().unwrap().len(), 0);
    }
    let (_, v) = env.json(&["uploads", "list"]);
    assert_eq!(v["batches"].as_array().unwrap().len(), 0);
}

#[test]
fn staged_batches_commit_discard_and_revert() {
    let env = Env::new();
    env.import("districts.xlsx", &[]);
    let spring = fixture("completions-W3B-spring-2026.xlsx");
    let (code, v) = env.json(&["import", spring.to_str().unwrap(), "--term", "spring-2026"]);
    assert_eq!((code, v["committed"].as_bool()), (0, Some(false)));
    let id = v["batch"].as_u64().unwrap().to_string();

    let (_, list) = env.json(&["uploads", "list"]);
    let b = &list["batches"][1];
    assert_eq!(b["state"], "staged");
    assert_eq!(b["imported_by"], "tester");
    for k in [
        "batch",
        "kind",
        "district",
        "term",
        "file",
        "summary",
        "imported_at",
    ] {
        assert!(!b[k].is_null(), "{k}");
    }

    let (code, v) = env.json(&["uploads", "commit", &id]);
    assert_eq!((code, v["committed"].as_bool()), (0, Some(true)));
    // A second commit is refused.
    assert_eq!(env.run(&["uploads", "commit", &id]).status.code(), Some(1));

    // A later batch touching the same students blocks the revert.
    let fall = fixture("completions-W3B-fall-2026.ods");
    let (_, v) = env.json(&["import", fall.to_str().unwrap(), "--commit"]);
    let later = v["batch"].as_u64().unwrap().to_string();
    let out = env.run(&["uploads", "revert", &id]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("student") && err.contains(&format!("batch {later}")),
        "{err}"
    );

    // Reverting the later one, then the first, restores the empty roster.
    assert_eq!(
        env.run(&["uploads", "revert", &later]).status.code(),
        Some(0)
    );
    assert_eq!(env.run(&["uploads", "revert", &id]).status.code(), Some(0));
    let export = String::from_utf8(env.run(&["export"]).stdout).unwrap();
    assert!(
        !export
            .lines()
            .any(|l| l.starts_with("{\"kind\":\"student\""))
    );

    // Discard only a staged batch.
    let (_, v) = env.json(&["import", spring.to_str().unwrap(), "--term", "spring-2026"]);
    let staged = v["batch"].as_u64().unwrap().to_string();
    let (code, v) = env.json(&["uploads", "discard", &staged]);
    assert_eq!((code, v["state"].as_str()), (0, Some("discarded")));
    assert_eq!(
        env.run(&["uploads", "commit", &staged]).status.code(),
        Some(1)
    );
    assert_eq!(env.run(&["uploads", "show", "999"]).status.code(), Some(1));
}

#[test]
fn export_restore_export_is_byte_identical() {
    let env = Env::new();
    demo_imports(&env);
    let first = env.run(&["export"]).stdout;
    assert!(first.starts_with(b"{\"kind\":\"header\",\"schema\":"));
    let dump = env.dir.path().join("dump.jsonl");
    std::fs::write(&dump, &first).unwrap();
    let other = Env::new();
    assert_eq!(
        other
            .run(&["restore", dump.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(other.run(&["export"]).stdout, first);
    // restore refuses a non-empty database.
    assert_eq!(
        other
            .run(&["restore", dump.to_str().unwrap()])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn read_only_refuses_changes() {
    let env = Env::new();
    let out = env
        .cmd()
        .args([
            "--read-only",
            "import",
            fixture("districts.xlsx").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("read-only"));
}

#[test]
fn busy_database_exits_3_naming_the_path() {
    let env = Env::new();
    env.import("districts.xlsx", &[]);
    let _held = mecred::store::Store::open(&env.db()).unwrap();
    let start = std::time::Instant::now();
    let out = env.run(&["uploads", "list"]);
    assert!(start.elapsed() < std::time::Duration::from_secs(2));
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(env.db().file_name().unwrap().to_str().unwrap()),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2_and_helpers_print() {
    let env = Env::new();
    assert_eq!(env.run(&["import"]).status.code(), Some(2));
    assert_eq!(
        env.run(&["import", "x.csv", "--kind", "bogus"])
            .status
            .code(),
        Some(2)
    );
    let out = env.run(&["completions", "bash"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("mecred"));
    let out = env.run(&["man"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains(".TH"));
}

#[test]
fn database_files_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    env.import("districts.xlsx", &[]);
    let mode = std::fs::metadata(env.db()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
    for entry in std::fs::read_dir(env.db()).unwrap() {
        let m = entry.unwrap().metadata().unwrap();
        if m.is_file() {
            assert_eq!(m.permissions().mode() & 0o077, 0);
        }
    }
}

#[test]
fn demo_builds_without_a_terminal() {
    let env = Env::new();
    let out = env.run(&["demo", "--no-ui"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, v) = env.json(&["uploads", "list"]);
    assert_eq!(v["batches"].as_array().unwrap().len(), 7);
    let export = String::from_utf8(env.run(&["export"]).stdout).unwrap();
    let students = export
        .lines()
        .filter(|l| l.starts_with("{\"kind\":\"student\""))
        .count();
    assert_eq!(students, 109);
}

#[test]
fn damaged_database_exits_3() {
    let env = Env::new();
    env.import("districts.xlsx", &[]);
    let log = env.db().join("db");
    let mut bytes = std::fs::read(&log).unwrap();
    for (i, b) in bytes.iter_mut().enumerate() {
        if i % 7 == 0 {
            *b = b.wrapping_mul(31).wrapping_add(7);
        }
    }
    std::fs::write(&log, bytes).unwrap();
    let out = env.run(&["uploads", "list"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("damaged"));
}

#[test]
fn error_return_files_round_trip() {
    let env = Env::new();
    demo_imports(&env);
    // CSV stays CSV: the district's rows, an Errors column, and re-importing
    // it reads the same rows with the Errors column ignored.
    let out = env.dir.path().join("029-errors.csv");
    let src = fixture("completions-029-fall-2026.csv");
    let (code, first) = env.json(&[
        "import",
        src.to_str().unwrap(),
        "--errors-out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].ends_with(",Errors"), "{}", lines[0]);
    assert!(
        lines[12].contains("Grade: \"\"13\"\" is not a grade 9-12"),
        "{}",
        lines[12]
    );
    assert!(
        lines[10].contains("Company Registration: 2026-12-18 is after today"),
        "{}",
        lines[10]
    );
    assert!(
        lines[13].contains("warning: Student ID: identical to row 9"),
        "{}",
        lines[13]
    );
    assert!(
        lines[1].ends_with(','),
        "a row without problems has an empty Errors cell"
    );
    let (_, again) = env.json(&["import", out.to_str().unwrap()]);
    assert_eq!(again["problems"].as_array().unwrap().len(), 0);
    assert_eq!(summary(&again), summary(&first));

    // Everything else comes back as .xlsx with the title rows kept.
    let out = env.dir.path().join("017-errors.xlsx");
    let src = fixture("completions-017-fall-2026.xlsx");
    env.json(&[
        "import",
        src.to_str().unwrap(),
        "--errors-out",
        out.to_str().unwrap(),
    ]);
    let (_, again) = env.json(&["import", out.to_str().unwrap(), "--kind", "completions"]);
    assert_eq!(again["problems"].as_array().unwrap().len(), 0);
    assert_eq!(summary(&again)[0], 36);
    let row15 = again["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["row"] == 15)
        .unwrap();
    assert_eq!(row15["outcome"], "error");
}
