//! The `?` overlay: the keys active on the current screen, generated from the
//! keymap and the action docs (never written by hand, unlike bottom #454).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::tui::action::Action;
use crate::tui::app::App;
use crate::tui::keymap::notation::sequence_to_string;
use crate::tui::keymap::{Context, Keymap};
use crate::tui::theme::Theme;

/// One help row: a context heading or an action with its keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpRow {
    /// The keys below come from this context.
    Heading(Context),
    /// Keys bound to an action.
    Binding {
        /// The keys, in notation.
        keys: Vec<String>,
        /// The action.
        action: Action,
    },
}

/// The rows `?` shows for the screen under the overlay.
pub fn rows(keymap: &Keymap, contexts: &[Context]) -> Vec<HelpRow> {
    let mut out = Vec::new();
    let active = keymap.active(contexts);
    for c in contexts {
        let mut here: Vec<HelpRow> = Vec::new();
        for (_, keys, action) in active.iter().filter(|(ctx, _, _)| ctx == c) {
            let k = sequence_to_string(keys);
            match here
                .iter_mut()
                .find(|r| matches!(r, HelpRow::Binding { action: a, .. } if a == action))
            {
                Some(HelpRow::Binding { keys, .. }) => keys.push(k),
                _ => here.push(HelpRow::Binding {
                    keys: vec![k],
                    action: *action,
                }),
            }
        }
        if !here.is_empty() {
            out.push(HelpRow::Heading(*c));
            out.extend(here);
        }
    }
    out
}

/// How many lines the overlay has (for scrolling in `update`).
pub fn line_count(app: &App) -> usize {
    rows(&app.keymap, &app.screen_contexts()).len()
}

fn line(row: &HelpRow, theme: &Theme) -> Line<'static> {
    match row {
        HelpRow::Heading(c) => Line::styled(format!("{} keys", title_case(c.name())), theme.header),
        HelpRow::Binding { keys, action } => Line::from(vec![
            Span::styled(format!("  {:<16} ", keys.join(", ")), theme.key),
            Span::raw(format!("{:<17}", action.name())),
            Span::styled(action.doc(), theme.dim),
        ]),
    }
}

fn title_case(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Draws the overlay over `area`.
pub fn render(app: &App, scroll: usize, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let width = area.width.saturating_sub(4).min(72);
    let height = area.height.saturating_sub(2);
    let x = area.x.saturating_add(area.width.saturating_sub(width) / 2);
    let y = area
        .y
        .saturating_add(area.height.saturating_sub(height) / 2);
    let popup = Rect::new(x, y, width, height);
    let block = Block::bordered().title(format!(" Keys ({} keymap) ", app.keymap.name));
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let rows = rows(&app.keymap, &app.screen_contexts());
    let max = rows.len().saturating_sub(usize::from(inner.height));
    let lines: Vec<Line> = rows
        .iter()
        .skip(scroll.min(max))
        .take(usize::from(inner.height))
        .map(|r| line(r, theme))
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
