//! `mecred report` on the demo fixtures (issue 6): each format, the
//! qualifying students of fixtures/README.md "Qualifying for fall-2026",
//! SPEC §4 order, and same data → same bytes.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Env, demo_imports};

fn report(env: &Env, args: &[&str]) -> String {
    let mut all = vec!["report", "--term", "fall-2026"];
    all.extend_from_slice(args);
    let out = env.run(&all);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_format_lists_the_fixture_qualifying_students() {
    let env = Env::new();
    demo_imports(&env);

    // JSON: the complete data.
    let v: serde_json::Value = serde_json::from_str(&report(&env, &["--format", "json"])).unwrap();
    assert_eq!(v["today"], "2026-12-04");
    assert_eq!(v["term"], "fall-2026");
    assert_eq!(v["district"], serde_json::Value::Null);
    assert_eq!(v["generated"]["last_change_set"], 7);
    let count = |code: &str| {
        let d = v["districts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == code)
            .unwrap();
        (
            d["totals"]["regional_core"].as_u64().unwrap(),
            d["qualifying"].as_array().unwrap().len(),
        )
    };
    assert_eq!(count("017"), (5, 5));
    assert_eq!(count("036"), (3, 3));
    assert_eq!(count("W3B"), (4, 4));
    assert_eq!(count("051"), (0, 0));
    assert_eq!(v["statewide"]["regional_core"], 12);
    assert_eq!(v["statewide"]["districts"], 5);
    assert_eq!(v["statewide"]["students"], 109);
    let d017 = &v["districts"][0];
    assert_eq!(d017["code"], "017");
    assert_eq!(d017["agreement"]["status"], "ok");
    let blocked: Vec<&str> = d017["blocked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["student_id"].as_str().unwrap())
        .collect();
    assert_eq!(blocked, ["0011105688", "0084063434"]);
    assert_eq!(d017["blocked"][0]["findings"][0]["severity"], "error");
    let d029 = v["districts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "029")
        .unwrap();
    assert_eq!(d029["agreement"]["status"], "error");

    // CSV: parsed back, one row per qualifying student, SPEC §4 order.
    let csv_text = report(&env, &["--format", "csv"]);
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[4], "Student ID");
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 12);
    let ids017: Vec<&str> = rows
        .iter()
        .filter(|x| &x[1] == "017")
        .map(|x| &x[4])
        .collect();
    // 017004 Boudreaux, Washington; 017011 Harris, Landry; 017023 Lewis.
    assert_eq!(
        ids017,
        [
            "0089592595",
            "0059932928",
            "0060612332",
            "0034314658",
            "0089148895"
        ]
    );
    assert!(
        rows.iter()
            .all(|x| &x[0] == "fall-2026" && !x[8].is_empty())
    );

    // Markdown.
    let md = report(&env, &["--district", "036", "--format", "md"]);
    assert!(md.contains("### Regional Core (3)"), "{md}");
    assert!(md.contains("| 0018472019 | Batiste, Imani |"), "{md}");
    assert!(md.contains("- Last change set: 7"), "{md}");
    assert!(!md.contains("## Statewide summary"));
    let all = report(&env, &["--format", "md"]);
    assert!(all.contains("## Statewide summary"));

    // HTML: self-contained, with an inline SVG chart.
    let html = report(&env, &["--format", "html"]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<svg"));
    assert!(!html.to_lowercase().contains("http"), "external reference");
    assert!(!html.contains("src="), "external resource");
    assert!(html.contains("Castille, Amelia"));
}

#[test]
fn same_data_same_bytes_and_output_file() {
    let env = Env::new();
    demo_imports(&env);
    for format in ["md", "csv", "html", "json"] {
        let a = report(&env, &["--format", format]);
        let b = report(&env, &["--format", format]);
        assert_eq!(a, b, "{format}");
    }
    let path = env.dir.path().join("w3b.html");
    let out = env.run(&[
        "report",
        "--term",
        "fall-2026",
        "--district",
        "w3b",
        "--format",
        "html",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.contains("W3B Bayou Bridge Charter Academy"));
}

#[test]
fn unknown_district_and_bad_format_are_refused() {
    let env = Env::new();
    demo_imports(&env);
    let out = env.run(&[
        "report",
        "--term",
        "fall-2026",
        "--district",
        "999",
        "--format",
        "md",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no district 999"));
    let out = env.run(&["report", "--term", "fall-2026", "--format", "pdf"]);
    assert_eq!(out.status.code(), Some(2));
}
