//! Every problem code of SPEC §2 item 16 from a real file through the binary:
//! CSV written here, .xlsx written by rust_xlsxwriter, zip bombs by the zip
//! crate. Each asserts the code, the column, the value seen and exit 1.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write as _;

use common::{Env, summary};
use serde_json::Value;

const HEADER: &str = "District Code,School Code,School Name,Student ID,Last Name,First Name,Grade,Self-Assessment Round 1,Self-Assessment Round 2,Self-Assessment Instrument,Self-Assessment Presentation,Mentor Checklist,Credit Applications,Company Registration,Micro-Enterprise Pathway,Complementary Credentials,Notes";

fn with_districts() -> Env {
    let env = Env::new();
    env.import("districts.xlsx", &[]);
    env
}

fn write(env: &Env, name: &str, body: &str) -> String {
    let p = env.dir.path().join(name);
    std::fs::write(&p, body).unwrap();
    p.to_str().unwrap().to_string()
}

fn import(env: &Env, path: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["import", path];
    args.extend_from_slice(extra);
    env.json(&args)
}

fn row(v: &Value, n: u64) -> &Value {
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["row"] == n)
        .unwrap()
}

/// (code, column, value) of a row's problems.
fn problems(v: &Value, n: u64) -> Vec<(String, String, String)> {
    row(v, n)["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["code"].as_str().unwrap().to_string(),
                p["column"].as_str().unwrap_or("").to_string(),
                p["value"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn has(v: &Value, n: u64, code: &str, column: &str) {
    let ps = problems(v, n);
    assert!(
        ps.iter().any(|(c, col, _)| c == code && col == column),
        "row {n}: {ps:?}"
    );
}

#[test]
fn completion_row_errors() {
    let env = with_districts();
    let body = format!(
        "{HEADER}\n\
017,017004,Magnolia,0000000001,A,B,11,,,,,,,,,,\n\
036,036105,Bywater,0000000002,A,B,11,,,,,,,,,,\n\
017,017004,Magnolia,12345A,A,B,11,,,,,,,,,,\n\
017,018004,Other,0000000003,A,B,11,,,,,,,,,,\n\
017,017999,,0000000004,A,B,11,,,,,,,,,,\n\
017,017004,Renamed High,0000000005,A,B,11,,,,,,,,,,\n\
017,017004,Magnolia,0000000006,A,B,eleven,,,,,,,,,,\n\
017,017004,Magnolia,0000000007,A,B,11,Oct 5,,,,,,,,,\n\
017,017004,Magnolia,0000000008,A,B,11,,,,,maybe,,,,,\n\
017,017004,Magnolia,0000000009,,B,11,,,,,,,,,,\n\
017,017004,Magnolia,0000000010,CLEAR,B,11,,,,,,,,,,\n\
017,017004,Magnolia,0000000011,A,B,11,46322,,,,,,,,,\n\
017,017A,Magnolia,0000000012,A,B,11,,,,,,,,,,\n\
17,17004,Magnolia,0000000013,A,B,Gr. 12,2026-09-01,9/2/2026,,,Yes,,,N,OSHA 10; NCCER Core,ok\n"
    );
    let path = write(&env, "017.csv", &body);
    let (code, v) = import(&env, &path, &["--commit"]);
    assert_eq!(code, 1);
    assert_eq!(v["district"], "017");
    assert_eq!(row(&v, 2)["outcome"], "new");
    has(&v, 3, "district-mismatch", "District Code");
    has(&v, 4, "student-id", "Student ID");
    assert_eq!(row(&v, 4)["student_id"], "12345A");
    has(&v, 5, "school-district", "School Code");
    has(&v, 6, "school-name", "School Name");
    // A different name for a stored school is a warning, never a rename.
    assert_eq!(row(&v, 7)["outcome"], "warning");
    has(&v, 7, "school-name-differs", "School Name");
    has(&v, 8, "grade", "Grade");
    has(&v, 9, "date", "Self-Assessment Round 1");
    has(&v, 10, "yes-no", "Mentor Checklist");
    has(&v, 11, "required", "Last Name");
    has(&v, 12, "required", "Last Name");
    assert_eq!(row(&v, 13)["outcome"], "warning");
    has(&v, 13, "serial-date", "Self-Assessment Round 1");
    has(&v, 14, "school-code", "School Code");
    // CSV digits are numbers: 17 -> 017, 17004 -> 017004.
    assert_eq!(row(&v, 15)["outcome"], "new");
    assert_eq!(summary(&v), [14, 2, 0, 0, 2, 10]);
    // The school row 7 named differently keeps its first name.
    let dump = String::from_utf8(env.run(&["export"]).stdout).unwrap();
    let school = dump
        .lines()
        .find(|l| l.starts_with("{\"kind\":\"school\"") && l.contains("017004"))
        .unwrap();
    assert!(school.contains("\"name\":\"Magnolia\""), "{school}");
}

#[test]
fn unknown_district_and_cross_district() {
    let env = with_districts();
    let body = format!("{HEADER}\n999,999001,Nowhere,0000000001,A,B,11,,,,,,,,,,\n");
    let (code, v) = import(&env, &write(&env, "999.csv", &body), &[]);
    assert_eq!(code, 1);
    has(&v, 2, "unknown-district", "District Code");

    let body = format!("{HEADER}\n017,017004,M,0000000001,A,B,11,,,,,,,,,,\n");
    import(&env, &write(&env, "a.csv", &body), &["--commit"]);
    let body = format!("{HEADER}\n036,036105,B,0000000001,A,B,11,,,,,,,,,,\n");
    let (code, v) = import(&env, &write(&env, "b.csv", &body), &[]);
    assert_eq!(code, 1);
    has(&v, 2, "cross-district", "Student ID");
}

#[test]
fn blanks_never_erase_and_clear_does() {
    let env = with_districts();
    let first =
        format!("{HEADER}\n017,017004,M,0000000001,A,B,11,2026-09-01,,Kuder,,Y,,,,OSHA 10,note\n");
    import(&env, &write(&env, "1.csv", &first), &["--commit"]);
    let second = format!("{HEADER}\n017,017004,,0000000001,A,B,11,,,clear,,,,,,,CLEAR\n");
    let (code, v) = import(&env, &write(&env, "2.csv", &second), &["--commit"]);
    assert_eq!(code, 0);
    let changes: Vec<(String, Value, Value)> = row(&v, 2)["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["field"].as_str().unwrap().to_string(),
                c["before"].clone(),
                c["after"].clone(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        vec![
            (
                "Self-Assessment Instrument".into(),
                Value::from("Kuder"),
                Value::Null
            ),
            ("Notes".into(), Value::from("note"), Value::Null),
        ]
    );
    // Grade 12 a year later is the same cohort: no change.
    let later = format!("{HEADER}\n017,017004,,0000000001,A,B,12,,,,,,,,,,\n");
    let (_, v) = import(
        &env,
        &write(&env, "3.csv", &later),
        &["--term", "fall-2027", "--today", "2027-12-01"],
    );
    assert_eq!(row(&v, 2)["outcome"], "unchanged");
    let (_, v) = import(&env, &write(&env, "4.csv", &later), &[]);
    let c = &row(&v, 2)["changes"][0];
    assert_eq!(
        (
            c["field"].as_str(),
            c["before"].as_str(),
            c["after"].as_str()
        ),
        (Some("Cohort"), Some("2028"), Some("2027"))
    );
}

#[test]
fn header_problems_reject_the_file() {
    let env = with_districts();
    let (code, v) = import(
        &env,
        &write(&env, "h.csv", "Student ID,Last Name\n1,2\n"),
        &["--kind", "completions"],
    );
    assert_eq!(code, 1);
    assert_eq!(v["problems"][0]["code"], "no-header");
    let msg = v["problems"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("District Code") && msg.contains("Grade"),
        "{msg}"
    );

    let dup = format!("{HEADER},student id #\n");
    let (code, v) = import(&env, &write(&env, "d.csv", &dup), &[]);
    assert_eq!(
        (code, v["problems"][0]["code"].as_str()),
        (1, Some("duplicate-column"))
    );

    // An `Errors` column (from an error return file) is ignored silently;
    // other unknown columns warn once for the file.
    let body = format!(
        "{HEADER},Errors,Teacher\n017,017004,M,0000000001,A,B,11,,,,,,,,,,,bad,Smith\n,,,,,,,,,,,,,,,,,emptied,\n"
    );
    let (code, v) = import(&env, &write(&env, "e.csv", &body), &[]);
    assert_eq!(code, 0);
    assert_eq!(summary(&v)[0], 1);
    let ps = v["problems"].as_array().unwrap();
    assert_eq!(ps.len(), 1);
    assert_eq!(ps[0]["code"], "extra-column");
    assert!(ps[0]["message"].as_str().unwrap().contains("Teacher"));
    assert!(v["batch"].as_u64().is_some());
}

#[test]
fn csv_encoding_bom_crlf_and_quoted_lines() {
    let env = with_districts();
    let mut latin1 = format!("{HEADER}\n017,017004,M,0000000001,Ren").into_bytes();
    latin1.extend_from_slice(&[0xE9]);
    latin1.extend_from_slice(b",B,11,,,,,,,,,,\n");
    let p = env.dir.path().join("latin1.csv");
    std::fs::write(&p, latin1).unwrap();
    let (code, v) = import(&env, p.to_str().unwrap(), &[]);
    assert_eq!(
        (code, v["problems"][0]["code"].as_str()),
        (1, Some("encoding"))
    );

    // BOM, CRLF, a quoted value spanning two lines: rows are the lines they start on.
    let body = format!(
        "\u{feff}{HEADER}\r\n017,017004,M,0000000001,A,B,11,,,,,,,,,,\"two\r\nlines\"\r\n017,017004,M,0000000002,A,B,11,,,,,,,,,,\r\n"
    );
    let (code, v) = import(&env, &write(&env, "bom.csv", &body), &[]);
    assert_eq!(code, 0);
    let rows: Vec<u64> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["row"].as_u64().unwrap())
        .collect();
    assert_eq!(rows, vec![2, 4]);
}

#[test]
fn other_kinds_and_their_errors() {
    let env = with_districts();
    let body = format!("{HEADER}\n017,017004,M,0000000001,A,B,12,,,,,,,,,,\n");
    import(&env, &write(&env, "s.csv", &body), &["--commit"]);

    let exam = "Student ID,Exam Date,Score,Result (Pass/Fail),Provider\n0000000001,2026-11-01,85,pass,P\n0000000001,2026-11-02,,Maybe,\n0000000009,2026-11-03,,Pass,\n";
    let (code, v) = import(&env, &write(&env, "exam.csv", exam), &["--commit"]);
    assert_eq!(code, 1);
    assert_eq!(v["kind"], "exam");
    assert_eq!(row(&v, 2)["outcome"], "new");
    has(&v, 3, "result", "Result");
    has(&v, 4, "unknown-student", "Student ID");

    let sw = "Student ID,Credential,Attempted,Attained\n0000000001,basic statewide,2026-11-20,\n0000000001,Regional Core,2026-11-20,\n";
    let (code, v) = import(&env, &write(&env, "sw.csv", sw), &["--commit"]);
    assert_eq!((code, v["kind"].as_str()), (1, Some("statewide")));
    assert_eq!(row(&v, 2)["outcome"], "new");
    has(&v, 3, "credential", "Credential");

    let certs = "Student ID,Credential,Issued\n0000000001,Regional Core,2026-11-25\n";
    let (code, v) = import(&env, &write(&env, "c.csv", certs), &["--commit"]);
    assert_eq!(
        (code, v["kind"].as_str(), row(&v, 2)["outcome"].as_str()),
        (0, Some("certificates"), Some("new"))
    );

    let d = "District Code,District Name,Kind,Client (Y/N),Agreement Year,Agreement Signed,Agreement Type\n\
077,X,school,Y,2026-27,2026-08-01,client-contract\n\
078,X,district,Y,2026,2026-08-01,client-contract\n\
079,X,district,Y,2026-27,2026-08-01,handshake\n\
080,X,district,Y,2025-26,2025-08-01,client-contract\n\
080,X,charter,Y,2026-27,2026-08-01,client-contract\n\
081,X,district,Y,2026-27,2026-08-01,client-contract\n\
081,X,district,Y,2026-27,2026-08-01,client-contract\n";
    let (code, v) = import(&env, &write(&env, "d.csv", d), &[]);
    assert_eq!((code, v["kind"].as_str()), (1, Some("districts")));
    has(&v, 2, "kind", "Kind");
    has(&v, 3, "school-year", "Agreement Year");
    has(&v, 4, "agreement-type", "Agreement Type");
    has(&v, 5, "duplicate-conflict", "Kind");
    has(&v, 6, "duplicate-conflict", "Kind");
    assert_eq!(row(&v, 7)["outcome"], "new");
    has(&v, 8, "duplicate-row", "District Code");
}

fn xlsx(path: &std::path::Path, build: impl FnOnce(&mut rust_xlsxwriter::Workbook)) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    build(&mut wb);
    wb.save(path).unwrap();
}

#[test]
fn xlsx_sheet_choice_title_rows_and_cell_types() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Formula};
    let env = with_districts();
    let p = env.dir.path().join("upload.xlsx");
    xlsx(&p, |wb| {
        wb.add_worksheet()
            .set_name("Read me")
            .unwrap()
            .write(0, 0, "instructions")
            .unwrap();
        let ws = wb.add_worksheet().set_name("2026 COMPLETIONS").unwrap();
        ws.write(0, 0, "Micro-Enterprise Completion Template")
            .unwrap();
        for (i, h) in HEADER.split(',').enumerate() {
            ws.write(2, i as u16, h.to_uppercase()).unwrap();
        }
        let date = Format::new().set_num_format("m/d/yyyy");
        ws.write(3, 0, 17).unwrap();
        ws.write(3, 1, 17004).unwrap();
        ws.write(3, 2, "Magnolia").unwrap();
        ws.write(3, 3, 89592595).unwrap();
        ws.write(3, 4, "Boudreaux").unwrap();
        ws.write(3, 5, "Camille").unwrap();
        ws.write(3, 6, "12th Grade").unwrap();
        ws.write_with_format(3, 7, ExcelDateTime::from_ymd(2026, 9, 1).unwrap(), &date)
            .unwrap();
        ws.write_formula_with_format(
            3,
            8,
            Formula::new("=DATE(2026,9,15)").set_result("46280"),
            &date,
        )
        .unwrap();
        ws.write(3, 11, true).unwrap();
        ws.write(3, 12, "10/5/2026").unwrap();
        ws.write_formula(3, 13, Formula::new("=1/0").set_result("#DIV/0!"))
            .unwrap();
        // Row 5 is blank (skipped), row 6 hidden but imported.
        ws.write(5, 0, "017").unwrap();
        ws.write(5, 1, "017004").unwrap();
        ws.write(5, 2, "Magnolia").unwrap();
        ws.write(5, 3, "0000000002").unwrap();
        ws.write(5, 4, "Hidden").unwrap();
        ws.write(5, 5, "Row").unwrap();
        ws.write(5, 6, 10).unwrap();
        ws.set_row_hidden(5).unwrap();
    });
    let (code, v) = import(&env, p.to_str().unwrap(), &[]);
    assert_eq!(code, 1);
    assert_eq!(summary(&v), [2, 1, 0, 0, 0, 1]);
    has(&v, 4, "cell-error", "Company Registration");
    assert_eq!(problems(&v, 4)[0].2, "#DIV/0!");
    assert_eq!(row(&v, 4)["student_id"], "0089592595");
    assert_eq!(row(&v, 6)["outcome"], "new");
}

