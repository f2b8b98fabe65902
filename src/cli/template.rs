//! `mecred template --district C [-o FILE.xlsx]`.

use std::io::Write as _;

use std::path::PathBuf;

use anyhow::Context as _;

use super::args::TemplateArgs;
use super::{Context, Refused, Status};
use crate::domain::{Record, RecordKey, Term};
use crate::report::template::{Roster, write};

/// Writes the district's pre-filled completion template.
pub fn run(ctx: &Context, a: TemplateArgs) -> anyhow::Result<Status> {
    let code = a.district;
    let store = ctx.open_store()?;
    let Some(Record::District(district)) = store.get(&RecordKey::District(code.clone()))? else {
        return Err(Refused(format!("district {code} is not stored")).into());
    };
    let term = a.term.unwrap_or_else(|| Term::of(ctx.today));
    let schools = store.schools(Some(&code))?;
    let students = store.students_of_district(&code)?;
    let out = a
        .output
        .unwrap_or_else(|| PathBuf::from(format!("completions-{code}-{term}.xlsx")));
    let roster = Roster {
        district: &district,
        schools: &schools,
        students: &students,
        term,
        today: ctx.today,
    };
    let (listed, bytes) = write(&roster).with_context(|| format!("writing {}", out.display()))?;
    ctx.write_file(&out, bytes)?;
    writeln!(
        ctx.err(),
        "template for district {code} ({term}): {listed} students -> {}",
        out.display()
    )?;
    Ok(Status::Ok)
}
