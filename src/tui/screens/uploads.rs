//! Upload batches and one batch's row-level triage (read-only: commit and
//! discard from the UI come later). Row lines are built for the visible
//! part only.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use super::list::{Columns, render_list};
use crate::domain::{Batch, Date, Outcome, RowResult};
use crate::tui::app::{BatchView, ListView, Loadable};
use crate::tui::rows::short_time;
use crate::tui::theme::Theme;

/// The batch list; the summary and import columns only where they fit.
pub fn list(list: &ListView<Batch>, theme: &Theme, frame: &mut Frame, area: Rect) {
    let wide = area.width >= 140;
    let (header, widths, show): (&[&str], Vec<Constraint>, &[usize]) = if wide {
        (
            &[
                "ID", "State", "Kind", "LEA", "Term", "File", "Summary", "Imported", "By",
            ],
            vec![
                Constraint::Length(4),
                Constraint::Length(9),
                Constraint::Length(11),
                Constraint::Length(3),
                Constraint::Length(11),
                Constraint::Fill(1),
                Constraint::Length(50),
                Constraint::Length(16),
                Constraint::Length(10),
            ],
            &[0, 1, 2, 3, 4, 5, 6, 7, 8],
        )
    } else {
        (
            &["ID", "State", "Kind", "LEA", "Term", "File"],
            vec![
                Constraint::Length(4),
                Constraint::Length(9),
                Constraint::Length(11),
                Constraint::Length(3),
                Constraint::Length(11),
                Constraint::Fill(1),
            ],
            &[0, 1, 2, 3, 4, 5],
        )
    };
    let cols = Columns {
        title: " Uploads".into(),
        header,
        widths: &widths,
        show,
        empty: "No uploads yet (mecred import FILE).",
    };
    render_list(list, cols, Date::constant(2000, 1, 1), theme, frame, area);
}

fn outcome(o: Outcome) -> &'static str {
    match o {
        Outcome::New => "new",
        Outcome::Changed => "changed",
        Outcome::Unchanged => "unchanged",
        Outcome::Warning => "warning",
        Outcome::Error => "error",
    }
}

fn or_dash(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "—".into())
}

fn head_lines(b: &Batch, t: &Theme) -> Vec<Line<'static>> {
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
            "imported {} by {}",
            short_time(&b.imported_at),
            b.imported_by
        )),
        Line::raw(format!(
            "{} rows: {} new, {} changed, {} unchanged, {} warning, {} error",
            s.rows, s.new, s.changed, s.unchanged, s.warning, s.error
        )),
    ];
    for p in &b.problems {
        out.push(Line::styled(
            format!("! {}: {}", p.code.as_str(), p.message),
            t.alert,
        ));
    }
    out.push(Line::styled(
        format!(
            "{:>6}  {:<10}  {}",
            "Row", "Student", "Outcome / problems / changes"
        ),
        t.header,
    ));
    out
}

fn row_len(r: &RowResult) -> usize {
    1 + r.problems.len() + r.changes.len()
}

fn row_lines(r: &RowResult, t: &Theme) -> Vec<Line<'static>> {
    let style = match r.outcome {
        Outcome::Error => t.alert,
        Outcome::Warning => t.todo,
        _ => t.done,
    };
    let mut out = vec![Line::styled(
        format!(
            "{:>6}  {:<10}  {}",
            r.row,
            r.student_id.clone().unwrap_or_default(),
            outcome(r.outcome)
        ),
        style,
    )];
    for p in &r.problems {
        let sym = if p.is_error() { "!" } else { "~" };
        out.push(Line::raw(format!(
            "{:20}{sym} {} {}: {}",
            "",
            p.column.clone().unwrap_or_else(|| "(row)".into()),
            p.code.as_str(),
            p.message
        )));
    }
    for c in &r.changes {
        out.push(Line::raw(format!(
            "{:20}{}: {} → {}",
            "",
            c.field,
            or_dash(&c.before),
            or_dash(&c.after)
        )));
    }
    out
}

/// How many lines the batch view has.
pub fn line_count(view: &BatchView) -> usize {
    let head = head_lines(&view.batch, &Theme::no_color()).len();
    match &view.rows {
        Loadable::Ready(rows) => head + rows.iter().map(row_len).sum::<usize>(),
        _ => head + 1,
    }
}

/// The lines from `top`, at most `height` of them, built for those only.
fn visible(view: &BatchView, top: usize, height: usize, t: &Theme) -> Vec<Line<'static>> {
    let mut out: Vec<Line> = head_lines(&view.batch, t);
    let rows = match &view.rows {
        Loadable::Ready(rows) => rows,
        Loadable::Loading => {
            out.push(Line::styled("Loading…", t.dim));
            return out.into_iter().skip(top).take(height).collect();
        }
        Loadable::Failed(e) => {
            out.push(Line::styled(format!("Could not load: {e}"), t.alert));
            return out.into_iter().skip(top).take(height).collect();
        }
    };
    let mut skip = top;
    if skip >= out.len() {
        skip -= out.len();
        out.clear();
    } else {
        out.drain(..skip);
        skip = 0;
    }
    for r in rows {
        if out.len() >= height {
            break;
        }
        let n = row_len(r);
        if skip >= n {
            skip -= n;
            continue;
        }
        out.extend(row_lines(r, t).into_iter().skip(skip));
        skip = 0;
    }
    out.truncate(height);
    out
}

/// Draws one batch's rows.
pub fn batch(view: &BatchView, theme: &Theme, frame: &mut Frame, area: Rect) {
    let block = Block::bordered().title(format!(" Batch {} · row-level triage ", view.batch.id));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = usize::from(inner.height);
    let top = view.scroll.min(line_count(view).saturating_sub(height));
    frame.render_widget(Paragraph::new(visible(view, top, height, theme)), inner);
}
