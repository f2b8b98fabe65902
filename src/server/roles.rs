//! Who may do what (issue 7), decided by the server for every request:
//! admins and operators do everything (only admins manage users, on the
//! command line), auditors read, note and acknowledge, and a district user
//! sees only its district — requests naming another district's records are
//! refused or answered as if they did not exist, and every list is
//! filtered — and may stage its uploads, view their triage and confirm its
//! own report. Every refused write is recorded.

use std::collections::HashSet;

use super::wire::{Request, ServerMsg, Value};
use crate::cli::{Cli, Command};
use crate::domain::{
    Batch, Date, DistrictCode, NoteTarget, Record, RecordKey, Refusal, Role, StudentId, User, Write,
};
use crate::store::Store;
use clap::Parser as _;

/// The user on the other end of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Who {
    /// Their OS login name.
    pub name: String,
    /// Their role.
    pub role: Role,
    /// Their district (district users).
    pub district: Option<DistrictCode>,
}

/// Who the OS user `name` is on `store`. With no user set up yet, the OS
/// user the server runs as (the database's owner) is its admin and nobody
/// else may connect.
pub fn identify(store: &Store, name: &str, server_user: &str) -> Result<Who, String> {
    let users = store.users().map_err(|e| format!("{e:#}"))?;
    if users.is_empty() {
        if name == server_user {
            return Ok(Who {
                name: name.into(),
                role: Role::Admin,
                district: None,
            });
        }
        return Err(format!(
            "OS user {name} is not a user of this database (no users are set up: \
             {server_user} adds them with `mecred users add {name} --role ROLE`)"
        ));
    }
    match users.into_iter().find(|u| u.name == name) {
        Some(User { role, district, .. }) => Ok(Who {
            name: name.into(),
            role,
            district,
        }),
        None => Err(format!(
            "OS user {name} is not a user of this database: an admin adds them \
             with `mecred users add {name} --role ROLE`"
        )),
    }
}

/// The request's kind, as refusals record it (no student data).
pub fn kind(r: &Request) -> &'static str {
    match r {
        Request::Districts => "districts",
        Request::Schools(_) => "schools",
        Request::StudentsOfSchool(_) => "students-of-school",
        Request::Student(_) => "student",
        Request::ExamsOf(_) => "exams-of",
        Request::AllSchools => "all-schools",
        Request::AllStudents => "all-students",
        Request::AllExams => "all-exams",
        Request::StudentsOfDistrict(_) => "students-of-district",
        Request::Batches => "batches",
        Request::RowResults(_) => "row-results",
        Request::EventSummaries => "audit-log",
        Request::Event(_) => "audit-event",
        Request::EventsFor(_) => "record-history",
        Request::Snapshot(_) => "snapshot",
        Request::FeeStatements => "fee-statements",
        Request::Acks => "acks",
        Request::Acknowledge(_) => "acknowledge",
        Request::Report { .. } => "report",
        Request::ConfirmReport { .. } => "confirm",
        Request::ReturnFile { .. } => "return-file",
        Request::Origin(_) => "batch-origin",
        Request::Stage { .. } => "stage",
        Request::BatchWrites { .. } => "batch-preview",
        Request::CommitBatch { .. } => "commit",
        Request::DiscardBatch(_) => "discard",
        Request::RevertBatch(_) => "revert",
        Request::ApplyChangeSet { .. } => "edit",
        Request::CommittedWrites(_) => "change-set-writes",
        Request::Record(_) => "record",
        Request::TransferStudent { .. } => "transfer",
        Request::AddNote { .. } => "note",
        Request::Notes => "notes",
        Request::NotesFor(_) => "notes-for",
        Request::CertificatesOf { .. } => "certificates-of",
        Request::Run { argv, .. } => command_of(argv).map_or("run", |c| command_kind(&c).0),
    }
}

/// The command a [`Request::Run`] runs (`None`: none, or arguments that do
/// not parse — the run reports that).
pub fn command_of(argv: &[String]) -> Option<Command> {
    Cli::try_parse_from(std::iter::once("mecred").chain(argv.iter().map(String::as_str)))
        .ok()
        .and_then(|c| c.command)
}

