//! The runtime's side of issue 5's record keys: the audit log built for a
//! filter (change sets and notes, newest first), a transfer and a note run
//! on the write worker.

use std::collections::{BTreeSet, HashMap, HashSet};

use anyhow::Context as _;

use super::edit::Done;
use crate::domain::{DistrictCode, Note, NoteTarget, RecordKey, SchoolCode, StudentId};
use crate::store::EventAction;
use crate::tui::app::{AuditFilter, AuditLog, AuditRow, Loaded};
use crate::tui::source::Source;

/// The district a note's target belongs to, when it can be told.
fn note_district(source: &dyn Source, n: &Note) -> Option<DistrictCode> {
    match &n.target {
        NoteTarget::Record(RecordKey::District(c)) => Some(c.clone()),
        NoteTarget::Record(RecordKey::School(c)) => Some(c.district()),
        NoteTarget::Record(RecordKey::Student(id)) => {
            source.student(id).ok().flatten().map(|s| s.district())
        }
        _ => None,
    }
}

fn note_is_on(n: &Note, student: &StudentId) -> bool {
    matches!(&n.target, NoteTarget::Record(RecordKey::Student(id)) if id == student)
}

/// Every change set's events and every note matching `filter`, newest
/// first, with the actors and districts the filters can cycle through.
pub fn audit_log(source: &dyn Source, filter: &AuditFilter) -> anyhow::Result<AuditLog> {
    let batches: HashMap<u64, crate::domain::Batch> =
        source.batches()?.into_iter().map(|b| (b.id, b)).collect();
    let events = source.event_summaries()?;
    let notes = source.notes()?;
    let mut actors: BTreeSet<String> = events.iter().map(|e| e.actor.clone()).collect();
    actors.extend(notes.iter().map(|n| n.by.clone()));
    let districts: BTreeSet<DistrictCode> = batches
        .values()
        .filter_map(|b| b.district.clone())
        .collect();
    let of_student: Option<HashSet<u64>> = match &filter.student {
        Some(id) => Some(
            source
                .events_for(&RecordKey::Student(id.clone()))?
                .iter()
                .map(|e| e.seq)
                .collect(),
        ),
        None => None,
    };
    let mut rows = Vec::new();
    // Newest first within a second too: the sort below is stable.
    for e in events.into_iter().rev() {
        let b = batches.get(&e.batch);
        let keep = filter.actor.as_ref().is_none_or(|a| &e.actor == a)
            && filter.batch.is_none_or(|id| e.batch == id)
            && filter
                .district
                .as_ref()
                .is_none_or(|d| b.and_then(|b| b.district.as_ref()) == Some(d))
            && of_student.as_ref().is_none_or(|s| s.contains(&e.seq));
        if !keep {
            continue;
        }
        rows.push(AuditRow {
            at: e.at.clone(),
            actor: e.actor.clone(),
            kind: b.map_or_else(|| "?".into(), |b| b.kind.as_str().to_string()),
            action: match e.action {
                EventAction::Commit => "commit".into(),
                EventAction::Revert => "revert".into(),
            },
            batch: Some(e.batch),
            // The change set's file or description, and how many records.
            description: format!("{} ({})", b.map_or("", |b| b.file.as_str()), e.writes),
            event: Some(e),
        });
    }
    if filter.batch.is_none() {
        for n in notes.into_iter().rev() {
            let keep = filter.actor.as_ref().is_none_or(|a| &n.by == a)
                && filter.student.as_ref().is_none_or(|s| note_is_on(&n, s))
                && filter
                    .district
                    .as_ref()
                    .is_none_or(|d| note_district(source, &n).as_ref() == Some(d));
            if keep {
                rows.push(AuditRow {
                    at: n.at.clone(),
                    actor: n.by.clone(),
                    kind: "note".into(),
                    action: "note".into(),
                    batch: None,
                    description: format!("{}: {}", n.target, n.text),
                    event: None,
                });
            }
        }
    }
    // Newest first (RFC 3339 UTC sorts as text); within one second,
    // events (newest first) before notes (newest first).
    rows.sort_by(|a, b| b.at.cmp(&a.at));
    Ok(AuditLog {
        rows,
        actors: actors.into_iter().collect(),
        districts: districts.into_iter().collect(),
    })
}

/// Moves `id` to `school` as `actor`.
pub fn transfer(
    source: &dyn Source,
    actor: &str,
    id: &StudentId,
    school: &SchoolCode,
) -> anyhow::Result<(Vec<crate::domain::Write>, String)> {
    let (batch, writes) = source
        .transfer_student(id, school, actor)
        .with_context(|| format!("student {id} was not transferred"))?;
    Ok((
        writes,
        format!("change set {batch}: transferred student {id} to school {school} (u undoes)"),
    ))
}

/// Stores a note as `actor`; the message (or the refusal) for the app.
pub fn note(source: &dyn Source, actor: &str, target: NoteTarget, text: &str) -> Done {
    let label = target.to_string();
    let r = source
        .add_note(target, text, actor)
        .map(|seq| format!("note {seq} added to {label}"))
        .map_err(|e| format!("the note was not added: {e:#}"));
    Done {
        writes: Vec::new(),
        message: Loaded::NoteAdded(r),
    }
}
