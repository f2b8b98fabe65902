//! Findings in the TUI: the Findings screen, the detail's findings, the
//! grid's marks, stepping with `n`, acknowledging, and live re-evaluation.

use ratatui::style::{Color, Modifier};

use super::{app, draw, press, screen_80x24, text};
use crate::domain::{FindingSeverity, Record, RecordKey, RuleId, StudentId, Write};
use crate::tui::app::{App, Loadable, Screen};
use crate::tui::runtime::{Host, channel, pump, run_effects_with};
use crate::tui::theme::Theme;

fn ben() -> StudentId {
    StudentId::parse("1000000002").unwrap()
}

/// (x, y) of the first `needle` on the line containing `line_has`.
fn find(buf: &ratatui::buffer::Buffer, line_has: &str, needle: &str) -> (u16, u16) {
    let s = text(buf);
    let (y, line) = s
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(line_has))
        .unwrap_or_else(|| panic!("no line with {line_has:?} in\n{s}"));
    let x = line.find(needle).unwrap();
    (
        u16::try_from(line[..x].chars().count()).unwrap(),
        u16::try_from(y).unwrap(),
    )
}

#[test]
fn findings_screen_lists_every_finding_grouped_at_both_sizes() {
    let (mut a, src) = app("default", Theme::color());
    assert!(matches!(a.findings, Loadable::Ready(_)));
    press(&mut a, &src, "5");
    let Some(Screen::Findings(v)) = a.screen() else {
        panic!("{:?}", a.screen());
    };
    let n = v.list.len();
    assert!(n >= 4, "{n}");
    let s = screen_80x24(&a);
    assert!(s.contains("Findings"), "{s}");
    assert!(s.contains("by rule"), "{s}");
    assert!(s.contains("SA-BEFORE-11"), "{s}");
    assert!(s.contains("Broussard, Ben"), "{s}");
    let big = text(&draw(&a, 200, 60));
    assert!(big.contains("SA-SUBSTITUTE"), "{big}");
    assert!(big.contains("Policy 1"), "{big}");
    // An error row: `!` in the alert colour.
    let buf = draw(&a, 200, 60);
    let (x, y) = find(&buf, "SA-SUBSTITUTE", "! error");
    assert_eq!(buf[(x, y)].symbol(), "!");
    assert_eq!(buf[(x, y)].fg, Color::Red);
}

#[test]
fn keys_filter_group_and_enter_jumps_to_the_record() {
    let (mut a, src) = app("default", Theme::color());
    press(&mut a, &src, "5 e");
    let Some(Screen::Findings(v)) = a.screen() else {
        panic!()
    };
    assert_eq!(v.severity, Some(FindingSeverity::Error));
    assert!(
        (0..v.list.len())
            .all(|i| v.list.row(i).unwrap().finding.severity == FindingSeverity::Error)
    );
    press(&mut a, &src, "e");
    let Some(Screen::Findings(v)) = a.screen() else {
        panic!()
    };
    assert!(
        (0..v.list.len()).all(|i| v.list.row(i).unwrap().finding.severity == FindingSeverity::Warn)
    );
    press(&mut a, &src, "e r");
    let Some(Screen::Findings(v)) = a.screen() else {
        panic!()
    };
    let rule = v.rule.unwrap();
    assert!((0..v.list.len()).all(|i| v.list.row(i).unwrap().finding.rule == rule));
    for _ in 0..RuleId::ALL.len() {
        if let Some(Screen::Findings(v)) = a.screen()
            && v.rule.is_some()
        {
            press(&mut a, &src, "r");
        }
    }
    press(&mut a, &src, "g d");
    let Some(Screen::Findings(v)) = a.screen() else {
        panic!()
    };
    assert!(v.by_district);
    assert!(screen_80x24(&a).contains("by district"));
    let d = v.district.clone().unwrap();
    assert!((0..v.list.len()).all(|i| v.list.row(i).unwrap().finding.district == d));
    // Back to all, then the `/` filter narrows to Ben's, Enter opens him.
    for _ in 0..4 {
        if let Some(Screen::Findings(v)) = a.screen()
            && v.district.is_some()
        {
            press(&mut a, &src, "d");
        }
    }
    press(&mut a, &src, "/ K u d e r enter");
    let Some(Screen::Findings(v)) = a.screen() else {
        panic!()
    };
    assert!(v.list.len() < v.list.total(), "{}", screen_80x24(&a));
    assert_eq!(v.list.current().unwrap().finding.student, Some(ben()));
    press(&mut a, &src, "enter");
    match a.screen() {
        Some(Screen::Detail(d)) => assert_eq!(d.id, ben()),
        other => panic!("{other:?}"),
    }
    press(&mut a, &src, "esc");
    assert!(matches!(a.screen(), Some(Screen::Findings(_))));
}

