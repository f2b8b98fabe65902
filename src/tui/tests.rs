//! Screens rendered on a `TestBackend` and key sequences driven through the
//! app, over the [`fixture`](super::fixture) source.

mod certificates;
mod edit;
mod findings;
mod grid;
mod props;
mod records;
mod reports;
mod screens;
mod uploads;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;

use super::app::{App, Screen};
use super::keymap::{Chord, load_keymap};
use super::runtime::{handle_event, run_effects};
use super::source::MemorySource;
use super::theme::Theme;
use super::{fixture, render};

pub(super) fn app(keymap: &str, theme: Theme) -> (App, MemorySource) {
    let (km, errors) = load_keymap(keymap, None);
    assert!(errors.is_empty());
    let mut app = App::new(km, theme, fixture::today(), "demo.db", false);
    let src = fixture::source();
    let start = app.start();
    run_effects(&mut app, &src, start);
    (app, src)
}

/// Presses keys given in keymap notation, separated by spaces.
pub(super) fn press(app: &mut App, src: &MemorySource, keys: &str) {
    for k in keys.split_whitespace() {
        let effects = app.key(Chord::parse(k).unwrap());
        run_effects(app, src, effects);
    }
}

pub(super) fn draw(app: &App, w: u16, h: u16) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| render(app, f)).unwrap();
    t.backend().buffer().clone()
}

