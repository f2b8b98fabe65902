//! The TUI state and its `update`: state only, no IO (STYLE.md §2). Reads
//! are asked for with [`Effect::Load`], fuzzy steps too big for the UI
//! thread with [`Effect::Search`]; the runtime runs them and hands the
//! result back to [`App::loaded`].

pub mod certificates;
pub mod edit;
pub mod findings;
mod grid;
pub mod lists;
mod loaded;
mod nav;
pub mod records;
pub mod reports;
pub mod uploads;

use std::collections::HashMap;
use std::sync::Arc;

use super::action::Action;
use super::keymap::{Chord, Context, Key, Keymap, Resolved};
use super::live::{Findings, Listed};
use super::progress::{Dashboard, Module, Progress};
use super::source::{Event, EventSummary};
use super::theme::Theme;
use crate::domain::{
    Batch, Date, District, DistrictCode, ExamAttempt, RowResult, School, SchoolCode, Severity,
    Student, StudentId,
};
use crate::search::narrow::Job;
use crate::search::{Hit, Index, Narrowing};

pub use edit::{EditPlan, EditPreview, EditState};
pub use findings::{AckPrompt, FindingsView};
pub use lists::{ListItem, ListView};
pub use records::{AuditFilter, AuditLog, AuditRow, AuditView, RecordPrompt};
pub use reports::{ReportPrompt, ReportsView};
pub use uploads::{BatchOp, BatchView, ImportStep, UploadPrompt, UploadsUi};

/// Something still loading, loaded, or failed (with the error as text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loadable<T> {
    /// Asked for, not back yet.
    Loading,
    /// Here it is.
    Ready(T),
    /// The source failed.
    Failed(String),
}

/// One student with its exam attempts and audit history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentRecord {
    /// The student.
    pub student: Student,
    /// Exam attempts by date.
    pub exams: Vec<ExamAttempt>,
    /// The events that wrote this student, by seq.
    pub history: Vec<Event>,
}

/// The student detail screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailView {
    /// Whose detail.
    pub id: StudentId,
    /// The school's name, when we came from its list.
    pub school_name: Option<String>,
    /// The record (`Ready(None)`: no such student).
    pub record: Loadable<Option<StudentRecord>>,
    /// Its certificates, per credential held or certified (read after
    /// the record, on a worker: it evaluates).
    pub certificates: Loadable<Vec<super::source::CertificateStanding>>,
    /// First line shown.
    pub scroll: usize,
}

/// Whose students a module grid shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GridScope {
    /// One school's.
    School(School),
    /// A whole district's.
    District(District),
}

/// One row of the module grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridRow {
    /// The student.
    pub student: Student,
    /// Its module dates.
    pub progress: Progress,
}

/// The module grid: students × modules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridView {
    /// Whose students.
    pub scope: GridScope,
    /// The rows.
    pub list: ListView<GridRow>,
    /// The hook for the policy engine: a cell with a finding is drawn in the
    /// severity's style *and* with a symbol (`!` error, `~` warning). Empty
    /// until findings exist.
    pub findings: HashMap<(StudentId, Module), Severity>,
    /// Rows with any finding (worst severity), marked before the name.
    pub marked: HashMap<StudentId, Severity>,
    /// Each row's findings in rule order, for the panel under the grid
    /// (filled with `findings`; students without any are absent).
    pub notes: HashMap<StudentId, Vec<Listed>>,
    /// The cell cursor's column: an index into [`Module::ALL`]
    /// (see [`GridView::selected_cell`]).
    pub column: usize,
}

/// One audit event's writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventView {
    /// The event's row in the log.
    pub summary: EventSummary,
    /// The event (`Ready(None)`: gone).
    pub event: Loadable<Option<Event>>,
    /// First line shown.
    pub scroll: usize,
}

/// A screen on the navigation stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    /// The funnel and per-district counts ([`App::dashboard`]).
    Dashboard {
        /// First line shown.
        scroll: usize,
    },
    /// All districts.
    Districts(ListView<District>),
    /// The schools of a district.
    Schools {
        /// The district.
        district: District,
        /// Its schools.
        list: ListView<School>,
    },
    /// The students of a school.
    Students {
        /// The school.
        school: School,
        /// Its students.
        list: ListView<Student>,
    },
    /// The module grid of a school or district.
    Grid(GridView),
    /// One student.
    Detail(DetailView),
    /// Upload batches.
    Uploads(ListView<Batch>),
    /// One batch's rows.
    Batch(BatchView),
    /// The audit log, newest first, filtered.
    Audit(AuditView),
    /// One event's writes.
    Event(EventView),
    /// Every finding, grouped and filtered.
    Findings(FindingsView),
    /// The semester report: pick, preview, export, confirm.
    Reports(Box<ReportsView>),
}

