//! Issue 3's speed targets, on `mecred gen --students 250000` data imported
//! through the library (districts, every completions CSV by term, exam
//! results, statewide), then loaded into a policy Snapshot from the store:
//! - full evaluation under 300 ms on one core;
//! - incremental re-evaluation after a single-student edit under 1 ms.
//!
//! `MECRED_BENCH_STUDENTS` (default 250000) scales it down for a quick look.
//!
//! Measured on the 2 shared cores (load ~1.5), 250k students, 27,896
//! findings: full evaluation 204 ms median, incremental edit 0.86 µs.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use mecred::cli::{Context, Staged, load_snapshot, stage};
use mecred::domain::{BatchKind, Date, Record, RecordKey, Term};
use mecred::policy::{Evaluation, Snapshot};
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

/// Generates the state and imports it; returns the loaded snapshot.
fn state(dir: &Path, students: u32) -> Snapshot {
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
    load_snapshot(&store).unwrap()
}

fn policy(c: &mut Criterion) {
    let students = std::env::var("MECRED_BENCH_STUDENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(250_000);
    let dir = tempfile::tempdir().unwrap();
    let mut snap = state(dir.path(), students);
    let mut g = c.benchmark_group(format!("policy_{students}_students"));
    g.sample_size(20).measurement_time(Duration::from_secs(20));
    g.bench_function("full_evaluation", |b| {
        b.iter(|| Evaluation::full(&snap, TODAY));
    });
    let full = Evaluation::full(&snap, TODAY);
    eprintln!("{} findings", full.findings().len());

    // One student edited back and forth: Credit Applications set / cleared.
    let (id, file) = snap
        .students()
        .find(|(_, f)| f.student.is_some())
        .map(|(id, f)| (id.clone(), f.clone()))
        .unwrap();
    let base = file.student.unwrap();
    let key = RecordKey::Student(id);
    let mut eval = full;
    let mut flip = false;
    g.bench_function("incremental_single_student_edit", |b| {
        b.iter(|| {
            flip = !flip;
            let mut s = base.clone();
            s.modules.credit_applications = flip.then_some(Date::constant(2026, 10, 1));
            let touched = snap.set(&key, Some(Record::Student(s)));
            eval.update(&snap, &touched);
        });
    });
    g.finish();
    let again = Evaluation::full(&snap, TODAY);
    assert_eq!(eval.findings(), again.findings());
}

criterion_group!(benches, policy);
criterion_main!(benches);
