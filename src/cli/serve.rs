//! `mecred serve`, and how the UI finds (or starts) the server of its
//! database: the first `mecred` starts one as its user, in the background,
//! with its socket in the owner-only database directory; it exits when no
//! one has used it for a while. Commands go to it too (see `client`).

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use super::args::ServeArgs;
use super::{Context, Status};
use crate::server::{Remote, ServeOptions, serve, socket_path};
use crate::store::StoreError;

/// How long a server started by the UI waits for a client before exiting
/// (`MECRED_IDLE_EXIT` seconds overrides it).
const AUTO_IDLE: Duration = Duration::from_secs(60);

/// How long the UI waits for the server it started to answer.
const START_WAIT: Duration = Duration::from_secs(15);

/// `mecred serve`: the server in the foreground.
pub fn run(ctx: &Context, a: ServeArgs) -> anyhow::Result<Status> {
    let store = ctx.open_direct()?;
    let group = a.socket.is_some();
    let socket = a.socket.unwrap_or_else(|| socket_path(store.path()));
    let opts = ServeOptions {
        socket,
        idle_exit: a.idle_exit.map(Duration::from_secs),
        group,
    };
    serve(store, &opts)?;
    Ok(Status::Ok)
}

/// The UI's source: the server of `db`, started first if none answers.
pub fn connect_or_start(ctx: &Context, db: &Path) -> anyhow::Result<Arc<Remote>> {
    let socket = socket_path(db);
    if let Ok(r) = Remote::connect(&socket, ctx.today) {
        return Ok(Arc::new(r));
    }
    std::fs::create_dir_all(db).with_context(|| format!("cannot create {}", db.display()))?;
    let log = db.join("server.log");
    let err = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(&log)
        .with_context(|| format!("cannot write {}", log.display()))?;
    let idle = std::env::var("MECRED_IDLE_EXIT")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(AUTO_IDLE, Duration::from_secs);
    let exe = std::env::current_exe().context("cannot find the mecred binary")?;
    let mut child = Command::new(exe)
        .arg("--db")
        .arg(db)
        .arg("serve")
        .arg("--idle-exit")
        .arg(idle.as_secs().to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(err)
        // Its own process group: the terminal's Ctrl-C is not for it.
        .process_group(0)
        .spawn()
        .context("cannot start the mecred server")?;
    let start = Instant::now();
    loop {
        if let Ok(r) = Remote::connect(&socket, ctx.today) {
            tracing::info!(pid = child.id(), "started a server");
            return Ok(Arc::new(r));
        }
        if let Some(status) = child.try_wait()? {
            let said = std::fs::read_to_string(&log).unwrap_or_default();
            let last = said.lines().last().unwrap_or("").to_string();
            if status.code() == Some(3) {
                let busy = StoreError::Busy {
                    path: db.to_path_buf(),
                    pid: None,
                };
                return Err(anyhow::Error::new(busy).context(last));
            }
            bail!("the mecred server did not start ({status}): {last}");
        }
        if start.elapsed() > START_WAIT {
            bail!(
                "the mecred server started but does not answer on {}",
                socket.display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
