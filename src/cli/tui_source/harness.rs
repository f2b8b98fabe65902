//! The UI on a demo store, driven by keys, for the store-backed UI tests:
//! opened on a school's students list, keys run with their effects inline.

use std::path::PathBuf;

use super::StoreSource;
use crate::domain::{School, SchoolCode, Student};
use crate::store::Store;
use crate::tui::App;
use crate::tui::app::{Effect, ListView, Loadable, Request, Screen};
use crate::tui::keymap::{Chord, load_keymap};
use crate::tui::runtime::{Host, run_effects_with};
use crate::tui::theme::Theme;

/// The actor the UI commits as.
pub(super) const ACTOR: &str = "op";

/// The demo database and its store.
pub(super) fn demo() -> (tempfile::TempDir, Store) {
    let (dir, _, store) = super::demo_store(false);
    (dir, store)
}

/// An app, its host and the store source it reads.
pub(super) struct Ui {
    pub(super) app: App,
    pub(super) host: Host,
    pub(super) src: StoreSource,
}

impl Ui {
    /// The UI on `store`, on the students list of the school `pick`
    /// chooses from every stored student.
    pub(super) fn open(
        store: &Store,
        read_only: bool,
        pick: impl FnOnce(&[Student]) -> SchoolCode,
    ) -> (Ui, School) {
        let (km, _) = load_keymap("default", None);
        let today = crate::cli::demo::DEMO_TODAY;
        let mut app = App::new(km, Theme::color(), today, "demo", read_only);
        let src = StoreSource(store.clone(), PathBuf::from("."));
        let mut host = Host::new(ACTOR);
        let start = app.start();
        run_effects_with(&mut app, &mut host, &src, start);
        let code = pick(&store.students().unwrap());
        let school = store
            .schools(None)
            .unwrap()
            .into_iter()
            .find(|s| s.code == code)
            .unwrap();
        app.stack.push(Screen::Students {
            school: school.clone(),
            list: ListView::loading(),
        });
        let load = vec![Effect::Load(Request::Students(code))];
        run_effects_with(&mut app, &mut host, &src, load);
        (Ui { app, host, src }, school)
    }

    /// Presses each whitespace-separated chord.
    pub(super) fn press(&mut self, keys: &str) {
        for k in keys.split_whitespace() {
            let effects = self.app.key(Chord::parse(k).unwrap());
            run_effects_with(&mut self.app, &mut self.host, &self.src, effects);
        }
    }

    /// Types `s` a character at a time.
    pub(super) fn typed(&mut self, s: &str) {
        for c in s.chars() {
            let k = if c == ' ' {
                "space".to_string()
            } else {
                c.to_string()
            };
            self.press(&k);
        }
    }

    /// The students the list shows.
    pub(super) fn shown(&self) -> Vec<Student> {
        match self.app.screen() {
            Some(Screen::Students {
                list:
                    ListView {
                        items: Loadable::Ready(v),
                        ..
                    },
                ..
            }) => v.clone(),
            other => panic!("{other:?}"),
        }
    }

    /// The status line's message.
    pub(super) fn said(&self) -> String {
        self.app.message.clone().map(|m| m.0).unwrap_or_default()
    }

    /// The screen at 80×24, as text.
    pub(super) fn screen(&self) -> String {
        let backend = ratatui::backend::TestBackend::new(80, 24);
        let mut t = ratatui::Terminal::new(backend).unwrap();
        t.draw(|f| crate::tui::render(&self.app, f)).unwrap();
        let buf = t.backend().buffer().clone();
        let cells: Vec<&str> = buf.content.iter().map(|c| c.symbol()).collect();
        cells
            .chunks(80)
            .map(|r| r.concat())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The school with the most students.
pub(super) fn biggest_school(students: &[Student]) -> SchoolCode {
    let mut counts = std::collections::BTreeMap::new();
    for s in students {
        *counts.entry(s.school.clone()).or_insert(0) += 1;
    }
    counts.into_iter().max_by_key(|(_, n)| *n).unwrap().0
}

/// The school of the first stored student.
pub(super) fn first_school(students: &[Student]) -> SchoolCode {
    students[0].school.clone()
}
