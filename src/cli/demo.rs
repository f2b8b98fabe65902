//! `mecred demo`: a database built from the built-in fixtures, then the UI.

use std::io::Write as _;

use super::args::DemoArgs;
use super::import::{Staged, stage};
use super::{Context, Status, tui_source};
use crate::domain::{BatchKind, Date, Term};
use crate::store::Store;

/// The fixtures' date (their README): today for the demo unless `--today`.
pub const DEMO_TODAY: Date = Date::constant(2026, 12, 4);

/// The demo files, in the order the fixtures README imports them.
const FILES: &[(&str, &[u8], BatchKind, &str)] = &[
    (
        "districts.xlsx",
        include_bytes!("../../fixtures/districts.xlsx"),
        BatchKind::Districts,
        "fall-2026",
    ),
    (
        "completions-W3B-spring-2026.xlsx",
        include_bytes!("../../fixtures/completions-W3B-spring-2026.xlsx"),
        BatchKind::Completions,
        "spring-2026",
    ),
    (
        "completions-017-fall-2026.xlsx",
        include_bytes!("../../fixtures/completions-017-fall-2026.xlsx"),
        BatchKind::Completions,
        "fall-2026",
    ),
    (
        "completions-036-fall-2026.xls",
        include_bytes!("../../fixtures/completions-036-fall-2026.xls"),
        BatchKind::Completions,
        "fall-2026",
    ),
    (
        "completions-W3B-fall-2026.ods",
        include_bytes!("../../fixtures/completions-W3B-fall-2026.ods"),
        BatchKind::Completions,
        "fall-2026",
    ),
    (
        "completions-029-fall-2026.csv",
        include_bytes!("../../fixtures/completions-029-fall-2026.csv"),
        BatchKind::Completions,
        "fall-2026",
    ),
    (
        "exam-results.xlsx",
        include_bytes!("../../fixtures/exam-results.xlsx"),
        BatchKind::Exam,
        "fall-2026",
    ),
];

/// Imports and commits every demo file into an empty store.
pub fn build(ctx: &Context, store: &Store) -> anyhow::Result<()> {
    for (name, bytes, kind, term) in FILES {
        let term: Term = term.parse()?;
        match stage(ctx, store, name, bytes.to_vec(), Some(*kind), term, true)? {
            Staged::Batch { id, .. } => {
                writeln!(ctx.err(), "demo: {name} committed as batch {id}")?
            }
            Staged::Rejected { problem, .. } => {
                anyhow::bail!("demo fixture {name} was rejected: {}", problem.message)
            }
        }
    }
    Ok(())
}

/// Runs `mecred demo`.
pub fn run(ctx: &Context, a: DemoArgs) -> anyhow::Result<Status> {
    let mut ctx = ctx.clone();
    if !ctx.today_given {
        ctx.today = DEMO_TODAY;
    }
    let temp = match &ctx.db {
        Some(_) => None,
        None => Some(tempfile::Builder::new().prefix("mecred-demo-").tempdir()?),
    };
    if let Some(t) = &temp {
        ctx.db = Some(t.path().join("db"));
    }
    let store = ctx.open_store()?;
    if store.is_empty()? {
        build(&ctx, &store)?;
    } else {
        writeln!(
            ctx.err(),
            "demo: {} already holds data; opening it as it is",
            store.path().display()
        )?;
    }
    if a.no_ui {
        if let Some(t) = temp {
            let kept = t.keep();
            writeln!(ctx.err(), "demo database: {}", kept.join("db").display())?;
        }
        return Ok(Status::Ok);
    }
    tui_source::run(&ctx, &store)?;
    drop(store);
    drop(temp);
    Ok(Status::Ok)
}
