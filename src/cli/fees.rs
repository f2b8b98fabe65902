//! `mecred fees …` (issue 8, "Fees"): BRAC invoices the districts; mecred
//! keeps the fee schedule per school year, writes what to bill per district
//! that confirmed its spring report, and tracks BRAC's invoice and the
//! payment.
//!
//! A statement bills the whole school year: the counts the district's
//! current fall confirmation recorded plus those of its current spring
//! confirmation — not the reports as they stand now — so the bill matches
//! what the district confirmed. The spring term must be confirmed; a fall
//! term with qualifying students must be too (refused otherwise, naming the
//! district and the term), and a fall with none bills nothing. Re-running
//! `fees statement` rewrites the same files from the stored statement (same
//! number, same bytes).

use std::io::Write as _;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::args::{
    FeesCommand, FeesInvoicedArgs, FeesListArgs, FeesPaidArgs, FeesSetArgs, FeesShowArgs,
    FeesStatementArgs,
};
use super::check::evaluate;
use super::context::now;
use super::report::fall_of;
use super::{Context, Refused, Status};
use crate::domain::fee::statement_number;
use crate::domain::{
    Cents, DistrictCode, FeeCounts, FeeRates, FeeSchedule, FeeStatement, Record, RecordKey, Season,
    Term,
};
use crate::report::fee_statement;
use crate::report::fees::Fall;
use crate::store::{ConfirmationRecord, StatementOutcome, Store};

/// Runs a `mecred fees` subcommand.
pub fn run(ctx: &Context, c: FeesCommand) -> anyhow::Result<Status> {
    match c {
        FeesCommand::Set(a) => run_set(ctx, a),
        FeesCommand::Show(a) => run_show(ctx, a),
        FeesCommand::Statement(a) => run_statement(ctx, a),
        FeesCommand::List(a) => run_list(ctx, a),
        FeesCommand::Invoiced(a) => run_invoiced(ctx, a),
        FeesCommand::Paid(a) => run_paid(ctx, a),
    }
}

fn print_json(ctx: &Context, v: &Value) -> anyhow::Result<()> {
    writeln!(ctx.out(), "{}", serde_json::to_string_pretty(v)?)?;
    Ok(())
}

fn rates_json(r: &FeeRates) -> Value {
    json!({
        "regional_core_cents": r.regional_core.0,
        "basic_statewide_cents": r.basic_statewide.0,
        "advanced_statewide_cents": r.advanced_statewide.0,
        "base_cents": r.base.0,
    })
}

fn schedule_json(s: &FeeSchedule) -> Value {
    json!({
        "year": s.year,
        "seq": s.seq,
        "rates": rates_json(&s.rates),
        "by": s.by,
        "at": s.at,
    })
}

fn schedule_text(s: &FeeSchedule) -> String {
    let r = &s.rates;
    format!(
        "{} (version {}, set by {} at {}): Regional Core {}, Basic Statewide {}, Advanced Statewide {} per qualifying student; base fee {} per district",
        s.year, s.seq, s.by, s.at, r.regional_core, r.basic_statewide, r.advanced_statewide, r.base
    )
}

fn counts_json(c: &FeeCounts) -> Value {
    json!({
        "regional_core": c.regional_core,
        "basic_statewide": c.basic_statewide,
        "advanced_statewide": c.advanced_statewide,
    })
}

/// A statement in the `--json` shape: `confirmation` and `counts` are the
/// spring term's, `fall` the fall term's (no confirmation: it had no
/// qualifying student), `year_counts` what is billed.
fn statement_json(s: &FeeStatement) -> Value {
    json!({
        "number": s.number,
        "district": s.district,
        "district_name": s.district_name,
        "term": s.term,
        "school_year": s.term.school_year(),
        "state": s.state().as_str(),
        "issued": s.issued,
        "confirmation": {"seq": s.confirmation_seq, "sha256": s.confirmation_sha256},
        "counts": counts_json(&s.counts),
        "fall": {
            "term": s.fall_term(),
            "confirmation": s.fall.as_ref().map(|f| json!({"seq": f.confirmation_seq, "sha256": f.confirmation_sha256})),
            "counts": counts_json(&s.fall.as_ref().map(|f| f.counts).unwrap_or_default()),
        },
        "year_counts": counts_json(&s.year_counts()),
        "schedule": s.schedule_seq,
        "rates": rates_json(&s.rates),
        "total_cents": s.total().0,
        "total": s.total().to_string(),
        "invoice": s.invoice.as_ref().map(|i| json!({"reference": i.reference, "by": i.by, "at": i.at})),
        "payment": s.payment.as_ref().map(|p| json!({"date": p.date, "by": p.by, "at": p.at})),
    })
}

