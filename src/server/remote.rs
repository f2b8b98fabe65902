//! The client side: [`Remote`] is a [`Source`] whose every call is a
//! request to the server. A reader thread matches replies to waiting calls
//! by id and hands pushed change sets to the UI. When the server goes away,
//! waiting calls fail, the UI says "reconnecting", and the next server to
//! answer on the socket is picked up (the UI then reads everything again).

use std::collections::HashMap;
use std::io::{BufReader, BufWriter};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::thread;
use std::time::Duration;

use anyhow::{Context as _, anyhow, bail};

use super::wire::{ClientMsg, Request, ServerMsg, Stream, VERSION, Value, read_frame, write_frame};
use crate::domain::{
    Ack, Batch, BatchKind, Date, District, DistrictCode, ExamAttempt, FeeStatement, Note,
    NoteTarget, Record, RecordKey, RowResult, School, SchoolCode, StageStep, Student, StudentId,
    Term, Write,
};
use crate::policy::Snapshot;
use crate::store::{ConfirmationRecord, Event};
use crate::tui::runtime::Changes;
use crate::tui::source::{CertificateStanding, EventSummary, ReportData, Source, StageOutcome};

/// How often a lost connection is tried again.
const RETRY: Duration = Duration::from_millis(250);

type Reply = Result<Value, String>;

/// What arrives for a waiting call: how far it has got (a file being
/// staged), what its command line writes to standard error, then its reply.
enum Incoming {
    Progress(StageStep),
    Output(Stream, Vec<u8>),
    Reply(Reply),
}

/// The live connection.
struct Conn {
    writer: BufWriter<UnixStream>,
    /// Bumped per connection, so a stale reader cannot clear a newer one.
    generation: u64,
}

#[derive(Default)]
struct State {
    conn: Option<Conn>,
    generation: u64,
    next_id: u64,
    /// A reconnect loop is running.
    retrying: bool,
}

struct Inner {
    socket: PathBuf,
    today: Date,
    state: Mutex<State>,
    pending: Mutex<HashMap<u64, Sender<Incoming>>>,
    changes: Mutex<Option<Changes>>,
    user: Mutex<String>,
    role: Mutex<String>,
}

impl Drop for Inner {
    /// The last handle is gone: hang up, so the reader thread ends and the
    /// server sees the client leave.
    fn drop(&mut self) {
        if let Some(conn) = lock(&self.state).conn.as_ref() {
            let _ = conn.writer.get_ref().shutdown(std::net::Shutdown::Both);
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A [`Source`] served by the `mecred` server on a socket.
#[derive(Clone)]
pub struct Remote(Arc<Inner>);

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote")
            .field("socket", &self.0.socket)
            .finish_non_exhaustive()
    }
}

impl Remote {
    /// Connects to the server on `socket`; `today` is the day its
    /// evaluations are for.
    pub fn connect(socket: &Path, today: Date) -> anyhow::Result<Remote> {
        let remote = Remote(Arc::new(Inner {
            socket: socket.to_path_buf(),
            today,
            state: Mutex::new(State::default()),
            pending: Mutex::new(HashMap::new()),
            changes: Mutex::new(None),
            user: Mutex::new(String::new()),
            role: Mutex::new(String::new()),
        }));
        let mut state = lock(&remote.0.state);
        remote.open(&mut state)?;
        drop(state);
        Ok(remote)
    }

    /// Who the server takes this client to be (its OS user).
    pub fn user(&self) -> String {
        lock(&self.0.user).clone()
    }

    /// What the server lets this client do: `operator`, `district 017`…
    pub fn role(&self) -> String {
        lock(&self.0.role).clone()
    }

    /// The socket it talks to.
    pub fn socket(&self) -> &Path {
        &self.0.socket
    }