#[test]
fn a_district_finding_opens_its_schools() {
    let (mut a, src) = app("default", Theme::color());
    press(&mut a, &src, "5 / A G R E E M E N T enter enter");
    match a.screen() {
        Some(Screen::Schools { district, .. }) => {
            assert_eq!(district.code.as_str(), "017");
            assert_eq!(district.name, "East Baton Rouge Parish School System");
        }
        other => panic!("{other:?}\n{}", screen_80x24(&a)),
    }
}

#[test]
fn n_steps_through_every_finding_from_any_screen() {
    let (mut a, src) = app("default", Theme::color());
    let Loadable::Ready(all) = a.findings.clone() else {
        panic!()
    };
    // From the district list: the first finding's record.
    press(&mut a, &src, "n");
    assert_eq!(a.cursor.as_deref(), Some(all.items[0].finding.id.as_str()));
    for l in all.items.iter().skip(1) {
        press(&mut a, &src, "n");
        assert_eq!(a.cursor.as_deref(), Some(l.finding.id.as_str()));
        match (&l.finding.student, a.screen()) {
            (Some(id), Some(Screen::Detail(d))) => assert_eq!(&d.id, id),
            (None, Some(Screen::Schools { district, .. })) => {
                assert_eq!(district.code, l.finding.district);
            }
            (_, other) => panic!("{other:?}"),
        }
        // Stepping replaces the record screen: the stack does not grow.
        assert!(a.stack.len() <= 2, "{}", a.stack.len());
    }
    press(&mut a, &src, "n");
    assert!(screen_80x24(&a).contains("that was the last finding"));
    press(&mut a, &src, "N");
    let before_last = &all.items[all.items.len() - 2].finding.id;
    assert_eq!(a.cursor.as_deref(), Some(before_last.as_str()));
}

#[test]
fn stepping_never_replaces_a_screen_opened_by_hand() {
    let (mut a, src) = app("default", Theme::color());
    // Step once, back out, open a district's schools by hand, step again.
    press(&mut a, &src, "n esc end enter");
    let hand = a.stack.len();
    assert!(matches!(a.screen(), Some(Screen::Schools { .. })));
    press(&mut a, &src, "n");
    assert_eq!(a.stack.len(), hand + 1);
    press(&mut a, &src, "n n");
    assert_eq!(a.stack.len(), hand + 1, "steps replace their own screen");
    press(&mut a, &src, "esc");
    assert_eq!(a.stack.len(), hand);
    assert!(matches!(a.screen(), Some(Screen::Schools { .. })));
}

#[test]
fn detail_shows_findings_with_policy_text_and_documentation() {
    let (mut a, src) = app("default", Theme::color());
    press(&mut a, &src, "enter enter down enter");
    match a.screen() {
        Some(Screen::Detail(d)) => assert_eq!(d.id, ben()),
        other => panic!("{other:?}"),
    }
    a.resize(120, 80);
    let s = text(&draw(&a, 120, 80));
    for want in [
        "Documentation",
        "Self-Assessment reports     [ ] missing",
        "Mentor completion checklist [ ] missing",
        "Exam provider's report      [ ] missing",
        "Findings",
        "! error SA-SUBSTITUTE",
        "~ warn  SA-BEFORE-11",
        "Policy 1, note: “But students who have completed other self-assessments",
        "Procedures: “Self-Assessment Presentation: printout",
    ] {
        assert!(s.contains(want), "missing {want:?} in\n{s}");
    }
    // At 80×24 the findings are reached by scrolling; they render.
    a.resize(80, 24);
    press(&mut a, &src, "end");
    let small = screen_80x24(&a);
    assert!(
        small.contains("Findings") || small.contains("Audit history"),
        "{small}"
    );
}

