//! Bulk edit on a demo store, driven by keys: apply makes one change set
//! and the screens follow; undo and redo (also after a restart), and the
//! redo refusals.

use super::harness::{ACTOR, Ui, biggest_school, demo};
use crate::cli::Context;
use crate::domain::{BatchKind, BatchState, Date, Record, RecordKey, School, Student, Write};
use crate::store::Store;
use crate::tui::app::Effect;
use crate::tui::source::Source;

const NOV2: Date = Date::constant(2026, 11, 2);

fn ctx(dir: &tempfile::TempDir, read_only: bool) -> Context {
    Context {
        db: Some(dir.path().join("db")),
        today: crate::cli::demo::DEMO_TODAY,
        today_given: true,
        district: None,
        io: crate::cli::Io::default(),
        store: None,
        json: true,
        read_only,
        keymap: "default".into(),
        actor: "tester".into(),
    }
}

/// Marks every student shown and sets Presentation to 2026-11-02.
fn set_all_presentations(ui: &mut Ui) {
    ui.press("* e down down");
    ui.typed("2026-11-02");
    ui.press("enter");
    assert!(
        matches!(ui.app.edit.preview, Some(Some(_))),
        "{}",
        ui.said()
    );
    ui.press("enter");
}

fn students_of(store: &Store, school: &School) -> Vec<Student> {
    store.students_of_school(&school.code).unwrap()
}

fn edits(store: &Store) -> Vec<crate::domain::Batch> {
    store
        .batches()
        .unwrap()
        .into_iter()
        .filter(|b| b.kind == BatchKind::Edit)
        .collect()
}

#[test]
fn apply_makes_one_change_set_and_every_screen_follows() {
    let (_dir, store) = demo();
    let (mut ui, school) = Ui::open(&store, false, biggest_school);
    let before = students_of(&store, &school);
    assert!(before.len() >= 2);
    let changing = before
        .iter()
        .filter(|s| s.modules.presentation != Some(NOV2))
        .count();
    set_all_presentations(&mut ui);
    let b = edits(&store);
    assert_eq!(b.len(), 1, "one change set");
    assert_eq!(b[0].state, BatchState::Committed);
    assert_eq!(b[0].imported_by, ACTOR);
    assert!(b[0].file.starts_with("set Presentation to 2026-11-02 for"));
    assert_eq!(store.committed_writes(b[0].id).unwrap().len(), changing);
    assert!(ui.said().contains(&format!("change set {}", b[0].id)));
    for s in students_of(&store, &school) {
        assert_eq!(s.modules.presentation, Some(NOV2));
    }
    // The list on screen was read again; the marks are gone.
    assert!(
        ui.shown()
            .iter()
            .all(|s| s.modules.presentation == Some(NOV2))
    );
    assert!(ui.app.edit.marks.is_empty());
}

#[test]
fn undo_restores_and_redo_reapplies_as_new_change_sets() {
    let (_dir, store) = demo();
    let (mut ui, school) = Ui::open(&store, false, biggest_school);
    let before = students_of(&store, &school);
    set_all_presentations(&mut ui);
    let first = edits(&store)[0].id;
    ui.press("u");
    assert!(
        ui.said().contains(&format!("undid change set {first}")),
        "{}",
        ui.said()
    );
    assert_eq!(students_of(&store, &school), before);
    assert_eq!(ui.shown(), before, "the screen follows the undo");
    ui.press("C-r");
    assert!(
        ui.said().contains(&format!("redid change set {first}")),
        "{}",
        ui.said()
    );
    let after = students_of(&store, &school);
    assert!(after.iter().all(|s| s.modules.presentation == Some(NOV2)));
    let b = edits(&store);
    assert_eq!(b.len(), 2);
    assert_eq!(b[0].state, BatchState::Reverted);
    assert_eq!(b[1].state, BatchState::Committed);
    assert!(
        b[1].file
            .starts_with(&format!("redo of change set {first}: "))
    );
    // Again: undo the redo, redo it.
    ui.press("C-z");
    assert_eq!(students_of(&store, &school), before);
    ui.press("C-y");
    assert_eq!(students_of(&store, &school), after);
    // Everything undone was redone: nothing left to redo.
    ui.press("C-r");
    assert!(ui.said().contains("nothing to redo"), "{}", ui.said());
    assert_eq!(edits(&store).len(), 3);
}

#[test]
fn redo_is_refused_after_a_record_changed_or_a_newer_commit() {
    let (_dir, store) = demo();
    let (mut ui, school) = Ui::open(&store, false, biggest_school);
    set_all_presentations(&mut ui);
    ui.press("u");
    // Someone else changes one of its students.
    let mut s = students_of(&store, &school).remove(0);
    s.pathway = Some(s.pathway != Some(true));
    let w = Write {
        key: RecordKey::Student(s.id.clone()),
        before: None,
        after: Some(Record::Student(s.clone())),
    };
    ui.src
        .apply_change_set(BatchKind::Edit, "other", vec![w], "someone")
        .unwrap();
    let n = edits(&store).len();
    ui.press("C-r");
    let said = ui.said();
    assert!(
        said.contains("cannot redo") && said.contains(&format!("student {}", s.id)),
        "{said}"
    );
    assert_eq!(edits(&store).len(), n, "nothing applied");
    // Undo of someone else's change is not ours to make: ours is undone.
    ui.press("u");
    assert!(ui.said().contains("nothing to undo"), "{}", ui.said());
    // A newer commit of ours blocks the older redo.
    let (mut ui, school2) = Ui::open(&store, false, biggest_school);
    assert_eq!(school2, school);
    ui.press("e down down down");
    ui.typed("2026-11-03");
    ui.press("enter enter");
    ui.press("C-r");
    assert!(ui.said().contains("since the undo"), "{}", ui.said());
}

#[test]
fn undo_works_after_a_restart_and_read_only_refuses_it() {
    let (dir, store) = demo();
    let (mut ui, school) = Ui::open(&store, false, biggest_school);
    let before = students_of(&store, &school);
    set_all_presentations(&mut ui);
    drop(ui);
    drop(store);
    let store = ctx(&dir, true).open_store().unwrap();
    let (mut ui, _) = Ui::open(&store, true, biggest_school);
    ui.press("u");
    assert!(ui.said().contains("read-only"));
    // The runtime refuses too, whatever asks it.
    for e in [Effect::Undo, Effect::Redo] {
        let done = crate::tui::runtime::edit::run(&ui.src, ACTOR, true, e).unwrap();
        assert!(done.writes.is_empty());
        assert!(
            matches!(done.message, crate::tui::app::Loaded::Message(m, true) if m.contains("read-only"))
        );
    }
    assert!(
        students_of(&store, &school)
            .iter()
            .all(|s| s.modules.presentation == Some(NOV2))
    );
    drop(ui);
    drop(store);
    let store = ctx(&dir, false).open_store().unwrap();
    let (mut ui, _) = Ui::open(&store, false, biggest_school);
    ui.press("u");
    assert!(ui.said().contains("undid change set"), "{}", ui.said());
    assert_eq!(students_of(&store, &school), before);
    assert_eq!(ui.shown(), before);
}
