//! `mecred export`, `restore` and `gen`.

use std::io::{BufReader, BufWriter, Write};

use anyhow::Context as _;

use super::args::{ExportArgs, GenArgs, RestoreArgs};
use super::{Context, Status};

/// Writes the JSON-lines dump to `-o FILE` or stdout.
pub fn export(ctx: &Context, a: ExportArgs) -> anyhow::Result<Status> {
    let store = ctx.open_store()?;
    match &a.output {
        Some(path) => {
            ctx.write_with(path, |out| Ok(store.export(out)?))?;
        }
        None => {
            let mut out = BufWriter::new(ctx.out());
            store.export(&mut out)?;
            out.flush()?;
        }
    }
    Ok(Status::Ok)
}

/// Rebuilds an empty database from a dump.
pub fn restore(ctx: &Context, a: RestoreArgs) -> anyhow::Result<Status> {
    ctx.check_writable("restore")?;
    let file = std::fs::File::open(&a.file)
        .with_context(|| format!("cannot open {}", a.file.display()))?;
    let store = ctx.open_store()?;
    store
        .restore(&mut BufReader::new(file))
        .with_context(|| format!("restoring {}", a.file.display()))?;
    writeln!(
        ctx.err(),
        "restored {} into {}",
        a.file.display(),
        store.path().display()
    )?;
    Ok(Status::Ok)
}

/// Writes the synthetic data set.
pub fn generate(ctx: &Context, a: GenArgs) -> anyhow::Result<Status> {
    let summary = crate::generate::generate(&crate::generate::GenOptions {
        students: a.students,
        seed: a.seed,
        out_dir: a.output.clone(),
    })?;
    writeln!(
        ctx.err(),
        "wrote {} districts, {} schools, {} students in {} files under {}",
        summary.districts,
        summary.schools,
        summary.students,
        summary.files.len(),
        a.output.display()
    )?;
    Ok(Status::Ok)
}