/// A command's name (as refusals record it) and whether it changes data.
pub fn command_kind(c: &Command) -> (&'static str, bool) {
    use crate::cli::args::{
        CertificatesCommand, FeesCommand, RetentionCommand, UploadsCommand, UsersCommand,
    };
    match c {
        Command::Import(_) => ("import", true),
        Command::Uploads(UploadsCommand::List) => ("uploads list", false),
        Command::Uploads(UploadsCommand::Show { .. }) => ("uploads show", false),
        Command::Uploads(UploadsCommand::Commit { .. }) => ("uploads commit", true),
        Command::Uploads(UploadsCommand::Discard { .. }) => ("uploads discard", true),
        Command::Uploads(UploadsCommand::Revert { .. }) => ("uploads revert", true),
        Command::Template(_) => ("template", false),
        Command::Check(_) => ("check", false),
        Command::Ack(_) => ("ack", true),
        Command::Transfer(_) => ("transfer", true),
        Command::Edit(_) => ("edit", true),
        Command::Note(_) => ("note", true),
        Command::Notes(_) => ("notes", false),
        Command::Report(_) => ("report", false),
        Command::Confirm(_) => ("confirm", true),
        Command::Unconfirm(_) => ("unconfirm", true),
        Command::Certificates(CertificatesCommand::Issue(_)) => ("certificates issue", true),
        Command::Verify(_) => ("verify", false),
        Command::Fees(FeesCommand::Show(_)) => ("fees show", false),
        Command::Fees(FeesCommand::List(_)) => ("fees list", false),
        Command::Fees(FeesCommand::Set(_)) => ("fees set", true),
        Command::Fees(FeesCommand::Statement(_)) => ("fees statement", true),
        Command::Fees(FeesCommand::Invoiced(_)) => ("fees invoiced", true),
        Command::Fees(FeesCommand::Paid(_)) => ("fees paid", true),
        Command::Packet(_) => ("packet", false),
        Command::Retention(RetentionCommand::List(_)) => ("retention list", false),
        Command::Retention(RetentionCommand::Purge(_)) => ("retention purge", true),
        Command::Export(_) => ("export", false),
        Command::Users(UsersCommand::List) => ("users list", false),
        Command::Users(UsersCommand::Add { .. }) => ("users add", true),
        Command::Users(UsersCommand::Remove { .. }) => ("users remove", true),
        Command::Users(UsersCommand::Refusals) => ("users refusals", false),
        Command::Restore(_) => ("restore", true),
        Command::Demo(_) => ("demo", true),
        Command::Serve(_) => ("serve", true),
        Command::Gen(_) => ("gen", false),
        Command::Completions(_) => ("completions", false),
        Command::Man => ("man", false),
        Command::ReadSheets { .. } => ("read-sheets", false),
    }
}

/// Refuses a command line `who`'s role may not run: admins run every
/// command, operators all but `users`, auditors those that only read plus
/// `note` and `ack`, and a district user only `import` (staging, of its
/// own district: see the import), `uploads list`/`show` (its batches),
/// `report`/`confirm`/`template` of its district, and `verify`.
pub fn check_command(store: &Store, who: &Who, c: &Command) -> Result<(), String> {
    let (name, write) = command_kind(c);
    let role = who.role.as_str();
    let refused = || format!("{} ({role}) may not run `mecred {name}`", who.name);
    // Refusals are read like the audit log; the rest of `users` is an
    // admin's.
    let users =
        matches!(c, Command::Users(u) if !matches!(u, crate::cli::args::UsersCommand::Refusals));
    match who.role {
        Role::Admin => Ok(()),
        Role::Operator if users => Err(format!(
            "{} (operator) may not run `mecred {name}`: only an admin manages users",
            who.name
        )),
        Role::Operator => Ok(()),
        Role::Auditor if users || (write && !matches!(c, Command::Note(_) | Command::Ack(_))) => {
            Err(refused())
        }
        Role::Auditor => Ok(()),
        Role::District => {
            let own = own_district(who)?;
            let other = |d: &DistrictCode| same_district(who, own, d);
            use crate::cli::args::UploadsCommand;
            match c {
                Command::Import(a) if a.commit => Err(format!(
                    "{} (district {own}) may stage uploads, not commit them: \
                     run `mecred import` without --commit; an operator commits",
                    who.name
                )),
                Command::Import(_)
                | Command::Uploads(UploadsCommand::List)
                | Command::Verify(_) => Ok(()),
                Command::Uploads(UploadsCommand::Show { id }) => {
                    own_batch(store, own, *id, &who.name)
                }
                Command::Report(a) => match &a.district {
                    Some(d) => other(d),
                    None => Err(format!(
                        "{} (district {own}) may not see the statewide report: give --district {own}",
                        who.name
                    )),
                },
                Command::Confirm(a) => other(&a.district),
                Command::Template(a) => other(&a.district),
                _ => Err(refused()),
            }
        }
    }
}

