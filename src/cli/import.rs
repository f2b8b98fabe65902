//! `mecred import`: stage and triage a file, optionally commit its good rows.

use std::io::Write as _;

use std::path::Path;

use anyhow::Context as _;
use sha2::{Digest, Sha256};

use super::args::ImportArgs;
use super::context::now;
use super::output::{ImportReport, file_problems};
use super::{Context, Status};
use crate::domain::{Batch, BatchKind, BatchState, Problem, StageStep, Summary, Term};
use crate::import;
use crate::store::Store;

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `path` made absolute (as given when that fails), for the batch's origin.
pub fn absolute(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

/// The file name part of a path, for the batch record.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Runs `mecred import`.
pub fn run(ctx: &Context, a: ImportArgs) -> anyhow::Result<Status> {
    ctx.check_writable("import")?;
    let bytes = ctx.read_file(&a.file)?;
    let store = ctx.open_store()?;
    let term = a.term.unwrap_or_else(|| Term::of(ctx.today));
    // On a terminal (here, or the client's when the server runs it), how
    // far a long file has come, on one line rewritten as it goes.
    let show = ctx.io.progress();
    let mut shown = false;
    let mut progress = |step: StageStep| {
        let (what, done, total) = match step {
            StageStep::Read { .. } => return,
            StageStep::Triaged { done, total } => ("triaging", done, total),
            StageStep::Stored { done, total } => ("storing", done, total),
        };
        if show {
            shown = true;
            let _ = write!(ctx.err(), "\r\x1b[2K{what} {done} of {total} rows");
            if matches!(step, StageStep::Triaged { .. }) && done == total {
                // Triaged: what it says next (the return file) starts clean.
                let _ = write!(ctx.err(), "\r\x1b[2K");
            }
        }
    };
    let outcome = stage_file(
        ctx,
        &store,
        &file_name(&a.file),
        bytes,
        a.kind,
        term,
        a.commit,
        a.errors_out.as_deref(),
        &mut progress,
    );
    if shown {
        write!(ctx.err(), "\r\x1b[2K")?;
    }
    let outcome = outcome?;
    match outcome {
        Staged::Rejected { problem, sha256 } => {
            if a.errors_out.is_some() {
                writeln!(
                    ctx.err(),
                    "mecred: no error return file: the file is rejected as a whole"
                )?;
            }
            let problems = [problem];
            let report = ImportReport {
                batch: None,
                kind: a.kind.map(|k| k.to_string()),
                file: &file_name(&a.file),
                sha256: &sha256,
                district: None,
                term: Some(term.to_string()),
                committed: false,
                problems: file_problems(&problems),
                summary: Summary::default(),
                rows: &[],
                sheet: None,
                state: None,
            };
            report.print(ctx)?;
            Ok(Status::BadInput)
        }
        Staged::Batch { id, results } => {
            store.set_origin(id, &absolute(&a.file))?;
            print_staged(ctx, &store, id, &results)
        }
    }
}

/// Prints a batch just staged, from the results in hand.
fn print_staged(
    ctx: &Context,
    store: &Store,
    id: u64,
    results: &[crate::domain::RowResult],
) -> anyhow::Result<Status> {
    let batch = store
        .batch(id)?
        .with_context(|| format!("batch {id} vanished"))?;
    ImportReport::of_batch(&batch, results).print(ctx)?;
    Ok(exit_status(&batch))
}

fn exit_status(batch: &Batch) -> Status {
    if batch.summary.error > 0 {
        Status::BadInput
    } else {
        Status::Ok
    }
}

/// Prints a stored batch's triage; exit 1 when it has error rows.
pub fn print_batch(ctx: &Context, store: &Store, id: u64) -> anyhow::Result<Status> {
    let batch = store
        .batch(id)?
        .with_context(|| format!("batch {id} vanished"))?;
    let rows = store.row_results(id)?;
    ImportReport::of_batch(&batch, &rows).print(ctx)?;
    Ok(exit_status(&batch))
}

/// What staging a file did.
pub enum Staged {
    /// A whole-file error: nothing staged.
    Rejected {
        /// The reason.
        problem: Problem,
        /// The file's hash.
        sha256: String,
    },
    /// Staged (and committed when asked) as this batch.
    Batch {
        /// The batch id.
        id: u64,
        /// Its row results (as stored).
        results: Vec<crate::domain::RowResult>,
    },
}

/// Reads, triages and stages one file; with `commit`, commits its good rows.
pub fn stage(
    ctx: &Context,
    store: &Store,
    name: &str,
    bytes: Vec<u8>,
    kind: Option<BatchKind>,
    term: Term,
    commit: bool,
) -> anyhow::Result<Staged> {
    stage_file(
        ctx,
        store,
        name,
        bytes,
        kind,
        term,
        commit,
        None,
        &mut |_| {},
    )
}

/// [`stage`] without commit, telling `progress` how far it has come (for
/// the TUI's gauge).
pub fn stage_reporting(
    ctx: &Context,
    store: &Store,
    name: &str,
    bytes: Vec<u8>,
    kind: Option<BatchKind>,
    term: Term,
    progress: &mut dyn FnMut(StageStep),
) -> anyhow::Result<Staged> {
    stage_file(ctx, store, name, bytes, kind, term, false, None, progress)
}

/// [`stage`], also writing the error return file to `errors_out`.
#[allow(clippy::too_many_arguments)]
fn stage_file(
    ctx: &Context,
    store: &Store,
    name: &str,
    bytes: Vec<u8>,
    kind: Option<BatchKind>,
    term: Term,
    commit: bool,
    errors_out: Option<&Path>,
    progress: &mut dyn FnMut(StageStep),
) -> anyhow::Result<Staged> {
    let sha256 = sha256_hex(&bytes);
    let parsed = match import::parse_bytes(name, bytes, kind, ctx.today) {
        Ok(p) => p,
        Err(problem) => {
            tracing::info!(code = %problem.code.as_str(), "file rejected");
            return Ok(Staged::Rejected { problem, sha256 });
        }
    };
    let mut parsed = parsed;
    if errors_out.is_none() {
        // Only the return file needs the cells: free them before triage.
        parsed.table = import::read::Table::default();
    }
    let total = parsed.rows.len();
    progress(StageStep::Read { rows: total });
    let t = import::triage_reporting(parsed.kind, term, &parsed.rows, store, &mut |done| {
        progress(StageStep::Triaged { done, total });
    })?;
    // A district user (the server runs the command for them) stages only
    // its own district's completions: anything else is refused before
    // anything is staged, and the refusal is recorded.
    if let Some(own) = &ctx.district
        && t.district.as_ref() != Some(own)
    {
        let why = format!(
            "{} may import only district {own}'s completions: {name} is {}; nothing was staged",
            ctx.actor,
            t.district.as_ref().map_or_else(
                || format!("a {} file of no district", parsed.kind),
                |d| format!("district {d}'s")
            )
        );
        let refusal = crate::domain::Refusal {
            seq: 0,
            user: ctx.actor.clone(),
            request: "import".to_string(),
            reason: why.clone(),
            at: now(),
        };
        if let Err(e) = store.add_refusal(refusal) {
            tracing::error!(error = %e, "could not record a refusal");
        }
        return Err(super::Refused(why).into());
    }
    if let Some(out) = errors_out {
        write_return_file(ctx, out, name, &parsed, &t.results)?;
    }
    // The cells are not needed past this point: free them first.
    let import::Parsed {
        kind,
        sheet,
        header_row,
        problems,
        rows,
        ..
    } = parsed;
    let at = now();
    let batch = Batch {
        id: 0,
        kind,
        district: t.district.clone(),
        term: Some(term),
        file: name.to_string(),
        sha256,
        imported_at: at.clone(),
        imported_by: ctx.actor.clone(),
        state: BatchState::Staged,
        summary: t.summary,
        problems,
        sheet: Some(sheet),
        header_row: Some(header_row),
        settled_at: None,
        settled_by: None,
    };
    let id = store.stage_reporting(batch, &rows, &t.results, &mut |done| {
        progress(StageStep::Stored { done, total });
    })?;
    // The typed rows are stored now; free them before committing.
    drop(rows);
    tracing::info!(
        batch = id,
        rows = t.summary.rows,
        errors = t.summary.error,
        "staged"
    );
    if commit {
        store.commit_as_staged(id, t.writes, &ctx.actor, &now())?;
        tracing::info!(batch = id, "committed");
    }
    Ok(Staged::Batch {
        id,
        results: t.results,
    })
}

/// Writes the error return file (SPEC §4), saying where on stderr.
fn write_return_file(
    ctx: &Context,
    out: &Path,
    name: &str,
    parsed: &import::Parsed,
    results: &[crate::domain::RowResult],
) -> anyhow::Result<()> {
    let want = if parsed.table.is_csv() { "csv" } else { "xlsx" };
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if ext.as_deref() != Some(want) {
        writeln!(
            ctx.err(),
            "mecred: note: the error return file for {name} is written as .{want} (to {})",
            out.display()
        )?;
    }
    let bytes = import::return_file::bytes(out, &parsed.table, parsed.header_index, results)?;
    ctx.write_file(out, bytes)?;
    let rows = results.iter().filter(|r| !r.problems.is_empty()).count();
    writeln!(
        ctx.err(),
        "error return file: {} ({rows} rows with problems)",
        out.display()
    )?;
    Ok(())
}

/// Writes the error return file of a stored batch to `out` (its extension
/// set to the upload's: `.csv` or `.xlsx`), for the TUI. The store keeps a
/// batch's typed rows and results but not the file's cells, so the original
/// is read again from `original` and must be the very file imported (same
/// SHA-256); the batch's latest row results fill the `Errors` column.
/// Returns the path written and how many rows have problems.
pub(crate) fn return_file_of_batch(
    store: &Store,
    id: u64,
    original: &Path,
    today: crate::domain::Date,
    out: &Path,
) -> anyhow::Result<(std::path::PathBuf, usize)> {
    let bytes = std::fs::read(original).with_context(|| {
        format!(
            "cannot read {}, the file imported as batch {id} (mecred keeps its rows, not the file: start mecred where the file is)",
            original.display()
        )
    })?;
    return_file_of_bytes(store, id, bytes, original, today, out)
}

/// [`return_file_of_batch`] from the original's bytes (read by a client
/// of the server), `original` naming it in messages.
pub fn return_file_of_bytes(
    store: &Store,
    id: u64,
    bytes: Vec<u8>,
    original: &Path,
    today: crate::domain::Date,
    out: &Path,
) -> anyhow::Result<(std::path::PathBuf, usize)> {
    let batch = store
        .batch(id)?
        .with_context(|| format!("there is no batch {id}"))?;
    if sha256_hex(&bytes) != batch.sha256 {
        anyhow::bail!(
            "{} is not the file imported as batch {id}: its contents differ",
            original.display()
        );
    }
    let parsed = import::parse_bytes(&batch.file, bytes, Some(batch.kind), today)
        .map_err(|p| anyhow::anyhow!("cannot read {}: {}", original.display(), p.message))?;
    let results = store.row_results(id)?;
    let out = out.with_extension(if parsed.table.is_csv() { "csv" } else { "xlsx" });
    import::return_file::write(&out, &parsed.table, parsed.header_index, &results)?;
    let rows = results.iter().filter(|r| !r.problems.is_empty()).count();
    Ok((out, rows))
}
