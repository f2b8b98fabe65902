//! Bulk edit driven by keys: marking, the form, validation, the preview
//! (from a host that keeps its evaluation) and read-only refusals. Apply,
//! undo and redo need a store: `cli::tui_source` tests them.

use super::{draw, screen_80x24, text};
use crate::domain::{Date, StudentId};
use crate::tui::app::edit::{Change, EditField, Value};
use crate::tui::app::{App, Effect, Screen};
use crate::tui::fixture;
use crate::tui::keymap::{Chord, load_keymap};
use crate::tui::runtime::{Host, run_effects_with};
use crate::tui::source::MemorySource;
use crate::tui::theme::Theme;

pub(crate) struct T {
    pub app: App,
    pub host: Host,
    pub src: MemorySource,
    /// Every effect the keys asked for, in order.
    pub asked: Vec<Effect>,
}

pub(crate) fn start(keymap: &str, read_only: bool) -> T {
    let (km, errors) = load_keymap(keymap, None);
    assert!(errors.is_empty());
    let mut app = App::new(km, Theme::color(), fixture::today(), "demo.db", read_only);
    let (mut host, src) = (Host::new("tester"), fixture::source());
    let start = app.start();
    run_effects_with(&mut app, &mut host, &src, start);
    T {
        app,
        host,
        src,
        asked: Vec::new(),
    }
}

impl T {
    pub fn press(&mut self, keys: &str) {
        for k in keys.split_whitespace() {
            let effects = self.app.key(Chord::parse(k).unwrap());
            self.asked.extend(effects.iter().cloned());
            run_effects_with(&mut self.app, &mut self.host, &self.src, effects);
        }
    }
    pub fn typed(&mut self, s: &str) {
        for c in s.chars() {
            self.press(&c.to_string());
        }
    }
    fn marked(&self) -> Vec<&str> {
        self.app.edit.marks.iter().map(StudentId::as_str).collect()
    }
}

const CAL: &str = "1000000003";
const BEN: &str = "1000000002";
const AVA: &str = "1000000001";

#[test]
fn space_marks_one_row_v_a_range_star_all_shown_and_the_count_shows() {
    let mut t = start("default", false);
    t.press("enter enter");
    assert!(matches!(t.app.screen(), Some(Screen::Students { .. })));
    // Arceneaux, Broussard, Landry.
    t.press("space");
    assert_eq!(t.marked(), vec![CAL]);
    assert!(
        screen_80x24(&t.app)
            .lines()
            .next()
            .unwrap()
            .contains("1 marked")
    );
    // Space moved down: space again unmarks nothing, marks Broussard.
    t.press("space");
    assert_eq!(t.marked(), vec![BEN, CAL]);
    t.press("up space");
    assert_eq!(t.marked(), vec![CAL], "space on a marked row unmarks it");
    t.press("x");
    assert!(t.marked().is_empty());
    assert!(!screen_80x24(&t.app).contains("marked ·"));
    // A range: from the last row marked to the cursor.
    t.press("home space down v");
    assert_eq!(t.marked(), vec![AVA, BEN, CAL]);
    assert!(screen_80x24(&t.app).contains("3 marked"));
    // Each marked row shows a mark on the left border.
    t.press("home space");
    let s = screen_80x24(&t.app);
    let rows: Vec<&str> = s.lines().filter(|l| l.contains("10000000")).collect();
    assert_eq!(rows.len(), 3, "{s}");
    assert!(
        rows[0].starts_with('│') && rows[0].contains("Arceneaux"),
        "{s}"
    );
    assert!(rows[1].starts_with('●') && rows[2].starts_with('●'), "{s}");
    // Everything the filter shows, and again to unmark.
    t.press("x / l a n enter *");
    assert_eq!(t.marked(), vec![AVA]);
    t.press("*");
    assert!(t.marked().is_empty());
    // The grid marks too; a district list does not.
    t.press("esc tab *");
    assert!(matches!(t.app.screen(), Some(Screen::Grid(_))));
    assert_eq!(t.marked().len(), 3);
    let s = screen_80x24(&t.app);
    assert_eq!(s.lines().filter(|l| l.starts_with('●')).count(), 3, "{s}");
    t.press("esc esc space");
    assert_eq!(t.marked().len(), 3);
    assert!(t.app.message.as_ref().unwrap().0.contains("only students"));
}

