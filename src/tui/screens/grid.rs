//! The module grid: students × modules, each cell a short date or a mark,
//! legible at 80×24. Only the visible rows are built. A cell with a finding
//! (from [`GridView::findings`]) gets the severity's style and a symbol.
//! The cell cursor (selected row × [`GridView::column`]) is drawn in
//! [`Theme::cursor`]; module columns that do not fit beside a readable name
//! scroll so the cursor's stays visible, with `‹` `›` saying there is more.
//! The selected student's findings list in a [`panel`] below (or beside).

pub mod panel;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
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

/// The row mark column's width.
const MARK: u16 = 2;
/// The name column is never squeezed below this: module columns scroll.
pub const NAME_MIN: u16 = 18;
/// The ID column's width (shown from [`ID_FROM`] columns).
const ID: u16 = 10;
/// The grid's inner width from which the ID column shows.
const ID_FROM: u16 = 110;
/// A wide grid's width: the border around [`ID_FROM`] (every column, the
/// ID, a 34-wide name). Wider, the name would only grow: the panel beside
/// gets the rest instead.
const WIDE: u16 = ID_FROM + 2;
/// From this body width the findings panel sits beside the grid.
const SIDE_FROM: u16 = WIDE + 60;
/// Below this body height there is no panel (the rows come first).
const PANEL_FROM: u16 = 14;

/// A module column's width: the finding symbol + the cell text.
fn width_of(m: Module) -> u16 {
    if m == Module::Presentation { 10 } else { 9 }
}

fn span(first: usize, end: usize) -> u16 {
    Module::ALL
        .get(first..end)
        .unwrap_or(&[])
        .iter()
        .map(|m| width_of(*m))
        .sum()
}

/// Which columns a grid shows: the ID or not, and the module columns
/// `first..end` (indices into [`Module::ALL`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    /// The ID column shows.
    pub with_id: bool,
    /// The first module column shown.
    pub first: usize,
    /// One past the last module column shown.
    pub end: usize,
}

impl Columns {
    /// Module columns are hidden on the left.
    pub fn more_left(&self) -> bool {
        self.first > 0
    }

    /// Module columns are hidden on the right.
    pub fn more_right(&self) -> bool {
        self.end < Module::ALL.len()
    }
}

/// The columns a grid `width` wide (inside its border) shows with the
/// cursor on module column `cursor`: every module when they fit beside a
/// [`NAME_MIN`] name, else the window nearest the left that holds the
/// cursor (like a list's rows), leaving a column each side for `‹` `›`.
pub fn columns(width: u16, cursor: usize) -> Columns {
    let n = Module::ALL.len();
    let cursor = cursor.min(n - 1);
    let with_id = width >= ID_FROM;
    let fixed = MARK + NAME_MIN + if with_id { ID } else { 0 };
    let avail = width.saturating_sub(fixed);
    if span(0, n) <= avail {
        return Columns {
            with_id,
            first: 0,
            end: n,
        };
    }
    let avail = avail.saturating_sub(2);
    let first = (0..=cursor)
        .find(|f| span(*f, cursor + 1) <= avail)
        .unwrap_or(cursor);
    let mut end = cursor + 1;
    while end < n && span(first, end + 1) <= avail {
        end += 1;
    }
    Columns {
        with_id,
        first,
        end,
    }
}

fn cell(
    view: &GridView,
    row: &GridRow,
    module: Module,
    is_cursor: bool,
    theme: &Theme,
) -> Cell<'static> {
    let (text, done) = cell_text(row, module);
    let finding = view.findings.get(&(row.student.id.clone(), module));
    let (sym, style) = match finding {
        Some(sev) => finding_mark(*sev, theme),
        None => (" ", if done { theme.done } else { theme.todo }),
    };
    // The cursor's style wins over the status colour; the symbol stays.
    let style = if is_cursor { theme.cursor } else { style };
    let cell = Cell::from(Line::from(vec![
        Span::styled(sym, style),
        Span::styled(text, style),
    ]));
    if is_cursor {
        cell.style(theme.cursor)
    } else {
        cell
    }
}

