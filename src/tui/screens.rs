//! One module per screen; each draws from the state it is given.

pub mod audit;
pub mod dashboard;
pub mod detail;
pub mod edit;
pub mod finder;
pub mod findings;
pub mod grid;
pub mod help;
pub mod list;
pub mod records;
pub mod reports;
pub mod uploads;

use super::app::{App, Screen};

/// The last scroll position of a scrolling screen (0 for lists).
pub fn scroll_max(app: &App) -> usize {
    let body = usize::from(app.size.1.saturating_sub(4));
    let lines = match app.screen() {
        Some(Screen::Detail(d)) => detail::line_count(d, app),
        Some(Screen::Dashboard { .. }) => dashboard::line_count(app),
        Some(Screen::Batch(b)) => uploads::line_count(b),
        Some(Screen::Event(e)) => audit::line_count(e),
        _ => 0,
    };
    lines.saturating_sub(body)
}
