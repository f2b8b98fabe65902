//! Student detail: every field, the five modules with their dates and marks,
//! the exam attempts, the documentation on file, and the student's findings
//! with their policy text and acknowledgements, the notes, and the
//! certificates: issued (with the code as `mecred verify` prints it), due,
//! or why not yet (SPEC §1 "Five modules", §6; issue 8).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::domain::FindingSeverity;
use crate::domain::calendar::grade_on;
use crate::domain::{Date, ExamAttempt, ExamResult, Modules, Student};
use crate::tui::app::{App, DetailView, Loadable, StudentRecord};
use crate::tui::live::Listed;
use crate::tui::theme::Theme;

const LABEL: usize = 14;

/// Draws the detail screen into `area`.
pub fn render(view: &DetailView, app: &App, frame: &mut Frame, area: Rect) {
    let theme = &app.theme;
    let title = match &view.record {
        Loadable::Ready(Some(r)) => format!(" {}, {} ", r.student.last_name, r.student.first_name),
        _ => format!(" Student {} ", view.id),
    };
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines = lines(view, app, theme);
    let max = lines.len().saturating_sub(usize::from(inner.height));
    let top = view.scroll.min(max);
    let visible: Vec<Line> = lines
        .into_iter()
        .skip(top)
        .take(usize::from(inner.height))
        .collect();
    frame.render_widget(Paragraph::new(visible), inner);
}

/// How many lines the detail has (for scrolling in `update`).
pub fn line_count(view: &DetailView, app: &App) -> usize {
    lines(view, app, &Theme::no_color()).len()
}

fn lines(view: &DetailView, app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let today = app.today;
    match &view.record {
        Loadable::Loading => vec![Line::styled("Loading…", theme.dim)],
        Loadable::Failed(e) => vec![Line::styled(format!("Could not load: {e}"), theme.alert)],
        Loadable::Ready(None) => {
            vec![Line::styled(
                format!("No student with ID {}.", view.id),
                theme.alert,
            )]
        }
        Loadable::Ready(Some(r)) => {
            let mut out = record_lines(r, view.school_name.as_deref(), today, theme);
            // Findings right after the documentation, before the history.
            let at = out
                .iter()
                .position(|l| l.to_string() == "Audit history")
                .unwrap_or(out.len());
            let mut extra = documentation_lines(r, theme);
            extra.extend(finding_lines(view, app, theme));
            extra.extend(note_lines(view, app, theme));
            extra.extend(certificate_lines(view, app, theme));
            out.splice(at..at, extra);
            out
        }
    }
}

/// Splits `text` into lines of at most `width` characters, at spaces.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let (n, w) = (line.chars().count(), word.chars().count());
        if n > 0 && n + 1 + w > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

fn on_file(yes: bool, t: &Theme) -> Span<'static> {
    if yes {
        Span::styled("[x] on file", t.done)
    } else {
        Span::styled("[ ] missing", t.todo)
    }
}

/// SPEC §1: documentation status is derived, not stored.
fn documentation_lines(r: &StudentRecord, t: &Theme) -> Vec<Line<'static>> {
    let m = &r.student.modules;
    let sa = m.sa_round1.is_some() && m.sa_round2.is_some();
    let checklist = m.mentor_checklist == Some(true);
    let exam = !r.exams.is_empty();
    let row = |name: &str, yes: bool, how: &str| {
        Line::from(vec![
            Span::raw(format!("  {name:<28}")),
            on_file(yes, t),
            Span::styled(format!("  ({how})"), t.dim),
        ])
    };
    vec![
        Line::styled("Documentation", t.header),
        row("Self-Assessment reports", sa, "both rounds dated"),
        row(
            "Mentor completion checklist",
            checklist,
            "Mentor Checklist Y",
        ),
        row(
            "Exam provider's report",
            exam,
            "a result in the provider's file",
        ),
        Line::raw(""),
    ]
}

/// The symbol and style of a finding's severity (acknowledged: `✓`).
pub fn severity_mark(l: &Listed, t: &Theme) -> (&'static str, ratatui::style::Style) {
    match (l.finding.severity, &l.ack) {
        (FindingSeverity::Error, _) => ("!", t.alert),
        (FindingSeverity::Warn, None) => ("~", t.todo),
        (FindingSeverity::Warn, Some(_)) => ("✓", t.dim),
    }
}

