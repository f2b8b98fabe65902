//! The terminal, the input loop and the effects. Idle means idle: an input
//! thread blocks on crossterm's `read()` and workers send their results into
//! the same channel; the loop blocks on it, drains whatever else is queued
//! (coalescing key-repeat bursts), then draws once. No timer, no mouse
//! capture, no clearing per frame (STYLE.md §5). The policy evaluation lives
//! here ([`Host`]), not in the UI state.

pub mod certificates;
pub mod edit;
pub mod records;
mod uploads;

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

use anyhow::Context as _;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{self, Event, KeyEventKind};

use super::TuiOptions;
use super::app::{
    App, Effect, GridRow, GridScope, Loaded, Overview, Request, Screen, SearchJob, StudentRecord,
};
use super::keymap::{self, Chord};
use super::live::Policy;
use super::progress::Progress;
use super::source::Source;
use super::theme::Theme;
use crate::domain::{Ack, FindingSeverity, RecordKey, Write};
use crate::policy::Snapshot;

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
    // A handful of records (one per district and spring): read here.
    match source.fee_statements() {
        Ok(list) => app.fees = Some(crate::domain::fee::Outstanding::of(&list)),
        Err(e) => tracing::warn!(error = %e, "cannot read the fee statements"),
    }
    // try_init installs a panic hook that restores the terminal, then calls
    // the previous hook.
    let terminal = ratatui::try_init().context("cannot set up the terminal")?;
    let mut guard = Guard(terminal);
    let start = app.start();
    let mut host = Host::new(&opts.actor);
    event_loop(&mut guard.0, &mut app, &mut host, &source, start)
}

/// Restores the terminal when dropped, so `?` returns leave it usable.
struct Guard(DefaultTerminal);

impl Drop for Guard {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

/// What the loop's one channel carries (STYLE.md §2).
#[derive(Debug)]
pub enum Msg {
    /// A terminal event from the input thread.
    Term(Event),
    /// The input thread stopped: reading the terminal failed.
    InputFailed(String),
    /// A finished read or search step.
    Loaded(Box<Loaded>),
    /// The full evaluation from the worker.
    Policy(Result<Box<Policy>, String>),
    /// A change set was committed in this process: these writes.
    Committed(Vec<Write>),
    /// What committing batch `.0` would write (for [`Host::preview`]).
    Preview(u64, Result<Vec<Write>, String>),
    /// Someone else committed a change set (pushed by the server): the
    /// status line's text and its writes.
    Remote(String, Vec<Write>),
    /// The connection to the server came back: everything is read again.
    Resync(String),
}

/// A handle for whatever commits a change set in this process (an import,
/// an edit): sending its writes re-evaluates what they touched and
/// refreshes every open screen.
#[derive(Debug, Clone)]
pub struct Changes(Sender<Msg>);

impl Changes {
    /// A change set was committed; returns `false` if the TUI has gone.
    pub fn committed(&self, writes: Vec<Write>) -> bool {
        self.0.send(Msg::Committed(writes)).is_ok()
    }

    /// Someone else committed `writes`; `text` says who and what.
    pub fn remote(&self, text: String, writes: Vec<Write>) -> bool {
        self.0.send(Msg::Remote(text, writes)).is_ok()
    }

    /// A line for the status bar (`alert`: shown as a problem).
    pub fn notice(&self, text: String, alert: bool) -> bool {
        self.0
            .send(Msg::Loaded(Box::new(Loaded::Message(text, alert))))
            .is_ok()
    }

    /// Everything must be read again (the server came back); `text` says so.
    pub fn resync(&self, text: String) -> bool {
        self.0.send(Msg::Resync(text)).is_ok()
    }
}

/// The runtime's side of the policy: the [`Policy`] (kept out of the UI
/// state), changes that came before it, and who acknowledges.
#[derive(Debug)]
pub struct Host {
    policy: Option<Policy>,
    early: Vec<Write>,
    actor: String,
}

impl Host {
    /// A host with no evaluation yet.
    pub fn new(actor: &str) -> Host {
        Host {
            policy: None,
            early: Vec::new(),
            actor: actor.to_string(),
        }
    }

    /// The full evaluation arrived (changes committed meanwhile are
    /// applied on top: setting a record twice is harmless).
    pub fn policy_loaded(&mut self, app: &mut App, r: Result<Box<Policy>, String>) -> Vec<Effect> {
        match r {
            Ok(mut p) => {
                p.committed(&std::mem::take(&mut self.early));
                let view = p.findings();
                let mut effects = app.loaded(Loaded::Dashboard(p.dashboard()));
                self.policy = Some(*p);
                effects.extend(app.loaded(Loaded::Findings(Ok(view))));
                effects
            }
            Err(e) => app.loaded(Loaded::Findings(Err(e))),
        }
    }

