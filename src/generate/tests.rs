//! End-to-end checks of `generate` on small states (debug builds are slow).

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};

use super::day::Day;
use super::write::{COMPLETION_HEADER, DISTRICTS_HEADER, EXAM_HEADER, STATEWIDE_HEADER};
use super::*;

fn gen_into(dir: &Path, students: u32, seed: u64) -> GenSummary {
    generate(&GenOptions {
        students,
        seed,
        out_dir: dir.to_path_buf(),
    })
    .unwrap()
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn all_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(all_files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let sa = gen_into(a.path(), 400, 7);
    let sb = gen_into(b.path(), 400, 7);
    assert_eq!(sa, sb);
    for rel in &sa.files {
        let (x, y) = (
            std::fs::read(a.path().join(rel)).unwrap(),
            std::fs::read(b.path().join(rel)).unwrap(),
        );
        assert!(x == y, "{} differs", rel.display());
    }
    let sc = gen_into(c.path(), 400, 8);
    let differs = sc.files.iter().any(|rel| {
        std::fs::read(a.path().join(rel)).ok() != std::fs::read(c.path().join(rel)).ok()
    });
    assert!(differs || sc.files != sa.files);
    for name in ["districts.csv", "exam-results.csv", "statewide.csv"] {
        assert_ne!(
            std::fs::read(a.path().join(name)).unwrap(),
            std::fs::read(c.path().join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn layout_headers_codes_and_ids() {
    let dir = tempfile::tempdir().unwrap();
    let s = gen_into(dir.path(), 1_500, 3);
    let listed: Vec<_> = all_files(dir.path())
        .into_iter()
        .map(|p| p.strip_prefix(dir.path()).unwrap().to_path_buf())
        .collect();
    assert_eq!(listed, s.files, "summary lists every file written, sorted");
    let (dh, drows) = read_csv(&dir.path().join("districts.csv"));
    assert_eq!(dh, DISTRICTS_HEADER);
    assert_eq!(
        read_csv(&dir.path().join("exam-results.csv")).0,
        EXAM_HEADER
    );
    assert_eq!(
        read_csv(&dir.path().join("statewide.csv")).0,
        STATEWIDE_HEADER
    );
    let codes: BTreeSet<String> = drows.iter().map(|r| r[0].clone()).collect();
    assert_eq!(codes.len() as u32, s.districts);
    assert!(codes.iter().any(|c| c.bytes().all(|b| b.is_ascii_digit())));
    assert!(codes.iter().any(|c| c.as_bytes()[0].is_ascii_uppercase()));
    let mut owner: HashMap<String, String> = HashMap::new();
    let mut students = BTreeSet::new();
    for rel in s.files.iter().filter(|f| f.starts_with("completions")) {
        let name = rel.file_name().unwrap().to_str().unwrap();
        let (stem, ext) = name.rsplit_once('.').unwrap();
        let (code, term) = stem.split_once('-').unwrap();
        assert!(codes.contains(code), "{name}");
        assert!(matches!(term, "spring-2026" | "fall-2026"), "{name}");
        assert!(ext == "xlsx" || ext == "csv");
        assert!(
            dir.path()
                .join(rel.with_extension(if ext == "csv" { "xlsx" } else { "csv" }))
                .exists()
        );
        if ext != "csv" {
            continue;
        }
        let (h, rows) = read_csv(&dir.path().join(rel));
        assert_eq!(h, COMPLETION_HEADER);
        let mut in_file = BTreeSet::new();
        for r in rows {
            assert_eq!(r[0], code);
            assert!(r[1].len() == 6 && r[1].starts_with(code), "{}", r[1]);
            assert!(
                r[3].len() == 10 && r[3].bytes().all(|b| b.is_ascii_digit()),
                "{}",
                r[3]
            );
            assert!(in_file.insert(r[3].clone()), "repeated {}", r[3]);
            let grade: u8 = r[6].parse().unwrap();
            assert!((9..=12).contains(&grade));
            assert_eq!(
                owner
                    .entry(r[3].clone())
                    .or_insert_with(|| code.to_string()),
                code
            );
            students.insert(r[3].clone());
        }
    }
    assert_eq!(students.len(), 1_500, "every student is in some upload");
}

fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::DateTime(d) => {
            let (y, m, dd, ..) = d.to_ymd_hms_milli();
            Day::ymd(i32::from(y), u32::from(m), u32::from(dd)).to_string()
        }
        other => panic!("unexpected cell {other:?}"),
    }
}

/// ISO text for an ISO or `M/D/YYYY` date, the text itself otherwise.
fn iso(s: &str) -> String {
    let parts: Vec<&str> = s.split('/').collect();
    match parts.as_slice() {
        [m, d, y] => {
            Day::ymd(y.parse().unwrap(), m.parse().unwrap(), d.parse().unwrap()).to_string()
        }
        _ => s.to_string(),
    }
}

#[test]
fn csv_and_xlsx_hold_the_same_data() {
    let dir = tempfile::tempdir().unwrap();
    let s = gen_into(dir.path(), 800, 11);
    let mut compared = 0;
    for rel in s
        .files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "xlsx"))
    {
        let (_, rows) = read_csv(&dir.path().join(rel.with_extension("csv")));
        let mut book: Xlsx<_> = open_workbook(dir.path().join(rel)).unwrap();
        assert_eq!(book.sheet_names(), ["Completions"]);
        let range = book.worksheet_range("Completions").unwrap();
        let mut it = range.rows();
        let header: Vec<String> = it.next().unwrap().iter().map(cell_text).collect();
        assert_eq!(header, COMPLETION_HEADER);
        let sheet: Vec<Vec<String>> = it.map(|r| r.iter().map(cell_text).collect()).collect();
        assert_eq!(sheet.len(), rows.len(), "{}", rel.display());
        for (x, c) in sheet.iter().zip(&rows) {
            let c: Vec<String> = c.iter().map(|v| iso(v)).collect();
            let mut x = x.clone();
            x.resize(17, String::new());
            assert_eq!(x, c);
            compared += 1;
        }
        // Typed cells: IDs and codes as text, grade as a number, dates as dates.
        let first = range.rows().nth(1).unwrap();
        assert!(matches!(first[0], Data::String(_)) && matches!(first[3], Data::String(_)));
        assert!(matches!(first[6], Data::Float(_)));
        assert!(range.rows().skip(1).all(|r| {
            r.get(12)
                .is_none_or(|c| matches!(c, Data::Empty | Data::DateTime(_)))
        }));
    }
    assert!(compared >= 800);
}

#[test]
fn single_district_workbook_has_the_rows_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one.xlsx");
    write_single_district_xlsx(&path, 300, 5).unwrap();
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let range = book.worksheet_range("Completions").unwrap();
    assert_eq!(range.height(), 301);
    assert!(
        range
            .rows()
            .skip(1)
            .all(|r| r[0] == Data::String("017".into()))
    );
    let again = dir.path().join("two.xlsx");
    write_single_district_xlsx(&again, 300, 5).unwrap();
    assert_eq!(
        std::fs::read(&path).unwrap(),
        std::fs::read(&again).unwrap()
    );
}

/// Run with `cargo test --release --lib generate::tests::state_size -- --ignored --nocapture`.
#[test]
#[ignore]
fn state_size_timing() {
    let dir = tempfile::tempdir().unwrap();
    let t = std::time::Instant::now();
    let s = gen_into(dir.path(), 250_000, 1);
    eprintln!(
        "250k students: {:?}, {} districts, {} schools, {} files",
        t.elapsed(),
        s.districts,
        s.schools,
        s.files.len()
    );
}

#[test]
fn no_students_still_writes_the_state_files_and_bad_dirs_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let s = gen_into(dir.path(), 0, 1);
    assert_eq!(
        s.files,
        ["districts.csv", "exam-results.csv", "statewide.csv"].map(std::path::PathBuf::from)
    );
    assert!(!read_csv(&dir.path().join("districts.csv")).1.is_empty());
    let file = dir.path().join("districts.csv");
    let err = generate(&GenOptions {
        students: 5,
        seed: 1,
        out_dir: file,
    });
    assert!(err.is_err());
}
