//! Pure types of SPEC §1: ids, school years and terms, grade/cohort arithmetic,
//! the stored records, upload batches and their change sets. No IO, no clock:
//! "today" is always passed in.

pub mod calendar;
pub mod edit;
pub mod fee;
pub mod finding;
pub mod ids;
pub mod note;
pub mod progress;
pub mod records;
pub mod upload;
pub mod user;

pub use calendar::{Date, SchoolYear, Season, Term};
pub use fee::{
    Cents, FeeCounts, FeeInvoice, FeePart, FeePayment, FeeRates, FeeSchedule, FeeState,
    FeeStatement,
};
pub use finding::{Ack, Finding, FindingModule, FindingSeverity, Item, RuleId, finding_id};
pub use ids::{DistrictCode, SchoolCode, StudentId};
pub use note::{Note, NoteTarget};
pub use progress::{Credentials, Module, Progress, Standing};
pub use records::*;
pub use upload::*;
pub use user::{Refusal, Role, User};
