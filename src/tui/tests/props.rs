//! Random action sequences and terminal sizes: the app never panics, keeps a
//! screen, and keeps its selection in range.

use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::tui::action::Action;
use crate::tui::app::{App, Screen};
use crate::tui::keymap::load_keymap;
use crate::tui::runtime::run_effects;
use crate::tui::theme::Theme;
use crate::tui::{fixture, render};

fn in_range(app: &App) -> bool {
    use crate::tui::app::ListView;
    use crate::tui::app::Loadable::Ready;
    fn ok<T>(l: &ListView<T>) -> bool {
        matches!(&l.items, Ready(_)) && l.selected < l.len().max(1)
    }
    match app.screen() {
        Some(Screen::Districts(l)) => ok(l),
        Some(Screen::Schools { list, .. }) => ok(list),
        Some(Screen::Students { list, .. }) => ok(list),
        Some(Screen::Grid(g)) => ok(&g.list) && g.column < crate::tui::progress::Module::ALL.len(),
        Some(Screen::Uploads(l)) => ok(l),
        Some(Screen::Audit(v)) => ok(&v.list),
        Some(Screen::Findings(v)) => ok(&v.list),
        Some(Screen::Reports(v)) => v.scroll < v.lines.len().max(1),
        Some(
            Screen::Detail(_) | Screen::Dashboard { .. } | Screen::Batch(_) | Screen::Event(_),
        ) => true,
        None => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_actions_and_sizes_never_break_the_app(
        actions in proptest::collection::vec(proptest::sample::select(Action::ALL.to_vec()), 0..40),
        w in 1u16..=300,
        h in 1u16..=80,
    ) {
        let (km, _) = load_keymap("default", None);
        let mut app = App::new(km, Theme::color(), fixture::today(), "demo.db", false);
        let src = fixture::source();
        let start = app.start();
        run_effects(&mut app, &src, start);
        app.resize(w, h);
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        for a in actions {
            let effects = app.update(a);
            run_effects(&mut app, &src, effects);
            prop_assert!(in_range(&app));
            t.draw(|f| render(&app, f)).unwrap();
        }
    }
}
