//! Spreadsheets in (SPEC §2): `read` is the only IO, `normalise` turns cells
//! into typed rows with problems, `triage` compares them with the store.

pub mod columns;
pub mod duplicates;
pub mod normalise;
pub mod read;
pub mod return_file;
pub mod triage;
pub mod values;

pub use normalise::{Parsed, parse};
pub use read::{Workbook, open};
pub use triage::{Triage, triage, triage_reporting};

use crate::domain::{BatchKind, Date, Problem};

/// Reads and normalises a whole file given its name and bytes. File-level
/// errors (the file is rejected, nothing staged) come back as `Err`.
pub fn parse_bytes(
    name: &str,
    bytes: Vec<u8>,
    kind: Option<BatchKind>,
    today: Date,
) -> Result<Parsed, Problem> {
    let mut workbook = open(name, bytes)?;
    parse(&mut workbook, kind, today)
}
