//! `mecred check` and `mecred ack` through the real binary (SPEC §3, §5), on
//! the demo fixtures: the 25 findings of the fixtures README, filters,
//! `--fail-on`, acknowledgements.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Env, demo_imports};
use serde_json::Value;

/// The fixtures README's 25 findings, in SPEC §3 order (district, school,
/// student ID, rule): (rule, severity, district, student).
const EXPECTED: [(&str, &str, &str, &str); 25] = [
    ("CONFIRM-PENDING", "warn", "017", ""),
    ("PATHWAY-COMPLEMENTARY", "warn", "017", "0063553172"),
    ("SA-ROUND-ORDER", "error", "017", "0072724833"),
    ("PATHWAY-NO-CORE", "warn", "017", "0036335351"),
    ("PRES-NO-CHECKLIST", "error", "017", "0077196885"),
    ("SA-SUBSTITUTE", "error", "017", "0011105688"),
    ("DOUBLE-DIP", "error", "017", "0084063434"),
    ("AGREEMENT-MISSING", "error", "029", ""),
    ("AGREEMENT-TYPE", "error", "029", ""),
    ("DOUBLE-DIP", "error", "029", "0017700084"),
    ("PATHWAY-NO-CORE", "warn", "029", "0017700084"),
    ("PRES-NO-CHECKLIST", "error", "029", "0086592124"),
    ("PATHWAY-COMPLEMENTARY", "error", "029", "0082518239"),
    ("PATHWAY-NO-CORE", "warn", "029", "0082518239"),
    ("CONFIRM-PENDING", "warn", "036", ""),
    ("EXAM-BEFORE-11", "error", "036", "0032479132"),
    ("SA-BEFORE-11", "warn", "036", "0039872765"),
    ("DOUBLE-DIP", "error", "036", "0095185037"),
    ("PRES-BEFORE-11", "warn", "036", "0099718635"),
    ("PATHWAY-COMPLEMENTARY", "error", "036", "0051707688"),
    ("SA-ROUND-ORDER", "error", "036", "0097022565"),
    ("UPLOAD-MISSING", "warn", "051", ""),
    ("CONFIRM-PENDING", "warn", "W3B", ""),
    ("SA-BEFORE-11", "warn", "W3B", "0023435741"),
    ("PRES-BEFORE-11", "warn", "W3B", "0080860856"),
];

fn demo() -> Env {
    let env = Env::new();
    demo_imports(&env);
    env
}

fn findings(v: &Value) -> &Vec<Value> {
    v["findings"].as_array().unwrap()
}

fn tuple(f: &Value) -> (String, String, String, String) {
    let s = |k: &str| f[k].as_str().unwrap_or("").to_string();
    (s("rule"), s("severity"), s("district"), s("student_id"))
}

/// The id of the one finding of `rule` in `district`.
fn id_of(v: &Value, rule: &str, district: &str) -> String {
    let f: Vec<&Value> = findings(v)
        .iter()
        .filter(|f| f["rule"] == rule && f["district"] == district)
        .collect();
    assert_eq!(f.len(), 1, "{rule} {district}");
    f[0]["id"].as_str().unwrap().to_string()
}

