//! One batch's row-level triage: its header, its rows (one line each, only
//! the visible ones built, filtered by outcome), and under them the
//! selected row's detail or the finding delta of committing it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use crate::domain::{Batch, Finding, FindingSeverity, Outcome, RowResult};
use crate::tui::app::uploads::outcome_word;
use crate::tui::app::{BatchView, Loadable};
use crate::tui::live::Delta;
use crate::tui::rows::short_time;
use crate::tui::screens::list::window_start;
use crate::tui::theme::Theme;

fn or_dash(v: Option<&String>) -> String {
    v.cloned().unwrap_or_else(|| "—".into())
}

fn head_lines(v: &BatchView, t: &Theme) -> Vec<Line<'static>> {
    let b: &Batch = &v.batch;
    let s = &b.summary;
    let mut out = vec![
        Line::raw(format!(
            "{} · {} · LEA {} · term {} · {}",
            b.file,
            b.kind.as_str(),
            b.district
                .as_ref()
                .map_or_else(|| "—".into(), |d| d.to_string()),
            b.term.map_or_else(|| "—".into(), |t| t.to_string()),
            b.state.as_str()
        )),
        Line::raw(format!(
            "imported {} by {}{}",
            short_time(&b.imported_at),
            b.imported_by,
            match (&b.settled_at, &b.settled_by) {
                (Some(at), Some(by)) =>
                    format!(" · {} {} by {by}", b.state.as_str(), short_time(at)),
                _ => String::new(),
            }
        )),
        Line::raw(format!(
            "{} rows: {} new, {} changed, {} unchanged, {} warning, {} error",
            s.rows, s.new, s.changed, s.unchanged, s.warning, s.error
        )),
    ];
    for p in b.problems.iter().take(3) {
        out.push(Line::styled(
            format!("! {}: {}", p.code.as_str(), p.message),
            t.alert,
        ));
    }
    let showing = v.outcome.map_or("all", outcome_word);
    let pos = if v.shown.is_empty() {
        0
    } else {
        v.selected + 1
    };
    out.push(Line::styled(
        format!(
            "rows: {showing} (o) · {pos}/{} · enter: row detail · p: finding delta",
            v.shown.len()
        ),
        t.dim,
    ));
    out
}

fn brief(r: &RowResult) -> String {
    if let Some(p) = r.problems.first() {
        let more = r.problems.len() - 1;
        let tail = if more > 0 {
            format!(" (+{more})")
        } else {
            String::new()
        };
        let col = p.column.clone().unwrap_or_else(|| "(row)".into());
        return format!("{col}: {}{tail}", p.message);
    }
    match r.changes.first() {
        Some(c) => format!(
            "{} change{}: {}: {} → {}",
            r.changes.len(),
            if r.changes.len() == 1 { "" } else { "s" },
            c.field,
            or_dash(c.before.as_ref()),
            or_dash(c.after.as_ref())
        ),
        None => String::new(),
    }
}

fn style_of(o: Outcome, t: &Theme) -> ratatui::style::Style {
    match o {
        Outcome::Error => t.alert,
        Outcome::Warning => t.todo,
        Outcome::Unchanged => t.dim,
        _ => t.done,
    }
}

fn row_line(r: &RowResult, t: &Theme) -> Line<'static> {
    Line::styled(
        format!(
            "{:>6}  {:<10}  {:<9}  {}",
            r.row,
            r.student_id.clone().unwrap_or_default(),
            outcome_word(r.outcome),
            brief(r)
        ),
        style_of(r.outcome, t),
    )
}

/// A row's detail: its field changes (before → after), then its problems
/// (column, value, what was expected).
pub fn detail_lines(r: &RowResult, t: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if r.changes.is_empty() {
        out.push(Line::styled("No field changes.", t.dim));
    } else {
        out.push(Line::styled("Field changes (before → after):", t.header));
    }
    for c in &r.changes {
        out.push(Line::raw(format!(
            "  {}: {} → {}",
            c.field,
            or_dash(c.before.as_ref()),
            or_dash(c.after.as_ref())
        )));
    }
    if r.problems.is_empty() {
        out.push(Line::styled("No problems.", t.dim));
    } else {
        out.push(Line::styled(
            "Problems (column, value: expected):",
            t.header,
        ));
    }
    for p in &r.problems {
        let sym = if p.is_error() { "!" } else { "~" };
        let style = if p.is_error() { t.alert } else { t.todo };
        out.push(Line::styled(
            format!(
                "  {sym} {} “{}”: {} ({})",
                p.column.clone().unwrap_or_else(|| "(row)".into()),
                p.value.clone().unwrap_or_default(),
                p.message,
                p.code.as_str()
            ),
            style,
        ));
    }
    out
}

