//! `mecred check` and `mecred ack` (SPEC §5): the findings of the whole
//! database on today's date, and acknowledging a warn finding.

use std::collections::HashMap;
use std::io::Write as _;

use serde::Serialize;

use super::args::{AckArgs, CheckArgs};
use super::context::now;
use super::report::{last_change_set, school_names};
use super::{Context, Refused, Status};
use crate::domain::{Ack, BatchKind, BatchState, Date, Finding, FindingSeverity, Record, RuleId};
use crate::policy::{Confirmation, Evaluation, Snapshot};
use crate::report::Inputs;
use crate::store::Store;

/// The snapshot of everything the rules read, from the store's queries:
/// the records, and the committed completions uploads. Confirmations need
/// the reports, so [`evaluate`] adds them.
pub fn load_snapshot(store: &Store) -> anyhow::Result<Snapshot> {
    let mut s = Snapshot::new();
    for d in store.districts()? {
        s.insert(Record::District(d));
    }
    for a in store.agreements(None)? {
        s.insert(Record::Agreement(a));
    }
    store.for_each_student(|st| {
        s.insert(Record::Student(st));
    })?;
    store.for_each_exam(|e| {
        s.insert(Record::Exam(e));
    })?;
    for a in store.statewide()? {
        s.insert(Record::Statewide(a));
    }
    for c in store.certificates()? {
        s.insert(Record::Certificate(c));
    }
    for b in store.batches()? {
        if b.kind == BatchKind::Completions
            && b.state == BatchState::Committed
            && let (Some(d), Some(t)) = (b.district, b.term)
        {
            s.add_upload(d, t);
        }
    }
    Ok(s)
}

/// The snapshot and its evaluation on `today`, with the current (not
/// withdrawn) confirmations and the hash of each one's report computed now,
/// so CONFIRM-PENDING clears for a confirmed term and CONFIRM-STALE fires
/// when a confirmed report changed. The reports leave CONFIRM-* findings out,
/// so evaluating before the confirmations are known gives the same hashes.
pub fn evaluate(store: &Store, today: Date) -> anyhow::Result<(Snapshot, Evaluation)> {
    let mut snap = load_snapshot(store)?;
    let eval = evaluate_loaded(store, &mut snap, today)?;
    Ok((snap, eval))
}

/// [`evaluate`] on a snapshot already loaded (by [`load_snapshot`]): the
/// current confirmations are set into it.
pub fn evaluate_loaded(
    store: &Store,
    snap: &mut Snapshot,
    today: Date,
) -> anyhow::Result<Evaluation> {
    let mut eval = Evaluation::full(snap, today);
    let current: Vec<_> = store
        .confirmations()?
        .into_iter()
        .filter(|c| c.is_current())
        .collect();
    if current.is_empty() {
        return Ok(eval);
    }
    let schools = school_names(store)?;
    let last = last_change_set(store)?;
    let mut confirmations = Vec::with_capacity(current.len());
    for c in current {
        let inputs = Inputs {
            term: c.term,
            district: Some(&c.district),
            schools: &schools,
            last_change_set: last,
        };
        let now = crate::report::hash(&crate::report::build(snap, &eval, inputs));
        // A report changed only by a retention purge's redaction is still
        // the confirmed one: the rules (and the TUI) then see equal hashes.
        let sha256 = if store.confirmation_matches(&c, &now)? {
            now.clone()
        } else {
            c.sha256
        };
        confirmations.push(Confirmation {
            district: c.district.clone(),
            term: c.term,
            sha256,
            current_sha256: now,
        });
    }
    let touched = snap.set_confirmations(confirmations);
    eval.update(snap, &touched);
    Ok(eval)
}

/// `acknowledged` in the JSON: `{by, at, reason}`.
#[derive(Debug, Serialize)]
struct AckJson<'a> {
    by: &'a str,
    at: &'a str,
    reason: &'a str,
}

/// One finding in `check --json`.
#[derive(Debug, Serialize)]
struct FindingJson<'a> {
    id: &'a str,
    rule: RuleId,
    severity: FindingSeverity,
    district: &'a str,
    school: Option<&'a str>,
    student_id: Option<&'a str>,
    module: Option<&'static str>,
    message: &'a str,
    source: &'static str,
    acknowledged: Option<AckJson<'a>>,
}

impl<'a> FindingJson<'a> {
    fn of(f: &'a Finding, ack: Option<&'a Ack>) -> FindingJson<'a> {
        FindingJson {
            id: &f.id,
            rule: f.rule,
            severity: f.severity,
            district: f.district.as_str(),
            school: f.school.as_ref().map(|s| s.as_str()),
            student_id: f.student.as_ref().map(|s| s.as_str()),
            module: f.module.map(|m| m.as_str()),
            message: &f.message,
            source: f.source(),
            acknowledged: ack.map(|a| AckJson {
                by: &a.by,
                at: &a.at,
                reason: &a.reason,
            }),
        }
    }
}

