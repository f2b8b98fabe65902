//! The Uploads screens over the memory fixture: the queue's filters, a
//! batch's outcome filter and row detail, the y/n before a change, and
//! read-only refusals. (Store-backed runs: `cli/tui_source/uploads_tests`.)

use super::{app, draw, press, screen_80x24, text};
use crate::domain::{Batch, BatchState, DistrictCode, Term};
use crate::tui::app::{App, BatchOp, Effect, Screen, UploadPrompt};
use crate::tui::fixture;
use crate::tui::keymap::{Chord, Key, load_keymap};
use crate::tui::runtime::run_effects;
use crate::tui::screens::uploads::gauge_text;
use crate::tui::source::MemorySource;
use crate::tui::theme::Theme;

fn both_sizes(a: &App) -> (String, String) {
    (screen_80x24(a), text(&draw(a, 200, 60)))
}

/// The fixture plus a staged 029 batch of spring and a discarded one.
fn with_queue() -> (App, MemorySource) {
    let (_, mut src) = app("default", Theme::no_color());
    let first = src.batches[0].clone();
    let mut staged = Batch {
        id: 2,
        district: DistrictCode::parse("029"),
        term: Some("spring-2026".parse::<Term>().unwrap()),
        file: "lafourche.csv".into(),
        state: BatchState::Staged,
        ..first.clone()
    };
    staged.summary.rows = 7;
    src.batches.push(staged);
    src.batches.push(Batch {
        id: 3,
        file: "old.xlsx".into(),
        state: BatchState::Discarded,
        ..first
    });
    let (km, _) = load_keymap("default", None);
    let mut a = App::new(km, Theme::no_color(), fixture::today(), "demo.db", false);
    let start = a.start();
    run_effects(&mut a, &src, start);
    (a, src)
}

fn shown_ids(a: &App) -> Vec<u64> {
    match a.screen() {
        Some(Screen::Uploads(l)) => (0..l.len())
            .filter_map(|i| l.row(i))
            .map(|b| b.id)
            .collect(),
        other => panic!("{other:?}"),
    }
}

fn type_text(a: &mut App, src: &MemorySource, text: &str) {
    for c in text.chars() {
        let effects = a.key(Chord::plain(Key::Char(c)));
        run_effects(a, src, effects);
    }
}

#[test]
fn the_queue_filters_by_state_district_and_term() {
    let (mut a, src) = with_queue();
    press(&mut a, &src, "3");
    assert_eq!(shown_ids(&a), vec![1, 2, 3]);
    press(&mut a, &src, "f");
    assert_eq!(shown_ids(&a), vec![2]);
    let (s, wide) = both_sizes(&a);
    assert!(
        s.contains("Uploads · staged") && s.contains("lafourche.csv"),
        "{s}"
    );
    assert!(!s.contains("ebr-fall.xlsx"), "{s}");
    assert!(
        wide.contains("2026-12-01 15:04") && wide.contains("operator"),
        "{wide}"
    );
    press(&mut a, &src, "f");
    assert_eq!(shown_ids(&a), vec![1]);
    press(&mut a, &src, "f f f");
    assert_eq!(shown_ids(&a), vec![1, 2, 3]);
    // District: 017 first (sorted), then 029, then all.
    press(&mut a, &src, "d");
    assert_eq!(shown_ids(&a), vec![1, 3]);
    press(&mut a, &src, "d");
    assert_eq!(shown_ids(&a), vec![2]);
    press(&mut a, &src, "d t");
    assert_eq!(shown_ids(&a), vec![2]);
    assert!(screen_80x24(&a).contains("Uploads · spring-2026"));
    // Filters stack, and say so when nothing passes.
    press(&mut a, &src, "f f");
    assert!(shown_ids(&a).is_empty());
    assert!(screen_80x24(&a).contains("No batch passes the filters"));
}

