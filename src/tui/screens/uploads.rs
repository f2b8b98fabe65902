//! The upload queue (filtered by state, district and term), the import
//! gauge, and the Uploads prompts on the status line. One batch's rows are
//! in [`batch`].

pub mod batch;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Gauge};

use super::list::{Columns, render_list};
use crate::domain::{Batch, Date};
use crate::tui::app::uploads::{BatchOp, ImportGauge, ImportStep, UploadPrompt};
use crate::tui::app::{App, BatchView, ListView, Loadable, Screen};

pub use batch::line_count;

/// The queue; the summary and import columns only where they fit, the
/// import gauge under it while one runs.
pub fn queue(app: &App, list: &ListView<Batch>, frame: &mut Frame, area: Rect) {
    let area = with_gauge(app, frame, area);
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
            &["ID", "State", "LEA", "Term", "File", "Rows n/c/u/w/e"],
            vec![
                Constraint::Length(4),
                Constraint::Length(9),
                Constraint::Length(3),
                Constraint::Length(11),
                Constraint::Fill(1),
                Constraint::Length(16),
            ],
            &[0, 1, 3, 4, 5, 9],
        )
    };
    let f = &app.uploads.filter;
    let filtered = f.state.is_some() || f.district.is_some() || f.term.is_some();
    let cols = Columns {
        title: format!(" Uploads{}", f.describe()),
        header,
        widths: &widths,
        show,
        empty: if filtered {
            "No batch passes the filters (f state, d district, t term)."
        } else {
            "No uploads yet (i or :import PATH)."
        },
    };
    render_list(
        list,
        cols,
        Date::constant(2000, 1, 1),
        &app.theme,
        frame,
        area,
    );
}

/// Draws one batch (see [`batch::render`]).
pub fn batch(app: &App, view: &BatchView, frame: &mut Frame, area: Rect) {
    let area = with_gauge(app, frame, area);
    batch::render(view, &app.theme, frame, area);
}

/// Takes three rows off the bottom of `area` for the gauge while an import
/// runs; returns what is left.
fn with_gauge(app: &App, frame: &mut Frame, area: Rect) -> Rect {
    let Some(g) = &app.uploads.import else {
        return area;
    };
    let [rest, bottom] = Layout::vertical([Constraint::Fill(1), Constraint::Length(3)]).areas(area);
    let (ratio, label) = gauge_text(g);
    let gauge = Gauge::default()
        .block(Block::bordered().title(format!(" Importing {} ", g.path)))
        .gauge_style(app.theme.key)
        .ratio(ratio)
        .label(label);
    frame.render_widget(gauge, bottom);
    rest
}

/// `12345` as `12,345`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

const SPIN: [&str; 4] = ["⠋", "⠙", "⠸", "⠴"];

/// The gauge's fill and label: reading → triaging and staging, with a
/// spinner that moves with every tick.
pub fn gauge_text(g: &ImportGauge) -> (f64, String) {
    let spin = SPIN
        .get(g.ticks as usize % SPIN.len())
        .copied()
        .unwrap_or("");
    let size = g
        .bytes
        .map_or_else(String::new, |b| format!(" ({} KB)", b.div_ceil(1024)));
    let fraction = |done: usize, total: usize| {
        // Precision is not the point of a gauge: rows fit an f64 exactly.
        #[allow(clippy::cast_precision_loss)]
        let f = done as f64 / total.max(1) as f64;
        f.clamp(0.0, 1.0)
    };
    match g.step {
        ImportStep::Reading { .. } | ImportStep::Tick => {
            (0.1, format!("{spin} reading{size} · triaging · staging"))
        }
        ImportStep::Rows {
            storing: false,
            done,
            total,
        } => (
            0.2 + 0.4 * fraction(done, total),
            format!(
                "{spin} read{size} · triaging {} of {} rows",
                thousands(done),
                thousands(total)
            ),
        ),
        ImportStep::Rows {
            storing: true,
            done,
            total,
        } => (
            0.6 + 0.4 * fraction(done, total),
            format!(
                "{spin} triaged · staging {} of {} rows",
                thousands(done),
                thousands(total)
            ),
        ),
    }
}

/// The status line of an open Uploads prompt (the message, if any, in
/// place of the hint).
pub fn prompt_line(app: &App) -> Option<Line<'static>> {
    let t = &app.theme;
    let prompt = app.uploads.prompt.as_ref()?;
    let (ask, typed, hint) = match prompt {
        UploadPrompt::Command { text, choices } => {
            let hint = if choices.is_empty() {
                "  tab completes · enter runs · esc cancels".to_string()
            } else {
                format!("  {}", choices.join("  "))
            };
            (" :".to_string(), format!("{text}▏"), hint)
        }
        UploadPrompt::Confirm { op, batch } => {
            let delta = match app.screen() {
                Some(Screen::Batch(v)) if v.batch.id == batch.id => v.delta.as_ref(),
                _ => None,
            };
            (
                confirm_text(*op, batch, delta),
                String::new(),
                "  y/n".to_string(),
            )
        }
    };
    let tail = match &app.message {
        Some((text, _)) => Span::styled(format!("  {text}"), t.alert),
        None => Span::raw(hint),
    };
    Some(Line::from(vec![
        Span::styled(ask, t.key),
        Span::raw(typed),
        tail,
    ]))
}

/// What a confirmation says will happen.
pub fn confirm_text(
    op: BatchOp,
    b: &Batch,
    delta: Option<&Loadable<crate::tui::live::Delta>>,
) -> String {
    let s = &b.summary;
    match op {
        BatchOp::Commit => {
            let findings = match delta {
                Some(Loadable::Ready(d)) => {
                    format!("; findings +{} −{}", d.added.len(), d.removed.len())
                }
                Some(Loadable::Loading) => "; findings: computing…".into(),
                _ => String::new(),
            };
            format!(
                " commit batch {} ({}): write {} new, {} changed, {} warning rows; skip {} error rows{findings}?",
                b.id, b.file, s.new, s.changed, s.warning, s.error
            )
        }
        BatchOp::Discard => format!(
            " discard batch {} ({}, {} rows)? nothing is written; it cannot be committed after",
            b.id, b.file, s.rows
        ),
        BatchOp::Revert => format!(
            " revert batch {} ({})? its records go back to what they were before (refused if a later change touched one)",
            b.id, b.file
        ),
    }
}
