//! The server: owns the database, answers each client's requests with the
//! same [`Source`] calls a local UI makes, and pushes every committed
//! change set to every other client.

use std::collections::HashMap;
use std::io::{self, BufReader, BufWriter, Write as _};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Context as _;

use super::peer::{peer, user_name};
use super::roles;
use super::wire::{
    ClientMsg, PIECE, Request, ServerMsg, Stream, VERSION, Value, encode_frame, read_frame,
    write_frame,
};
use crate::cli::LiveErr;
use crate::domain::{BatchKind, BatchState, StageStep, Write};
use crate::store::Store;
use crate::tui::source::Source;

/// How `mecred serve` runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The socket to listen on.
    pub socket: PathBuf,
    /// Exit after this long with no client connected (never when `None`).
    pub idle_exit: Option<Duration>,
    /// The socket's group may connect (a team server; who may do what is
    /// still decided per user from the peer credentials).
    pub group: bool,
}

/// The socket of the server for the database at `db`: inside its
/// owner-only directory.
pub fn socket_path(db: &Path) -> PathBuf {
    db.join("mecred.sock")
}

/// An encoded frame, shared by the queues it is pushed to.
pub(super) type Frame = Arc<Vec<u8>>;

/// What every connection shares.
pub(super) struct Shared {
    pub(super) store: Store,
    source: Arc<dyn Source + Send + Sync>,
    /// Each connected client's queue of pushed frames and its district,
    /// by connection number.
    clients: Mutex<HashMap<u64, Client>>,
    /// When the last client left (or the server started).
    idle_since: Mutex<Instant>,
    next: AtomicU64,
    /// Set when the server is to stop accepting and exit.
    quit: AtomicBool,
    /// The OS user the server runs as: the database's admin until users
    /// are set up.
    owner: String,
}

impl Shared {
    /// The state of a server on `store`, before any client.
    pub(super) fn new(store: Store) -> Shared {
        Shared {
            source: crate::cli::store_source(&store),
            store,
            clients: Mutex::new(HashMap::new()),
            idle_since: Mutex::new(Instant::now()),
            next: AtomicU64::new(1),
            quit: AtomicBool::new(false),
            owner: user_name(super::peer::me()),
        }
    }

