//! `mecred transfer STUDENT --school CODE [--school-name NAME]` (SPEC §5,
//! issue 5): one `transfer` change set through the store; undone with
//! `mecred uploads revert ID`.

use std::io::Write as _;

use serde_json::json;

use super::args::TransferArgs;
use super::context::now;
use super::{Context, Status};

/// Runs `mecred transfer`.
pub fn run(ctx: &Context, a: TransferArgs) -> anyhow::Result<Status> {
    ctx.check_writable("transferring a student")?;
    let store = ctx.open_store()?;
    let t = store.transfer_student(
        &a.student,
        &a.school,
        a.school_name.as_deref(),
        &ctx.actor,
        &now(),
    )?;
    tracing::info!(batch = t.batch, "student transferred");
    let (from, to) = (&t.before.school, &t.after.school);
    if ctx.json {
        let v = json!({
            "batch": t.batch,
            "kind": "transfer",
            "student_id": a.student,
            "from": { "school": from, "district": from.district() },
            "to": { "school": to, "district": to.district() },
            "created_school": t.created_school,
        });
        writeln!(ctx.out(), "{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        let created = if t.created_school {
            " (new school)"
        } else {
            ""
        };
        writeln!(
            ctx.out(),
            "batch {}: transferred student {} from school {from} (district {}) to school {to}{created} (district {}); undo with `mecred uploads revert {}`",
            t.batch,
            a.student,
            from.district(),
            to.district(),
            t.batch
        )?;
    }
    Ok(Status::Ok)
}
