//! `mecred retention list|purge` (issue 8) on a database spanning four school
//! years (2022-23 … 2025-26), with `--today` moving forward: each student
//! becomes due the day after June 30 two years past its school year, and is
//! purged then unless an open finding, an unconfirmed report or a still
//! verifiable certificate holds it; verify answers "purged" afterwards.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

struct Db {
    dir: tempfile::TempDir,
}

const HEADER: &str = "District Code,School Code,School Name,Student ID,Last Name,First Name,Grade,Self-Assessment Round 1,Self-Assessment Round 2,Self-Assessment Instrument,Self-Assessment Presentation,Mentor Checklist,Credit Applications,Company Registration,Micro-Enterprise Pathway,Complementary Credentials,Notes";

/// A grade-12 completion row; `full` dates all modules in spring of `y`.
fn row(id: &str, last: &str, first: &str, y: i32, full: bool, instrument: &str) -> String {
    if full {
        format!(
            "017,017004,Capitol High,{id},{last},{first},12,{y}-01-10,{y}-02-10,{instrument},{y}-03-01,Y,{y}-03-05,{y}-03-06,N,,note about {first}"
        )
    } else {
        format!(
            "017,017004,Capitol High,{id},{last},{first},12,{y}-01-10,,{instrument},,,,,N,,note about {first}"
        )
    }
}

