//! Issue 5's record keys in the state: transferring a student (school
//! prompt, then y/n), attaching a note to a student or a finding, and the
//! audit log's filters (actor, district, student, change set). State only:
//! the writes run on a worker ([`Effect::Transfer`], [`Effect::AddNote`]),
//! the log is built by the runtime ([`Request::Audit`]).

use std::cmp::Ordering;

use super::{App, Effect, ListItem, ListView, Loadable, Request, Screen};
use crate::domain::{Date, DistrictCode, NoteTarget, RecordKey, SchoolCode, StudentId};
use crate::search::Target;
use crate::tui::action::Action;
use crate::tui::rows::short_time;
use crate::tui::source::EventSummary;

/// A transfer or a note being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordPrompt {
    /// The target school of a transfer; then y/n.
    Transfer {
        /// Who moves.
        id: StudentId,
        /// The school it is at.
        from: SchoolCode,
        /// The school code as typed.
        input: String,
        /// Once a valid code is entered: it and its name, if known (the
        /// y/n question is asked).
        to: Option<(SchoolCode, Option<String>)>,
    },
    /// Issuing the due certificates of some students: counted, then y/n.
    Certificates {
        /// Whose.
        ids: Vec<StudentId>,
        /// Once counted: the certificates due and how many students they
        /// are for (the y/n question is asked).
        due: Option<(usize, usize)>,
        /// Where the PDFs go.
        dir: std::path::PathBuf,
    },
    /// A note's text.
    Note {
        /// What it is attached to.
        target: NoteTarget,
        /// The text as typed.
        input: String,
    },
}

/// What the audit log shows (`None`: any).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this actor's entries.
    pub actor: Option<String>,
    /// Only change sets of this district (and notes on its records).
    pub district: Option<DistrictCode>,
    /// Only events that wrote this student (and notes on it).
    pub student: Option<StudentId>,
    /// Only this change set's events (no notes).
    pub batch: Option<u64>,
}

impl AuditFilter {
    /// "actor op · student 1000000001", or "all".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(a) = &self.actor {
            parts.push(format!("actor {a}"));
        }
        if let Some(d) = &self.district {
            parts.push(format!("district {d}"));
        }
        if let Some(s) = &self.student {
            parts.push(format!("student {s}"));
        }
        if let Some(b) = &self.batch {
            parts.push(format!("change set {b}"));
        }
        if parts.is_empty() {
            "all".into()
        } else {
            parts.join(" · ")
        }
    }
}

/// One row of the audit log: an event of a change set, or a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    /// When (RFC 3339 UTC).
    pub at: String,
    /// Who.
    pub actor: String,
    /// The change set's kind (`edit`, `transfer`, `completions`…) or `note`.
    pub kind: String,
    /// `commit`, `revert`, or `note`.
    pub action: String,
    /// The change set's id (none for a note).
    pub batch: Option<u64>,
    /// The change set's file or description; a note's target and text.
    pub description: String,
    /// The event (what Enter opens); `None` for a note.
    pub event: Option<EventSummary>,
}

/// The audit log as built for a filter, with what the filters cycle
/// through (taken from the whole log).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditLog {
    /// The rows, newest first.
    pub rows: Vec<AuditRow>,
    /// Every actor and note author, sorted.
    pub actors: Vec<String>,
    /// Every change set's district, sorted.
    pub districts: Vec<DistrictCode>,
}

/// Which audit filter is being typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAsk {
    /// A student ID.
    Student,
    /// A change set id.
    ChangeSet,
}

/// The audit log screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditView {
    /// The rows shown.
    pub list: ListView<AuditRow>,
    /// The filters.
    pub filter: AuditFilter,
    /// The actors `cycle_actor` steps through.
    pub actors: Vec<String>,
    /// The districts `cycle_district` steps through.
    pub districts: Vec<DistrictCode>,
    /// A student ID or change set id being typed.
    pub ask: Option<(AuditAsk, String)>,
}

impl AuditView {
    /// A log loading under `filter`.
    pub fn new(filter: AuditFilter) -> AuditView {
        AuditView {
            list: ListView::loading(),
            filter,
            actors: Vec::new(),
            districts: Vec::new(),
            ask: None,
        }
    }

