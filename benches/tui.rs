//! Fuzzy filter per keystroke over 250,000 synthetic names (full pass and
//! narrowing), one module-grid page render at 80×24 and 300×80, and on the
//! `mecred gen` state (imported): opening the database to the first frame,
//! the background load behind it, and a finder keystroke to its frame.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use mecred::search::{Entry, Index, Narrowing, Target};
use std::hint::black_box;

const LAST: [&str; 12] = [
    "Landry",
    "Broussard",
    "Arceneaux",
    "Guidry",
    "Hebert",
    "Thibodeaux",
    "Boudreaux",
    "Fontenot",
    "LeBlanc",
    "Richard",
    "Comeaux",
    "Doucet",
];
const FIRST: [&str; 10] = [
    "Ava", "Ben", "Cal", "Dee", "Eli", "Faye", "Gus", "Hana", "Ivy", "Jude",
];

fn names(n: usize) -> Index {
    Index::new(
        (0..n)
            .map(|i| {
                let id = format!("{:010}", 1_000_000_000 + i);
                Entry {
                    text: format!(
                        "{}{}, {} {id}",
                        LAST[i % LAST.len()],
                        i % 977,
                        FIRST[(i / 7) % FIRST.len()]
                    ),
                    target: Target::Row(i),
                }
            })
            .collect(),
    )
}

fn fuzzy(c: &mut Criterion) {
    let ix = names(250_000);
    let mut g = c.benchmark_group("fuzzy_250k");
    g.sample_size(10);
    for q in ["l", "lan", "land12"] {
        g.bench_function(format!("full_pass_{q}"), |b| {
            b.iter(|| ix.full_pass(black_box(q)))
        });
    }
    // One keystroke after "lan": re-score the previous hits only.
    let base = ix.full_pass("lan");
    g.bench_function("narrow_lan_to_land", |b| {
        b.iter(|| ix.rescore(black_box("land"), &base))
    });
    g.bench_function("type_landry_keystroke_by_keystroke", |b| {
        b.iter(|| {
            let mut n = Narrowing::new(&ix, usize::MAX);
            let mut q = String::new();
            for ch in "landry".chars() {
                q.push(ch);
                n.set_query(&ix, &q);
            }
            n.hits().len()
        })
    });
    g.finish();
}

fn grid(c: &mut Criterion) {
    use mecred::tui::{App, Keymap, theme::Theme};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let today = jiff::civil::date(2026, 12, 4);
    let mut g = c.benchmark_group("grid_page");
    for (w, h) in [(80u16, 24u16), (300, 80)] {
        let mut app = App::new(
            Keymap::empty("default"),
            Theme::color(),
            today,
            "bench",
            true,
        );
        app.resize(w, h);
        mecred::tui::bench_grid(&mut app, 5_000);
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        g.bench_function(format!("{w}x{h}"), |b| {
            b.iter(|| {
                t.draw(|f| mecred::tui::render(&app, f)).unwrap();
            })
        });
    }
    g.finish();
}

