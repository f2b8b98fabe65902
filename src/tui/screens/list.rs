//! The lists (districts, schools, students, batches, events). Only the rows
//! that fit are built (STYLE.md §5 "Visible rows only"); the `/` filter's
//! matched characters are highlighted.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use crate::domain::{Date, District, School, Student};
use crate::search::positions;
use crate::tui::app::lists::{ListItem, search_text};
use crate::tui::app::{ListView, Loadable};
use crate::tui::theme::Theme;

/// The first visible row so that `selected` is on screen.
pub fn window_start(selected: usize, rows: usize) -> usize {
    selected.saturating_sub(rows.saturating_sub(1))
}

/// How a list is laid out.
pub struct Columns<'a> {
    /// The block title before the counts.
    pub title: String,
    /// Column headers (one per shown cell).
    pub header: &'a [&'a str],
    /// Column widths (one per shown cell).
    pub widths: &'a [Constraint],
    /// Which of the item's cells are shown.
    pub show: &'a [usize],
    /// What an empty list says.
    pub empty: &'a str,
}

/// ` 3/5`, ` 2/3 of 5 · by name · /lan▏` — position, counts, sort, filter.
pub fn counts<T: ListItem>(list: &ListView<T>) -> String {
    let mut s = String::new();
    if let Loadable::Ready(_) = &list.items {
        let (shown, total) = (list.len(), list.total());
        let pos = if shown == 0 { 0 } else { list.selected + 1 };
        s = if list.filter.is_some() {
            format!(" {pos}/{shown} of {total}")
        } else {
            format!(" {pos}/{total}")
        };
    }
    if list.sort > 0
        && let Some(name) = T::SORTS.get(list.sort)
    {
        s.push_str(&format!(" · by {name}"));
    }
    if let Some(q) = list.query() {
        let cursor = if list.is_editing() { "▏" } else { "" };
        s.push_str(&format!(" · /{q}{cursor}"));
    }
    s.push(' ');
    s
}

/// Spans of `text` with the characters at `marks` (char offsets from
/// `offset`) in `style`.
pub fn highlighted(text: &str, marks: &[usize], offset: usize, style: Style) -> Line<'static> {
    if marks.is_empty() {
        return Line::raw(text.to_string());
    }
    let spans: Vec<Span> = text
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if marks.contains(&(i + offset)) {
                Span::styled(c.to_string(), style)
            } else {
                Span::raw(c.to_string())
            }
        })
        .collect();
    Line::from(spans)
}

/// The cells of one row, matched characters highlighted.
pub fn row_cells<T: ListItem>(
    item: &T,
    show: &[usize],
    query: Option<&str>,
    today: Date,
    theme: &Theme,
) -> Vec<Cell<'static>> {
    let cells = item.cells(today);
    let marks = match query {
        Some(q) if !q.is_empty() => positions(q, &search_text(item, today)),
        _ => Vec::new(),
    };
    // Char offset of each searchable cell in the joined search text.
    let mut offsets = Vec::with_capacity(T::SEARCHABLE.len());
    let mut at = 0;
    for i in T::SEARCHABLE {
        offsets.push((*i, at));
        at += cells.get(*i).map_or(0, |c| c.chars().count()) + 1;
    }
    show.iter()
        .map(|i| {
            let text = cells.get(*i).cloned().unwrap_or_default();
            match offsets.iter().find(|(k, _)| k == i) {
                Some((_, off)) => Cell::from(highlighted(&text, &marks, *off, theme.matched)),
                None => Cell::from(text),
            }
        })
        .collect()
}

/// Draws a list with its counts in the title.
pub fn render_list<T: ListItem>(
    list: &ListView<T>,
    cols: Columns<'_>,
    today: Date,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let block = Block::bordered().title(format!("{}{}", cols.title, counts(list)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    match &list.items {
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
    if list.is_empty() {
        let text = if list.filter.is_some() {
            "Nothing matches the filter (esc clears it)."
        } else {
            cols.empty
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme.dim)), inner);
        return;
    }
    let rows = usize::from(inner.height.saturating_sub(1)).max(1);
    let start = window_start(list.selected, rows);
    let query = list.query();
    let body = (start..list.len().min(start.saturating_add(rows))).filter_map(|i| {
        let item = list.row(i)?;
        let row = Row::new(row_cells(item, cols.show, query, today, theme));
        Some(if i == list.selected {
            row.style(theme.selected)
        } else {
            row
        })
    });
    let header = Row::new(cols.header.iter().map(|h| h.to_string())).style(theme.header);
    let table = Table::new(body, cols.widths.to_vec())
        .header(header)
        .column_spacing(2);
    frame.render_widget(table, inner);
}

/// The district list.
pub fn districts(list: &ListView<District>, theme: &Theme, frame: &mut Frame, area: Rect) {
    let cols = Columns {
        title: " Districts".into(),
        header: &["Code", "Name", "Kind", "Client"],
        widths: &[
            Constraint::Length(4),
            Constraint::Fill(1),
            Constraint::Length(8),
            Constraint::Length(6),
        ],
        show: &[0, 1, 2, 3],
        empty: "No districts yet: import a districts file (mecred import).",
    };
    // Districts have no date-dependent cells.
    let today = Date::constant(2000, 1, 1);
    render_list(list, cols, today, theme, frame, area);
}

/// The schools of `district`.
pub fn schools(
    district: &District,
    list: &ListView<School>,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let cols = Columns {
        title: format!(" Schools of {} {}", district.code, district.name),
        header: &["Code", "Name"],
        widths: &[Constraint::Length(6), Constraint::Fill(1)],
        show: &[0, 1],
        empty: "No schools in this district yet.",
    };
    render_list(list, cols, Date::constant(2000, 1, 1), theme, frame, area);
}

/// The students of `school`, with their grade on `today`.
pub fn students(
    school: &School,
    list: &ListView<Student>,
    today: Date,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let cols = Columns {
        title: format!(" Students of {} {}", school.code, school.name),
        header: &["Student ID", "Last name", "First name", "Grade", "Pathway"],
        widths: &[
            Constraint::Length(10),
            Constraint::Fill(2),
            Constraint::Fill(1),
            Constraint::Length(5),
            Constraint::Length(7),
        ],
        show: &[0, 1, 2, 3, 4],
        empty: "No students at this school yet.",
    };
    render_list(list, cols, today, theme, frame, area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_selected_row_stays_visible() {
        assert_eq!(window_start(0, 10), 0);
        assert_eq!(window_start(9, 10), 0);
        assert_eq!(window_start(10, 10), 1);
        assert_eq!(window_start(5, 0), 5);
    }

    #[test]
    fn highlighted_marks_only_the_given_chars() {
        let l = highlighted("Landry", &[7, 9], 7, Style::new());
        assert_eq!(l.spans.len(), 6);
        assert_eq!(highlighted("Ava", &[], 0, Style::new()).spans.len(), 1);
    }
}
