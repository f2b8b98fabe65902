//! `mecred packet --term T [--district C] -o DIR` (issue 8): the Department
//! of Education packet of a term, as one deterministic zip in DIR.
//!
//! A district is in the packet when its current confirmation's hash is the
//! hash of its report as it stands now (as for certificates: a stale
//! confirmation is not the report the packet would carry, so the district
//! confirms again first). Every other district of the term's report is named
//! in `index.html` and `manifest.json` with why it is left out. A term with
//! no confirmed district is refused (exit 1).

use std::io::Write as _;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use super::args::PacketArgs;
use super::check::evaluate;
use super::report::{known, report_of};
use super::{Context, Refused, Status};
use crate::domain::{Batch, BatchKind, BatchState, DistrictCode, Term};
use crate::report::hash;
use crate::report::packet::{
    ConfirmationDoc, Excluded, PacketFile, WithdrawnDoc, assemble, district_files, sha256_hex, zip,
};
use crate::store::{ConfirmationRecord, Store};

#[derive(Debug, Serialize)]
struct PacketJson {
    term: String,
    file: PathBuf,
    sha256: String,
    districts: Vec<String>,
    excluded: Vec<Excluded>,
    files: usize,
}

/// The zip's file name: `doe-packet-<term>.zip`, or
/// `doe-packet-<term>-<district>.zip` for one district.
pub(crate) fn file_name(term: Term, district: Option<&DistrictCode>) -> String {
    match district {
        Some(d) => format!("doe-packet-{term}-{d}.zip"),
        None => format!("doe-packet-{term}.zip"),
    }
}

/// The upload batches (files, not edits) of `term` that concern `district`:
/// its own completions files, and the statewide files (exam results,
/// Statewide, certificates, districts) read as that term. Discarded batches
/// are left out: they never changed anything.
fn batches_for(all: &[Batch], term: Term, district: &DistrictCode) -> Vec<Batch> {
    all.iter()
        .filter(|b| b.term == Some(term) && b.state != BatchState::Discarded)
        .filter(|b| match b.kind {
            BatchKind::Edit | BatchKind::Transfer => false,
            BatchKind::Completions => b.district.as_ref() == Some(district),
            _ => b.district.is_none() || b.district.as_ref() == Some(district),
        })
        .cloned()
        .collect()
}

fn confirmation_doc(
    current: &ConfirmationRecord,
    history: &[ConfirmationRecord],
    now: String,
) -> ConfirmationDoc {
    let c = &current.counts;
    let counts = BTreeMap::from([
        ("regional_core".to_string(), c.regional_core),
        ("basic_statewide".to_string(), c.basic_statewide),
        ("advanced_statewide".to_string(), c.advanced_statewide),
        ("error_findings".to_string(), c.error_findings),
        ("warn_findings".to_string(), c.warn_findings),
    ]);
    let withdrawn = history
        .iter()
        .filter_map(|h| {
            h.withdrawn.as_ref().map(|w| WithdrawnDoc {
                seq: h.seq,
                confirmed_by: h.by.clone(),
                confirmed_at: h.at.clone(),
                withdrawn_by: w.by.clone(),
                withdrawn_at: w.at.clone(),
                reason: w.reason.clone(),
            })
        })
        .collect();
    ConfirmationDoc {
        district: current.district.clone(),
        term: current.term,
        seq: current.seq,
        by: current.by.clone(),
        at: current.at.clone(),
        sha256: current.sha256.clone(),
        report_sha256_now: now,
        counts,
        withdrawn,
    }
}