/// Whether the request changes data (a refusal of it is recorded).
pub fn is_write(r: &Request) -> bool {
    matches!(
        r,
        Request::Acknowledge(_)
            | Request::ConfirmReport { .. }
            | Request::Stage { .. }
            | Request::CommitBatch { .. }
            | Request::DiscardBatch(_)
            | Request::RevertBatch(_)
            | Request::ApplyChangeSet { .. }
            | Request::TransferStudent { .. }
            | Request::AddNote { .. }
    ) || matches!(r, Request::Run { argv, .. } if command_of(argv).is_some_and(|c| command_kind(&c).1))
}

/// Refuses what `who`'s role may not ask, before it runs. District
/// requests naming another district are refused here; lists are filtered
/// after ([`scope`]).
pub fn check(store: &Store, who: &Who, r: &Request) -> Result<(), String> {
    if let Request::Run { argv, .. } = r {
        return match command_of(argv) {
            Some(c) => check_command(store, who, &c),
            None => Ok(()),
        };
    }
    let role = who.role.as_str();
    let refused = || format!("{} ({role}) may not {}", who.name, doing(r));
    match who.role {
        Role::Admin | Role::Operator => Ok(()),
        Role::Auditor => {
            if is_write(r) && !matches!(r, Request::Acknowledge(_) | Request::AddNote { .. }) {
                Err(refused())
            } else {
                Ok(())
            }
        }
        Role::District => {
            let own = own_district(who)?;
            let other = |d: &DistrictCode| same_district(who, own, d);
            match r {
                Request::Schools(d) | Request::StudentsOfDistrict(d) => other(d),
                Request::StudentsOfSchool(s) => other(&s.district()),
                Request::ConfirmReport { district, .. } => other(district),
                Request::Report { district, .. } => match district {
                    Some(d) => other(d),
                    None => Err(format!(
                        "{} (district {own}) may not see the statewide report",
                        who.name
                    )),
                },
                Request::RowResults(b)
                | Request::BatchWrites { id: b, .. }
                | Request::ReturnFile { batch: b, .. }
                | Request::Origin(b) => own_batch(store, own, *b, &who.name),
                Request::Districts
                | Request::Student(_)
                | Request::ExamsOf(_)
                | Request::AllSchools
                | Request::AllStudents
                | Request::AllExams
                | Request::Batches
                | Request::Snapshot(_)
                | Request::FeeStatements
                | Request::Record(_)
                | Request::CertificatesOf { .. }
                | Request::Acks
                | Request::Notes
                | Request::NotesFor(_)
                | Request::Stage { .. } => Ok(()),
                _ => Err(refused()),
            }
        }
    }
}

