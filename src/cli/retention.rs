//! `mecred retention list|purge` (issue 8): what the two-year retention rule
//! lets go on `--today`, and purging its personal data. The rule and its
//! dates are in `policy::retention`; the purge itself in the store.

use std::io::Write as _;

use std::collections::{BTreeSet, HashSet};

use serde::Serialize;

use super::args::{RetentionListArgs, RetentionPurgeArgs};
use super::check::evaluate;
use super::context::now;
use super::report::{last_change_set, school_names};
use super::{Context, Refused, Status};
use crate::domain::{Date, DistrictCode, Record, RecordKey, StudentId};
use crate::policy::retention::{BatchItem, Inputs, Status as Ret, StudentItem, batches, students};
use crate::policy::{Evaluation, Snapshot};
use crate::store::{RedactedHash, Store, redact_student};

#[derive(Debug, Serialize)]
struct ListJson {
    today: Date,
    students: Vec<StudentItem>,
    batches: Vec<BatchItem>,
}

/// Every student and batch with its retention status on `today`.
fn plan(store: &Store, today: Date) -> anyhow::Result<(Vec<StudentItem>, Vec<BatchItem>)> {
    let (snap, eval) = evaluate(store, today)?;
    plan_on(store, &snap, &eval, today)
}

/// [`plan`] on a snapshot already evaluated.
fn plan_on(
    store: &Store,
    snap: &Snapshot,
    eval: &Evaluation,
    today: Date,
) -> anyhow::Result<(Vec<StudentItem>, Vec<BatchItem>)> {
    let acknowledged: HashSet<String> = store.acks()?.into_iter().map(|a| a.finding).collect();
    let confirmed: BTreeSet<_> = store
        .confirmations()?
        .into_iter()
        .filter(|c| c.is_current())
        .map(|c| (c.district, c.term))
        .collect();
    let purged_students: BTreeSet<_> = store
        .purged_students()?
        .into_iter()
        .filter(|p| p.redacted)
        .map(|p| p.student)
        .collect();
    let purged_batches: BTreeSet<u64> = store
        .purged_batches()?
        .into_iter()
        .map(|p| p.batch)
        .collect();
    let all = store.batches()?;
    let inp = Inputs {
        today,
        acknowledged: &acknowledged,
        confirmed: &confirmed,
        purged_students: &purged_students,
        purged_batches: &purged_batches,
        batches: &all,
    };
    Ok((students(snap, eval, &inp), batches(snap, &inp)))
}

/// The hash of `district`'s `term` report on `snap` (as `check` and
/// `confirm` compute it).
fn report_hash(
    store: &Store,
    snap: &Snapshot,
    eval: &Evaluation,
    district: &DistrictCode,
    term: crate::domain::Term,
) -> anyhow::Result<String> {
    let schools = school_names(store)?;
    let inputs = crate::report::Inputs {
        term,
        district: Some(district),
        schools: &schools,
        last_change_set: last_change_set(store)?,
    };
    Ok(crate::report::hash(&crate::report::build(
        snap, eval, inputs,
    )))
}

/// The redacted hash of every current confirmation that is not stale now
/// and whose report purging `due` changes: its report hashed on the data
/// as it stands with those students redacted (the report right after the
/// purge's change set; see `store::retention` for why it is computed and
/// recorded before the redaction rather than after).
fn redacted_hashes(
    store: &Store,
    snap: &Snapshot,
    eval: &Evaluation,
    today: Date,
    due: &[(StudentId, Date)],
    at: &str,
) -> anyhow::Result<Vec<RedactedHash>> {
    let mut redacted_snap = snap.clone();
    let mut districts = BTreeSet::new();
    for (id, _) in due {
        if let Some(Record::Student(s)) = store.get(&RecordKey::Student(id.clone()))? {
            districts.insert(s.district());
            redacted_snap.insert(Record::Student(redact_student(&s)));
        }
    }
    let mut out = Vec::new();
    let mut redacted_eval = None;
    for c in store.confirmations()? {
        if !c.is_current() || !districts.contains(&c.district) {
            continue;
        }
        let now = report_hash(store, snap, eval, &c.district, c.term)?;
        if !store.confirmation_matches(&c, &now)? {
            continue; // stale before the purge: it stays stale
        }
        let after_eval =
            redacted_eval.get_or_insert_with(|| Evaluation::full(&redacted_snap, today));
        let after = report_hash(store, &redacted_snap, after_eval, &c.district, c.term)?;
        if after != now {
            out.push(RedactedHash {
                district: c.district,
                term: c.term,
                seq: c.seq,
                from: now,
                sha256: after,
                at: at.to_string(),
            });
        }
    }
    Ok(out)
}

/// After the purge: each recorded redacted hash against the report as it
/// now stands; a difference (a change made meanwhile) is said on stderr.
fn check_redacted(
    ctx: &Context,
    store: &Store,
    today: Date,
    recorded: &[RedactedHash],
) -> anyhow::Result<()> {
    if recorded.is_empty() {
        return Ok(());
    }
    let (snap, eval) = evaluate(store, today)?;
    for r in recorded {
        let now = report_hash(store, &snap, &eval, &r.district, r.term)?;
        if now != r.sha256 {
            writeln!(
                ctx.err(),
                "the {} {} report changed besides the purge (expected {}, now {}): CONFIRM-STALE will show",
                r.district,
                r.term,
                r.sha256,
                now
            )?;
        }
    }
    Ok(())
}

