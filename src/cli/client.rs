//! Commands through the server (issue 7). While a server holds the
//! database, a command line is a client: it sends its arguments, today,
//! its working directory and the files it reads; the server runs the very
//! same command on its database as the client's OS user (from the socket's
//! peer credentials, never sent), and answers with what the command
//! printed, the files it wrote and its exit status. The client writes
//! those files itself, as its user, owner-only: a team server's service
//! account may not be able to reach the user's directories.

use std::collections::HashMap;
use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Parser as _;

use super::args::{CertificatesCommand, FeesCommand};
use super::context::{Io, normal};
use super::{Cli, Command, Context, Refused, Served, Status};
use crate::domain::{Date, DistrictCode};
use crate::server::wire::{Ran, Request, Stream, Value};
use crate::server::{Remote, socket_path};
use crate::store::Store;

/// Where a command runs.
pub enum Route {
    /// On the database's server.
    Server(Remote),
    /// Here, on the database opened directly.
    Direct,
}

/// Whether `command` reads or writes the database (else it never goes to
/// a server).
fn uses_database(command: &Command) -> bool {
    !matches!(
        command,
        Command::Gen(_)
            | Command::Completions(_)
            | Command::Man
            | Command::Serve(_)
            | Command::ReadSheets { .. }
    )
}

/// Where `command` runs: `--server SOCKET` (which must answer), else the
/// server of the database when one answers on its socket, else here.
/// `restore` and `demo` need the database to themselves: refused while a
/// server holds it (exit 3).
pub fn route(ctx: &Context, server: Option<&Path>, command: &Command) -> anyhow::Result<Route> {
    if !uses_database(command) {
        return Ok(Route::Direct);
    }
    let own = matches!(command, Command::Restore(_) | Command::Demo(_));
    if own && server.is_none() && matches!(command, Command::Demo(_)) && ctx.db.is_none() {
        // A demo without --db builds a database of its own.
        return Ok(Route::Direct);
    }
    let remote = match server {
        Some(socket) => Some(Remote::connect(socket, ctx.today)?),
        None => match ctx.db_path() {
            Ok(db) => Remote::connect(&socket_path(&db), ctx.today).ok(),
            Err(_) => None,
        },
    };
    match remote {
        None => Ok(Route::Direct),
        Some(r) if own => {
            let what = if matches!(command, Command::Restore(_)) {
                "restore"
            } else {
                "demo"
            };
            Err(Served(format!(
                "a mecred server holds this database (socket {}): `mecred {what}` needs the \
                 database to itself; stop the server (and close its UIs) first",
                r.socket().display()
            ))
            .into())
        }
        Some(r) => Ok(Route::Server(r)),
    }
}

/// The paths `command` may write: its `-o`/`--errors-out` (a file, or a
/// directory and what is under it); a template without `-o` goes to the
/// working directory.
fn outputs(command: &Command, cwd: &Path) -> Vec<PathBuf> {
    let out = match command {
        Command::Import(a) => a.errors_out.clone(),
        Command::Report(a) => a.output.clone(),
        Command::Export(a) => a.output.clone(),
        Command::Template(a) => Some(a.output.clone().unwrap_or_else(|| PathBuf::from("."))),
        Command::Packet(a) => Some(a.output.clone()),
        Command::Certificates(CertificatesCommand::Issue(a)) => Some(a.output.clone()),
        Command::Fees(FeesCommand::Statement(a)) => Some(a.output.clone()),
        _ => None,
    };
    out.map(|p| normal(&cwd.join(p))).into_iter().collect()
}

/// Refuses, before anything runs, a file output whose directory is not
/// there (as a direct run fails writing it): the server may commit before
/// the client writes.
fn writable(command: &Command) -> anyhow::Result<()> {
    let file = match command {
        Command::Import(a) => a.errors_out.as_ref(),
        Command::Report(a) => a.output.as_ref(),
        Command::Export(a) => a.output.as_ref(),
        Command::Template(a) => a.output.as_ref(),
        _ => None,
    };
    let Some(file) = file else { return Ok(()) };
    match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => {
            let e = std::fs::read_dir(dir).err().unwrap_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory")
            });
            Err(anyhow::Error::new(e).context(format!("cannot write {}", file.display())))
        }
        _ => Ok(()),
    }
}

