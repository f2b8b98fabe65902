//! `mecred gen`: a deterministic synthetic state-sized data set (SPEC §5 `gen`,
//! file formats of SPEC §2). Same seed, same bytes: every random choice comes
//! from ChaCha8 streams of the seed (stream 0 lays out the state, stream
//! `1 + i` fills district `i`), so districts can be written in parallel and
//! the output does not depend on the thread count.
//!
//! The data: school year 2025-26 (spring-2026 uploads, dated up to
//! 2026-05-15) and fall 2026 up to 2026-12-04; about 70 parish/city districts
//! and 100 charter LEAs at state size; realistic partial progress; and a small
//! share of every policy problem of SPEC §3 the files can carry (see
//! `students::Plant` and `layout::plant_district_problems`).

mod day;
mod ids;
mod layout;
mod names;
mod plants;
mod students;
mod write;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Context;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use day::Day;
use layout::{DistrictPlan, pick};
use names::Lists;
use students::{Exam, Student};
use write::{Cell, Row};

#[cfg(test)]
mod policy_tests;
#[cfg(test)]
mod tests;

/// What `mecred gen` was asked for.
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// How many distinct students the state has.
    pub students: u32,
    /// The seed: same seed, same bytes.
    pub seed: u64,
    /// The directory written into (created if missing).
    pub out_dir: PathBuf,
}

/// What `generate` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenSummary {
    /// Districts in districts.csv.
    pub districts: u32,
    /// Schools across all districts.
    pub schools: u32,
    /// Distinct students.
    pub students: u32,
    /// Every file written, relative to `out_dir`, sorted.
    pub files: Vec<PathBuf>,
}

/// One exam-results.csv row.
struct ExamRow {
    id: String,
    exam: Exam,
    provider: &'static str,
}

/// One statewide.csv row.
struct StatewideRow {
    id: String,
    advanced: bool,
    attempted: Day,
    attained: Option<Day>,
}

/// What one district contributes beyond its own completions files.
#[derive(Default)]
struct DistrictOutput {
    files: Vec<PathBuf>,
    exams: Vec<ExamRow>,
    statewide: Vec<StatewideRow>,
}

/// Writes the whole data set into `opts.out_dir`.
pub fn generate(opts: &GenOptions) -> anyhow::Result<GenSummary> {
    let dir = &opts.out_dir;
    std::fs::create_dir_all(dir.join("completions"))
        .with_context(|| format!("creating {}", dir.join("completions").display()))?;
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let plans = layout::plan(&mut rng, opts.students);
    let lists = Lists::new();

    // Biggest districts first, so two workers finish together.
    let mut queue: Vec<usize> = (0..plans.len()).collect();
    queue.sort_by_key(|&i| (std::cmp::Reverse(plans[i].students), i));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<anyhow::Result<DistrictOutput>>>> =
        Mutex::new((0..plans.len()).map(|_| None).collect());
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(&i) = queue.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let out = district_files(dir, &plans[i], i, opts.seed, &lists);
                    if let Ok(mut r) = results.lock() {
                        r[i] = Some(out);
                    }
                }
            });
        }
    });
    let results = results
        .into_inner()
        .map_err(|_| anyhow::anyhow!("a generator thread panicked"))?;

    let mut files = vec![
        PathBuf::from("districts.csv"),
        PathBuf::from("exam-results.csv"),
        PathBuf::from("statewide.csv"),
    ];
    let (mut exams, mut statewide) = (Vec::new(), Vec::new());
    for r in results {
        let out = r.context("a district was not generated")??;
        files.extend(out.files);
        exams.extend(out.exams);
        statewide.extend(out.statewide);
    }
    write_districts(&dir.join("districts.csv"), &plans)?;
    write_exams(&dir.join("exam-results.csv"), exams)?;
    write_statewide(&dir.join("statewide.csv"), statewide)?;
    files.sort();
    Ok(GenSummary {
        districts: plans.len() as u32,
        schools: plans.iter().map(|d| d.schools.len() as u32).sum(),
        students: opts.students,
        files,
    })
}

/// The ChaCha8 stream of district `index`.
fn district_rng(seed: u64, index: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index as u64 + 1);
    rng
}

fn district_files(
    dir: &Path,
    d: &DistrictPlan,
    index: usize,
    seed: u64,
    lists: &Lists,
) -> anyhow::Result<DistrictOutput> {
    let mut rng = district_rng(seed, index);
    let students = students::district_students(&mut rng, d, lists, seed);
    let mut out = DistrictOutput::default();
    for fall in [false, true] {
        if fall && !d.has_fall_upload {
            continue;
        }
        let rows = term_rows(d, &students, fall);
        if rows.is_empty() {
            continue;
        }
        let term = if fall { "fall-2026" } else { "spring-2026" };
        for ext in ["csv", "xlsx"] {
            let rel = PathBuf::from("completions").join(format!("{}-{term}.{ext}", d.code));
            match ext {
                "csv" => write::completions_csv(&dir.join(&rel), &rows, d.us_dates)?,
                _ => write::completions_xlsx(&dir.join(&rel), &rows)?,
            }
            out.files.push(rel);
        }
    }
    for s in &students {
        for e in &s.exams {
            let provider = if rng.random_range(0..10) == 0 {
                ""
            } else {
                pick(&mut rng, &lists.providers)
            };
            out.exams.push(ExamRow {
                id: s.id.clone(),
                exam: e.clone(),
                provider,
            });
        }
        for a in &s.statewide {
            out.statewide.push(StatewideRow {
                id: s.id.clone(),
                advanced: a.advanced,
                attempted: a.attempted,
                attained: a.attained,
            });
        }
    }
    Ok(out)
}