    /// The log arrived.
    pub fn fill(&mut self, r: Result<AuditLog, String>) {
        match r {
            Ok(log) => {
                self.actors = log.actors;
                self.districts = log.districts;
                self.list.items = Loadable::Ready(log.rows);
                self.list.filter = None;
                self.list.selected = self.list.selected.min(self.list.len().saturating_sub(1));
            }
            Err(e) => self.list.items = Loadable::Failed(e),
        }
    }
}

impl ListItem for AuditRow {
    const SORTS: &'static [&'static str] = &["newest", "oldest", "actor"];
    const SEARCHABLE: &'static [usize] = &[1, 2, 3, 5];
    fn cells(&self, _: Date) -> Vec<String> {
        vec![
            short_time(&self.at),
            self.actor.clone(),
            self.batch.map_or_else(String::new, |b| b.to_string()),
            self.kind.clone(),
            self.action.clone(),
            self.description.clone(),
        ]
    }
    fn compare(a: &Self, b: &Self, sort: usize) -> Ordering {
        let newest = b.at.cmp(&a.at);
        match sort {
            1 => a.at.cmp(&b.at),
            2 => a.actor.cmp(&b.actor).then(newest),
            _ => newest,
        }
    }
}

/// The value after `current` in `options`, wrapping to `None` (all).
fn cycle<T: Clone + PartialEq>(current: &Option<T>, options: &[T]) -> Option<T> {
    match current {
        None => options.first().cloned(),
        Some(c) => {
            let i = options.iter().position(|o| o == c)?;
            options.get(i + 1).cloned()
        }
    }
}

impl App {
    /// A transfer, note or audit filter is being typed.
    pub fn is_record_typing(&self) -> bool {
        self.record_prompt.is_some()
            || matches!(self.screen(), Some(Screen::Audit(v)) if v.ask.is_some())
    }

    fn is_idle(&self) -> bool {
        self.finder.is_none()
            && self.prompt.is_none()
            && self.help.is_none()
            && self.edit.form.is_none()
            && self.edit.preview.is_none()
            && !self.is_report_prompt()
            && !self.is_upload_prompt()
            && !self.top_list_editing()
    }

    /// The record keys; `None` when `action` is not one of them here.
    pub(super) fn records_action(&mut self, action: Action) -> Option<Vec<Effect>> {
        if self.record_prompt.is_some() {
            return Some(self.record_prompt_action(action));
        }
        if self.is_record_typing() {
            return Some(self.audit_ask_action(action));
        }
        if !self.is_idle() {
            return None;
        }
        let on_audit = matches!(self.screen(), Some(Screen::Audit(_)));
        Some(match action {
            Action::Transfer => self.start_transfer(),
            Action::AddNote => self.start_note(),
            Action::History => self.history(),
            Action::IssueCertificates => self.start_certificates(),
            Action::CycleActor | Action::CycleDistrict | Action::ClearFilters if on_audit => {
                self.audit_filter(action)
            }
            Action::FilterStudent | Action::FilterChangeSet if on_audit => {
                let ask = if action == Action::FilterStudent {
                    AuditAsk::Student
                } else {
                    AuditAsk::ChangeSet
                };
                if let Some(Screen::Audit(v)) = self.stack.last_mut() {
                    v.ask = Some((ask, String::new()));
                }
                Vec::new()
            }
            _ => return None,
        })
    }

    /// The student the top screen is about (detail) or has selected
    /// (student list, grid), with its school.
    pub(super) fn selected_student(&self) -> Option<(StudentId, Option<SchoolCode>)> {
        match self.screen()? {
            Screen::Detail(d) => Some((
                d.id.clone(),
                match &d.record {
                    Loadable::Ready(Some(r)) => Some(r.student.school.clone()),
                    _ => None,
                },
            )),
            Screen::Students { list, .. } => list
                .current()
                .map(|s| (s.id.clone(), Some(s.school.clone()))),
            Screen::Grid(g) => g
                .list
                .current()
                .map(|r| (r.student.id.clone(), Some(r.student.school.clone()))),
            _ => None,
        }
    }

    fn start_transfer(&mut self) -> Vec<Effect> {
        if self.read_only {
            self.say("read-only: transferring a student is refused", true);
            return Vec::new();
        }
        let Some((id, Some(from))) = self.selected_student() else {
            self.say(
                "select a student to transfer (a list, the grid or its detail)",
                true,
            );
            return Vec::new();
        };
        self.record_prompt = Some(RecordPrompt::Transfer {
            id,
            from,
            input: String::new(),
            to: None,
        });
        Vec::new()
    }

