//! The Reports screen over the fixture: opening it, stepping the term and
//! district, scrolling, the export and confirm prompts and their refusals.

use super::{app, draw, press, screen_80x24, text};
use crate::tui::app::{Effect, ReportPrompt, Screen};
use crate::tui::keymap::Chord;
use crate::tui::runtime::run_effects;
use crate::tui::theme::Theme;

fn view(a: &crate::tui::App) -> &crate::tui::app::ReportsView {
    match a.screen() {
        Some(Screen::Reports(v)) => v,
        other => panic!("{other:?}"),
    }
}

#[test]
fn six_opens_the_statewide_report_of_the_current_term() {
    for keymap in ["default", "vim"] {
        let (mut a, src) = app(keymap, Theme::color());
        press(&mut a, &src, "6");
        let v = view(&a);
        assert_eq!(v.term.to_string(), "fall-2026");
        assert_eq!(v.district, None);
        let s = screen_80x24(&a);
        assert!(s.contains("Report fall-2026 · all districts"), "{s}");
        assert!(
            s.contains("# Semester confirmation report: fall-2026, all districts"),
            "{s}"
        );
        assert!(s.contains("pick a district (d) to confirm"), "{s}");
        assert!(s.contains("] next_term"), "{keymap}: {s}");
    }
}

#[test]
fn the_preview_is_the_markdown_report_and_scrolls() {
    let (mut a, src) = app("default", Theme::color());
    press(&mut a, &src, "6 d");
    let v = view(&a);
    assert_eq!(v.district.as_ref().map(|d| d.as_str()), Some("017"));
    // The preview holds every line of the md writer's output.
    let crate::tui::app::Loadable::Ready(data) = &v.data else {
        panic!("not loaded");
    };
    let md = crate::report::write::markdown(&data.report);
    assert!(md.contains("### Regional Core"));
    for line in md.lines() {
        assert!(v.lines.iter().any(|l| l == line), "missing {line:?}");
    }
    assert!(md.contains("1000000001"), "{md}");
    let total = v.lines.len();
    assert!(total > 40, "{total}");
    let top = screen_80x24(&a);
    assert!(top.contains("Report fall-2026 · district 017"), "{top}");
    press(&mut a, &src, "pagedown");
    assert_eq!(view(&a).scroll, a.page_rows());
    let paged = screen_80x24(&a);
    assert_ne!(top, paged);
    // Only visible lines are drawn: the line at the scroll is the first.
    let first = &view(&a).lines[a.page_rows()];
    let body: Vec<&str> = paged.lines().collect();
    assert!(
        body[2].starts_with(&format!("│{}", &first[..first.len().min(20)])),
        "{paged}"
    );
    press(&mut a, &src, "end");
    assert_eq!(view(&a).scroll, total - 20);
    let end = screen_80x24(&a);
    assert!(end.contains("| 5 |"), "{end}");
    press(&mut a, &src, "home up");
    assert_eq!(view(&a).scroll, 0);
}

#[test]
fn terms_and_districts_step() {
    let (mut a, src) = app("default", Theme::color());
    press(&mut a, &src, "6 ] ]");
    assert_eq!(view(&a).term.to_string(), "fall-2027");
    press(&mut a, &src, "[ [ [ left");
    assert_eq!(view(&a).term.to_string(), "fall-2025");
    press(&mut a, &src, "right");
    assert!(screen_80x24(&a).contains("spring-2026, all districts"));
    // Cycling goes through every district, then back to statewide.
    let mut seen = Vec::new();
    for _ in 0..3 {
        press(&mut a, &src, "d");
        seen.push(view(&a).district.clone().unwrap().to_string());
    }
    assert_eq!(seen, ["017", "036", "W3B"]);
    press(&mut a, &src, "d");
    assert_eq!(view(&a).district, None);
}

#[test]
fn large_terminal_shows_more_of_the_report() {
    let (mut a, src) = app("default", Theme::no_color());
    press(&mut a, &src, "6");
    a.resize(160, 60);
    let big = text(&draw(&a, 160, 60));
    assert!(big.contains("## Statewide summary"), "{big}");
    assert!(big.contains("| District | Name | Agreement |"), "{big}");
    // Tiny terminals never panic.
    for (w, h) in [(1, 1), (40, 10), (80, 24)] {
        draw(&a, w, h);
    }
}

