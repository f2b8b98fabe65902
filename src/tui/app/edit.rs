//! Bulk edit (issue 5): marking rows of the grid or a student list, the
//! edit form (a module date typed or today or cleared, the mentor
//! checklist, pathway, instrument), its preview and apply, and the undo /
//! redo keys. State only: the preview's findings come from the host
//! ([`Effect::PreviewEdit`]), the writes run on a worker.

use std::collections::BTreeSet;

use super::{App, Effect, Screen};
use crate::domain::edit::FieldKind;
use crate::domain::{Date, Finding, Record, RecordKey, Student, StudentId, Write};
use crate::tui::action::Action;
use crate::tui::progress::Module;

pub use crate::domain::edit::{Change, EditField, FieldValue as Value};
pub use crate::import::values::EARLIEST;

impl EditField {
    /// What may be typed, for the form.
    pub fn expected(self) -> &'static str {
        match self.kind() {
            FieldKind::YesNo => "y, n, or empty (not reported)",
            FieldKind::Text => "its name, or empty (the Micro-Enterprise Self-Assessment)",
            FieldKind::Date => "2026-10-05 or 10/5/2026, or empty to clear",
        }
    }

    /// The field of a grid column (the exam and Regional Core are not
    /// typed in: the exam provider reports them).
    pub fn of_module(m: Module) -> Option<EditField> {
        match m {
            Module::SaRound1 => Some(EditField::SaRound1),
            Module::SaRound2 => Some(EditField::SaRound2),
            Module::Presentation => Some(EditField::Presentation),
            Module::CreditApplications => Some(EditField::CreditApplications),
            Module::CompanyRegistration => Some(EditField::CompanyRegistration),
            Module::CertificationExam | Module::RegionalCore => None,
        }
    }
}

impl Change {
    /// "set Presentation to 2026-10-05", "clear pathway".
    pub fn describe(&self) -> String {
        let name = self.field.name();
        match &self.value {
            Value::Date(None) | Value::Flag(None) | Value::Text(None) => format!("clear {name}"),
            Value::Date(Some(d)) => format!("set {name} to {d}"),
            Value::Flag(Some(b)) => format!("set {name} to {}", if *b { "Y" } else { "N" }),
            Value::Text(Some(t)) => format!("set {name} to \"{t}\""),
        }
    }
}

/// Reads a date as the importer does: `2026-10-05` or `10/5/2026`.
fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() == 10 && b.get(4) == Some(&b'-') && b.get(7) == Some(&b'-') {
        return s.parse::<Date>().ok();
    }
    let parts: Vec<&str> = s.split('/').collect();
    if let [m, d, y] = parts.as_slice() {
        let digits = |p: &str, lens: std::ops::RangeInclusive<usize>| {
            lens.contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit())
        };
        if digits(m, 1..=2) && digits(d, 1..=2) && digits(y, 4..=4) {
            return Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok();
        }
    }
    None
}

/// Validates `input` for `field` as the importer would accept it (SPEC
/// §2/§3: a real date, not before 2016, not after `today`); the error
/// says what was wrong and what is expected.
pub fn parse_value(field: EditField, input: &str, today: Date) -> Result<Value, String> {
    let t = input.trim();
    let empty = t.is_empty() || t == "-";
    if field.is_date() {
        if empty {
            return Ok(Value::Date(None));
        }
        let Some(d) = parse_date(t) else {
            return Err(format!(
                "\"{t}\" is not a date; expected {}",
                field.expected()
            ));
        };
        if d < EARLIEST {
            return Err(format!("{d} is before 2016: not accepted"));
        }
        if d > today {
            return Err(format!("{d} is in the future (today is {today})"));
        }
        return Ok(Value::Date(Some(d)));
    }
    match field {
        EditField::Instrument => Ok(Value::Text((!empty).then(|| t.to_string()))),
        _ => match t.to_ascii_lowercase().as_str() {
            "" | "-" => Ok(Value::Flag(None)),
            "y" | "yes" => Ok(Value::Flag(Some(true))),
            "n" | "no" => Ok(Value::Flag(Some(false))),
            _ => Err(format!("\"{t}\": expected {}", field.expected())),
        },
    }
}

/// A change for a set of students, as the preview and apply take it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditPlan {
    /// The students.
    pub ids: Vec<StudentId>,
    /// What changes.
    pub change: Change,
}

