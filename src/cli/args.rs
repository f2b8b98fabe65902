//! clap types for SPEC §5.

use std::path::PathBuf;

use clap::{ArgGroup, Args, CommandFactory, Parser, Subcommand};

use super::Status;
use super::edit::{SetArg, parse_set};
use crate::domain::{
    BatchKind, Cents, Date, DistrictCode, FindingSeverity, RuleId, SchoolCode, SchoolYear,
    StudentId, Term,
};
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
    /// The UI talks to the team server on this socket (no server is
    /// started; default: the server of `--db`, started if none runs).
    #[arg(long, global = true, env = "MECRED_SERVER", value_name = "SOCKET")]
    pub server: Option<PathBuf>,
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
    /// Move a student to another school (and district) with its history, as
    /// one change set (undo: `mecred uploads revert ID`).
    Transfer(TransferArgs),
    /// Set or clear module fields of many students as one change set.
    Edit(EditArgs),
    /// Attach a note to a record or a finding (append only).
    Note(NoteArgs),
    /// List notes (all, or those on one record or finding).
    Notes(NotesArgs),
    /// Write the semester confirmation report of a term (one district or all).
    Report(ReportArgs),
    /// Confirm a district's report for a term (records its hash and counts).
    Confirm(ConfirmArgs),
    /// Withdraw a district's confirmation of a term, with a reason.
    Unconfirm(UnconfirmArgs),
    /// Issue the certificates due for a term (confirmed districts only).
    #[command(subcommand)]
    Certificates(CertificatesCommand),
    /// Say whether a certificate's verification code is genuine and still valid.
    Verify(VerifyArgs),
    /// Fee schedules, fee statements for BRAC, their invoices and payments.
    #[command(subcommand)]
    Fees(FeesCommand),
    /// Write the Department of Education packet of a term (confirmed
    /// districts only) as one zip with a manifest of SHA-256 hashes.
    Packet(PacketArgs),
    /// What the two-year retention rule lets go, and purging it.
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Write a full, lossless JSON-lines dump of the database.
    Export(ExportArgs),
    /// Rebuild an empty database from an export.
    Restore(RestoreArgs),
    /// Build a demo database from the built-in fixtures and open the UI on it.
    Demo(DemoArgs),
    /// Who may use the database and what they may do (admins only).
    #[command(subcommand)]
    Users(UsersCommand),
    /// Run the server that owns the database in the foreground: every
    /// `mecred` UI talks to it (the first `mecred` starts one by itself).
    Serve(ServeArgs),
    /// Write a deterministic synthetic state-sized data set.
    Gen(GenArgs),
    /// Print shell completions.
    Completions(CompletionsArgs),
    /// Print the man page (roff).
    Man,
    /// Read a `.xls` workbook from standard input (mecred's own child
    /// process; see `import::read::read_in_child_process`).
    #[command(hide = true)]
    ReadSheets {
        /// The file's name.
        name: String,
    },
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

/// A student ID as typed: digits only, zero-padded to 10.
pub fn parse_student(s: &str) -> Result<StudentId, String> {
    let t = s.trim();
    let text = if !t.is_empty() && t.len() < StudentId::LEN && t.bytes().all(|b| b.is_ascii_digit())
    {
        format!("{t:0>10}")
    } else {
        t.to_string()
    };
    StudentId::parse(&text).ok_or_else(|| format!("{s:?} is not a student ID (10 digits)"))
}

/// A school code as typed: digits are zero-padded to 6, letters upper-cased.
pub fn parse_school(s: &str) -> Result<SchoolCode, String> {
    let t = s.trim();
    let text = if !t.is_empty() && t.len() < 6 && t.bytes().all(|b| b.is_ascii_digit()) {
        format!("{t:0>6}")
    } else {
        t.to_ascii_uppercase()
    };
    SchoolCode::parse(&text)
        .ok_or_else(|| format!("{s:?} is not a school code (e.g. 017004, W3B001)"))
}

/// `mecred transfer`.
#[derive(Debug, Args)]
pub struct TransferArgs {
    /// The student's ID.
    #[arg(value_parser = parse_student)]
    pub student: StudentId,
    /// The school to move to (a stored school, or a new one with --school-name).
    #[arg(long, value_name = "CODE", value_parser = parse_school)]
    pub school: SchoolCode,
    /// Creates the school when it is not stored (its district must be).
    #[arg(long, value_name = "NAME")]
    pub school_name: Option<String>,
}

