//! The thin binary: arguments → command or TUI; errors become exit codes here.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use mecred::cli::{self, Cli};

fn main() -> ExitCode {
    // Every file mecred creates (database, logs, exports) is its owner's only.
    // SAFETY: umask has no preconditions and cannot fail.
    unsafe {
        libc::umask(0o077);
    }
    install_panic_hook();
    // A damaged .xls can abort its reader: it is read in a child process.
    if let Ok(exe) = std::env::current_exe() {
        mecred::import::read::read_in_child_process(exe);
    }
    let cli = Cli::parse();
    init_logging();
    match cli::run(cli) {
        Ok(status) => ExitCode::from(status.code()),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(std::io::stderr(), "mecred: {err:#}");
            cli::exit_code(&err)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Panic messages may quote data; report only where it happened.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        if mecred::import::read::in_guarded_reader() {
            // Caught and reported as an unreadable file.
            return;
        }
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let _ = writeln!(
            std::io::stderr(),
            "mecred: internal error at {place}; nothing was committed half-way. Please report it."
        );
    }));
}

/// Logs go to a file (`MECRED_LOG`, else the platform data directory), never
/// to the screen, and carry no student data.
fn init_logging() {
    let path = std::env::var_os("MECRED_LOG")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            directories::ProjectDirs::from("", "", "mecred")
                .map(|d| d.data_dir().join("mecred.log"))
        });
    let Some(path) = path else { return };
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    else {
        return;
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .try_init();
}