/// What a district user is told of a change set someone committed: only
/// the writes touching its district — a record that left it arrives as
/// removed, one that came in as new — and, unless all of them did, a
/// line that names no other district. `None` when none touched it.
pub fn scope_push(
    store: &Store,
    own: &DistrictCode,
    text: &str,
    writes: &[Write],
) -> Option<ServerMsg> {
    let ours = |r: &Option<Record>| {
        r.as_ref()
            .and_then(|r| record_district(store, r))
            .is_some_and(|d| &d == own)
    };
    let total = writes.len();
    let kept: Vec<Write> = writes
        .iter()
        .filter_map(|w| {
            let (before, after) = (ours(&w.before), ours(&w.after));
            (before || after).then(|| Write {
                key: w.key.clone(),
                before: if before { w.before.clone() } else { None },
                after: if after { w.after.clone() } else { None },
            })
        })
        .collect();
    if kept.is_empty() {
        return None;
    }
    let whole = kept.len() == total
        && writes.iter().all(|w| {
            (w.before.is_none() || ours(&w.before)) && (w.after.is_none() || ours(&w.after))
        });
    let text = if whole {
        text.to_string()
    } else {
        let who = text.split_whitespace().next().unwrap_or("someone");
        format!(
            "{who} committed a change set: {} records of district {own}",
            kept.len()
        )
    };
    Some(ServerMsg::Committed { text, writes: kept })
}

/// The district a record belongs to (an exam, statewide credential or
/// certificate: its student's, as stored now).
fn record_district(store: &Store, r: &Record) -> Option<DistrictCode> {
    let of_student = |id: &StudentId| match store.get(&RecordKey::Student(id.clone())) {
        Ok(Some(Record::Student(s))) => Some(s.district()),
        _ => None,
    };
    match r {
        Record::District(d) => Some(d.code.clone()),
        Record::Agreement(a) => Some(a.district.clone()),
        Record::School(s) => Some(s.district()),
        Record::Student(s) => Some(s.district()),
        Record::Exam(e) => of_student(&e.student),
        Record::Statewide(a) => of_student(&a.student),
        Record::Certificate(c) => of_student(&c.student),
    }
}

/// The ids of `own`'s findings on `today`, from a full evaluation (a
/// finding id is a hash: its district cannot be read off it). Empty when
/// the evaluation fails: nothing is shown rather than too much.
fn own_findings(store: &Store, own: &DistrictCode, today: Date) -> HashSet<String> {
    match crate::cli::evaluate(store, today) {
        Ok((_, eval)) => eval
            .findings()
            .into_iter()
            .filter(|f| &f.district == own)
            .map(|f| f.id.clone())
            .collect(),
        Err(e) => {
            tracing::error!(error = %e, "could not evaluate to scope a district's notes");
            HashSet::new()
        }
    }
}

/// A district user's district (refused when it has none).
fn own_district(who: &Who) -> Result<&DistrictCode, String> {
    who.district
        .as_ref()
        .ok_or_else(|| format!("{} is a district user without a district", who.name))
}

/// Refuses a district user `who` of `own` naming another district `d`.
fn same_district(who: &Who, own: &DistrictCode, d: &DistrictCode) -> Result<(), String> {
    if d == own {
        Ok(())
    } else {
        Err(format!(
            "{} (district {own}) may not see or change district {d}",
            who.name
        ))
    }
}

fn own_batch(store: &Store, own: &DistrictCode, id: u64, name: &str) -> Result<(), String> {
    match store.batch(id) {
        Ok(Some(b)) if b.district.as_ref() == Some(own) => Ok(()),
        Ok(_) => Err(format!("{name} (district {own}) may not see batch {id}")),
        Err(e) => Err(format!("{e:#}")),
    }
}

/// What `r` does, for a refusal: `commit a batch`, `edit records`…
fn doing(r: &Request) -> &'static str {
    match r {
        Request::Acknowledge(_) => "acknowledge findings",
        Request::ConfirmReport { .. } => "confirm reports",
        Request::Stage { .. } => "import files",
        Request::CommitBatch { .. } => "commit batches",
        Request::DiscardBatch(_) => "discard batches",
        Request::RevertBatch(_) => "revert batches",
        Request::ApplyChangeSet { .. } => "edit records",
        Request::TransferStudent { .. } => "transfer students",
        Request::AddNote { .. } => "attach notes",
        Request::EventSummaries | Request::Event(_) | Request::EventsFor(_) => "read the audit log",
        Request::CommittedWrites(_) => "read change sets",
        Request::Notes | Request::NotesFor(_) => "read notes",
        Request::Acks => "read acknowledgements",
        _ => "ask this",
    }
}

