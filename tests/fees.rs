//! `mecred fees …` (issue 8, "Fees"): a fee schedule per school year, the
//! fee in the spring confirmation report, one fee statement per confirmed
//! district (PDF text and CSV checked against goldens), BRAC's invoice and
//! the payment, the refusals, and export → restore.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{Env, fixture};
use serde_json::Value;

const TODAY: &str = "2027-06-15";

/// Runs the binary on the env's database with today in June 2027.
fn run(env: &Env, args: &[&str]) -> Output {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("mecred"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", env.dir.path())
        .env("MECRED_LOG", env.dir.path().join("mecred.log"))
        .env("USER", "tester")
        .arg("--db")
        .arg(env.db())
        .arg("--today")
        .arg(TODAY)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

fn json(env: &Env, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = run(env, &all);
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap(), v)
}

/// Exit code and stderr of a command expected to fail.
fn refused(env: &Env, args: &[&str]) -> (i32, String) {
    let out = run(env, args);
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// District 017 in spring 2027: two students attain Regional Core, one of
/// them Basic Statewide too, a third falls short (failed exam).
fn spring_district(env: &Env) {
    let d = env.dir.path();
    let completions = write(
        d,
        "completions-017-spring-2027.csv",
        "District Code,School Code,School Name,Student ID,Last Name,First Name,Grade,Self-Assessment Round 1,Self-Assessment Round 2,Self-Assessment Instrument,Self-Assessment Presentation,Mentor Checklist,Credit Applications,Company Registration,Micro-Enterprise Pathway,Complementary Credentials,Notes\n\
         017,017004,Scotlandville Magnet High,1000000001,Arceneaux,Zoë,12,1/12/2027,2/9/2027,,3/9/2027,Y,4/6/2027,5/4/2027,N,,\n\
         017,017004,Scotlandville Magnet High,1000000002,Boudreaux,Luc,12,1/12/2027,2/9/2027,,3/9/2027,Y,4/6/2027,5/11/2027,N,,\n\
         017,017004,Scotlandville Magnet High,1000000003,Comeaux,Ana,11,1/12/2027,2/9/2027,,3/9/2027,Y,4/6/2027,,N,,\n",
    );
    let exams = write(
        d,
        "exam-spring-2027.csv",
        "Student ID,Exam Date,Score,Result,Provider\n\
         1000000001,5/13/2027,88,Pass,ProctorU\n\
         1000000002,5/13/2027,91,Pass,ProctorU\n\
         1000000003,5/13/2027,52,Fail,ProctorU\n",
    );
    let statewide = write(
        d,
        "statewide-spring-2027.csv",
        "Student ID,Credential,Attempted,Attained\n1000000001,Basic Statewide,5/20/2027,5/20/2027\n",
    );
    let districts = fixture("districts.xlsx");
    let steps: [(&Path, &[&str]); 4] = [
        (&districts, &["--kind", "districts"]),
        (
            &completions,
            &["--kind", "completions", "--term", "spring-2027"],
        ),
        (&exams, &["--kind", "exam", "--term", "spring-2027"]),
        (&statewide, &["--kind", "statewide"]),
    ];
    for (file, extra) in steps {
        let mut args = vec!["import", file.to_str().unwrap(), "--commit"];
        args.extend_from_slice(extra);
        let (_, v) = json(env, &args);
        assert_eq!(v["committed"], true, "{}: {v}", file.display());
    }
}

fn statement(env: &Env, out: &Path) -> (i32, Value) {
    json(
        env,
        &[
            "fees",
            "statement",
            "--term",
            "spring-2027",
            "-o",
            out.to_str().unwrap(),
        ],
    )
}

fn export(env: &Env) -> Vec<u8> {
    let out = run(env, &["export"]);
    assert!(out.status.success());
    out.stdout
}

/// The PDF's text, one trimmed non-blank line each.
fn pdf_lines(path: &Path) -> Vec<String> {
    let bytes = std::fs::read(path).unwrap();
    let text = pdf_extract::extract_text_from_mem(&bytes).unwrap();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn set_and_show_a_schedule_with_exact_amounts() {
    let env = Env::new();
    let (code, v) = json(
        &env,
        &[
            "fees",
            "set",
            "--year",
            "2026-27",
            "--core",
            "10",
            "--basic",
            "$15.50",
            "--advanced",
            "20.00",
        ],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["year"], "2026-27");
    assert_eq!(v["seq"], 1);
    assert_eq!(v["rates"]["basic_statewide_cents"], 1550);
    assert_eq!(v["rates"]["base_cents"], 0);
    assert_eq!(v["by"], "tester");
    // A bad amount is a usage error naming the value and what was expected.
    let (code, err) = refused(
        &env,
        &[
            "fees",
            "set",
            "--year",
            "2026-27",
            "--core",
            "10.005",
            "--basic",
            "1",
            "--advanced",
            "1",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("\"10.005\" is not an amount of money"),
        "{err}"
    );
    assert!(err.contains("like 12.50, 12 or $12.50"), "{err}");
    // A second set is the year's version 2; the first is kept.
    let (code, _) = json(
        &env,
        &[
            "fees",
            "set",
            "--year",
            "2026-27",
            "--core",
            "12.5",
            "--basic",
            "15.50",
            "--advanced",
            "20",
            "--base",
            "250",
        ],
    );
    assert_eq!(code, 0);
    let (_, v) = json(&env, &["fees", "show", "--year", "2026-27"]);
    let all = v.as_array().unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[1]["seq"], 2);
    assert_eq!(all[1]["rates"]["regional_core_cents"], 1250);
    assert_eq!(all[1]["rates"]["base_cents"], 25_000);
    let out = run(&env, &["fees", "show"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("2026-27 (version 1, set by tester"), "{text}");
    assert!(text.contains("[superseded]"), "{text}");
    assert!(text.contains("Regional Core $12.50"), "{text}");
    let (_, v) = json(&env, &["fees", "show", "--year", "2025-26"]);
    assert_eq!(v, Value::Array(vec![]));
}

#[test]
fn statement_for_a_confirmed_spring_district_then_invoice_and_payment() {
    let env = Env::new();
    spring_district(&env);
    let out_dir = env.dir.path().join("statements");

    // Refusals before anything is billable.
    let (code, err) = refused(
        &env,
        &["fees", "statement", "--term", "fall-2026", "-o", "x"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("fall-2026 is a fall term"), "{err}");
    let (code, err) = refused(
        &env,
        &["fees", "statement", "--term", "spring-2027", "-o", "x"],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("there is no fee schedule for 2026-27"),
        "{err}"
    );
    let set = [
        "fees",
        "set",
        "--year",
        "2026-27",
        "--core",
        "10.00",
        "--basic",
        "15.50",
        "--advanced",
        "20.00",
        "--base",
        "250",
    ];
    assert!(run(&env, &set).status.success());
    let (code, err) = refused(
        &env,
        &["fees", "statement", "--term", "spring-2027", "-o", "x"],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("no district has confirmed its spring-2027 report"),
        "{err}"
    );

    // Confirm, then the report states the fee, outside the hash.
    let (code, conf) = json(
        &env,
        &["confirm", "--term", "spring-2027", "--district", "017"],
    );
    assert_eq!(code, 0, "{conf}");
    assert_eq!(conf["counts"]["regional_core"], 2);
    assert_eq!(conf["counts"]["basic_statewide"], 1);
    let sha = conf["sha256"].as_str().unwrap().to_string();
    let md = run(
        &env,
        &[
            "report",
            "--term",
            "spring-2027",
            "--district",
            "017",
            "--format",
            "md",
        ],
    );
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(md.contains("## Fees due to BRAC"), "{md}");
    let name = "East Baton Rouge Parish School System";
    for row in [
        format!("| 017 | {name} | fall-2026: no qualifying students |  |  |  | $0.00 |"),
        format!("| 017 | {name} | spring-2027 | 2 | 1 | 0 | $35.50 |"),
        format!("| 017 | {name} | base fee |  |  |  | $250.00 |"),
        format!("| 017 | {name} | **due for the year** | 2 | 1 | 0 | **$285.50** |"),
    ] {
        assert!(md.contains(&row), "{row:?} not in {md}");
    }
    // Re-setting the schedule does not make the confirmation stale.
    assert!(run(&env, &set).status.success());
    let (_, v) = json(&env, &["check", "--rule", "CONFIRM-STALE"]);
    assert!(v["findings"].as_array().unwrap().is_empty(), "{v}");

    // --read-only refuses.
    let (code, err) = refused(
        &env,
        &[
            "--read-only",
            "fees",
            "statement",
            "--term",
            "spring-2027",
            "-o",
            "x",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("--read-only"), "{err}");

    let (code, v) = statement(&env, &out_dir);
    assert_eq!(code, 0, "{v}");
    let list = v["statements"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{v}");
    let s = &list[0];
    assert_eq!(s["number"], "FEE-2027S-017");
    assert_eq!(s["outcome"], "new");
    assert_eq!(s["state"], "issued");
    assert_eq!(s["total_cents"], 28_550);
    assert_eq!(s["total"], "$285.50");
    assert_eq!(s["confirmation"]["sha256"], sha.as_str());
    assert_eq!(s["fall"]["term"], "fall-2026");
    assert_eq!(s["fall"]["confirmation"], Value::Null);
    assert_eq!(s["schedule"], 2);
    let pdf = out_dir.join("FEE-2027S-017.pdf");
    let csv = out_dir.join("FEE-2027S-017.csv");

    // Golden: the PDF's text.
    let want = [
        "Louisiana Jump Start Micro-Enterprise Credential".to_string(),
        "Fee statement FEE-2027S-017".to_string(),
        "Prepared for BRAC, which invoices the district.".to_string(),
        "District: East Baton Rouge Parish School System (017)".to_string(),
        "Term: spring-2027 (school year 2026-27)".to_string(),
        "Issued: June 15, 2027".to_string(),
        "Bills the school year 2026-27 from the district's confirmed reports:".to_string(),
        "fall-2026: no confirmation needed (no qualifying students).".to_string(),
        format!("spring-2027: confirmation 1, SHA-256 {sha}."),
        "Fee schedule 2026-27 (version 2).".to_string(),
        "fall-2026: no qualifying students".to_string(),
        "spring-2027 Regional Core: 2 student(s) x $10.00 = $20.00".to_string(),
        "spring-2027 Basic Statewide: 1 student(s) x $15.50 = $15.50".to_string(),
        "spring-2027 Advanced Statewide: 0 student(s) x $20.00 = $0.00".to_string(),
        "District base fee: $250.00".to_string(),
        "Total due: $285.50".to_string(),
        "Quote FEE-2027S-017 with BRAC's invoice; mecred records the invoice and the payment."
            .to_string(),
    ];
    assert_eq!(pdf_lines(&pdf), want);
    // Golden: the CSV.
    let row =
        "FEE-2027S-017,spring-2027,2026-27,017,East Baton Rouge Parish School System,2027-06-15";
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        format!(
            "Statement,Term,School Year,District,District Name,Issued,Billed Term,Item,Students,Rate,Amount\n\
             {row},fall-2026,No qualifying students,0,,0.00\n\
             {row},spring-2027,Regional Core,2,10.00,20.00\n\
             {row},spring-2027,Basic Statewide,1,15.50,15.50\n\
             {row},spring-2027,Advanced Statewide,0,20.00,0.00\n\
             {row},,District base fee,1,250.00,250.00\n\
             {row},,Total,,,285.50\n"
        )
    );

    // A re-run rewrites the same bytes and stores no duplicate.
    let (first_pdf, first_csv) = (std::fs::read(&pdf).unwrap(), std::fs::read(&csv).unwrap());
    std::fs::remove_file(&pdf).unwrap();
    let (code, v) = statement(&env, &out_dir);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["statements"][0]["outcome"], "unchanged");
    assert_eq!(std::fs::read(&pdf).unwrap(), first_pdf);
    assert_eq!(std::fs::read(&csv).unwrap(), first_csv);
    let (_, v) = json(&env, &["fees", "list"]);
    assert_eq!(v.as_array().unwrap().len(), 1);

    // Invoice and payment, with their refusals.
    let (code, err) = refused(
        &env,
        &["fees", "invoiced", "FEE-2027S-036", "--invoice", "B-1"],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("there is no fee statement \"FEE-2027S-036\""),
        "{err}"
    );
    let (code, err) = refused(
        &env,
        &["fees", "paid", "FEE-2027S-017", "--date", "2027-07-01"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("has no BRAC invoice yet"), "{err}");
    let (code, v) = json(
        &env,
        &[
            "fees",
            "invoiced",
            "fee-2027s-017",
            "--invoice",
            "BRAC-2027-0042",
        ],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["state"], "invoiced");
    assert_eq!(v["invoice"]["reference"], "BRAC-2027-0042");
    let (code, err) = refused(
        &env,
        &["fees", "invoiced", "FEE-2027S-017", "--invoice", "X"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("already invoiced as BRAC-2027-0042"), "{err}");
    let (_, v) = json(&env, &["fees", "list", "--outstanding"]);
    assert_eq!(v.as_array().unwrap().len(), 1);
    let (code, err) = refused(&env, &["fees", "paid", "FEE-2027S-017", "--date", "July 1"]);
    assert_eq!(code, 2, "{err}");
    let (code, v) = json(
        &env,
        &["fees", "paid", "FEE-2027S-017", "--date", "2027-07-01"],
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["state"], "paid");
    assert_eq!(v["payment"]["date"], "2027-07-01");
    let (code, err) = refused(
        &env,
        &["fees", "paid", "FEE-2027S-017", "--date", "2027-07-02"],
    );
    assert_eq!(code, 1);
    assert!(err.contains("already paid: 2027-07-01"), "{err}");
    let (_, v) = json(&env, &["fees", "list", "--outstanding"]);
    assert_eq!(v, Value::Array(vec![]));

    // Export → restore → export is byte-identical, fees included.
    let dump = export(&env);
    let text = String::from_utf8(dump.clone()).unwrap();
    assert!(text.contains("\"kind\":\"fee-schedule\""));
    assert!(text.contains("\"kind\":\"fee-statement\",\"number\":\"FEE-2027S-017\""));
    let copy = Env::new();
    let file = write(copy.dir.path(), "dump.jsonl", &text);
    let out = run(&copy, &["restore", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(export(&copy), dump);
    let (_, v) = json(&copy, &["fees", "list"]);
    assert_eq!(v[0]["state"], "paid");
}

/// District 017 in fall 2026: two more students attain Regional Core, one
/// of them Basic Statewide too (billed on the spring statement).
fn fall_district(env: &Env) {
    let d = env.dir.path();
    let completions = write(
        d,
        "completions-017-fall-2026.csv",
        "District Code,School Code,School Name,Student ID,Last Name,First Name,Grade,Self-Assessment Round 1,Self-Assessment Round 2,Self-Assessment Instrument,Self-Assessment Presentation,Mentor Checklist,Credit Applications,Company Registration,Micro-Enterprise Pathway,Complementary Credentials,Notes\n\
         017,017004,Scotlandville Magnet High,1000000004,Doucet,Remy,12,9/8/2026,9/29/2026,,10/13/2026,Y,11/3/2026,11/17/2026,N,,\n\
         017,017004,Scotlandville Magnet High,1000000005,Fontenot,Claire,12,9/8/2026,9/29/2026,,10/13/2026,Y,11/3/2026,11/17/2026,N,,\n",
    );
    let exams = write(
        d,
        "exam-fall-2026.csv",
        "Student ID,Exam Date,Score,Result,Provider\n\
         1000000004,12/8/2026,84,Pass,ProctorU\n\
         1000000005,12/8/2026,90,Pass,ProctorU\n",
    );
    let statewide = write(
        d,
        "statewide-fall-2026.csv",
        "Student ID,Credential,Attempted,Attained\n1000000005,Basic Statewide,12/10/2026,12/10/2026\n",
    );
    let steps: [(&Path, &[&str]); 3] = [
        (
            &completions,
            &["--kind", "completions", "--term", "fall-2026"],
        ),
        (&exams, &["--kind", "exam", "--term", "fall-2026"]),
        (&statewide, &["--kind", "statewide"]),
    ];
    for (file, extra) in steps {
        let mut args = vec!["import", file.to_str().unwrap(), "--commit"];
        args.extend_from_slice(extra);
        let (_, v) = json(env, &args);
        assert_eq!(v["committed"], true, "{}: {v}", file.display());
    }
}

/// The schedule the statements below are priced with.
fn set_schedule(env: &Env) {
    let set = [
        "fees",
        "set",
        "--year",
        "2026-27",
        "--core",
        "10.00",
        "--basic",
        "15.50",
        "--advanced",
        "20.00",
        "--base",
        "250",
    ];
    assert!(run(env, &set).status.success());
}

fn confirm(env: &Env, term: &str) -> String {
    let (code, v) = json(env, &["confirm", "--term", term, "--district", "017"]);
    assert_eq!(code, 0, "{v}");
    v["sha256"].as_str().unwrap().to_string()
}

#[test]
fn a_fall_with_qualifying_students_not_confirmed_refuses_the_statement() {
    let env = Env::new();
    spring_district(&env);
    fall_district(&env);
    set_schedule(&env);
    confirm(&env, "spring-2027");
    let out_dir = env.dir.path().join("statements");
    let (code, err) = refused(
        &env,
        &[
            "fees",
            "statement",
            "--term",
            "spring-2027",
            "-o",
            out_dir.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "017 has not confirmed its fall-2026 report, which has 2 qualifying student(s): confirm it first with `mecred confirm --term fall-2026 --district 017`"
        ),
        "{err}"
    );
    assert!(
        err.contains("bills the whole school year 2026-27, fall-2026 included"),
        "{err}"
    );
    // Nothing written, nothing stored; --district 017 is refused alike.
    assert!(!out_dir.exists());
    let (_, v) = json(&env, &["fees", "list"]);
    assert_eq!(v, Value::Array(vec![]));
    let (code, err) = refused(
        &env,
        &[
            "fees",
            "statement",
            "--term",
            "spring-2027",
            "--district",
            "017",
            "-o",
            out_dir.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("confirm --term fall-2026 --district 017"),
        "{err}"
    );
    // The spring report's fee section shows the fall as not billed yet.
    let md = run(
        &env,
        &[
            "report",
            "--term",
            "spring-2027",
            "--district",
            "017",
            "--format",
            "md",
        ],
    );
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(
        md.contains("| fall-2026: not confirmed, 2 qualifying student(s): confirm it to bill them |  |  |  | not billed |"),
        "{md}"
    );
    assert!(
        md.contains("| **due for the year** | 2 | 1 | 0 | **$285.50** |"),
        "{md}"
    );
}

#[test]
fn a_spring_statement_bills_the_confirmed_fall_and_spring_of_its_school_year() {
    let env = Env::new();
    spring_district(&env);
    fall_district(&env);
    set_schedule(&env);
    let fall_sha = confirm(&env, "fall-2026");
    // Fall confirmed, spring not: nothing is billed, and the refusal says
    // what the district still has to do.
    let (code, err) = refused(
        &env,
        &["fees", "statement", "--term", "spring-2027", "-o", "x"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("017 confirmed its fall-2026 report with qualifying students but not its spring-2027 report"),
        "{err}"
    );
    let spring_sha = confirm(&env, "spring-2027");
    // The fall report has no fee section; its confirmation counts its own term.
    let md = run(
        &env,
        &[
            "report",
            "--term",
            "fall-2026",
            "--district",
            "017",
            "--format",
            "md",
        ],
    );
    assert!(!String::from_utf8_lossy(&md.stdout).contains("Fees due"));

    let out_dir = env.dir.path().join("statements");
    let (code, v) = statement(&env, &out_dir);
    assert_eq!(code, 0, "{v}");
    let s = &v["statements"][0];
    assert_eq!(s["outcome"], "new");
    assert_eq!(v["not_billed"], Value::Array(vec![]));
    assert_eq!(s["fall"]["confirmation"]["sha256"], fall_sha.as_str());
    assert_eq!(s["fall"]["counts"]["regional_core"], 2);
    assert_eq!(s["counts"]["regional_core"], 2);
    assert_eq!(s["year_counts"]["regional_core"], 4);
    assert_eq!(s["year_counts"]["basic_statewide"], 2);
    assert_eq!(s["total"], "$321.00");
    let pdf = out_dir.join("FEE-2027S-017.pdf");
    let csv = out_dir.join("FEE-2027S-017.csv");
    let want = [
        "Louisiana Jump Start Micro-Enterprise Credential".to_string(),
        "Fee statement FEE-2027S-017".to_string(),
        "Prepared for BRAC, which invoices the district.".to_string(),
        "District: East Baton Rouge Parish School System (017)".to_string(),
        "Term: spring-2027 (school year 2026-27)".to_string(),
        "Issued: June 15, 2027".to_string(),
        "Bills the school year 2026-27 from the district's confirmed reports:".to_string(),
        format!("fall-2026: confirmation 1, SHA-256 {fall_sha}."),
        format!("spring-2027: confirmation 1, SHA-256 {spring_sha}."),
        "Fee schedule 2026-27 (version 1).".to_string(),
        "fall-2026 Regional Core: 2 student(s) x $10.00 = $20.00".to_string(),
        "fall-2026 Basic Statewide: 1 student(s) x $15.50 = $15.50".to_string(),
        "fall-2026 Advanced Statewide: 0 student(s) x $20.00 = $0.00".to_string(),
        "spring-2027 Regional Core: 2 student(s) x $10.00 = $20.00".to_string(),
        "spring-2027 Basic Statewide: 1 student(s) x $15.50 = $15.50".to_string(),
        "spring-2027 Advanced Statewide: 0 student(s) x $20.00 = $0.00".to_string(),
        "District base fee: $250.00".to_string(),
        "Total due: $321.00".to_string(),
        "Quote FEE-2027S-017 with BRAC's invoice; mecred records the invoice and the payment."
            .to_string(),
    ];
    assert_eq!(pdf_lines(&pdf), want);
    let row =
        "FEE-2027S-017,spring-2027,2026-27,017,East Baton Rouge Parish School System,2027-06-15";
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        format!(
            "Statement,Term,School Year,District,District Name,Issued,Billed Term,Item,Students,Rate,Amount\n\
             {row},fall-2026,Regional Core,2,10.00,20.00\n\
             {row},fall-2026,Basic Statewide,1,15.50,15.50\n\
             {row},fall-2026,Advanced Statewide,0,20.00,0.00\n\
             {row},spring-2027,Regional Core,2,10.00,20.00\n\
             {row},spring-2027,Basic Statewide,1,15.50,15.50\n\
             {row},spring-2027,Advanced Statewide,0,20.00,0.00\n\
             {row},,District base fee,1,250.00,250.00\n\
             {row},,Total,,,321.00\n"
        )
    );
    // The spring report's fee section agrees, term by term.
    let md = run(
        &env,
        &[
            "report",
            "--term",
            "spring-2027",
            "--district",
            "017",
            "--format",
            "md",
        ],
    );
    let md = String::from_utf8_lossy(&md.stdout);
    let name = "East Baton Rouge Parish School System";
    for line in [
        format!("| 017 | {name} | fall-2026 (confirmation 1) | 2 | 1 | 0 | $35.50 |"),
        format!("| 017 | {name} | spring-2027 | 2 | 1 | 0 | $35.50 |"),
        format!("| 017 | {name} | base fee |  |  |  | $250.00 |"),
        format!("| 017 | {name} | **due for the year** | 4 | 2 | 0 | **$321.00** |"),
        "| **All** | | | | | | $321.00 |".to_string(),
    ] {
        assert!(md.contains(&line), "{line:?} not in {md}");
    }
    // Confirming the spring report did not make the fall one stale, nor
    // the other way round.
    let (_, v) = json(&env, &["check", "--rule", "CONFIRM-STALE"]);
    assert!(v["findings"].as_array().unwrap().is_empty(), "{v}");

    // A re-run: same bytes, nothing stored twice.
    let (first_pdf, first_csv) = (std::fs::read(&pdf).unwrap(), std::fs::read(&csv).unwrap());
    let (_, v) = statement(&env, &out_dir);
    assert_eq!(v["statements"][0]["outcome"], "unchanged");
    assert_eq!(std::fs::read(&pdf).unwrap(), first_pdf);
    assert_eq!(std::fs::read(&csv).unwrap(), first_csv);

    // The fall confirmation withdrawn and made again before BRAC invoices:
    // the statement is revised to bill the new one.
    let out = run(
        &env,
        &[
            "unconfirm",
            "--term",
            "fall-2026",
            "--district",
            "017",
            "--reason",
            "recheck",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, err) = refused(
        &env,
        &[
            "fees",
            "statement",
            "--term",
            "spring-2027",
            "-o",
            out_dir.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("017 has not confirmed its fall-2026 report"),
        "{err}"
    );
    confirm(&env, "fall-2026");
    let (_, v) = statement(&env, &out_dir);
    let s = &v["statements"][0];
    assert_eq!(s["outcome"], "revised");
    assert_eq!(s["fall"]["confirmation"]["seq"], 2);
    assert_eq!(s["total"], "$321.00");
    assert!(pdf_lines(&pdf).contains(&format!("fall-2026: confirmation 2, SHA-256 {fall_sha}.")));

    // Once invoiced, a later change is kept as BRAC has it.
    assert!(
        run(
            &env,
            &["fees", "invoiced", "FEE-2027S-017", "--invoice", "BRAC-7"]
        )
        .status
        .success()
    );
    run(
        &env,
        &[
            "unconfirm",
            "--term",
            "fall-2026",
            "--district",
            "017",
            "--reason",
            "again",
        ],
    );
    confirm(&env, "fall-2026");
    let (_, v) = statement(&env, &out_dir);
    let s = &v["statements"][0];
    assert_eq!(s["outcome"], "kept");
    assert_eq!(s["fall"]["confirmation"]["seq"], 2);
    let (_, v) = json(&env, &["fees", "list", "--outstanding"]);
    assert_eq!(v[0]["total_cents"], 32_100);
}