    /// A change set committed in this process: re-evaluate what it touched,
    /// then every open screen reads again.
    pub fn committed(&mut self, app: &mut App, writes: Vec<Write>) -> Vec<Effect> {
        let Some(p) = self.policy.as_mut() else {
            self.early.extend(writes);
            return app.refresh();
        };
        p.committed(&writes);
        let mut effects = Vec::new();
        if matches!(app.screen(), Some(Screen::Dashboard { .. })) {
            effects.extend(app.loaded(Loaded::Dashboard(p.dashboard())));
        }
        effects.extend(app.loaded(Loaded::Findings(Ok(p.findings()))));
        effects.extend(app.refresh());
        effects
    }

    /// The dashboard, recounted if a change set made it stale (when it is
    /// opened).
    pub fn refresh_dashboard(&mut self, app: &mut App) -> Vec<Effect> {
        match self.policy.as_mut() {
            Some(p) if p.dashboard_is_stale() => app.loaded(Loaded::Dashboard(p.dashboard())),
            _ => Vec::new(),
        }
    }

    /// Stores an acknowledgement through the source; the status line says
    /// how it went.
    pub fn acknowledge(
        &mut self,
        app: &mut App,
        source: &dyn Source,
        finding: &str,
        reason: &str,
    ) -> Vec<Effect> {
        if self.policy.is_none() {
            match Policy::load(source, app.today) {
                Ok(p) => self.policy = Some(p),
                Err(e) => return app.loaded(Loaded::Message(format!("{e:#}"), true)),
            }
        }
        let Some(p) = self.policy.as_mut() else {
            return Vec::new();
        };
        let msg = match ack(p, source, &self.actor, finding, reason, app.read_only) {
            Ok(a) => {
                let text = format!("acknowledged {} ({}): {}", a.finding, a.rule, a.reason);
                p.acknowledged(a);
                let mut effects = app.loaded(Loaded::Findings(Ok(p.findings())));
                effects.extend(app.loaded(Loaded::Message(text, false)));
                return effects;
            }
            Err(e) => Loaded::Message(e, true),
        };
        app.loaded(msg)
    }
}

/// Checks and stores one acknowledgement (warn findings only, a reason,
/// never under `--read-only`).
fn ack(
    p: &mut Policy,
    source: &dyn Source,
    actor: &str,
    finding: &str,
    reason: &str,
    read_only: bool,
) -> Result<Ack, String> {
    if read_only {
        return Err("read-only: acknowledging a finding is refused".into());
    }
    let Some(f) = p.finding(finding) else {
        return Err(format!("there is no finding {finding} any more"));
    };
    if f.severity == FindingSeverity::Error {
        return Err(format!(
            "{finding} ({}) is an error: errors cannot be acknowledged, they are fixed",
            f.rule
        ));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err("give a reason".into());
    }
    let at = jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap_or_else(|_| jiff::Timestamp::now())
        .to_string();
    let a = Ack {
        finding: finding.to_string(),
        rule: f.rule.as_str().to_string(),
        by: actor.to_string(),
        at,
        reason: reason.to_string(),
    };
    source
        .acknowledge(&a)
        .map_err(|e| format!("could not store the acknowledgement: {e:#}"))?;
    Ok(a)
}

/// The worker threads' side: where results go, and the search queue.
struct Workers {
    source: Arc<dyn Source + Send + Sync>,
    results: Sender<Msg>,
    search: Sender<SearchJob>,
}

impl Workers {
    fn new(source: &Arc<dyn Source + Send + Sync>, results: &Sender<Msg>) -> Workers {
        let (search, jobs) = mpsc::channel::<SearchJob>();
        let tx = results.clone();
        thread::spawn(move || search_worker(&jobs, &tx));
        Workers {
            source: Arc::clone(source),
            results: results.clone(),
            search,
        }
    }

