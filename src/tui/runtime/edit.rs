//! The runtime's side of bulk edit: the preview (the host owns the
//! policy), applying a change set, and undo / redo derived from the stored
//! batches and audit events, so both work after a restart.

use std::collections::{HashMap, HashSet};

use anyhow::Context as _;

use super::Host;
use crate::domain::{Batch, BatchKind, BatchState, Record, RecordKey, Write};
use crate::tui::app::{App, EditPlan, EditPreview, Effect, Loaded};
use crate::tui::source::{EventAction, Source};

/// How a redo's description starts (`redo of change set 7: …`): a redo is
/// not "something newer" that blocks the redo of an older undo.
const REDO: &str = "redo of change set ";

impl Host {
    /// What `plan` would write, from the evaluation's records, and the
    /// findings it would add and remove; handed to the app.
    pub fn preview_edit(&mut self, app: &mut App, plan: &EditPlan) -> Vec<Effect> {
        let r = match self.policy.as_mut() {
            None => Err("the findings are still being evaluated: try again in a moment".into()),
            Some(p) => {
                let writes = plan.writes(|id| match p.record(&RecordKey::Student(id.clone())) {
                    Some(Record::Student(s)) => Some(s),
                    _ => None,
                });
                let delta = p.delta(&writes);
                Ok(EditPreview {
                    description: plan.description(),
                    asked: plan.ids.len(),
                    writes,
                    added: delta.added,
                    removed: delta.removed,
                })
            }
        };
        app.loaded(Loaded::EditPreview(r))
    }
}

/// A store write for a worker: what it made (for the host's `committed`)
/// and the line for the status bar.
pub struct Done {
    /// The writes made (empty when refused).
    pub writes: Vec<Write>,
    /// What to say.
    pub message: Loaded,
}

impl Done {
    fn ok(writes: Vec<Write>, text: String) -> Done {
        Done {
            writes,
            message: Loaded::Message(text, false),
        }
    }
    fn refused(e: &anyhow::Error) -> Done {
        Done {
            writes: Vec::new(),
            message: Loaded::Message(format!("{e:#}"), true),
        }
    }
}

/// Runs [`Effect::ApplyEdit`], [`Effect::Undo`] or [`Effect::Redo`]
/// against `source` as `actor` (`None` for any other effect).
pub fn run(source: &dyn Source, actor: &str, read_only: bool, effect: Effect) -> Option<Done> {
    if read_only
        && matches!(
            effect,
            Effect::ApplyEdit { .. }
                | Effect::Undo
                | Effect::Redo
                | Effect::Transfer { .. }
                | Effect::IssueCertificates { .. }
                | Effect::AddNote { .. }
        )
    {
        return Some(Done::refused(&anyhow::anyhow!(
            "read-only: editing is refused"
        )));
    }
    let r = match effect {
        Effect::ApplyEdit {
            description,
            writes,
        } => source
            .apply_change_set(BatchKind::Edit, &description, writes, actor)
            .map(|(id, made)| {
                let text = format!("change set {id}: {description}");
                (made, text)
            })
            .context("the edit was not applied"),
        Effect::Undo => undo(source, actor),
        Effect::Redo => redo(source, actor),
        Effect::Transfer { id, school } => super::records::transfer(source, actor, &id, &school),
        Effect::IssueCertificates { ids, dir, today } => {
            super::certificates::issue(source, actor, today, &ids, &dir)
        }
        Effect::AddNote { target, text } => {
            return Some(super::records::note(source, actor, target, &text));
        }
        _ => return None,
    };
    Some(match r {
        Ok((writes, text)) => Done::ok(writes, text),
        Err(e) => Done::refused(&e),
    })
}

fn mine(b: &Batch, actor: &str) -> bool {
    matches!(b.kind, BatchKind::Edit | BatchKind::Transfer) && b.imported_by == actor
}

fn redo_of(b: &Batch) -> Option<u64> {
    let rest = b.file.strip_prefix(REDO)?;
    rest.split(':').next()?.parse().ok()
}

/// Reverts `actor`'s newest committed edit or transfer change set.
pub fn undo(source: &dyn Source, actor: &str) -> anyhow::Result<(Vec<Write>, String)> {
    let batches = source.batches()?;
    let Some(b) = batches
        .iter()
        .filter(|b| mine(b, actor) && b.state == BatchState::Committed)
        .max_by_key(|b| b.id)
    else {
        anyhow::bail!("nothing to undo: you have no committed change set");
    };
    let writes = source
        .revert_batch(b.id, actor)
        .with_context(|| format!("cannot undo change set {}", b.id))?;
    let text = format!("undid change set {}: {}", b.id, b.file);
    Ok((writes, text))
}

/// Re-applies `actor`'s most recently undone change set (its
/// after-images) as a new change set; refused when one of its records
/// changed since the undo, or when `actor` committed something since.
pub fn redo(source: &dyn Source, actor: &str) -> anyhow::Result<(Vec<Write>, String)> {
    let batches = source.batches()?;
    let by_id: HashMap<u64, &Batch> = batches.iter().map(|b| (b.id, b)).collect();
    let redone: HashSet<u64> = batches
        .iter()
        .filter(|b| mine(b, actor))
        .filter_map(redo_of)
        .collect();
    let events = source.event_summaries()?;
    let undone = events.iter().rev().find(|e| {
        e.action == EventAction::Revert
            && e.actor == actor
            && !redone.contains(&e.batch)
            && by_id
                .get(&e.batch)
                .is_some_and(|b| mine(b, actor) && b.state == BatchState::Reverted)
    });
    let Some(undone) = undone else {
        anyhow::bail!("nothing to redo: you have undone no change set");
    };
    let id = undone.batch;
    let Some(batch) = by_id.get(&id) else {
        anyhow::bail!("nothing to redo: change set {id} is gone");
    };
    let newer = events.iter().find(|e| {
        e.seq > undone.seq
            && e.action == EventAction::Commit
            && e.actor == actor
            && by_id.get(&e.batch).is_none_or(|b| redo_of(b).is_none())
    });
    if let Some(e) = newer {
        anyhow::bail!(
            "cannot redo change set {id}: you committed change set {} since the undo",
            e.batch
        );
    }
    let writes = net(source.committed_writes(id)?);
    for w in &writes {
        if source.record(&w.key)? != w.before {
            anyhow::bail!(
                "cannot redo change set {id}: {} changed since the undo",
                w.key
            );
        }
    }
    let description = format!("{REDO}{id}: {}", batch.file);
    let (new, made) = source
        .apply_change_set(batch.kind, &description, writes, actor)
        .with_context(|| format!("cannot redo change set {id}"))?;
    Ok((made, format!("redid change set {id} as change set {new}")))
}

/// One write per key: its first before-image (what the undo restored) and
/// its last after-image (what the change set left), in first-write order.
fn net(writes: Vec<Write>) -> Vec<Write> {
    let mut at: HashMap<RecordKey, usize> = HashMap::new();
    let mut out: Vec<Write> = Vec::new();
    for w in writes {
        match at.get(&w.key).and_then(|i| out.get_mut(*i)) {
            Some(first) => first.after = w.after,
            None => {
                at.insert(w.key.clone(), out.len());
                out.push(w);
            }
        }
    }
    out
}
