//! `mecred note` and `mecred notes` (issue 5): auditors' append-only notes on
//! a record (student, school, district) or a finding.

use std::io::Write as _;

use serde_json::json;

use super::args::{NoteArgs, NoteTargetArgs, NotesArgs};
use super::check::evaluate;
use super::context::now;
use super::{Context, Refused, Status};
use crate::domain::{Note, NoteTarget, RecordKey};

/// The target named by the flags, if any (clap's group allows at most one).
fn target(a: NoteTargetArgs) -> Option<NoteTarget> {
    if let Some(id) = a.student {
        Some(NoteTarget::Record(RecordKey::Student(id)))
    } else if let Some(c) = a.school {
        Some(NoteTarget::Record(RecordKey::School(c)))
    } else if let Some(c) = a.district {
        Some(NoteTarget::Record(RecordKey::District(c)))
    } else {
        a.finding
            .map(|f| NoteTarget::Finding(f.trim().to_ascii_lowercase()))
    }
}

/// Runs `mecred note (--student ID | --school C | --district C | --finding FID) TEXT`.
pub fn run_note(ctx: &Context, a: NoteArgs) -> anyhow::Result<Status> {
    ctx.check_writable("adding a note")?;
    let Some(on) = target(a.target) else {
        return Err(super::Usage(
            "say what the note is on: --student, --school, --district or --finding".into(),
        )
        .into());
    };
    let store = ctx.open_store()?;
    if let NoteTarget::Finding(id) = &on {
        // Findings are computed: a note may only name one that exists now.
        let (_, eval) = evaluate(&store, ctx.today)?;
        if !eval.findings().iter().any(|f| &f.id == id) {
            return Err(Refused(format!(
                "there is no finding {id} on {} (see `mecred check`)",
                ctx.today
            ))
            .into());
        }
    }
    let seq = store.add_note(on.clone(), &a.text, &ctx.actor, &now())?;
    tracing::info!(note = seq, "note added");
    if ctx.json {
        let note = store.notes_for(&on)?.into_iter().find(|n| n.seq == seq);
        writeln!(ctx.out(), "{}", serde_json::to_string_pretty(&note)?)?;
    } else {
        writeln!(ctx.out(), "note {seq} on {on}")?;
    }
    Ok(Status::Ok)
}

/// Runs `mecred notes [--student ID | --school C | --district C | --finding FID]`.
pub fn run_notes(ctx: &Context, a: NotesArgs) -> anyhow::Result<Status> {
    let store = ctx.open_store()?;
    let notes = match target(a.target) {
        Some(t) => store.notes_for(&t)?,
        None => store.notes()?,
    };
    let mut out = ctx.out();
    if ctx.json {
        serde_json::to_writer_pretty(&mut out, &json!({ "notes": notes }))?;
        writeln!(out)?;
    } else {
        print_human(&mut out, &notes)?;
    }
    Ok(Status::Ok)
}

fn print_human(out: &mut dyn std::io::Write, notes: &[Note]) -> std::io::Result<()> {
    if notes.is_empty() {
        writeln!(out, "no notes")?;
    }
    for n in notes {
        writeln!(
            out,
            "{:>4}  {}  {}  on {}: {}",
            n.seq, n.at, n.by, n.target, n.text
        )?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::{DistrictCode, StudentId};

    fn args() -> NoteTargetArgs {
        NoteTargetArgs {
            student: None,
            school: None,
            district: None,
            finding: None,
        }
    }

    #[test]
    fn flags_name_the_target() {
        assert_eq!(target(args()), None);
        let id = StudentId::parse("0062700980").unwrap();
        let t = target(NoteTargetArgs {
            student: Some(id.clone()),
            ..args()
        });
        assert_eq!(t, Some(NoteTarget::Record(RecordKey::Student(id))));
        let d = DistrictCode::parse("017").unwrap();
        let t = target(NoteTargetArgs {
            district: Some(d.clone()),
            ..args()
        });
        assert_eq!(t, Some(NoteTarget::Record(RecordKey::District(d))));
        let t = target(NoteTargetArgs {
            finding: Some(" AB12 ".into()),
            ..args()
        });
        assert_eq!(t, Some(NoteTarget::Finding("ab12".into())));
    }

    #[test]
    fn the_human_list_shows_each_note_on_one_line() {
        let mut out = Vec::new();
        print_human(&mut out, &[]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "no notes\n");
        let n = Note {
            seq: 3,
            target: NoteTarget::Finding("ab12".into()),
            text: "seen".into(),
            by: "aud".into(),
            at: "2026-12-04T10:00:00Z".into(),
        };
        let mut out = Vec::new();
        print_human(&mut out, &[n]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "   3  2026-12-04T10:00:00Z  aud  on finding ab12: seen\n"
        );
    }
}