fn finding_lines(view: &DetailView, app: &App, t: &Theme) -> Vec<Line<'static>> {
    let mut out = vec![Line::styled("Findings", t.header)];
    let all = match &app.findings {
        Loadable::Ready(f) => f,
        Loadable::Loading => {
            out.push(Line::styled("  evaluating…", t.dim));
            out.push(Line::raw(""));
            return out;
        }
        Loadable::Failed(e) => {
            out.push(Line::styled(format!("  could not evaluate: {e}"), t.alert));
            out.push(Line::raw(""));
            return out;
        }
    };
    let current = app.current_finding().map(|l| l.finding.id.clone());
    let mut any = false;
    for l in all.of_student(&view.id) {
        any = true;
        let f = &l.finding;
        let (sym, style) = severity_mark(l, t);
        let pointer = if current.as_deref() == Some(f.id.as_str()) {
            "▶"
        } else {
            " "
        };
        out.push(Line::from(vec![
            Span::raw(format!("{pointer} ")),
            Span::styled(
                format!("{sym} {:<5} {}", f.severity.as_str(), f.rule),
                style,
            ),
            Span::styled(format!("  {}", f.id), t.dim),
        ]));
        let width = usize::from(app.size.0.saturating_sub(10)).max(20);
        for part in wrap(&f.message, width) {
            out.push(sub(part));
        }
        let quote = format!("{}: “{}”", f.source(), f.rule.quote());
        for part in wrap(&quote, width) {
            out.push(Line::styled(format!("      {part}"), t.dim));
        }
        if let Some(a) = &l.ack {
            out.push(Line::raw(format!(
                "      acknowledged by {} at {}: {}",
                a.by,
                crate::tui::rows::short_time(&a.at),
                a.reason
            )));
        }
        for n in app
            .notes
            .iter()
            .filter(|n| matches!(&n.target, crate::domain::NoteTarget::Finding(id) if id == &f.id))
        {
            out.push(Line::raw(format!("      {}", super::records::note_text(n))));
        }
    }
    if !any {
        out.push(sub("no findings".into()));
    }
    out.push(Line::raw(""));
    out
}

/// The notes on the student, oldest first (append-only: never edited);
/// nothing when it has none.
fn note_lines(view: &DetailView, app: &App, t: &Theme) -> Vec<Line<'static>> {
    let key = crate::domain::RecordKey::Student(view.id.clone());
    let mut out = vec![Line::styled("Notes", t.header)];
    let mut any = false;
    for n in &app.notes {
        if matches!(&n.target, crate::domain::NoteTarget::Record(k) if k == &key) {
            any = true;
            out.push(sub(super::records::note_text(n)));
        }
    }
    if !any {
        // No section without notes: the detail keeps its length.
        return Vec::new();
    }
    out.push(Line::raw(""));
    out
}

/// The certificates, one line per credential held or certified (issued:
/// date and code; due; or why not yet, wrapped).
fn certificate_lines(view: &DetailView, app: &App, t: &Theme) -> Vec<Line<'static>> {
    use crate::tui::source::CertificateState;
    let mut out = vec![Line::styled("Certificates", t.header)];
    let list = match &view.certificates {
        Loadable::Loading => {
            out.push(Line::styled("      checking…", t.dim));
            out.push(Line::raw(""));
            return out;
        }
        Loadable::Failed(e) => {
            out.push(Line::styled(format!("      could not check: {e}"), t.alert));
            out.push(Line::raw(""));
            return out;
        }
        Loadable::Ready(v) => v,
    };
    if list.is_empty() {
        out.push(sub("none: no credential held yet".into()));
    }
    let width = usize::from(app.size.0.saturating_sub(10)).max(20);
    for s in list {
        let name = Span::raw(format!("  {:<20}", s.credential.as_str()));
        match &s.state {
            CertificateState::Issued(c) => {
                let code = c.code.as_deref().map_or_else(
                    || "no code (imported)".to_string(),
                    crate::report::certificate::grouped,
                );
                let (mark, style) = match s.attained {
                    Some(_) => ("[x]", t.done),
                    None => ("[!]", t.alert),
                };
                out.push(Line::from(vec![
                    name,
                    Span::styled(format!("{mark} issued {}", c.issued), style),
                    Span::raw(format!("  code {code}")),
                ]));
                if s.attained.is_none() {
                    out.push(Line::styled(
                        "      revoked: the student no longer holds it (CERT-INCOMPLETE)",
                        t.alert,
                    ));
                }
            }
            CertificateState::Due(d) => out.push(Line::from(vec![
                name,
                Span::styled("[ ] due", t.todo),
                Span::styled(format!("  attained {}", d.attained), t.dim),
            ])),
            CertificateState::Waiting(why) => {
                let attained = s
                    .attained
                    .map_or_else(String::new, |d| format!("  attained {d}"));
                out.push(Line::from(vec![
                    name,
                    Span::styled("[ ] not yet", t.dim),
                    Span::styled(attained, t.dim),
                ]));
                for part in wrap(why, width) {
                    out.push(Line::styled(format!("      {part}"), t.dim));
                }
            }
        }
    }
    out.push(Line::raw(""));
    out
}

fn field(label: &str, value: String, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label:<LABEL$}"), theme.dim),
        Span::raw(value),
    ])
}