#[test]
fn a_batch_filters_rows_by_outcome_and_opens_a_rows_detail() {
    let (mut a, src) = app("default", Theme::no_color());
    press(&mut a, &src, "3 enter");
    let s = screen_80x24(&a);
    assert!(s.contains("rows: all (o) · 1/2"), "{s}");
    // new (none) → changed → unchanged → warning → error → all
    press(&mut a, &src, "o");
    assert!(screen_80x24(&a).contains("No rows with this outcome"));
    press(&mut a, &src, "o");
    let s = screen_80x24(&a);
    assert!(
        s.contains("rows: changed (o) · 1/1") && !s.contains("12345"),
        "{s}"
    );
    press(&mut a, &src, "enter");
    let (s, wide) = both_sizes(&a);
    assert!(s.contains("Row 2 · 1000000001 · changed"), "{s}");
    assert!(s.contains("SA Round 2: — → 2026-10-05"), "{s}");
    assert!(wide.contains("No problems."), "{wide}");
    // esc closes the detail, then leaves the batch.
    press(&mut a, &src, "esc");
    assert!(!screen_80x24(&a).contains("Row 2 ·"));
    press(&mut a, &src, "o o o");
    let s = screen_80x24(&a);
    assert!(
        s.contains("rows: error (o) · 1/1") && s.contains("12345"),
        "{s}"
    );
    press(&mut a, &src, "o");
    assert!(screen_80x24(&a).contains("rows: all (o) · 1/2"));
    press(&mut a, &src, "esc");
    assert!(matches!(a.screen(), Some(Screen::Uploads(_))));
}

#[test]
fn commit_asks_first_n_cancels_and_y_runs_on_the_source() {
    let (mut a, src) = with_queue();
    press(&mut a, &src, "3 down c");
    assert!(matches!(
        a.uploads.prompt,
        Some(UploadPrompt::Confirm {
            op: BatchOp::Commit,
            ..
        })
    ));
    let s = screen_80x24(&a);
    assert!(s.contains("commit batch 2 (lafourche.csv)"), "{s}");
    let effects = a.key(Chord::plain(Key::Char('n')));
    assert!(effects.is_empty());
    assert!(a.uploads.prompt.is_none());
    assert!(screen_80x24(&a).contains("batch 2 not committed"));
    press(&mut a, &src, "c");
    let effects = a.key(Chord::plain(Key::Char('y')));
    assert_eq!(
        effects,
        vec![Effect::SettleBatch {
            op: BatchOp::Commit,
            batch: 2
        }]
    );
    // The memory source cannot write: its refusal is the status line.
    run_effects(&mut a, &src, effects);
    assert!(
        screen_80x24(&a).contains("could not commit batch 2: this data source cannot commit"),
        "{}",
        screen_80x24(&a)
    );
    // Discard asks too, and says what it does.
    press(&mut a, &src, "x");
    assert!(screen_80x24(&a).contains("discard batch 2"));
    press(&mut a, &src, "esc");
    assert!(a.uploads.prompt.is_none());
}

#[test]
fn changes_in_the_wrong_state_are_refused_before_asking() {
    let (mut a, src) = with_queue();
    press(&mut a, &src, "3 c");
    assert!(a.uploads.prompt.is_none());
    assert!(
        screen_80x24(&a).contains("batch 1 is committed: only a staged batch can be committed")
    );
    press(&mut a, &src, "down R");
    assert!(screen_80x24(&a).contains("only a committed batch can be reverted"));
    press(&mut a, &src, "up p");
    assert!(screen_80x24(&a).contains("only a staged batch has a finding delta"));
    press(&mut a, &src, "R");
    assert!(screen_80x24(&a).contains("revert batch 1 (ebr-fall.xlsx)?"));
}

#[test]
fn read_only_refuses_every_editing_key_and_changes_nothing() {
    let (_, src) = with_queue();
    let (km, _) = load_keymap("default", None);
    let mut a = App::new(km, Theme::no_color(), fixture::today(), "demo.db", true);
    let start = a.start();
    run_effects(&mut a, &src, start);
    press(&mut a, &src, "3");
    for (keys, says) in [
        ("i", "read-only: importing a file is refused"),
        ("c", "read-only: committing a batch is refused"),
        ("x", "read-only: discarding a batch is refused"),
        ("R", "read-only: reverting a batch is refused"),
        ("down c", "read-only: committing a batch is refused"),
        ("enter c", "read-only: committing a batch is refused"),
    ] {
        let mut all = Vec::new();
        for k in keys.split_whitespace() {
            all = a.key(Chord::parse(k).unwrap());
            run_effects(&mut a, &src, all.clone());
        }
        assert!(a.uploads.prompt.is_none(), "{keys}");
        assert!(!all.iter().any(|e| matches!(e, Effect::SettleBatch { .. })));
        assert!(
            screen_80x24(&a).contains(says),
            "{keys}: {}",
            screen_80x24(&a)
        );
    }
    // The command line opens, but `:import` is refused on enter.
    press(&mut a, &src, "esc :");
    type_text(&mut a, &src, "import fixtures/districts.csv");
    let effects = a.key(Chord::parse("enter").unwrap());
    assert!(effects.is_empty());
    assert!(a.uploads.import.is_none());
    assert!(screen_80x24(&a).contains("read-only: importing a file is refused"));
}

