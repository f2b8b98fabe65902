//! The module grid's findings panel: the selected student's findings
//! (severity symbol, rule id, message), those of the cursor's column first
//! and marked `▸`. It reads [`GridView::notes`], filled from the policy
//! view the app holds: nothing is evaluated here.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::finding_mark;
use crate::tui::app::GridView;
use crate::tui::live::{Listed, grid_module, grid_severity};
use crate::tui::theme::Theme;

/// The selected student's findings in panel order: the cursor column's
/// first (so a short panel still shows them), each with whether it is.
pub fn ordered(view: &GridView) -> Vec<(&Listed, bool)> {
    let module = view.selected_module();
    let all = view.selected_findings();
    let here = all
        .iter()
        .filter(|l| grid_module(&l.finding) == Some(module));
    let rest = all
        .iter()
        .filter(|l| grid_module(&l.finding) != Some(module));
    here.map(|l| (l, true))
        .chain(rest.map(|l| (l, false)))
        .collect()
}

fn line(l: &Listed, here: bool, rule_width: usize, theme: &Theme) -> Line<'static> {
    let (sym, style) = finding_mark(grid_severity(l.finding.severity), theme);
    let emphasis = if here {
        ratatui::style::Style::new().add_modifier(Modifier::BOLD)
    } else {
        ratatui::style::Style::new()
    };
    let mut spans = vec![
        Span::styled(if here { "▸" } else { " " }, emphasis),
        Span::styled(sym, style),
        Span::styled(
            format!(" {:<rule_width$}  ", l.finding.rule.as_str()),
            theme.key.patch(emphasis),
        ),
        Span::styled(l.finding.message.clone(), emphasis),
    ];
    if l.ack.is_some() {
        spans.push(Span::styled(" · acknowledged", theme.dim));
    }
    Line::from(spans)
}

/// Draws the panel into `area`.
pub fn render(view: &GridView, theme: &Theme, frame: &mut Frame, area: Rect) {
    let module = view.selected_module();
    let title = match view.list.current() {
        Some(r) => format!(
            " Findings · {}, {} · ▸ {} ",
            r.student.last_name,
            r.student.first_name,
            module.short()
        ),
        None => " Findings ".to_string(),
    };
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let items = ordered(view);
    if items.is_empty() {
        let text = Line::styled("No findings for this student.", theme.dim);
        frame.render_widget(Paragraph::new(text), inner);
        return;
    }
    let height = usize::from(inner.height);
    // The last line says how many more when they do not all fit.
    let fits = if items.len() > height {
        height.saturating_sub(1)
    } else {
        items.len()
    };
    let shown = items.get(..fits).unwrap_or(&[]);
    let rule_width = shown
        .iter()
        .map(|(l, _)| l.finding.rule.as_str().len())
        .max()
        .unwrap_or(0);
    let mut lines: Vec<Line> = shown
        .iter()
        .map(|(l, here)| line(l, *here, rule_width, theme))
        .collect();
    if fits < items.len() {
        let more = items.len() - fits;
        lines.push(Line::styled(
            format!("  … {more} more (enter opens the student)"),
            theme.dim,
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