    fn start_note(&mut self) -> Vec<Effect> {
        // The auditor role (a later issue) will be allowed notes; for now
        // read-only refuses every write, notes included.
        if self.read_only {
            self.say("read-only: adding a note is refused", true);
            return Vec::new();
        }
        let target = match self.screen() {
            Some(Screen::Findings(v)) => v
                .list
                .current()
                .map(|l| NoteTarget::Finding(l.finding.id.clone())),
            Some(Screen::Detail(d)) => {
                // The finding `acknowledge` would act on, when one is
                // selected; else the student.
                let chosen = self.cursor.as_deref().and_then(|c| match &self.findings {
                    Loadable::Ready(all) => all
                        .get(c)
                        .filter(|l| l.finding.student.as_ref() == Some(&d.id))
                        .map(|l| l.finding.id.clone()),
                    _ => None,
                });
                Some(chosen.map_or_else(
                    || NoteTarget::Record(RecordKey::Student(d.id.clone())),
                    NoteTarget::Finding,
                ))
            }
            _ => self
                .selected_student()
                .map(|(id, _)| NoteTarget::Record(RecordKey::Student(id))),
        };
        let Some(target) = target else {
            self.say("select a student or a finding to attach a note to", true);
            return Vec::new();
        };
        self.record_prompt = Some(RecordPrompt::Note {
            target,
            input: String::new(),
        });
        Vec::new()
    }

    fn history(&mut self) -> Vec<Effect> {
        let Some((id, _)) = self.selected_student() else {
            self.say("select a student to see its history", true);
            return Vec::new();
        };
        let filter = AuditFilter {
            student: Some(id),
            ..AuditFilter::default()
        };
        self.stepped = None;
        self.stack
            .push(Screen::Audit(AuditView::new(filter.clone())));
        vec![Effect::Load(Request::Audit(filter))]
    }

    /// The name of school `code`, from the names loaded at start.
    fn school_name(&self, code: &SchoolCode) -> Option<String> {
        let Loadable::Ready(index) = &self.index else {
            return None;
        };
        index.entries().iter().find_map(|e| match &e.target {
            Target::School(c) if c == code => Some(
                e.text
                    .strip_prefix(code.as_str())
                    .unwrap_or(&e.text)
                    .trim()
                    .to_string(),
            ),
            _ => None,
        })
    }