#[test]
fn the_command_line_types_reports_mistakes_and_the_gauge_shows_progress() {
    use crate::tui::app::{ImportStep, Loaded};
    let (mut a, src) = app("default", Theme::no_color());
    press(&mut a, &src, "3 :");
    type_text(&mut a, &src, "imprt x");
    let s = screen_80x24(&a);
    assert!(s.contains(":imprt x"), "{s}");
    press(&mut a, &src, "enter");
    assert!(screen_80x24(&a).contains("unknown command `imprt`"));
    press(
        &mut a,
        &src,
        "backspace backspace backspace backspace backspace backspace backspace",
    );
    type_text(&mut a, &src, "import fixtures/nope.csv");
    let effects = a.key(Chord::parse("enter").unwrap());
    assert!(
        matches!(effects.as_slice(), [Effect::Stage { path, .. }] if path.ends_with("nope.csv"))
    );
    // Steps from the worker move the gauge (not run: inspect it).
    a.loaded(Loaded::Importing(ImportStep::Reading { bytes: 4096 }));
    a.loaded(Loaded::Importing(ImportStep::Tick));
    let (s, wide) = both_sizes(&a);
    assert!(
        s.contains("Importing fixtures/nope.csv") && s.contains("reading (4 KB)"),
        "{s}"
    );
    assert!(wide.contains("triaging"), "{wide}");
    a.loaded(Loaded::Importing(ImportStep::Rows {
        storing: false,
        done: 12_000,
        total: 100_000,
    }));
    assert!(
        screen_80x24(&a).contains("triaging 12,000 of 100,000 rows"),
        "{}",
        screen_80x24(&a)
    );
    let triaging = gauge_text(a.uploads.import.as_ref().unwrap()).0;
    a.loaded(Loaded::Importing(ImportStep::Rows {
        storing: true,
        done: 50_000,
        total: 100_000,
    }));
    assert!(screen_80x24(&a).contains("staging 50,000 of 100,000 rows"));
    let storing = gauge_text(a.uploads.import.as_ref().unwrap()).0;
    assert!(0.2 < triaging && triaging < storing && storing < 1.0);
    run_effects(&mut a, &src, effects);
    assert!(a.uploads.import.is_none());
    assert!(screen_80x24(&a).contains("not imported: cannot read fixtures/nope.csv"));
}

#[test]
fn help_lists_the_uploads_keys_in_both_keymaps() {
    for keymap in ["default", "vim"] {
        let (mut a, src) = app(keymap, Theme::no_color());
        press(&mut a, &src, "3 ?");
        let s = text(&draw(&a, 120, 60));
        for want in [
            "import",
            "command",
            "cycle_state",
            "cycle_term",
            "preview_delta",
            "commit_batch",
            "discard_batch",
            "revert_batch",
        ] {
            assert!(s.contains(want), "{keymap}: {want}\n{s}");
        }
    }
}

#[test]
fn a_long_delta_shows_what_fits_and_counts_the_rest() {
    use crate::tui::app::Loadable;
    use crate::tui::live::Delta;
    use crate::tui::screens::uploads::batch::delta_lines;
    let (a, _) = app("default", Theme::no_color());
    let Loadable::Ready(all) = &a.findings else {
        panic!()
    };
    let f: Vec<_> = all.items.iter().map(|l| l.finding.clone()).collect();
    assert!(f.len() >= 3, "{}", f.len());
    let d = Delta {
        added: f.clone(),
        removed: f[..1].to_vec(),
    };
    let total = f.len() + 1;
    let lines = delta_lines(&d, 3, &Theme::no_color());
    assert_eq!(lines.len(), 3);
    assert!(
        lines[0]
            .to_string()
            .starts_with(&format!("+ {}", f[0].rule.as_str()))
    );
    assert_eq!(lines[2].to_string(), format!("… and {} more", total - 2));
    let lines = delta_lines(&d, 100, &Theme::no_color());
    assert_eq!(lines.len(), total);
    assert!(lines[total - 1].to_string().starts_with("− "));
    assert_eq!(
        delta_lines(&Delta::default(), 5, &Theme::no_color())[0].to_string(),
        "No finding would change."
    );
}

#[test]
fn the_return_file_key_works_inside_a_batch_too() {
    let (mut a, src) = app("default", Theme::no_color());
    press(&mut a, &src, "3 enter");
    let effects = a.key(Chord::parse("E").unwrap());
    assert!(
        matches!(effects.as_slice(), [Effect::ReturnFile { batch: 1, out }] if out.to_string_lossy() == "ebr-fall-errors.xlsx"),
        "{effects:?}"
    );
}
