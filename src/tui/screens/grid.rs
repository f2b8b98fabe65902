//! The module grid: students × modules, each cell a short date or a mark,
//! legible at 80×24. Only the visible rows are built. A cell with a finding
//! (from [`GridView::findings`]) gets the severity's style and a symbol.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use super::list::{counts, row_cells, window_start};
use crate::domain::{Date, Severity};
use crate::tui::app::{GridRow, GridScope, GridView, Loadable};
use crate::tui::progress::Module;
use crate::tui::theme::Theme;

/// `2026-10-05` → `26-10-05`: eight columns, year kept (cells span years).
pub fn short_date(d: Date) -> String {
    format!(
        "{:02}-{:02}-{:02}",
        d.year().rem_euclid(100),
        d.month(),
        d.day()
    )
}

/// A cell's text (without the finding symbol) and whether it is complete.
pub fn cell_text(row: &GridRow, module: Module) -> (String, bool) {
    let p = &row.progress;
    match module {
        Module::Presentation => match p.presentation {
            // The checklist mark: ✓ on file, ✗ not on file, ? never reported.
            Some(d) => {
                let mark = match p.checklist {
                    Some(true) => "✓",
                    Some(false) => "✗",
                    None => "?",
                };
                (
                    format!("{}{mark}", short_date(d)),
                    p.checklist == Some(true),
                )
            }
            None => ("·".into(), false),
        },
        Module::CertificationExam => match p.exam_passed {
            Some(d) => (short_date(d), true),
            None if p.exam_failed > 0 => (format!("fail×{}", p.exam_failed), false),
            None => ("·".into(), false),
        },
        m => match p.done(m) {
            Some(d) => (short_date(d), true),
            None => ("·".into(), false),
        },
    }
}

/// The symbol and style of a finding's severity.
pub fn finding_mark(severity: Severity, theme: &Theme) -> (&'static str, Style) {
    match severity {
        Severity::Error => ("!", theme.alert),
        Severity::Warning => ("~", theme.todo),
    }
}

fn cell(view: &GridView, row: &GridRow, module: Module, theme: &Theme) -> Cell<'static> {
    let (text, done) = cell_text(row, module);
    let finding = view.findings.get(&(row.student.id.clone(), module));
    let (sym, style) = match finding {
        Some(sev) => finding_mark(*sev, theme),
        None => (" ", if done { theme.done } else { theme.todo }),
    };
    Cell::from(Line::from(vec![
        Span::styled(sym, style),
        Span::styled(text, style),
    ]))
}

/// Draws the grid into `area`.
pub fn render(view: &GridView, today: Date, theme: &Theme, frame: &mut Frame, area: Rect) {
    let scope = match &view.scope {
        GridScope::School(s) => format!("{} {}", s.code, s.name),
        GridScope::District(d) => format!("district {} {}", d.code, d.name),
    };
    let block = Block::bordered().title(format!(" Module grid · {scope}{}", counts(&view.list)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    match &view.list.items {
        Loadable::Ready(_) => {}
        Loadable::Loading => {
            frame.render_widget(Paragraph::new(Line::styled("Loading…", theme.dim)), inner);
            return;
        }
        Loadable::Failed(e) => {
            let text = Line::styled(format!("Could not load: {e}"), theme.alert);
            frame.render_widget(Paragraph::new(text), inner);
            return;
        }
    }
    if view.list.is_empty() {
        let text = if view.list.filter.is_some() {
            "Nothing matches the filter (esc clears it)."
        } else {
            "No students here yet."
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme.dim)), inner);
        return;
    }
    // The ID column only where it fits beside a readable name.
    let with_id = inner.width >= 110;
    // The row mark: the worst finding of the student, symbol and colour.
    let mut header = vec![" ".to_string(), "Student".to_string()];
    let mut widths = vec![Constraint::Length(2), Constraint::Fill(1)];
    if with_id {
        header.push("ID".into());
        widths.push(Constraint::Length(10));
    }
    for m in Module::ALL {
        header.push(format!(" {}", m.short()));
        let w = if m == Module::Presentation { 10 } else { 9 };
        widths.push(Constraint::Length(w));
    }
    let rows = usize::from(inner.height.saturating_sub(1)).max(1);
    let start = window_start(view.list.selected, rows);
    let show: &[usize] = if with_id { &[0, 1] } else { &[0] };
    let query = view.list.query();
    let end = view.list.len().min(start.saturating_add(rows));
    let body = (start..end).filter_map(|i| {
        let r = view.list.row(i)?;
        let mark = match view.marked.get(&r.student.id) {
            Some(sev) => {
                let (sym, style) = finding_mark(*sev, theme);
                Cell::from(Span::styled(sym, style))
            }
            None => Cell::from(" "),
        };
        let mut cells = vec![mark];
        cells.extend(row_cells(r, show, query, today, theme));
        cells.extend(Module::ALL.iter().map(|m| cell(view, r, *m, theme)));
        let row = Row::new(cells);
        Some(if i == view.list.selected {
            row.style(theme.selected)
        } else {
            row
        })
    });
    let table = Table::new(body, widths)
        .header(Row::new(header).style(theme.header))
        .column_spacing(0);
    frame.render_widget(table, inner);
}