/// Sends `command` (this process's arguments) to the server and gives back
/// what it printed, the files it wrote and its exit status.
pub fn run_remote(ctx: &Context, remote: &Remote, command: &Command) -> anyhow::Result<Status> {
    let argv = std::env::args_os()
        .skip(1)
        .map(|a| {
            a.into_string().map_err(|a| {
                Refused(format!(
                    "the argument {} is not UTF-8: it cannot go to the mecred server",
                    a.to_string_lossy()
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let cwd = std::env::current_dir().context("cannot tell the working directory")?;
    writable(command)?;
    let mut inputs = Vec::new();
    if let Command::Import(a) = command {
        let bytes =
            std::fs::read(&a.file).with_context(|| format!("cannot read {}", a.file.display()))?;
        inputs.push((cwd.join(&a.file), bytes));
    }
    let terminal = {
        use std::io::IsTerminal as _;
        std::io::stderr().is_terminal()
    };
    // Its standard error comes as it is written (progress, notes), then
    // its standard output (printed as it comes) and files in pieces, then
    // the answer.
    let allowed = outputs(command, &cwd);
    let mut files = Streamed::default();
    let mut printed = Ok(());
    let value = remote.call_with_output(
        Request::Run {
            argv,
            today: ctx.today,
            today_given: ctx.today_given,
            cwd: cwd.clone(),
            inputs,
            terminal,
        },
        &mut |to, bytes| match to {
            Stream::Stderr => {
                let mut err = std::io::stderr().lock();
                let _ = err.write_all(&bytes).and_then(|()| err.flush());
            }
            Stream::Stdout => {
                if printed.is_ok() {
                    let mut out = std::io::stdout().lock();
                    printed = out.write_all(&bytes).and_then(|()| out.flush());
                }
            }
            Stream::File(path) => files.write(&allowed, path, &bytes),
        },
    )?;
    printed?;
    let Value::Ran(ran) = value else {
        bail!("the mecred server answered a command with something else");
    };
    // What the command did is said even when a file cannot be written
    // here (the server may have committed already).
    let written = files
        .finish()
        .and_then(|streamed| write_back(&ran, &allowed, &streamed));
    let mut out = std::io::stdout().lock();
    out.write_all(&ran.stdout)?;
    out.flush()?;
    let mut err = std::io::stderr().lock();
    err.write_all(&ran.stderr)?;
    err.flush()?;
    written?;
    Ok(Status::Exit(ran.exit))
}

/// Whether `path` is under one of the paths a command was told to write.
fn may_write(allowed: &[PathBuf], path: &Path) -> bool {
    allowed.iter().any(|a| normal(path).starts_with(a))
}

/// The files a command run by the server wrote, written here piece by
/// piece as they come (owner-only, only where the command was told to
/// write), so none is held in memory whole.
#[derive(Default)]
struct Streamed {
    open: HashMap<PathBuf, std::fs::File>,
    failed: Option<anyhow::Error>,
}

impl Streamed {
    fn write(&mut self, allowed: &[PathBuf], path: PathBuf, bytes: &[u8]) {
        if self.failed.is_some() {
            return;
        }
        if let Err(e) = self.try_write(allowed, path, bytes) {
            self.failed = Some(e);
        }
    }

    fn try_write(
        &mut self,
        allowed: &[PathBuf],
        path: PathBuf,
        bytes: &[u8],
    ) -> anyhow::Result<()> {
        if !may_write(allowed, &path) {
            bail!(
                "the mecred server sent a file the command was not asked to write: {}",
                path.display()
            );
        }
        let file = match self.open.entry(path) {
            std::collections::hash_map::Entry::Occupied(f) => f.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                let path = v.key();
                if let Some(dir) = path.parent()
                    && !dir.as_os_str().is_empty()
                    && may_write(allowed, dir)
                {
                    std::fs::DirBuilder::new()
                        .recursive(true)
                        .mode(0o700)
                        .create(dir)
                        .with_context(|| format!("cannot create {}", dir.display()))?;
                }
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .create(true)
                    .truncate(true)
                    .mode(0o600)
                    .open(path)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                v.insert(file)
            }
        };
        file.write_all(bytes)
            .context("cannot write a file the command made")
    }

    /// The files written (flushed), or the first failure.
    fn finish(self) -> anyhow::Result<std::collections::HashSet<PathBuf>> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        let mut done = std::collections::HashSet::new();
        for (path, mut file) in self.open {
            file.flush()
                .with_context(|| format!("cannot write {}", path.display()))?;
            done.insert(path);
        }
        Ok(done)
    }
}

/// Creates the directories and writes the files a command run by the
/// server made that did not come in pieces (empty ones), owner-only,
/// after checking each is one the command was told to write.
fn write_back(
    ran: &Ran,
    allowed: &[PathBuf],
    streamed: &std::collections::HashSet<PathBuf>,
) -> anyhow::Result<()> {
    let ok = |p: &Path| may_write(allowed, p);
    let mut dirs = std::fs::DirBuilder::new();
    dirs.recursive(true).mode(0o700);
    for d in &ran.dirs {
        if !ok(d) {
            bail!(
                "the mecred server sent a directory the command was not asked to make: {}",
                d.display()
            );
        }
        dirs.create(d)
            .with_context(|| format!("cannot create {}", d.display()))?;
    }
    for (path, bytes) in &ran.files {
        if streamed.contains(path) {
            continue;
        }
        if !ok(path) {
            bail!(
                "the mecred server sent a file the command was not asked to write: {}",
                path.display()
            );
        }
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        file.write_all(bytes)
            .and_then(|()| file.flush())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// Who a command run by the server runs as.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The OS user on the other end of the socket.
    pub user: String,
    /// A district user's district (what they may see and import).
    pub district: Option<DistrictCode>,
}

/// What a client sent to run: see [`Request::Run`].
#[derive(Debug, Clone)]
pub struct Job {
    /// The arguments after the program name.
    pub argv: Vec<String>,
    /// The client's today.
    pub today: Date,
    /// Whether the client was given today.
    pub today_given: bool,
    /// The client's working directory.
    pub cwd: PathBuf,
    /// The files the client read for the command.
    pub inputs: Vec<(PathBuf, Vec<u8>)>,
    /// Whether the client's standard error is a terminal.
    pub terminal: bool,
}

/// Runs a client's command line on the server's `store` as `caller`:
/// what it printed, wrote and exited with, exactly as `mecred` run
/// directly would (an error is the `mecred: …` line on stderr and its exit
/// status).
/// With `live_err`, its standard error is streamed there as it is written
/// (and not in the answer).
pub fn run_for_client(
    store: &Store,
    caller: &Caller,
    job: Job,
    live_err: Option<super::context::LiveErr>,
) -> Ran {
    let cli = match Cli::try_parse_from(std::iter::once("mecred".to_string()).chain(job.argv)) {
        Ok(cli) => cli,
        Err(e) => {
            return Ran {
                stderr: e.render().to_string().into_bytes(),
                exit: u8::try_from(e.exit_code()).unwrap_or(2),
                ..Ran::default()
            };
        }
    };
    let inputs = job
        .inputs
        .into_iter()
        .map(|(p, b)| (normal(&p), b))
        .collect::<HashMap<_, _>>();
    let io = match live_err {
        Some(live) => Io::streamed(job.cwd, inputs, live, job.terminal),
        None => Io::buffered(job.cwd, inputs),
    };
    let ctx = Context {
        db: None,
        today: job.today,
        today_given: job.today_given,
        json: cli.json,
        read_only: cli.read_only,
        keymap: cli.keymap.clone(),
        actor: caller.user.clone(),
        district: caller.district.clone(),
        io: io.clone(),
        store: Some(store.clone()),
    };
    let result = match cli.command {
        None
        | Some(
            Command::Serve(_)
            | Command::Demo(_)
            | Command::Restore(_)
            | Command::Gen(_)
            | Command::Completions(_)
            | Command::Man
            | Command::ReadSheets { .. },
        ) => Err(
            Refused("the mecred server runs only the commands on the database's data".into())
                .into(),
        ),
        Some(command) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            super::dispatch(&ctx, command)
        }))
        .unwrap_or_else(|_| {
            Err(anyhow::anyhow!(
                "internal error; nothing was committed half-way. Please report it."
            ))
        }),
    };
    let exit = match &result {
        Ok(status) => status.code(),
        Err(err) => {
            let _ = writeln!(ctx.err(), "mecred: {err:#}");
            super::exit_status(err)
        }
    };
    let buffers = io.take().unwrap_or_default();
    Ran {
        stdout: buffers.stdout,
        stderr: buffers.stderr,
        // As a direct run leaves them (a command that removes what it
        // wrote on failure does so through its context).
        dirs: buffers.dirs,
        files: buffers.files,
        exit,
    }
}
