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
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            let mut out = BufWriter::new(file);
            store.export(&mut out)?;
            out.flush()
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        None => {
            let mut out = BufWriter::new(std::io::stdout().lock());
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
    eprintln!(
        "restored {} into {}",
        a.file.display(),
        store.path().display()
    );
    Ok(Status::Ok)
}

/// Writes the synthetic data set.
pub fn generate(a: GenArgs) -> anyhow::Result<Status> {
    let summary = crate::generate::generate(&crate::generate::GenOptions {
        students: a.students,
        seed: a.seed,
        out_dir: a.output.clone(),
    })?;
    eprintln!(
        "wrote {} districts, {} schools, {} students in {} files under {}",
        summary.districts,
        summary.schools,
        summary.students,
        summary.files.len(),
        a.output.display()
    );
    Ok(Status::Ok)
}
