//! The dashboard: the module funnel as bars and per-district counts, from
//! the overview loaded in the background (the first frame never waits).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::tui::app::{App, Loadable};
use crate::tui::progress::Dashboard;
use crate::tui::theme::Theme;

/// How many lines the dashboard has.
pub fn line_count(app: &App) -> usize {
    lines(app, 10).len()
}

fn bar(n: usize, total: usize, width: usize) -> String {
    let filled = n
        .saturating_mul(width)
        .checked_div(total)
        .unwrap_or(0)
        .min(width);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

fn pct(n: usize, total: usize) -> usize {
    n.saturating_mul(100).checked_div(total).unwrap_or(0)
}

fn ready_lines(d: &Dashboard, bar_width: usize, t: &Theme) -> Vec<Line<'static>> {
    let mut out = vec![Line::styled(
        format!("Students with each module complete (of {})", d.students),
        t.header,
    )];
    for (m, n) in &d.funnel {
        out.push(Line::from(vec![
            Span::raw(format!("{:<21}", m.name())),
            Span::styled(bar(*n, d.students, bar_width), t.done),
            Span::raw(format!(" {n:>7} {:>3}%", pct(*n, d.students))),
        ]));
    }
    out.push(Line::raw(""));
    out.push(Line::styled(
        format!(
            "{:<5}{:<36}{:>9}{:>15}",
            "Code", "District", "Students", "Regional Core"
        ),
        t.header,
    ));
    for c in &d.districts {
        let name: String = c.name.chars().take(35).collect();
        out.push(Line::raw(format!(
            "{:<5}{:<36}{:>9}{:>9} {:>4}%",
            c.code.to_string(),
            name,
            c.students,
            c.regional_core,
            pct(c.regional_core, c.students)
        )));
    }
    out
}

fn lines(app: &App, bar_width: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    match &app.dashboard {
        Loadable::Loading => vec![Line::styled(
            "Counting every student… (keys work meanwhile)",
            t.dim,
        )],
        Loadable::Failed(e) => vec![Line::styled(format!("Could not load: {e}"), t.alert)],
        Loadable::Ready(d) => ready_lines(d, bar_width, t),
    }
}

/// Draws the dashboard into `area`, scrolled to `scroll`.
pub fn render(app: &App, scroll: usize, frame: &mut Frame, area: Rect) {
    let block = Block::bordered().title(" Dashboard ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let bar_width = usize::from(inner.width.saturating_sub(35)).clamp(1, 50);
    let all = lines(app, bar_width);
    let max = all.len().saturating_sub(usize::from(inner.height));
    let visible: Vec<Line> = all
        .into_iter()
        .skip(scroll.min(max))
        .take(usize::from(inner.height))
        .collect();
    frame.render_widget(Paragraph::new(visible), inner);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_proportional_and_never_overflow() {
        assert_eq!(bar(1, 2, 4), "██░░");
        assert_eq!(bar(0, 0, 3), "░░░");
        assert_eq!(bar(9, 2, 3), "███");
        assert_eq!(pct(1, 3), 33);
    }
}