#[test]
fn export_prompts_with_a_default_name_and_asks_the_runtime() {
    let (mut a, src) = app("default", Theme::color());
    press(&mut a, &src, "6 d e");
    match &view(&a).prompt {
        Some(ReportPrompt::Export { path }) => assert_eq!(path, "report-017-fall-2026.html"),
        other => panic!("{other:?}"),
    }
    assert!(
        screen_80x24(&a).contains("export to (.md .csv .html .json): report-017-fall-2026.html")
    );
    // `q` is typed, not quit; backspace deletes.
    for _ in 0..4 {
        a.key(Chord::parse("backspace").unwrap());
    }
    for c in "mdq".chars() {
        a.key(Chord::parse(&c.to_string()).unwrap());
    }
    assert!(!a.should_quit);
    let effects = a.key(Chord::parse("enter").unwrap());
    assert!(effects.is_empty(), "{effects:?}");
    let s = text(&draw(&a, 160, 24));
    assert!(s.contains("end the name in .md"), "{s}");
    a.key(Chord::parse("backspace").unwrap());
    let effects = a.key(Chord::parse("enter").unwrap());
    match effects.as_slice() {
        [
            Effect::ExportReport {
                term,
                district,
                format,
                path,
            },
        ] => {
            assert_eq!(term.to_string(), "fall-2026");
            assert_eq!(district.as_ref().map(|d| d.as_str()), Some("017"));
            assert_eq!(*format, crate::report::Format::Markdown);
            assert_eq!(path.to_str(), Some("report-017-fall-2026.md"));
        }
        other => panic!("{other:?}"),
    }
    assert!(view(&a).prompt.is_none());
    // The fixture cannot write files: the status line says so.
    run_effects(&mut a, &src, effects);
    assert!(
        screen_80x24(&a).contains("could not export"),
        "{}",
        screen_80x24(&a)
    );
    // Esc cancels a prompt.
    press(&mut a, &src, "e esc");
    assert!(view(&a).prompt.is_none());
}

#[test]
fn confirm_refusals() {
    // Statewide: no district.
    let (mut a, src) = app("default", Theme::color());
    press(&mut a, &src, "6 c");
    assert!(view(&a).prompt.is_none());
    assert!(screen_80x24(&a).contains("pick a district first"));
    // The fixture stores no agreements: 017 has an AGREEMENT-MISSING error.
    press(&mut a, &src, "d");
    assert!(screen_80x24(&a).contains("cannot confirm while it has an open AGREEMENT-* error"));
    press(&mut a, &src, "c");
    assert!(view(&a).prompt.is_none());
    assert!(screen_80x24(&a).contains("refused: the district has an open AGREEMENT-* error"));
    // Read-only refuses before asking.
    let (mut a, src) = app("default", Theme::color());
    a.read_only = true;
    press(&mut a, &src, "6 d d c");
    assert!(view(&a).prompt.is_none());
    assert!(screen_80x24(&a).contains("read-only: confirming a report is refused"));
}

#[test]
fn confirm_asks_y_or_n() {
    let (mut a, src) = app("default", Theme::color());
    // 036 has no module data, so no agreement error.
    press(&mut a, &src, "6 d d c");
    match &view(&a).prompt {
        Some(ReportPrompt::Confirm { district, .. }) => assert_eq!(district.as_str(), "036"),
        other => panic!("{other:?}"),
    }
    assert!(screen_80x24(&a).contains("confirm the fall-2026 report of 036? (y/n)"));
    press(&mut a, &src, "n");
    assert!(view(&a).prompt.is_none());
    assert!(screen_80x24(&a).contains("not confirmed"));
    press(&mut a, &src, "c");
    let effects = a.key(Chord::parse("y").unwrap());
    match effects.as_slice() {
        [Effect::ConfirmReport { district, term }] => {
            assert_eq!(district.as_str(), "036");
            assert_eq!(term.to_string(), "fall-2026");
        }
        other => panic!("{other:?}"),
    }
    run_effects(&mut a, &src, effects);
    assert!(screen_80x24(&a).contains("cannot store confirmations"));
}

#[test]
fn return_file_key_on_the_uploads_screen() {
    let (mut a, src) = app("default", Theme::color());
    // Bound on the Uploads screen only.
    assert!(a.key(Chord::parse("E").unwrap()).is_empty());
    press(&mut a, &src, "3");
    let effects = a.key(Chord::parse("E").unwrap());
    match effects.as_slice() {
        [Effect::ReturnFile { batch, out }] => {
            assert_eq!(*batch, 1);
            assert!(
                out.to_string_lossy().ends_with("-errors.xlsx")
                    || out.to_string_lossy().ends_with("-errors.csv"),
                "{out:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    run_effects(&mut a, &src, effects);
    assert!(screen_80x24(&a).contains("no error return file"));
}

#[test]
fn a_change_elsewhere_rereads_the_open_report_and_late_answers_are_dropped() {
    use crate::tui::app::{Loadable, Loaded, Request};
    let (mut a, src) = app("default", Theme::color());
    press(&mut a, &src, "6 d");
    let again = a.refresh();
    assert!(
        again.iter().any(|e| matches!(
            e,
            Effect::Load(Request::Report { district: Some(d), .. }) if d.as_str() == "017"
        )),
        "{again:?}"
    );
    // An answer for another term or district is not this view's.
    let late = Loaded::Report {
        term: "spring-2027".parse().unwrap(),
        district: None,
        result: Err("late".into()),
    };
    a.loaded(late);
    assert!(matches!(view(&a).data, Loadable::Ready(_)));
    let failed = Loaded::Report {
        term: "fall-2026".parse().unwrap(),
        district: view(&a).district.clone(),
        result: Err("the disk is on fire".into()),
    };
    a.loaded(failed);
    assert!(screen_80x24(&a).contains("Could not build: the disk is on fire"));
}

#[test]
fn help_lists_the_reports_keys() {
    let (mut a, src) = app("default", Theme::color());
    press(&mut a, &src, "6 ?");
    let s = text(&draw(&a, 100, 40));
    for name in [
        "previous_term",
        "next_term",
        "cycle_district",
        "export_report",
        "confirm_report",
        "reports",
    ] {
        assert!(s.contains(name), "{name}: {s}");
    }
}
