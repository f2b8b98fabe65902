//! `mecred confirm` / `unconfirm` (issue 6, SPEC §1 "Semester
//! confirmation"): refusals, the hash, and CONFIRM-PENDING / CONFIRM-STALE.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Env, demo_imports};

fn rules(env: &Env, rule: &str) -> Vec<String> {
    let (code, v) = env.json(&["check", "--rule", rule]);
    assert_eq!(code, 0);
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["district"].as_str().unwrap().to_string())
        .collect()
}

fn confirm(env: &Env, district: &str) -> (i32, String) {
    let out = env
        .cmd()
        .args([
            "--json",
            "confirm",
            "--term",
            "fall-2026",
            "--district",
            district,
        ])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn confirm_clears_pending_refuses_twice_and_unconfirm_reopens() {
    let env = Env::new();
    demo_imports(&env);
    assert_eq!(rules(&env, "CONFIRM-PENDING"), ["017", "036", "W3B"]);

    let (code, text) = confirm(&env, "017");
    assert_eq!(code, 0, "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["by"], "tester");
    assert_eq!(v["counts"]["regional_core"], 5);
    assert_eq!(v["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(rules(&env, "CONFIRM-PENDING"), ["036", "W3B"]);
    assert!(rules(&env, "CONFIRM-STALE").is_empty());

    let (code, text) = confirm(&env, "017");
    assert_eq!(code, 1);
    assert!(text.contains("already confirmed"), "{text}");

    let out = env.run(&[
        "--read-only",
        "unconfirm",
        "--term",
        "fall-2026",
        "--district",
        "017",
        "--reason",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let out = env.run(&[
        "unconfirm",
        "--term",
        "fall-2026",
        "--district",
        "017",
        "--reason",
        "wrong roster",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(rules(&env, "CONFIRM-PENDING"), ["017", "036", "W3B"]);
    let (code, text) = confirm(&env, "017");
    assert_eq!(code, 0, "{text}");
    let v2: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v2["seq"], 2);
    assert_eq!(v2["sha256"], v["sha256"], "same data, same hash");

    // The withdrawn one is kept, with who/why, in the export.
    let out = env.run(&["export"]);
    let dump = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = dump
        .lines()
        .filter(|l| l.contains("\"kind\":\"confirmation\""))
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].contains("\"reason\":\"wrong roster\""));
}

#[test]
fn confirm_is_refused_for_agreement_errors_and_read_only() {
    let env = Env::new();
    demo_imports(&env);
    let (code, text) = confirm(&env, "029");
    assert_eq!(code, 1);
    assert!(text.contains("AGREEMENT"), "{text}");
    let out = env.run(&[
        "--read-only",
        "confirm",
        "--term",
        "fall-2026",
        "--district",
        "036",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("read-only"));
    let (code, _) = confirm(&env, "036");
    assert_eq!(code, 0);
}

#[test]
fn an_import_that_changes_a_confirmed_report_makes_it_stale() {
    let env = Env::new();
    let steps: &[(&str, &[&str])] = &[
        ("districts.xlsx", &["--kind", "districts"]),
        (
            "completions-017-fall-2026.xlsx",
            &["--kind", "completions", "--term", "fall-2026"],
        ),
    ];
    for (file, extra) in steps {
        let (_, v) = env.import(file, extra);
        assert_eq!(v["committed"], true, "{file}");
    }
    let (code, text) = confirm(&env, "017");
    assert_eq!(code, 0, "{text}");
    assert!(rules(&env, "CONFIRM-STALE").is_empty());
    // An import that leaves 017's report alone keeps it current.
    let (_, v) = env.import(
        "completions-036-fall-2026.xls",
        &["--kind", "completions", "--term", "fall-2026"],
    );
    assert_eq!(v["committed"], true);
    assert!(rules(&env, "CONFIRM-STALE").is_empty());
    // The exam results complete 017 students' fifth module.
    let (_, v) = env.import(
        "exam-results.xlsx",
        &["--kind", "exam", "--term", "fall-2026"],
    );
    assert_eq!(v["committed"], true);
    assert_eq!(rules(&env, "CONFIRM-STALE"), ["017"]);
}