impl Screen {
    /// The keymap context of this screen.
    pub fn context(&self) -> Context {
        match self {
            Screen::Detail(_) | Screen::Dashboard { .. } | Screen::Event(_) => Context::Detail,
            Screen::Findings(_) => Context::Findings,
            Screen::Grid(_) => Context::Grid,
            Screen::Reports(_) => Context::Reports,
            Screen::Uploads(_) | Screen::Batch(_) => Context::Uploads,
            Screen::Audit(_) => Context::Audit,
            _ => Context::List,
        }
    }
}

/// The global finder overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finder {
    /// The query as typed.
    pub query: String,
    /// Its hits (`None` while the names load).
    pub narrowing: Option<Narrowing>,
    /// The selected hit.
    pub selected: usize,
}

/// A read the runtime performs against the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// All districts.
    Districts,
    /// A district's schools.
    Schools(DistrictCode),
    /// A school's students.
    Students(SchoolCode),
    /// A student, its exams and history.
    Student(StudentId),
    /// A grid's rows.
    Grid(GridScope),
    /// Upload batches.
    Batches,
    /// One batch's rows.
    BatchRows(u64),
    /// The audit log.
    Events,
    /// The audit log with its change sets and notes, filtered.
    Audit(AuditFilter),
    /// Every note.
    Notes,
    /// The certificates of these students (the detail's section, and the
    /// count asked before issuing), judged on a day.
    Certificates(Vec<StudentId>, Date),
    /// One event.
    Event(u64),
    /// A semester report (built on a worker).
    Report {
        /// The day findings are judged on.
        today: Date,
        /// The term.
        term: crate::domain::Term,
        /// One district, or statewide.
        district: Option<DistrictCode>,
    },
}

impl Request {
    /// Small, indexed reads: run inline; the rest go to a thread.
    pub fn is_quick(&self) -> bool {
        matches!(
            self,
            Request::Districts | Request::Schools(_) | Request::Students(_) | Request::Student(_)
        )
    }
}

/// A fuzzy step for the search worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchJob {
    /// The index searched.
    pub index: Arc<Index>,
    /// The step.
    pub job: Job,
}

/// What the runtime must do after an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Read from the source, then call [`App::loaded`].
    Load(Request),
    /// Score on the search worker (newest wins), then [`Loaded::Hits`].
    Search(SearchJob),
    /// Repaint the whole terminal.
    Redraw,
    /// Leave the TUI.
    Quit,
    /// Read and evaluate everything (a worker), then [`Loaded::Findings`].
    Evaluate,
    /// Recount the dashboard if a change set made it stale (the host),
    /// then [`Loaded::Dashboard`].
    RefreshDashboard,
    /// Store an acknowledgement of the warn finding `finding`, then
    /// [`Loaded::Findings`] and [`Loaded::Message`].
    Acknowledge {
        /// The finding's id.
        finding: String,
        /// Why.
        reason: String,
    },
    /// Write a report file (a worker), then [`Loaded::Message`].
    ExportReport {
        /// The term.
        term: crate::domain::Term,
        /// One district, or statewide.
        district: Option<DistrictCode>,
        /// The format.
        format: crate::report::Format,
        /// Where (relative: to where mecred runs).
        path: std::path::PathBuf,
    },
    /// Confirm a district's report (a worker), then [`Loaded::Confirmed`].
    ConfirmReport {
        /// The term.
        term: crate::domain::Term,
        /// The district.
        district: DistrictCode,
    },
    /// Write a batch's error return file (a worker), then
    /// [`Loaded::Message`].
    ReturnFile {
        /// The batch id.
        batch: u64,
        /// Where (its extension follows the upload's format).
        out: std::path::PathBuf,
    },
    /// The host computes what `plan` would write and the findings it would
    /// add and remove, then [`Loaded::EditPreview`].
    PreviewEdit(EditPlan),
    /// Apply `writes` as one edit change set (a worker), then the host's
    /// `committed` and [`Loaded::Message`].
    ApplyEdit {
        /// The change set's description.
        description: String,
        /// Its writes.
        writes: Vec<crate::domain::Write>,
    },
    /// Revert this actor's newest change set (a worker).
    Undo,
    /// Re-apply this actor's most recently undone change set (a worker).
    Redo,
    /// Read, triage and stage a file (a worker, with
    /// [`Loaded::Importing`] steps), then [`Loaded::Staged`].
    Stage {
        /// The file.
        path: std::path::PathBuf,
        /// The term it is read as.
        term: crate::domain::Term,
    },
    /// What committing a staged batch would write (a worker); the runtime's
    /// policy turns it into [`Loaded::Delta`].
    PreviewBatch(u64),
    /// Commit, discard or revert a batch (a worker); writes go through the
    /// live update, then [`Loaded::Settled`].
    SettleBatch {
        /// What.
        op: BatchOp,
        /// Which batch.
        batch: u64,
    },
    /// The paths that complete what is typed, then [`Loaded::Completions`].
    CompletePath(String),
    /// Move a student to another school as one transfer change set (a
    /// worker); writes go through the live update, then a message.
    Transfer {
        /// Who.
        id: StudentId,
        /// Where to.
        school: SchoolCode,
    },
    /// Issue the certificates due for these students into `dir` (a
    /// worker): PDFs written, then one change set through the source; the
    /// writes go through the live update, then a message.
    IssueCertificates {
        /// Whose.
        ids: Vec<StudentId>,
        /// Where the PDFs go (relative: to where mecred runs).
        dir: std::path::PathBuf,
        /// The issue date.
        today: Date,
    },
    /// Attach a note (a worker), then [`Loaded::NoteAdded`].
    AddNote {
        /// To what.
        target: crate::domain::NoteTarget,
        /// The text.
        text: String,
    },
}

