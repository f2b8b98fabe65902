//! What every command needs: the database path, today, output mode, actor,
//! and where its output and files go. Locally that is the terminal and the
//! file system; a command the server runs for a client (issue 7) writes
//! into buffers, reads the files the client shipped and hands the files it
//! writes back, and uses the server's open database.

use std::collections::HashMap;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::Context as _;

use super::{Cli, Refused, Usage};
use crate::domain::{Date, DistrictCode};
use crate::store::Store;

/// Resolved global options.
#[derive(Clone)]
pub struct Context {
    /// `--db` / `MECRED_DB`, if given.
    pub db: Option<PathBuf>,
    /// Today (`--today`, `MECRED_TODAY`, or the local date).
    pub today: Date,
    /// Whether `--today` was given.
    pub today_given: bool,
    /// `--json`.
    pub json: bool,
    /// `--read-only`.
    pub read_only: bool,
    /// `--keymap`.
    pub keymap: String,
    /// The OS user, recorded as the actor of every change.
    pub actor: String,
    /// A district user's district, when the server runs the command for
    /// one: what the command shows and imports is limited to it.
    pub district: Option<DistrictCode>,
    /// Where output and files go.
    pub io: Io,
    /// The server's database, when the server runs the command.
    pub store: Option<Store>,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("db", &self.db)
            .field("today", &self.today)
            .field("json", &self.json)
            .field("read_only", &self.read_only)
            .field("actor", &self.actor)
            .field("district", &self.district)
            .field("served", &self.store.is_some())
            .finish_non_exhaustive()
    }
}

/// Where a command's output and files go: the terminal and file system, or
/// buffers (the server, for a client).
#[derive(Debug, Clone, Default)]
pub struct Io(Option<Arc<Mutex<Buffers>>>);

/// Where a command run for a client streams its standard error as it
/// writes it.
pub type LiveErr = Box<dyn Fn(&[u8]) + Send>;

/// What a command run for a client printed and wrote.
#[derive(Default)]
pub struct Buffers {
    /// Its standard output.
    pub stdout: Vec<u8>,
    /// Its standard error.
    pub stderr: Vec<u8>,
    /// The client's working directory: relative paths are its.
    pub cwd: PathBuf,
    /// The files the client read for it, by absolute path.
    pub inputs: HashMap<PathBuf, Vec<u8>>,
    /// The directories it created, by absolute path.
    pub dirs: Vec<PathBuf>,
    /// The files it wrote, by absolute path, in order.
    pub files: Vec<(PathBuf, Vec<u8>)>,
    /// Where its standard error goes as it is written, instead of
    /// `stderr`.
    pub live_err: Option<LiveErr>,
    /// Whether progress is shown (the client's standard error is a
    /// terminal).
    pub progress: bool,
}

impl std::fmt::Debug for Buffers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Buffers")
            .field("cwd", &self.cwd)
            .field("stdout", &self.stdout.len())
            .field("stderr", &self.stderr.len())
            .field("files", &self.files.len())
            .finish_non_exhaustive()
    }
}

impl Io {
    /// The terminal and the file system.
    pub fn local() -> Io {
        Io(None)
    }

    /// Buffers: `inputs` (by absolute path) are what the command may read,
    /// relative paths are taken from `cwd`.
    pub fn buffered(cwd: PathBuf, inputs: HashMap<PathBuf, Vec<u8>>) -> Io {
        Io(Some(Arc::new(Mutex::new(Buffers {
            cwd,
            inputs,
            ..Buffers::default()
        }))))
    }

    /// [`Io::buffered`], its standard error streamed to `live_err` as it
    /// is written; `progress`: show progress (the client's standard error
    /// is a terminal).
    pub fn streamed(
        cwd: PathBuf,
        inputs: HashMap<PathBuf, Vec<u8>>,
        live_err: LiveErr,
        progress: bool,
    ) -> Io {
        Io(Some(Arc::new(Mutex::new(Buffers {
            cwd,
            inputs,
            live_err: Some(live_err),
            progress,
            ..Buffers::default()
        }))))
    }

    /// Whether a long command shows its progress on standard error: on a
    /// terminal only (locally, or the client's).
    pub fn progress(&self) -> bool {
        use std::io::IsTerminal as _;
        self.with(|b| b.progress)
            .unwrap_or_else(|| io::stderr().is_terminal())
    }