    fn record_prompt_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(p) = self.record_prompt.as_mut() else {
            return Vec::new();
        };
        match (p, action) {
            (RecordPrompt::Transfer { .. }, Action::Back) => {
                self.record_prompt = None;
                self.say("not transferred", false);
            }
            (RecordPrompt::Certificates { .. }, Action::Back) => {
                return self.confirm_certificates(false);
            }
            (RecordPrompt::Certificates { due: Some(_), .. }, Action::Open) => {
                return self.confirm_certificates(true);
            }
            (RecordPrompt::Note { .. }, Action::Back) => {
                self.record_prompt = None;
                self.say("no note added", false);
            }
            (
                RecordPrompt::Transfer {
                    to: None, input, ..
                },
                Action::DeleteChar,
            )
            | (RecordPrompt::Note { input, .. }, Action::DeleteChar) => {
                input.pop();
            }
            (RecordPrompt::Transfer { to: Some(_), .. }, Action::Open) => {
                return self.confirm_transfer(true);
            }
            (RecordPrompt::Transfer { to: None, .. }, Action::Open) => self.check_school(),
            (RecordPrompt::Note { target, input }, Action::Open) => {
                let text = input.trim().to_string();
                if text.is_empty() {
                    self.say("type the note (esc cancels)", true);
                    return Vec::new();
                }
                let target = target.clone();
                self.record_prompt = None;
                return vec![Effect::AddNote { target, text }];
            }
            _ => {}
        }
        Vec::new()
    }

    /// Validates the typed school code; a good one asks y/n.
    fn check_school(&mut self) {
        let Some(RecordPrompt::Transfer { from, input, .. }) = &self.record_prompt else {
            return;
        };
        let typed = input.trim().to_string();
        let code = match SchoolCode::parse(&typed) {
            Some(c) => c,
            None => {
                let msg = format!("\"{typed}\" is not a school code (6 characters: 017004)");
                return self.say(&msg, true);
            }
        };
        if &code == from {
            return self.say(&format!("the student is already at school {code}"), true);
        }
        let name = self.school_name(&code);
        if name.is_none() && matches!(self.index, Loadable::Ready(_)) {
            return self.say(
                &format!(
                    "there is no school {code}: create it with `mecred transfer --school-name`"
                ),
                true,
            );
        }
        if let Some(RecordPrompt::Transfer { to, .. }) = self.record_prompt.as_mut() {
            *to = Some((code, name));
        }
    }

    fn confirm_transfer(&mut self, yes: bool) -> Vec<Effect> {
        let Some(RecordPrompt::Transfer {
            id,
            to: Some((school, _)),
            ..
        }) = self.record_prompt.take()
        else {
            return Vec::new();
        };
        if !yes {
            self.say("not transferred", false);
            return Vec::new();
        }
        if self.read_only {
            self.say("read-only: transferring a student is refused", true);
            return Vec::new();
        }
        vec![Effect::Transfer { id, school }]
    }

    /// A printable key for a record prompt or an audit filter prompt;
    /// `None` when neither is open.
    pub(super) fn records_type(&mut self, c: char) -> Option<Vec<Effect>> {
        match self.record_prompt.as_mut() {
            Some(RecordPrompt::Transfer { to: Some(_), .. }) => {
                return Some(match c.to_ascii_lowercase() {
                    'y' => self.confirm_transfer(true),
                    'n' => self.confirm_transfer(false),
                    _ => Vec::new(),
                });
            }
            Some(RecordPrompt::Certificates { due, .. }) => {
                return Some(match (due, c.to_ascii_lowercase()) {
                    (Some(_), 'y') => self.confirm_certificates(true),
                    (_, 'n') => self.confirm_certificates(false),
                    _ => Vec::new(),
                });
            }
            Some(RecordPrompt::Transfer { input, .. } | RecordPrompt::Note { input, .. }) => {
                input.push(c);
                return Some(Vec::new());
            }
            None => {}
        }
        match self.stack.last_mut() {
            Some(Screen::Audit(AuditView {
                ask: Some((_, typed)),
                ..
            })) => {
                typed.push(c);
                Some(Vec::new())
            }
            _ => None,
        }
    }

    fn audit_ask_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(Screen::Audit(v)) = self.stack.last_mut() else {
            return Vec::new();
        };
        let Some((ask, typed)) = v.ask.as_mut() else {
            return Vec::new();
        };
        match action {
            Action::Back => v.ask = None,
            Action::DeleteChar => {
                typed.pop();
            }
            Action::Open => {
                let t = typed.trim().to_string();
                match *ask {
                    AuditAsk::Student if t.is_empty() => v.filter.student = None,
                    AuditAsk::Student => match StudentId::parse(&t) {
                        Some(id) => v.filter.student = Some(id),
                        None => {
                            let msg = format!("\"{t}\" is not a student ID (10 digits)");
                            self.say(&msg, true);
                            return Vec::new();
                        }
                    },
                    AuditAsk::ChangeSet if t.is_empty() => v.filter.batch = None,
                    AuditAsk::ChangeSet => match t.trim_start_matches('#').parse::<u64>() {
                        Ok(b) => v.filter.batch = Some(b),
                        Err(_) => {
                            let msg = format!("\"{t}\" is not a change set id (a number)");
                            self.say(&msg, true);
                            return Vec::new();
                        }
                    },
                }
                v.ask = None;
                v.list.selected = 0;
                v.list.items = Loadable::Loading;
                return vec![Effect::Load(Request::Audit(v.filter.clone()))];
            }
            _ => {}
        }
        Vec::new()
    }

    fn audit_filter(&mut self, action: Action) -> Vec<Effect> {
        let Some(Screen::Audit(v)) = self.stack.last_mut() else {
            return Vec::new();
        };
        match action {
            Action::CycleActor => v.filter.actor = cycle(&v.filter.actor, &v.actors),
            Action::CycleDistrict => v.filter.district = cycle(&v.filter.district, &v.districts),
            _ => v.filter = AuditFilter::default(),
        }
        v.list.selected = 0;
        v.list.items = Loadable::Loading;
        vec![Effect::Load(Request::Audit(v.filter.clone()))]
    }

    /// A note was stored (or refused): say so and read the notes again.
    pub(super) fn note_added(&mut self, r: Result<String, String>) -> Vec<Effect> {
        match r {
            Ok(text) => {
                self.say(&text, false);
                let mut effects = vec![Effect::Load(Request::Notes)];
                effects.extend(self.refresh());
                effects
            }
            Err(e) => {
                self.say(&e, true);
                Vec::new()
            }
        }
    }
}
