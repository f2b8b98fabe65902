//! The Uploads screens on a real store: `:import` with tab completion, the
//! finding delta against what a commit then does, y/n before commit,
//! revert refused then accepted, discard.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::StoreSource;
use crate::domain::{BatchKind, BatchState, Date, Record, RecordKey, Write};
use crate::store::Store;
use crate::tui::App;
use crate::tui::app::{Loadable, Screen, UploadPrompt};
use crate::tui::keymap::{Chord, Key, load_keymap};
use crate::tui::runtime::{Host, run_effects_with};
use crate::tui::source::Source;
use crate::tui::theme::Theme;

const TODAY: Date = Date::constant(2026, 12, 4);

struct Ui {
    app: App,
    host: Host,
    src: StoreSource,
}

impl Ui {
    fn press(&mut self, keys: &str) {
        for k in keys.split_whitespace() {
            let effects = self.app.key(Chord::parse(k).unwrap());
            run_effects_with(&mut self.app, &mut self.host, &self.src, effects);
        }
    }

    fn typed(&mut self, text: &str) {
        for c in text.chars() {
            let effects = self.app.key(Chord::plain(Key::Char(c)));
            run_effects_with(&mut self.app, &mut self.host, &self.src, effects);
        }
    }

    fn import(&mut self, path: &str) {
        self.press(":");
        self.typed(&format!("import {path}"));
        self.press("enter");
    }

