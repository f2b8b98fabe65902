//! The terminal, the input loop and the effects. Idle means idle: with no
//! job running the loop blocks on crossterm's `read()`, drains whatever else
//! is queued (coalescing key-repeat bursts), then draws once; while a job
//! runs on a worker thread it polls input and the job channel instead (no
//! timer otherwise). No mouse capture, no clearing per frame (STYLE.md §5).

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::Duration;

use anyhow::Context as _;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{self, Event, KeyEventKind};

use super::TuiOptions;
use super::app::{
    App, Effect, GridRow, GridScope, Loaded, Overview, Request, SearchJob, StudentRecord,
};
use super::keymap::{self, Chord};
use super::progress::{Progress, dashboard};
use super::source::Source;
use super::theme::Theme;
use crate::domain::RecordKey;
use crate::search::{Entry, Index};

/// Runs the TUI on the real terminal until `quit`. Keymap mistakes are
/// printed to stderr before the screen is taken; an unknown keymap name is
/// an error. The terminal is restored on every path: a guard for returns,
/// ratatui's chained panic hook for panics.
pub fn run(source: Arc<dyn Source + Send + Sync>, opts: &TuiOptions) -> anyhow::Result<()> {
    if !keymap::BUILTIN.iter().any(|(n, _)| *n == opts.keymap) {
        anyhow::bail!(
            "unknown keymap `{}`; built-in keymaps: {}",
            opts.keymap,
            keymap::builtin_names()
        );
    }
    let user = keymap::user_keymap_path();
    let (keymap, errors) = keymap::load_keymap(&opts.keymap, user.as_deref());
    for e in &errors {
        eprintln!("mecred: keymap: {e}");
    }
    let mut app = App::new(
        keymap,
        Theme::from_env(),
        opts.today,
        &opts.db_label,
        opts.read_only,
    );
    // try_init installs a panic hook that restores the terminal, then calls
    // the previous hook.
    let terminal = ratatui::try_init().context("cannot set up the terminal")?;
    let mut guard = Guard(terminal);
    let start = app.start();
    event_loop(&mut guard.0, &mut app, &source, start)
}

/// Restores the terminal when dropped, so `?` returns leave it usable.
struct Guard(DefaultTerminal);

impl Drop for Guard {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

/// The worker threads' side: where results go, and the search queue.
struct Workers {
    source: Arc<dyn Source + Send + Sync>,
    results: Sender<Loaded>,
    search: Sender<SearchJob>,
    outstanding: usize,
}

impl Workers {
    fn new(source: &Arc<dyn Source + Send + Sync>) -> (Workers, Receiver<Loaded>) {
        let (results, rx) = mpsc::channel();
        let (search, jobs) = mpsc::channel::<SearchJob>();
        let tx = results.clone();
        thread::spawn(move || search_worker(&jobs, &tx));
        let w = Workers {
            source: Arc::clone(source),
            results,
            search,
            outstanding: 0,
        };
        (w, rx)
    }