fn yes_no(v: Option<bool>) -> String {
    match v {
        Some(true) => "Y".into(),
        Some(false) => "N".into(),
        None => "not reported".into(),
    }
}

fn date(d: Option<Date>) -> String {
    d.map_or_else(|| "—".to_string(), |d| d.to_string())
}

fn grade_text(cohort: i16, today: Date) -> String {
    let g = grade_on(cohort, today);
    match g {
        13.. => format!("cohort {cohort} · graduated (grade {g} today)"),
        _ => format!("cohort {cohort} · grade {g} today"),
    }
}

fn record_lines(
    r: &StudentRecord,
    school: Option<&str>,
    today: Date,
    t: &Theme,
) -> Vec<Line<'static>> {
    let s: &Student = &r.student;
    let school = match school {
        Some(name) => format!("{} {name}", s.school),
        None => s.school.to_string(),
    };
    let complementary = if s.complementary.is_empty() {
        "—".to_string()
    } else {
        s.complementary.join("; ")
    };
    let mut out = vec![
        field("Name", format!("{}, {}", s.last_name, s.first_name), t),
        field("Student ID", s.id.to_string(), t),
        field("School", school, t),
        field("Grade", grade_text(s.cohort, today), t),
        field("Pathway", yes_no(s.pathway), t),
        field("Complementary", complementary, t),
        field("Notes", s.notes.clone().unwrap_or_else(|| "—".into()), t),
        Line::raw(""),
        Line::styled("Modules", t.header),
    ];
    out.extend(module_lines(&s.modules, &r.exams, t));
    out.push(Line::raw(""));
    out.push(Line::styled("Audit history", t.header));
    if r.history.is_empty() {
        out.push(sub("no recorded changes".into()));
    }
    for e in &r.history {
        let action = match e.action {
            crate::store::EventAction::Commit => "commit",
            crate::store::EventAction::Revert => "revert",
        };
        out.push(Line::raw(format!(
            "  #{} {} {} · batch {} · {action}",
            e.seq,
            crate::tui::rows::short_time(&e.at),
            e.actor,
            e.batch
        )));
        out.extend(crate::tui::screens::audit::write_lines(e, "      ", t));
    }
    out.push(Line::raw(""));
    out.push(Line::styled(
        "Not tracked: writing assignments, exam proctoring, which courses carried the modules.",
        t.dim,
    ));
    out
}

fn mark(done: Option<Date>, name: &str, t: &Theme) -> Line<'static> {
    let (sym, style, status) = match done {
        Some(d) => ("[x]", t.done, format!("complete {d}")),
        None => ("[ ]", t.todo, "not complete".to_string()),
    };
    Line::from(vec![
        Span::styled(format!("{sym} "), style),
        Span::raw(format!("{name:<30}")),
        Span::styled(status, style),
    ])
}

fn sub(text: String) -> Line<'static> {
    Line::raw(format!("      {text}"))
}

fn module_lines(m: &Modules, exams: &[ExamAttempt], t: &Theme) -> Vec<Line<'static>> {
    let sa_done = match (m.sa_round1, m.sa_round2) {
        (Some(a), Some(b)) => Some(a.max(b)),
        _ => None,
    };
    let instrument = m
        .sa_instrument
        .clone()
        .unwrap_or_else(|| "Micro-Enterprise Self-Assessment (default)".into());
    let pres_done = m.presentation.filter(|_| m.mentor_checklist == Some(true));
    let checklist = match m.mentor_checklist {
        Some(true) => "Y (on file)",
        Some(false) => "N (not on file)",
        None => "not reported",
    };
    let passed = exams
        .iter()
        .filter(|e| e.result == ExamResult::Pass)
        .map(|e| e.date)
        .min();
    let mut out = vec![
        mark(sa_done, "Self-Assessment", t),
        sub(format!(
            "Round 1 {} · Round 2 {}",
            date(m.sa_round1),
            date(m.sa_round2)
        )),
        sub(format!("instrument {instrument}")),
        mark(pres_done, "Self-Assessment Presentation", t),
        sub(format!(
            "date {} · mentor checklist {checklist}",
            date(m.presentation)
        )),
        mark(m.credit_applications, "Credit Applications", t),
        mark(m.company_registration, "Company Registration", t),
        mark(passed, "Certification Exam", t),
    ];
    if exams.is_empty() {
        out.push(sub("no attempts reported by the exam provider".into()));
    }
    for e in exams {
        let style = if e.result == ExamResult::Pass {
            t.done
        } else {
            t.todo
        };
        let score = e
            .score
            .as_deref()
            .map_or_else(String::new, |s| format!("score {s}"));
        let provider = e.provider.clone().unwrap_or_default();
        out.push(Line::from(vec![
            Span::raw(format!("      {}  ", e.date)),
            Span::styled(format!("{:<4}", e.result.as_str()), style),
            Span::raw(format!("  {score:<10} {provider}")),
        ]));
    }
    out
}
