//! clap types for SPEC §5.

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand};

use super::Status;
use crate::domain::{BatchKind, Date, DistrictCode, FindingSeverity, RuleId, Term};
use crate::report::Format;

/// mecred — the operator console for the Louisiana Jump Start
/// Micro-Enterprise Credential. Without a subcommand it opens the terminal UI.
#[derive(Debug, Parser)]
#[command(name = "mecred", version, about, long_about = None)]
pub struct Cli {
    /// The database directory (default: the platform data directory).
    #[arg(long, global = true, env = "MECRED_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// The date the policy rules and imports take as today (YYYY-MM-DD).
    #[arg(long, global = true, env = "MECRED_TODAY", value_name = "YYYY-MM-DD")]
    pub today: Option<Date>,
    /// Pure JSON on stdout (diagnostics on stderr).
    #[arg(long, global = true)]
    pub json: bool,
    /// Refuse every change.
    #[arg(long, global = true)]
    pub read_only: bool,
    /// The keymap for the terminal UI (built in: default, vim).
    #[arg(long, global = true, value_name = "NAME", default_value = "default")]
    pub keymap: String,
    /// What to do (nothing: open the terminal UI).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Stage and triage a spreadsheet upload; --commit commits its good rows.
    Import(ImportArgs),
    /// List, show, commit, discard or revert upload batches.
    #[command(subcommand)]
    Uploads(UploadsCommand),
    /// Write a district's completion template, pre-filled with its roster.
    Template(TemplateArgs),
    /// List the policy findings (SPEC §3) of the whole database on today's date.
    Check(CheckArgs),
    /// Acknowledge a warn finding with a reason.
    Ack(AckArgs),
    /// Write the semester confirmation report of a term (one district or all).
    Report(ReportArgs),
    /// Confirm a district's report for a term (records its hash and counts).
    Confirm(ConfirmArgs),
    /// Withdraw a district's confirmation of a term, with a reason.
    Unconfirm(UnconfirmArgs),
    /// Write a full, lossless JSON-lines dump of the database.
    Export(ExportArgs),
    /// Rebuild an empty database from an export.
    Restore(RestoreArgs),
    /// Build a demo database from the built-in fixtures and open the UI on it.
    Demo(DemoArgs),
    /// Write a deterministic synthetic state-sized data set.
    Gen(GenArgs),
    /// Print shell completions.
    Completions(CompletionsArgs),
    /// Print the man page (roff).
    Man,
}

/// `mecred import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file: .xlsx .xlsm .xlsb .xls .ods or .csv.
    pub file: PathBuf,
    /// The kind of file (guessed from the header row when not given).
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<BatchKind>,
    /// The term the upload is for (default: the term containing today);
    /// grades are read as of this term.
    #[arg(long, value_name = "TERM")]
    pub term: Option<Term>,
    /// Commit every non-error row.
    #[arg(long)]
    pub commit: bool,
    /// Write the error return file here: the rows with an added Errors
    /// column (CSV for a CSV upload, else .xlsx).
    #[arg(long, value_name = "FILE")]
    pub errors_out: Option<PathBuf>,
}

fn parse_kind(s: &str) -> Result<BatchKind, String> {
    s.parse()
}

/// `mecred uploads`.
#[derive(Debug, Subcommand)]
pub enum UploadsCommand {
    /// Every batch.
    List,
    /// One batch with its row outcomes.
    Show {
        /// Batch id.
        id: u64,
    },
    /// Re-triage a staged batch against the data as it stands, then commit it.
    Commit {
        /// Batch id.
        id: u64,
    },
    /// Drop a staged batch.
    Discard {
        /// Batch id.
        id: u64,
    },
    /// Undo a committed batch, restoring exactly what it replaced.
    Revert {
        /// Batch id.
        id: u64,
    },
}