impl EditPlan {
    /// The change set's description (its batch's `file`).
    pub fn description(&self) -> String {
        let n = self.ids.len();
        let s = if n == 1 { "" } else { "s" };
        format!("{} for {n} student{s}", self.change.describe())
    }

    /// The writes: each student as `current` has it, with the change
    /// applied; students it leaves as they were, or that are gone, are
    /// skipped.
    pub fn writes(&self, mut current: impl FnMut(&StudentId) -> Option<Student>) -> Vec<Write> {
        let mut out = Vec::with_capacity(self.ids.len());
        for id in &self.ids {
            let Some(before) = current(id) else { continue };
            let mut after = before.clone();
            self.change.apply(&mut after);
            if after != before {
                out.push(Write {
                    key: RecordKey::Student(id.clone()),
                    before: Some(Record::Student(before)),
                    after: Some(Record::Student(after)),
                });
            }
        }
        out
    }
}

/// What applying a plan would do, from the host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditPreview {
    /// The change set's description.
    pub description: String,
    /// How many students were asked for.
    pub asked: usize,
    /// The writes (one per student that changes).
    pub writes: Vec<Write>,
    /// Findings the change would add.
    pub added: Vec<Finding>,
    /// Findings the change would remove.
    pub removed: Vec<Finding>,
}

/// The edit form being filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditForm {
    /// Whom it edits.
    pub ids: Vec<StudentId>,
    /// The field (index into [`EditField::ALL`]).
    pub field: usize,
    /// The value as typed.
    pub input: String,
}

impl EditForm {
    /// The field chosen.
    pub fn field(&self) -> EditField {
        EditField::ALL
            .get(self.field)
            .copied()
            .unwrap_or(EditField::SaRound1)
    }
}

/// Marks, the open form and the preview.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditState {
    /// The marked students.
    pub marks: BTreeSet<StudentId>,
    /// The row position last marked one at a time (a range starts there).
    pub anchor: Option<usize>,
    /// The form, when open.
    pub form: Option<EditForm>,
    /// The preview, when asked for (`None` inside: still computing).
    pub preview: Option<Option<EditPreview>>,
}

const READ_ONLY: &str = "read-only: editing is refused";

impl App {
    /// The edit keys; `None` when `action` is not one of them (and no
    /// form or preview is open).
    pub(super) fn edit_action(&mut self, action: Action) -> Option<Vec<Effect>> {
        if self.edit.form.is_some() {
            return Some(self.form_action(action));
        }
        if self.edit.preview.is_some() {
            return Some(self.preview_action(action));
        }
        let editing = matches!(
            action,
            Action::Edit | Action::Undo | Action::Redo | Action::Today
        );
        if editing && self.read_only {
            self.say(READ_ONLY, true);
            return Some(Vec::new());
        }
        Some(match action {
            Action::Mark | Action::MarkRange | Action::MarkAll | Action::ClearMarks => {
                self.mark(action);
                Vec::new()
            }
            Action::Edit => {
                self.open_form();
                Vec::new()
            }
            Action::Undo => vec![Effect::Undo],
            Action::Redo => vec![Effect::Redo],
            _ => return None,
        })
    }

    /// The student ids of the rows shown on top (grid or student list),
    /// and the selected position.
    fn student_rows(&self) -> Option<(Vec<&StudentId>, usize)> {
        match self.screen()? {
            Screen::Students { list, .. } => Some((
                (0..list.len())
                    .filter_map(|i| list.row(i).map(|s| &s.id))
                    .collect(),
                list.selected,
            )),
            Screen::Grid(g) => Some((
                (0..g.list.len())
                    .filter_map(|i| g.list.row(i).map(|r| &r.student.id))
                    .collect(),
                g.list.selected,
            )),
            _ => None,
        }
    }