fn first_warn(a: &crate::tui::App) -> String {
    let Loadable::Ready(all) = &a.findings else {
        panic!()
    };
    all.items
        .iter()
        .find(|l| l.finding.severity == FindingSeverity::Warn)
        .unwrap()
        .finding
        .id
        .clone()
}

/// Opens the Findings screen with the finding `id` selected.
fn select(a: &mut crate::tui::App, src: &crate::tui::MemorySource, id: &str) {
    press(a, src, "5");
    let Some(Screen::Findings(v)) = a.stack.last_mut() else {
        panic!()
    };
    v.list.selected = (0..v.list.len())
        .find(|i| v.list.row(*i).unwrap().finding.id == id)
        .unwrap();
}

#[test]
fn acknowledge_a_warn_with_a_reason() {
    let (mut a, src) = app("default", Theme::color());
    let id = first_warn(&a);
    select(&mut a, &src, &id);
    press(&mut a, &src, "a");
    assert!(a.prompt.is_some());
    assert!(screen_80x24(&a).contains(&format!("acknowledge {id}")));
    // Enter with no reason is refused; esc would cancel.
    press(&mut a, &src, "enter");
    assert!(a.prompt.is_some());
    press(&mut a, &src, "p h o n e space c a l l x backspace enter");
    assert!(a.prompt.is_none());
    let stored = src.acks.lock().unwrap().clone();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].finding, id);
    assert_eq!(stored[0].reason, "phone call");
    assert_eq!(stored[0].by, "tester");
    let s = screen_80x24(&a);
    assert!(s.contains("acknowledged"), "{s}");
    assert!(s.contains("ack'd"), "{s}");
    assert!(s.contains("by tester"), "{s}");
    let Loadable::Ready(all) = &a.findings else {
        panic!()
    };
    assert!(all.get(&id).unwrap().ack.is_some());
}

#[test]
fn acknowledge_from_the_detail_acts_on_the_current_finding() {
    let (mut a, src) = app("default", Theme::color());
    let Loadable::Ready(all) = a.findings.clone() else {
        panic!()
    };
    // Ben's second warn (PRES-BEFORE-11), not his first.
    let id = all
        .of_student(&ben())
        .filter(|l| l.finding.severity == FindingSeverity::Warn)
        .nth(1)
        .unwrap()
        .finding
        .id
        .clone();
    let pos = all.position(&id).unwrap();
    for _ in 0..=pos {
        press(&mut a, &src, "n");
    }
    assert!(matches!(a.screen(), Some(Screen::Detail(_))));
    press(&mut a, &src, "a o k enter");
    assert_eq!(src.acks.lock().unwrap()[0].finding, id);
    a.resize(120, 80);
    assert!(text(&draw(&a, 120, 80)).contains("acknowledged by tester"));
}

#[test]
fn errors_and_read_only_are_refused() {
    let (mut a, src) = app("default", Theme::color());
    let Loadable::Ready(all) = a.findings.clone() else {
        panic!()
    };
    let error = all
        .items
        .iter()
        .find(|l| l.finding.rule == RuleId::SaSubstitute)
        .unwrap()
        .finding
        .id
        .clone();
    select(&mut a, &src, &error);
    press(&mut a, &src, "a");
    assert!(a.prompt.is_none());
    let s = screen_80x24(&a);
    assert!(s.contains("errors cannot be acknowledged"), "{s}");
    let buf = draw(&a, 80, 24);
    assert_eq!(buf[(1, 23)].fg, Color::Red);
    a.read_only = true;
    let warn = first_warn(&a);
    select(&mut a, &src, &warn);
    press(&mut a, &src, "a");
    assert!(a.prompt.is_none());
    assert!(screen_80x24(&a).contains("read-only: acknowledging a finding is refused"));
    assert!(src.acks.lock().unwrap().is_empty());
}

#[test]
fn grid_cells_and_rows_with_findings_are_marked_without_colour_too() {
    for theme in [Theme::color(), Theme::no_color()] {
        let (mut a, src) = app("default", theme);
        press(&mut a, &src, "enter enter tab");
        for (w, h) in [(80, 24), (200, 60)] {
            let buf = draw(&a, w, h);
            // Row mark before the name, cell mark before SA R1's date.
            let (x, y) = find(&buf, "Broussard", "!");
            assert_eq!(x, 1);
            assert_eq!(buf[(x, y)].symbol(), "!");
            let (cx, cy) = find(&buf, "Broussard", "!26-09-01");
            assert_eq!(buf[(cx, cy)].symbol(), "!");
            if theme == Theme::color() {
                assert_eq!(buf[(cx, cy)].fg, Color::Red);
            } else {
                assert_eq!(buf[(cx, cy)].fg, Color::Reset);
                assert!(buf[(cx, cy)].modifier.contains(Modifier::BOLD));
            }
            let (_, ly) = find(&buf, "Landry", "Landry");
            assert_eq!(buf[(1, ly)].symbol(), " ");
        }
    }
}

