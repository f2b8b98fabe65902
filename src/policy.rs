//! The policy engine (SPEC §3): one pure function per rule over a
//! [`Snapshot`] of the stored records and "today", each finding citing its
//! policy paragraph. [`Evaluation`] holds the findings of a whole database
//! and re-evaluates only what an edit touched.
//!
//! Adding a rule: a [`RuleId`](crate::domain::RuleId) variant (with source
//! and quote) and one function in `STUDENT_RULES` or `DISTRICT_RULES`.

mod district_rules;
mod engine;
pub mod retention;
mod snapshot;
mod student_rules;
#[cfg(test)]
mod tests;

pub use engine::{Evaluation, StudentSummary, YearSet};
pub use snapshot::{Confirmation, Snapshot, SnapshotParts, StudentFile, Touched};