fn statement_text(s: &FeeStatement) -> String {
    let state = match (&s.invoice, &s.payment) {
        (_, Some(p)) => format!("paid {}", p.date),
        (Some(i), None) => format!("invoiced as {}", i.reference),
        (None, None) => "issued, not yet invoiced".to_string(),
    };
    format!(
        "{} {} {}: {} ({state})",
        s.number,
        s.district,
        s.term,
        s.total()
    )
}

/// Runs `mecred fees set --year Y --core A --basic A --advanced A [--base A]`.
fn run_set(ctx: &Context, a: FeesSetArgs) -> anyhow::Result<Status> {
    ctx.check_writable("setting a fee schedule")?;
    let store = ctx.open_store()?;
    let s = store.set_fee_schedule(FeeSchedule {
        year: a.year,
        seq: 0,
        rates: FeeRates {
            regional_core: a.core,
            basic_statewide: a.basic,
            advanced_statewide: a.advanced,
            base: a.base,
        },
        by: ctx.actor.clone(),
        at: now(),
    })?;
    tracing::info!(year = %s.year, seq = s.seq, "fee schedule set");
    if ctx.json {
        print_json(ctx, &schedule_json(&s))?;
    } else {
        writeln!(ctx.out(), "set the fee schedule {}", schedule_text(&s))?;
    }
    Ok(Status::Ok)
}

/// Runs `mecred fees show [--year Y]`.
fn run_show(ctx: &Context, a: FeesShowArgs) -> anyhow::Result<Status> {
    let store = ctx.open_store()?;
    let mut all = store.fee_schedules()?;
    if let Some(y) = a.year {
        all.retain(|s| s.year == y);
    }
    if ctx.json {
        print_json(ctx, &Value::Array(all.iter().map(schedule_json).collect()))?;
        return Ok(Status::Ok);
    }
    if all.is_empty() {
        match a.year {
            Some(y) => writeln!(
                ctx.out(),
                "no fee schedule for {y}: set one with `mecred fees set --year {y} --core A --basic A --advanced A`"
            )?,
            None => writeln!(ctx.out(), "no fee schedule set")?,
        }
    }
    for (i, s) in all.iter().enumerate() {
        let newest = all.get(i + 1).is_none_or(|n| n.year != s.year);
        let tag = if newest { "" } else { " [superseded]" };
        writeln!(ctx.out(), "{}{tag}", schedule_text(s))?;
    }
    Ok(Status::Ok)
}

/// The current confirmations of `term` (one district's, or all).
fn confirmed(
    store: &Store,
    term: Term,
    district: Option<&DistrictCode>,
) -> anyhow::Result<Vec<ConfirmationRecord>> {
    let list = match district {
        Some(d) => store.confirmations_of(d, term)?,
        None => store
            .confirmations()?
            .into_iter()
            .filter(|c| c.term == term)
            .collect(),
    };
    Ok(list.into_iter().filter(|c| c.is_current()).collect())
}

fn district_name(store: &Store, d: &DistrictCode) -> anyhow::Result<String> {
    Ok(match store.get(&RecordKey::District(d.clone()))? {
        Some(Record::District(x)) => x.name,
        _ => String::new(),
    })
}

/// Writes a statement's PDF and CSV into `dir`; returns their paths.
fn write_files(ctx: &Context, dir: &Path, s: &FeeStatement) -> anyhow::Result<(PathBuf, PathBuf)> {
    let pdf = dir.join(format!("{}.pdf", s.number));
    let csv = dir.join(format!("{}.csv", s.number));
    ctx.write_file(&pdf, fee_statement::pdf(s)?)?;
    ctx.write_file(&csv, fee_statement::csv(s))?;
    Ok((pdf, csv))
}

fn outcome_str(o: StatementOutcome) -> &'static str {
    match o {
        StatementOutcome::New => "new",
        StatementOutcome::Unchanged => "unchanged",
        StatementOutcome::Revised => "revised",
        StatementOutcome::Kept => "kept",
    }
}

