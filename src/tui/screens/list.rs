//! The district, school and student lists. Only the rows that fit are built
//! (STYLE.md §5 "Visible rows only").

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Row, Table};

use crate::domain::calendar::grade_on;
use crate::domain::{Date, District, School, Student};
use crate::tui::app::{ListView, Loadable};
use crate::tui::theme::Theme;

/// The first visible row so that `selected` is on screen.
pub fn window_start(selected: usize, rows: usize) -> usize {
    selected.saturating_sub(rows.saturating_sub(1))
}

struct Columns<'a> {
    title: String,
    header: &'a [&'a str],
    widths: &'a [Constraint],
    empty: &'a str,
}

fn render_list<T>(
    list: &ListView<T>,
    cols: Columns<'_>,
    cells: impl Fn(&T) -> Vec<String>,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let block = Block::bordered().title(cols.title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let items = match &list.items {
        Loadable::Ready(v) => v,
        Loadable::Loading => {
            frame.render_widget(Paragraph::new(Line::styled("Loading…", theme.dim)), inner);
            return;
        }
        Loadable::Failed(e) => {
            let text = Line::styled(format!("Could not load: {e}"), theme.alert);
            frame.render_widget(Paragraph::new(text), inner);
            return;
        }
    };
    if items.is_empty() {
        frame.render_widget(Paragraph::new(Line::styled(cols.empty, theme.dim)), inner);
        return;
    }
    let rows = usize::from(inner.height.saturating_sub(1)).max(1);
    let start = window_start(list.selected, rows);
    let body = items
        .iter()
        .enumerate()
        .skip(start)
        .take(rows)
        .map(|(i, item)| {
            let row = Row::new(cells(item));
            if i == list.selected {
                row.style(theme.selected)
            } else {
                row
            }
        });
    let header = Row::new(cols.header.iter().map(|h| h.to_string())).style(theme.header);
    let table = Table::new(body, cols.widths.to_vec())
        .header(header)
        .column_spacing(2);
    frame.render_widget(table, inner);
}

fn yn(v: bool) -> String {
    if v { "Y".into() } else { "N".into() }
}

fn position<T>(list: &ListView<T>) -> String {
    match &list.items {
        Loadable::Ready(v) if !v.is_empty() => format!(" {}/{} ", list.selected + 1, v.len()),
        _ => String::new(),
    }
}

/// The district list.
pub fn districts(list: &ListView<District>, theme: &Theme, frame: &mut Frame, area: Rect) {
    let cols = Columns {
        title: format!(" Districts{}", position(list)),
        header: &["Code", "Name", "Kind", "Client"],
        widths: &[
            Constraint::Length(4),
            Constraint::Fill(1),
            Constraint::Length(8),
            Constraint::Length(6),
        ],
        empty: "No districts yet: import a districts file (mecred import).",
    };
    let cells = |d: &District| {
        vec![
            d.code.to_string(),
            d.name.clone(),
            d.kind.as_str().into(),
            yn(d.client),
        ]
    };
    render_list(list, cols, cells, theme, frame, area);
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
        title: format!(
            " Schools of {} {}{}",
            district.code,
            district.name,
            position(list)
        ),
        header: &["Code", "Name"],
        widths: &[Constraint::Length(6), Constraint::Fill(1)],
        empty: "No schools in this district yet.",
    };
    let cells = |s: &School| vec![s.code.to_string(), s.name.clone()];
    render_list(list, cols, cells, theme, frame, area);
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
        title: format!(
            " Students of {} {}{}",
            school.code,
            school.name,
            position(list)
        ),
        header: &["Student ID", "Last name", "First name", "Grade", "Pathway"],
        widths: &[
            Constraint::Length(10),
            Constraint::Fill(2),
            Constraint::Fill(1),
            Constraint::Length(5),
            Constraint::Length(7),
        ],
        empty: "No students at this school yet.",
    };
    let cells = |s: &Student| {
        let g = grade_on(s.cohort, today);
        let grade = if g > 12 {
            "grad".to_string()
        } else {
            g.to_string()
        };
        let pathway = s.pathway.map_or_else(|| "—".to_string(), yn);
        vec![
            s.id.to_string(),
            s.last_name.clone(),
            s.first_name.clone(),
            grade,
            pathway,
        ]
    };
    render_list(list, cols, cells, theme, frame, area);
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
}