/// The names read once at start (with the evaluation's snapshot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    /// Districts, schools and students for the finder.
    pub index: Arc<Index>,
}

/// A finished [`Request`] or [`SearchJob`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loaded {
    /// All districts.
    Districts(Result<Vec<District>, String>),
    /// A district's schools.
    Schools(DistrictCode, Result<Vec<School>, String>),
    /// A school's students.
    Students(SchoolCode, Result<Vec<Student>, String>),
    /// A student, its exams and history.
    Student(StudentId, Result<Option<StudentRecord>, String>),
    /// The overview.
    Overview(Result<Overview, String>),
    /// The dashboard's numbers, after every evaluation.
    Dashboard(Arc<Dashboard>),
    /// A grid's rows.
    Grid(GridScope, Result<Vec<GridRow>, String>),
    /// Upload batches.
    Batches(Result<Vec<Batch>, String>),
    /// One batch's rows.
    BatchRows(u64, Result<Vec<RowResult>, String>),
    /// The audit log.
    Events(Result<Vec<EventSummary>, String>),
    /// One event.
    Event(u64, Result<Option<Event>, String>),
    /// The audit log for a filter.
    Audit(AuditFilter, Result<AuditLog, String>),
    /// Every note (by seq).
    Notes(Result<Vec<crate::domain::Note>, String>),
    /// The certificates of these students, or why not.
    Certificates(
        Vec<StudentId>,
        Result<Vec<super::source::CertificateStanding>, String>,
    ),
    /// A note stored (the line to say), or why not.
    NoteAdded(Result<String, String>),
    /// A search step's hits for `query`.
    Hits {
        /// The query scored.
        query: String,
        /// Its hits.
        hits: Vec<Hit>,
    },
    /// A search job dropped because a newer one came.
    Stale,
    /// The findings, after a full evaluation or a change.
    Findings(Result<Arc<Findings>, String>),
    /// A line for the status bar (`true`: an alert).
    Message(String, bool),
    /// A semester report.
    Report {
        /// The term.
        term: crate::domain::Term,
        /// One district, or statewide.
        district: Option<DistrictCode>,
        /// The report, or why not.
        result: Result<Box<super::source::ReportData>, String>,
    },
    /// A confirmation stored, or why not.
    Confirmed(Result<super::source::ConfirmationRecord, String>),
    /// A bulk edit's preview, or why not.
    EditPreview(Result<EditPreview, String>),
    /// The paths completing `typed` (directories end in `/`).
    Completions {
        /// What was completed.
        typed: String,
        /// The candidates, sorted.
        options: Vec<String>,
    },
    /// The import in flight moved on.
    Importing(ImportStep),
    /// The import finished: the staged batch, or why nothing was staged.
    Staged(Result<Batch, String>),
    /// The finding delta of committing a batch.
    Delta(u64, Result<super::live::Delta, String>),
    /// A commit, discard or revert done (records written), or why not.
    Settled {
        /// What.
        op: BatchOp,
        /// Which batch.
        batch: u64,
        /// How many records it wrote, or the store's refusal.
        result: Result<usize, String>,
    },
}

