//! `mecred uploads list|show|commit|discard|revert`.

use std::io::Write as _;

use anyhow::Context as _;

use super::args::UploadsCommand;
use super::context::now;
use super::import::print_batch;
use super::output::print_batches;
use super::{Context, Refused, Status};
use crate::domain::{BatchState, Term};
use crate::import;
use crate::store::Store;

/// Runs an `uploads` subcommand.
pub fn run(ctx: &Context, cmd: UploadsCommand) -> anyhow::Result<Status> {
    let store = ctx.open_store()?;
    match cmd {
        UploadsCommand::List => {
            let mut batches = store.batches()?;
            // A district user sees its district's batches only.
            if let Some(own) = &ctx.district {
                batches.retain(|b| b.district.as_ref() == Some(own));
            }
            print_batches(ctx, &batches)?;
            Ok(Status::Ok)
        }
        UploadsCommand::Show { id } => {
            existing(&store, id)?;
            print_batch(ctx, &store, id)
        }
        UploadsCommand::Commit { id } => {
            ctx.check_writable("commit")?;
            commit(ctx, &store, id)?;
            print_batch(ctx, &store, id)
        }
        UploadsCommand::Discard { id } => {
            ctx.check_writable("discard")?;
            existing(&store, id)?;
            store.discard(id, &ctx.actor, &now())?;
            settled(ctx, id, BatchState::Discarded)
        }
        UploadsCommand::Revert { id } => {
            ctx.check_writable("revert")?;
            existing(&store, id)?;
            store.revert(id, &ctx.actor, &now())?;
            settled(ctx, id, BatchState::Reverted)
        }
    }
}

fn existing(store: &Store, id: u64) -> anyhow::Result<crate::domain::Batch> {
    store.batch(id)?.ok_or_else(|| {
        Refused(format!(
            "there is no batch {id} (see `mecred uploads list`)"
        ))
        .into()
    })
}

/// Re-triages a staged batch against the data as it stands now, then commits
/// its good rows.
pub fn commit(ctx: &Context, store: &Store, id: u64) -> anyhow::Result<()> {
    let batch = existing(store, id)?;
    if batch.state != BatchState::Staged {
        return Err(Refused(format!(
            "batch {id} is {}; only a staged batch can be committed",
            batch.state.as_str()
        ))
        .into());
    }
    let t = retriage(store, id, ctx.today)?;
    store.commit(id, t.summary, &t.results, t.writes, &ctx.actor, &now())?;
    tracing::info!(batch = id, "committed");
    Ok(())
}

/// A staged batch's rows triaged again against the data as it stands now
/// (what a commit writes).
pub fn retriage(
    store: &Store,
    id: u64,
    today: crate::domain::Date,
) -> anyhow::Result<import::Triage> {
    let batch = existing(store, id)?;
    let rows = store.staged_rows(id)?;
    let term = batch.term.unwrap_or_else(|| Term::of(today));
    import::triage(batch.kind, term, &rows, store)
        .with_context(|| format!("re-triaging batch {id}"))
}

fn settled(ctx: &Context, id: u64, state: BatchState) -> anyhow::Result<Status> {
    if ctx.json {
        writeln!(
            ctx.out(),
            "{}",
            serde_json::json!({ "batch": id, "state": state.as_str() })
        )?;
    } else {
        writeln!(ctx.out(), "batch {id} {}", state.as_str())?;
    }
    Ok(Status::Ok)
}