    /// What a buffered command printed and wrote (`None` locally).
    pub fn take(&self) -> Option<Buffers> {
        self.0
            .as_ref()
            .map(|b| std::mem::take(&mut *b.lock().unwrap_or_else(PoisonError::into_inner)))
    }

    fn with<T>(&self, f: impl FnOnce(&mut Buffers) -> T) -> Option<T> {
        self.0
            .as_ref()
            .map(|b| f(&mut b.lock().unwrap_or_else(PoisonError::into_inner)))
    }
}

impl Buffers {
    fn absolute(&self, path: &Path) -> PathBuf {
        normal(&self.cwd.join(path))
    }

    /// Takes what the command wrote to standard output or error.
    fn put(&mut self, err: bool, buf: &[u8]) {
        match (&self.live_err, err) {
            (Some(live), true) => live(buf),
            (_, true) => self.stderr.extend_from_slice(buf),
            (_, false) => self.stdout.extend_from_slice(buf),
        }
    }
}

/// `path` without `.` and `..` parts (no file system access).
pub(super) fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Standard output or error of a command: see [`Context::out`].
pub struct Sink<'a> {
    io: &'a Io,
    err: bool,
}

impl io::Write for Sink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let err = self.err;
        match self.io.with(|b| b.put(err, buf)) {
            Some(()) => Ok(buf.len()),
            None if err => io::stderr().write(buf),
            None => io::stdout().write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let err = self.err;
        match self.io.with(|b| b.put(err, buf)) {
            Some(()) => Ok(()),
            None if err => io::stderr().lock().write_all(buf),
            None => io::stdout().lock().write_all(buf),
        }
    }

    /// A formatted line goes out whole (one streamed piece, not one per
    /// argument).
    fn write_fmt(&mut self, args: std::fmt::Arguments<'_>) -> io::Result<()> {
        match args.as_str() {
            Some(s) => self.write_all(s.as_bytes()),
            None => self.write_all(args.to_string().as_bytes()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.io.0 {
            Some(_) => Ok(()),
            None if self.err => io::stderr().flush(),
            None => io::stdout().flush(),
        }
    }
}

impl Context {
    /// From the parsed command line and the environment.
    pub fn from_cli(cli: &Cli) -> anyhow::Result<Context> {
        Ok(Context {
            db: cli.db.clone(),
            today: cli
                .today
                .unwrap_or_else(|| jiff::ZonedDateTime::now().date()),
            today_given: cli.today.is_some(),
            json: cli.json,
            read_only: cli.read_only,
            keymap: cli.keymap.clone(),
            actor: actor(),
            district: None,
            io: Io::local(),
            store: None,
        })
    }

    /// Who runs the command, as the OS tells it (never a typed name): the
    /// peer of the server's socket, or this process's user.
    pub fn os_user(&self) -> String {
        if self.store.is_some() {
            return self.actor.clone();
        }
        crate::server::peer::user_name(crate::server::peer::me())
    }

    /// The command's standard output.
    pub fn out(&self) -> Sink<'_> {
        Sink {
            io: &self.io,
            err: false,
        }
    }

    /// The command's standard error.
    pub fn err(&self) -> Sink<'_> {
        Sink {
            io: &self.io,
            err: true,
        }
    }

    /// Reads a file the command was given: locally from disk, in the
    /// server the bytes the client read and shipped.
    pub fn read_file(&self, path: &Path) -> anyhow::Result<Vec<u8>> {
        match self.io.with(|b| b.inputs.get(&b.absolute(path)).cloned()) {
            None => std::fs::read(path).with_context(|| format!("cannot read {}", path.display())),
            Some(Some(bytes)) => Ok(bytes),
            Some(None) => Err(anyhow::anyhow!(
                "cannot read {}: the client did not send it",
                path.display()
            )),
        }
    }

    /// Creates a directory and its parents (owner-only, as every file
    /// mecred makes); in the server, the client creates it.
    pub fn create_dir_all(&self, path: &Path) -> anyhow::Result<()> {
        match self.io.with(|b| {
            let dir = b.absolute(path);
            if !b.dirs.contains(&dir) {
                b.dirs.push(dir);
            }
        }) {
            Some(()) => Ok(()),
            None => std::fs::create_dir_all(path)
                .with_context(|| format!("cannot create {}", path.display())),
        }
    }

    /// Writes a file (replacing it) with what `fill` writes: locally
    /// straight to disk, in the server into memory for the client to write.
    pub fn write_with(
        &self,
        path: &Path,
        fill: impl FnOnce(&mut dyn io::Write) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        if self.io.0.is_some() {
            let mut bytes = Vec::new();
            fill(&mut bytes)?;
            return self.write_file(path, bytes);
        }
        let file = std::fs::File::create(path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        let mut out = io::BufWriter::new(file);
        fill(&mut out)?;
        out.flush()
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(())
    }

    /// Writes `bytes` to a file (replacing it); see [`Context::write_with`].
    pub fn write_file(
        &self,
        path: &Path,
        bytes: impl AsRef<[u8]> + Into<Vec<u8>>,
    ) -> anyhow::Result<()> {
        if self.io.0.is_none() {
            return std::fs::write(path, bytes.as_ref())
                .with_context(|| format!("cannot write {}", path.display()));
        }
        let bytes = bytes.into();
        self.io.with(|b| {
            let file = b.absolute(path);
            b.files.retain(|(p, _)| *p != file);
            b.files.push((file, bytes));
        });
        Ok(())
    }

    /// Removes files this command wrote (undoing a failed command's output).
    pub fn remove_files(&self, paths: &[PathBuf]) {
        let buffered = self.io.with(|b| {
            let gone: Vec<PathBuf> = paths.iter().map(|p| b.absolute(p)).collect();
            b.files.retain(|(p, _)| !gone.contains(p));
        });
        if buffered.is_none() {
            crate::report::certificate::remove_all(paths);
        }
    }

    /// The database directory: `--db`, or the platform data directory.
    pub fn db_path(&self) -> anyhow::Result<PathBuf> {
        if let Some(p) = &self.db {
            return Ok(p.clone());
        }
        default_db(directories::ProjectDirs::from("", "", "mecred"))
    }

    /// The database: the server's when the server runs the command, else
    /// opened here (exit 3 when busy, damaged or newer).
    pub fn open_store(&self) -> anyhow::Result<Store> {
        match &self.store {
            Some(store) => Ok(store.clone()),
            None => self.open_direct(),
        }
    }

    /// Opens the database, busy or not.
    pub(super) fn open_direct(&self) -> anyhow::Result<Store> {
        let path = self.db_path()?;
        if let Some(parent) = path.parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let store = Store::open(&path)?;
        tracing::info!(path = %path.display(), "database opened");
        Ok(store)
    }

    /// Refuses a change under `--read-only`.
    pub fn check_writable(&self, what: &str) -> anyhow::Result<()> {
        if self.read_only {
            return Err(Refused(format!("{what} refused: --read-only")).into());
        }
        Ok(())
    }
}

/// The default database directory, or a usage error when the platform has
/// no data directory for this account (SPEC §5: say so, ask for `--db`).
fn default_db(dirs: Option<directories::ProjectDirs>) -> anyhow::Result<PathBuf> {
    match dirs {
        Some(dirs) => Ok(dirs.data_dir().join("db")),
        None => Err(Usage(
            "this account has no platform data directory (no home directory?); give the database with --db PATH or MECRED_DB"
                .to_string(),
        )
        .into()),
    }
}

/// The current time, RFC 3339 UTC to the second.
pub fn now() -> String {
    jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| jiff::Timestamp::now().to_string())
}

/// The OS user name.
fn actor() -> String {
    for var in ["USER", "LOGNAME", "USERNAME"] {
        if let Ok(v) = std::env::var(var)
            && !v.is_empty()
        {
            return v;
        }
    }
    // SAFETY: getuid has no preconditions and cannot fail.
    let uid = unsafe { libc::getuid() };
    format!("uid:{uid}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_data_directory_asks_for_db_with_exit_2() {
        let err = default_db(None).unwrap_err();
        assert!(err.to_string().contains("--db"));
        assert_eq!(crate::cli::exit_code(&err), std::process::ExitCode::from(2));
    }
}