#[test]
fn vim_marks_with_space_and_shift_v() {
    let mut t = start("vim", false);
    t.press("l l space j V");
    assert_eq!(t.marked(), vec![AVA, BEN, CAL]);
}

fn preview(t: &T) -> &crate::tui::app::EditPreview {
    match &t.app.edit.preview {
        Some(Some(p)) => p,
        other => panic!("no preview: {other:?} {:?}", t.app.message),
    }
}

#[test]
fn a_bulk_date_previews_students_changing_and_findings_added() {
    let mut t = start("default", false);
    t.press("enter enter space space e");
    let form = t.app.edit.form.as_ref().unwrap();
    assert_eq!(form.ids.len(), 2);
    assert!(screen_80x24(&t.app).contains("Edit 2 marked students"));
    // SA Round 2 before Broussard's Round 1 (2026-09-01).
    t.press("down");
    t.typed("2026-08-01");
    t.press("enter");
    let p = preview(&t);
    assert_eq!(p.asked, 2);
    assert_eq!(p.writes.len(), 2);
    assert!(
        p.added.iter().any(|f| f.rule.as_str() == "SA-ROUND-ORDER"
            && f.student.as_ref().map(StudentId::as_str) == Some(BEN)),
        "{:?}",
        p.added
    );
    let s = text(&draw(&t.app, 100, 30));
    assert!(s.contains("2 of 2 students change"), "{s}");
    assert!(s.contains("+ SA-ROUND-ORDER 1000000002"), "{s}");
    // The memory source cannot write: apply says so and changes nothing.
    t.press("enter");
    assert!(t.app.edit.preview.is_none());
    assert!(t.app.message.as_ref().unwrap().1);
    assert!(
        t.asked
            .iter()
            .any(|e| matches!(e, Effect::ApplyEdit { writes, .. } if writes.len() == 2))
    );
}

#[test]
fn today_fills_the_date_and_empty_clears_it() {
    let mut t = start("default", false);
    t.press("enter enter down down e C-t");
    assert_eq!(t.app.edit.form.as_ref().unwrap().input, "2026-12-04");
    t.press("enter");
    let p = preview(&t);
    assert_eq!(
        p.description,
        "set Self-Assessment Round 1 to 2026-12-04 for 1 student"
    );
    t.press("esc e enter");
    let p = preview(&t);
    assert_eq!(p.description, "clear Self-Assessment Round 1 for 1 student");
    assert_eq!(p.writes.len(), 1, "Landry had a Round 1 date");
    let crate::domain::Record::Student(s) = p.writes[0].after.clone().unwrap() else {
        panic!()
    };
    assert_eq!(s.modules.sa_round1, None);
}

#[test]
fn a_bad_date_is_refused_with_a_clear_message_and_the_form_stays() {
    let mut t = start("default", false);
    t.press("enter enter e");
    for (typed, says) in [
        ("2027-01-01", "in the future"),
        ("2015-12-31", "before 2016"),
        ("13/1/2026", "not a date"),
    ] {
        t.typed(typed);
        t.press("enter");
        let (msg, alert) = t.app.message.clone().unwrap();
        assert!(alert && msg.contains(says), "{typed}: {msg}");
        assert!(t.app.edit.form.is_some() && t.app.edit.preview.is_none());
        for _ in typed.chars() {
            t.press("backspace");
        }
    }
    t.typed("10/5/2026");
    t.press("enter");
    assert!(preview(&t).description.contains("2026-10-05"));
}

