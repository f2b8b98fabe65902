//! Bulk edit on the `mecred gen` state: 10,000 marked students, a module
//! date set on all of them — the preview (what changes, the findings added
//! and removed) and the apply (one change set, re-evaluation, screens read
//! again). Target: under 300 ms together.
//!
//! Measured (medians, 250k state, this 2-core VM): preview 87 ms and
//! preview plus apply 220 ms quiet; 89 / 207–222 ms with a build on the
//! other core. Before
//! mimalloc became the allocator: preview 144–209 ms, preview + apply
//! 322–466 ms, a third of it in glibc's malloc and free (consolidating and
//! unlinking chunks as 10,000 students were cloned and dropped). Earlier
//! still: 522 ms before the store handed back its writes, the findings
//! listing was patched instead of rebuilt and a preview stayed applied for
//! its commit; 0.98 s before the dashboard recount left the commit path.
//! What remains, by `perf`: the preview ~45% (the findings delta: the
//! touched students' findings listed before and after, their evaluation),
//! the store's change set ~27% (10,000 befores read, ten 1,000-write sled
//! batches, one fsync), the listing patched on commit ~27%.
//!
//! `MECRED_BENCH_CACHE=DIR` keeps the imported state between runs.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use mecred::tui::App;
use mecred::tui::keymap::{Chord, load_keymap};
use mecred::tui::live::Policy;
use mecred::tui::runtime::{Host, run_effects_with};
use mecred::tui::theme::Theme;

const MARKED: usize = 10_000;

fn press(app: &mut App, host: &mut Host, src: &dyn mecred::tui::Source, keys: &str) {
    for k in keys.split_whitespace() {
        let effects = app.key(Chord::parse(k).unwrap());
        run_effects_with(app, host, src, effects);
    }
}

fn bulk_edit(c: &mut Criterion) {
    let students = common::students();
    let dir = tempfile::tempdir().unwrap();
    let store = common::state(dir.path(), students);
    let src = mecred::cli::store_source(&store);
    let mut app = App::new(
        load_keymap("default", None).0,
        Theme::color(),
        common::TODAY,
        "bench",
        false,
    );
    let mut host = Host::new("bench");
    let policy = Policy::load(&*src, common::TODAY).unwrap();
    let _ = host.policy_loaded(&mut app, Ok(Box::new(policy)));
    let ids: Vec<_> = store
        .students()
        .unwrap()
        .into_iter()
        .take(MARKED)
        .map(|s| s.id)
        .collect();
    let n = ids.len();
    let mut g = c.benchmark_group(format!("edit_state_{students}"));
    g.sample_size(10);
    let mut day = 0u32;
    let mut next_date = move || {
        day += 1;
        format!("2026-11-{:02}", day % 28 + 1)
    };
    g.bench_function(format!("preview_{n}_marked"), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                app.edit.marks = ids.iter().cloned().collect();
                press(&mut app, &mut host, &*src, "e down down");
                for ch in next_date().chars() {
                    press(&mut app, &mut host, &*src, &ch.to_string());
                }
                let t0 = Instant::now();
                press(&mut app, &mut host, &*src, "enter");
                total += t0.elapsed();
                assert!(matches!(app.edit.preview, Some(Some(_))));
                press(&mut app, &mut host, &*src, "esc");
            }
            total
        })
    });
    g.bench_function(format!("preview_and_apply_{n}_marked"), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                app.edit.marks = ids.iter().cloned().collect();
                press(&mut app, &mut host, &*src, "e down down");
                for ch in next_date().chars() {
                    press(&mut app, &mut host, &*src, &ch.to_string());
                }
                let t0 = Instant::now();
                press(&mut app, &mut host, &*src, "enter enter");
                total += t0.elapsed();
                let said = app.message.clone().unwrap_or_default().0;
                assert!(said.starts_with("change set"), "{said}");
            }
            total
        })
    });
    g.finish();
}

criterion_group!(benches, bulk_edit);
criterion_main!(benches);
