//! The status-line prompts of issue 5's record keys: a transfer's target
//! school and its y/n, a note's text, and the audit log's student and
//! change set filters. A refusal shows in place of the hint.

use ratatui::text::{Line, Span};

use crate::domain::Note;
use crate::tui::app::records::AuditAsk;
use crate::tui::app::{App, RecordPrompt, Screen};
use crate::tui::rows::short_time;

/// The prompt line, when a record prompt is open.
pub fn prompt_line(app: &App) -> Option<Line<'static>> {
    let t = &app.theme;
    let (ask, typed, hint) = match &app.record_prompt {
        Some(RecordPrompt::Transfer {
            id,
            from,
            to: Some((school, name)),
            ..
        }) => {
            // y/n before the school's name: a long name may be cut.
            let name = name
                .as_ref()
                .map_or_else(String::new, |n| format!("  · {n}"));
            (
                format!(" transfer {id} from {from} to {school}? "),
                String::new(),
                format!("y/n{name}"),
            )
        }
        Some(RecordPrompt::Transfer { id, input, .. }) => (
            format!(" transfer {id} to school: "),
            format!("{input}▏"),
            "  enter checks · esc cancels".to_string(),
        ),
        Some(RecordPrompt::Certificates {
            due: Some((n, students)),
            dir,
            ..
        }) => (
            format!(
                " issue {n} certificate(s) for {students} student(s) into {}? ",
                dir.display()
            ),
            String::new(),
            "y/n".to_string(),
        ),
        Some(RecordPrompt::Certificates { due: None, .. }) => (
            " certificates: ".to_string(),
            "counting the certificates due…".to_string(),
            "  esc cancels".to_string(),
        ),
        Some(RecordPrompt::Note { target, input }) => (
            format!(" note on {target}: "),
            format!("{input}▏"),
            "  enter adds · esc cancels".to_string(),
        ),
        None => match app.screen() {
            Some(Screen::Audit(v)) => {
                let (what, typed) = v.ask.as_ref()?;
                let what = match what {
                    AuditAsk::Student => "student ID",
                    AuditAsk::ChangeSet => "change set",
                };
                (
                    format!(" filter the log by {what}: "),
                    format!("{typed}▏"),
                    "  enter filters (empty: any) · esc cancels".to_string(),
                )
            }
            _ => return None,
        },
    };
    let tail = match &app.message {
        Some((text, true)) => Span::styled(format!("  {text}"), t.alert),
        _ => Span::raw(hint),
    };
    Some(Line::from(vec![
        Span::styled(ask, t.key),
        Span::raw(typed),
        tail,
    ]))
}

/// A note as one line: `✎ by at: text`.
pub fn note_text(n: &Note) -> String {
    format!("✎ {} {}: {}", n.by, short_time(&n.at), n.text)
}
