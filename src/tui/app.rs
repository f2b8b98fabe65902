//! The TUI state and its `update`: state only, no IO (STYLE.md §2). Loading
//! is asked for with [`Effect::Load`]; the runtime runs it against the
//! [`Source`](super::source::Source) and hands the result back to
//! [`App::loaded`].

use super::action::Action;
use super::keymap::{Chord, Context, Keymap, Resolved};
use super::theme::Theme;
use crate::domain::{
    Date, District, DistrictCode, ExamAttempt, School, SchoolCode, Student, StudentId,
};

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

/// A list with a selected row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListView<T> {
    /// The rows.
    pub items: Loadable<Vec<T>>,
    /// The selected row (0 when empty).
    pub selected: usize,
}

impl<T> ListView<T> {
    fn loading() -> Self {
        ListView {
            items: Loadable::Loading,
            selected: 0,
        }
    }

    fn len(&self) -> usize {
        match &self.items {
            Loadable::Ready(v) => v.len(),
            _ => 0,
        }
    }

    /// The selected row, if any.
    pub fn current(&self) -> Option<&T> {
        match &self.items {
            Loadable::Ready(v) => v.get(self.selected),
            _ => None,
        }
    }
}

/// One student with its exam attempts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentRecord {
    /// The student.
    pub student: Student,
    /// Exam attempts by date.
    pub exams: Vec<ExamAttempt>,
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
    /// First line shown.
    pub scroll: usize,
}

/// A screen on the navigation stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
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
    /// One student.
    Detail(DetailView),
}

impl Screen {
    /// The keymap context of this screen.
    pub fn context(&self) -> Context {
        match self {
            Screen::Detail(_) => Context::Detail,
            _ => Context::List,
        }
    }
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
    /// A student and its exams.
    Student(StudentId),
}

/// What the runtime must do after an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Read from the source, then call [`App::loaded`].
    Load(Request),
    /// Repaint the whole terminal.
    Redraw,
    /// Leave the TUI.
    Quit,
}

/// A finished [`Request`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loaded {
    /// All districts.
    Districts(Result<Vec<District>, String>),
    /// A district's schools.
    Schools(DistrictCode, Result<Vec<School>, String>),
    /// A school's students.
    Students(SchoolCode, Result<Vec<Student>, String>),
    /// A student and its exams.
    Student(StudentId, Result<Option<StudentRecord>, String>),
}

fn loadable<T>(r: Result<T, String>) -> Loadable<T> {
    match r {
        Ok(v) => Loadable::Ready(v),
        Err(e) => Loadable::Failed(e),
    }
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
    /// Keys of a multi-key binding typed so far.
    pub pending: Vec<Chord>,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// Set by `quit`.
    pub should_quit: bool,
}

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
            pending: Vec::new(),
            size: (80, 24),
            should_quit: false,
        }
    }

    /// The effects that fill the first screen.
    pub fn start(&self) -> Vec<Effect> {
        vec![Effect::Load(Request::Districts)]
    }

    /// The screen on top.
    pub fn screen(&self) -> Option<&Screen> {
        self.stack.last()
    }

    /// The keymap contexts keys go through, first one first.
    pub fn contexts(&self) -> Vec<Context> {
        let mut v = Vec::with_capacity(3);
        if self.help.is_some() {
            v.push(Context::Help);
        }
        if let Some(s) = self.screen() {
            v.push(s.context());
        }
        v.push(Context::Global);
        v
    }

    /// The contexts of the screen under any overlay (what help lists).
    pub fn screen_contexts(&self) -> Vec<Context> {
        let mut v: Vec<Context> = self.screen().map(Screen::context).into_iter().collect();
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

    /// A key press: resolved through the keymap (with any pending prefix).
    pub fn key(&mut self, chord: Chord) -> Vec<Effect> {
        let mut seq = std::mem::take(&mut self.pending);
        seq.push(chord);
        match self.keymap.resolve(&self.contexts(), &seq) {
            Resolved::Action(a) => self.update(a),
            Resolved::Pending => {
                self.pending = seq;
                Vec::new()
            }
            Resolved::Unbound => Vec::new(),
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
            Action::Help => {
                self.help = Some(0);
                return Vec::new();
            }
            _ => {}
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
        if action == Action::Back {
            if self.stack.len() > 1 {
                self.stack.pop();
            }
            return Vec::new();
        }
        if action == Action::Open {
            return self.open();
        }
        let page = self.page_rows();
        let detail_max = self.detail_max_scroll();
        match self.stack.last_mut() {
            Some(Screen::Districts(l)) => l.selected = moved(l.selected, action, page, l.len()),
            Some(Screen::Schools { list, .. }) => {
                list.selected = moved(list.selected, action, page, list.len())
            }
            Some(Screen::Students { list, .. }) => {
                list.selected = moved(list.selected, action, page, list.len())
            }
            Some(Screen::Detail(d)) => d.scroll = moved(d.scroll, action, page, detail_max + 1),
            None => {}
        }
        Vec::new()
    }

    fn detail_max_scroll(&self) -> usize {
        let body = usize::from(self.size.1.saturating_sub(4));
        match self.screen() {
            Some(Screen::Detail(d)) => {
                super::screens::detail::line_count(d, self.today).saturating_sub(body)
            }
            _ => 0,
        }
    }

    fn open(&mut self) -> Vec<Effect> {
        let (next, request) = match self.screen() {
            Some(Screen::Districts(l)) => match l.current() {
                Some(d) => (
                    Screen::Schools {
                        district: d.clone(),
                        list: ListView::loading(),
                    },
                    Request::Schools(d.code.clone()),
                ),
                None => return Vec::new(),
            },
            Some(Screen::Schools { list, .. }) => match list.current() {
                Some(s) => (
                    Screen::Students {
                        school: s.clone(),
                        list: ListView::loading(),
                    },
                    Request::Students(s.code.clone()),
                ),
                None => return Vec::new(),
            },
            Some(Screen::Students { school, list }) => match list.current() {
                Some(s) => (
                    Screen::Detail(DetailView {
                        id: s.id.clone(),
                        school_name: Some(school.name.clone()),
                        record: Loadable::Loading,
                        scroll: 0,
                    }),
                    Request::Student(s.id.clone()),
                ),
                None => return Vec::new(),
            },
            _ => return Vec::new(),
        };
        self.stack.push(next);
        vec![Effect::Load(request)]
    }

    /// A finished load: fills the screen that asked for it, if it is still
    /// on the stack (a late answer for a screen left behind is dropped).
    pub fn loaded(&mut self, loaded: Loaded) {
        for screen in self.stack.iter_mut().rev() {
            match (screen, &loaded) {
                (Screen::Districts(l), Loaded::Districts(r)) => {
                    l.items = loadable(r.clone());
                    return;
                }
                (Screen::Schools { district, list }, Loaded::Schools(code, r))
                    if &district.code == code =>
                {
                    list.items = loadable(r.clone());
                    return;
                }
                (Screen::Students { school, list }, Loaded::Students(code, r))
                    if &school.code == code =>
                {
                    list.items = loadable(r.clone());
                    return;
                }
                (Screen::Detail(d), Loaded::Student(id, r)) if &d.id == id => {
                    d.record = loadable(r.clone());
                    return;
                }
                _ => {}
            }
        }
    }
}

/// A position after a movement action, within `0..len`.
fn moved(pos: usize, action: Action, page: usize, len: usize) -> usize {
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