/// The whole TUI state.
#[derive(Debug, Clone)]
pub struct App {
    /// The active keymap.
    pub keymap: Keymap,
    /// The styles.
    pub theme: Theme,
    /// "Today" as given.
    pub today: Date,
    /// The database's label for the status line.
    pub db_label: String,
    /// Edits refused.
    pub read_only: bool,
    /// Navigation stack; never empty.
    pub stack: Vec<Screen>,
    /// The help overlay's scroll, when open.
    pub help: Option<usize>,
    /// The global finder, when open.
    pub finder: Option<Finder>,
    /// Every name, loaded in the background at start.
    pub index: Loadable<Arc<Index>>,
    /// The dashboard's numbers, loaded with the names.
    pub dashboard: Loadable<Arc<Dashboard>>,
    /// Keys of a multi-key binding typed so far.
    pub pending: Vec<Chord>,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// Set by `quit`.
    pub should_quit: bool,
    /// Every finding, evaluated in the background at start and after
    /// every change.
    pub findings: Loadable<Arc<Findings>>,
    /// The finding `next_finding` steps from (and the detail's `acknowledge`
    /// acts on), by id.
    pub cursor: Option<String>,
    /// The stack depth of the record screen the last finding step opened:
    /// the next step replaces that screen, never one opened by hand.
    pub stepped: Option<usize>,
    /// The acknowledgement reason being typed.
    pub prompt: Option<AckPrompt>,
    /// The status bar's message (`true`: an alert), until the next key.
    pub message: Option<(String, bool)>,
    /// Marked rows, the edit form and its preview.
    pub edit: EditState,
    /// The Uploads screens' filters, prompt and import gauge.
    pub uploads: UploadsUi,
    /// A transfer or a note being typed.
    pub record_prompt: Option<RecordPrompt>,
    /// Every note (the detail, the findings and the audit log show them).
    pub notes: Vec<crate::domain::Note>,
    /// Fee statements not yet paid (the dashboard), read at start: fees
    /// change only through `mecred fees`, never in the UI.
    pub fees: Option<crate::domain::fee::Outstanding>,
    /// Where issued certificates' PDFs are written (`certificates/`,
    /// relative to where mecred runs, as `mecred certificates issue -o`).
    pub certificate_dir: std::path::PathBuf,
}

/// The finder's scoring steps over more candidates than this go to the
/// worker (STACK.md: re-scoring 20,000 names takes a few ms).
pub const INLINE_LIMIT: usize = 20_000;

impl App {
    /// A new app on the district list; run [`App::start`]'s effects next.
    pub fn new(keymap: Keymap, theme: Theme, today: Date, db_label: &str, read_only: bool) -> App {
        App {
            keymap,
            theme,
            today,
            db_label: db_label.to_string(),
            read_only,
            stack: vec![Screen::Districts(ListView::loading())],
            help: None,
            finder: None,
            index: Loadable::Loading,
            dashboard: Loadable::Loading,
            pending: Vec::new(),
            size: (80, 24),
            should_quit: false,
            findings: Loadable::Loading,
            cursor: None,
            stepped: None,
            prompt: None,
            message: None,
            edit: EditState::default(),
            uploads: UploadsUi::default(),
            record_prompt: None,
            notes: Vec::new(),
            fees: None,
            certificate_dir: std::path::PathBuf::from(certificates::DEFAULT_DIR),
        }
    }

    /// The effects that fill the first screen (districts: quick) and the
    /// overview (background).
    pub fn start(&self) -> Vec<Effect> {
        vec![
            Effect::Load(Request::Districts),
            Effect::Evaluate,
            Effect::Load(Request::Notes),
        ]
    }

    /// The screen on top.
    pub fn screen(&self) -> Option<&Screen> {
        self.stack.last()
    }

    /// A text input has the keys: the finder, or a list's filter being typed.
    pub fn is_typing(&self) -> bool {
        self.finder.is_some()
            || self.edit.form.is_some()
            || self.prompt.is_some()
            || self.is_report_prompt()
            || self.is_upload_prompt()
            || self.is_record_typing()
            || self.help.is_none() && self.top_list_editing()
    }

