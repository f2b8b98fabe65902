//! `mecred template`: a district's pre-filled completion template, re-imported
//! unchanged, triages as all `unchanged` (issue 6, SPEC §2).
#![allow(clippy::unwrap_used)]

mod common;

use calamine::{Data, Reader, open_workbook_auto};
use common::{Env, demo_imports, summary};

#[test]
fn template_round_trips_as_unchanged() {
    let env = Env::new();
    demo_imports(&env);
    for district in ["017", "W3B", "036", "029"] {
        let out = env.dir.path().join(format!("{district}.xlsx"));
        let run = env.run(&[
            "template",
            "--district",
            district,
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let (code, v) = env.json(&["import", out.to_str().unwrap()]);
        assert_eq!(code, 0, "{district}: {v}");
        let s = summary(&v);
        assert!(s[0] > 0);
        assert_eq!(s[0], s[3], "{district}: every row unchanged: {s:?}");
        assert_eq!(v["district"], district);
    }
    // The sheet keeps IDs and codes as text, dates as dates, and has its instructions.
    let out = env.dir.path().join("017.xlsx");
    let mut wb = open_workbook_auto(&out).unwrap();
    assert_eq!(wb.sheet_names(), vec!["Completions", "Instructions"]);
    let range = wb.worksheet_range("Completions").unwrap();
    let header: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header[0], "District Code");
    assert_eq!(header[16], "Notes");
    let first = range.rows().nth(1).unwrap();
    assert_eq!(first[0], Data::String("017".into()));
    assert!(matches!(&first[3], Data::String(id) if id.len() == 10));
    assert!(
        range
            .rows()
            .skip(1)
            .any(|r| matches!(r[7], Data::DateTime(_)))
    );
}

#[test]
fn unknown_district_is_refused() {
    let env = Env::new();
    demo_imports(&env);
    let out = env.run(&["template", "--district", "999"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("999"));
}

/// The template filled in by LibreOffice (fixtures/template-029-libreoffice.xlsx:
/// `mecred template --district 029` on the demo data, one Round 2 date typed
/// into row 4, saved by LibreOffice Calc 7 with `soffice --headless --calc
/// --convert-to xlsx`) imports cleanly: that one change, every other row
/// unchanged, IDs with their leading zeros.
#[test]
fn a_template_filled_in_by_libreoffice_imports_cleanly() {
    let env = Env::new();
    demo_imports(&env);
    let file = common::fixture("template-029-libreoffice.xlsx");
    let (code, v) = env.json(&["import", file.to_str().unwrap(), "--term", "fall-2026"]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["district"], "029");
    assert_eq!(summary(&v), [28, 0, 1, 27, 0, 0], "{v}");
    let changed: Vec<&serde_json::Value> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"] != "unchanged")
        .collect();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["row"], 4);
    assert_eq!(changed[0]["student_id"], "0064907469");
    assert_eq!(changed[0]["changes"][0]["field"], "Self-Assessment Round 2");
    assert_eq!(changed[0]["changes"][0]["after"], "2026-10-05");
}
