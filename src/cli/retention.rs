//! stub
use super::args::{RetentionListArgs, RetentionPurgeArgs};
use super::{Context, Status};
/// stub
pub fn run_list(_ctx: &Context, _a: RetentionListArgs) -> anyhow::Result<Status> {
    Ok(Status::Ok)
}
/// stub
pub fn run_purge(_ctx: &Context, _a: RetentionPurgeArgs) -> anyhow::Result<Status> {
    Ok(Status::Ok)
}