    fn mark(&mut self, action: Action) {
        if action == Action::ClearMarks {
            self.edit.marks.clear();
            self.edit.anchor = None;
            return self.say("no rows marked", false);
        }
        let Some((rows, at)) = self.student_rows() else {
            return self.say("only students can be marked (grid or student list)", true);
        };
        let rows: Vec<StudentId> = rows.into_iter().cloned().collect();
        let marks = &mut self.edit.marks;
        match action {
            Action::Mark => {
                if let Some(id) = rows.get(at) {
                    if !marks.remove(id) {
                        marks.insert(id.clone());
                    }
                    self.edit.anchor = Some(at);
                }
                let page = self.page_rows();
                if let Some(l) = self.top_list() {
                    l.move_by(Action::Down, page);
                }
            }
            Action::MarkRange => {
                let from = self.edit.anchor.unwrap_or(at);
                let (lo, hi) = (from.min(at), from.max(at));
                marks.extend(rows.iter().take(hi + 1).skip(lo).cloned());
                self.edit.anchor = Some(at);
            }
            _ => {
                // Everything the filter shows; again: unmark them.
                if rows.iter().all(|id| marks.contains(id)) {
                    for id in &rows {
                        marks.remove(id);
                    }
                } else {
                    marks.extend(rows);
                }
            }
        }
    }

    fn open_form(&mut self) {
        let (ids, field) = if self.edit.marks.is_empty() {
            let cell = match self.screen() {
                Some(Screen::Grid(g)) => g
                    .selected_cell()
                    .map(|(r, m)| (r.student.id.clone(), EditField::of_module(m))),
                Some(Screen::Students { list, .. }) => list.current().map(|s| (s.id.clone(), None)),
                Some(Screen::Detail(d)) => Some((d.id.clone(), None)),
                _ => None,
            };
            let Some((id, field)) = cell else {
                return self.say("nothing to edit: mark students or select one", true);
            };
            (vec![id], field)
        } else {
            (self.edit.marks.iter().cloned().collect(), None)
        };
        let field = field
            .and_then(|f| EditField::ALL.iter().position(|x| *x == f))
            .unwrap_or(0);
        self.edit.form = Some(EditForm {
            ids,
            field,
            input: String::new(),
        });
    }

    fn form_action(&mut self, action: Action) -> Vec<Effect> {
        let today = self.today;
        let Some(form) = self.edit.form.as_mut() else {
            return Vec::new();
        };
        let n = EditField::ALL.len();
        match action {
            Action::Back => self.edit.form = None,
            Action::Up => (form.field, form.input) = ((form.field + n - 1) % n, String::new()),
            Action::Down => (form.field, form.input) = ((form.field + 1) % n, String::new()),
            Action::DeleteChar => {
                form.input.pop();
            }
            Action::Today if form.field().is_date() => form.input = today.to_string(),
            Action::Open => return self.submit(),
            _ => {}
        }
        Vec::new()
    }

    /// Typed into the open form; `false` when no form is open.
    pub(super) fn edit_type(&mut self, c: char) -> bool {
        match self.edit.form.as_mut() {
            Some(f) => {
                f.input.push(c);
                true
            }
            None => false,
        }
    }

    fn submit(&mut self) -> Vec<Effect> {
        let Some(form) = self.edit.form.as_ref() else {
            return Vec::new();
        };
        if self.read_only {
            self.edit.form = None;
            self.say(READ_ONLY, true);
            return Vec::new();
        }
        match parse_value(form.field(), &form.input, self.today) {
            Ok(value) => {
                let plan = EditPlan {
                    ids: form.ids.clone(),
                    change: Change {
                        field: form.field(),
                        value,
                    },
                };
                self.edit.form = None;
                self.edit.preview = Some(None);
                vec![Effect::PreviewEdit(plan)]
            }
            Err(e) => {
                self.say(&e, true);
                Vec::new()
            }
        }
    }

    fn preview_action(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Back => self.edit.preview = None,
            Action::Open => {
                if self.read_only {
                    self.edit.preview = None;
                    self.say(READ_ONLY, true);
                    return Vec::new();
                }
                let Some(Some(p)) = self.edit.preview.take() else {
                    return Vec::new();
                };
                if p.writes.is_empty() {
                    self.say("nothing changes: no change set made", false);
                    return Vec::new();
                }
                self.edit.marks.clear();
                self.edit.anchor = None;
                return vec![Effect::ApplyEdit {
                    description: p.description,
                    writes: p.writes,
                }];
            }
            _ => {}
        }
        Vec::new()
    }

    /// The host's preview of a plan arrived (or why not).
    pub(super) fn edit_previewed(&mut self, r: Result<EditPreview, String>) {
        if self.edit.preview.is_none() {
            return;
        }
        match r {
            Ok(p) => self.edit.preview = Some(Some(p)),
            Err(e) => {
                self.edit.preview = None;
                self.say(&e, true);
            }
        }
    }
}
