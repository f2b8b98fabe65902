//! Documents mecred writes for people: the completion template districts
//! fill in (SPEC §2), and the semester confirmation report (§4): a pure
//! builder ([`semester::build`]) and its Markdown, CSV, HTML and JSON
//! writers ([`write`]).

pub mod certificate;
pub mod fee_statement;
pub mod fees;
pub mod html;
pub mod packet;
pub mod semester;
pub mod template;
pub mod write;

pub use semester::{Inputs, Report, Totals, build, hash, totals};
pub use write::{Format, render};
#[cfg(test)]
mod tests;
