//! The Uploads screens on the `mecred gen` state (imported): the finding
//! delta of a staged 10,000-row batch (what `p` and the commit question
//! show; the policy's part on the UI thread, and the worker's re-triage
//! behind it), and opening a staged 100,000-row batch in the triage screen
//! to its first frame (the row read, the view, one 80×24 frame).
//! `MECRED_BENCH_STUDENTS` sizes the state (default 250,000).
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use mecred::domain::{BatchKind, Term};
use mecred::tui::app::{Effect, Screen};
use mecred::tui::keymap::{Chord, load_keymap};
use mecred::tui::live::Policy;
use mecred::tui::runtime::run_effects;
use mecred::tui::source::{Source, StageOutcome};
use mecred::tui::{App, theme::Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn stage(src: &dyn Source, path: &Path) -> u64 {
    let fall: Term = "fall-2026".parse().unwrap();
    match src
        .stage_file(
            path,
            Some(BatchKind::Completions),
            fall,
            common::TODAY,
            "bench",
            &mut |_| {},
        )
        .unwrap()
    {
        StageOutcome::Staged(id) => id,
        StageOutcome::Rejected(p) => panic!("{}", p.message),
    }
}

fn triage(c: &mut Criterion) {
    let students = common::students();
    let dir = tempfile::tempdir().unwrap();
    let store = common::state(dir.path(), students);
    let src = mecred::cli::store_source(&store);
    let small = dir.path().join("017-fall-2026-10k.xlsx");
    mecred::generate::write_single_district_xlsx(&small, 10_000, 7).unwrap();
    let big = dir.path().join("017-fall-2026-100k.xlsx");
    mecred::generate::write_single_district_xlsx(&big, 100_000, 8).unwrap();
    let id10k = stage(&*src, &small);
    let id100k = stage(&*src, &big);

    let mut g = c.benchmark_group(format!("triage_state_{students}"));
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    let writes = src.batch_writes(id10k, common::TODAY).unwrap();
    let mut policy = Policy::load(&*src, common::TODAY).unwrap();
    let d = policy.delta(&writes);
    eprintln!(
        "10,000-row batch: {} writes, delta +{} −{}",
        writes.len(),
        d.added.len(),
        d.removed.len()
    );
    g.bench_function("finding_delta_10k_rows", |b| {
        b.iter(|| policy.delta(&writes))
    });
    g.bench_function("batch_writes_10k_rows_worker", |b| {
        b.iter(|| src.batch_writes(id10k, common::TODAY).unwrap())
    });

    // The queue open with the 100,000-row batch selected; `enter` to the
    // first frame of its rows.
    let mut queue = App::new(
        load_keymap("default", None).0,
        Theme::color(),
        common::TODAY,
        "bench",
        false,
    );
    let effects = queue.key(Chord::parse("3").unwrap());
    run_effects(&mut queue, &*src, effects);
    if let Some(Screen::Uploads(l)) = queue.stack.last_mut() {
        l.selected = (0..l.len())
            .find(|i| l.row(*i).is_some_and(|b| b.id == id100k))
            .unwrap();
    }
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    g.bench_function("open_100k_row_batch_to_first_frame_80x24", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let mut app = queue.clone();
                let t0 = Instant::now();
                let effects = app.key(Chord::parse("enter").unwrap());
                assert!(matches!(effects.as_slice(), [Effect::Load(_)]));
                run_effects(&mut app, &*src, effects);
                t.draw(|f| mecred::tui::render(&app, f)).unwrap();
                total += t0.elapsed();
                assert!(matches!(app.screen(), Some(Screen::Batch(v)) if v.shown.len() > 90_000));
                drop(app);
            }
            total
        })
    });
    // Filtering those rows by outcome, to the frame.
    let mut opened = queue.clone();
    let effects = opened.key(Chord::parse("enter").unwrap());
    run_effects(&mut opened, &*src, effects);
    g.bench_function("cycle_outcome_100k_rows_to_frame", |b| {
        b.iter(|| {
            let _ = opened.key(Chord::parse("o").unwrap());
            t.draw(|f| mecred::tui::render(&opened, f)).unwrap();
        })
    });
    g.finish();
}

criterion_group!(benches, triage);
criterion_main!(benches);