/// Why each district that confirmed a fall with qualifying students but
/// not `spring` gets no statement (its school year is billed once it
/// confirms the spring, even with nobody qualifying then), by district.
fn unbilled(
    fall: &BTreeMap<DistrictCode, Fall>,
    spring: &[ConfirmationRecord],
    term: Term,
) -> Vec<String> {
    fall.iter()
        .filter_map(|(d, f)| match f {
            Fall::Confirmed(p)
                if !p.counts.is_empty() && !spring.iter().any(|c| &c.district == d) =>
            {
                Some(format!(
                    "{d} confirmed its {} report with qualifying students but not its {term} report: its school year is billed once it does (`mecred confirm --term {term} --district {d}`, even with no qualifying students)",
                    p.term
                ))
            }
            _ => None,
        })
        .collect()
}

/// Runs `mecred fees statement --term spring-YYYY [--district C] -o DIR`.
fn run_statement(ctx: &Context, a: FeesStatementArgs) -> anyhow::Result<Status> {
    ctx.check_writable("issuing fee statements")?;
    if a.term.season != Season::Spring {
        return Err(Refused(format!(
            "fees are billed each spring: {} is a fall term (use spring-{})",
            a.term,
            a.term.year + 1
        ))
        .into());
    }
    let year = a.term.school_year();
    let store = ctx.open_store()?;
    let Some(schedule) = store.fee_schedule(year)? else {
        return Err(Refused(format!(
            "there is no fee schedule for {year}: set one first with `mecred fees set --year {year} --core A --basic A --advanced A`"
        ))
        .into());
    };
    let confirmations = confirmed(&store, a.term, a.district.as_ref())?;
    // A spring statement bills the whole school year: a fall with
    // qualifying students must be confirmed first, or half the year would
    // go unbilled without anyone noticing.
    let (snap, eval) = evaluate(&store, ctx.today)?;
    let fall = fall_of(&store, &snap, &eval, a.term, a.district.as_ref())?;
    let not_billed = unbilled(&fall, &confirmations, a.term);
    if confirmations.is_empty() {
        let who = a
            .district
            .as_ref()
            .map_or("no district".to_string(), |d| d.to_string());
        let what = if a.district.is_some() {
            "has not confirmed"
        } else {
            "has confirmed"
        };
        let mut msg = format!(
            "{who} {what} its {} report (`mecred confirm --term {} --district C`): only a confirmed report is billed",
            a.term, a.term
        );
        for n in &not_billed {
            msg.push_str("; ");
            msg.push_str(n);
        }
        return Err(Refused(msg).into());
    }
    let fall_term = year.fall();
    let unconfirmed: Vec<String> = confirmations
        .iter()
        .filter_map(|c| match fall.get(&c.district) {
            Some(Fall::Unconfirmed { qualifying }) => Some(format!(
                "{} has not confirmed its {fall_term} report, which has {qualifying} qualifying student(s): confirm it first with `mecred confirm --term {fall_term} --district {}`",
                c.district, c.district
            )),
            _ => None,
        })
        .collect();
    if !unconfirmed.is_empty() {
        return Err(Refused(format!(
            "{}; the {} statement bills the whole school year {year}, {fall_term} included, so no statement was written",
            unconfirmed.join("; "),
            a.term
        ))
        .into());
    }
    ctx.create_dir_all(&a.output)?;
    let mut out = Vec::new();
    for c in confirmations {
        let Some(number) = statement_number(a.term, &c.district) else {
            continue;
        };
        let statement = FeeStatement {
            number,
            district_name: district_name(&store, &c.district)?,
            district: c.district.clone(),
            term: a.term,
            confirmation_seq: c.seq,
            confirmation_sha256: c.sha256.clone(),
            counts: FeeCounts {
                regional_core: c.counts.regional_core,
                basic_statewide: c.counts.basic_statewide,
                advanced_statewide: c.counts.advanced_statewide,
            },
            fall: match fall.get(&c.district) {
                Some(Fall::Confirmed(part)) => Some(part.clone()),
                _ => None,
            },
            schedule_seq: schedule.seq,
            rates: schedule.rates,
            issued: ctx.today,
            by: ctx.actor.clone(),
            at: now(),
            invoice: None,
            payment: None,
        };
        let (stored, outcome) = store.issue_fee_statement(statement)?;
        let (pdf, csv) = write_files(ctx, &a.output, &stored)?;
        out.push((stored, outcome, pdf, csv));
    }
    tracing::info!(count = out.len(), term = %a.term, "fee statements written");
    if ctx.json {
        let list: Vec<Value> = out
            .iter()
            .map(|(s, o, pdf, csv)| {
                let mut v = statement_json(s);
                v["outcome"] = json!(outcome_str(*o));
                v["files"] = json!([pdf, csv]);
                v
            })
            .collect();
        print_json(
            ctx,
            &json!({"term": a.term, "statements": list, "not_billed": not_billed}),
        )?;
        return Ok(Status::Ok);
    }
    for n in &not_billed {
        writeln!(ctx.err(), "not billed: {n}")?;
    }
    let mut total = Cents(0);
    for (s, o, pdf, _) in &out {
        total = total.plus(s.total());
        let note = match o {
            StatementOutcome::New => "",
            StatementOutcome::Unchanged => " [already issued]",
            StatementOutcome::Revised => {
                " [revised: a confirmation (fall or spring) or the schedule changed]"
            }
            StatementOutcome::Kept => {
                " [kept as invoiced: a confirmation or the schedule changed since; settle it with BRAC]"
            }
        };
        writeln!(ctx.out(), "{}{note}: {}", statement_text(s), pdf.display())?;
    }
    writeln!(
        ctx.out(),
        "{} fee statement(s) for {}, {total} in all, in {} (PDF and CSV each)",
        out.len(),
        a.term,
        a.output.display()
    )?;
    Ok(Status::Ok)
}