#[test]
fn demo_gives_exactly_the_25_findings_of_the_fixtures_readme() {
    let env = demo();
    let (code, v) = env.json(&["check"]);
    assert_eq!(code, 0);
    assert_eq!(v["today"], "2026-12-04");
    let got: Vec<_> = findings(&v).iter().map(tuple).collect();
    let want: Vec<_> = EXPECTED
        .iter()
        .map(|(r, s, d, st)| (r.to_string(), s.to_string(), d.to_string(), st.to_string()))
        .collect();
    assert_eq!(got, want);
    let mut ids: Vec<&str> = findings(&v)
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    for f in findings(&v) {
        let keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys.len(),
            10,
            "{keys:?}: id, rule, severity, district, school, student_id, module, message, source, acknowledged"
        );
        assert!(f["acknowledged"].is_null());
        assert!(!f["message"].as_str().unwrap().is_empty());
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 25, "ids are unique");
    let first = &findings(&v)[1];
    assert_eq!(first["school"], "017004");
    assert_eq!(first["module"], Value::Null);
    assert_eq!(first["source"], "Policy 2");
    let sa = findings(&v)
        .iter()
        .find(|f| f["rule"] == "SA-BEFORE-11")
        .unwrap();
    assert_eq!(sa["module"], "Self-Assessment");
    assert_eq!(
        sa["message"],
        "Self-Assessment Round 1 dated 2026-10-20, when the student was in grade 10 (cohort 2029)"
    );
    let missing = findings(&v)
        .iter()
        .find(|f| f["rule"] == "AGREEMENT-MISSING")
        .unwrap();
    assert_eq!(missing["source"], "Procedures, tracking");
    assert!(missing["school"].is_null() && missing["student_id"].is_null());
    // Ids are stable: a second run, another day in the term, same ids.
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("mecred"))
        .env_clear()
        .env("HOME", env.dir.path())
        .args([
            "--db",
            env.db().to_str().unwrap(),
            "--today",
            "2026-12-20",
            "--json",
            "check",
        ])
        .output()
        .unwrap();
    let again: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        id_of(&again, "UPLOAD-MISSING", "051"),
        id_of(&v, "UPLOAD-MISSING", "051")
    );
    // The human table lists them too.
    let out = env.run(&["check"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("25 finding(s) on 2026-12-04: 13 error, 12 warn"),
        "{text}"
    );
}

#[test]
fn filters_and_fail_on() {
    let env = demo();
    let count = |args: &[&str]| {
        let mut a = vec!["check"];
        a.extend_from_slice(args);
        let (code, v) = env.json(&a);
        (code, findings(&v).len())
    };
    assert_eq!(count(&["--district", "036"]), (0, 7));
    assert_eq!(count(&["--district", "36"]), (0, 7));
    assert_eq!(count(&["--rule", "DOUBLE-DIP"]), (0, 3));
    assert_eq!(count(&["--severity", "warn"]), (0, 12));
    assert_eq!(count(&["--severity", "error", "--district", "W3B"]), (0, 0));
    assert_eq!(count(&["--fail-on", "error"]), (1, 25));
    assert_eq!(count(&["--district", "051", "--fail-on", "error"]), (0, 1));
    assert_eq!(count(&["--district", "051", "--fail-on", "warn"]), (1, 1));
    // Usage errors are clap's: exit 2.
    assert_eq!(env.run(&["check", "--rule", "NOPE"]).status.code(), Some(2));
    assert_eq!(
        env.run(&["check", "--severity", "info"]).status.code(),
        Some(2)
    );
}

