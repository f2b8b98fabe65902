//! `mecred retention list|purge` (issue 8): what the two-year retention rule
//! lets go on `--today`, and purging its personal data. The rule and its
//! dates are in `policy::retention`; the purge itself in the store.

use std::collections::{BTreeSet, HashSet};

use serde::Serialize;

use super::args::{RetentionListArgs, RetentionPurgeArgs};
use super::check::evaluate;
use super::context::now;
use super::{Context, Refused, Status};
use crate::domain::Date;
use crate::policy::retention::{BatchItem, Inputs, Status as Ret, StudentItem, batches, students};
use crate::store::Store;

#[derive(Debug, Serialize)]
struct ListJson {
    today: Date,
    students: Vec<StudentItem>,
    batches: Vec<BatchItem>,
}

/// Every student and batch with its retention status on `today`.
fn plan(store: &Store, today: Date) -> anyhow::Result<(Vec<StudentItem>, Vec<BatchItem>)> {
    let (snap, eval) = evaluate(store, today)?;
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
    Ok((students(&snap, &eval, &inp), batches(&snap, &inp)))
}

fn print_human(today: Date, s: &[StudentItem], b: &[BatchItem]) {
    println!(
        "retention on {today} (records are kept through June 30 two years after their school year):"
    );
    if s.is_empty() && b.is_empty() {
        println!("  nothing has passed its keep-until date");
    }
    for i in s {
        println!(
            "  student {} ({}, {}): keep until {}: {}{}",
            i.student_id,
            i.district,
            i.school_year,
            i.keep_until,
            i.status.as_str(),
            why(&i.reasons)
        );
    }
    for i in b {
        println!(
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
        );
    }
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
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print_human(ctx.today, &s, &b);
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
    kept_students: Vec<StudentItem>,
    kept_batches: Vec<BatchItem>,
}

/// Runs `mecred retention purge --confirm`: purges every due record and
/// says what it kept and why. Without `--confirm` it refuses (exit 1),
/// saying what it would purge.
pub fn run_purge(ctx: &Context, a: RetentionPurgeArgs) -> anyhow::Result<Status> {
    ctx.check_writable("purging personal data")?;
    let store = ctx.open_store()?;
    let (s, b) = plan(&store, ctx.today)?;
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
    let outcome = store.purge(&due_s, &due_b, &ctx.actor, &now())?;
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
        kept_students: s.into_iter().filter(|i| i.status == Ret::Kept).collect(),
        kept_batches: b.into_iter().filter(|i| i.status == Ret::Kept).collect(),
    };
    if ctx.json {
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(Status::Ok);
    }
    println!(
        "purged the personal data of {} student(s) and {} batch(es){}; {} audit event(s) redacted",
        out.purged_students.len(),
        out.purged_batches.len(),
        out.change_set
            .map_or(String::new(), |id| format!(" (change set {id})")),
        out.events_redacted
    );
    for i in &out.kept_students {
        println!("kept student {}:{}", i.student_id, why(&i.reasons));
    }
    for i in &out.kept_batches {
        println!("kept batch {}:{}", i.batch, why(&i.reasons));
    }
    Ok(Status::Ok)
}
