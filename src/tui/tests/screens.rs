//! The screens of issue 4 that need no policy engine, driven by keys.

use ratatui::style::Color;

use super::{app, draw, press, screen_80x24, text};
use crate::domain::{Severity, StudentId};
use crate::search::Target;
use crate::tui::app::{Loadable, Screen};
use crate::tui::progress::Module;
use crate::tui::theme::Theme;

fn both_sizes(a: &crate::tui::App) -> (String, String) {
    (screen_80x24(a), text(&draw(a, 200, 60)))
}

#[test]
fn slash_filters_the_list_as_you_type_and_esc_clears() {
    let (mut a, src) = app("default", Theme::color());
    press(&mut a, &src, "enter enter / l a n");
    let Some(Screen::Students { list, .. }) = a.screen() else {
        panic!()
    };
    assert_eq!(list.len(), 1, "only Landry matches 'lan'");
    let s = screen_80x24(&a);
    assert!(
        s.contains("1/1 of 3 · /lan▏") && s.contains("Landry"),
        "{s}"
    );
    assert!(!s.contains("Broussard"), "{s}");
    // `q` is typed, not quit, while the filter has the keys.
    press(&mut a, &src, "q");
    assert!(!a.should_quit);
    press(&mut a, &src, "backspace backspace backspace backspace");
    let Some(Screen::Students { list, .. }) = a.screen() else {
        panic!()
    };
    assert_eq!(list.len(), 3);
    // Enter keeps the filter and the selection; Enter again opens.
    press(&mut a, &src, "b r enter");
    assert!(!a.is_typing());
    press(&mut a, &src, "enter");
    let Some(Screen::Detail(d)) = a.screen() else {
        panic!()
    };
    assert_eq!(d.id.as_str(), "1000000002");
    // Back to the list; esc clears the kept filter before leaving.
    press(&mut a, &src, "esc esc");
    let Some(Screen::Students { list, .. }) = a.screen() else {
        panic!()
    };
    assert!(list.filter.is_none());
}

#[test]
fn matched_characters_are_highlighted() {
    let (mut a, src) = app("default", Theme::no_color());
    press(&mut a, &src, "/ o r l");
    let buf = draw(&a, 80, 24);
    let s = text(&buf);
    let row = s.lines().position(|l| l.contains("Orleans")).unwrap();
    let x = s.lines().nth(row).unwrap().find("Orleans").unwrap();
    let cell = &buf[(u16::try_from(x).unwrap(), u16::try_from(row).unwrap())];
    assert!(cell.modifier.contains(ratatui::style::Modifier::UNDERLINED));
}

#[test]
fn sort_cycles_columns_and_says_so() {
    let (mut a, src) = app("default", Theme::color());
    press(&mut a, &src, "s");
    let s = screen_80x24(&a);
    assert!(s.contains("by name"), "{s}");
    // By name: Bayou Bridge first.
    let Some(Screen::Districts(l)) = a.screen() else {
        panic!()
    };
    assert_eq!(l.current().unwrap().code.as_str(), "W3B");
}

#[test]
fn jump_finds_a_student_by_name_and_opens_the_detail() {
    let (mut a, src) = app("default", Theme::color());
    assert!(matches!(a.index, Loadable::Ready(_)));
    press(&mut a, &src, "C-p g u i d");
    let s = screen_80x24(&a);
    assert!(
        s.contains("> guid") && s.contains("Guidry, Dee 1000000004"),
        "{s}"
    );
    insta::assert_snapshot!("finder", s);
    press(&mut a, &src, "enter");
    let Some(Screen::Detail(d)) = a.screen() else {
        panic!("{:?}", a.screen())
    };
    assert_eq!(d.id.as_str(), "1000000004");
    assert!(a.finder.is_none());
    // A school by code opens its students.
    press(&mut a, &src, "C-p 0 1 7 0 1 2 enter");
    let Some(Screen::Students { school, .. }) = a.screen() else {
        panic!()
    };
    assert_eq!(school.name, "Scotlandville Magnet High School");
    press(&mut a, &src, "C-p e s c");
    assert!(a.finder.is_some());
    press(&mut a, &src, "esc");
    assert!(a.finder.is_none());
}

