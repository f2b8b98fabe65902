//! The command line of SPEC §5: clap types, one function per subcommand, and
//! serde structs for `--json`. Errors become exit codes in `main.rs` through
//! [`exit_code`].

pub(crate) mod args;
pub(crate) mod certificates;
mod check;
mod client;
mod confirm;
mod context;
mod demo;
mod edit;
mod fees;
mod import;
mod notes;
mod output;
mod packet;
mod report;
mod retention;
mod serve;
mod template;
mod transfer;
mod transfer_io;
mod tui_source;
mod uploads;
mod users;

pub use args::{Cli, Command};
pub use check::{evaluate, load_snapshot};
pub use client::{Caller, Job, run_for_client};
pub use context::{Context, Io, LiveErr, now};
pub use import::{Staged, absolute, file_name, return_file_of_bytes, stage, stage_reporting};
#[cfg(test)]
pub(crate) use tui_source::demo_store;
pub use tui_source::{one_district, stage_bytes, store_source};

use std::process::ExitCode;

use crate::store::StoreError;

/// A refusal or bad input the operator must see: exit 1 with the message.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// A usage problem clap cannot see (no default database path): exit 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Usage(pub String);

/// What a command ended with when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Exit 0.
    Ok,
    /// Exit 1: the command ran, but the input was bad (error rows…).
    BadInput,
    /// The exit status a command run by the server ended with (its output
    /// already reproduced here).
    Exit(u8),
}

impl Status {
    /// The process exit status.
    pub fn code(self) -> u8 {
        match self {
            Status::Ok => 0,
            Status::BadInput => 1,
            Status::Exit(c) => c,
        }
    }
}

/// The database is held by a server that cannot do this for the client
/// (`restore`, `demo`): exit 3, like a busy database.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Served(pub String);

/// Runs a parsed command line. A command that uses the database goes to
/// the server of the database when one answers (or to `--server`); else
/// it opens the database itself.
pub fn run(cli: Cli) -> anyhow::Result<Status> {
    let ctx = Context::from_cli(&cli)?;
    let Some(command) = cli.command else {
        return run_tui(&ctx, cli.server.as_deref());
    };
    match client::route(&ctx, cli.server.as_deref(), &command)? {
        client::Route::Server(remote) => client::run_remote(&ctx, &remote, &command),
        client::Route::Direct => dispatch(&ctx, command),
    }
}

/// Runs a command on `ctx` (its database, output and files).
pub(crate) fn dispatch(ctx: &Context, command: Command) -> anyhow::Result<Status> {
    let ctx = ctx.clone();
    match command {
        Command::Import(a) => import::run(&ctx, a),
        Command::Uploads(a) => uploads::run(&ctx, a),
        Command::Template(a) => template::run(&ctx, a),
        Command::Check(a) => check::run_check(&ctx, a),
        Command::Ack(a) => check::run_ack(&ctx, a),
        Command::Transfer(a) => transfer::run(&ctx, a),
        Command::Edit(a) => edit::run(&ctx, a),
        Command::Note(a) => notes::run_note(&ctx, a),
        Command::Notes(a) => notes::run_notes(&ctx, a),
        Command::Report(a) => report::run(&ctx, a),
        Command::Confirm(a) => confirm::run_confirm(&ctx, a),
        Command::Unconfirm(a) => confirm::run_unconfirm(&ctx, a),
        Command::Certificates(args::CertificatesCommand::Issue(a)) => {
            certificates::run_issue(&ctx, a)
        }
        Command::Verify(a) => certificates::run_verify(&ctx, a),
        Command::Fees(a) => fees::run(&ctx, a),
        Command::Packet(a) => packet::run(&ctx, a),
        Command::Retention(args::RetentionCommand::List(a)) => retention::run_list(&ctx, a),
        Command::Retention(args::RetentionCommand::Purge(a)) => retention::run_purge(&ctx, a),
        Command::Export(a) => transfer_io::export(&ctx, a),
        Command::Restore(a) => transfer_io::restore(&ctx, a),
        Command::Demo(a) => demo::run(&ctx, a),
        Command::Serve(a) => serve::run(&ctx, a),
        Command::Users(c) => users::run(&ctx, c),
        Command::Gen(a) => transfer_io::generate(&ctx, a),
        Command::Completions(a) => args::completions(a),
        Command::Man => args::man(),
        Command::ReadSheets { name } => {
            crate::import::read::child_reader(&name)?;
            Ok(Status::Ok)
        }
    }
}

/// Runs the TUI on the default (or `--db`) database: `mecred` alone. It
/// talks to the database's server, started first if none runs
/// (`MECRED_NO_SERVER=1`: opens the database itself, as one user).
fn run_tui(ctx: &Context, server: Option<&std::path::Path>) -> anyhow::Result<Status> {
    let on = |remote: std::sync::Arc<crate::server::Remote>, label: String| {
        let opts = crate::tui::TuiOptions {
            today: ctx.today,
            read_only: ctx.read_only,
            keymap: ctx.keymap.clone(),
            db_label: format!("{label} · {} ({})", remote.user(), remote.role()),
            actor: remote.user(),
        };
        crate::tui::run(remote, &opts).map(|()| Status::Ok)
    };
    if let Some(socket) = server {
        let remote = crate::server::Remote::connect(socket, ctx.today)?;
        return on(
            std::sync::Arc::new(remote),
            format!("{} (team server)", socket.display()),
        );
    }
    if std::env::var_os("MECRED_NO_SERVER").is_some_and(|v| v == "1") {
        let store = ctx.open_store()?;
        tui_source::run(ctx, &store)?;
        return Ok(Status::Ok);
    }
    let db = ctx.db_path()?;
    let remote = serve::connect_or_start(ctx, &db)?;
    on(remote, format!("{} (server)", db.display()))
}

/// The exit status for an error (SPEC §5): 3 for a busy, damaged or newer
/// database, 2 for usage, 1 for everything else.
pub fn exit_code(err: &anyhow::Error) -> ExitCode {
    ExitCode::from(exit_status(err))
}

/// [`exit_code`] as a number.
pub fn exit_status(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if let Some(store) = cause.downcast_ref::<StoreError>() {
            return match store {
                StoreError::Busy { .. }
                | StoreError::Damaged { .. }
                | StoreError::NewerSchema { .. } => 3,
                _ => 1,
            };
        }
        if cause.downcast_ref::<Usage>().is_some() {
            return 2;
        }
        if cause.downcast_ref::<Served>().is_some() {
            return 3;
        }
    }
    1
}