    /// Runs effects: quick loads inline, the rest on threads; returns
    /// whether the terminal should be cleared.
    fn run(&mut self, app: &mut App, host: &mut Host, effects: Vec<Effect>) -> bool {
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
                        let (src, tx) = (Arc::clone(&self.source), self.results.clone());
                        thread::spawn(move || {
                            let _ = tx.send(Msg::Loaded(Box::new(load(&*src, req))));
                        });
                    }
                    Effect::Evaluate => {
                        let (src, tx) = (Arc::clone(&self.source), self.results.clone());
                        let today = app.today;
                        thread::spawn(move || {
                            let r = Policy::load_then(&*src, today, |snap| {
                                let names = Loaded::Overview(text(overview(&*src, snap)));
                                let _ = tx.send(Msg::Loaded(Box::new(names)));
                            })
                            .map(Box::new)
                            .map_err(|e| format!("{e:#}"));
                            let _ = tx.send(Msg::Policy(r));
                        });
                    }
                    Effect::Acknowledge { finding, reason } => {
                        next.extend(host.acknowledge(app, &*self.source, &finding, &reason));
                    }
                    Effect::Search(job) => {
                        let _ = self.search.send(job);
                    }
                    e @ (Effect::Stage { .. }
                    | Effect::PreviewBatch(_)
                    | Effect::SettleBatch { .. }
                    | Effect::CompletePath(_)) => {
                        let job = uploads::Job::new(app, &host.actor);
                        uploads::spawn(&self.source, &self.results, job, e);
                    }
                    e @ (Effect::ExportReport { .. }
                    | Effect::ConfirmReport { .. }
                    | Effect::ReturnFile { .. }) => {
                        let (src, tx) = (Arc::clone(&self.source), self.results.clone());
                        let job = FileJob::new(app, &host.actor);
                        thread::spawn(move || {
                            if let Some(done) = job.run(&*src, e) {
                                let _ = tx.send(Msg::Loaded(Box::new(done)));
                            }
                        });
                    }
                    Effect::PreviewEdit(plan) => next.extend(host.preview_edit(app, &plan)),
                    e @ (Effect::ApplyEdit { .. }
                    | Effect::Undo
                    | Effect::Redo
                    | Effect::Transfer { .. }
                    | Effect::IssueCertificates { .. }
                    | Effect::AddNote { .. }) => {
                        let (src, tx) = (Arc::clone(&self.source), self.results.clone());
                        let (actor, read_only) = (host.actor.clone(), app.read_only);
                        thread::spawn(move || {
                            if let Some(done) = edit::run(&*src, &actor, read_only, e) {
                                if !done.writes.is_empty() {
                                    let _ = tx.send(Msg::Committed(done.writes));
                                }
                                let _ = tx.send(Msg::Loaded(Box::new(done.message)));
                            }
                        });
                    }
                    Effect::RefreshDashboard => next.extend(host.refresh_dashboard(app)),
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
/// others are answered `Stale`).
fn search_worker(jobs: &Receiver<SearchJob>, results: &Sender<Msg>) {
    while let Ok(mut job) = jobs.recv() {
        while let Ok(newer) = jobs.try_recv() {
            if results.send(Msg::Loaded(Box::new(Loaded::Stale))).is_err() {
                return;
            }
            job = newer;
        }
        let hits = job.job.run(&job.index);
        let msg = Loaded::Hits {
            query: job.job.query,
            hits,
        };
        if results.send(Msg::Loaded(Box::new(msg))).is_err() {
            return;
        }
    }
}

/// Blocks on crossterm's `read()` and forwards every event; beside it, a
/// watch on the terminal ends the UI when the terminal goes away (an SSH
/// connection dropped, a tmux pane killed: the tty hung up). A UI in a
/// session of its own gets no SIGHUP then, and crossterm, reading a
/// hung-up tty, loops on its empty reads forever: the watch is what lets
/// the UI end (the process exits, spinning thread and all).
fn input_thread(tx: Sender<Msg>) {
    let hung_up = tx.clone();
    thread::spawn(move || {
        if Terminal::open().wait_for_hang_up() {
            let _ = hung_up.send(Msg::InputFailed("the terminal went away".into()));
        }
    });
    thread::spawn(move || {
        loop {
            match event::read() {
                Ok(ev) => {
                    if tx.send(Msg::Term(ev)).is_err() {
                        return;
                    }
                }
                Err(e) => {
                    let _ = tx.send(Msg::InputFailed(e.to_string()));
                    return;
                }
            }
        }
    });
}

/// The terminal crossterm reads (standard input when it is one, else
/// `/dev/tty`), watched for a hang-up.
struct Terminal(Option<std::fs::File>);

impl Terminal {
    fn open() -> Terminal {
        // SAFETY: isatty has no preconditions.
        if unsafe { libc::isatty(0) } == 1 {
            return Terminal(None);
        }
        Terminal(std::fs::File::open("/dev/tty").ok())
    }

