//! The status line: database label, "today" as given, and key hints
//! generated from the active keymap (or the continuations of a pending
//! prefix).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::action::Action;
use crate::tui::app::{App, Screen};
use crate::tui::keymap::notation::sequence_to_string;

/// The actions hinted on the current screen, most useful first.
fn hinted(app: &App) -> &'static [Action] {
    if app.is_typing() {
        return &[Action::Open, Action::Back, Action::DeleteChar];
    }
    if app.help.is_some() {
        return &[Action::Back, Action::Down, Action::Up];
    }
    match app.screen() {
        Some(Screen::Reports(_)) => &[
            Action::NextTerm,
            Action::CycleDistrict,
            Action::ExportReport,
            Action::ConfirmReport,
            Action::Help,
        ],
        Some(Screen::Uploads(_)) => &[
            Action::Open,
            Action::Import,
            Action::CycleState,
            Action::Help,
        ],
        Some(Screen::Batch(_)) => &[
            Action::Open,
            Action::CycleOutcome,
            Action::PreviewDelta,
            Action::Help,
        ],
        Some(Screen::Findings(_)) => &[
            Action::Open,
            Action::NextFinding,
            Action::Acknowledge,
            Action::GroupFindings,
            Action::CycleSeverity,
            Action::Help,
        ],
        Some(Screen::Detail(_)) => &[
            Action::Back,
            Action::NextFinding,
            Action::Acknowledge,
            Action::Help,
        ],
        Some(Screen::Event(_)) => &[Action::Back, Action::Down, Action::Help, Action::Quit],
        Some(Screen::Dashboard { .. }) => &[Action::Districts, Action::Jump, Action::Help],
        Some(Screen::Students { .. } | Screen::Grid(_)) => &[
            Action::Open,
            Action::ToggleGrid,
            Action::Filter,
            Action::Help,
        ],
        _ => &[Action::Open, Action::Back, Action::Filter, Action::Help],
    }
}

/// The hints as (keys, action name) pairs.
pub fn hints(app: &App) -> Vec<(String, &'static str)> {
    let contexts = app.contexts();
    if !app.pending.is_empty() {
        // A pending prefix shows its continuations (STYLE.md §5).
        let mut out = Vec::new();
        for c in &contexts {
            for (keys, action) in app.keymap.bindings(*c) {
                if keys.len() > app.pending.len() && keys.starts_with(&app.pending) {
                    out.push((sequence_to_string(keys), action.name()));
                }
            }
        }
        return out;
    }
    hinted(app)
        .iter()
        .filter_map(|a| {
            let keys = app.keymap.key_for(&contexts, *a)?;
            Some((sequence_to_string(&keys), a.name()))
        })
        .collect()
}

/// Draws the status line into `area` (one row).
pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    // The reason prompt and a message take the whole line.
    if let Some(p) = &app.prompt {
        let line = Line::from(vec![
            Span::styled(
                format!(" acknowledge {} ({}) reason: ", p.finding, p.rule),
                t.key,
            ),
            Span::raw(format!("{}▏", p.reason)),
            Span::raw("  enter stores · esc cancels"),
        ]);
        frame.render_widget(Paragraph::new(line).style(t.status), area);
        return;
    }
    if let Some(line) = crate::tui::screens::records::prompt_line(app) {
        frame.render_widget(Paragraph::new(line).style(t.status), area);
        return;
    }
    if let Some(line) = crate::tui::screens::uploads::prompt_line(app) {
        frame.render_widget(Paragraph::new(line).style(t.status), area);
        return;
    }
    if let Some(Screen::Reports(v)) = app.screen()
        && let Some(p) = &v.prompt
    {
        let (ask, typed, tail) = crate::tui::screens::reports::prompt_text(p);
        // A refused answer (a bad extension) shows in place of the hint.
        let tail = match &app.message {
            Some((text, _)) => Span::styled(format!("  {text}"), t.alert),
            None => Span::raw(tail),
        };
        let line = Line::from(vec![Span::styled(ask, t.key), Span::raw(typed), tail]);
        frame.render_widget(Paragraph::new(line).style(t.status), area);
        return;
    }
    if let Some((text, alert)) = &app.message {
        let style = if *alert { t.alert } else { t.status };
        frame.render_widget(Paragraph::new(format!(" {text}")).style(style), area);
        return;
    }
    let mut spans = vec![Span::raw(format!(
        " {} · today {}",
        app.db_label, app.today
    ))];
    if app.read_only {
        spans.push(Span::raw(" · read-only"));
    }
    spans.push(Span::raw(" │ "));
    if !app.pending.is_empty() {
        spans.push(Span::raw(format!(
            "{} … ",
            sequence_to_string(&app.pending)
        )));
    }
    for (keys, name) in hints(app) {
        spans.push(Span::styled(keys, t.key));
        spans.push(Span::raw(format!(" {name}  ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(t.status), area);
}