#[test]
fn a_committed_change_set_fed_through_the_channel_updates_open_screens() {
    let (mut a, src) = app("default", Theme::color());
    let mut host = Host::new("tester");
    let start = a.start();
    run_effects_with(&mut a, &mut host, &src, start);
    press(&mut a, &src, "enter enter tab");
    let before = text(&draw(&a, 80, 24));
    assert!(before.contains("!26-09-01"), "{before}");
    // Elsewhere in the process a change set is committed: Ben's instrument
    // corrected and his Round 1 moved to grade 11 (his source changes too).
    let mut src2 = src.clone();
    let s = src2.students.iter_mut().find(|s| s.id == ben()).unwrap();
    s.modules.sa_instrument = None;
    s.cohort = 2027;
    let after = s.clone();
    let (changes, rx) = channel();
    assert!(changes.committed(vec![Write {
        key: RecordKey::Student(ben()),
        before: None,
        after: Some(Record::Student(after)),
    }]));
    pump(&mut a, &mut host, &src2, &rx).unwrap();
    let now = text(&draw(&a, 80, 24));
    assert!(!now.contains("!26-09-01"), "{now}");
    let Loadable::Ready(all) = &a.findings else {
        panic!()
    };
    assert!(
        all.of_student(&ben())
            .all(|l| l.finding.rule != RuleId::SaSubstitute)
    );
}

#[test]
fn the_dashboard_recounts_after_a_committed_change_set() {
    let (mut a, src) = app("default", Theme::color());
    let mut host = Host::new("tester");
    let start = a.start();
    run_effects_with(&mut a, &mut host, &src, start);
    press(&mut a, &src, "1");
    let errors = |a: &App| match &a.dashboard {
        Loadable::Ready(d) => d.statewide.error_findings,
        _ => panic!("no dashboard"),
    };
    let before = errors(&a);
    assert!(text(&draw(&a, 80, 24)).contains(&format!("! {before} errors")));
    let mut s = src.students.iter().find(|s| s.id == ben()).unwrap().clone();
    s.modules.sa_instrument = None;
    s.cohort = 2027;
    let (changes, rx) = channel();
    assert!(changes.committed(vec![Write {
        key: RecordKey::Student(ben()),
        before: None,
        after: Some(Record::Student(s)),
    }]));
    pump(&mut a, &mut host, &src, &rx).unwrap();
    let after = errors(&a);
    assert!(after < before, "{before} -> {after}");
    let screen = text(&draw(&a, 80, 24));
    assert!(screen.contains(&format!("! {after} errors")), "{screen}");
}

#[test]
fn the_dashboard_is_recounted_when_shown_not_on_every_change_set() {
    let (mut a, src) = app("default", Theme::color());
    let mut host = Host::new("tester");
    let start = a.start();
    run_effects_with(&mut a, &mut host, &src, start);
    let errors = |a: &App| match &a.dashboard {
        Loadable::Ready(d) => d.statewide.error_findings,
        _ => panic!("no dashboard"),
    };
    let before = errors(&a);
    // On the districts list: the change set leaves the counts for later.
    press(&mut a, &src, "2");
    let mut s = src.students.iter().find(|s| s.id == ben()).unwrap().clone();
    s.modules.sa_instrument = None;
    s.cohort = 2027;
    let (changes, rx) = channel();
    assert!(changes.committed(vec![Write {
        key: RecordKey::Student(ben()),
        before: None,
        after: Some(Record::Student(s)),
    }]));
    pump(&mut a, &mut host, &src, &rx).unwrap();
    assert_eq!(errors(&a), before, "not recounted while not shown");
    // Opening it recounts.
    let effects = a.key(crate::tui::keymap::Chord::parse("1").unwrap());
    run_effects_with(&mut a, &mut host, &src, effects);
    assert!(errors(&a) < before);
}