/// The rows of one district's spring-2026 or fall-2026 upload, sorted by
/// school, name and ID, showing what was dated by that upload.
fn term_rows<'a>(d: &'a DistrictPlan, students: &'a [Student], fall: bool) -> Vec<Row<'a>> {
    let (year_end, cutoff) = if fall {
        (2027, students::FALL.1)
    } else {
        (2026, students::SPRING.1)
    };
    let mut picked: Vec<(&'a layout::SchoolPlan, &'a Student)> = students
        .iter()
        .filter_map(|s| {
            let school = if fall { s.fall_school } else { s.spring_school };
            Some((d.schools.get(school?)?, s))
        })
        .collect();
    picked.sort_by(|a, b| {
        (&a.0.code, a.1.last, a.1.first, &a.1.id).cmp(&(&b.0.code, b.1.last, b.1.first, &b.1.id))
    });
    picked
        .into_iter()
        .map(|(school, s)| row(d, school, s, year_end, cutoff))
        .collect()
}

fn row<'a>(
    d: &'a DistrictPlan,
    school: &'a layout::SchoolPlan,
    s: &'a Student,
    year_end: i32,
    cutoff: Day,
) -> Row<'a> {
    let shown = |x: Option<Day>| x.filter(|&x| x <= cutoff);
    let date = |x: Option<Day>| shown(x).map_or(Cell::Blank, Cell::Date);
    let any_round = shown(s.r1).is_some() || shown(s.r2).is_some();
    let instrument = match s.plant {
        Some(students::Plant::SaSubstitute) => s.instrument,
        _ if any_round => s.instrument,
        _ => "",
    };
    let checklist = match (shown(s.pres), s.checklist) {
        (None, _) => Cell::Blank,
        (Some(_), true) => Cell::Text("Y"),
        (Some(_), false) => Cell::Text("N"),
    };
    let text = |t: &'a str| {
        if t.is_empty() {
            Cell::Blank
        } else {
            Cell::Text(t)
        }
    };
    let grade = 12 - (s.cohort - year_end);
    [
        Cell::Text(&d.code),
        Cell::Text(&school.code),
        Cell::Text(&school.name),
        Cell::Text(&s.id),
        Cell::Text(s.last),
        Cell::Text(s.first),
        Cell::Number(grade.clamp(0, 255) as u8),
        date(s.r1),
        date(s.r2),
        text(instrument),
        date(s.pres),
        checklist,
        date(s.credit),
        date(s.company),
        Cell::Text(if s.pathway { "Y" } else { "N" }),
        if s.complementary.is_empty() {
            Cell::Blank
        } else {
            Cell::Owned(s.complementary.join("; "))
        },
        text(s.notes),
    ]
}

fn write_districts(path: &Path, plans: &[DistrictPlan]) -> anyhow::Result<()> {
    let mut w = write::csv_writer(path)?;
    w.write_record(write::DISTRICTS_HEADER)?;
    for d in plans {
        for a in &d.agreements {
            let kind = if d.is_charter { "charter" } else { "district" };
            let client = if d.is_client { "Y" } else { "N" };
            let signed = a.signed.to_string();
            w.write_record([
                d.code.as_str(),
                &d.name,
                kind,
                client,
                a.year,
                &signed,
                a.kind,
            ])?;
        }
    }
    write::finish(w, path)
}

fn write_exams(path: &Path, mut rows: Vec<ExamRow>) -> anyhow::Result<()> {
    rows.sort_by(|a, b| (a.exam.date, &a.id).cmp(&(b.exam.date, &b.id)));
    let mut w = write::csv_writer(path)?;
    w.write_record(write::EXAM_HEADER)?;
    for r in rows {
        let result = if r.exam.pass { "Pass" } else { "Fail" };
        w.write_record([
            &r.id,
            &r.exam.date.to_string(),
            &r.exam.score.to_string(),
            result,
            r.provider,
        ])?;
    }
    write::finish(w, path)
}

fn write_statewide(path: &Path, mut rows: Vec<StatewideRow>) -> anyhow::Result<()> {
    rows.sort_by(|a, b| (a.attempted, &a.id, a.advanced).cmp(&(b.attempted, &b.id, b.advanced)));
    let mut w = write::csv_writer(path)?;
    w.write_record(write::STATEWIDE_HEADER)?;
    for r in rows {
        let credential = if r.advanced {
            "Advanced Statewide"
        } else {
            "Basic Statewide"
        };
        let attained = r.attained.map(|d| d.to_string()).unwrap_or_default();
        w.write_record([&r.id, credential, &r.attempted.to_string(), &attained])?;
    }
    write::finish(w, path)
}

/// A single-district completions .xlsx of exactly `rows` students: district
/// `017` (East Baton Rouge Parish), term fall-2026, the columns and planted
/// problems of `generate` — for the import benchmark (100,000 rows).
pub fn write_single_district_xlsx(path: &Path, rows: u32, seed: u64) -> anyhow::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let lists = Lists::new();
    let d = layout::single_district(&mut rng, "017", "East Baton Rouge Parish", rows);
    let mut picked = Vec::with_capacity(rows as usize);
    let mut index = 0u64;
    while picked.len() < rows as usize {
        let s = students::student_at(&mut rng, &d, &lists, index, seed);
        index += 1;
        if s.fall_school.is_some() {
            picked.push(s);
        }
    }
    let rows = term_rows(&d, &picked, true);
    write::completions_xlsx(path, &rows)
}
