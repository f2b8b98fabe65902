//! The `--json` shapes of SPEC §5 and their human renderings.

use std::io::Write;

use serde::Serialize;

use super::Context;

use crate::domain::{Batch, Outcome, Problem, ProblemCode, RowResult, Severity, Summary};

/// A file-level problem as JSON: `{code, severity, message}`.
#[derive(Debug, Serialize)]
pub struct FileProblem<'a> {
    code: ProblemCode,
    severity: Severity,
    message: &'a str,
}

/// The triage of one file (`import`, `uploads show|commit`).
#[derive(Debug, Serialize)]
pub struct ImportReport<'a> {
    /// Batch id, null when the file was rejected.
    pub batch: Option<u64>,
    /// Import kind (null when a rejected file's kind is unknown).
    pub kind: Option<String>,
    /// File name.
    pub file: &'a str,
    /// SHA-256 of the file.
    pub sha256: &'a str,
    /// The district (completions only).
    pub district: Option<String>,
    /// The term.
    pub term: Option<String>,
    /// Whether the good rows were committed.
    pub committed: bool,
    /// File-level problems.
    pub problems: Vec<FileProblem<'a>>,
    /// Counts.
    pub summary: Summary,
    /// Row outcomes.
    pub rows: &'a [RowResult],
    /// Sheet and header row, for the human rendering only.
    #[serde(skip)]
    pub sheet: Option<(&'a str, u32)>,
    /// State, for the human rendering only.
    #[serde(skip)]
    pub state: Option<&'a str>,
}

/// File-level problems in the JSON shape.
pub fn file_problems(problems: &[Problem]) -> Vec<FileProblem<'_>> {
    problems
        .iter()
        .map(|p| FileProblem {
            code: p.code,
            severity: p.severity,
            message: &p.message,
        })
        .collect()
}

impl<'a> ImportReport<'a> {
    /// A report for a stored batch and its row results.
    pub fn of_batch(b: &'a Batch, rows: &'a [RowResult]) -> ImportReport<'a> {
        ImportReport {
            batch: Some(b.id),
            kind: Some(b.kind.to_string()),
            file: &b.file,
            sha256: &b.sha256,
            district: b.district.as_ref().map(ToString::to_string),
            term: b.term.map(|t| t.to_string()),
            committed: b.state == crate::domain::BatchState::Committed,
            problems: file_problems(&b.problems),
            summary: b.summary,
            rows,
            sheet: b.sheet.as_deref().zip(b.header_row),
            state: Some(b.state.as_str()),
        }
    }

    /// Prints the report: JSON, or a table for a person.
    pub fn print(&self, ctx: &Context) -> anyhow::Result<()> {
        // stdout is line-buffered: a 100,000-row report needs a real buffer.
        let mut out = std::io::BufWriter::new(ctx.out());
        if ctx.json {
            serde_json::to_writer_pretty(&mut out, self)?;
            writeln!(out)?;
        } else {
            self.human(&mut out)?;
        }
        out.flush()?;
        Ok(())
    }

    fn human(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let mut head = format!("{}: {}", self.file, self.kind.as_deref().unwrap_or("file"));
        if let Some(d) = &self.district {
            head.push_str(&format!(" for district {d}"));
        }
        if let Some(t) = &self.term {
            head.push_str(&format!(", {t}"));
        }
        if let Some((sheet, row)) = self.sheet {
            head.push_str(&format!(", sheet {sheet:?}, header on row {row}"));
        }
        writeln!(out, "{head}")?;
        for p in &self.problems {
            let sev = match p.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            writeln!(out, "  {sev} [{}]: {}", p.code.as_str(), p.message)?;
        }
        let s = self.summary;
        writeln!(
            out,
            "  rows {}: new {}, changed {}, unchanged {}, warning {}, error {}",
            s.rows, s.new, s.changed, s.unchanged, s.warning, s.error
        )?;
        for r in self.rows {
            // New records would list every field: show only what needs a look.
            if r.problems.is_empty() && (r.changes.is_empty() || r.outcome == Outcome::New) {
                continue;
            }
            let id = r.student_id.as_deref().unwrap_or("-");
            writeln!(
                out,
                "  row {:>5}  {id:<10}  {}",
                r.row,
                outcome_word(r.outcome)
            )?;
            for p in &r.problems {
                writeln!(
                    out,
                    "      {} [{}] {}: {}",
                    if p.is_error() { "error" } else { "warning" },
                    p.code.as_str(),
                    p.column.as_deref().unwrap_or("-"),
                    p.message
                )?;
            }
            for c in &r.changes {
                writeln!(
                    out,
                    "      {}: {} -> {}",
                    c.field,
                    c.before.as_deref().unwrap_or("(empty)"),
                    c.after.as_deref().unwrap_or("(empty)")
                )?;
            }
        }
        match (self.batch, self.committed, self.state) {
            (None, ..) => writeln!(out, "  the file is rejected: nothing staged")?,
            (Some(id), true, _) => writeln!(
                out,
                "  batch {id} committed ({} error rows left out)",
                s.error
            )?,
            (Some(id), false, Some("staged") | None) => writeln!(
                out,
                "  batch {id} staged: `mecred uploads commit {id}` commits its good rows, `mecred uploads discard {id}` drops it"
            )?,
            (Some(id), false, Some(state)) => writeln!(out, "  batch {id} is {state}")?,
        }
        Ok(())
    }
}

fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::New => "new",
        Outcome::Changed => "changed",
        Outcome::Unchanged => "unchanged",
        Outcome::Warning => "warning",
        Outcome::Error => "error",
    }
}

/// One line of `uploads list --json`.
#[derive(Debug, Serialize)]
pub struct BatchLine<'a> {
    batch: u64,
    kind: String,
    district: Option<String>,
    term: Option<String>,
    file: &'a str,
    state: &'static str,
    summary: Summary,
    imported_at: &'a str,
    imported_by: &'a str,
}

/// Prints `uploads list`.
pub fn print_batches(ctx: &Context, batches: &[Batch]) -> anyhow::Result<()> {
    let json = ctx.json;
    let mut out = std::io::BufWriter::new(ctx.out());
    let lines: Vec<BatchLine> = batches
        .iter()
        .map(|b| BatchLine {
            batch: b.id,
            kind: b.kind.to_string(),
            district: b.district.as_ref().map(ToString::to_string),
            term: b.term.map(|t| t.to_string()),
            file: &b.file,
            state: b.state.as_str(),
            summary: b.summary,
            imported_at: &b.imported_at,
            imported_by: &b.imported_by,
        })
        .collect();
    if json {
        serde_json::to_writer_pretty(&mut out, &serde_json::json!({ "batches": lines }))?;
        writeln!(out)?;
        out.flush()?;
        return Ok(());
    }
    if lines.is_empty() {
        writeln!(out, "no upload batches")?;
    }
    for l in &lines {
        writeln!(
            out,
            "{:>4}  {:<10} {:<12} {:<4} {:<11} rows {:>6} (error {:>5})  {}  {} by {}",
            l.batch,
            l.state,
            l.kind,
            l.district.as_deref().unwrap_or("-"),
            l.term.as_deref().unwrap_or("-"),
            l.summary.rows,
            l.summary.error,
            l.file,
            l.imported_at,
            l.imported_by
        )?;
    }
    out.flush()?;
    Ok(())
}