    pub(super) fn clients(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Client>> {
        self.clients.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sends `text` and `writes` to every client but `from`, encoded once
    /// for everyone who sees everything and once per district for district
    /// users, who get only their district's part ([`roles::scope_push`];
    /// nothing when none of it is theirs).
    pub(super) fn broadcast(&self, from: u64, text: String, writes: Vec<Write>) {
        let encode = |msg: &ServerMsg| match encode_frame(msg) {
            Ok(f) => Some(Arc::new(f)),
            Err(e) => {
                tracing::warn!(error = %e, "a change set could not be encoded for the others");
                None
            }
        };
        let mut frames: HashMap<Option<crate::domain::DistrictCode>, Option<Frame>> =
            HashMap::new();
        for (n, client) in self.clients().iter() {
            if *n == from {
                continue;
            }
            let frame = frames.entry(client.district.clone()).or_insert_with(|| {
                let msg = match &client.district {
                    Some(own) => roles::scope_push(&self.store, own, &text, &writes)?,
                    None => ServerMsg::Committed {
                        text: text.clone(),
                        writes: writes.clone(),
                    },
                };
                encode(&msg)
            });
            if let Some(frame) = frame {
                let _ = client.pushes.send(Arc::clone(frame));
            }
        }
    }
}

/// A connected client: its queue of pushed frames, and its district when
/// it is a district user's (what may be pushed to it).
pub(super) struct Client {
    pub(super) pushes: Sender<Frame>,
    pub(super) district: Option<crate::domain::DistrictCode>,
}

/// Serves the database `store` on `opts.socket` until idle for
/// `opts.idle_exit` (or forever). Refused when a server already answers
/// there; a socket file left by a killed server is replaced.
pub fn serve(store: Store, opts: &ServeOptions) -> anyhow::Result<()> {
    let listener = bind(&opts.socket, if opts.group { 0o660 } else { 0o600 })?;
    listener
        .set_nonblocking(true)
        .context("cannot poll the socket")?;
    tracing::info!(socket = %opts.socket.display(), "serving");
    let shared = Arc::new(Shared::new(store));
    while !shared.quit.load(Ordering::Relaxed) {
        match listener.accept() {
            Ok((stream, _)) => {
                let shared = Arc::clone(&shared);
                thread::spawn(move || {
                    if let Err(e) = connection(&shared, stream) {
                        tracing::warn!(error = %e, "a client connection ended with an error");
                    }
                });
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                thread::sleep(Duration::from_millis(5));
                if let Some(idle) = opts.idle_exit {
                    let since = *shared
                        .idle_since
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner);
                    if shared.clients().is_empty() && since.elapsed() >= idle {
                        tracing::info!("idle: the server exits");
                        break;
                    }
                }
            }
            Err(e) => return Err(e).context("cannot accept a client"),
        }
    }
    let _ = std::fs::remove_file(&opts.socket);
    shared.store.flush()?;
    Ok(())
}

/// Binds `socket` with `mode`, replacing a file no server answers on.
fn bind(socket: &Path, mode: u32) -> anyhow::Result<UnixListener> {
    if socket.exists() {
        if UnixStream::connect(socket).is_ok() {
            anyhow::bail!("a mecred server already serves {}", socket.display());
        }
        std::fs::remove_file(socket)
            .with_context(|| format!("cannot remove the stale socket {}", socket.display()))?;
    }
    let listener = UnixListener::bind(socket)
        .with_context(|| format!("cannot listen on {}", socket.display()))?;
    std::fs::set_permissions(socket, std::fs::Permissions::from_mode(mode))
        .with_context(|| format!("cannot restrict {}", socket.display()))?;
    Ok(listener)
}

/// One client: greeting, then requests until it hangs up.
fn connection(shared: &Arc<Shared>, stream: UnixStream) -> anyhow::Result<()> {
    stream.set_nonblocking(false)?;
    let cred = peer(&stream)?;
    let user = user_name(cred.uid);
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = BufWriter::new(stream);
    match read_frame::<ClientMsg>(&mut reader)? {
        Some(ClientMsg::Hello { version }) if version == VERSION => {}
        Some(ClientMsg::Hello { version }) => {
            let why = format!("this server speaks protocol {VERSION}, the client {version}");
            write_frame(&mut writer, &ServerMsg::Refused(why))?;
            return Ok(());
        }
        _ => return Ok(()),
    }
    let who = match roles::identify(&shared.store, &user, &shared.owner) {
        Ok(who) => who,
        Err(why) => {
            tracing::warn!(pid = cred.pid, "an unknown OS user was refused");
            write_frame(&mut writer, &ServerMsg::Refused(why))?;
            return Ok(());
        }
    };
    write_frame(
        &mut writer,
        &ServerMsg::Welcome {
            version: VERSION,
            user: user.clone(),
            role: match &who.district {
                Some(d) => format!("{} {d}", who.role.as_str()),
                None => who.role.as_str().to_string(),
            },
        },
    )?;
    let n = shared.next.fetch_add(1, Ordering::Relaxed);
    // Replies are written by the thread that ran the request (no hand-off
    // on a query's path); pushes go through a queue and a thread of their
    // own, so a slow client never holds up the one who committed.
    let writer = Arc::new(Mutex::new(writer));
    let (tx, rx) = channel::<Frame>();
    let district = match who.role {
        crate::domain::Role::District => who.district.clone(),
        _ => None,
    };
    shared.clients().insert(
        n,
        Client {
            pushes: tx,
            district,
        },
    );
    tracing::info!(
        client = n,
        pid = cred.pid,
        role = who.role.as_str(),
        "client connected"
    );
    let pushes = Arc::clone(&writer);
    let out = thread::spawn(move || {
        for msg in rx {
            let mut w = pushes.lock().unwrap_or_else(PoisonError::into_inner);
            if w.write_all(&msg).and_then(|()| w.flush()).is_err() {
                return;
            }
        }
    });
    let ended = serve_requests(shared, n, &who, &mut reader, &writer);
    // Removing the queue's sender ends the push thread.
    shared.clients().remove(&n);
    *shared
        .idle_since
        .lock()
        .unwrap_or_else(PoisonError::into_inner) = Instant::now();
    let _ = out.join();
    tracing::info!(client = n, "client left");
    ended
}

fn serve_requests(
    shared: &Arc<Shared>,
    n: u64,
    who: &roles::Who,
    reader: &mut impl io::Read,
    writer: &Arc<Mutex<BufWriter<UnixStream>>>,
) -> anyhow::Result<()> {
    // The date the client evaluates on, from its requests that carry one
    // (the snapshot comes first): a district user's acknowledgements and
    // notes are narrowed to their findings on that date.
    let mut today = jiff::ZonedDateTime::now().date();
    while let Some(msg) = read_frame::<ClientMsg>(reader)? {
        let ClientMsg::Request { id, request } = msg else {
            continue;
        };
        if let Some(t) = request.today() {
            today = t;
        }
        // A file being staged tells its client how far it has got.
        let mut progress = |step| {
            if let Ok(frame) = encode_frame(&ServerMsg::Progress { id, step }) {
                let mut w = writer.lock().unwrap_or_else(PoisonError::into_inner);
                let _ = w.write_all(&frame).and_then(|()| w.flush());
            }
        };
        // A command line's standard error goes to its client as written.
        let live = Arc::clone(writer);
        let live_err: LiveErr = Box::new(move |bytes: &[u8]| {
            let msg = ServerMsg::Output {
                id,
                to: Stream::Stderr,
                bytes: bytes.to_vec(),
            };
            if let Ok(frame) = encode_frame(&msg) {
                let mut w = live.lock().unwrap_or_else(PoisonError::into_inner);
                let _ = w.write_all(&frame).and_then(|()| w.flush());
            }
        });
        let (result, made) =
            run_streaming(shared, who, request, today, &mut progress, Some(live_err));
        // A command's output goes ahead in pieces: its reply stays small
        // however much it wrote.
        let result = match result {
            Ok(Value::Ran(ran)) => send_output(writer, id, *ran)
                .map(|ran| Value::Ran(Box::new(ran)))
                .map_err(|e| format!("the answer could not be sent: {e}")),
            other => other,
        };
        let reply = ServerMsg::Reply { id, result };
        // Encoded before the lock: a push to this client waits only for
        // the write. An answer too big for a frame fails as such.
        let frame = encode_frame(&reply).or_else(|e| {
            encode_frame(&ServerMsg::Reply {
                id,
                result: Err(format!("the answer could not be sent: {e}")),
            })
        });
        let sent = frame.and_then(|frame| {
            let mut w = writer.lock().unwrap_or_else(PoisonError::into_inner);
            w.write_all(&frame)?;
            w.flush()
        });
        // What was committed reaches the others even when its maker has
        // gone.
        if let Some((text, writes)) = made {
            shared.broadcast(n, text, writes);
        }
        if sent.is_err() {
            break;
        }
    }
    Ok(())
}

/// Sends a command's standard output and files to its client in pieces
/// ([`ServerMsg::Output`]); returns what is left to reply: the files
/// listed, empty.
pub(super) fn send_output(
    writer: &Mutex<BufWriter<UnixStream>>,
    id: u64,
    mut ran: crate::server::wire::Ran,
) -> io::Result<crate::server::wire::Ran> {
    let send = |to: &Stream, bytes: &[u8]| -> io::Result<()> {
        for piece in bytes.chunks(PIECE) {
            let frame = encode_frame(&ServerMsg::Output {
                id,
                to: to.clone(),
                bytes: piece.to_vec(),
            })?;
            let mut w = writer.lock().unwrap_or_else(PoisonError::into_inner);
            w.write_all(&frame)?;
            w.flush()?;
        }
        Ok(())
    };
    send(&Stream::Stdout, &std::mem::take(&mut ran.stdout))?;
    for (path, bytes) in &mut ran.files {
        send(&Stream::File(path.clone()), &std::mem::take(bytes))?;
    }
    Ok(ran)
}

/// What a committing request made: the status line and the writes.
type Made = Option<(String, Vec<Write>)>;

/// Runs one request as `who`, within what their role allows: refused
/// before it runs, or run and its answer narrowed to their district.
#[cfg(test)]
pub(super) fn run(
    shared: &Shared,
    who: &roles::Who,
    request: Request,
    today: crate::domain::Date,
    progress: &mut dyn FnMut(StageStep),
) -> (Result<Value, String>, Made) {
    run_streaming(shared, who, request, today, progress, None)
}

/// Runs one request as `who` (see `run`), a command line's standard error
/// streamed to `live_err`.
pub(super) fn run_streaming(
    shared: &Shared,
    who: &roles::Who,
    request: Request,
    today: crate::domain::Date,
    progress: &mut dyn FnMut(StageStep),
    live_err: Option<LiveErr>,
) -> (Result<Value, String>, Made) {
    if let Err(why) = roles::check(&shared.store, who, &request) {
        roles::record_refusal(&shared.store, &who.name, &request, &why, &crate::cli::now());
        return (Err(why), None);
    }
    let staging = matches!(request, Request::Stage { .. });
    let (result, made) = execute(shared, who, request, progress, live_err);
    let result = match result {
        Ok(Value::Staged(crate::tui::source::StageOutcome::Staged(id)))
            if staging && who.role == crate::domain::Role::District =>
        {
            match district_stage(shared, who, id) {
                Ok(v) => Ok(v),
                Err(why) => {
                    let r = Request::DiscardBatch(id);
                    roles::record_refusal(&shared.store, &who.name, &r, &why, &crate::cli::now());
                    Err(why)
                }
            }
        }
        Ok(v) => Ok(roles::scope(&shared.store, who, v, today)),
        Err(e) => Err(format!("{e:#}")),
    };
    (result, made)
}

/// A district user's staged batch stands only if it is of their district;
/// else it is discarded.
fn district_stage(shared: &Shared, who: &roles::Who, id: u64) -> Result<Value, String> {
    let batch = shared.store.batch(id).map_err(|e| format!("{e:#}"))?;
    let district = batch.and_then(|b| b.district);
    if district.is_some() && district == who.district {
        return Ok(Value::Staged(crate::tui::source::StageOutcome::Staged(id)));
    }
    if let Err(e) = shared.store.discard(id, &who.name, &crate::cli::now()) {
        tracing::error!(batch = id, error = %e, "could not discard a refused upload");
    }
    Err(format!(
        "{} may import only district {}'s completions: batch {id} ({}) was discarded",
        who.name,
        who.district.as_ref().map_or("?", |d| d.as_str()),
        district.map_or_else(|| "no district".to_string(), |d| format!("district {d}"))
    ))
}

/// Each batch's state, by id.
fn settled(store: &Store) -> anyhow::Result<HashMap<u64, BatchState>> {
    Ok(store
        .batches()?
        .into_iter()
        .map(|b| (b.id, b.state))
        .collect())
}

/// The change sets `user`'s command `name` committed or reverted since
/// `before`, as one push: a line naming them and their writes in order.
fn committed_since(
    shared: &Shared,
    before: &HashMap<u64, BatchState>,
    user: &str,
    name: &str,
) -> anyhow::Result<Made> {
    let mut what = Vec::new();
    let mut writes = Vec::new();
    for b in shared.store.batches()? {
        let was = before.get(&b.id).copied();
        let by_user = b.settled_by.as_deref().unwrap_or(&b.imported_by) == user;
        if was == Some(b.state) || !by_user {
            continue;
        }
        match b.state {
            BatchState::Committed => {
                let w = shared.store.committed_writes(b.id)?;
                what.push(format!("batch {} committed, {} records", b.id, w.len()));
                writes.extend(w);
            }
            BatchState::Reverted if was == Some(BatchState::Committed) => {
                let w = shared.store.committed_writes(b.id)?;
                what.push(format!("batch {} reverted, {} records", b.id, w.len()));
                writes.extend(w.into_iter().rev().map(|w| Write {
                    key: w.key,
                    before: w.after,
                    after: w.before,
                }));
            }
            _ => {}
        }
    }
    if what.is_empty() {
        return Ok(None);
    }
    Ok(Some((
        format!("{user} ran {name}: {}", what.join("; ")),
        writes,
    )))
}

/// Runs one request as `who`.
fn execute(
    shared: &Shared,
    who: &roles::Who,
    request: Request,
    progress: &mut dyn FnMut(StageStep),
    live_err: Option<LiveErr>,
) -> (anyhow::Result<Value>, Made) {
    let user = who.name.as_str();
    let src = &*shared.source;
    let mut made = None;
    let r = (|| -> anyhow::Result<Value> {
        Ok(match request {
            Request::Districts => Value::Districts(src.districts()?),
            Request::Schools(d) => Value::Schools(src.schools(&d)?),
            Request::StudentsOfSchool(s) => Value::Students(src.students_of_school(&s)?),
            Request::Student(id) => Value::Student(src.student(&id)?.map(Box::new)),
            Request::ExamsOf(id) => Value::Exams(src.exams_of(&id)?),
            Request::AllSchools => Value::Schools(src.all_schools()?),
            Request::AllStudents => Value::Students(src.all_students()?),
            Request::AllExams => Value::Exams(src.all_exams()?),
            Request::StudentsOfDistrict(d) => Value::Students(src.students_of_district(&d)?),
            Request::Batches => Value::Batches(src.batches()?),
            Request::RowResults(b) => Value::RowResults(src.row_results(b)?),
            Request::EventSummaries => Value::EventSummaries(src.event_summaries()?),
            Request::Event(seq) => Value::Event(src.event(seq)?.map(Box::new)),
            Request::EventsFor(key) => Value::Events(src.events_for(&key)?),
            Request::Snapshot(today) => {
                let (snap, _) = crate::cli::evaluate(&shared.store, today)?;
                Value::Snapshot(Box::new(snap.parts()))
            }
            Request::FeeStatements => Value::FeeStatements(src.fee_statements()?),
            Request::Acks => Value::Acks(src.acks()?),
            Request::Acknowledge(ack) => {
                src.acknowledge(&ack)?;
                Value::Unit
            }
            Request::Report {
                today,
                term,
                district,
            } => Value::Report(Box::new(src.report(today, term, district.as_ref())?)),
            Request::ConfirmReport {
                today,
                term,
                district,
            } => Value::Confirmation(Box::new(src.confirm_report(today, term, &district, user)?)),
            Request::Origin(batch) => Value::Origin(shared.store.origin(batch)?),
            Request::ReturnFile {
                batch,
                today,
                original,
            } => {
                let dir = tempfile::tempdir().context("no temporary directory")?;
                let (path, rows) = crate::cli::return_file_of_bytes(
                    &shared.store,
                    batch,
                    original,
                    Path::new("the file sent"),
                    today,
                    &dir.path().join("return"),
                )?;
                let bytes = std::fs::read(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                let extension = path
                    .extension()
                    .map(|e| e.to_string_lossy().into_owned())
                    .unwrap_or_default();
                Value::ReturnFile {
                    bytes,
                    extension,
                    rows,
                }
            }
            Request::Stage {
                name,
                bytes,
                kind,
                term,
                today,
                origin,
            } => Value::Staged(crate::cli::stage_bytes(
                &shared.store,
                &name,
                bytes,
                kind,
                term,
                today,
                user,
                &origin,
                progress,
            )?),
            Request::BatchWrites { id, today } => Value::Writes(src.batch_writes(id, today)?),
            Request::CommitBatch { id, today } => {
                let writes = src.commit_batch(id, today, user)?;
                let what = shared
                    .store
                    .batch(id)?
                    .map(|b| {
                        let mut s = format!("batch {id} ({}", b.kind.as_str());
                        if let Some(d) = &b.district {
                            s.push_str(&format!(" {d}"));
                        }
                        if let Some(t) = b.term {
                            s.push_str(&format!(" {t}"));
                        }
                        s.push(')');
                        s
                    })
                    .unwrap_or_else(|| format!("batch {id}"));
                made = Some((
                    format!("{user} committed {what}, {} records", writes.len()),
                    writes.clone(),
                ));
                Value::Writes(writes)
            }
            Request::DiscardBatch(id) => {
                src.discard_batch(id, user)?;
                Value::Unit
            }
            Request::RevertBatch(id) => {
                let writes = src.revert_batch(id, user)?;
                made = Some((
                    format!("{user} reverted batch {id}, {} records", writes.len()),
                    writes.clone(),
                ));
                Value::Writes(writes)
            }
            Request::ApplyChangeSet {
                kind,
                description,
                writes,
            } => {
                // Edits carry what their maker read: a record changed since
                // by someone else refuses the change set.
                let district = crate::cli::one_district(&writes);
                let (id, writes) = shared.store.apply_change_set_as_read(
                    kind,
                    &description,
                    district,
                    writes,
                    user,
                    &crate::cli::now(),
                )?;
                let verb = match kind {
                    BatchKind::Transfer => "transferred",
                    _ => "edited",
                };
                made = Some((
                    format!(
                        "{user} {verb}: change set {id}, {description} ({} records)",
                        writes.len()
                    ),
                    writes.clone(),
                ));
                Value::ChangeSet(id, writes)
            }
            Request::CommittedWrites(id) => Value::Writes(src.committed_writes(id)?),
            Request::Record(key) => Value::Record(src.record(&key)?),
            Request::TransferStudent { id, school } => {
                let (batch, writes) = src.transfer_student(&id, &school, user)?;
                made = Some((
                    format!("{user} moved student {id} to school {school} (change set {batch})"),
                    writes.clone(),
                ));
                Value::ChangeSet(batch, writes)
            }
            Request::AddNote { target, text } => Value::NoteId(src.add_note(target, &text, user)?),
            Request::Notes => Value::Notes(src.notes()?),
            Request::NotesFor(target) => Value::Notes(src.notes_for(&target)?),
            Request::CertificatesOf { ids, today } => {
                Value::Certificates(src.certificates_of(&ids, today)?)
            }
            Request::Run {
                argv,
                today,
                today_given,
                cwd,
                inputs,
                terminal,
            } => {
                let before = settled(&shared.store)?;
                let district = who.district.clone();
                let name = super::roles::command_of(&argv)
                    .map_or("a command", |c| super::roles::command_kind(&c).0);
                let ran = crate::cli::run_for_client(
                    &shared.store,
                    &crate::cli::Caller {
                        user: user.to_string(),
                        district,
                    },
                    crate::cli::Job {
                        argv,
                        today,
                        today_given,
                        cwd,
                        inputs,
                        terminal,
                    },
                    live_err,
                );
                made = committed_since(shared, &before, user, name)?;
                Value::Ran(Box::new(ran))
            }
        })
    })();
    (r, made)
}