#[test]
fn ack_a_warn_then_fail_on_ignores_it() {
    let env = demo();
    let (_, v) = env.json(&["check"]);
    let id = id_of(&v, "UPLOAD-MISSING", "051");
    let (code, a) = env.json(&[
        "ack",
        &id,
        "--reason",
        "upload promised by phone for Dec 10",
    ]);
    assert_eq!(code, 0, "{a}");
    assert_eq!(a["acknowledged"]["by"], "tester");
    let (code, v) = env.json(&["check", "--district", "051", "--fail-on", "warn"]);
    assert_eq!(code, 0);
    let ack = &findings(&v)[0]["acknowledged"];
    assert_eq!(ack["by"], "tester");
    assert_eq!(ack["reason"], "upload promised by phone for Dec 10");
    assert!(ack["at"].as_str().unwrap().ends_with('Z'));
    // Still listed, and the ack goes into the export as kind ack.
    let (_, all) = env.json(&["check"]);
    assert_eq!(findings(&all).len(), 25);
    let out = env.run(&["export"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(&format!("{{\"kind\":\"ack\",\"finding\":\"{id}\"")));
}

#[test]
fn ack_refuses_errors_unknown_ids_read_only_and_no_reason() {
    let env = demo();
    let (_, v) = env.json(&["check"]);
    let err = id_of(&v, "AGREEMENT-TYPE", "029");
    let out = env.run(&["ack", &err, "--reason", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("errors cannot be acknowledged"));
    let out = env.run(&["ack", "000000000000", "--reason", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no finding 000000000000"));
    let warn = id_of(&v, "UPLOAD-MISSING", "051");
    let out = env.run(&["--read-only", "ack", &warn, "--reason", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--read-only"));
    assert_eq!(
        env.run(&["ack", &warn, "--reason", " "]).status.code(),
        Some(1)
    );
    let (_, v) = env.json(&["check"]);
    assert!(findings(&v).iter().all(|f| f["acknowledged"].is_null()));
}

#[test]
fn an_ack_lapses_when_its_finding_disappears() {
    let env = demo();
    let (_, v) = env.json(&["check"]);
    let id = id_of(&v, "UPLOAD-MISSING", "051");
    assert_eq!(
        env.run(&["ack", &id, "--reason", "coming"]).status.code(),
        Some(0)
    );
    // 051 uploads: UPLOAD-MISSING is gone, and so is its ack from the list.
    let csv = env.dir.path().join("051.csv");
    std::fs::write(
        &csv,
        "District Code,School Code,School Name,Student ID,Last Name,First Name,Grade\n\
         051,051003,Morgan City High School,0012345678,Hebert,Anna,11\n",
    )
    .unwrap();
    let (code, r) = env.json(&["import", csv.to_str().unwrap(), "--commit"]);
    assert_eq!((code, &r["committed"]), (0, &Value::Bool(true)), "{r}");
    let (_, v) = env.json(&["check"]);
    assert!(findings(&v).iter().all(|f| f["id"] != id.as_str()));
    assert!(findings(&v).iter().all(|f| f["acknowledged"].is_null()));
    assert_eq!(findings(&v).len(), 24);
}

#[test]
fn statewide_and_certificates_fire_on_imported_data() {
    let env = demo();
    for file in ["statewide-fall-2026.csv", "certificates.csv"] {
        let (code, v) = env.import(file, &[]);
        assert_eq!(code, 0, "{v}");
        assert_eq!(v["summary"]["new"], 4, "{file}");
    }
    let (_, v) = env.json(&["check"]);
    let of = |rule: &str| -> Vec<(String, String)> {
        findings(&v)
            .iter()
            .filter(|f| f["rule"] == rule)
            .map(|f| {
                (
                    f["student_id"].as_str().unwrap().to_string(),
                    f["module"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    // E04 tried Advanced the day before Core; E08 has no Core. W01's Basic
    // after Core and E01's on the day of Core are fine.
    assert_eq!(
        of("STATEWIDE-BEFORE-CORE"),
        vec![
            ("0060612332".to_string(), "Advanced Statewide".to_string()),
            ("0077196885".to_string(), "Basic Statewide".to_string()),
        ]
    );
    // E01's Basic certificate without an attained Basic; L18's Core
    // certificate without Core. W01's two certificates are held.
    assert_eq!(
        of("CERT-INCOMPLETE"),
        vec![
            ("0089592595".to_string(), "Basic Statewide".to_string()),
            ("0073289345".to_string(), "Regional Core".to_string()),
        ]
    );
    // E01 and E04 are now blocked: 017 has 3 qualifying students left.
    let pending = findings(&v)
        .iter()
        .find(|f| f["rule"] == "CONFIRM-PENDING" && f["district"] == "017")
        .unwrap();
    assert!(
        pending["message"]
            .as_str()
            .unwrap()
            .starts_with("3 qualifying")
    );
    assert_eq!(findings(&v).len(), 29);
}
