//! The global finder overlay: type a name, code or ID; Enter opens it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::list::{highlighted, window_start};
use crate::search::positions;
use crate::tui::app::{App, Finder, Loadable};

/// Draws the finder over `area`.
pub fn render(app: &App, f: &Finder, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let width = area.width.saturating_sub(4).min(76);
    let height = area.height.saturating_sub(2);
    let x = area.x.saturating_add(area.width.saturating_sub(width) / 2);
    let y = area
        .y
        .saturating_add(area.height.saturating_sub(height) / 2);
    let popup = Rect::new(x, y, width, height);
    let (count, note) = match (&app.index, &f.narrowing) {
        (Loadable::Ready(_), Some(n)) if n.is_current() => (n.hits().len(), ""),
        (Loadable::Ready(_), Some(n)) => (n.hits().len(), " searching…"),
        (Loadable::Failed(_), _) => (0, " names failed to load"),
        _ => (0, " loading names…"),
    };
    let block = Block::bordered().title(format!(" Find · {count} matches{note} "));
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let mut lines = vec![Line::from(vec![
        Span::styled("> ", t.key),
        Span::raw(format!("{}▏", f.query)),
    ])];
    if let (Loadable::Ready(index), Some(n)) = (&app.index, &f.narrowing) {
        let rows = usize::from(inner.height.saturating_sub(1));
        let start = window_start(f.selected, rows);
        for (i, hit) in n.hits().iter().enumerate().skip(start).take(rows) {
            let Some(e) = index.get(*hit) else { continue };
            let marks = positions(&f.query, &e.text);
            let mut line = highlighted(&e.text, &marks, 0, t.matched);
            line.spans
                .insert(0, Span::styled(format!("{:<9}", e.target.kind()), t.dim));
            if i == f.selected {
                line = line.style(t.selected);
            }
            lines.push(line);
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
