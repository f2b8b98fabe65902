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
    let (width, _) = popup_size(app.size.0, app.size.1);
    lines(app, usize::from(width.saturating_sub(2))).len()
}

/// The overlay's lines for an inner width: keys and names in columns as
/// wide as their widest entry; a description that does not fit goes on the
/// next line, indented, so nothing is cut off at 80 columns.
fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let rows = rows(&app.keymap, &app.screen_contexts());
    let keys_w = rows
        .iter()
        .filter_map(|r| match r {
            HelpRow::Binding { keys, .. } => Some(keys.join(", ").chars().count()),
            HelpRow::Heading(_) => None,
        })
        .max()
        .unwrap_or(0);
    let name_w = Action::ALL
        .iter()
        .map(|a| a.name().len())
        .max()
        .unwrap_or(0);
    let mut out = Vec::new();
    for row in &rows {
        match row {
            HelpRow::Heading(c) => out.push(Line::styled(
                format!("{} keys", title_case(c.name())),
                theme.header,
            )),
            HelpRow::Binding { keys, action } => {
                let doc = action.doc();
                let lead = 2 + keys_w + 1 + name_w + 1;
                let head = vec![
                    Span::styled(format!("  {:<keys_w$} ", keys.join(", ")), theme.key),
                    Span::raw(format!("{:<name_w$} ", action.name())),
                ];
                if lead + doc.chars().count() <= width {
                    let mut spans = head;
                    spans.push(Span::styled(doc, theme.dim));
                    out.push(Line::from(spans));
                } else {
                    out.push(Line::from(head));
                    out.push(Line::from(vec![
                        Span::raw("      "),
                        Span::styled(doc, theme.dim),
                    ]));
                }
            }
        }
    }
    out
}

/// The overlay's width and height on a terminal of this size.
fn popup_size(columns: u16, rows: u16) -> (u16, u16) {
    (columns.saturating_sub(4).min(96), rows.saturating_sub(2))
}

fn title_case(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Draws the overlay over `area`.
pub fn render(app: &App, scroll: usize, frame: &mut Frame, area: Rect) {
    let (width, height) = popup_size(area.width, area.height);
    let x = area.x.saturating_add(area.width.saturating_sub(width) / 2);
    let y = area
        .y
        .saturating_add(area.height.saturating_sub(height) / 2);
    let popup = Rect::new(x, y, width, height);
    let block = Block::bordered().title(format!(" Keys ({} keymap) ", app.keymap.name));
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let all = lines(app, usize::from(inner.width));
    let max = all.len().saturating_sub(usize::from(inner.height));
    let visible: Vec<Line> = all
        .into_iter()
        .skip(scroll.min(max))
        .take(usize::from(inner.height))
        .collect();
    frame.render_widget(Paragraph::new(visible), inner);
}