pub(super) fn text(buf: &Buffer) -> String {
    let w = usize::from(buf.area.width);
    let cells: Vec<&str> = buf.content.iter().map(|c| c.symbol()).collect();
    cells
        .chunks(w.max(1))
        .map(|row| row.concat().trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

pub(super) fn screen_80x24(app: &App) -> String {
    text(&draw(app, 80, 24))
}

#[test]
fn districts_screen() {
    let (app, _) = app("default", Theme::color());
    let s = screen_80x24(&app);
    assert!(
        s.contains("017   East Baton Rouge Parish School System"),
        "{s}"
    );
    assert!(s.contains("demo.db · today 2026-12-04"), "{s}");
    assert!(s.contains("enter open"), "{s}");
    insta::assert_snapshot!("districts", s);
}

#[test]
fn down_down_enter_opens_the_schools_of_the_third_district() {
    let (mut app, src) = app("default", Theme::color());
    press(&mut app, &src, "down down enter");
    match app.screen() {
        Some(Screen::Schools { district, .. }) => assert_eq!(district.code.as_str(), "W3B"),
        other => panic!("{other:?}"),
    }
    let s = screen_80x24(&app);
    assert!(
        s.contains("W3B001  Bayou Bridge Charter Academy High"),
        "{s}"
    );
    assert!(!s.contains("017004"), "{s}");
}

#[test]
fn schools_and_students_screens() {
    let (mut app, src) = app("default", Theme::color());
    press(&mut app, &src, "enter");
    insta::assert_snapshot!("schools", screen_80x24(&app));
    press(&mut app, &src, "enter");
    let s = screen_80x24(&app);
    // Sorted by last name: Arceneaux, Broussard, Landry.
    let (a, b, l) = (s.find("Arceneaux"), s.find("Broussard"), s.find("Landry"));
    assert!(a < b && b < l && a.is_some(), "{s}");
    insta::assert_snapshot!("students", s);
}

#[test]
fn student_detail_shows_every_field_and_module() {
    let (mut app, src) = app("default", Theme::color());
    press(&mut app, &src, "enter enter down down enter");
    let s = screen_80x24(&app);
    for want in [
        "Landry, Ava",
        "1000000001",
        "017004 Baton Rouge Magnet High School",
        "cohort 2028 · grade 11 today",
        "Pathway       Y",
        "ServSafe Manager; OSHA 10",
        "Mentor: Mr. Thibodeaux",
        "[x] Self-Assessment",
        "Round 1 2026-08-20 · Round 2 2026-10-05",
        "Micro-Enterprise Self-Assessment (default)",
        "mentor checklist Y (on file)",
        "[x] Credit Applications           complete 2026-09-15",
        // The first passing attempt, not the later one.
        "[x] Certification Exam            complete 2026-11-20",
        "2026-10-14  Fail  score 64",
    ] {
        assert!(s.contains(want), "missing {want:?} in\n{s}");
    }
    insta::assert_snapshot!("detail", s);
    press(&mut app, &src, "esc");
    assert!(matches!(app.screen(), Some(Screen::Students { .. })));
}

#[test]
fn incomplete_modules_are_marked() {
    let (mut app, src) = app("vim", Theme::color());
    press(&mut app, &src, "l l j l");
    let s = screen_80x24(&app);
    assert!(s.contains("Broussard, Ben"), "{s}");
    assert!(s.contains("[ ] Self-Assessment "), "{s}");
    assert!(s.contains("instrument Kuder"), "{s}");
    assert!(s.contains("[ ] Self-Assessment Presentation"), "{s}");
    assert!(s.contains("mentor checklist N (not on file)"), "{s}");
    assert!(s.contains("no attempts reported"), "{s}");
}

#[test]
fn detail_scrolls_and_stops_at_the_end() {
    let (mut app, src) = app("default", Theme::color());
    app.resize(80, 14);
    press(&mut app, &src, "enter enter down down enter end");
    let Some(Screen::Detail(d)) = app.screen() else {
        panic!()
    };
    let bottom = d.scroll;
    assert!(bottom > 0);
    press(&mut app, &src, "down down");
    let Some(Screen::Detail(d)) = app.screen() else {
        panic!()
    };
    assert_eq!(d.scroll, bottom);
    assert!(text(&draw(&app, 80, 14)).contains("Not tracked"));
    press(&mut app, &src, "up");
    let Some(Screen::Detail(d)) = app.screen() else {
        panic!()
    };
    assert_eq!(d.scroll, bottom - 1);
}

#[test]
fn vim_keys_move_with_gg_and_capital_g() {
    let (mut app, src) = app("vim", Theme::color());
    press(&mut app, &src, "G");
    let Some(Screen::Districts(l)) = app.screen() else {
        panic!()
    };
    assert_eq!(l.selected, 2);
    press(&mut app, &src, "g");
    assert_eq!(app.pending.len(), 1);
    assert!(
        screen_80x24(&app).contains("g g first"),
        "pending prefix shows its continuations"
    );
    press(&mut app, &src, "g");
    let Some(Screen::Districts(l)) = app.screen() else {
        panic!()
    };
    assert_eq!(l.selected, 0);
    assert!(app.pending.is_empty());
}

#[test]
fn selection_stays_in_range_and_back_stops_at_the_first_screen() {
    let (mut app, src) = app("default", Theme::color());
    press(&mut app, &src, "up pageup esc esc");
    let Some(Screen::Districts(l)) = app.screen() else {
        panic!()
    };
    assert_eq!(l.selected, 0);
    press(&mut app, &src, "pagedown down down");
    let Some(Screen::Districts(l)) = app.screen() else {
        panic!()
    };
    assert_eq!(l.selected, 2);
    // A district with no schools: Enter there does nothing.
    press(&mut app, &src, "up enter enter");
    assert_eq!(app.stack.len(), 2);
    assert!(screen_80x24(&app).contains("No schools in this district yet."));
}

#[test]
fn help_lists_the_keys_from_the_keymap() {
    let (mut app, src) = app("default", Theme::color());
    press(&mut app, &src, "?");
    let s = screen_80x24(&app);
    assert!(s.contains("enter, right"), "{s}");
    assert!(s.contains("esc, left, backspace"), "{s}");
    assert!(s.contains("open the selected row"), "{s}");
    insta::assert_snapshot!("help", s);
    let mut s = String::new();
    for _ in 0..4 {
        press(&mut app, &src, "pagedown");
        s.push_str(&screen_80x24(&app));
    }
    assert!(s.contains("q, C-c"), "{s}");
    assert!(s.contains(":                    command"), "{s}");
    // `q` closes help rather than quitting (help context first).
    press(&mut app, &src, "q");
    assert!(app.help.is_none() && !app.should_quit);
    press(&mut app, &src, "q");
    assert!(app.should_quit);
}

#[test]
fn help_never_cuts_a_description_at_80_columns() {
    let (mut app, src) = app("default", Theme::color());
    press(&mut app, &src, "?");
    let mut seen = String::new();
    for _ in 0..6 {
        seen.push_str(&screen_80x24(&app));
        press(&mut app, &src, "pagedown");
    }
    let flat: String = seen
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c == ' '))
        .collect::<Vec<_>>()
        .join("\n");
    for action in [
        crate::tui::action::Action::Jump,
        crate::tui::action::Action::Back,
        crate::tui::action::Action::NextFinding,
    ] {
        assert!(
            flat.contains(action.doc()),
            "{:?} cut:\n{seen}",
            action.doc()
        );
    }
}

