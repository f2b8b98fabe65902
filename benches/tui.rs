//! Fuzzy filter per keystroke over 250,000 synthetic names (full pass and
//! narrowing), and one module-grid page render at 80×24 and 300×80.
#![allow(clippy::unwrap_used)]

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

criterion_group!(benches, fuzzy, grid);
criterion_main!(benches);