#[test]
fn checklist_pathway_and_instrument_are_set_for_every_marked_row() {
    let mut t = start("default", false);
    t.press("enter enter *");
    let cases = [
        (5, "y", "set mentor checklist to Y for 3 students"),
        (6, "n", "set pathway to N for 3 students"),
        (7, "Kuder", "set instrument to \"Kuder\" for 3 students"),
    ];
    for (down, typed, want) in cases {
        t.press("e");
        for _ in 0..down {
            t.press("down");
        }
        t.typed(typed);
        t.press("enter");
        let p = preview(&t);
        assert_eq!(p.description, want);
        for w in &p.writes {
            let crate::domain::Record::Student(s) = w.after.clone().unwrap() else {
                panic!()
            };
            match down {
                5 => assert_eq!(s.modules.mentor_checklist, Some(true)),
                6 => assert_eq!(s.pathway, Some(false)),
                _ => assert_eq!(s.modules.sa_instrument.as_deref(), Some("Kuder")),
            }
        }
        t.press("esc");
    }
    // Broussard's checklist N → Y removes PRES-NO-CHECKLIST.
    t.press("e down down down down down y enter");
    assert!(
        preview(&t)
            .removed
            .iter()
            .any(|f| f.rule.as_str() == "PRES-NO-CHECKLIST"),
        "{:?}",
        preview(&t)
    );
    // A flag takes y or n only.
    t.press("esc e down down down down down");
    t.typed("maybe");
    t.press("enter");
    assert!(t.app.message.as_ref().unwrap().0.contains("expected y, n"));
}

#[test]
fn e_on_a_grid_cell_edits_that_students_module() {
    let mut t = start("default", false);
    t.press("enter enter tab down right right right");
    let Some(Screen::Grid(g)) = t.app.screen() else {
        panic!()
    };
    let (row, _) = g.selected_cell().unwrap();
    assert_eq!(row.student.id.as_str(), BEN);
    t.press("e");
    let form = t.app.edit.form.as_ref().unwrap();
    assert_eq!(form.ids, vec![StudentId::parse(BEN).unwrap()]);
    assert_eq!(form.field(), EditField::CreditApplications);
    assert!(screen_80x24(&t.app).contains(&format!("Edit student {BEN}")));
    t.typed("2026-11-03");
    t.press("enter");
    assert_eq!(
        preview(&t).description,
        "set Credit Applications to 2026-11-03 for 1 student"
    );
}

#[test]
fn read_only_refuses_every_edit_key_but_marks() {
    let mut t = start("default", true);
    t.press("enter enter space");
    assert_eq!(t.marked().len(), 1);
    for k in ["e", "u", "C-r", "C-z", "C-y"] {
        t.app.message = None;
        t.press(k);
        let (msg, alert) = t.app.message.clone().unwrap();
        assert!(alert && msg.contains("read-only"), "{k}: {msg}");
        assert!(t.app.edit.form.is_none());
    }
    // Nothing reached the runtime.
    assert!(
        !t.asked.iter().any(|e| matches!(
            e,
            Effect::Undo | Effect::Redo | Effect::ApplyEdit { .. } | Effect::PreviewEdit(_)
        )),
        "{:?}",
        t.asked
    );
}

#[test]
fn a_value_parses_like_the_importer_reads_it() {
    use crate::tui::app::edit::parse_value;
    let today = Date::constant(2026, 12, 4);
    let d = |s| parse_value(EditField::Presentation, s, today);
    assert_eq!(
        d("2026-10-05"),
        Ok(Value::Date(Some(Date::constant(2026, 10, 5))))
    );
    assert_eq!(
        d(" 1/2/2016 "),
        Ok(Value::Date(Some(Date::constant(2016, 1, 2))))
    );
    assert_eq!(d(""), Ok(Value::Date(None)));
    assert_eq!(d("-"), Ok(Value::Date(None)));
    assert!(d("2026-12-05").unwrap_err().contains("future"));
    assert!(d("2026-02-30").unwrap_err().contains("not a date"));
    let f = |s| parse_value(EditField::Pathway, s, today);
    assert_eq!(f("Yes"), Ok(Value::Flag(Some(true))));
    assert_eq!(f("n"), Ok(Value::Flag(Some(false))));
    assert_eq!(f(""), Ok(Value::Flag(None)));
    let i = parse_value(EditField::Instrument, "", today);
    assert_eq!(i, Ok(Value::Text(None)));
    let c = Change {
        field: EditField::Instrument,
        value: Value::Text(None),
    };
    assert_eq!(c.describe(), "clear instrument");
}