/// `mecred edit`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("who").required(true).args(["student", "school", "district"])))]
pub struct EditArgs {
    /// These students (repeatable: --student A B or --student A --student B).
    #[arg(long, value_name = "ID", num_args = 1.., value_parser = parse_student)]
    pub student: Vec<StudentId>,
    /// Every student of this school.
    #[arg(long, value_name = "C", value_parser = parse_school)]
    pub school: Option<SchoolCode>,
    /// Every student of this district.
    #[arg(long, value_name = "C", value_parser = parse_district)]
    pub district: Option<DistrictCode>,
    /// FIELD=VALUE, repeatable. Fields: sa-round1, sa-round2, presentation,
    /// credit-applications, company-registration (a date YYYY-MM-DD, today
    /// or clear), checklist, pathway (Y/N or clear), instrument (text or
    /// clear); the template's column names work too.
    #[arg(long = "set", value_name = "FIELD=VALUE", required = true, value_parser = parse_set)]
    pub sets: Vec<SetArg>,
}

/// What a note is on, or which notes to list.
#[derive(Debug, Args)]
pub struct NoteTargetArgs {
    /// A student, by ID.
    #[arg(long, value_name = "ID", value_parser = parse_student)]
    pub student: Option<StudentId>,
    /// A school, by code.
    #[arg(long, value_name = "C", value_parser = parse_school)]
    pub school: Option<SchoolCode>,
    /// A district, by code.
    #[arg(long, value_name = "C", value_parser = parse_district)]
    pub district: Option<DistrictCode>,
    /// A finding, by id (from `mecred check`).
    #[arg(long, value_name = "FID")]
    pub finding: Option<String>,
}

/// `mecred note`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("on").required(true).args(["student", "school", "district", "finding"])))]
pub struct NoteArgs {
    /// What the note is on.
    #[command(flatten)]
    pub target: NoteTargetArgs,
    /// The note (e.g. "documentation seen on site 2026-11-20").
    pub text: String,
}

/// `mecred notes`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("on").required(false).args(["student", "school", "district", "finding"])))]
pub struct NotesArgs {
    /// Only the notes on this record or finding.
    #[command(flatten)]
    pub target: NoteTargetArgs,
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

/// `mecred certificates`.
#[derive(Debug, Subcommand)]
pub enum CertificatesCommand {
    /// Issue every certificate due: a qualifying student of a district that
    /// confirmed the term's report, per credential attained within the term,
    /// never twice. One PDF each in DIR; all recorded as one change set.
    Issue(IssueArgs),
}

/// `mecred certificates issue`.
#[derive(Debug, Args)]
pub struct IssueArgs {
    /// The term (e.g. fall-2026).
    #[arg(long, value_name = "TERM")]
    pub term: Term,
    /// Only this district (default: every confirmed district).
    #[arg(long, value_name = "C", value_parser = parse_district)]
    pub district: Option<DistrictCode>,
    /// The directory the PDFs are written to (created if missing).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
}

/// `mecred verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The code printed on the certificate (dashes and case do not matter).
    pub code: String,
}

/// `mecred packet`.
#[derive(Debug, Args)]
pub struct PacketArgs {
    /// The term (e.g. spring-2027).
    #[arg(long, value_name = "TERM")]
    pub term: Term,
    /// Only this district (default: every confirmed district).
    #[arg(long, value_name = "C", value_parser = parse_district)]
    pub district: Option<DistrictCode>,
    /// The directory the zip is written to (created if missing):
    /// doe-packet-<term>.zip, or doe-packet-<term>-<district>.zip.
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
}

/// `mecred retention`.
#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// The students and upload batches whose keep-until date (two years
    /// after the end of their school year) has passed: due for purge, or
    /// kept and why.
    List(RetentionListArgs),
    /// Remove the personal data of every record due for purge (names and
    /// notes), as one audited change set. Refused without --confirm.
    Purge(RetentionPurgeArgs),
}

/// `mecred retention list`.
#[derive(Debug, Args)]
pub struct RetentionListArgs {
    /// Also list the records not yet past their date.
    #[arg(long)]
    pub all: bool,
}