/// Runs `mecred fees list [--outstanding]`.
fn run_list(ctx: &Context, a: FeesListArgs) -> anyhow::Result<Status> {
    let store = ctx.open_store()?;
    let mut all = store.fee_statements()?;
    if a.outstanding {
        all.retain(FeeStatement::is_outstanding);
    }
    if ctx.json {
        print_json(ctx, &Value::Array(all.iter().map(statement_json).collect()))?;
        return Ok(Status::Ok);
    }
    if all.is_empty() {
        writeln!(ctx.out(), "no fee statements")?;
    }
    for s in &all {
        writeln!(ctx.out(), "{}", statement_text(s))?;
    }
    Ok(Status::Ok)
}

/// Runs `mecred fees invoiced NUMBER --invoice BRAC-REF`.
fn run_invoiced(ctx: &Context, a: FeesInvoicedArgs) -> anyhow::Result<Status> {
    ctx.check_writable("recording an invoice")?;
    let store = ctx.open_store()?;
    let s = store.invoice_fee_statement(&a.number, &a.invoice, &ctx.actor, &now())?;
    tracing::info!(number = %s.number, "fee statement invoiced");
    if ctx.json {
        print_json(ctx, &statement_json(&s))?;
    } else {
        writeln!(ctx.out(), "recorded: {}", statement_text(&s))?;
    }
    Ok(Status::Ok)
}

/// Runs `mecred fees paid NUMBER --date D`.
fn run_paid(ctx: &Context, a: FeesPaidArgs) -> anyhow::Result<Status> {
    ctx.check_writable("recording a payment")?;
    let store = ctx.open_store()?;
    let s = store.pay_fee_statement(&a.number, a.date, &ctx.actor, &now())?;
    tracing::info!(number = %s.number, "fee statement paid");
    if ctx.json {
        print_json(ctx, &statement_json(&s))?;
    } else {
        writeln!(ctx.out(), "recorded: {}", statement_text(&s))?;
    }
    Ok(Status::Ok)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::FeePart;
    use crate::store::ConfirmationCounts;

    #[test]
    fn a_confirmed_fall_without_a_spring_confirmation_is_named_as_not_billed() {
        let code = |c: &str| DistrictCode::parse(c).unwrap();
        let spring: Term = "spring-2027".parse().unwrap();
        let part = |rc: u64| {
            Fall::Confirmed(FeePart {
                term: "fall-2026".parse().unwrap(),
                confirmation_seq: 1,
                confirmation_sha256: String::new(),
                counts: FeeCounts {
                    regional_core: rc,
                    ..FeeCounts::default()
                },
            })
        };
        let fall = BTreeMap::from([
            (code("009"), part(2)),
            (code("017"), part(3)),
            (code("036"), part(0)),
            (code("044"), Fall::Unconfirmed { qualifying: 1 }),
        ]);
        let confirmed = ConfirmationRecord {
            district: code("017"),
            term: spring,
            seq: 1,
            by: "op".into(),
            at: "t".into(),
            sha256: String::new(),
            counts: ConfirmationCounts::default(),
            withdrawn: None,
        };
        let n = unbilled(&fall, &[confirmed], spring);
        assert_eq!(n.len(), 1, "{n:?}");
        assert!(
            n[0].starts_with(
                "009 confirmed its fall-2026 report with qualifying students but not its spring-2027 report"
            ),
            "{n:?}"
        );
        assert!(n[0].contains("`mecred confirm --term spring-2027 --district 009`"));
    }
}
