//! What every command needs: the database path, today, output mode, actor.

use std::path::PathBuf;

use anyhow::Context as _;

use super::{Cli, Refused, Usage};
use crate::domain::Date;
use crate::store::Store;

/// Resolved global options.
#[derive(Debug, Clone)]
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
        })
    }

    /// The database directory: `--db`, or the platform data directory.
    pub fn db_path(&self) -> anyhow::Result<PathBuf> {
        if let Some(p) = &self.db {
            return Ok(p.clone());
        }
        default_db(directories::ProjectDirs::from("", "", "mecred"))
    }

    /// Opens the database (exit 3 when busy, damaged or newer); an idle
    /// server holding it is asked to step aside first.
    pub fn open_store(&self) -> anyhow::Result<Store> {
        super::serve::open_store(self)
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