fn print_human(
    ctx: &Context,
    today: Date,
    s: &[StudentItem],
    b: &[BatchItem],
) -> anyhow::Result<()> {
    writeln!(
        ctx.out(),
        "retention on {today} (records are kept through June 30 two years after their school year):"
    )?;
    if s.is_empty() && b.is_empty() {
        writeln!(ctx.out(), "  nothing has passed its keep-until date")?;
    }
    for i in s {
        writeln!(
            ctx.out(),
            "  student {} ({}, {}): keep until {}: {}{}",
            i.student_id,
            i.district,
            i.school_year,
            i.keep_until,
            i.status.as_str(),
            why(&i.reasons)
        )?;
    }
    for i in b {
        writeln!(
            ctx.out(),
            "  batch {} ({}{}, {}): keep until {}: {}{}",
            i.batch,
            i.kind,
            i.district
                .as_ref()
                .map_or(String::new(), |d| format!(" {d}")),
            i.school_year,
            i.keep_until,
            i.status.as_str(),
            why(&i.reasons)
        )?;
    }
    Ok(())
}

fn why(reasons: &[String]) -> String {
    if reasons.is_empty() {
        String::new()
    } else {
        format!(" ({})", reasons.join("; "))
    }
}

/// Runs `mecred retention list [--all]`: the records past their date (due,
/// kept and why, purged); with `--all` also those not yet past it.
pub fn run_list(ctx: &Context, a: RetentionListArgs) -> anyhow::Result<Status> {
    let store = ctx.open_store()?;
    let (mut s, mut b) = plan(&store, ctx.today)?;
    if !a.all {
        s.retain(|i| i.status != Ret::Keep);
        b.retain(|i| i.status != Ret::Keep);
    }
    if ctx.json {
        let out = ListJson {
            today: ctx.today,
            students: s,
            batches: b,
        };
        writeln!(ctx.out(), "{}", serde_json::to_string_pretty(&out)?)?;
    } else {
        print_human(ctx, ctx.today, &s, &b)?;
    }
    Ok(Status::Ok)
}

#[derive(Debug, Serialize)]
struct PurgeJson {
    today: Date,
    change_set: Option<u64>,
    purged_students: Vec<String>,
    purged_batches: Vec<u64>,
    events_redacted: usize,
    notes_redacted: usize,
    confirmations_redacted: usize,
    kept_students: Vec<StudentItem>,
    kept_batches: Vec<BatchItem>,
}

/// Runs `mecred retention purge --confirm`: purges every due record and
/// says what it kept and why. Without `--confirm` it refuses (exit 1),
/// saying what it would purge.
pub fn run_purge(ctx: &Context, a: RetentionPurgeArgs) -> anyhow::Result<Status> {
    ctx.check_writable("purging personal data")?;
    let store = ctx.open_store()?;
    let (snap, eval) = evaluate(&store, ctx.today)?;
    let (s, b) = plan_on(&store, &snap, &eval, ctx.today)?;
    let due_s: Vec<_> = s
        .iter()
        .filter(|i| i.status == Ret::Due)
        .map(|i| (i.student_id.clone(), i.keep_until))
        .collect();
    let due_b: Vec<_> = b
        .iter()
        .filter(|i| i.status == Ret::Due)
        .map(|i| (i.batch, i.keep_until))
        .collect();
    if !a.confirm {
        return Err(Refused(format!(
            "retention purge removes personal data for good: {} student(s) and {} batch(es) are due on {} (see `mecred retention list`); run again with --confirm",
            due_s.len(),
            due_b.len(),
            ctx.today
        ))
        .into());
    }
    let at = now();
    let redacted = redacted_hashes(&store, &snap, &eval, ctx.today, &due_s, &at)?;
    drop((snap, eval));
    let outcome = store.purge(&due_s, &due_b, &redacted, &ctx.actor, &at)?;
    if outcome.confirmations_redacted > 0 {
        check_redacted(ctx, &store, ctx.today, &redacted)?;
    }
    tracing::info!(
        students = outcome.students.len(),
        batches = outcome.batches.len(),
        "retention purge"
    );
    let out = PurgeJson {
        today: ctx.today,
        change_set: outcome.change_set,
        purged_students: outcome.students.iter().map(ToString::to_string).collect(),
        purged_batches: outcome.batches.clone(),
        events_redacted: outcome.events_redacted,
        notes_redacted: outcome.notes_redacted,
        confirmations_redacted: outcome.confirmations_redacted,
        kept_students: s.into_iter().filter(|i| i.status == Ret::Kept).collect(),
        kept_batches: b.into_iter().filter(|i| i.status == Ret::Kept).collect(),
    };
    if ctx.json {
        writeln!(ctx.out(), "{}", serde_json::to_string_pretty(&out)?)?;
        return Ok(Status::Ok);
    }
    writeln!(
        ctx.out(),
        "purged the personal data of {} student(s) and {} batch(es){}; {} audit event(s) and {} note(s) redacted; {} confirmation(s) given a redacted hash (they stay current)",
        out.purged_students.len(),
        out.purged_batches.len(),
        out.change_set
            .map_or(String::new(), |id| format!(" (change set {id})")),
        out.events_redacted,
        out.notes_redacted,
        out.confirmations_redacted
    )?;
    for i in &out.kept_students {
        writeln!(
            ctx.out(),
            "kept student {}:{}",
            i.student_id,
            why(&i.reasons)
        )?;
    }
    for i in &out.kept_batches {
        writeln!(ctx.out(), "kept batch {}:{}", i.batch, why(&i.reasons))?;
    }
    Ok(Status::Ok)
}
