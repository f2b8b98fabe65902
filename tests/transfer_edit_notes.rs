//! Issue 5 end to end on the real binary: `mecred transfer`, `mecred edit`,
//! `mecred note` / `notes`, with the fixture files.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Env, fixture};

const STUDENT: &str = "0062700980"; // Rémy Thibodeaux, 029005 in the 029 fixture

/// 017 and 029 imported (districts, their fall-2026 completions).
fn env() -> Env {
    let env = Env::new();
    env.import("districts.csv", &[]);
    for f in [
        "completions-017-fall-2026.xlsx",
        "completions-029-fall-2026.csv",
    ] {
        let (_, v) = env.import(f, &["--term", "fall-2026"]);
        assert_eq!(v["committed"], true, "{f}");
    }
    env
}

/// The record lines of an export (not batches, events, notes…).
fn records(env: &Env) -> Vec<String> {
    let dump = String::from_utf8(env.run(&["export"]).stdout).unwrap();
    let kinds = [
        "district",
        "agreement",
        "school",
        "student",
        "exam",
        "statewide",
        "certificate",
    ];
    dump.lines()
        .filter(|l| {
            kinds
                .iter()
                .any(|k| l.starts_with(&format!("{{\"kind\":\"{k}\",")))
        })
        .map(str::to_string)
        .collect()
}

fn student_line(env: &Env, id: &str) -> String {
    records(env)
        .into_iter()
        .find(|l| l.starts_with(&format!("{{\"kind\":\"student\",\"id\":\"{id}\"")))
        .unwrap()
}

/// The codes of the problems on the row of `id` in an import's JSON.
fn row_codes(v: &serde_json::Value, id: &str) -> Vec<String> {
    let row = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["student_id"] == id)
        .unwrap();
    row["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_string())
        .collect()
}

