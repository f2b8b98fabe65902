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

use std::time::Duration;

mod common;

use common::{TODAY, state};
use criterion::{Criterion, criterion_group, criterion_main};
use mecred::cli::evaluate;
use mecred::report::{Format, Inputs, build, render};

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
