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

mod common;

use common::{TODAY, state};
use criterion::{Criterion, criterion_group, criterion_main};
use mecred::cli::load_snapshot;
use mecred::domain::{Date, Record, RecordKey};
use mecred::policy::{Evaluation, Snapshot};

/// Generates the state, imports it and loads the policy snapshot.
fn snapshot(dir: &Path, students: u32) -> Snapshot {
    load_snapshot(&state(dir, students)).unwrap()
}

fn policy(c: &mut Criterion) {
    let students = std::env::var("MECRED_BENCH_STUDENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(250_000);
    let dir = tempfile::tempdir().unwrap();
    let mut snap = snapshot(dir.path(), students);
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