#[test]
fn finder_steps_over_the_limit_go_to_the_worker() {
    let (mut a, _) = app("default", Theme::color());
    let Loadable::Ready(ix) = a.index.clone() else {
        panic!()
    };
    let ix = &*ix;
    // Pretend the index is huge: every step is a job.
    let mut n = crate::search::Narrowing::new(ix, 0);
    assert!(matches!(
        n.set_query(ix, "a"),
        crate::search::Step::Pending(_)
    ));
    a.finder = Some(crate::tui::app::Finder {
        query: "a".into(),
        narrowing: Some(n),
        selected: 0,
    });
    assert!(
        !crate::tui::app::Loaded::Stale.eq(&crate::tui::app::Loaded::Hits {
            query: String::new(),
            hits: Vec::new()
        })
    );
    let hits = ix.full_pass("a");
    a.loaded(crate::tui::app::Loaded::Hits {
        query: "a".into(),
        hits: hits.clone(),
    });
    let f = a.finder.as_ref().unwrap();
    assert!(f.narrowing.as_ref().unwrap().is_current());
    assert_eq!(f.narrowing.as_ref().unwrap().hits(), hits.as_slice());
    assert!(
        ix.entries()
            .iter()
            .any(|e| e.target == Target::Student(StudentId::parse("1000000001").unwrap()))
    );
}

#[test]
fn tab_toggles_the_module_grid() {
    let (mut a, src) = app("default", Theme::color());
    press(&mut a, &src, "enter enter tab");
    let Some(Screen::Grid(g)) = a.screen() else {
        panic!("{:?}", a.screen())
    };
    assert_eq!(g.list.len(), 3);
    let (s, wide) = both_sizes(&a);
    // Ava: both rounds, presentation with checklist ✓, exam's first pass, core.
    assert!(s.contains("Landry, Ava"), "{s}");
    assert!(
        s.contains("26-08-20") && s.contains("26-11-02✓") && s.contains("26-11-20"),
        "{s}"
    );
    // Ben: checklist N is marked ✗.
    assert!(s.contains("26-11-20✗"), "{s}");
    insta::assert_snapshot!("grid_80x24", s);
    assert!(
        wide.contains("1000000001"),
        "the ID column shows when wide:\n{wide}"
    );
    insta::assert_snapshot!("grid_200x60", wide);
    // Back to the list, then a district grid from the schools.
    press(&mut a, &src, "tab");
    assert!(matches!(a.screen(), Some(Screen::Students { .. })));
    press(&mut a, &src, "esc tab");
    let Some(Screen::Grid(g)) = a.screen() else {
        panic!()
    };
    assert_eq!(g.list.len(), 4, "every student of district 017");
    // Enter on a grid row opens the student.
    press(&mut a, &src, "enter");
    assert!(matches!(a.screen(), Some(Screen::Detail(_))));
}

#[test]
fn grid_marks_a_finding_by_symbol_and_colour() {
    let (mut a, src) = app("default", Theme::color());
    press(&mut a, &src, "enter enter tab");
    if let Some(Screen::Grid(g)) = a.stack.last_mut() {
        let id = StudentId::parse("1000000002").unwrap();
        g.findings.insert((id, Module::SaRound2), Severity::Error);
    }
    let buf = draw(&a, 80, 24);
    let s = text(&buf);
    let (y, line) = s
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("Broussard"))
        .unwrap();
    let x = line.find('!').expect("the finding symbol");
    let cell = &buf[(
        u16::try_from(line[..x].chars().count()).unwrap(),
        u16::try_from(y).unwrap(),
    )];
    assert_eq!(cell.fg, Color::Red);
}

#[test]
fn uploads_list_and_a_batch_rows() {
    let (mut a, src) = app("default", Theme::color());
    press(&mut a, &src, "3");
    let (s, wide) = both_sizes(&a);
    assert!(
        s.contains("ebr-fall.xlsx") && s.contains("committed"),
        "{s}"
    );
    assert!(wide.contains("2 rows: 0 new, 1 chg"), "{wide}");
    insta::assert_snapshot!("uploads", s);
    press(&mut a, &src, "enter");
    let (s, _) = both_sizes(&a);
    for want in [
        "2 rows: 0 new, 1 changed, 0 unchanged, 0 warning, 1 error",
        "2  1000000001  changed",
        "SA Round 2: — → 2026-10-05",
        "3  12345       error",
        "Student ID: a student ID has 10 digits",
    ] {
        assert!(s.contains(want), "missing {want:?}\n{s}");
    }
    insta::assert_snapshot!("batch", s);
    // The error row's detail: its problem with column, value and what
    // was expected.
    press(&mut a, &src, "down enter");
    let (s, wide) = both_sizes(&a);
    assert!(s.contains("Row 3 · 12345 · error"), "{s}");
    assert!(
        s.contains("! Student ID “12345”: a student ID has 10 digits"),
        "{s}"
    );
    assert!(wide.contains("(student-id)"), "{wide}");
    insta::assert_snapshot!("batch_row", s);
}