    /// Opens a connection (greeting included) and starts its reader.
    fn open(&self, state: &mut State) -> anyhow::Result<()> {
        let socket = &self.0.socket;
        let stream = UnixStream::connect(socket)
            .with_context(|| format!("cannot reach the mecred server at {}", socket.display()))?;
        let mut writer = BufWriter::new(stream.try_clone()?);
        let mut reader = BufReader::new(stream);
        write_frame(&mut writer, &ClientMsg::Hello { version: VERSION })?;
        match read_frame::<ServerMsg>(&mut reader)? {
            Some(ServerMsg::Welcome { user, role, .. }) => {
                *lock(&self.0.user) = user;
                *lock(&self.0.role) = role;
            }
            Some(ServerMsg::Refused(why)) => bail!("the mecred server refused: {why}"),
            _ => bail!("the mecred server at {} did not greet", socket.display()),
        }
        state.generation += 1;
        let generation = state.generation;
        state.conn = Some(Conn { writer, generation });
        let weak = Arc::downgrade(&self.0);
        thread::spawn(move || Remote::read(&weak, reader, generation));
        Ok(())
    }

    /// The reader: replies to their callers, pushes to the UI; at the end
    /// of the stream, fails what waits and starts reconnecting. It holds
    /// the client weakly: when every handle is dropped, it ends.
    fn read(weak: &Weak<Inner>, mut reader: BufReader<UnixStream>, generation: u64) {
        while let Ok(Some(msg)) = read_frame::<ServerMsg>(&mut reader) {
            let Some(inner) = weak.upgrade() else {
                return;
            };
            let me = Remote(inner);
            match msg {
                ServerMsg::Reply { id, result } => {
                    if let Some(tx) = lock(&me.0.pending).remove(&id) {
                        let _ = tx.send(Incoming::Reply(result));
                    }
                }
                ServerMsg::Progress { id, step } => {
                    if let Some(tx) = lock(&me.0.pending).get(&id) {
                        let _ = tx.send(Incoming::Progress(step));
                    }
                }
                ServerMsg::Output { id, to, bytes } => {
                    if let Some(tx) = lock(&me.0.pending).get(&id) {
                        let _ = tx.send(Incoming::Output(to, bytes));
                    }
                }
                ServerMsg::Committed { text, writes } => {
                    if let Some(c) = lock(&me.0.changes).as_ref() {
                        c.remote(text, writes);
                    }
                }
                ServerMsg::Welcome { .. } | ServerMsg::Refused(_) => {}
            }
        }
        let Some(inner) = weak.upgrade() else {
            return;
        };
        Remote(inner).lost(generation);
    }

    /// The connection of `generation` ended: fail what waits, reconnect.
    fn lost(&self, generation: u64) {
        let mut state = lock(&self.0.state);
        if state
            .conn
            .as_ref()
            .is_some_and(|c| c.generation == generation)
        {
            state.conn = None;
        }
        // Dropping the senders fails every call still waiting.
        lock(&self.0.pending).clear();
        if !state.retrying {
            state.retrying = true;
            drop(state);
            self.notice("the mecred server went away: reconnecting…", true);
            let weak = Arc::downgrade(&self.0);
            thread::spawn(move || Remote::reconnect(&weak));
        }
    }

    /// Tries the socket until a server answers, then has the UI read
    /// everything again; ends when every handle is dropped.
    fn reconnect(weak: &Weak<Inner>) {
        loop {
            thread::sleep(RETRY);
            let Some(inner) = weak.upgrade() else {
                return;
            };
            let me = Remote(inner);
            let mut state = lock(&me.0.state);
            if state.conn.is_some() {
                state.retrying = false;
                return;
            }
            if me.open(&mut state).is_ok() {
                state.retrying = false;
                drop(state);
                if let Some(c) = lock(&me.0.changes).as_ref() {
                    c.resync("reconnected to the mecred server".into());
                }
                return;
            }
        }
    }

    fn notice(&self, text: &str, alert: bool) {
        if let Some(c) = lock(&self.0.changes).as_ref() {
            c.notice(text.to_string(), alert);
        }
    }