    /// Blocks until the terminal hangs up (`true`), or cannot be watched.
    fn wait_for_hang_up(&self) -> bool {
        use std::os::fd::AsRawFd;
        let fd = self.0.as_ref().map_or(0, AsRawFd::as_raw_fd);
        loop {
            // No events asked: poll wakes only for a hang-up or an error.
            let mut fds = [libc::pollfd {
                fd,
                events: 0,
                revents: 0,
            }];
            // SAFETY: one valid pollfd, its length given.
            let n = unsafe { libc::poll(fds.as_mut_ptr(), 1, -1) };
            if n < 0 {
                if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                return false;
            }
            if fds[0].revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
                return true;
            }
        }
    }
}

/// Handles one message from the channel; returns the effects to run.
pub fn handle_msg(app: &mut App, host: &mut Host, msg: Msg) -> anyhow::Result<Vec<Effect>> {
    Ok(match msg {
        Msg::Term(ev) => handle_event(app, &ev),
        Msg::InputFailed(e) => anyhow::bail!("cannot read the terminal: {e}"),
        Msg::Loaded(done) => app.loaded(*done),
        Msg::Policy(r) => host.policy_loaded(app, r),
        Msg::Committed(writes) => host.committed(app, writes),
        Msg::Preview(id, writes) => host.preview(app, id, writes),
        Msg::Remote(text, writes) => {
            let mut effects = host.committed(app, writes);
            effects.extend(app.loaded(Loaded::Message(text, false)));
            effects
        }
        Msg::Resync(text) => {
            let mut effects = vec![Effect::Evaluate];
            effects.extend(app.refresh());
            effects.extend(app.loaded(Loaded::Message(text, false)));
            effects
        }
    })
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    host: &mut Host,
    source: &Arc<dyn Source + Send + Sync>,
    start: Vec<Effect>,
) -> anyhow::Result<()> {
    let size = terminal.size().context("cannot read the terminal size")?;
    app.resize(size.width, size.height);
    let (tx, rx) = mpsc::channel();
    let mut workers = Workers::new(source, &tx);
    source.subscribe(Changes(tx.clone()));
    input_thread(tx);
    let mut clear = workers.run(app, host, start);
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
        // Idle means blocked here; then drain what queued (key-repeat
        // bursts coalesce into one draw).
        let first = rx.recv().context("the input thread stopped")?;
        clear = false;
        let mut msgs = vec![first];
        msgs.extend(rx.try_iter());
        for msg in msgs {
            let effects = handle_msg(app, host, msg)?;
            clear |= workers.run(app, host, effects);
            if app.should_quit {
                return Ok(());
            }
        }
    }
}

/// A channel whose messages [`pump`] handles, and the [`Changes`] handle
/// that feeds it (tests, and anything that commits in this process).
pub fn channel() -> (Changes, Receiver<Msg>) {
    let (tx, rx) = mpsc::channel();
    (Changes(tx), rx)
}

