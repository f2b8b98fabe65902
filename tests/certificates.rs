//! `mecred certificates issue` and `mecred verify` (issue 8): due only for
//! confirmed districts, never twice, PDF content read back from the file,
//! codes checked against the store (an edited PDF forges nothing), and
//! revocation after a revert.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Env, demo_imports};
use serde_json::Value;

fn issue(env: &Env, extra: &[&str]) -> (i32, Value) {
    let out = env.dir.path().join("out");
    let mut args = vec![
        "certificates",
        "issue",
        "--term",
        "fall-2026",
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    env.json(&args)
}

fn verify(env: &Env, code: &str) -> (i32, Value) {
    env.json(&["verify", code])
}

fn batch_of_kind(env: &Env, kind: &str) -> u64 {
    let (_, v) = env.json(&["uploads", "list"]);
    v["batches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["kind"] == kind)
        .map(|b| b["batch"].as_u64().unwrap())
        .max()
        .unwrap()
}

fn cert_incomplete(env: &Env) -> Vec<String> {
    let (_, v) = env.json(&["check", "--rule", "CERT-INCOMPLETE"]);
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["student_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn issue_once_for_confirmed_districts_verify_then_revoke_by_revert() {
    let env = Env::new();
    demo_imports(&env);

    // Nothing is due before the district confirms.
    let (code, v) = issue(&env, &[]);
    assert_eq!(code, 0, "{v}");
    assert!(v["issued"].as_array().unwrap().is_empty());
    assert!(
        v["skipped"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["district"] == "017")
    );

    let out = env.run(&["confirm", "--term", "fall-2026", "--district", "017"]);
    assert!(out.status.success());

    // --read-only refuses.
    let out = env.run(&[
        "--read-only",
        "certificates",
        "issue",
        "--term",
        "fall-2026",
        "-o",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--read-only"));

    let (code, v) = issue(&env, &[]);
    assert_eq!(code, 0, "{v}");
    let issued = v["issued"].as_array().unwrap().clone();
    assert_eq!(issued.len(), 5, "{v}");
    assert!(issued.iter().all(|c| c["district"] == "017"));
    assert!(issued.iter().all(|c| c["credential"] == "Regional Core"));
    assert!(issued.iter().all(|c| c["issued"] == "2026-12-04"));
    // Unconfirmed districts (036, W3B have qualifying students) get none.
    let skipped: Vec<&str> = v["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["district"].as_str().unwrap())
        .collect();
    assert_eq!(skipped, ["036", "W3B"]);

    // The PDF shows the student, school, district, credential, dates and code.
    let first = &issued[0];
    let file = std::path::PathBuf::from(first["file"].as_str().unwrap());
    let sid = first["student_id"].as_str().unwrap();
    assert_eq!(
        file.file_name().unwrap().to_str().unwrap(),
        format!("017-{sid}-regional-core.pdf")
    );
    let bytes = std::fs::read(&file).unwrap();
    let text = pdf_extract::extract_text_from_mem(&bytes).unwrap();
    let code_text = first["code"].as_str().unwrap();
    for want in [
        format!(
            "{} {}",
            first["first_name"].as_str().unwrap(),
            first["last_name"].as_str().unwrap()
        ),
        format!("State student ID {sid}"),
        format!("({})", first["school"].as_str().unwrap()),
        "(017)".to_string(),
        "Regional Core".to_string(),
        "Issued December 4, 2026".to_string(),
        format!("Verification code: {code_text}"),
    ] {
        assert!(text.contains(&want), "{want:?} not in {text:?}");
    }

    // Never twice.
    let (code, again) = issue(&env, &[]);
    assert_eq!(code, 0);
    assert!(again["issued"].as_array().unwrap().is_empty(), "{again}");
    assert!(again["batch"].is_null());

    // Genuine and valid; case and dashes do not matter.
    let (code, v) = verify(&env, &code_text.to_lowercase().replace('-', ""));
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["status"], "valid");
    assert_eq!(v["certificate"]["student_id"], sid);

    // A PDF edited to show another code forges nothing: the store decides.
    let mut forged: Vec<char> = code_text.chars().collect();
    forged[0] = if forged[0] == 'A' { 'B' } else { 'A' };
    let forged: String = forged.into_iter().collect();
    let (code, v) = verify(&env, &forged);
    assert_eq!((code, v["status"].as_str()), (1, Some("unknown")), "{v}");
    let (code, v) = verify(&env, "not a code");
    assert_eq!((code, v["status"].as_str()), (1, Some("unknown")), "{v}");

    // Reverting the exam results takes Regional Core away: revoked, and
    // CERT-INCOMPLETE is raised for every certificate holder.
    assert!(cert_incomplete(&env).is_empty());
    let exam = batch_of_kind(&env, "exam");
    let out = env.run(&["uploads", "revert", &exam.to_string()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, v) = verify(&env, code_text);
    assert_eq!((code, v["status"].as_str()), (1, Some("revoked")), "{v}");
    assert!(v["reason"].as_str().unwrap().contains("no longer holds"));
    let flagged = cert_incomplete(&env);
    assert_eq!(flagged.len(), 5, "{flagged:?}");
    assert!(flagged.iter().any(|s| s == sid));
}

#[test]
fn a_reverted_issue_is_revoked_not_unknown_and_issues_afresh() {
    let env = Env::new();
    demo_imports(&env);
    let out = env.run(&["confirm", "--term", "fall-2026", "--district", "017"]);
    assert!(out.status.success());
    let (_, v) = issue(&env, &["--district", "017"]);
    let old = v["issued"][0]["code"].as_str().unwrap().to_string();
    let batch = v["batch"].as_u64().unwrap();
    let out = env.run(&["uploads", "revert", &batch.to_string()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, v) = verify(&env, &old);
    assert_eq!((code, v["status"].as_str()), (1, Some("revoked")), "{v}");
    assert!(v["reason"].as_str().unwrap().contains("removed"));
    assert!(cert_incomplete(&env).is_empty());

    // Due again, under a new code; the old one stays revoked.
    let (_, v) = issue(&env, &["--district", "017"]);
    assert_eq!(v["issued"].as_array().unwrap().len(), 5);
    let new = v["issued"][0]["code"].as_str().unwrap();
    assert_ne!(new, old);
    assert_eq!(verify(&env, new).0, 0);
    assert_eq!(verify(&env, &old).1["status"], "revoked");

    // An edit clearing a module takes the credential away: revoked, and the
    // confirmed report no longer matches, so nothing more is issued until
    // the district confirms again.
    let sid = v["issued"][0]["student_id"].as_str().unwrap();
    let out = env.run(&[
        "edit",
        "--student",
        sid,
        "--set",
        "company-registration=clear",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, r) = verify(&env, new);
    assert_eq!((code, r["status"].as_str()), (1, Some("revoked")), "{r}");
    assert_eq!(cert_incomplete(&env), [sid]);
    let (code, v) = issue(&env, &["--district", "017"]);
    assert_eq!(code, 0);
    assert!(v["issued"].as_array().unwrap().is_empty());
    assert!(
        v["skipped"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("CONFIRM-STALE"),
        "{v}"
    );
}
