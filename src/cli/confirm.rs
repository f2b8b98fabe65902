//! `mecred confirm` and `mecred unconfirm` (SPEC §1 "Semester
//! confirmation", §5): a district confirms its report for a term (its hash
//! and counts are recorded); an operator withdraws it with a reason.

use std::io::Write as _;

use serde_json::json;

use super::args::{ConfirmArgs, UnconfirmArgs};
use super::check::evaluate;
use super::context::now;
use super::report::{known, report_of};
use super::{Context, Refused, Status};
use crate::domain::{Date, DistrictCode, Term};
use crate::report::{hash, semester::has_agreement_error};
use crate::store::{ConfirmationCounts, ConfirmationRecord, Store, Withdrawal};

fn counts_json(c: &ConfirmationCounts) -> serde_json::Value {
    json!({
        "regional_core": c.regional_core,
        "basic_statewide": c.basic_statewide,
        "advanced_statewide": c.advanced_statewide,
        "error_findings": c.error_findings,
        "warn_findings": c.warn_findings,
    })
}

fn record_json(c: &ConfirmationRecord) -> serde_json::Value {
    json!({
        "district": c.district,
        "term": c.term,
        "seq": c.seq,
        "by": c.by,
        "at": c.at,
        "sha256": c.sha256,
        "counts": counts_json(&c.counts),
        "withdrawn": c.withdrawn.as_ref().map(|w| json!({"by": w.by, "at": w.at, "reason": w.reason})),
    })
}

/// Confirms `district`'s report of `term` as `actor`, judged on `today`:
/// refused for an unknown district, an open AGREEMENT-* error, or a term
/// already confirmed. Shared by `mecred confirm` and the TUI.
pub(crate) fn confirm(
    store: &Store,
    today: Date,
    actor: &str,
    term: Term,
    district: &DistrictCode,
) -> anyhow::Result<ConfirmationRecord> {
    let (snap, eval) = evaluate(store, today)?;
    if !known(&snap, district) {
        return Err(Refused(format!("there is no district {district} in the database")).into());
    }
    if has_agreement_error(&eval, district) {
        return Err(Refused(format!(
            "{district} cannot confirm its {term} report: it has an open AGREEMENT-* error (see `mecred check --district {district} --rule AGREEMENT-MISSING` and AGREEMENT-TYPE)"
        ))
        .into());
    }
    let report = report_of(store, &snap, &eval, term, Some(district))?;
    let t = report
        .districts
        .first()
        .map(|d| d.totals.clone())
        .unwrap_or_default();
    let n = |x: usize| u64::try_from(x).unwrap_or(u64::MAX);
    let rec = ConfirmationRecord {
        district: district.clone(),
        term,
        seq: 0,
        by: actor.to_string(),
        at: now(),
        sha256: hash(&report),
        counts: ConfirmationCounts {
            regional_core: n(t.regional_core),
            basic_statewide: n(t.basic_statewide),
            advanced_statewide: n(t.advanced_statewide),
            error_findings: n(t.error_findings),
            warn_findings: n(t.warn_findings),
        },
        withdrawn: None,
    };
    Ok(store.confirm(rec)?)
}

/// Runs `mecred confirm --term T --district C`.
pub fn run_confirm(ctx: &Context, a: ConfirmArgs) -> anyhow::Result<Status> {
    ctx.check_writable("confirming a report")?;
    let store = ctx.open_store()?;
    let rec = confirm(&store, ctx.today, &ctx.actor, a.term, &a.district)?;
    tracing::info!(district = %rec.district, term = %rec.term, "report confirmed");
    if ctx.json {
        writeln!(
            ctx.out(),
            "{}",
            serde_json::to_string_pretty(&record_json(&rec))?
        )?;
    } else {
        let c = &rec.counts;
        writeln!(
            ctx.out(),
            "confirmed the {} report of {} (sha256 {}): Regional Core {}, Basic Statewide {}, Advanced Statewide {}; {} error and {} warn finding(s) open",
            rec.term,
            rec.district,
            rec.sha256,
            c.regional_core,
            c.basic_statewide,
            c.advanced_statewide,
            c.error_findings,
            c.warn_findings
        )?;
    }
    Ok(Status::Ok)
}

/// Runs `mecred unconfirm --term T --district C --reason TEXT`.
pub fn run_unconfirm(ctx: &Context, a: UnconfirmArgs) -> anyhow::Result<Status> {
    ctx.check_writable("withdrawing a confirmation")?;
    let reason = a.reason.trim();
    if reason.is_empty() {
        return Err(Refused("give a reason: --reason TEXT".into()).into());
    }
    let store = ctx.open_store()?;
    let w = Withdrawal {
        by: ctx.actor.clone(),
        at: now(),
        reason: reason.to_string(),
    };
    let rec = store.unconfirm(&a.district, a.term, w)?;
    tracing::info!(district = %rec.district, term = %rec.term, "confirmation withdrawn");
    if ctx.json {
        writeln!(
            ctx.out(),
            "{}",
            serde_json::to_string_pretty(&record_json(&rec))?
        )?;
    } else {
        writeln!(
            ctx.out(),
            "withdrew the {} confirmation of {} (confirmed by {} at {}): {reason}",
            rec.term,
            rec.district,
            rec.by,
            rec.at
        )?;
    }
    Ok(Status::Ok)
}