/// `mecred template`.
#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// The district code.
    #[arg(long, value_name = "C", value_parser = parse_district)]
    pub district: DistrictCode,
    /// The term the grades are for (default: the term containing today).
    #[arg(long, value_name = "TERM")]
    pub term: Option<Term>,
    /// The .xlsx to write (default: completions-<district>-<term>.xlsx).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `mecred check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Only this district's findings.
    #[arg(long, value_name = "C", value_parser = parse_district)]
    pub district: Option<DistrictCode>,
    /// Only this rule's findings (e.g. SA-BEFORE-11).
    #[arg(long, value_name = "R")]
    pub rule: Option<RuleId>,
    /// Only findings of this severity.
    #[arg(long, value_parser = ["error", "warn"], value_name = "error|warn")]
    severity: Option<String>,
    /// Exit 1 when an unacknowledged finding of this severity or worse is listed.
    #[arg(long, value_parser = ["error", "warn"], value_name = "error|warn")]
    fail_on: Option<String>,
}

impl CheckArgs {
    /// `--severity`.
    pub fn severity(&self) -> Option<FindingSeverity> {
        self.severity.as_deref().and_then(|s| s.parse().ok())
    }

    /// `--fail-on`.
    pub fn fail_on(&self) -> Option<FindingSeverity> {
        self.fail_on.as_deref().and_then(|s| s.parse().ok())
    }
}

/// A district code as typed: digits are zero-padded to 3, letters
/// upper-cased (`17` is `017`).
pub fn parse_district(s: &str) -> Result<DistrictCode, String> {
    let t = s.trim();
    let text = if !t.is_empty() && t.len() < 3 && t.bytes().all(|b| b.is_ascii_digit()) {
        format!("{t:0>3}")
    } else {
        t.to_ascii_uppercase()
    };
    DistrictCode::parse(&text)
        .ok_or_else(|| format!("{s:?} is not a district code (e.g. 017, W3B)"))
}

/// `mecred ack`.
#[derive(Debug, Args)]
pub struct AckArgs {
    /// The finding's id (from `mecred check`).
    pub finding: String,
    /// Why it is acknowledged (e.g. "upload promised by phone for Dec 10").
    #[arg(long)]
    pub reason: String,
}

/// `mecred report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The term (e.g. fall-2026).
    #[arg(long, value_name = "TERM")]
    pub term: Term,
    /// Only this district (default: every district, with a statewide summary).
    #[arg(long, value_name = "C", value_parser = parse_district)]
    pub district: Option<DistrictCode>,
    /// The format: md, csv, html or json.
    #[arg(long, value_name = "md|csv|html|json", value_parser = parse_format)]
    pub format: Format,
    /// Write here instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

/// `mecred confirm`.
#[derive(Debug, Args)]
pub struct ConfirmArgs {
    /// The term (e.g. fall-2026).
    #[arg(long, value_name = "TERM")]
    pub term: Term,
    /// The district.
    #[arg(long, value_name = "C", value_parser = parse_district)]
    pub district: DistrictCode,
}

/// `mecred unconfirm`.
#[derive(Debug, Args)]
pub struct UnconfirmArgs {
    /// The term (e.g. fall-2026).
    #[arg(long, value_name = "TERM")]
    pub term: Term,
    /// The district.
    #[arg(long, value_name = "C", value_parser = parse_district)]
    pub district: DistrictCode,
    /// Why the confirmation is withdrawn.
    #[arg(long)]
    pub reason: String,
}

/// `mecred export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write here instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `mecred restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// An export file.
    pub file: PathBuf,
}

/// `mecred demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Build the demo database and exit without opening the UI.
    #[arg(long)]
    pub no_ui: bool,
}

/// `mecred gen`.
#[derive(Debug, Args)]
pub struct GenArgs {
    /// How many students.
    #[arg(long)]
    pub students: u32,
    /// The random seed (same seed, same bytes).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The output directory.
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
}

/// `mecred completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    pub shell: clap_complete::Shell,
}

/// Prints completions for a shell.
pub fn completions(a: CompletionsArgs) -> anyhow::Result<Status> {
    let mut cmd = Cli::command();
    clap_complete::generate(a.shell, &mut cmd, "mecred", &mut std::io::stdout());
    Ok(Status::Ok)
}

/// Prints the man page.
pub fn man() -> anyhow::Result<Status> {
    clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout())?;
    Ok(Status::Ok)
}