/// Records a refused write; a failure to record is logged, not fatal.
pub fn record_refusal(store: &Store, who: &str, r: &Request, reason: &str, at: &str) {
    if !is_write(r) {
        return;
    }
    let refusal = Refusal {
        seq: 0,
        user: who.to_string(),
        request: kind(r).to_string(),
        reason: reason.to_string(),
        at: at.to_string(),
    };
    if let Err(e) = store.add_refusal(refusal) {
        tracing::error!(error = %e, "could not record a refusal");
    }
}

/// Whether the stored student `id` is of district `own`.
fn student_of_district(store: &Store, own: &DistrictCode, id: &StudentId) -> bool {
    matches!(store.get(&RecordKey::Student(id.clone())), Ok(Some(Record::Student(s))) if &s.district() == own)
}

/// A district user's answer: everything of other districts removed.
/// Acknowledgements and notes on findings are kept for the findings of
/// their district on `today` (the date their client evaluates on).
pub fn scope(store: &Store, who: &Who, value: Value, today: Date) -> Value {
    let (Role::District, Some(own)) = (who.role, who.district.as_ref()) else {
        return value;
    };
    let of_student = |id: &StudentId| student_of_district(store, own, id);
    let record_ok = |r: &Record| record_district(store, r).as_ref() == Some(own);
    let batch_ok = |b: &Batch| b.district.as_ref() == Some(own);
    match value {
        Value::Districts(v) => Value::Districts(v.into_iter().filter(|d| &d.code == own).collect()),
        Value::Schools(v) => {
            Value::Schools(v.into_iter().filter(|s| &s.district() == own).collect())
        }
        Value::Students(v) => {
            Value::Students(v.into_iter().filter(|s| &s.district() == own).collect())
        }
        Value::Student(s) => Value::Student(s.filter(|s| &s.district() == own)),
        Value::Exams(v) => Value::Exams(v.into_iter().filter(|e| of_student(&e.student)).collect()),
        Value::Batches(v) => Value::Batches(v.into_iter().filter(|b| batch_ok(b)).collect()),
        Value::Record(r) => Value::Record(r.filter(|r| record_ok(r))),
        Value::Certificates(v) => {
            Value::Certificates(v.into_iter().filter(|c| of_student(&c.student)).collect())
        }
        Value::FeeStatements(v) => {
            Value::FeeStatements(v.into_iter().filter(|f| &f.district == own).collect())
        }
        Value::Report(mut data) => {
            // Built for their district alone; only the list of districts to
            // narrow to names the others.
            data.districts.retain(|d| d == own);
            Value::Report(data)
        }
        Value::Acks(v) => {
            let ours = own_findings(store, own, today);
            Value::Acks(
                v.into_iter()
                    .filter(|a| ours.contains(&a.finding))
                    .collect(),
            )
        }
        Value::Notes(v) => {
            let mut ours = None;
            Value::Notes(
                v.into_iter()
                    .filter(|n| match &n.target {
                        NoteTarget::Record(key) => {
                            matches!(store.get(key), Ok(Some(r)) if record_ok(&r))
                        }
                        NoteTarget::Finding(id) => ours
                            .get_or_insert_with(|| own_findings(store, own, today))
                            .contains(id),
                    })
                    .collect(),
            )
        }
        Value::Snapshot(mut parts) => {
            let students: std::collections::HashSet<StudentId> = parts
                .records
                .iter()
                .filter_map(|r| match r {
                    Record::Student(s) if &s.district() == own => Some(s.id.clone()),
                    _ => None,
                })
                .collect();
            parts.records.retain(|r| match r {
                Record::Exam(e) => students.contains(&e.student),
                Record::Statewide(a) => students.contains(&a.student),
                Record::Certificate(c) => students.contains(&c.student),
                other => record_ok(other),
            });
            parts.uploads.retain(|(d, _)| d == own);
            parts.confirmations.retain(|c| &c.district == own);
            Value::Snapshot(parts)
        }
        other => other,
    }
}
