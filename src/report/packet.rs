//! The Department of Education packet (issue 8): for a term, per confirmed
//! district, the confirmed report in every format, the confirmation record
//! with its hash, the qualifying students with their module dates and
//! documentation flags, and the upload batches with their SHA-256; then a
//! manifest (`manifest.json` and a human-readable `index.html`) listing every
//! file with its SHA-256 and size, all in one zip.
//!
//! Pure: the caller gathers the data (store, evaluation) and writes the
//! zip's bytes. The same data gives the same bytes: entries are sorted by
//! path, every entry has the same fixed timestamp (1980-01-01, the zip
//! epoch) and mode, and nothing reads the clock.
//!
//! `manifest.json` lists every other file; `index.html` lists every other
//! file too, `manifest.json` included — a file cannot hold its own hash.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::html::esc;
use super::semester::{CREDENTIALS, Report};
use super::write::{Format, render};
use crate::domain::{Batch, Date, DistrictCode, ExamResult, Module, Progress, Term};
use crate::policy::Snapshot;

/// One file of the packet: its path inside the zip and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacketFile {
    /// `/`-separated path inside the zip (`017/report.json`).
    pub path: String,
    /// Its content.
    pub bytes: Vec<u8>,
}

impl PacketFile {
    fn new(path: impl Into<String>, bytes: Vec<u8>) -> PacketFile {
        PacketFile {
            path: path.into(),
            bytes,
        }
    }
}

/// A district's confirmation as the packet records it (filled by the
/// caller from the store's confirmation record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfirmationDoc {
    /// The district.
    pub district: DistrictCode,
    /// The term.
    pub term: Term,
    /// Its sequence number in the term (1 for the first).
    pub seq: u32,
    /// Who confirmed.
    pub by: String,
    /// When (RFC 3339 UTC).
    pub at: String,
    /// The SHA-256 recorded at confirmation (SPEC §1: of the JSON report
    /// without `today` and `generated`).
    pub sha256: String,
    /// The same hash of the report as it stands now (equal: the packet's
    /// report is the confirmed one).
    pub report_sha256_now: String,
    /// Qualifying students per credential and open findings, as confirmed.
    pub counts: BTreeMap<String, u64>,
    /// Earlier confirmations of the term that were withdrawn: `(seq, by,
    /// at, reason)`.
    pub withdrawn: Vec<WithdrawnDoc>,
}

/// A withdrawn earlier confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WithdrawnDoc {
    /// Its sequence number.
    pub seq: u32,
    /// Who had confirmed it.
    pub confirmed_by: String,
    /// When it was confirmed.
    pub confirmed_at: String,
    /// Who withdrew it.
    pub withdrawn_by: String,
    /// When it was withdrawn.
    pub withdrawn_at: String,
    /// Why.
    pub reason: String,
}

/// A district left out of the packet, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Excluded {
    /// The district.
    pub district: DistrictCode,
    /// Its name, when known.
    pub name: Option<String>,
    /// Why (`not confirmed`, `confirmation stale: …`).
    pub reason: String,
}

/// One entry of the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestEntry {
    /// Path inside the zip.
    pub path: String,
    /// SHA-256, lower-case hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Manifest {
    /// What this is.
    pub packet: &'static str,
    /// The term.
    pub term: Term,
    /// The day the packet was built for (`--today`).
    pub today: Date,
    /// The program that wrote it.
    pub generated_by: String,
    /// The districts included, by code.
    pub districts: Vec<DistrictCode>,
    /// The districts left out, with why.
    pub excluded: Vec<Excluded>,
    /// Every other file of the packet but `index.html`, by path.
    pub files: Vec<ManifestEntry>,
}

/// SHA-256 of bytes, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest.iter() {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The files of one confirmed district, under `<code>/`: `report.md`,
/// `report.csv`, `report.html`, `report.json` (the district's report),
/// `confirmation.json`, `students.csv` and `batches.csv`. `report` is that
/// district's own report; `batches` the upload batches of the term that
/// concern it.
pub fn district_files(
    report: &Report,
    snap: &Snapshot,
    confirmation: &ConfirmationDoc,
    batches: &[Batch],
) -> Vec<PacketFile> {
    let code = &confirmation.district;
    let mut out = Vec::new();
    for f in [Format::Markdown, Format::Csv, Format::Html, Format::Json] {
        out.push(PacketFile::new(
            format!("{code}/report.{}", f.extension()),
            render(report, f),
        ));
    }
    let mut conf = serde_json::to_vec_pretty(confirmation).unwrap_or_default();
    conf.push(b'\n');
    out.push(PacketFile::new(format!("{code}/confirmation.json"), conf));
    out.push(PacketFile::new(
        format!("{code}/students.csv"),
        students_csv(report, snap),
    ));
    out.push(PacketFile::new(
        format!("{code}/batches.csv"),
        batches_csv(batches),
    ));
    out
}

