//! `mecred report` (SPEC §4, §5): the semester confirmation report of a term,
//! for one district or every district, in Markdown, CSV, HTML or JSON.

use std::collections::BTreeMap;
use std::io::Write as _;

use super::args::ReportArgs;
use super::check::evaluate;
use super::{Context, Refused, Status};
use crate::domain::{BatchState, DistrictCode, FeeCounts, FeePart, SchoolCode, Season, Term};
use crate::policy::{Evaluation, Snapshot};
use crate::report::fees::{Fall, with_fees};
use crate::report::semester::totals;
use crate::report::{Inputs, Report, build, render};
use crate::store::Store;

/// School names by code.
pub(super) fn school_names(store: &Store) -> anyhow::Result<BTreeMap<SchoolCode, String>> {
    Ok(store
        .schools(None)?
        .into_iter()
        .map(|s| (s.code, s.name))
        .collect())
}

/// The data's last change set: the newest committed batch id.
pub(super) fn last_change_set(store: &Store) -> anyhow::Result<Option<u64>> {
    Ok(store
        .batches()?
        .iter()
        .filter(|b| b.state == BatchState::Committed)
        .map(|b| b.id)
        .max())
}

/// The report of a term for a district (or every district) as the store
/// stands, with the evaluation it was built from, and its fee section
/// when the term's school year has a fee schedule (outside the hash; a
/// spring term's section bills the school year, see [`fall_of`]).
pub(super) fn report_of(
    store: &Store,
    snap: &Snapshot,
    eval: &Evaluation,
    term: Term,
    district: Option<&DistrictCode>,
) -> anyhow::Result<Report> {
    let schools = school_names(store)?;
    let inputs = Inputs {
        term,
        district,
        schools: &schools,
        last_change_set: last_change_set(store)?,
    };
    let schedule = store.fee_schedule(term.school_year())?;
    let report = build(snap, eval, inputs);
    let fall = match (&schedule, term.season) {
        (Some(_), Season::Spring) => fall_of(store, snap, eval, term, district)?,
        _ => BTreeMap::new(),
    };
    Ok(with_fees(report, schedule.as_ref(), &fall))
}

/// Each district's fall term of `spring`'s school year, as a spring fee
/// statement bills it: its current fall confirmation, or — without one —
/// how many students qualify in the fall report as the data stands (a
/// district with none is left out: nothing to confirm or bill). One
/// district's, or every district's.
pub(super) fn fall_of(
    store: &Store,
    snap: &Snapshot,
    eval: &Evaluation,
    spring: Term,
    district: Option<&DistrictCode>,
) -> anyhow::Result<BTreeMap<DistrictCode, Fall>> {
    let fall = spring.school_year().fall();
    let mut out = BTreeMap::new();
    for c in store.confirmations()? {
        if c.term == fall && c.is_current() && district.is_none_or(|d| *d == c.district) {
            let part = FeePart {
                term: fall,
                confirmation_seq: c.seq,
                confirmation_sha256: c.sha256.clone(),
                counts: FeeCounts {
                    regional_core: c.counts.regional_core,
                    basic_statewide: c.counts.basic_statewide,
                    advanced_statewide: c.counts.advanced_statewide,
                },
            };
            out.insert(c.district, Fall::Confirmed(part));
        }
    }
    for d in totals(snap, eval, fall).districts {
        let qualifying = u64::try_from(d.totals.qualifying).unwrap_or(u64::MAX);
        if qualifying > 0 && district.is_none_or(|x| *x == d.code) && !out.contains_key(&d.code) {
            out.insert(d.code, Fall::Unconfirmed { qualifying });
        }
    }
    Ok(out)
}

/// Whether the store knows a district at all (record, agreement or student).
pub(super) fn known(snap: &Snapshot, code: &DistrictCode) -> bool {
    snap.district(code).is_some()
        || snap.agreements_of(code).is_some()
        || snap
            .students()
            .any(|(_, f)| f.student.as_ref().is_some_and(|s| &s.district() == code))
}

/// Runs `mecred report`.
pub fn run(ctx: &Context, a: ReportArgs) -> anyhow::Result<Status> {
    let store = ctx.open_store()?;
    let (snap, eval) = evaluate(&store, ctx.today)?;
    if let Some(d) = &a.district
        && !known(&snap, d)
    {
        return Err(Refused(format!("there is no district {d} in the database")).into());
    }
    let report = report_of(&store, &snap, &eval, a.term, a.district.as_ref())?;
    let bytes = render(&report, a.format);
    match &a.output {
        Some(path) => {
            ctx.write_file(path, bytes)?;
            writeln!(
                ctx.err(),
                "wrote the {} report for {} to {}",
                a.term,
                a.district
                    .as_ref()
                    .map_or("all districts".to_string(), |d| d.to_string()),
                path.display()
            )?;
        }
        None => {
            let mut out = ctx.out();
            out.write_all(&bytes)?;
            out.flush()?;
        }
    }
    Ok(Status::Ok)
}