fn zip_with(path: &std::path::Path, members: &[(&str, Vec<u8>)]) {
    let f = std::fs::File::create(path).unwrap();
    let mut z = zip::ZipWriter::new(f);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in members {
        z.start_file(*name, opts).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap();
}

#[test]
fn zip_bomb_is_refused_before_reading() {
    let env = with_districts();
    let p = env.dir.path().join("bomb.xlsx");
    // 40 MB of one repeated byte packs to about 40 KB: over 100x.
    let mut sheet = b"<?xml version=\"1.0\"?><worksheet><sheetData>".to_vec();
    sheet.extend(std::iter::repeat_n(b' ', 40 * 1024 * 1024));
    sheet.extend_from_slice(b"</sheetData></worksheet>");
    zip_with(
        &p,
        &[
            ("[Content_Types].xml", b"<Types/>".to_vec()),
            ("xl/worksheets/sheet1.xml", sheet),
        ],
    );
    assert!(std::fs::metadata(&p).unwrap().len() < 1024 * 1024);
    let (code, v) = import(&env, p.to_str().unwrap(), &[]);
    assert_eq!(
        (code, v["problems"][0]["code"].as_str()),
        (1, Some("too-large"))
    );
    assert!(v["batch"].is_null());
}

#[test]
fn a_zip_that_is_not_a_workbook_is_unreadable_not_a_crash() {
    let env = with_districts();
    let p = env.dir.path().join("junk.xlsx");
    zip_with(&p, &[("hello.txt", b"hi".to_vec())]);
    let (code, v) = import(&env, p.to_str().unwrap(), &[]);
    assert_eq!(
        (code, v["problems"][0]["code"].as_str()),
        (1, Some("unreadable"))
    );
    let p = env.dir.path().join("empty-sheet.xlsx");
    xlsx(&p, |wb| {
        wb.add_worksheet();
    });
    let (code, v) = import(&env, p.to_str().unwrap(), &[]);
    assert_eq!(
        (code, v["problems"][0]["code"].as_str()),
        (1, Some("no-header"))
    );
}

#[test]
fn a_hidden_completions_sheet_still_comes_first_and_xlsm_reads_like_xlsx() {
    let env = with_districts();
    let p = env.dir.path().join("hidden.xlsx");
    xlsx(&p, |wb| {
        wb.add_worksheet()
            .set_name("Notes")
            .unwrap()
            .write(0, 0, "x")
            .unwrap();
        let old = wb.add_worksheet().set_name("Old Completions").unwrap();
        for (i, h) in HEADER.split(',').enumerate() {
            old.write(0, i as u16, h).unwrap();
        }
        for (i, v) in ["017", "017004", "M", "0000000009", "Hidden", "Sheet", "11"]
            .iter()
            .enumerate()
        {
            old.write(1, i as u16, *v).unwrap();
        }
        old.set_hidden(true);
        let ws = wb.add_worksheet().set_name("Completions").unwrap();
        ws.write(0, 0, "not the data").unwrap();
    });
    let (code, v) = import(&env, p.to_str().unwrap(), &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(row(&v, 2)["student_id"], "0000000009");
    let xlsm = env.dir.path().join("macro.xlsm");
    std::fs::copy(&p, &xlsm).unwrap();
    let (code, v) = import(&env, xlsm.to_str().unwrap(), &[]);
    assert_eq!((code, summary(&v)[0]), (0, 1));
}

#[test]
fn hostile_sizes_are_too_large() {
    let env = with_districts();
    let big = "x".repeat(33 * 1024);
    let body = format!("{HEADER}\n017,017004,M,0000000001,A,B,11,,,,,,,,,,{big}\n");
    let (code, v) = import(&env, &write(&env, "cell.csv", &body), &[]);
    assert_eq!(
        (code, v["problems"][0]["code"].as_str()),
        (1, Some("too-large"))
    );
    let wide = format!("{HEADER}{}\n", ",x".repeat(200));
    let (code, v) = import(&env, &write(&env, "wide.csv", &wide), &[]);
    assert_eq!(
        (code, v["problems"][0]["code"].as_str()),
        (1, Some("too-large"))
    );
    // An .xlsx cell past column 200 is refused too, before rows are read.
    let p = env.dir.path().join("wide.xlsx");
    xlsx(&p, |wb| {
        let ws = wb.add_worksheet();
        ws.write(0, 0, "Student ID").unwrap();
        ws.write(5, 250, "far").unwrap();
    });
    let (code, v) = import(&env, p.to_str().unwrap(), &[]);
    assert_eq!(
        (code, v["problems"][0]["code"].as_str()),
        (1, Some("too-large"))
    );
    let (_, list) = env.json(&["uploads", "list"]);
    assert_eq!(list["batches"].as_array().unwrap().len(), 1);
}