/// The header of `students.csv`.
pub const STUDENTS_HEADER: [&str; 22] = [
    "District",
    "School",
    "School Name",
    "Student ID",
    "Last Name",
    "First Name",
    "Grade",
    "Regional Core",
    "Basic Statewide",
    "Advanced Statewide",
    "Self-Assessment Round 1",
    "Self-Assessment Round 2",
    "Self-Assessment Instrument",
    "Self-Assessment Presentation",
    "Credit Applications",
    "Company Registration",
    "Certification Exam",
    "Modules Completed",
    "SA Reports On File",
    "Mentor Checklist On File",
    "Exam Report On File",
    "Exam Provider",
];

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

fn yn(b: bool) -> &'static str {
    if b { "Y" } else { "N" }
}

fn date_text(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// The qualifying students of every district of `report`, in report order,
/// with the module dates and the documentation flags of SPEC §1 (SA reports
/// = both rounds dated; checklist = Mentor Checklist Y; exam report = a
/// result from the provider's file).
pub fn students_csv(report: &Report, snap: &Snapshot) -> Vec<u8> {
    let mut w = csv_writer();
    // Writing to a Vec cannot fail.
    let _ = w.write_record(STUDENTS_HEADER);
    for d in &report.districts {
        for row in &d.qualifying {
            let file =
                crate::domain::StudentId::parse(&row.student_id).and_then(|id| snap.student(&id));
            let student = file.and_then(|f| f.student.as_ref());
            let exams = file.map(|f| f.exams.as_slice()).unwrap_or_default();
            let m = student.map(|s| s.modules.clone()).unwrap_or_default();
            let progress = student.map(|s| Progress::of(s, exams)).unwrap_or_default();
            let provider = exams
                .iter()
                .find(|e| e.result == ExamResult::Pass)
                .or(exams.first())
                .and_then(|e| e.provider.clone())
                .unwrap_or_default();
            let attained = |i: usize| {
                CREDENTIALS
                    .get(i)
                    .and_then(|c| row.attained(*c))
                    .map(|d| d.to_string())
                    .unwrap_or_default()
            };
            let done = Module::ALL
                .iter()
                .filter(|x| progress.completed(**x).is_some())
                .count();
            let _ = w.write_record([
                d.code.as_str(),
                &row.school,
                &row.school_name,
                &row.student_id,
                &row.last_name,
                &row.first_name,
                &row.grade.to_string(),
                &attained(0),
                &attained(1),
                &attained(2),
                &date_text(m.sa_round1),
                &date_text(m.sa_round2),
                m.sa_instrument
                    .as_deref()
                    .unwrap_or("Micro-Enterprise Self-Assessment"),
                &date_text(m.presentation),
                &date_text(m.credit_applications),
                &date_text(m.company_registration),
                &date_text(progress.certification_exam),
                &done.to_string(),
                yn(m.sa_round1.is_some() && m.sa_round2.is_some()),
                yn(m.mentor_checklist == Some(true)),
                yn(!exams.is_empty()),
                &provider,
            ]);
        }
    }
    w.into_inner().unwrap_or_default()
}

/// The header of `batches.csv`.
pub const BATCHES_HEADER: [&str; 11] = [
    "Batch",
    "Kind",
    "District",
    "Term",
    "File",
    "SHA-256",
    "State",
    "Imported At",
    "Imported By",
    "Settled At",
    "Rows",
];

/// The upload batches, by id, with their file's SHA-256.
pub fn batches_csv(batches: &[Batch]) -> Vec<u8> {
    let mut sorted: Vec<&Batch> = batches.iter().collect();
    sorted.sort_by_key(|b| b.id);
    let mut w = csv_writer();
    let _ = w.write_record(BATCHES_HEADER);
    for b in sorted {
        let _ = w.write_record([
            b.id.to_string().as_str(),
            &b.kind.to_string(),
            b.district.as_ref().map_or("", |d| d.as_str()),
            &b.term.map(|t| t.to_string()).unwrap_or_default(),
            &b.file,
            &b.sha256,
            b.state.as_str(),
            &b.imported_at,
            &b.imported_by,
            b.settled_at.as_deref().unwrap_or(""),
            &b.summary.rows.to_string(),
        ]);
    }
    w.into_inner().unwrap_or_default()
}

fn entry(f: &PacketFile) -> ManifestEntry {
    ManifestEntry {
        path: f.path.clone(),
        sha256: sha256_hex(&f.bytes),
        size: u64::try_from(f.bytes.len()).unwrap_or(u64::MAX),
    }
}

/// Everything of the packet: `files` (the districts' files), then
/// `manifest.json` and `index.html` built over them. Sorted by path.
pub fn assemble(
    term: Term,
    today: Date,
    districts: Vec<DistrictCode>,
    excluded: Vec<Excluded>,
    mut files: Vec<PacketFile>,
) -> Vec<PacketFile> {
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest = Manifest {
        packet: "Department of Education packet (Jump Start Micro-Enterprise Credential)",
        term,
        today,
        generated_by: concat!("mecred ", env!("CARGO_PKG_VERSION")).to_string(),
        districts,
        excluded,
        files: files.iter().map(entry).collect(),
    };
    let mut json = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    json.push(b'\n');
    files.push(PacketFile::new("manifest.json", json));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let index = index_html(&manifest, &files);
    files.push(PacketFile::new("index.html", index.into_bytes()));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// `index.html`: what the packet is, which districts are in it and which
/// are not (and why), and every other file with its SHA-256 and size.
fn index_html(m: &Manifest, files: &[PacketFile]) -> String {
    let mut o = String::new();
    let title = esc(&format!("Department of Education packet: {}", m.term));
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}th,td{{border:1px solid #999;padding:.2em .5em;text-align:left}}td.n{{text-align:right}}code{{font-size:.9em}}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
    );
    let _ = writeln!(
        o,
        "<p>Jump Start Micro-Enterprise Credential, term {} (school year {}), built for {} by {}.</p>",
        m.term,
        m.term.school_year(),
        m.today,
        esc(&m.generated_by)
    );
    let _ = writeln!(
        o,
        "<p>Per district: the confirmed semester report (report.md, .csv, .html, .json), the confirmation record with its hash (confirmation.json), the qualifying students with their module dates and documentation flags (students.csv), and the upload batches with their SHA-256 (batches.csv). manifest.json lists the same files with their hashes.</p>"
    );
    let _ = writeln!(
        o,
        "<h2>Districts included ({})</h2>\n<ul>",
        m.districts.len()
    );
    for d in &m.districts {
        let _ = writeln!(o, "<li><a href=\"{d}/report.html\">{d}</a></li>");
    }
    let _ = writeln!(o, "</ul>");
    let _ = writeln!(o, "<h2>Districts not confirmed ({})</h2>", m.excluded.len());
    if m.excluded.is_empty() {
        let _ = writeln!(o, "<p>None.</p>");
    } else {
        let _ = writeln!(
            o,
            "<table>\n<tr><th>District</th><th>Name</th><th>Why it is not in the packet</th></tr>"
        );
        for x in &m.excluded {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                x.district,
                esc(x.name.as_deref().unwrap_or("")),
                esc(&x.reason)
            );
        }
        let _ = writeln!(o, "</table>");
    }
    let _ = writeln!(
        o,
        "<h2>Files</h2>\n<table>\n<tr><th>File</th><th>SHA-256</th><th>Bytes</th></tr>"
    );
    for f in files {
        let e = entry(f);
        let _ = writeln!(
            o,
            "<tr><td><a href=\"{p}\">{p}</a></td><td><code>{}</code></td><td class=\"n\">{}</td></tr>",
            e.sha256,
            e.size,
            p = esc(&e.path)
        );
    }
    let _ = writeln!(o, "</table>\n</body>\n</html>");
    o
}

/// Why the zip could not be built.
#[derive(Debug, thiserror::Error)]
#[error("cannot build the packet's zip: {0}")]
pub struct ZipError(String);

/// The files as one zip, deterministically: entries in the order given
/// (callers pass them sorted), deflated, each with the zip epoch as its
/// timestamp and mode 0644.
pub fn zip(files: &[PacketFile]) -> Result<Vec<u8>, ZipError> {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for f in files {
        w.start_file(f.path.as_str(), options)
            .map_err(|e| ZipError(e.to_string()))?;
        w.write_all(&f.bytes).map_err(|e| ZipError(e.to_string()))?;
    }
    let cursor = w.finish().map_err(|e| ZipError(e.to_string()))?;
    Ok(cursor.into_inner())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::{BatchKind, BatchState, Summary};

    fn term() -> Term {
        "fall-2026".parse().unwrap()
    }

    fn batch(id: u64) -> Batch {
        Batch {
            id,
            kind: BatchKind::Completions,
            district: DistrictCode::parse("017"),
            term: Some(term()),
            file: format!("017-{id}.xlsx"),
            sha256: "ab".repeat(32),
            imported_at: "2026-11-01T10:00:00Z".into(),
            imported_by: "op".into(),
            state: BatchState::Committed,
            summary: Summary {
                rows: 3,
                ..Summary::default()
            },
            problems: Vec::new(),
            sheet: None,
            header_row: None,
            settled_at: Some("2026-11-01T10:01:00Z".into()),
            settled_by: Some("op".into()),
        }
    }

    fn files() -> Vec<PacketFile> {
        vec![
            PacketFile::new("017/b.txt", b"bee".to_vec()),
            PacketFile::new("017/a.txt", b"ay".to_vec()),
        ]
    }

    fn packet() -> Vec<PacketFile> {
        let excluded = vec![Excluded {
            district: DistrictCode::parse("036").unwrap(),
            name: Some("Orleans <Parish>".into()),
            reason: "not confirmed".into(),
        }];
        assemble(
            term(),
            Date::constant(2026, 12, 4),
            vec![DistrictCode::parse("017").unwrap()],
            excluded,
            files(),
        )
    }

    #[test]
    fn sha256_hex_is_the_known_digest() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn the_manifest_lists_every_other_file_with_its_hash_and_size() {
        let p = packet();
        let paths: Vec<&str> = p.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            ["017/a.txt", "017/b.txt", "index.html", "manifest.json"]
        );
        let manifest: serde_json::Value =
            serde_json::from_slice(&p.iter().find(|f| f.path == "manifest.json").unwrap().bytes)
                .unwrap();
        let listed = manifest["files"].as_array().unwrap();
        assert_eq!(listed.len(), 2);
        for e in listed {
            let f = p.iter().find(|f| f.path == e["path"]).unwrap();
            assert_eq!(e["sha256"], sha256_hex(&f.bytes));
            assert_eq!(e["size"], f.bytes.len());
        }
        assert_eq!(manifest["excluded"][0]["district"], "036");
        let index = String::from_utf8(p[2].bytes.clone()).unwrap();
        // index.html lists manifest.json's hash, names the district left out
        // and escapes its name.
        assert!(index.contains(&sha256_hex(&p[3].bytes)));
        assert!(index.contains(&sha256_hex(b"bee")));
        assert!(index.contains("Orleans &lt;Parish&gt;"));
        assert!(index.contains("Districts not confirmed (1)"));
    }

    #[test]
    fn the_zip_is_byte_identical_and_reads_back() {
        let p = packet();
        let a = zip(&p).unwrap();
        let b = zip(&packet()).unwrap();
        assert_eq!(a, b);
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(a)).unwrap();
        assert_eq!(archive.len(), 4);
        for f in &p {
            let mut e = archive.by_name(&f.path).unwrap();
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut e, &mut bytes).unwrap();
            assert_eq!(bytes, f.bytes);
        }
    }

    #[test]
    fn batches_csv_lists_by_id_with_the_file_hash() {
        let text = String::from_utf8(batches_csv(&[batch(7), batch(3)])).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("Batch,Kind,District,Term,File,SHA-256"));
        assert!(lines[1].starts_with("3,completions,017,fall-2026,017-3.xlsx,abab"));
        assert!(lines[2].starts_with("7,"));
        assert!(lines[1].contains(",committed,"));
    }

    #[test]
    fn students_csv_has_module_dates_and_documentation_flags() {
        use crate::domain::{ExamAttempt, Modules, Record, SchoolCode, Student, StudentId};
        use crate::policy::Evaluation;
        let d = Date::constant;
        let id = StudentId::parse("0000000001").unwrap();
        let mut snap = Snapshot::new();
        snap.insert(Record::Student(Student {
            id: id.clone(),
            last_name: "Zed".into(),
            first_name: "Amy".into(),
            school: SchoolCode::parse("017004").unwrap(),
            cohort: 2027,
            pathway: Some(false),
            complementary: vec![],
            modules: Modules {
                sa_round1: Some(d(2026, 9, 1)),
                sa_round2: Some(d(2026, 9, 20)),
                sa_instrument: None,
                presentation: Some(d(2026, 10, 1)),
                mentor_checklist: Some(true),
                credit_applications: Some(d(2026, 10, 5)),
                company_registration: Some(d(2026, 10, 6)),
            },
            notes: None,
        }));
        snap.insert(Record::Exam(ExamAttempt {
            student: id,
            date: d(2026, 11, 10),
            score: None,
            result: ExamResult::Pass,
            provider: Some("Provider X".into()),
        }));
        let eval = Evaluation::full(&snap, d(2026, 12, 4));
        let schools = BTreeMap::new();
        let code = DistrictCode::parse("017").unwrap();
        let report = crate::report::build(
            &snap,
            &eval,
            crate::report::Inputs {
                term: term(),
                district: Some(&code),
                schools: &schools,
                last_change_set: None,
            },
        );
        let text = String::from_utf8(students_csv(&report, &snap)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert_eq!(
            lines[1],
            "017,017004,,0000000001,Zed,Amy,12,2026-11-10,,,2026-09-01,2026-09-20,Micro-Enterprise Self-Assessment,2026-10-01,2026-10-05,2026-10-06,2026-11-10,5,Y,Y,Y,Provider X"
        );
    }
}