/// The packet's files for `term` (every district, or one), the districts
/// in it and those left out. Refused when no district is confirmed.
pub(crate) fn build(
    store: &Store,
    today: crate::domain::Date,
    term: Term,
    district: Option<&DistrictCode>,
) -> anyhow::Result<(Vec<PacketFile>, Vec<DistrictCode>, Vec<Excluded>)> {
    let (snap, eval) = evaluate(store, today)?;
    if let Some(d) = district
        && !known(&snap, d)
    {
        return Err(Refused(format!("there is no district {d} in the database")).into());
    }
    let all = report_of(store, &snap, &eval, term, district)?;
    let batches = store.batches()?;
    let mut files = Vec::new();
    let mut included = Vec::new();
    let mut excluded = Vec::new();
    for d in &all.districts {
        let history = store.confirmations_of(&d.code, term)?;
        let exclude = |reason: String| Excluded {
            district: d.code.clone(),
            name: d.name.clone(),
            reason,
        };
        let Some(current) = history.iter().find(|c| c.is_current()) else {
            excluded.push(exclude(format!(
                "has not confirmed its {term} report (`mecred confirm --term {term} --district {}`)",
                d.code
            )));
            continue;
        };
        let own = report_of(store, &snap, &eval, term, Some(&d.code))?;
        let now = hash(&own);
        if !store.confirmation_matches(current, &now)? {
            excluded.push(exclude(format!(
                "its {term} report changed since it was confirmed (CONFIRM-STALE: confirmed {}, now {}); withdraw and confirm again",
                current.sha256, now
            )));
            continue;
        }
        let doc = confirmation_doc(current, &history, now);
        files.extend(district_files(
            &own,
            &snap,
            &doc,
            &batches_for(&batches, term, &d.code),
        ));
        included.push(d.code.clone());
    }
    if included.is_empty() {
        let scope = district.map_or("no district".to_string(), |d| format!("district {d}"));
        return Err(Refused(format!(
            "no packet for {term}: {scope} has a current confirmation of its {term} report matching the report now (`mecred confirm --term {term} --district C`)"
        ))
        .into());
    }
    let packet = assemble(term, today, included.clone(), excluded.clone(), files);
    Ok((packet, included, excluded))
}

/// Runs `mecred packet`.
pub fn run(ctx: &Context, a: PacketArgs) -> anyhow::Result<Status> {
    let store = ctx.open_store()?;
    let (files, included, excluded) = build(&store, ctx.today, a.term, a.district.as_ref())?;
    let bytes = zip(&files)?;
    ctx.create_dir_all(&a.output)?;
    let path = a.output.join(file_name(a.term, a.district.as_ref()));
    let sha256 = sha256_hex(&bytes);
    ctx.write_file(&path, bytes)?;
    tracing::info!(term = %a.term, districts = included.len(), "packet written");
    let out = PacketJson {
        term: a.term.to_string(),
        file: path,
        sha256,
        districts: included.iter().map(ToString::to_string).collect(),
        excluded,
        files: files.len(),
    };
    if ctx.json {
        writeln!(ctx.out(), "{}", serde_json::to_string_pretty(&out)?)?;
        return Ok(Status::Ok);
    }
    for x in &out.excluded {
        writeln!(ctx.err(), "left out {}: {}", x.district, x.reason)?;
    }
    writeln!(
        ctx.out(),
        "wrote the {} Department of Education packet ({} file(s), district(s) {}) to {} (sha256 {})",
        out.term,
        out.files,
        out.districts.join(", "),
        out.file.display(),
        out.sha256
    )?;
    Ok(Status::Ok)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::Summary;

    fn batch(id: u64, kind: BatchKind, district: Option<&str>, term: &str) -> Batch {
        Batch {
            id,
            kind,
            district: district.and_then(DistrictCode::parse),
            term: Some(term.parse().unwrap()),
            file: "f".into(),
            sha256: "00".into(),
            imported_at: "t".into(),
            imported_by: "op".into(),
            state: BatchState::Committed,
            summary: Summary::default(),
            problems: Vec::new(),
            sheet: None,
            header_row: None,
            settled_at: None,
            settled_by: None,
        }
    }

    #[test]
    fn a_districts_batches_are_its_files_and_the_statewide_files_of_the_term() {
        let mut discarded = batch(6, BatchKind::Completions, Some("017"), "fall-2026");
        discarded.state = BatchState::Discarded;
        let all = vec![
            batch(1, BatchKind::Completions, Some("017"), "fall-2026"),
            batch(2, BatchKind::Completions, Some("036"), "fall-2026"),
            batch(3, BatchKind::Completions, Some("017"), "spring-2026"),
            batch(4, BatchKind::Exam, None, "fall-2026"),
            batch(5, BatchKind::Edit, Some("017"), "fall-2026"),
            discarded,
        ];
        let d = DistrictCode::parse("017").unwrap();
        let ids: Vec<u64> = batches_for(&all, "fall-2026".parse().unwrap(), &d)
            .iter()
            .map(|b| b.id)
            .collect();
        assert_eq!(ids, [1, 4]);
    }

    #[test]
    fn the_file_name_names_the_term_and_the_district() {
        let t: Term = "spring-2027".parse().unwrap();
        assert_eq!(file_name(t, None), "doe-packet-spring-2027.zip");
        let d = DistrictCode::parse("W3B").unwrap();
        assert_eq!(file_name(t, Some(&d)), "doe-packet-spring-2027-W3B.zip");
    }
}