fn finding_line(sign: &str, f: &Finding, t: &Theme) -> Line<'static> {
    let style = match f.severity {
        FindingSeverity::Error => t.alert,
        _ => t.todo,
    };
    Line::styled(
        format!(
            "{sign} {} {} {} {}",
            f.rule.as_str(),
            f.district,
            f.student
                .as_ref()
                .map_or_else(String::new, ToString::to_string),
            f.message
        ),
        style,
    )
}

/// The delta's lines, added then removed, at most `height` of them (the
/// last says how many more).
pub fn delta_lines(d: &Delta, height: usize, t: &Theme) -> Vec<Line<'static>> {
    let total = d.added.len() + d.removed.len();
    if total == 0 {
        return vec![Line::styled("No finding would change.", t.dim)];
    }
    let fit = if total > height {
        height.saturating_sub(1)
    } else {
        total
    };
    let mut out: Vec<Line> = d
        .added
        .iter()
        .map(|f| ("+", f))
        .chain(d.removed.iter().map(|f| ("−", f)))
        .take(fit)
        .map(|(sign, f)| finding_line(sign, f, t))
        .collect();
    if fit < total {
        out.push(Line::styled(format!("… and {} more", total - fit), t.dim));
    }
    out
}

/// How many lines the selected row's detail has.
pub fn line_count(view: &BatchView) -> usize {
    view.current()
        .map_or(0, |r| 2 + r.changes.len() + r.problems.len())
}

/// Draws one batch's rows, and the row detail or the delta under them.
pub fn render(view: &BatchView, theme: &Theme, frame: &mut Frame, area: Rect) {
    let block = Block::bordered().title(format!(" Batch {} · row-level triage ", view.batch.id));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let head = head_lines(view, theme);
    let panel = view.detail || view.delta.is_some();
    let [top, rows_area, panel_area] = Layout::vertical([
        Constraint::Length(u16::try_from(head.len()).unwrap_or(u16::MAX)),
        Constraint::Fill(1),
        Constraint::Percentage(if panel { 45 } else { 0 }),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(head), top);
    let body: Vec<Line> = match &view.rows {
        Loadable::Loading => vec![Line::styled("Loading…", theme.dim)],
        Loadable::Failed(e) => vec![Line::styled(format!("Could not load: {e}"), theme.alert)],
        Loadable::Ready(_) if view.shown.is_empty() => {
            vec![Line::styled(
                "No rows with this outcome (o cycles).",
                theme.dim,
            )]
        }
        Loadable::Ready(_) => {
            let height = usize::from(rows_area.height.saturating_sub(1)).max(1);
            let start = window_start(view.selected, height);
            let mut out = vec![Line::styled(
                format!(
                    "{:>6}  {:<10}  {:<9}  {}",
                    "Row", "Student", "Outcome", "Problems / changes"
                ),
                theme.header,
            )];
            for pos in start..view.shown.len().min(start.saturating_add(height)) {
                if let Some(r) = view.row(pos) {
                    let line = row_line(r, theme);
                    out.push(if pos == view.selected {
                        line.style(theme.selected)
                    } else {
                        line
                    });
                }
            }
            out
        }
    };
    frame.render_widget(Paragraph::new(body), rows_area);
    if !panel {
        return;
    }
    let (title, lines) = match (view.detail.then(|| view.current()).flatten(), &view.delta) {
        (Some(r), _) => (
            format!(
                " Row {} · {} · {} ",
                r.row,
                r.student_id.clone().unwrap_or_default(),
                outcome_word(r.outcome)
            ),
            detail_lines(r, theme)
                .into_iter()
                .skip(view.scroll)
                .collect(),
        ),
        (None, Some(Loadable::Ready(d))) => (
            format!(
                " Findings if committed: +{} −{} ",
                d.added.len(),
                d.removed.len()
            ),
            delta_lines(d, usize::from(panel_area.height.saturating_sub(2)), theme),
        ),
        (None, Some(Loadable::Failed(e))) => (
            " Findings if committed ".into(),
            vec![Line::styled(format!("No delta: {e}"), theme.alert)],
        ),
        _ => (
            " Findings if committed ".into(),
            vec![Line::styled("Computing…", theme.dim)],
        ),
    };
    let block = Block::bordered().title(title);
    let inside = block.inner(panel_area);
    frame.render_widget(block, panel_area);
    frame.render_widget(Paragraph::new(lines), inside);
}