/// Whether a finding passes `check`'s filters.
fn selected(f: &Finding, a: &CheckArgs) -> bool {
    a.district.as_ref().is_none_or(|d| &f.district == d)
        && a.rule.is_none_or(|r| f.rule == r)
        && a.severity().is_none_or(|s| f.severity == s)
}

/// Runs `mecred check`.
pub fn run_check(ctx: &Context, a: CheckArgs) -> anyhow::Result<Status> {
    let store = ctx.open_store()?;
    let (_, eval) = evaluate(&store, ctx.today)?;
    let acks: HashMap<String, Ack> = store
        .acks()?
        .into_iter()
        .map(|x| (x.finding.clone(), x))
        .collect();
    let listed: Vec<(&Finding, Option<&Ack>)> = eval
        .findings()
        .into_iter()
        .filter(|f| selected(f, &a))
        // Only a warn can be acknowledged; an ack whose finding is gone
        // is never listed (it lapsed).
        .map(|f| {
            (
                f,
                acks.get(&f.id)
                    .filter(|_| f.severity == FindingSeverity::Warn),
            )
        })
        .collect();
    let mut out = ctx.out();
    if ctx.json {
        let findings: Vec<FindingJson> =
            listed.iter().map(|(f, k)| FindingJson::of(f, *k)).collect();
        let doc = serde_json::json!({ "today": ctx.today.to_string(), "findings": findings });
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
    } else {
        human(&mut out, ctx, &listed)?;
    }
    let failing = a.fail_on().map_or(0, |level| {
        listed
            .iter()
            .filter(|(f, ack)| f.severity >= level && ack.is_none())
            .count()
    });
    if let Some(level) = a.fail_on()
        && failing > 0
    {
        writeln!(
            ctx.err(),
            "{failing} unacknowledged finding(s) at --fail-on {} or above",
            level.as_str()
        )?;
        return Ok(Status::BadInput);
    }
    Ok(Status::Ok)
}

fn human(
    out: &mut dyn std::io::Write,
    ctx: &Context,
    listed: &[(&Finding, Option<&Ack>)],
) -> std::io::Result<()> {
    for (f, ack) in listed {
        writeln!(
            out,
            "{}  {:<5}  {:<21}  {:<3}  {:<6}  {:<10}  {}",
            f.id,
            f.severity.as_str(),
            f.rule.as_str(),
            f.district,
            f.school.as_ref().map_or("-", |s| s.as_str()),
            f.student.as_ref().map_or("-", |s| s.as_str()),
            f.message
        )?;
        if let Some(a) = ack {
            writeln!(
                out,
                "{:14}acknowledged by {} at {}: {}",
                "", a.by, a.at, a.reason
            )?;
        }
    }
    let errors = listed
        .iter()
        .filter(|(f, _)| f.severity == FindingSeverity::Error)
        .count();
    let acked = listed.iter().filter(|(_, k)| k.is_some()).count();
    writeln!(
        out,
        "{} finding(s) on {}: {errors} error, {} warn ({acked} acknowledged)",
        listed.len(),
        ctx.today,
        listed.len() - errors
    )
}

/// Runs `mecred ack FINDING --reason TEXT`.
pub fn run_ack(ctx: &Context, a: AckArgs) -> anyhow::Result<Status> {
    ctx.check_writable("acknowledging a finding")?;
    let reason = a.reason.trim();
    if reason.is_empty() {
        return Err(Refused("give a reason: --reason TEXT".into()).into());
    }
    let store = ctx.open_store()?;
    let (_, eval) = evaluate(&store, ctx.today)?;
    let id = a.finding.trim().to_ascii_lowercase();
    let Some(f) = eval.findings().into_iter().find(|f| f.id == id) else {
        return Err(Refused(format!(
            "there is no finding {id} on {} (see `mecred check`)",
            ctx.today
        ))
        .into());
    };
    if f.severity == FindingSeverity::Error {
        return Err(Refused(format!(
            "finding {id} ({}) is an error: errors cannot be acknowledged, they are fixed",
            f.rule
        ))
        .into());
    }
    let ack = Ack {
        finding: id.clone(),
        rule: f.rule.as_str().to_string(),
        by: ctx.actor.clone(),
        at: now(),
        reason: reason.to_string(),
    };
    store.put_ack(&ack)?;
    tracing::info!(finding = %id, rule = %f.rule, "acknowledged");
    if ctx.json {
        let doc = serde_json::json!({
            "id": id,
            "rule": f.rule,
            "acknowledged": AckJson { by: &ack.by, at: &ack.at, reason: &ack.reason },
        });
        writeln!(ctx.out(), "{}", serde_json::to_string_pretty(&doc)?)?;
    } else {
        writeln!(ctx.out(), "acknowledged {id} ({}): {}", f.rule, ack.reason)?;
    }
    Ok(Status::Ok)
}