#[test]
fn audit_log_and_an_events_writes() {
    let (mut a, src) = app("default", Theme::color());
    press(&mut a, &src, "4");
    let (s, _) = both_sizes(&a);
    assert!(
        s.contains("operator")
            && s.contains("completions")
            && s.contains("ebr-fall.xlsx (1)")
            && s.contains("commit"),
        "{s}"
    );
    insta::assert_snapshot!("audit", s);
    press(&mut a, &src, "enter");
    let (s, _) = both_sizes(&a);
    assert!(s.contains("student 1000000001 (changed)"), "{s}");
    assert!(s.contains("modules.sa_round2: — → 2026-10-05"), "{s}");
    // The student's detail has the same history.
    press(&mut a, &src, "C-p a v a enter end");
    let s = screen_80x24(&a);
    assert!(
        s.contains("Audit history") && s.contains("#1 2026-12-01 15:05 operator"),
        "{s}"
    );
}

#[test]
fn dashboard_shows_the_funnel_and_districts() {
    let (mut a, src) = app("default", Theme::color());
    press(&mut a, &src, "1");
    let (s, wide) = both_sizes(&a);
    assert!(s.contains("of 5)") && s.contains("Regional Core"), "{s}");
    // The term's counts, the findings and each district's standing.
    assert!(s.contains("Findings: ! 4 errors · ~ 2 warnings"), "{s}");
    assert!(s.contains("3 lack an agreement"), "{s}");
    assert!(s.contains("0/3 confirmed"), "{s}");
    assert!(s.contains("036  Orleans Parish Scho      0"), "{s}");
    assert!(s.contains("missing no  no"), "{s}");
    assert!(
        wide.contains("017  East Baton Rouge Parish School"),
        "{wide}"
    );
    insta::assert_snapshot!("dashboard", s);
    press(&mut a, &src, "2");
    assert!(matches!(a.screen(), Some(Screen::Districts(_))));
}

#[test]
fn dashboard_shows_outstanding_fees_when_read() {
    let (mut a, src) = app("default", Theme::color());
    press(&mut a, &src, "1");
    assert!(!screen_80x24(&a).contains("Fees to BRAC"));
    a.fees = Some(crate::domain::fee::Outstanding {
        statements: 2,
        total: crate::domain::Cents(123_450),
    });
    let s = screen_80x24(&a);
    assert!(
        s.contains("Fees to BRAC: $ 2 statement(s) outstanding, $1,234.50"),
        "{s}"
    );
    a.fees = Some(crate::domain::fee::Outstanding::default());
    assert!(screen_80x24(&a).contains("$ 0 statement(s) outstanding, $0.00"));
}

#[test]
fn no_color_new_screens_set_no_fg_or_bg() {
    for keys in ["1", "3 enter", "4 enter", "enter enter tab", "C-p a"] {
        let (mut a, src) = app("default", Theme::no_color());
        press(&mut a, &src, keys);
        let buf = draw(&a, 80, 24);
        for c in &buf.content {
            assert_eq!((c.fg, c.bg), (Color::Reset, Color::Reset), "{keys}");
        }
    }
}

#[test]
fn new_screens_render_at_odd_sizes() {
    for keys in [
        "1",
        "3 enter",
        "4 enter",
        "enter enter tab",
        "C-p a",
        "enter / x",
    ] {
        let (mut a, src) = app("vim", Theme::color());
        press(&mut a, &src, keys);
        for (w, h) in [(1, 1), (40, 10), (41, 11), (80, 24), (300, 80), (13, 200)] {
            a.resize(w, h);
            draw(&a, w, h);
        }
    }
}