fn on_state(c: &mut Criterion) {
    use mecred::tui::app::Effect;
    use mecred::tui::keymap::{Chord, load_keymap};
    use mecred::tui::live::Policy;
    use mecred::tui::runtime::{load, overview};
    use mecred::tui::{App, theme::Theme};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    let students = common::students();
    let dir = tempfile::tempdir().unwrap();
    drop(common::state(dir.path(), students));
    let db = dir.path().join("db");
    let app_on = |size: (u16, u16)| {
        let mut app = App::new(
            load_keymap("default", None).0,
            Theme::color(),
            common::TODAY,
            "bench",
            false,
        );
        app.resize(size.0, size.1);
        app
    };
    // What the event loop does before its first draw: the quick loads
    // inline, the rest handed to threads (not waited for).
    let first_frame =
        |app: &mut App, src: &dyn mecred::tui::Source, t: &mut Terminal<TestBackend>| {
            for e in app.start() {
                if let Effect::Load(r) = e
                    && r.is_quick()
                {
                    let _ = app.loaded(load(src, r));
                }
            }
            t.draw(|f| mecred::tui::render(app, f)).unwrap();
        };
    let mut g = c.benchmark_group(format!("tui_state_{students}"));
    g.sample_size(10);
    g.bench_function("open_db_to_first_frame_80x24", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let t0 = Instant::now();
                let store = mecred::store::Store::open(&db).unwrap();
                let src = mecred::cli::store_source(&store);
                let mut app = app_on((80, 24));
                let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
                first_frame(&mut app, &*src, &mut t);
                total += t0.elapsed();
                drop((app, src, store));
                // sled's background thread lets go of its lock a moment later.
                std::thread::sleep(Duration::from_millis(300));
            }
            total
        })
    });
    let store = mecred::store::Store::open(&db).unwrap();
    let src = mecred::cli::store_source(&store);
    g.measurement_time(Duration::from_secs(40));
    g.bench_function("background_read_names_and_evaluate", |b| {
        b.iter(|| {
            Policy::load_then(&*src, common::TODAY, |snap| {
                overview(&*src, snap).unwrap();
            })
            .unwrap()
        })
    });
    // The finder over every name: each keystroke of "landry" to its frame,
    // the search step (the worker's) included.
    let mut app = app_on((80, 24));
    let mut names = None;
    let policy = Policy::load_then(&*src, common::TODAY, |snap| {
        names = Some(overview(&*src, snap).unwrap());
    })
    .unwrap();
    drop(policy);
    let _ = app.loaded(mecred::tui::app::Loaded::Overview(Ok(names.unwrap())));
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    // Typing `typed`, then timing only the key `key` to its frame.
    let mut type_then_time = |typed: &str, key: &str| -> Duration {
        let step = |app: &mut App, ch: &str| {
            let mut queue = app.key(Chord::parse(ch).unwrap());
            while let Some(e) = queue.pop() {
                if let Effect::Search(job) = e {
                    let hits = job.job.run(&job.index);
                    queue.extend(app.loaded(mecred::tui::app::Loaded::Hits {
                        query: job.job.query,
                        hits,
                    }));
                }
            }
        };
        step(&mut app, "C-p");
        for ch in typed.chars() {
            step(&mut app, &ch.to_string());
        }
        let t0 = Instant::now();
        step(&mut app, key);
        t.draw(|f| mecred::tui::render(&app, f)).unwrap();
        let took = t0.elapsed();
        step(&mut app, "esc");
        took
    };
    for (typed, key) in [
        ("", "l"),
        ("l", "a"),
        ("la", "n"),
        ("lan", "d"),
        ("landr", "y"),
    ] {
        g.bench_function(format!("finder_key_{key}_after_{typed:?}_to_frame"), |b| {
            b.iter_custom(|iters| (0..iters).map(|_| type_then_time(typed, key)).sum())
        });
    }
    // Every screen on the whole state, as the runtime fills it (names,
    // evaluation and dashboard loaded): the render of one frame at 80×24,
    // and a key (down) to its redrawn frame.
    let mut app = app_on((80, 24));
    let mut host = mecred::tui::runtime::Host::new("bench");
    let start = app.start();
    mecred::tui::runtime::run_effects_with(&mut app, &mut host, &*src, start);
    let press = |app: &mut App, host: &mut mecred::tui::runtime::Host, keys: &str| {
        for k in keys.split_whitespace() {
            let effects = app.key(Chord::parse(k).unwrap());
            mecred::tui::runtime::run_effects_with(app, host, &*src, effects);
        }
    };
    for (name, keys) in [
        ("dashboard", "1"),
        ("districts", "2"),
        ("schools", "2 enter"),
        ("students", "2 enter enter"),
        ("grid", "2 enter enter tab"),
        ("detail", "2 enter enter enter"),
        ("findings", "5"),
        ("uploads", "3"),
        ("audit", "4"),
        ("reports", "6"),
    ] {
        press(&mut app, &mut host, keys);
        g.bench_function(format!("render_{name}_80x24"), |b| {
            b.iter(|| {
                t.draw(|f| mecred::tui::render(&app, f)).unwrap();
            })
        });
        if matches!(name, "districts" | "findings" | "students" | "audit") {
            g.bench_function(format!("key_down_to_frame_{name}_80x24"), |b| {
                b.iter(|| {
                    press(&mut app, &mut host, "down");
                    t.draw(|f| mecred::tui::render(&app, f)).unwrap();
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, fuzzy, grid, on_state);
criterion_main!(benches);