/// The 029 fixture's row for STUDENT, rewritten as a 017 upload at 017004.
fn upload_017(env: &Env) -> std::path::PathBuf {
    let text = std::fs::read_to_string(fixture("completions-029-fall-2026.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let row = lines.find(|l| l.contains(STUDENT)).unwrap();
    let row = row.replacen("029,029005,Bayou Lafourche High School", "017,017004,", 1);
    let path = env.dir.path().join("completions-017-transfer.csv");
    std::fs::write(&path, format!("{header}\n{row}\n")).unwrap();
    path
}

fn triage(env: &Env, path: &std::path::Path) -> serde_json::Value {
    let (_, v) = env.json(&["import", path.to_str().unwrap(), "--term", "fall-2026"]);
    v
}

#[test]
fn transfer_moves_a_student_and_the_importer_follows_the_stored_district() {
    let env = env();
    let old = fixture("completions-029-fall-2026.csv");
    let new = upload_017(&env);
    // Before: the 017 upload is cross-district for this student.
    assert!(row_codes(&triage(&env, &new), STUDENT).contains(&"cross-district".to_string()));

    let (code, v) = env.json(&["transfer", STUDENT, "--school", "017004"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["kind"], "transfer");
    assert_eq!(v["student_id"], STUDENT);
    assert_eq!(v["from"]["school"], "029005");
    assert_eq!(v["to"]["district"], "017");
    assert_eq!(v["created_school"], false);
    let batch = v["batch"].as_u64().unwrap();
    assert!(student_line(&env, STUDENT).contains("\"school\":\"017004\""));
    let (_, list) = env.json(&["uploads", "list"]);
    let b = list["batches"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (
            b["kind"].as_str(),
            b["state"].as_str(),
            b["district"].as_str()
        ),
        (Some("transfer"), Some("committed"), Some("017"))
    );

    // After: the new district's upload accepts the student, the old one's does not.
    let v = triage(&env, &new);
    assert!(row_codes(&v, STUDENT).is_empty(), "{v}");
    assert_ne!(v["summary"]["error"], 1);
    assert_eq!(
        row_codes(&triage(&env, &old), STUDENT),
        vec!["cross-district"]
    );

    // Undo: revert the change set; the old district's upload is accepted again.
    let out = env.run(&["uploads", "revert", &batch.to_string()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(student_line(&env, STUDENT).contains("\"school\":\"029005\""));
    assert!(!row_codes(&triage(&env, &old), STUDENT).contains(&"cross-district".to_string()));
    assert!(row_codes(&triage(&env, &new), STUDENT).contains(&"cross-district".to_string()));
}

#[test]
fn transfer_to_a_new_school_creates_it_and_refusals_exit_1_or_2() {
    let env = env();
    let code = |args: &[&str]| env.run(args).status.code().unwrap();
    // Unknown student, unknown school, same school, unknown district: refused (1).
    let out = env.run(&["transfer", "0000000001", "--school", "017004"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no student 0000000001"));
    let out = env.run(&["transfer", STUDENT, "--school", "017999"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--school-name"));
    let out = env.run(&["transfer", STUDENT, "--school", "029005"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already at school 029005"));
    assert_eq!(
        code(&[
            "transfer",
            STUDENT,
            "--school",
            "999001",
            "--school-name",
            "X"
        ]),
        1
    );
    // Malformed ids are usage errors (2); --read-only refuses (1).
    assert_eq!(code(&["transfer", "12ab", "--school", "017004"]), 2);
    assert_eq!(code(&["transfer", STUDENT, "--school", "017-04x"]), 2);
    assert_eq!(
        code(&["--read-only", "transfer", STUDENT, "--school", "017004"]),
        1
    );
    let before = records(&env);
    // A new school with a name: created in the same change set.
    let (c, v) = env.json(&[
        "transfer",
        STUDENT,
        "--school",
        "017999",
        "--school-name",
        "Bayou New High",
    ]);
    assert_eq!(c, 0, "{v}");
    assert_eq!(v["created_school"], true);
    assert!(
        records(&env)
            .iter()
            .any(|l| l == r#"{"kind":"school","code":"017999","name":"Bayou New High"}"#)
    );
    let id = v["batch"].as_u64().unwrap().to_string();
    assert_eq!(code(&["uploads", "revert", &id]), 0);
    assert_eq!(records(&env), before);
}

#[test]
fn edit_sets_fields_on_matched_students_as_one_change_set() {
    let env = env();
    let before = records(&env);
    let (code, v) = env.json(&[
        "edit",
        "--school",
        "029005",
        "--set",
        "company-registration=2026-11-20",
        "--set",
        "Mentor Checklist=Y",
    ]);
    assert_eq!(code, 0, "{v}");
    let n = v["students"].as_u64().unwrap();
    assert!(n >= 5, "{v}");
    assert_eq!(v["kind"], "edit");
    assert_eq!(
        v["description"],
        format!("set company-registration=2026-11-20, checklist=Y on {n} students")
    );
    assert_eq!(v["changed"], n);
    let batch = v["batch"].as_u64().unwrap();
    let line = student_line(&env, STUDENT);
    assert!(
        line.contains("\"company_registration\":\"2026-11-20\""),
        "{line}"
    );
    assert!(line.contains("\"mentor_checklist\":true"), "{line}");
    // Again: nothing to change, no batch.
    let (code, v) = env.json(&[
        "edit",
        "--school",
        "029005",
        "--set",
        "company-registration=2026-11-20",
    ]);
    assert_eq!(
        (code, v["batch"].clone(), v["changed"].clone()),
        (0, serde_json::Value::Null, 0.into())
    );
    // Students by id, today and clear.
    let (code, v) = env.json(&[
        "edit",
        "--student",
        STUDENT,
        "0064907469",
        "--set",
        "presentation=today",
        "--set",
        "sa-round2=clear",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["students"], 2);
    assert!(
        student_line(&env, STUDENT)
            .contains("\"sa_round2\":null,\"sa_instrument\":null,\"presentation\":\"2026-12-04\"")
    );
    let second = v["batch"].as_u64().unwrap();
    // The first edit cannot be undone under the second; newest first can.
    let out = env.run(&["uploads", "revert", &batch.to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("by batch {second}")));
    assert_eq!(
        env.run(&["uploads", "revert", &second.to_string()])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        env.run(&["uploads", "revert", &batch.to_string()])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(records(&env), before);
}

#[test]
fn edit_refuses_bad_values_with_exit_1_and_bad_usage_with_exit_2() {
    let env = env();
    let before = records(&env);
    let run = |args: &[&str]| {
        let out = env.run(args);
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (c, e) = run(&[
        "edit",
        "--district",
        "029",
        "--set",
        "company-registration=2026-12-05",
    ]);
    assert_eq!(c, 1);
    assert!(
        e.contains("company-registration=2026-12-05") && e.contains("after today (2026-12-04)"),
        "{e}"
    );
    let (c, e) = run(&["edit", "--district", "029", "--set", "sa-round1=2015-06-01"]);
    assert_eq!(c, 1);
    assert!(e.contains("before 2016-01-01"), "{e}");
    let (c, e) = run(&[
        "edit",
        "--student",
        STUDENT,
        "0000000001",
        "--set",
        "pathway=Y",
    ]);
    assert_eq!(c, 1);
    assert!(e.contains("no student 0000000001"), "{e}");
    assert_eq!(
        run(&["edit", "--school", "017999", "--set", "pathway=Y"]).0,
        1
    );
    assert_eq!(
        run(&[
            "--read-only",
            "edit",
            "--district",
            "029",
            "--set",
            "pathway=Y"
        ])
        .0,
        1
    );
    // Usage: unknown field, malformed value, no selector, two selectors, a field twice.
    let (c, e) = run(&["edit", "--district", "029", "--set", "grade=11"]);
    assert_eq!(c, 2);
    assert!(e.contains("unknown field \"grade\""), "{e}");
    let (c, e) = run(&[
        "edit",
        "--district",
        "029",
        "--set",
        "company-registration=11/20/2026",
    ]);
    assert_eq!(c, 2);
    assert!(e.contains("not a date"), "{e}");
    assert_eq!(run(&["edit", "--set", "pathway=Y"]).0, 2);
    assert_eq!(
        run(&[
            "edit",
            "--district",
            "029",
            "--school",
            "029005",
            "--set",
            "pathway=Y"
        ])
        .0,
        2
    );
    assert_eq!(run(&["edit", "--district", "029"]).0, 2);
    assert_eq!(
        run(&[
            "edit",
            "--district",
            "029",
            "--set",
            "pathway=Y",
            "--set",
            "pathway=N"
        ])
        .0,
        2
    );
    assert_eq!(records(&env), before);
    let (_, list) = env.json(&["uploads", "list"]);
    assert_eq!(list["batches"].as_array().unwrap().len(), 3);
}

#[test]
fn notes_are_appended_listed_exported_and_refused_read_only() {
    let env = env();
    let (_, check) = env.json(&["check"]);
    let fid = check["findings"][0]["id"].as_str().unwrap().to_string();
    let (c, v) = env.json(&[
        "note",
        "--student",
        STUDENT,
        "documentation seen on site 2026-11-20",
    ]);
    assert_eq!(c, 0, "{v}");
    assert_eq!(v["seq"], 1);
    assert_eq!(v["by"], "tester");
    assert_eq!(v["target"]["record"]["kind"], "student");
    assert_eq!(v["target"]["record"]["id"], STUDENT);
    assert_eq!(v["text"], "documentation seen on site 2026-11-20");
    assert_eq!(
        env.run(&["note", "--district", "029", "called the coordinator"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        env.run(&["note", "--finding", &fid, "checked on site"])
            .status
            .code(),
        Some(0)
    );
    // Refusals: unknown record or finding (1), no target or empty text, read-only.
    assert_eq!(
        env.run(&["note", "--student", "0000000001", "x"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        env.run(&["note", "--finding", "ffffffffffff", "x"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        env.run(&["note", "--district", "029", " "]).status.code(),
        Some(1)
    );
    assert_eq!(env.run(&["note", "just text"]).status.code(), Some(2));
    assert_eq!(
        env.run(&["note", "--district", "029", "--student", STUDENT, "x"])
            .status
            .code(),
        Some(2)
    );
    let out = env.run(&["--read-only", "note", "--district", "029", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--read-only"));
    // Listing: all, or one target's.
    let (_, all) = env.json(&["notes"]);
    assert_eq!(all["notes"].as_array().unwrap().len(), 3);
    let (_, one) = env.json(&["notes", "--finding", &fid]);
    let one = one["notes"].as_array().unwrap().clone();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0]["target"]["finding"], fid.as_str());
    assert_eq!(one[0]["text"], "checked on site");
    let (_, read_only) = env.json(&["--read-only", "notes", "--district", "029"]);
    assert_eq!(read_only["notes"][0]["text"], "called the coordinator");
    // Export → restore → export is byte-identical, notes included.
    let dump = env.run(&["export"]).stdout;
    assert_eq!(
        String::from_utf8_lossy(&dump)
            .matches("{\"kind\":\"note\",")
            .count(),
        3
    );
    let path = env.dir.path().join("dump.jsonl");
    std::fs::write(&path, &dump).unwrap();
    let other = Env::new();
    assert_eq!(
        other
            .run(&["restore", path.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(other.run(&["export"]).stdout, dump);
    let (_, again) = other.json(&["notes"]);
    assert_eq!(again, all);
}