/// Handles every queued message inline, running effects inline (tests).
pub fn pump(
    app: &mut App,
    host: &mut Host,
    source: &dyn Source,
    rx: &Receiver<Msg>,
) -> anyhow::Result<()> {
    for msg in rx.try_iter() {
        let effects = handle_msg(app, host, msg)?;
        run_effects_with(app, host, source, effects);
    }
    Ok(())
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
/// should be cleared before the next draw. Acknowledgements are recorded
/// as `tester`.
pub fn run_effects(app: &mut App, source: &dyn Source, effects: Vec<Effect>) -> bool {
    run_effects_with(app, &mut Host::new("tester"), source, effects)
}

/// [`run_effects`] with a [`Host`] that keeps its evaluation.
pub fn run_effects_with(
    app: &mut App,
    host: &mut Host,
    source: &dyn Source,
    effects: Vec<Effect>,
) -> bool {
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
                Effect::Evaluate => {
                    let mut names = None;
                    let r = Policy::load_then(source, app.today, |snap| {
                        names = Some(Loaded::Overview(text(overview(source, snap))));
                    })
                    .map(Box::new)
                    .map_err(|e| format!("{e:#}"));
                    if let Some(names) = names {
                        next.extend(app.loaded(names));
                    }
                    next.extend(host.policy_loaded(app, r));
                }
                Effect::Acknowledge { finding, reason } => {
                    next.extend(host.acknowledge(app, source, &finding, &reason));
                }
                e @ (Effect::Stage { .. }
                | Effect::PreviewBatch(_)
                | Effect::SettleBatch { .. }
                | Effect::CompletePath(_)) => {
                    next.extend(uploads::inline(app, host, source, e));
                }
                e @ (Effect::ExportReport { .. }
                | Effect::ConfirmReport { .. }
                | Effect::ReturnFile { .. }) => {
                    if let Some(done) = FileJob::new(app, &host.actor).run(source, e) {
                        next.extend(app.loaded(done));
                    }
                }
                Effect::PreviewEdit(plan) => next.extend(host.preview_edit(app, &plan)),
                e @ (Effect::ApplyEdit { .. }
                | Effect::Undo
                | Effect::Redo
                | Effect::Transfer { .. }
                | Effect::IssueCertificates { .. }
                | Effect::AddNote { .. }) => {
                    let actor = host.actor.clone();
                    if let Some(done) = edit::run(source, &actor, app.read_only, e) {
                        if !done.writes.is_empty() {
                            next.extend(host.committed(app, done.writes));
                        }
                        next.extend(app.loaded(done.message));
                    }
                }
                Effect::RefreshDashboard => next.extend(host.refresh_dashboard(app)),
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

/// Every name for the finder, from the evaluation's snapshot and the schools.
pub fn overview(source: &dyn Source, snapshot: &Snapshot) -> anyhow::Result<Overview> {
    let schools = source.all_schools()?;
    Ok(Overview {
        index: Arc::new(Policy::names(snapshot, &schools)),
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
        Request::Grid(scope) => {
            let r = text(grid(source, &scope));
            Loaded::Grid(scope, r)
        }
        Request::Batches => Loaded::Batches(text(source.batches())),
        Request::BatchRows(id) => Loaded::BatchRows(id, text(source.row_results(id))),
        Request::Events => Loaded::Events(text(source.event_summaries())),
        Request::Audit(filter) => {
            let r = text(records::audit_log(source, &filter));
            Loaded::Audit(filter, r)
        }
        Request::Notes => Loaded::Notes(text(source.notes())),
        Request::Certificates(ids, today) => {
            let r = text(source.certificates_of(&ids, today));
            Loaded::Certificates(ids, r)
        }
        Request::Event(seq) => Loaded::Event(seq, text(source.event(seq))),
        Request::Report {
            today,
            term,
            district,
        } => {
            let result = text(source.report(today, term, district.as_ref()).map(Box::new));
            Loaded::Report {
                term,
                district,
                result,
            }
        }
    }
}

/// What a report, confirmation or return-file job needs from the app, so
/// it can run on a worker.
struct FileJob {
    today: crate::domain::Date,
    read_only: bool,
    actor: String,
}

impl FileJob {
    fn new(app: &App, actor: &str) -> FileJob {
        FileJob {
            today: app.today,
            read_only: app.read_only,
            actor: actor.to_string(),
        }
    }

    /// Runs one of the file effects through the source; what to tell the
    /// app (`None` for any other effect).
    fn run(&self, source: &dyn Source, effect: Effect) -> Option<Loaded> {
        Some(match effect {
            Effect::ExportReport {
                term,
                district,
                format,
                path,
            } => {
                let scope = district
                    .as_ref()
                    .map_or_else(|| "all districts".to_string(), ToString::to_string);
                match source.export_report(self.today, term, district.as_ref(), format, &path) {
                    Ok(()) => Loaded::Message(
                        format!("wrote the {term} report for {scope} to {}", shown(&path)),
                        false,
                    ),
                    Err(e) => Loaded::Message(format!("could not export: {e:#}"), true),
                }
            }
            Effect::ConfirmReport { term, district } => {
                if self.read_only {
                    return Some(Loaded::Confirmed(Err(
                        "read-only: confirming a report is refused".into(),
                    )));
                }
                let r = source.confirm_report(self.today, term, &district, &self.actor);
                Loaded::Confirmed(text(r))
            }
            Effect::ReturnFile { batch, out } => {
                match source.write_return_file(batch, self.today, &out) {
                    Ok((path, rows)) => Loaded::Message(
                        format!(
                            "wrote the error return file of batch {batch} to {} ({rows} rows with problems)",
                            shown(&path)
                        ),
                        false,
                    ),
                    Err(e) => Loaded::Message(format!("no error return file: {e:#}"), true),
                }
            }
            _ => return None,
        })
    }
}

/// A path as the status line names it: absolute when it can be.
fn shown(path: &std::path::Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}
