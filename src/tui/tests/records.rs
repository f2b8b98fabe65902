//! Issue 5's record keys on the memory fixture: the transfer prompt and
//! its y/n, notes in the detail, the findings list and the audit log, the
//! audit filters, `H` from the detail, and read-only refusing both writes.

use super::{app, press, screen_80x24};
use crate::domain::{NoteTarget, RecordKey, StudentId};
use crate::tui::app::{App, RecordPrompt, Screen};
use crate::tui::fixture;
use crate::tui::keymap::{Chord, load_keymap};
use crate::tui::runtime::run_effects;
use crate::tui::source::{MemorySource, Source};
use crate::tui::theme::Theme;

/// Types `text` character by character (spaces too).
fn type_text(a: &mut App, src: &MemorySource, text: &str) {
    for c in text.chars() {
        let k = if c == ' ' {
            "space".to_string()
        } else {
            c.to_string()
        };
        let effects = a.key(Chord::parse(&k).unwrap());
        run_effects(a, src, effects);
    }
}

fn ava() -> StudentId {
    StudentId::parse("1000000001").unwrap()
}

fn audit_rows(a: &App) -> Vec<String> {
    match a.screen() {
        Some(Screen::Audit(v)) => (0..v.list.len())
            .map(|i| {
                let r = v.list.row(i).unwrap();
                format!("{} {} {}", r.actor, r.kind, r.description)
            })
            .collect(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn transfer_asks_the_school_names_it_then_asks_y_n() {
    let (mut a, src) = app("default", Theme::color());
    press(&mut a, &src, "C-p a v a enter");
    press(&mut a, &src, "t");
    assert!(matches!(
        a.record_prompt,
        Some(RecordPrompt::Transfer { .. })
    ));
    // A bad code is refused in place; the prompt stays.
    type_text(&mut a, &src, "12");
    press(&mut a, &src, "enter");
    let s = screen_80x24(&a);
    assert!(s.contains("\"12\" is not a school code"), "{s}");
    press(&mut a, &src, "backspace backspace");
    // The school it is at already.
    type_text(&mut a, &src, "017004");
    press(&mut a, &src, "enter");
    assert!(screen_80x24(&a).contains("already at school 017004"));
    for _ in 0..6 {
        press(&mut a, &src, "backspace");
    }
    type_text(&mut a, &src, "017012");
    let s = screen_80x24(&a);
    assert!(s.contains(" transfer 1000000001 to school: 017012▏"), "{s}");
    insta::assert_snapshot!("transfer_prompt", s);
    press(&mut a, &src, "enter");
    let s = screen_80x24(&a);
    assert!(
        s.contains("transfer 1000000001 from 017004 to 017012? y/n  · Scotlandville"),
        "{s}"
    );
    insta::assert_snapshot!("transfer_confirm", s);
    // n cancels; nothing asked of the source.
    press(&mut a, &src, "n");
    assert!(a.record_prompt.is_none());
    assert!(screen_80x24(&a).contains("not transferred"));
    // y runs it: the memory source cannot transfer, and says so.
    press(&mut a, &src, "t");
    type_text(&mut a, &src, "017012");
    press(&mut a, &src, "enter y");
    let s = screen_80x24(&a);
    assert!(s.contains("was not transferred"), "{s}");
}

#[test]
fn transfer_from_a_student_row_and_unknown_schools() {
    let (mut a, src) = app("default", Theme::color());
    // 017 → its first school → the student list.
    press(&mut a, &src, "enter enter t");
    let Some(RecordPrompt::Transfer { from, .. }) = &a.record_prompt else {
        panic!("{:?}", a.record_prompt)
    };
    assert_eq!(from.as_str(), "017004");
    type_text(&mut a, &src, "036999");
    press(&mut a, &src, "enter");
    assert!(screen_80x24(&a).contains("there is no school 036999"));
    press(&mut a, &src, "esc");
    assert!(a.record_prompt.is_none());
    // Not on a student: refused with a reason.
    press(&mut a, &src, "5 t");
    assert!(a.record_prompt.is_none());
    assert!(screen_80x24(&a).contains("select a student to transfer"));
}

#[test]
fn a_note_shows_in_the_detail_the_findings_and_the_audit_log() {
    let (mut a, src) = app("default", Theme::color());
    press(&mut a, &src, "C-p a v a enter m");
    type_text(&mut a, &src, "documentation seen on site 2026-11-20");
    let s = screen_80x24(&a);
    assert!(
        s.contains(" note on student 1000000001: documentation seen"),
        "{s}"
    );
    insta::assert_snapshot!("note_prompt", s);
    press(&mut a, &src, "enter");
    let notes = src.notes().unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(
        notes[0].target,
        NoteTarget::Record(RecordKey::Student(ava()))
    );
    assert_eq!(notes[0].by, "tester");
    // The detail lists it under Notes.
    press(&mut a, &src, "end");
    let s = screen_80x24(&a);
    assert!(
        s.contains("✎ tester 2026-12-04 12:00: documentation seen on site 2026-11-20"),
        "{s}"
    );
    // A note on a finding: ✎ in the list, the text in the pane.
    press(&mut a, &src, "5");
    let finding = match a.screen() {
        Some(Screen::Findings(v)) => v.list.current().unwrap().finding.id.clone(),
        _ => panic!(),
    };
    assert!(!screen_80x24(&a).contains('✎'));
    press(&mut a, &src, "m");
    type_text(&mut a, &src, "agreement in the mail");
    press(&mut a, &src, "enter");
    assert_eq!(
        src.notes_for(&NoteTarget::Finding(finding)).unwrap().len(),
        1
    );
    let s = screen_80x24(&a);
    assert!(s.contains(" ✎"), "{s}");
    assert!(
        s.contains("✎ tester 2026-12-04 12:00: agreement in the mail"),
        "{s}"
    );
    insta::assert_snapshot!("findings_with_a_note", s);
    // The audit log lists both notes, newest first, with the change set.
    press(&mut a, &src, "4");
    let rows = audit_rows(&a);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(rows[0].starts_with("tester note finding "), "{rows:?}");
    assert!(
        rows[1].contains("student 1000000001: documentation"),
        "{rows:?}"
    );
    assert_eq!(rows[2], "operator completions ebr-fall.xlsx (1)");
    // An empty note is not stored.
    press(&mut a, &src, "C-p a v a enter m enter");
    assert!(screen_80x24(&a).contains("type the note"));
    press(&mut a, &src, "esc");
    assert_eq!(src.notes().unwrap().len(), 2);
}

#[test]
fn audit_filters_by_actor_district_student_and_change_set() {
    let (mut a, src) = app("default", Theme::color());
    // A note by tester on Eli (district W3B).
    src.add_note(
        NoteTarget::Record(RecordKey::Student(StudentId::parse("1000000005").unwrap())),
        "called the school",
        "tester",
    )
    .unwrap();
    press(&mut a, &src, "4");
    assert_eq!(audit_rows(&a).len(), 2);
    // Actors cycle: operator, tester, all.
    press(&mut a, &src, "a");
    assert_eq!(
        audit_rows(&a),
        vec!["operator completions ebr-fall.xlsx (1)"]
    );
    assert!(screen_80x24(&a).contains("Audit log (actor operator)"));
    press(&mut a, &src, "a");
    assert_eq!(audit_rows(&a).len(), 1);
    assert!(audit_rows(&a)[0].starts_with("tester note"));
    press(&mut a, &src, "a");
    assert_eq!(audit_rows(&a).len(), 2);
    // District: the change sets' districts (017 only).
    press(&mut a, &src, "d");
    assert_eq!(
        audit_rows(&a),
        vec!["operator completions ebr-fall.xlsx (1)"]
    );
    press(&mut a, &src, "d");
    assert_eq!(audit_rows(&a).len(), 2);
    // Student: a typed ID; a bad one is refused.
    press(&mut a, &src, "i");
    type_text(&mut a, &src, "123");
    press(&mut a, &src, "enter");
    assert!(screen_80x24(&a).contains("is not a student ID"));
    press(&mut a, &src, "esc i");
    type_text(&mut a, &src, "1000000005");
    let s = screen_80x24(&a);
    assert!(
        s.contains("filter the log by student ID: 1000000005"),
        "{s}"
    );
    press(&mut a, &src, "enter");
    assert_eq!(audit_rows(&a).len(), 1);
    assert!(audit_rows(&a)[0].contains("called the school"));
    // Change set 1 (notes belong to no change set).
    press(&mut a, &src, "c b");
    type_text(&mut a, &src, "1");
    press(&mut a, &src, "enter");
    assert_eq!(
        audit_rows(&a),
        vec!["operator completions ebr-fall.xlsx (1)"]
    );
    press(&mut a, &src, "enter");
    assert!(matches!(a.screen(), Some(Screen::Event(_))));
    press(&mut a, &src, "esc b");
    type_text(&mut a, &src, "9");
    press(&mut a, &src, "enter");
    assert!(audit_rows(&a).is_empty());
    assert!(screen_80x24(&a).contains("Nothing recorded with these filters."));
    press(&mut a, &src, "c");
    assert_eq!(audit_rows(&a).len(), 2);
}

#[test]
fn history_opens_the_log_filtered_to_the_student() {
    let (mut a, src) = app("vim", Theme::color());
    press(&mut a, &src, "C-p a v a enter H");
    match a.screen() {
        Some(Screen::Audit(v)) => assert_eq!(v.filter.student, Some(ava())),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        audit_rows(&a),
        vec!["operator completions ebr-fall.xlsx (1)"]
    );
    let s = screen_80x24(&a);
    assert!(s.contains("Audit log (student 1000000001)"), "{s}");
    // Back to the detail.
    press(&mut a, &src, "esc");
    assert!(matches!(a.screen(), Some(Screen::Detail(_))));
}

#[test]
fn read_only_refuses_transfer_and_note() {
    let (km, _) = load_keymap("default", None);
    let mut a = App::new(km, Theme::color(), fixture::today(), "demo.db", true);
    let src = fixture::source();
    let start = a.start();
    run_effects(&mut a, &src, start);
    press(&mut a, &src, "C-p a v a enter t");
    assert!(a.record_prompt.is_none());
    assert!(screen_80x24(&a).contains("read-only: transferring a student is refused"));
    press(&mut a, &src, "m");
    assert!(a.record_prompt.is_none());
    assert!(screen_80x24(&a).contains("read-only: adding a note is refused"));
    press(&mut a, &src, "5 m");
    assert!(a.record_prompt.is_none());
    assert!(src.notes().unwrap().is_empty());
    // The runtime refuses too, whoever asks.
    let e = crate::tui::app::Effect::AddNote {
        target: NoteTarget::Record(RecordKey::Student(ava())),
        text: "x".into(),
    };
    let done = crate::tui::runtime::edit::run(&src, "op", true, e).unwrap();
    assert!(
        matches!(done.message, crate::tui::app::Loaded::Message(ref m, true) if m.contains("read-only"))
    );
    assert!(src.notes().unwrap().is_empty());
}
