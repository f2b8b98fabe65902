//! Transfers, notes and the audit log on a demo store, driven by keys:
//! the transfer is one change set the screens follow and `u` undoes; a
//! note is stored and listed; read-only refuses both.

use super::harness::{Ui, demo, first_school};
use crate::domain::{BatchKind, NoteTarget, Record, RecordKey, Student};
use crate::store::Store;
use crate::tui::app::Screen;

fn stored(store: &Store, s: &Student) -> Student {
    match store.get(&RecordKey::Student(s.id.clone())).unwrap() {
        Some(Record::Student(s)) => s,
        other => panic!("{other:?}"),
    }
}

#[test]
fn transfer_by_keys_is_one_change_set_the_screens_follow_and_u_undoes() {
    let (_d, store) = demo();
    let (mut ui, school) = Ui::open(&store, false, first_school);
    let who = ui.shown()[0].clone();
    // Another district's school.
    let to = store
        .schools(None)
        .unwrap()
        .into_iter()
        .find(|s| s.code.district() != school.code.district())
        .unwrap();
    ui.press("t");
    ui.typed(to.code.as_str());
    ui.press("enter");
    let s = ui.screen();
    assert!(
        s.contains(&format!("from {} to {}? y/n", school.code, to.code)),
        "{s}"
    );
    let before = store.batches().unwrap().len();
    ui.press("y");
    assert!(ui.said().contains("transferred student"), "{}", ui.said());
    assert_eq!(stored(&store, &who).school, to.code);
    let batches = store.batches().unwrap();
    assert_eq!(batches.len(), before + 1);
    let t = batches.last().unwrap();
    assert_eq!(t.kind, BatchKind::Transfer);
    assert_eq!(t.imported_by, "op");
    // The list followed: the student left this school.
    assert!(ui.shown().iter().all(|s| s.id != who.id));
    // Undo puts the student back, and the list shows it again.
    ui.press("u");
    assert!(
        ui.said().contains(&format!("undid change set {}", t.id)),
        "{}",
        ui.said()
    );
    assert_eq!(stored(&store, &who).school, school.code);
    assert!(ui.shown().iter().any(|s| s.id == who.id));
    // The log filtered to that change set: the commit and the revert.
    ui.press("4 b");
    ui.typed(&t.id.to_string());
    ui.press("enter");
    let Some(Screen::Audit(v)) = ui.app.screen() else {
        panic!()
    };
    let rows: Vec<(String, String)> = (0..v.list.len())
        .map(|i| {
            let r = v.list.row(i).unwrap();
            (r.kind.clone(), r.action.clone())
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("transfer".into(), "revert".into()),
            ("transfer".into(), "commit".into())
        ]
    );
    assert!(ui.screen().contains("transfer student"), "{}", ui.screen());
}

#[test]
fn a_note_by_keys_is_stored_and_listed_and_read_only_refuses_both() {
    let (_d, store) = demo();
    let (mut ui, _) = Ui::open(&store, false, first_school);
    let who = ui.shown()[0].clone();
    ui.press("enter m");
    ui.typed("documentation seen on site 2026-11-20");
    ui.press("enter");
    let target = NoteTarget::Record(RecordKey::Student(who.id.clone()));
    let notes = store.notes_for(&target).unwrap();
    assert_eq!(notes.len(), 1, "{}", ui.said());
    assert_eq!(notes[0].by, "op");
    ui.press("end");
    assert!(
        ui.screen()
            .contains("documentation seen on site 2026-11-20")
    );
    // H: the student's history, the note in it.
    ui.press("H");
    let Some(Screen::Audit(v)) = ui.app.screen() else {
        panic!()
    };
    assert!(
        (0..v.list.len()).any(|i| v.list.row(i).unwrap().kind == "note"),
        "{:?}",
        v.list.items
    );
    // Read-only: neither key writes.
    drop(ui);
    let (mut ro, _) = Ui::open(&store, true, first_school);
    ro.press("t");
    assert!(ro.said().contains("read-only"), "{}", ro.said());
    ro.press("enter m");
    assert!(ro.said().contains("read-only"), "{}", ro.said());
    assert_eq!(store.notes().unwrap().len(), 1);
    assert_eq!(stored(&store, &who), who);
}