    fn screen(&self, w: u16, h: u16) -> String {
        let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
        t.draw(|f| crate::tui::render(&self.app, f)).unwrap();
        let buf = t.backend().buffer().clone();
        let cells: Vec<&str> = buf.content.iter().map(|c| c.symbol()).collect();
        cells
            .chunks(usize::from(w))
            .map(|r| r.concat().trim_end().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn status(&self) -> String {
        self.app.message.clone().map(|m| m.0).unwrap_or_default()
    }

    fn finding_ids(&self) -> BTreeSet<String> {
        match &self.app.findings {
            Loadable::Ready(f) => f.items.iter().map(|l| l.finding.id.clone()).collect(),
            other => panic!("{other:?}"),
        }
    }

    fn open_batch(&self) -> &crate::tui::app::BatchView {
        match self.app.screen() {
            Some(Screen::Batch(v)) => v,
            other => panic!("{other:?}"),
        }
    }
}

fn ui(store: &Store) -> Ui {
    let (km, errors) = load_keymap("default", None);
    assert!(errors.is_empty());
    let mut ui = Ui {
        app: App::new(km, Theme::no_color(), TODAY, "test", false),
        host: Host::new("op"),
        src: StoreSource(store.clone(), PathBuf::from(".")),
    };
    let start = ui.app.start();
    run_effects_with(&mut ui.app, &mut ui.host, &ui.src, start);
    ui
}

fn state(store: &Store, id: u64) -> BatchState {
    store.batch(id).unwrap().unwrap().state
}

#[test]
fn import_preview_commit_revert_and_discard_from_the_ui() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut u = ui(&store);
    u.press("3");
    u.import("fixtures/districts.csv");
    assert!(
        u.status().starts_with("staged batch 1 from districts.csv"),
        "{}",
        u.status()
    );
    assert_eq!(u.open_batch().batch.state, BatchState::Staged);
    u.press("c");
    u.typed("y");
    assert!(
        u.status().starts_with("committed batch 1:"),
        "{}",
        u.status()
    );
    assert_eq!(state(&store, 1), BatchState::Committed);
    let before = u.finding_ids();

    // Tab completes the one matching file name.
    u.press(":");
    u.typed("import fixtures/completions-02");
    u.press("tab");
    match &u.app.uploads.prompt {
        Some(UploadPrompt::Command { text, .. }) => {
            assert_eq!(text, "import fixtures/completions-029-fall-2026.csv");
        }
        other => panic!("{other:?}"),
    }
    u.press("enter");
    assert!(u.status().starts_with("staged batch 2"), "{}", u.status());
    let rows = match &u.open_batch().rows {
        Loadable::Ready(r) => r.len(),
        other => panic!("{other:?}"),
    };
    assert!(rows > 0);
    assert!(u.screen(80, 24).contains("completions-029-fall-2026.csv"));

    // The delta, computed without storing anything.
    let preview = u.src.batch_writes(2, TODAY).unwrap();
    u.press("p");
    let delta = match &u.open_batch().delta {
        Some(Loadable::Ready(d)) => d.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(state(&store, 2), BatchState::Staged);
    assert_eq!(store.get(&preview[0].key).unwrap(), preview[0].before);
    assert!(!delta.added.is_empty());
    let s = u.screen(80, 24);
    assert!(
        s.contains(&format!("Findings if committed: +{}", delta.added.len())),
        "{s}"
    );
    let wide = u.screen(200, 60);
    assert!(
        wide.contains(&format!("+ {}", delta.added[0].rule.as_str())),
        "{wide}"
    );

    // n cancels; y commits, and the findings follow exactly the delta.
    u.press("c");
    assert!(u.screen(80, 24).contains("commit batch 2"));
    u.typed("n");
    assert_eq!(state(&store, 2), BatchState::Staged);
    u.press("c");
    u.typed("y");
    assert!(
        u.status().starts_with("committed batch 2:"),
        "{}",
        u.status()
    );
    assert_eq!(state(&store, 2), BatchState::Committed);
    assert_eq!(u.open_batch().batch.state, BatchState::Committed);
    let mut want = before.clone();
    for f in &delta.removed {
        want.remove(&f.id);
    }
    want.extend(delta.added.iter().map(|f| f.id.clone()));
    assert_eq!(u.finding_ids(), want);

    // An edit since: the revert is refused, naming the record and the edit.
    let key = preview
        .iter()
        .map(|w| w.key.clone())
        .find(|k| matches!(k, RecordKey::Student(_)))
        .unwrap();
    let Some(Record::Student(mut s)) = store.get(&key).unwrap() else {
        panic!()
    };
    s.notes = Some("called".into());
    let (edit, _) = u
        .src
        .apply_change_set(
            BatchKind::Edit,
            "notes",
            vec![Write {
                key: key.clone(),
                before: None,
                after: Some(Record::Student(s)),
            }],
            "op",
        )
        .unwrap();
    u.press("R");
    assert!(u.screen(80, 24).contains("revert batch 2"));
    u.typed("y");
    let refused = u.status();
    assert!(refused.starts_with("could not revert batch 2"), "{refused}");
    assert!(refused.contains(&format!("by batch {edit}")), "{refused}");
    assert_eq!(state(&store, 2), BatchState::Committed);
    // Undo the edit, then the revert goes through; findings are back.
    u.src.revert_batch(edit, "op").unwrap();
    u.press("R");
    u.typed("y");
    assert!(
        u.status().starts_with("reverted batch 2:"),
        "{}",
        u.status()
    );
    assert_eq!(state(&store, 2), BatchState::Reverted);
    assert_eq!(store.get(&key).unwrap(), None);
    assert_eq!(u.finding_ids(), before);

    // Discard: staged, asked, gone; the queue shows it.
    u.import("fixtures/completions-017-fall-2026.xlsx");
    let id = u.open_batch().batch.id;
    u.press("x");
    u.typed("y");
    assert!(
        u.status().starts_with(&format!("discarded batch {id}")),
        "{}",
        u.status()
    );
    assert_eq!(state(&store, id), BatchState::Discarded);
    u.press("esc f f f");
    let q = u.screen(80, 24);
    assert!(
        q.contains("Uploads · discarded") && q.contains("completions-017"),
        "{q}"
    );
}

#[test]
fn a_rejected_file_stages_nothing_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut u = ui(&store);
    u.press("3");
    u.import("fixtures/not-a-spreadsheet.xlsx");
    assert!(u.status().starts_with("not imported:"), "{}", u.status());
    assert!(u.status().contains("nothing staged"), "{}", u.status());
    assert!(u.app.uploads.import.is_none());
    assert!(store.batches().unwrap().is_empty());
}