#[test]
fn help_follows_a_user_override() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keymap.toml");
    std::fs::write(&path, "[list]\nenter = \"none\"\nx = \"open\"\n").unwrap();
    let (km, errors) = load_keymap("default", Some(&path));
    assert!(errors.is_empty());
    let mut app = App::new(km, Theme::color(), fixture::today(), "demo.db", false);
    app.update(super::action::Action::Help);
    let s = screen_80x24(&app);
    assert!(s.contains("x, right"), "{s}");
    assert!(!s.contains("enter"), "{s}");
}

#[test]
fn no_color_renders_no_fg_or_bg() {
    let (mut app, src) = app("default", Theme::no_color());
    for keys in ["", "enter", "enter", "down down enter", "?"] {
        press(&mut app, &src, keys);
        let buf = draw(&app, 80, 24);
        for c in &buf.content {
            assert_eq!((c.fg, c.bg), (Color::Reset, Color::Reset), "after {keys:?}");
        }
    }
}

#[test]
fn too_small_terminal_says_so() {
    let (app, _) = app("default", Theme::color());
    let s = text(&draw(&app, 39, 20));
    assert!(s.starts_with("terminal too small"), "{s}");
    assert!(!text(&draw(&app, 40, 10)).contains("too small"));
}

#[test]
fn resize_and_redraw_and_quit() {
    use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
    let (mut app, src) = app("default", Theme::color());
    assert!(handle_event(&mut app, &Event::Resize(100, 30)).is_empty());
    assert_eq!(app.size, (100, 30));
    let ctrl_l = KeyEvent::new(KeyCode::Char('l'), KeyModifiers::CONTROL);
    let effects = handle_event(&mut app, &Event::Key(ctrl_l));
    assert!(
        run_effects(&mut app, &src, effects),
        "C-l asks for a full repaint"
    );
    let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    handle_event(&mut app, &Event::Key(release));
    assert!(!app.should_quit, "release events are dropped");
    let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    let effects = handle_event(&mut app, &Event::Key(q));
    run_effects(&mut app, &src, effects);
    assert!(app.should_quit);
}

#[test]
fn a_failing_source_is_shown_not_fatal() {
    struct Broken;
    impl super::Source for Broken {
        fn districts(&self) -> anyhow::Result<Vec<crate::domain::District>> {
            anyhow::bail!("database busy")
        }
        fn schools(
            &self,
            _: &crate::domain::DistrictCode,
        ) -> anyhow::Result<Vec<crate::domain::School>> {
            Ok(vec![])
        }
        fn students_of_school(
            &self,
            _: &crate::domain::SchoolCode,
        ) -> anyhow::Result<Vec<crate::domain::Student>> {
            Ok(vec![])
        }
        fn student(
            &self,
            _: &crate::domain::StudentId,
        ) -> anyhow::Result<Option<crate::domain::Student>> {
            Ok(None)
        }
        fn exams_of(
            &self,
            _: &crate::domain::StudentId,
        ) -> anyhow::Result<Vec<crate::domain::ExamAttempt>> {
            Ok(vec![])
        }
    }
    let (km, _) = load_keymap("default", None);
    let mut app = App::new(km, Theme::color(), fixture::today(), "x", true);
    let start = app.start();
    run_effects(&mut app, &Broken, start);
    let s = screen_80x24(&app);
    assert!(s.contains("Could not load: database busy"), "{s}");
    assert!(s.contains("read-only"), "{s}");
}

