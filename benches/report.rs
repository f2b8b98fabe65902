//! Issue 6's speed target: the statewide semester report of every district
//! on `mecred gen --students 250000` data (imported through the library as
//! in `benches/policy.rs`), built and written in each format, under 1 s.
//!
//! `MECRED_BENCH_STUDENTS` (default 250000) scales it down for a quick look.
//!
//! Measured on the 2 shared cores, 250k students, 169 districts, 22,263
//! qualifying (medians): build 421 ms; build + write md 417 ms, csv 372 ms,
//! html 388 ms, json 380 ms; hash of a built report 98 ms.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use mecred::cli::{Context, Staged, evaluate, stage};
use mecred::domain::{BatchKind, Date, Term};
use mecred::report::{Format, Inputs, build, render};
use mecred::store::Store;

const TODAY: Date = Date::constant(2026, 12, 4);

fn context(db: &Path) -> Context {
    Context {
        db: Some(db.to_path_buf()),
        today: TODAY,
        today_given: true,
        json: true,
        read_only: false,
        keymap: "default".into(),
        actor: "bench".into(),
    }
}

fn import(ctx: &Context, store: &Store, path: &Path, kind: BatchKind, term: Term) {
    let name = path.file_name().unwrap().to_str().unwrap();
    let bytes = std::fs::read(path).unwrap();
    match stage(ctx, store, name, bytes, Some(kind), term, true).unwrap() {
        Staged::Batch { .. } => {}
        Staged::Rejected { problem, .. } => panic!("{name}: {}", problem.message),
    }
}

/// Generates the state and imports it; returns the store.
fn state(dir: &Path, students: u32) -> Store {
    let out = dir.join("gen");
    mecred::generate::generate(&mecred::generate::GenOptions {
        students,
        seed: 1,
        out_dir: out.clone(),
    })
    .unwrap();
    let db = dir.join("db");
    let ctx = context(&db);
    let store = Store::open(&db).unwrap();
    let fall: Term = "fall-2026".parse().unwrap();
    import(
        &ctx,
        &store,
        &out.join("districts.csv"),
        BatchKind::Districts,
        fall,
    );
    let mut files: Vec<(Date, std::path::PathBuf, Term)> =
        std::fs::read_dir(out.join("completions"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "csv"))
            .map(|p| {
                let stem = p.file_stem().unwrap().to_str().unwrap().to_string();
                let term: Term = stem.split_once('-').unwrap().1.parse().unwrap();
                (term.first_day(), p, term)
            })
            .collect();
    files.sort();
    for (_, p, term) in &files {
        import(&ctx, &store, p, BatchKind::Completions, *term);
    }
    import(
        &ctx,
        &store,
        &out.join("exam-results.csv"),
        BatchKind::Exam,
        fall,
    );
    import(
        &ctx,
        &store,
        &out.join("statewide.csv"),
        BatchKind::Statewide,
        fall,
    );
    store
}

fn report(c: &mut Criterion) {
    let students = std::env::var("MECRED_BENCH_STUDENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(250_000);
    let dir = tempfile::tempdir().unwrap();
    let store = state(dir.path(), students);
    let (snap, eval) = evaluate(&store, TODAY).unwrap();
    let schools = store
        .schools(None)
        .unwrap()
        .into_iter()
        .map(|s| (s.code, s.name))
        .collect();
    let inputs = Inputs {
        term: "fall-2026".parse().unwrap(),
        district: None,
        schools: &schools,
        last_change_set: Some(1),
    };
    let mut g = c.benchmark_group(format!("report_{students}_students"));
    g.sample_size(10).measurement_time(Duration::from_secs(15));
    g.bench_function("build", |b| b.iter(|| build(&snap, &eval, inputs)));
    let r = build(&snap, &eval, inputs);
    eprintln!(
        "{} districts, {} qualifying",
        r.districts.len(),
        r.statewide.as_ref().map_or(0, |t| t.qualifying)
    );
    for (name, f) in [
        ("md", Format::Markdown),
        ("csv", Format::Csv),
        ("html", Format::Html),
        ("json", Format::Json),
    ] {
        g.bench_function(format!("build_and_write_{name}"), |b| {
            b.iter(|| render(&build(&snap, &eval, inputs), f).len())
        });
    }
    g.bench_function("hash", |b| b.iter(|| mecred::report::hash(&r)));
    g.finish();
}

criterion_group!(benches, report);
criterion_main!(benches);
