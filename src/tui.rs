#![cfg_attr(test, allow(clippy::unwrap_used))]
//! The terminal UI (SPEC §6): districts → schools → students → one student's
//! detail, keys from `keymaps/*.toml`. The state and its `update` are pure
//! ([`app`]); the terminal, input and loading live in [`runtime`]; [`render`]
//! draws from the state and theme only.

pub mod action;
pub mod app;
pub mod keymap;
pub mod live;
pub mod progress;
pub mod rows;
pub mod runtime;
pub mod screens;
pub mod source;
pub mod theme;
pub mod widgets;

#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
mod tests;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub use app::App;
pub use keymap::{Keymap, KeymapError, load_keymap};
pub use runtime::run;
pub use source::{MemorySource, Source};

use crate::domain::Date;
use app::Screen;

/// The smallest terminal the screens are laid out for.
pub const MIN_SIZE: (u16, u16) = (40, 10);

/// How the TUI is started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TuiOptions {
    /// "Today" for the date rules and the status line.
    pub today: Date,
    /// Refuse edits.
    pub read_only: bool,
    /// The built-in keymap name (`default`, `vim`).
    pub keymap: String,
    /// How the status line names the database.
    pub db_label: String,
    /// Who acknowledgements are recorded as (the OS user).
    pub actor: String,
}

/// Draws the whole UI. Pure: reads `state` (and its theme) only.
pub fn render(state: &App, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let text = format!("terminal too small: need {}×{}", MIN_SIZE.0, MIN_SIZE.1);
        frame.render_widget(Paragraph::new(text).style(state.theme.alert), area);
        return;
    }
    let [title, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(breadcrumb(state)).style(state.theme.title),
        title,
    );
    let theme = &state.theme;
    match state.screen() {
        Some(Screen::Districts(list)) => screens::list::districts(list, theme, frame, body),
        Some(Screen::Schools { district, list }) => {
            screens::list::schools(district, list, theme, frame, body)
        }
        Some(Screen::Students { school, list }) => {
            screens::list::students(school, list, state.today, theme, frame, body)
        }
        Some(Screen::Detail(view)) => screens::detail::render(view, state, frame, body),
        Some(Screen::Dashboard { scroll }) => {
            screens::dashboard::render(state, *scroll, frame, body)
        }
        Some(Screen::Grid(view)) => screens::grid::render(view, state.today, theme, frame, body),
        Some(Screen::Uploads(list)) => screens::uploads::queue(state, list, frame, body),
        Some(Screen::Batch(view)) => screens::uploads::batch(state, view, frame, body),
        Some(Screen::Audit(view)) => screens::audit::list(view, theme, frame, body),
        Some(Screen::Event(view)) => screens::audit::event(view, theme, frame, body),
        Some(Screen::Findings(view)) => {
            screens::findings::render(view, &state.notes, theme, frame, body)
        }
        Some(Screen::Reports(view)) => screens::reports::render(view, theme, frame, body),
        None => {}
    }
    screens::edit::row_marks(state, frame, body);
    if let Some(scroll) = state.help {
        screens::help::render(state, scroll, frame, body);
    }
    if let Some(f) = &state.finder {
        screens::finder::render(state, f, frame, body);
    }
    screens::edit::render(state, frame, body);
    widgets::status::render(state, frame, status);
}

fn breadcrumb(state: &App) -> Line<'static> {
    let mut parts = vec![Span::raw(" mecred")];
    for screen in &state.stack {
        let part = match screen {
            Screen::Dashboard { .. } => "Dashboard".to_string(),
            Screen::Districts(_) => "Districts".to_string(),
            Screen::Schools { district, .. } => district.code.to_string(),
            Screen::Students { school, .. } => school.code.to_string(),
            Screen::Grid(g) => match &g.scope {
                app::GridScope::School(s) => format!("{} grid", s.code),
                app::GridScope::District(d) => format!("{} grid", d.code),
            },
            Screen::Detail(d) => d.id.to_string(),
            Screen::Uploads(_) => "Uploads".to_string(),
            Screen::Batch(b) => format!("batch {}", b.batch.id),
            Screen::Audit(_) => "Audit log".to_string(),
            Screen::Event(e) => format!("event {}", e.summary.seq),
            Screen::Findings(_) => "Findings".to_string(),
            Screen::Reports(v) => format!(
                "Reports {} {}",
                v.term,
                v.district
                    .as_ref()
                    .map_or_else(|| "all districts".to_string(), ToString::to_string)
            ),
        };
        parts.push(Span::raw(format!(" › {part}")));
    }
    // The marked count is always in sight (the status line can hold a
    // message).
    if !state.edit.marks.is_empty() {
        parts.push(Span::raw(format!(" · {} marked", state.edit.marks.len())));
    }
    Line::from(parts)
}

/// Puts a module grid of `n` synthetic students on top of `app` (benches).
pub fn bench_grid(app: &mut App, n: usize) {
    use crate::domain::{Modules, School, SchoolCode, Student, StudentId};
    let Some(code) = SchoolCode::parse("017004") else {
        return;
    };
    let d = Date::constant(2026, 10, 5);
    let rows = (0..n)
        .filter_map(|i| {
            let student = Student {
                id: StudentId::parse(&format!("{:010}", 1_000_000_000 + i))?,
                last_name: format!("Landry{i}"),
                first_name: "Ava".into(),
                school: code.clone(),
                cohort: 2027,
                pathway: None,
                complementary: Vec::new(),
                modules: Modules {
                    sa_round1: Some(d),
                    presentation: (i % 2 == 0).then_some(d),
                    mentor_checklist: Some(i % 3 == 0),
                    ..Modules::default()
                },
                notes: None,
            };
            let progress = progress::Progress::of(&student, &[]);
            Some(app::GridRow { student, progress })
        })
        .collect();
    let mut list = app::ListView::loading();
    list.items = app::Loadable::Ready(rows);
    let mut grid = app::GridView::new(app::GridScope::School(School {
        code,
        name: "Baton Rouge Magnet High School".into(),
    }));
    grid.list = list;
    app.stack.push(Screen::Grid(grid));
}