#[test]
fn every_screen_renders_at_every_size_without_panic() {
    let (mut app, src) = app("vim", Theme::color());
    let mut states = Vec::new();
    for keys in ["", "l", "l", "G l", "?"] {
        press(&mut app, &src, keys);
        states.push(app.clone());
    }
    let sizes = (1..=300u16)
        .step_by(7)
        .flat_map(|w| (1..=80u16).step_by(3).map(move |h| (w, h)));
    for (w, h) in sizes.chain([(1, 1), (300, 80), (80, 24)]) {
        for s in &states {
            let mut s = s.clone();
            s.resize(w, h);
            draw(&s, w, h);
        }
    }
}

/// Runs the real terminal loop; needs a tty, so it is ignored by default:
/// `script -qc "cargo test --lib tui::tests::real_terminal -- --ignored" /dev/null`
/// with keys typed in.
#[test]
#[ignore]
fn real_terminal() {
    let opts = super::TuiOptions {
        today: fixture::today(),
        read_only: false,
        keymap: "default".into(),
        db_label: "demo.db".into(),
        actor: "tester".into(),
    };
    super::run(std::sync::Arc::new(fixture::source()), &opts).unwrap();
}

/// Like [`real_terminal`], with a source that panics on the first read: the
/// terminal must be restored (alternate screen left) before the panic message.
#[test]
#[ignore]
#[should_panic(expected = "source exploded")]
fn real_terminal_panic() {
    struct Exploding;
    impl super::Source for Exploding {
        fn districts(&self) -> anyhow::Result<Vec<crate::domain::District>> {
            panic!("source exploded")
        }
        fn schools(
            &self,
            _: &crate::domain::DistrictCode,
        ) -> anyhow::Result<Vec<crate::domain::School>> {
            Ok(vec![])
        }
        fn students_of_school(
            &self,
            _: &crate::domain::SchoolCode,
        ) -> anyhow::Result<Vec<crate::domain::Student>> {
            Ok(vec![])
        }
        fn student(
            &self,
            _: &crate::domain::StudentId,
        ) -> anyhow::Result<Option<crate::domain::Student>> {
            Ok(None)
        }
        fn exams_of(
            &self,
            _: &crate::domain::StudentId,
        ) -> anyhow::Result<Vec<crate::domain::ExamAttempt>> {
            Ok(vec![])
        }
    }
    let opts = super::TuiOptions {
        today: fixture::today(),
        read_only: false,
        keymap: "default".into(),
        db_label: "demo.db".into(),
        actor: "tester".into(),
    };
    let _ = super::run(std::sync::Arc::new(Exploding), &opts);
}

#[test]
fn the_colon_command_line_works_from_any_screen_in_both_keymaps() {
    for keymap in ["default", "vim"] {
        let (mut a, src) = app(keymap, Theme::color());
        // `:findings` from the districts list.
        press(&mut a, &src, ": f i n d i n g s enter");
        assert!(
            matches!(a.screen(), Some(Screen::Findings(_))),
            "{keymap}: {}",
            screen_80x24(&a)
        );
        // An unknown word says what works, and changes nothing.
        press(&mut a, &src, ": b o g u s enter");
        let s = screen_80x24(&a);
        assert!(s.contains("unknown command `bogus`"), "{keymap}: {s}");
        assert!(matches!(a.screen(), Some(Screen::Findings(_))));
        // `:q` quits.
        press(&mut a, &src, "esc : q enter");
        assert!(a.should_quit, "{keymap}");
    }
}
