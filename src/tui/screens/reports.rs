//! The Reports screen: the semester report of the picked term and district
//! as its Markdown lines, headings styled, only the visible lines drawn.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use crate::tui::app::{Loadable, ReportPrompt, ReportsView};
use crate::tui::theme::Theme;

/// Draws `view` into `area`.
pub fn render(view: &ReportsView, theme: &Theme, frame: &mut Frame, area: Rect) {
    let scope = view
        .district
        .as_ref()
        .map_or_else(|| "all districts".to_string(), |d| format!("district {d}"));
    let title = format!(" Report {} · {scope} ", view.term);
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = usize::from(inner.height);
    let lines: Vec<Line> = match &view.data {
        Loadable::Loading => vec![Line::styled("Building the report…", theme.dim)],
        Loadable::Failed(e) => vec![Line::styled(format!("Could not build: {e}"), theme.alert)],
        Loadable::Ready(_) => {
            let max = view.lines.len().saturating_sub(height);
            let top = view.scroll.min(max);
            view.lines
                .iter()
                .skip(top)
                .take(height)
                .map(|l| styled(l, theme))
                .collect()
        }
    };
    frame.render_widget(Paragraph::new(lines), inner);
}

fn styled(line: &str, theme: &Theme) -> Line<'static> {
    if line.starts_with('#') {
        Line::styled(line.to_string(), theme.header)
    } else if line.starts_with("Not confirmed: ")
        || line.contains("STALE")
        || line.contains("**error**")
    {
        Line::styled(line.to_string(), theme.alert)
    } else {
        Line::raw(line.to_string())
    }
}

/// The status line's text for an open prompt.
pub fn prompt_text(p: &ReportPrompt) -> (String, String, &'static str) {
    match p {
        ReportPrompt::Export { path } => (
            " export to (.md .csv .html .json): ".to_string(),
            format!("{path}▏"),
            "  enter writes · esc cancels",
        ),
        ReportPrompt::Confirm { district, term } => (
            format!(" confirm the {term} report of {district}? "),
            "(y/n)".to_string(),
            "",
        ),
    }
}