/// The grid's and the panel's areas: the panel beside a very wide grid,
/// below one tall enough, else none.
/// The grid's table area and its findings panel's, within `area`.
pub(crate) fn split(area: Rect) -> (Rect, Option<Rect>) {
    if area.width >= SIDE_FROM {
        let [grid, panel] =
            Layout::horizontal([Constraint::Length(WIDE), Constraint::Fill(1)]).areas(area);
        (grid, Some(panel))
    } else if area.height >= PANEL_FROM {
        let h = (area.height / 3).clamp(4, 12);
        let [grid, panel] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(h)]).areas(area);
        (grid, Some(panel))
    } else {
        (area, None)
    }
}

/// Draws the grid and its findings panel into `area`.
pub fn render(view: &GridView, today: Date, theme: &Theme, frame: &mut Frame, area: Rect) {
    let (area, panel_area) = split(area);
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
    table(view, today, theme, frame, inner);
    if let Some(p) = panel_area {
        panel::render(view, theme, frame, p);
    }
}

/// The header cells and widths of `cols`, with the scroll markers.
fn header(cols: Columns, cursor: usize, theme: &Theme) -> (Vec<Cell<'static>>, Vec<Constraint>) {
    let mut header = vec![Cell::from(" "), Cell::from("Student")];
    let mut widths = vec![Constraint::Length(MARK), Constraint::Fill(1)];
    if cols.with_id {
        header.push(Cell::from("ID"));
        widths.push(Constraint::Length(ID));
    }
    let scrolls = cols.more_left() || cols.more_right();
    if scrolls {
        header.push(Cell::from(if cols.more_left() { "‹" } else { " " }));
        widths.push(Constraint::Length(1));
    }
    for i in cols.first..cols.end {
        let Some(m) = Module::ALL.get(i) else {
            continue;
        };
        let c = Cell::from(format!(" {}", m.short()));
        header.push(if i == cursor {
            c.style(theme.header.patch(theme.selected))
        } else {
            c
        });
        widths.push(Constraint::Length(width_of(*m)));
    }
    if scrolls {
        header.push(Cell::from(if cols.more_right() { "›" } else { " " }));
        widths.push(Constraint::Length(1));
    }
    (header, widths)
}

fn table(view: &GridView, today: Date, theme: &Theme, frame: &mut Frame, inner: Rect) {
    let cursor = view.column.min(Module::ALL.len() - 1);
    let cols = columns(inner.width, cursor);
    let scrolls = cols.more_left() || cols.more_right();
    let (header, widths) = header(cols, cursor, theme);
    let rows = usize::from(inner.height.saturating_sub(1)).max(1);
    let start = window_start(view.list.selected, rows);
    let show: &[usize] = if cols.with_id { &[0, 1] } else { &[0] };
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
        let selected = i == view.list.selected;
        let mut cells = vec![mark];
        cells.extend(row_cells(r, show, query, today, theme));
        if scrolls {
            cells.push(Cell::from(" "));
        }
        for c in cols.first..cols.end {
            if let Some(m) = Module::ALL.get(c) {
                cells.push(cell(view, r, *m, selected && c == cursor, theme));
            }
        }
        let row = Row::new(cells);
        Some(if selected {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_shows_when_it_fits() {
        let all = Module::ALL.len();
        let c = columns(200, 6);
        assert_eq!((c.with_id, c.first, c.end), (true, 0, all));
        assert!(!c.more_left() && !c.more_right());
        // 2 + 18 + 64 = 84: the narrowest that needs no scroll.
        assert_eq!(columns(84, 6).first, 0);
        assert_eq!(columns(84, 6).end, all);
        assert!(columns(83, 0).more_right());
    }

    #[test]
    fn at_80_columns_the_window_follows_the_cursor() {
        // 78 inside the border: 2 + 18 + 1 + 55 + 1 fits six modules.
        let c = columns(78, 0);
        assert_eq!((c.with_id, c.first, c.end), (false, 0, 6));
        assert!(c.more_right() && !c.more_left());
        assert_eq!(columns(78, 5), c);
        let c = columns(78, 6);
        assert_eq!((c.first, c.end), (1, 7));
        assert!(c.more_left() && !c.more_right());
        // Out-of-range cursors are clamped.
        assert_eq!(columns(78, 99), c);
    }

    #[test]
    fn narrow_grids_still_show_the_cursor_column() {
        for w in [0, 1, 10, 20, 30, 40] {
            for cur in 0..Module::ALL.len() {
                let c = columns(w, cur);
                assert!(c.first <= cur && cur < c.end, "{w} {cur} {c:?}");
            }
        }
        let c = columns(40, 3);
        assert_eq!((c.first, c.end), (3, 5), "two columns beside the name");
    }
}
