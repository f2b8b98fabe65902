//! The Findings screen: every finding grouped by rule or by district (the
//! group's name on its first row), the filters in the title, and the
//! selected finding's source, policy text and acknowledgement below.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use super::detail::{severity_mark, wrap};
use super::list::window_start;
use crate::domain::{Note, NoteTarget};
use crate::tui::app::{FindingsView, Loadable};
use crate::tui::theme::Theme;

fn title(view: &FindingsView) -> String {
    let by = if view.by_district {
        "by district"
    } else {
        "by rule"
    };
    let sev = view.severity.map_or("all", |s| s.as_str());
    let rule = view.rule.map_or("all", |r| r.as_str());
    let district = view
        .district
        .as_ref()
        .map_or_else(|| "all".to_string(), ToString::to_string);
    let query = view
        .list
        .query()
        .map_or_else(String::new, |q| format!(" · /{q}"));
    format!(
        " Findings {}/{} · {by} · severity {sev} · rule {rule} · district {district}{query} ",
        view.list.len(),
        view.list.total()
    )
}

/// Draws the Findings screen into `area`.
pub fn render(view: &FindingsView, notes: &[Note], theme: &Theme, frame: &mut Frame, area: Rect) {
    let block = Block::bordered().title(title(view));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    match &view.list.items {
        Loadable::Ready(_) => {}
        Loadable::Loading => {
            let text = Line::styled("Evaluating the policy rules…", theme.dim);
            frame.render_widget(Paragraph::new(text), inner);
            return;
        }
        Loadable::Failed(e) => {
            let text = Line::styled(format!("Could not evaluate: {e}"), theme.alert);
            frame.render_widget(Paragraph::new(text), inner);
            return;
        }
    }
    if view.list.is_empty() {
        let text = if view.list.total() == 0 {
            "No findings with these filters."
        } else {
            "Nothing matches the filter (esc clears it)."
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme.dim)), inner);
        return;
    }
    let pane = if inner.height >= 12 { 4 } else { 0 };
    let [table_area, pane_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(pane)]).areas(inner);
    table(view, notes, theme, frame, table_area);
    if pane > 0 {
        detail_pane(view, notes, theme, frame, pane_area);
    }
}

/// The notes on finding `id`, oldest first.
fn notes_of<'a>(notes: &'a [Note], id: &'a str) -> impl Iterator<Item = &'a Note> + 'a {
    notes
        .iter()
        .filter(move |n| matches!(&n.target, NoteTarget::Finding(f) if f == id))
}

fn table(view: &FindingsView, notes: &[Note], theme: &Theme, frame: &mut Frame, area: Rect) {
    let (group_w, other) = if view.by_district {
        (4, "Rule")
    } else {
        (22, "Dist")
    };
    let other_w = if view.by_district { 22 } else { 5 };
    let widths = [
        Constraint::Length(group_w),
        Constraint::Length(9),
        Constraint::Length(other_w),
        Constraint::Length(20),
        Constraint::Fill(1),
    ];
    let header = Row::new(vec![
        if view.by_district { "Dist" } else { "Rule" },
        "Severity",
        other,
        "Record",
        "Message",
    ])
    .style(theme.header);
    let rows = usize::from(area.height.saturating_sub(1)).max(1);
    let start = window_start(view.list.selected, rows);
    let end = view.list.len().min(start.saturating_add(rows));
    let body = (start..end).filter_map(|i| {
        let l = view.list.row(i)?;
        let group = view.group_of(l);
        let first = i == 0
            || view
                .list
                .row(i - 1)
                .is_none_or(|p| view.group_of(p) != group);
        let (sym, style) = severity_mark(l, theme);
        let word = if l.ack.is_some() {
            "ack'd"
        } else {
            l.finding.severity.as_str()
        };
        let other = if view.by_district {
            l.finding.rule.as_str().to_string()
        } else {
            l.finding.district.to_string()
        };
        let row = Row::new(vec![
            Cell::from(if first || i == start {
                group
            } else {
                String::new()
            }),
            Cell::from(Line::from(vec![
                Span::styled(format!("{sym} "), style),
                Span::styled(word.to_string(), style),
                // A finding with notes is marked ✎ (its notes: the pane).
                Span::raw(if notes_of(notes, &l.finding.id).next().is_some() {
                    " ✎"
                } else {
                    ""
                }),
            ])),
            Cell::from(other),
            Cell::from(l.who.clone()),
            Cell::from(l.finding.message.clone()),
        ]);
        Some(if i == view.list.selected {
            row.style(theme.selected)
        } else {
            row
        })
    });
    let table = Table::new(body, widths).header(header).column_spacing(1);
    frame.render_widget(table, area);
}

fn detail_pane(view: &FindingsView, notes: &[Note], theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(l) = view.list.current() else {
        return;
    };
    let f = &l.finding;
    let width = usize::from(area.width).max(20);
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{} {} ", f.id, f.rule), theme.header),
        Span::raw(f.message.clone()),
    ])];
    // Newest note first: the pane has three lines.
    if let Some(n) = notes_of(notes, &f.id).last() {
        lines.push(Line::raw(super::records::note_text(n)));
    }
    if let Some(a) = &l.ack {
        lines.push(Line::raw(format!(
            "acknowledged by {} at {}: {}",
            a.by,
            crate::tui::rows::short_time(&a.at),
            a.reason
        )));
    }
    let quote = format!("{}: “{}”", f.source(), f.rule.quote());
    lines.extend(
        wrap(&quote, width)
            .into_iter()
            .map(|p| Line::styled(p, theme.dim)),
    );
    let block = Block::default().borders(ratatui::widgets::Borders::TOP);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(Paragraph::new(lines), inner);
}
