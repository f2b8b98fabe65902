//! The bulk-edit overlays: the form (field, value, what may be typed) and
//! the preview (students changing, findings added and removed).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::tui::action::Action;
use crate::tui::app::edit::{EditField, EditForm, EditPreview};
use crate::tui::app::{App, Screen};
use crate::tui::keymap::notation::sequence_to_string;

fn popup(area: Rect, height: u16) -> Rect {
    let width = area.width.saturating_sub(4).min(76);
    let height = height.min(area.height.saturating_sub(2));
    let x = area.x.saturating_add(area.width.saturating_sub(width) / 2);
    let y = area
        .y
        .saturating_add(area.height.saturating_sub(height) / 2);
    Rect::new(x, y, width, height)
}

fn key(app: &App, a: Action) -> String {
    let contexts = app.contexts();
    app.keymap
        .key_for(&contexts, a)
        .map_or_else(|| a.name().to_string(), |k| sequence_to_string(&k))
}

/// Puts a `●` on the left border of every marked row shown (the grid's
/// or the student list's): drawn over the screen, so the list code stays
/// as it is.
pub fn row_marks(app: &App, frame: &mut Frame, area: Rect) {
    if app.edit.marks.is_empty() {
        return;
    }
    let (table, ids): (Rect, Vec<(usize, &crate::domain::StudentId)>) = match app.screen() {
        Some(Screen::Students { list, .. }) => (
            area,
            (0..list.len())
                .filter_map(|i| Some((i, &list.row(i)?.id)))
                .collect(),
        ),
        Some(Screen::Grid(g)) => (
            super::grid::split(area).0,
            (0..g.list.len())
                .filter_map(|i| Some((i, &g.list.row(i)?.student.id)))
                .collect(),
        ),
        _ => return,
    };
    let selected = match app.screen() {
        Some(Screen::Students { list, .. }) => list.selected,
        Some(Screen::Grid(g)) => g.list.selected,
        _ => 0,
    };
    // Bordered: the header is on the first inner line.
    let rows = usize::from(table.height.saturating_sub(3)).max(1);
    let start = super::list::window_start(selected, rows);
    let top = table.y.saturating_add(2);
    let buf = frame.buffer_mut();
    for (i, id) in ids.into_iter().skip(start).take(rows) {
        if !app.edit.marks.contains(id) {
            continue;
        }
        let y = top.saturating_add(u16::try_from(i.saturating_sub(start)).unwrap_or(u16::MAX));
        if let Some(cell) = buf.cell_mut((table.x, y)) {
            cell.set_symbol("●").set_style(app.theme.key);
        }
    }
}

/// Draws the form or the preview, whichever is open, over `area`.
pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    if let Some(f) = &app.edit.form {
        form(app, f, frame, area);
    } else if let Some(p) = &app.edit.preview {
        preview(app, p.as_ref(), frame, area);
    }
}

fn form(app: &App, f: &EditForm, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let n = f.ids.len();
    let title = match f.ids.as_slice() {
        [one] => format!(" Edit student {one} "),
        _ => format!(" Edit {n} marked students "),
    };
    let rows = u16::try_from(EditField::ALL.len()).unwrap_or(8);
    let area = popup(area, rows.saturating_add(6));
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let mut lines = Vec::new();
    for (i, field) in EditField::ALL.iter().enumerate() {
        let line = if i == f.field {
            Line::from(vec![
                Span::styled(format!("> {:<24}", field.name()), t.selected),
                Span::raw(format!(" {}▏", f.input)),
            ])
        } else {
            Line::from(format!("  {}", field.name()))
        };
        lines.push(line);
    }
    let field = f.field();
    lines.push(Line::from(""));
    lines.push(Line::styled(
        format!("expected: {}", field.expected()),
        t.dim,
    ));
    let mut help = format!(
        "{} field · {} preview · {} cancel",
        key(app, Action::Down),
        key(app, Action::Open),
        key(app, Action::Back)
    );
    if field.is_date() {
        help.push_str(&format!(" · {} today", key(app, Action::Today)));
    }
    lines.push(Line::styled(help, t.dim));
    frame.render_widget(Paragraph::new(lines), inner);
}

fn preview(app: &App, p: Option<&EditPreview>, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let area = popup(area, area.height);
    let block = Block::bordered().title(" Preview ");
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let Some(p) = p else {
        frame.render_widget(Paragraph::new("computing the findings…"), inner);
        return;
    };
    let mut lines = vec![
        Line::styled(p.description.clone(), t.key),
        Line::from(format!(
            "{} of {} students change · findings: {} added, {} removed",
            p.writes.len(),
            p.asked,
            p.added.len(),
            p.removed.len()
        )),
        Line::styled(
            format!(
                "{} apply as one change set · {} cancel",
                key(app, Action::Open),
                key(app, Action::Back)
            ),
            t.dim,
        ),
    ];
    for (sign, list) in [("+", &p.added), ("-", &p.removed)] {
        for f in list {
            let who = f
                .student
                .as_ref()
                .map_or_else(|| f.district.to_string(), ToString::to_string);
            lines.push(Line::from(format!(
                "{sign} {} {who}: {}",
                f.rule.as_str(),
                f.message
            )));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