    /// Sends `request` and waits for its reply.
    pub fn call(&self, request: Request) -> anyhow::Result<Value> {
        self.call_streaming(request, &mut |_| {}, &mut |_, _| {})
    }

    /// [`Remote::call`], handing `progress` each step the server reports
    /// before the reply (a file being staged).
    pub fn call_with_progress(
        &self,
        request: Request,
        progress: &mut dyn FnMut(StageStep),
    ) -> anyhow::Result<Value> {
        self.call_streaming(request, progress, &mut |_, _| {})
    }

    /// [`Remote::call`], handing `output` what the server streams of the
    /// request's command line before the reply, and where it goes.
    pub fn call_with_output(
        &self,
        request: Request,
        output: &mut dyn FnMut(Stream, Vec<u8>),
    ) -> anyhow::Result<Value> {
        self.call_streaming(request, &mut |_| {}, output)
    }

    fn call_streaming(
        &self,
        request: Request,
        progress: &mut dyn FnMut(StageStep),
        output: &mut dyn FnMut(Stream, Vec<u8>),
    ) -> anyhow::Result<Value> {
        let (tx, rx) = channel();
        {
            let mut state = lock(&self.0.state);
            if state.conn.is_none() {
                self.open(&mut state)
                    .context("the mecred server is not running: reconnecting")?;
            }
            state.next_id += 1;
            let id = state.next_id;
            lock(&self.0.pending).insert(id, tx);
            let sent = match state.conn.as_mut() {
                Some(conn) => write_frame(&mut conn.writer, &ClientMsg::Request { id, request }),
                None => Err(std::io::Error::other("no connection")),
            };
            if let Err(e) = sent {
                lock(&self.0.pending).remove(&id);
                state.conn = None;
                return Err(anyhow!(e).context("the mecred server went away"));
            }
        }
        loop {
            match rx.recv() {
                Ok(Incoming::Progress(step)) => progress(step),
                Ok(Incoming::Output(to, bytes)) => output(to, bytes),
                Ok(Incoming::Reply(Ok(v))) => return Ok(v),
                Ok(Incoming::Reply(Err(e))) => return Err(anyhow!(e)),
                Err(_) => bail!("the mecred server went away before answering"),
            }
        }
    }
}

/// A reply of the wrong kind: a server and client out of step.
fn unexpected(v: &Value) -> anyhow::Error {
    let kind = format!("{v:?}");
    anyhow!(
        "the mecred server answered with {}",
        kind.split(['(', ' ', '{']).next().unwrap_or("?")
    )
}

/// Calls `$request` and takes the `$variant` out of the reply.
macro_rules! ask {
    ($self:ident, $request:expr, Unit) => {
        match $self.call($request)? {
            Value::Unit => Ok(()),
            other => Err(unexpected(&other)),
        }
    };
    ($self:ident, $request:expr, $variant:ident) => {
        match $self.call($request)? {
            Value::$variant(v) => Ok(v),
            other => Err(unexpected(&other)),
        }
    };
}

impl Source for Remote {
    fn subscribe(&self, changes: Changes) {
        *lock(&self.0.changes) = Some(changes);
    }
    fn districts(&self) -> anyhow::Result<Vec<District>> {
        ask!(self, Request::Districts, Districts)
    }
    fn schools(&self, district: &DistrictCode) -> anyhow::Result<Vec<School>> {
        ask!(self, Request::Schools(district.clone()), Schools)
    }
    fn students_of_school(&self, school: &SchoolCode) -> anyhow::Result<Vec<Student>> {
        ask!(self, Request::StudentsOfSchool(school.clone()), Students)
    }
    fn student(&self, id: &StudentId) -> anyhow::Result<Option<Student>> {
        Ok(ask!(self, Request::Student(id.clone()), Student)?.map(|s| *s))
    }
    fn exams_of(&self, id: &StudentId) -> anyhow::Result<Vec<ExamAttempt>> {
        ask!(self, Request::ExamsOf(id.clone()), Exams)
    }
    fn all_schools(&self) -> anyhow::Result<Vec<School>> {
        ask!(self, Request::AllSchools, Schools)
    }
    fn all_students(&self) -> anyhow::Result<Vec<Student>> {
        ask!(self, Request::AllStudents, Students)
    }
    fn all_exams(&self) -> anyhow::Result<Vec<ExamAttempt>> {
        ask!(self, Request::AllExams, Exams)
    }
    fn students_of_district(&self, district: &DistrictCode) -> anyhow::Result<Vec<Student>> {
        ask!(
            self,
            Request::StudentsOfDistrict(district.clone()),
            Students
        )
    }
    fn batches(&self) -> anyhow::Result<Vec<Batch>> {
        ask!(self, Request::Batches, Batches)
    }
    fn row_results(&self, batch: u64) -> anyhow::Result<Vec<RowResult>> {
        ask!(self, Request::RowResults(batch), RowResults)
    }
    fn event_summaries(&self) -> anyhow::Result<Vec<EventSummary>> {
        ask!(self, Request::EventSummaries, EventSummaries)
    }
    fn event(&self, seq: u64) -> anyhow::Result<Option<Event>> {
        Ok(ask!(self, Request::Event(seq), Event)?.map(|e| *e))
    }
    fn events_for(&self, key: &RecordKey) -> anyhow::Result<Vec<Event>> {
        ask!(self, Request::EventsFor(key.clone()), Events)
    }
    /// The server's snapshot, with the confirmations' current hashes for
    /// the day this client was opened on; [`Source::evaluate`]'s default
    /// (a full evaluation) then gives exactly the server's findings.
    fn snapshot(&self) -> anyhow::Result<Snapshot> {
        let parts = ask!(self, Request::Snapshot(self.0.today), Snapshot)?;
        Ok(Snapshot::from_parts(*parts))
    }
    fn fee_statements(&self) -> anyhow::Result<Vec<FeeStatement>> {
        ask!(self, Request::FeeStatements, FeeStatements)
    }
    fn acks(&self) -> anyhow::Result<Vec<Ack>> {
        ask!(self, Request::Acks, Acks)
    }
    fn acknowledge(&self, ack: &Ack) -> anyhow::Result<()> {
        ask!(self, Request::Acknowledge(ack.clone()), Unit)
    }
    fn report(
        &self,
        today: Date,
        term: Term,
        district: Option<&DistrictCode>,
    ) -> anyhow::Result<ReportData> {
        // Built by the server as `mecred report` builds it (the fee
        // section, a purge's redaction matched): the snapshot is not read
        // again for it.
        let request = Request::Report {
            today,
            term,
            district: district.cloned(),
        };
        ask!(self, request, Report).map(|data| *data)
    }
    fn confirm_report(
        &self,
        today: Date,
        term: Term,
        district: &DistrictCode,
        actor: &str,
    ) -> anyhow::Result<ConfirmationRecord> {
        let _ = actor; // the server knows who asks
        let request = Request::ConfirmReport {
            today,
            term,
            district: district.clone(),
        };
        Ok(*ask!(self, request, Confirmation)?)
    }
    fn write_return_file(
        &self,
        batch: u64,
        today: Date,
        out: &Path,
    ) -> anyhow::Result<(PathBuf, usize)> {
        // The original is read here, as this client's user: the server
        // (perhaps a service account) never reads a client's path.
        let origin = ask!(self, Request::Origin(batch), Origin)?;
        let original = match origin {
            Some(path) => PathBuf::from(path),
            None => {
                let Some(b) = self.batches()?.into_iter().find(|b| b.id == batch) else {
                    anyhow::bail!("there is no batch {batch}");
                };
                PathBuf::from(b.file)
            }
        };
        let original = std::fs::read(&original).with_context(|| {
            format!(
                "cannot read {}, the file imported as batch {batch} (mecred keeps its rows, not the file: start mecred where the file is)",
                original.display()
            )
        })?;
        let request = Request::ReturnFile {
            batch,
            today,
            original,
        };
        match self.call(request)? {
            Value::ReturnFile {
                bytes,
                extension,
                rows,
            } => {
                let path = out.with_extension(extension);
                std::fs::write(&path, bytes)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                Ok((path, rows))
            }
            other => Err(unexpected(&other)),
        }
    }
    fn stage_file(
        &self,
        path: &Path,
        kind: Option<BatchKind>,
        term: Term,
        today: Date,
        actor: &str,
        progress: &mut dyn FnMut(StageStep),
    ) -> anyhow::Result<StageOutcome> {
        let _ = actor;
        // The client reads the file: it is the client's user's file.
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let request = Request::Stage {
            name: crate::cli::file_name(path),
            bytes,
            kind,
            term,
            today,
            origin: crate::cli::absolute(path),
        };
        match self.call_with_progress(request, progress)? {
            Value::Staged(outcome) => Ok(outcome),
            other => Err(unexpected(&other)),
        }
    }
    fn batch_writes(&self, id: u64, today: Date) -> anyhow::Result<Vec<Write>> {
        ask!(self, Request::BatchWrites { id, today }, Writes)
    }
    fn commit_batch(&self, id: u64, today: Date, actor: &str) -> anyhow::Result<Vec<Write>> {
        let _ = actor;
        ask!(self, Request::CommitBatch { id, today }, Writes)
    }
    fn discard_batch(&self, id: u64, actor: &str) -> anyhow::Result<()> {
        let _ = actor;
        ask!(self, Request::DiscardBatch(id), Unit)
    }
    fn revert_batch(&self, id: u64, actor: &str) -> anyhow::Result<Vec<Write>> {
        let _ = actor;
        ask!(self, Request::RevertBatch(id), Writes)
    }
    fn apply_change_set(
        &self,
        kind: BatchKind,
        description: &str,
        writes: Vec<Write>,
        actor: &str,
    ) -> anyhow::Result<(u64, Vec<Write>)> {
        let _ = actor;
        let request = Request::ApplyChangeSet {
            kind,
            description: description.to_string(),
            writes,
        };
        match self.call(request)? {
            Value::ChangeSet(id, writes) => Ok((id, writes)),
            other => Err(unexpected(&other)),
        }
    }
    fn committed_writes(&self, id: u64) -> anyhow::Result<Vec<Write>> {
        ask!(self, Request::CommittedWrites(id), Writes)
    }
    fn record(&self, key: &RecordKey) -> anyhow::Result<Option<Record>> {
        ask!(self, Request::Record(key.clone()), Record)
    }
    fn transfer_student(
        &self,
        id: &StudentId,
        school: &SchoolCode,
        actor: &str,
    ) -> anyhow::Result<(u64, Vec<Write>)> {
        let _ = actor;
        let request = Request::TransferStudent {
            id: id.clone(),
            school: school.clone(),
        };
        match self.call(request)? {
            Value::ChangeSet(id, writes) => Ok((id, writes)),
            other => Err(unexpected(&other)),
        }
    }
    fn add_note(&self, target: NoteTarget, text: &str, actor: &str) -> anyhow::Result<u64> {
        let _ = actor;
        let request = Request::AddNote {
            target,
            text: text.to_string(),
        };
        ask!(self, request, NoteId)
    }
    fn notes(&self) -> anyhow::Result<Vec<Note>> {
        ask!(self, Request::Notes, Notes)
    }
    fn notes_for(&self, target: &NoteTarget) -> anyhow::Result<Vec<Note>> {
        ask!(self, Request::NotesFor(target.clone()), Notes)
    }
    fn certificates_of(
        &self,
        ids: &[StudentId],
        today: Date,
    ) -> anyhow::Result<Vec<CertificateStanding>> {
        let request = Request::CertificatesOf {
            ids: ids.to_vec(),
            today,
        };
        ask!(self, request, Certificates)
    }
}