/// `mecred retention purge`.
#[derive(Debug, Args)]
pub struct RetentionPurgeArgs {
    /// Really purge (personal data cannot be brought back).
    #[arg(long)]
    pub confirm: bool,
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

/// `mecred users`.
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Every user with their role.
    List,
    /// Add (or change) a user: an OS login name and a role.
    Add {
        /// The OS login name.
        name: String,
        /// admin, operator, auditor or district.
        #[arg(long, value_parser = parse_role)]
        role: crate::domain::Role,
        /// The district of a district user.
        #[arg(long, value_name = "C", value_parser = parse_district)]
        district: Option<DistrictCode>,
    },
    /// Remove a user.
    Remove {
        /// The OS login name.
        name: String,
    },
    /// Every write the server refused: who, what, why, when (oldest
    /// first).
    Refusals,
}

fn parse_role(s: &str) -> Result<crate::domain::Role, String> {
    crate::domain::Role::parse(s)
        .ok_or_else(|| format!("`{s}` is not a role: admin, operator, auditor or district"))
}

/// `mecred serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The socket to listen on (default: `mecred.sock` in the owner-only
    /// database directory). A socket given here is open to its group (a
    /// team server): put it in a directory only the team can reach.
    #[arg(long)]
    pub socket: Option<PathBuf>,
    /// Exit after this many seconds with no client (default: never).
    #[arg(long, value_name = "SECONDS")]
    pub idle_exit: Option<u64>,
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

/// `mecred fees …`.
#[derive(Debug, Subcommand)]
pub enum FeesCommand {
    /// Set a school year's fee schedule (replaces the year's rates from now
    /// on; earlier schedules are kept). Amounts like 12.50, 12 or $12.50.
    Set(FeesSetArgs),
    /// Show the fee schedules (every year, or one).
    Show(FeesShowArgs),
    /// Write a fee statement (PDF and CSV) per confirmed district of a
    /// spring term into DIR, with a stable number for BRAC; it bills the
    /// school year (the fall and the spring confirmations).
    Statement(FeesStatementArgs),
    /// List the fee statements and where each stands.
    List(FeesListArgs),
    /// Record BRAC's invoice number of a statement.
    Invoiced(FeesInvoicedArgs),
    /// Record the payment of a statement.
    Paid(FeesPaidArgs),
}

fn parse_cents(s: &str) -> Result<Cents, String> {
    Cents::parse(s)
}

/// `mecred fees set`.
#[derive(Debug, Args)]
pub struct FeesSetArgs {
    /// The school year (e.g. 2026-27).
    #[arg(long, value_name = "YYYY-YY")]
    pub year: SchoolYear,
    /// Per qualifying student with Regional Core.
    #[arg(long, value_name = "AMOUNT", value_parser = parse_cents)]
    pub core: Cents,
    /// Per qualifying student with Basic Statewide.
    #[arg(long, value_name = "AMOUNT", value_parser = parse_cents)]
    pub basic: Cents,
    /// Per qualifying student with Advanced Statewide.
    #[arg(long, value_name = "AMOUNT", value_parser = parse_cents)]
    pub advanced: Cents,
    /// Per district billed (default: none).
    #[arg(long, value_name = "AMOUNT", value_parser = parse_cents, default_value = "0")]
    pub base: Cents,
}

/// `mecred fees show`.
#[derive(Debug, Args)]
pub struct FeesShowArgs {
    /// Only this school year (its current schedule and earlier ones).
    #[arg(long, value_name = "YYYY-YY")]
    pub year: Option<SchoolYear>,
}

/// `mecred fees statement`.
#[derive(Debug, Args)]
pub struct FeesStatementArgs {
    /// The spring term (e.g. spring-2027).
    #[arg(long, value_name = "TERM")]
    pub term: Term,
    /// Only this district (default: every district that confirmed).
    #[arg(long, value_name = "C", value_parser = parse_district)]
    pub district: Option<DistrictCode>,
    /// The directory the statements are written to (created if missing).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
}

/// `mecred fees list`.
#[derive(Debug, Args)]
pub struct FeesListArgs {
    /// Only statements still to be paid.
    #[arg(long)]
    pub outstanding: bool,
}

/// `mecred fees invoiced`.
#[derive(Debug, Args)]
pub struct FeesInvoicedArgs {
    /// The statement number (e.g. FEE-2027S-017).
    pub number: String,
    /// BRAC's invoice number.
    #[arg(long, value_name = "BRAC-REF")]
    pub invoice: String,
}

/// `mecred fees paid`.
#[derive(Debug, Args)]
pub struct FeesPaidArgs {
    /// The statement number (e.g. FEE-2027S-017).
    pub number: String,
    /// The day the district paid (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Date,
}