impl Db {
    fn new() -> Db {
        Db {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn run(&self, today: &str, args: &[&str]) -> Output {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("mecred"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("MECRED_LOG", self.dir.path().join("mecred.log"))
            .env("USER", "tester")
            .arg("--db")
            .arg(self.dir.path().join("db"))
            .arg("--today")
            .arg(today)
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    }

    fn json(&self, today: &str, args: &[&str]) -> (i32, Value) {
        let out = self.run(today, &[&["--json"], args].concat());
        let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{args:?}: not JSON ({e}): {}\nstderr: {}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.code().unwrap(), v)
    }

    fn write(&self, name: &str, lines: &[String]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, lines.join("\n") + "\n").unwrap();
        p
    }

    fn import(&self, today: &str, file: &Path, extra: &[&str]) {
        let f = file.to_str().unwrap();
        let (code, v) = self.json(today, &[&["import", f, "--commit"], extra].concat());
        assert_eq!(code, 0, "{v}");
        assert_eq!(v["committed"], true, "{v}");
    }

    fn ok(&self, today: &str, args: &[&str]) {
        let out = self.run(today, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// `retention list` as (student or batch, status, reasons joined).
    fn list(&self, today: &str) -> Vec<(String, String, String)> {
        let (code, v) = self.json(today, &["retention", "list"]);
        assert_eq!(code, 0, "{v}");
        let mut out = Vec::new();
        for s in v["students"].as_array().unwrap() {
            out.push((
                s["student_id"].as_str().unwrap().to_string(),
                s["status"].as_str().unwrap().to_string(),
                join(&s["reasons"]),
            ));
        }
        for b in v["batches"].as_array().unwrap() {
            out.push((
                format!("batch {}", b["batch"]),
                b["status"].as_str().unwrap().to_string(),
                join(&b["reasons"]),
            ));
        }
        out
    }

    fn status(&self, today: &str, id: &str) -> Option<(String, String)> {
        self.list(today)
            .into_iter()
            .find(|(x, _, _)| x == id)
            .map(|(_, s, r)| (s, r))
    }

    fn export(&self, today: &str) -> String {
        String::from_utf8(self.run(today, &["export"]).stdout).unwrap()
    }
}

fn join(v: &Value) -> String {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

const A: &str = "0000000001"; // cohort 2023, Regional Core spring-2023, confirmed
const B: &str = "0000000002"; // cohort 2024, nothing attained
const C: &str = "0000000003"; // cohort 2024, SA-SUBSTITUTE error (open finding)
const E: &str = "0000000005"; // cohort 2024, Regional Core spring-2024, never confirmed
const D: &str = "0000000004"; // cohort 2025, Regional Core spring-2025, certificate 2025-08-01

fn build(db: &Db) {
    let setup = "2025-06-15";
    let mut districts = vec!["District Code,District Name,Kind,Client (Y/N),Agreement Year,Agreement Signed,Agreement Type".to_string()];
    for y in 2022..2026 {
        districts.push(format!(
            "017,East Baton Rouge Parish School System,district,Y,{y}-{:02},{y}-06-01,client-contract",
            (y + 1) % 100
        ));
    }
    db.import(
        setup,
        &db.write("districts.csv", &districts),
        &["--kind", "districts"],
    );
    let years: [(i32, Vec<String>); 3] = [
        (
            2023,
            vec![row(A, "Alphaname", "Annaperson", 2023, true, "")],
        ),
        (
            2024,
            vec![
                row(B, "Bravoname", "Benperson", 2024, false, ""),
                row(C, "Charliename", "Cleoperson", 2024, false, "Kuder"),
                row(E, "Echoname", "Evaperson", 2024, true, ""),
            ],
        ),
        (
            2025,
            vec![row(D, "Deltaname", "Dinaperson", 2025, true, "")],
        ),
    ];
    for (y, rows) in years {
        let mut lines = vec![HEADER.to_string()];
        lines.extend(rows);
        let f = db.write(&format!("017-spring-{y}.csv"), &lines);
        let term = format!("spring-{y}");
        db.import(setup, &f, &["--kind", "completions", "--term", &term]);
    }
    let exams = vec![
        "Student ID,Exam Date,Score,Result,Provider".to_string(),
        format!("{A},2023-04-01,88,Pass,ProvX"),
        format!("{E},2024-04-01,90,Pass,ProvX"),
        format!("{D},2025-04-01,91,Pass,ProvX"),
    ];
    db.import(
        setup,
        &db.write("exams.csv", &exams),
        &["--kind", "exam", "--term", "spring-2025"],
    );
    db.ok(
        setup,
        &["confirm", "--term", "spring-2023", "--district", "017"],
    );
}

#[test]
fn purge_over_four_school_years_as_today_moves_forward() {
    let db = Db::new();
    build(&db);

    // Before anything has passed its date, nothing is listed.
    assert!(db.list("2025-06-30").is_empty());
    let (_, all) = db.json("2025-06-30", &["retention", "list", "--all"]);
    let a = all["students"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["student_id"] == A)
        .unwrap();
    assert_eq!(a["keep_until"], "2025-06-30");
    assert_eq!(a["school_year"], "2022-23");
    assert_eq!(a["status"], "keep");

    // 2025-07-01: A (2022-23) is due, and so is its district's spring-2023 file.
    let day = "2025-07-01";
    assert_eq!(db.status(day, A).unwrap().0, "due");
    assert_eq!(
        db.status(day, B),
        None,
        "2023-24 is kept through 2026-06-30"
    );
    // Without --confirm: refused, nothing purged.
    let out = db.run(day, &["retention", "purge"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--confirm"));
    assert!(db.export(day).contains("Alphaname"));
    let (code, v) = db.json(day, &["retention", "purge", "--confirm"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["purged_students"], serde_json::json!([A]));
    assert_eq!(v["purged_batches"].as_array().unwrap().len(), 1, "{v}");
    let dump = db.export(day);
    for gone in ["Alphaname", "Annaperson"] {
        assert!(!dump.contains(gone), "{gone} is still in the export");
    }
    assert!(dump.contains("Bravoname"));
    assert_eq!(db.status(day, A).unwrap().0, "purged");
    // A purge event exists in the audit trail without the name.
    assert!(dump.contains("retention purge: 1 student(s)"));

    // D's certificate is issued in school year 2025-26.
    let cert_day = "2025-08-01";
    db.ok(
        cert_day,
        &["confirm", "--term", "spring-2025", "--district", "017"],
    );
    let out_dir = db.dir.path().join("certs");
    let (code, v) = db.json(
        cert_day,
        &[
            "certificates",
            "issue",
            "--term",
            "spring-2025",
            "-o",
            out_dir.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{v}");
    let code_d = v["issued"][0]["code"].as_str().unwrap().to_string();
    assert_eq!(v["issued"][0]["student_id"], D);
    let (code, v) = db.json(cert_day, &["verify", &code_d]);
    assert_eq!((code, v["status"].as_str()), (0, Some("valid")));

    // 2026-07-01: 2023-24 has passed. B goes; C (open finding) and E
    // (unconfirmed spring-2024 report) are kept, and say why.
    let day = "2026-07-01";
    let (s, why) = db.status(day, C).unwrap();
    assert_eq!(s, "kept");
    assert!(why.contains("open finding SA-SUBSTITUTE"), "{why}");
    let (s, why) = db.status(day, E).unwrap();
    assert_eq!(s, "kept");
    assert!(
        why.contains("017 spring-2024 report, which is not confirmed"),
        "{why}"
    );
    let (code, v) = db.json(day, &["retention", "purge", "--confirm"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["purged_students"], serde_json::json!([B]));
    let kept: Vec<&str> = v["kept_students"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["student_id"].as_str().unwrap())
        .collect();
    assert_eq!(kept, [C, E]);
    let dump = db.export(day);
    assert!(!dump.contains("Bravoname") && dump.contains("Charliename"));

    // 2027-07-01: D's own date (2024-25) has passed, but its certificate
    // (issued in 2025-26) stays verifiable through 2028-06-30.
    let day = "2027-07-01";
    let (s, why) = db.status(day, D).unwrap();
    assert_eq!(s, "kept");
    assert!(why.contains("verifiable until 2028-06-30"), "{why}");
    let (_, v) = db.json(day, &["retention", "purge", "--confirm"]);
    assert!(v["purged_students"].as_array().unwrap().is_empty(), "{v}");

    // 2028-07-01: D goes; its certificate code still verifies — as purged.
    let day = "2028-07-01";
    let (_, v) = db.json(day, &["retention", "purge", "--confirm"]);
    assert_eq!(v["purged_students"], serde_json::json!([D]), "{v}");
    let (code, v) = db.json(day, &["verify", &code_d]);
    assert_eq!(code, 1);
    assert_eq!(v["status"], "purged", "{v}");
    assert_eq!(v["certificate"]["student_id"], D);
    assert!(v["certificate"]["last_name"].is_null());
    let dump = db.export(day);
    assert!(!dump.contains("Deltaname") && !dump.contains("note about Dinaperson"));
    // C is still held by its open finding.
    assert_eq!(db.status(day, C).unwrap().0, "kept");

    // Export → restore keeps the purges.
    let file = db.dir.path().join("dump.jsonl");
    std::fs::write(&file, &dump).unwrap();
    let other = Db::new();
    other.ok(day, &["restore", file.to_str().unwrap()]);
    assert_eq!(other.export(day), dump);
    let (_, v) = other.json(day, &["verify", &code_d]);
    assert_eq!(v["status"], "purged");
}

/// CONFIRM-STALE findings of `term` on `today`.
fn stale(db: &Db, today: &str, term: &str) -> usize {
    let (_, v) = db.json(today, &["check", "--rule", "CONFIRM-STALE"]);
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["message"].as_str().unwrap().contains(term))
        .count()
}

#[test]
fn a_purge_keeps_current_confirmations_current_and_redacts_notes() {
    let db = Db::new();
    build(&db);
    // F (grade 10 in spring 2023, cohort 2025) attains Regional Core in
    // spring 2023 too: the confirmed spring-2023 report lists A and F, and F
    // is kept through 2027-06-30.
    const F: &str = "0000000006";
    let setup = "2025-06-15";
    let f_row = row(F, "Foxname", "Fayperson", 2023, true, "").replace(",12,", ",10,");
    db.import(
        setup,
        &db.write("017-spring-2023-f.csv", &[HEADER.to_string(), f_row]),
        &["--kind", "completions", "--term", "spring-2023"],
    );
    db.import(
        setup,
        &db.write(
            "exams-f.csv",
            &[
                "Student ID,Exam Date,Score,Result,Provider".to_string(),
                format!("{F},2023-04-01,80,Pass,ProvX"),
            ],
        ),
        &["--kind", "exam", "--term", "spring-2023"],
    );
    // The report changed: withdraw and confirm it again, with both.
    db.ok(
        setup,
        &[
            "unconfirm",
            "--term",
            "spring-2023",
            "--district",
            "017",
            "--reason",
            "F added",
        ],
    );
    db.ok(
        setup,
        &["confirm", "--term", "spring-2023", "--district", "017"],
    );
    assert_eq!(stale(&db, setup, "spring-2023"), 0);
    // A note on A and one on F.
    db.ok(
        setup,
        &["note", "--student", A, "Annaperson's mother called"],
    );
    db.ok(setup, &["note", "--student", F, "Fayperson moved"]);

    let day = "2025-07-01";
    let (code, v) = db.json(day, &["retention", "purge", "--confirm"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["purged_students"], serde_json::json!([A]), "{v}");
    assert_eq!(v["confirmations_redacted"], 1, "{v}");
    assert_eq!(v["notes_redacted"], 1, "{v}");
    let human = db.run(day, &["retention", "purge", "--confirm"]);
    assert!(
        String::from_utf8_lossy(&human.stdout).contains("0 confirmation(s) given a redacted hash"),
        "{}",
        String::from_utf8_lossy(&human.stdout)
    );
    // The report lost A's name, yet its confirmation is current: no
    // CONFIRM-STALE, and the packet takes the district.
    assert_eq!(stale(&db, day, "spring-2023"), 0);
    let out_dir = db.dir.path().join("packet");
    let (code, v) = db.json(
        day,
        &[
            "packet",
            "--term",
            "spring-2023",
            "-o",
            out_dir.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["districts"], serde_json::json!(["017"]), "{v}");
    // The note on A reads (purged), by the same author; F's is untouched.
    let (_, v) = db.json(day, &["notes"]);
    let notes = v["notes"].as_array().unwrap();
    assert_eq!(notes[0]["text"], "(purged)");
    assert_eq!(notes[0]["by"], "tester");
    assert_eq!(notes[1]["text"], "Fayperson moved");
    let dump = db.export(day);
    assert!(!dump.contains("Annaperson"), "{dump}");
    assert!(dump.contains("{\"kind\":\"redacted-hash\""));
    // Export → restore keeps the redacted hash: still current there.
    let file = db.dir.path().join("dump.jsonl");
    std::fs::write(&file, &dump).unwrap();
    let other = Db::new();
    other.ok(day, &["restore", file.to_str().unwrap()]);
    assert_eq!(other.export(day), dump);
    assert_eq!(stale(&other, day, "spring-2023"), 0);

    // A real change to that report still makes the confirmation stale.
    db.ok(
        day,
        &[
            "edit",
            "--student",
            F,
            "--set",
            "company-registration=2023-04-20",
        ],
    );
    assert_eq!(stale(&db, day, "spring-2023"), 1);
}