    fn top_list_editing(&self) -> bool {
        match self.screen() {
            Some(Screen::Districts(l)) => l.is_editing(),
            Some(Screen::Schools { list, .. }) => list.is_editing(),
            Some(Screen::Students { list, .. }) => list.is_editing(),
            Some(Screen::Grid(g)) => g.list.is_editing(),
            Some(Screen::Uploads(l)) => l.is_editing(),
            Some(Screen::Audit(v)) => v.list.is_editing(),
            Some(Screen::Findings(f)) => f.list.is_editing(),
            _ => false,
        }
    }

    /// The keymap contexts keys go through, first one first. A text input
    /// sees only its own table, so `q` or `1` can be typed.
    pub fn contexts(&self) -> Vec<Context> {
        if self.is_typing() {
            return vec![Context::Input];
        }
        let mut v = Vec::with_capacity(3);
        if self.help.is_some() {
            v.push(Context::Help);
        }
        if let Some(s) = self.screen() {
            v.push(s.context());
            if matches!(
                s.context(),
                Context::Findings | Context::Grid | Context::Uploads | Context::Audit
            ) {
                v.push(Context::List);
            }
        }
        v.push(Context::Global);
        v
    }

    /// The contexts of the screen under any overlay (what help lists).
    pub fn screen_contexts(&self) -> Vec<Context> {
        let mut v: Vec<Context> = self.screen().map(Screen::context).into_iter().collect();
        if matches!(
            v.first(),
            Some(Context::Findings | Context::Grid | Context::Uploads | Context::Audit)
        ) {
            v.push(Context::List);
        }
        v.push(Context::Global);
        v
    }

    /// The terminal was resized.
    pub fn resize(&mut self, columns: u16, rows: u16) {
        self.size = (columns, rows);
    }

    /// Rows a page holds: the terminal less title, status, borders and header.
    pub fn page_rows(&self) -> usize {
        usize::from(self.size.1.saturating_sub(5)).max(1)
    }

    /// A key press: resolved through the keymap (with any pending prefix);
    /// an unbound printable key goes to a focused text input.
    pub fn key(&mut self, chord: Chord) -> Vec<Effect> {
        self.message = None;
        let mut seq = std::mem::take(&mut self.pending);
        seq.push(chord);
        match self.keymap.resolve(&self.contexts(), &seq) {
            Resolved::Action(a) => self.update(a),
            Resolved::Pending => {
                self.pending = seq;
                Vec::new()
            }
            Resolved::Unbound => match chord.key {
                Key::Char(c) if self.is_typing() && !chord.ctrl && !chord.alt => self.type_char(c),
                _ => Vec::new(),
            },
        }
    }

    /// Applies one action.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Quit => {
                self.should_quit = true;
                return vec![Effect::Quit];
            }
            Action::Redraw => return vec![Effect::Redraw],
            _ => {}
        }
        if let Some(effects) = self.records_action(action) {
            return effects;
        }
        if self.finder.is_none()
            && self.prompt.is_none()
            && self.help.is_none()
            && !self.is_report_prompt()
            && !self.top_list_editing()
            && let Some(effects) = self.edit_action(action)
        {
            return effects;
        }
        if let Some(effects) = self.reports_action(action) {
            return effects;
        }
        if let Some(effects) = self.uploads_action(action) {
            return effects;
        }
        if self.finder.is_none()
            && self.prompt.is_none()
            && !(self.help.is_none() && self.top_list_editing())
            && let Some(effects) = self.findings_action(action)
        {
            self.help = None;
            return effects;
        }
        if self.finder.is_some() {
            return self.finder_action(action);
        }
        if self.prompt.is_some() {
            return self.prompt_action(action);
        }
        if self.help.is_none() && self.top_list_editing() {
            return self.filter_action(action);
        }
        if action == Action::Help {
            self.help = Some(0);
            return Vec::new();
        }
        let help_lines = super::screens::help::line_count(self);
        if let Some(scroll) = self.help.as_mut() {
            let page = usize::from(self.size.1.saturating_sub(6)).max(1);
            let max = help_lines.saturating_sub(page);
            match action {
                Action::Back => self.help = None,
                a => *scroll = moved(*scroll, a, page, max + 1),
            }
            return Vec::new();
        }
        self.screen_action(action)
    }
}

/// A position after a movement action, within `0..len`.
pub(crate) fn moved(pos: usize, action: Action, page: usize, len: usize) -> usize {
    let last = len.saturating_sub(1);
    let pos = match action {
        Action::Up => pos.saturating_sub(1),
        Action::Down => pos.saturating_add(1),
        Action::PageUp => pos.saturating_sub(page),
        Action::PageDown => pos.saturating_add(page),
        Action::First => 0,
        Action::Last => last,
        _ => pos,
    };
    pos.min(last)
}