    /// Runs effects: quick loads inline, the rest on threads; returns
    /// whether the terminal should be cleared.
    fn run(&mut self, app: &mut App, effects: Vec<Effect>) -> bool {
        let mut clear = false;
        let mut queue = effects;
        while !queue.is_empty() {
            let mut next = Vec::new();
            for effect in queue {
                match effect {
                    Effect::Load(req) if req.is_quick() => {
                        next.extend(app.loaded(load(&*self.source, req)));
                    }
                    Effect::Load(req) => {
                        self.outstanding += 1;
                        let (src, tx) = (Arc::clone(&self.source), self.results.clone());
                        thread::spawn(move || {
                            let _ = tx.send(load(&*src, req));
                        });
                    }
                    Effect::Search(job) => {
                        if self.search.send(job).is_ok() {
                            self.outstanding += 1;
                        }
                    }
                    Effect::Redraw => clear = true,
                    Effect::Quit => app.should_quit = true,
                }
            }
            queue = next;
        }
        clear
    }
}

/// Scores search jobs; of several queued, only the newest is run (the
/// others are answered `Stale`, so the loop knows they are done).
fn search_worker(jobs: &Receiver<SearchJob>, results: &Sender<Loaded>) {
    while let Ok(mut job) = jobs.recv() {
        while let Ok(newer) = jobs.try_recv() {
            if results.send(Loaded::Stale).is_err() {
                return;
            }
            job = newer;
        }
        let hits = job.job.run(&job.index);
        let msg = Loaded::Hits {
            query: job.job.query,
            hits,
        };
        if results.send(msg).is_err() {
            return;
        }
    }
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    source: &Arc<dyn Source + Send + Sync>,
    start: Vec<Effect>,
) -> anyhow::Result<()> {
    let size = terminal.size().context("cannot read the terminal size")?;
    app.resize(size.width, size.height);
    let (mut workers, results) = Workers::new(source);
    let mut clear = workers.run(app, start);
    loop {
        if clear {
            terminal.clear().context("cannot clear the terminal")?;
        }
        terminal
            .draw(|f| super::render(app, f))
            .context("cannot draw")?;
        if app.should_quit {
            return Ok(());
        }
        let mut events = Vec::new();
        if workers.outstanding == 0 {
            // Idle: block until a key or a resize.
            events.push(event::read().context("cannot read the terminal")?);
        } else if event::poll(Duration::from_millis(40)).context("cannot read the terminal")? {
            events.push(event::read().context("cannot read the terminal")?);
        }
        while event::poll(Duration::ZERO).context("cannot read the terminal")? {
            events.push(event::read().context("cannot read the terminal")?);
        }
        clear = false;
        for ev in events {
            let effects = handle_event(app, &ev);
            clear |= workers.run(app, effects);
            if app.should_quit {
                return Ok(());
            }
        }
        while let Ok(done) = results.try_recv() {
            workers.outstanding = workers.outstanding.saturating_sub(1);
            let effects = app.loaded(done);
            clear |= workers.run(app, effects);
        }
    }
}

/// Turns one terminal event into effects.
pub fn handle_event(app: &mut App, ev: &Event) -> Vec<Effect> {
    match ev {
        // Release and repeat-kind events (kitty protocol) would double keys.
        Event::Key(k) if k.kind == KeyEventKind::Press => match Chord::from_event(k) {
            Some(chord) => app.key(chord),
            None => Vec::new(),
        },
        Event::Resize(w, h) => {
            app.resize(*w, *h);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Runs effects inline, every one of them, feeding results back into the
/// app (tests drive the app through this); returns whether the terminal
/// should be cleared before the next draw.
pub fn run_effects(app: &mut App, source: &dyn Source, effects: Vec<Effect>) -> bool {
    let mut clear = false;
    let mut queue = effects;
    while !queue.is_empty() {
        let mut next = Vec::new();
        for effect in queue {
            match effect {
                Effect::Load(req) => next.extend(app.loaded(load(source, req))),
                Effect::Search(job) => {
                    let hits = job.job.run(&job.index);
                    next.extend(app.loaded(Loaded::Hits {
                        query: job.job.query,
                        hits,
                    }));
                }
                Effect::Redraw => clear = true,
                Effect::Quit => app.should_quit = true,
            }
        }
        queue = next;
    }
    clear
}

fn text<T>(r: anyhow::Result<T>) -> Result<T, String> {
    r.map_err(|e| format!("{e:#}"))
}

/// Every name for the finder and the dashboard's counts, from one read.
pub fn overview(source: &dyn Source) -> anyhow::Result<Overview> {
    let districts = source.districts()?;
    let schools = source.all_schools()?;
    let students = source.all_students()?;
    let exams = source.all_exams()?;
    let dashboard = dashboard(&districts, &students, &exams);
    let mut entries: Vec<Entry> = districts.iter().map(Entry::district).collect();
    entries.extend(schools.iter().map(Entry::school));
    entries.extend(students.iter().map(Entry::student));
    Ok(Overview {
        index: Arc::new(Index::new(entries)),
        dashboard,
    })
}

fn grid(source: &dyn Source, scope: &GridScope) -> anyhow::Result<Vec<GridRow>> {
    let students = match scope {
        GridScope::School(s) => source.students_of_school(&s.code)?,
        GridScope::District(d) => source.students_of_district(&d.code)?,
    };
    students
        .into_iter()
        .map(|student| {
            let exams = source.exams_of(&student.id)?;
            let progress = Progress::of(&student, &exams);
            Ok(GridRow { student, progress })
        })
        .collect()
}

/// Performs one read.
pub fn load(source: &dyn Source, req: Request) -> Loaded {
    match req {
        Request::Districts => Loaded::Districts(text(source.districts())),
        Request::Schools(code) => {
            let r = text(source.schools(&code));
            Loaded::Schools(code, r)
        }
        Request::Students(code) => {
            let r = text(source.students_of_school(&code));
            Loaded::Students(code, r)
        }
        Request::Student(id) => {
            let record = source.student(&id).and_then(|s| match s {
                Some(student) => {
                    let exams = source.exams_of(&id)?;
                    let history = source.events_for(&RecordKey::Student(id.clone()))?;
                    Ok(Some(StudentRecord {
                        student,
                        exams,
                        history,
                    }))
                }
                None => Ok(None),
            });
            Loaded::Student(id, text(record))
        }
        Request::Overview => Loaded::Overview(text(overview(source))),
        Request::Grid(scope) => {
            let r = text(grid(source, &scope));
            Loaded::Grid(scope, r)
        }
        Request::Batches => Loaded::Batches(text(source.batches())),
        Request::BatchRows(id) => Loaded::BatchRows(id, text(source.row_results(id))),
        Request::Events => Loaded::Events(text(source.event_summaries())),
        Request::Event(seq) => Loaded::Event(seq, text(source.event(seq))),
    }
}
