//! The dashboard: the term's statewide counts, the module funnel as bars and
//! per-district counts (qualifying, findings, agreement, upload,
//! confirmation), from the evaluation made in the background (the first
//! frame never waits) and again after every change set.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::domain::fee::Outstanding;
use crate::tui::app::{App, Loadable};
use crate::tui::progress::{Confirmed, Dashboard};
use crate::tui::theme::Theme;

/// How many lines the dashboard has.
pub fn line_count(app: &App) -> usize {
    lines(app, 80).len()
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

/// The outstanding fees line: statements issued or invoiced, not paid.
fn fees_line(o: &Outstanding, t: &Theme) -> Line<'static> {
    let style = if o.statements == 0 { t.done } else { t.todo };
    Line::from(vec![
        Span::raw("Fees to BRAC: "),
        Span::styled(
            format!("$ {} statement(s) outstanding, {}", o.statements, o.total),
            style,
        ),
    ])
}

fn ready_lines(
    d: &Dashboard,
    fees: Option<&Outstanding>,
    width: usize,
    t: &Theme,
) -> Vec<Line<'static>> {
    let bar_width = width.saturating_sub(35).clamp(1, 50);
    let term = d.term.map_or_else(String::new, |t| t.to_string());
    let st = &d.statewide;
    let mut out = vec![
        Line::from(vec![
            Span::styled(format!("Qualifying in {term}: {}", st.qualifying), t.header),
            Span::raw(format!(
                "  (Core {} · Basic {} · Advanced {})  blocked {}",
                st.regional_core, st.basic_statewide, st.advanced_statewide, st.blocked
            )),
        ]),
        Line::from(vec![
            Span::raw("Findings: "),
            Span::styled(format!("! {} errors", st.error_findings), t.alert),
            Span::raw(" · "),
            Span::styled(format!("~ {} warnings", st.warn_findings), t.todo),
        ]),
        Line::raw(format!(
            "Districts: {} lack an agreement · {} lack a {term} upload · {}/{} confirmed",
            d.without_agreement(),
            d.without_upload(),
            d.confirmed(),
            d.districts.len()
        )),
    ];
    if let Some(o) = fees {
        out.push(fees_line(o, t));
    }
    out.extend([
        Line::raw(""),
        Line::styled(
            format!("Students with each module complete (of {})", d.students),
            t.header,
        ),
    ]);
    for (m, n) in &d.funnel {
        out.push(Line::from(vec![
            Span::raw(format!("{:<21}", m.name())),
            Span::styled(bar(*n, d.students, bar_width), t.done),
            Span::raw(format!(" {n:>7} {:>3}%", pct(*n, d.students))),
        ]));
    }
    out.push(Line::raw(""));
    // Code, name, then fixed columns: 59 characters.
    let name_width = width.saturating_sub(59).max(8);
    out.push(Line::styled(
        format!(
            "{:<5}{:<name_width$}{:>7}{:>6}{:>6}{:>5}{:>6}{:>6} {:<8}{:<4}{}",
            "Code",
            "District",
            "Stud.",
            "Core",
            "Basic",
            "Adv",
            "Err",
            "Warn",
            "Agreemt",
            "Upl",
            "Conf"
        ),
        t.header,
    ));
    for c in &d.districts {
        let name: String = c.name.chars().take(name_width).collect();
        let x = &c.totals;
        let agreement_style = if c.agreement == "ok" { t.done } else { t.alert };
        let (upload, upload_style) = if c.uploaded {
            ("yes", t.done)
        } else {
            ("no", t.todo)
        };
        let (confirmed, confirmed_style) = match c.confirmed {
            Confirmed::Yes => ("yes", t.done),
            Confirmed::Stale => ("stale", t.alert),
            Confirmed::No => ("no", t.todo),
        };
        out.push(Line::from(vec![
            Span::raw(format!(
                "{:<5}{:<name_width$}{:>7}{:>6}{:>6}{:>5}{:>6}{:>6} ",
                c.code.to_string(),
                name,
                x.students,
                x.regional_core,
                x.basic_statewide,
                x.advanced_statewide,
                x.error_findings,
                x.warn_findings,
            )),
            Span::styled(format!("{:<8}", c.agreement), agreement_style),
            Span::styled(format!("{upload:<4}"), upload_style),
            Span::styled(confirmed.to_string(), confirmed_style),
        ]));
    }
    out
}

fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    match &app.dashboard {
        Loadable::Loading => vec![Line::styled(
            "Counting every student… (keys work meanwhile)",
            t.dim,
        )],
        Loadable::Failed(e) => vec![Line::styled(format!("Could not load: {e}"), t.alert)],
        Loadable::Ready(d) => ready_lines(d, app.fees.as_ref(), width, t),
    }
}

/// Draws the dashboard into `area`, scrolled to `scroll`.
pub fn render(app: &App, scroll: usize, frame: &mut Frame, area: Rect) {
    let block = Block::bordered().title(" Dashboard ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let all = lines(app, usize::from(inner.width));
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
