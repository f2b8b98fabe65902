//! Upload batches (change sets), their problems and per-row outcomes
//! (SPEC §1 "Upload batch", §2 "Import, exactly", §5 `import --json`).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::calendar::{Date, Term};
use super::ids::{DistrictCode, SchoolCode, StudentId};
use super::records::{Agreement, Credential, District, ExamResult};

/// What a change set holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BatchKind {
    /// A district's module completion upload.
    Completions,
    /// The exam provider's results.
    Exam,
    /// Districts and their tracking agreements.
    Districts,
    /// Basic/Advanced Statewide attempts.
    Statewide,
    /// Certificates issued before the data came to mecred.
    Certificates,
    /// A UI edit.
    Edit,
    /// A student transfer.
    Transfer,
}

impl BatchKind {
    /// The SPEC's word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            BatchKind::Completions => "completions",
            BatchKind::Exam => "exam",
            BatchKind::Districts => "districts",
            BatchKind::Statewide => "statewide",
            BatchKind::Certificates => "certificates",
            BatchKind::Edit => "edit",
            BatchKind::Transfer => "transfer",
        }
    }
}

impl std::str::FromStr for BatchKind {
    type Err = String;

    /// Parses an import kind (`edit` and `transfer` are not imported).
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "completions" => BatchKind::Completions,
            "exam" => BatchKind::Exam,
            "districts" => BatchKind::Districts,
            "statewide" => BatchKind::Statewide,
            "certificates" => BatchKind::Certificates,
            _ => {
                return Err(format!(
                    "{s:?} is not an import kind (completions, exam, districts, statewide, certificates)"
                ));
            }
        })
    }
}

impl fmt::Display for BatchKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The life of a batch: `staged` → `committed` | `discarded`; `committed` →
/// `reverted`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BatchState {
    /// Triaged, nothing applied.
    Staged,
    /// Applied.
    Committed,
    /// Dropped without applying.
    Discarded,
    /// Applied, then undone.
    Reverted,
}

impl BatchState {
    /// The SPEC's word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            BatchState::Staged => "staged",
            BatchState::Committed => "committed",
            BatchState::Discarded => "discarded",
            BatchState::Reverted => "reverted",
        }
    }
}

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Kept: the row is committed, the problem listed.
    Warning,
    /// The row (or file) is not committed.
    Error,
}

/// The problem codes of SPEC §2 item 16.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[allow(missing_docs)]
pub enum ProblemCode {
    // Row errors.
    Required,
    StudentId,
    DistrictCode,
    SchoolCode,
    SchoolDistrict,
    SchoolName,
    Grade,
    Date,
    DateFuture,
    DateTooEarly,
    YesNo,
    CellError,
    UnknownDistrict,
    DistrictMismatch,
    CrossDistrict,
    DuplicateConflict,
    UnknownStudent,
    Result,
    Kind,
    AgreementType,
    SchoolYear,
    Credential,
    // Row warnings.
    SerialDate,
    DuplicateRow,
    SchoolNameDiffers,
    // File-level.
    NotASpreadsheet,
    Unreadable,
    Encrypted,
    Encoding,
    NoHeader,
    DuplicateColumn,
    NoRows,
    TooLarge,
    ExtraColumn,
}

impl ProblemCode {
    /// The code as JSON spells it (`date-future`).
    pub fn as_str(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// The severity this code always has.
    pub fn severity(self) -> Severity {
        use ProblemCode::*;
        match self {
            SerialDate | DuplicateRow | SchoolNameDiffers | ExtraColumn => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// A problem with a file or one of its cells. Row problems carry the column
/// (SPEC §2 name) and the value seen; the message says what was expected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The SPEC §2 column, for row problems.
    pub column: Option<String>,
    /// The value seen, as text.
    pub value: Option<String>,
    /// The problem code.
    pub code: ProblemCode,
    /// Error or warning.
    pub severity: Severity,
    /// Plain words: what was seen, where, and what was expected.
    pub message: String,
}

impl Problem {
    /// A file-level problem.
    pub fn file(code: ProblemCode, message: impl Into<String>) -> Problem {
        Problem {
            column: None,
            value: None,
            code,
            severity: code.severity(),
            message: message.into(),
        }
    }

    /// A problem with one cell.
    pub fn cell(
        code: ProblemCode,
        column: &str,
        value: Option<String>,
        message: impl Into<String>,
    ) -> Problem {
        Problem {
            column: Some(column.to_string()),
            value,
            code,
            severity: code.severity(),
            message: message.into(),
        }
    }

    /// Whether it stops the row or file.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A row's outcome (SPEC §2 item 15): exactly one per counted row, the first
/// that applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The record is not stored yet.
    New,
    /// A stored value would change.
    Changed,
    /// Nothing would change.
    Unchanged,
    /// Committed, with a warning.
    Warning,
    /// Never committed.
    Error,
}

/// Row counts per outcome; `rows` is their sum.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// All counted rows.
    pub rows: u32,
    /// `new` rows.
    pub new: u32,
    /// `changed` rows.
    pub changed: u32,
    /// `unchanged` rows.
    pub unchanged: u32,
    /// `warning` rows.
    pub warning: u32,
    /// `error` rows.
    pub error: u32,
}

impl Summary {
    /// Counts one more row.
    pub fn add(&mut self, outcome: Outcome) {
        self.rows += 1;
        match outcome {
            Outcome::New => self.new += 1,
            Outcome::Changed => self.changed += 1,
            Outcome::Unchanged => self.unchanged += 1,
            Outcome::Warning => self.warning += 1,
            Outcome::Error => self.error += 1,
        }
    }
}

/// One stored value a row changes, in its stored form as text (ISO dates,
/// `Y`/`N`, credentials joined by `; `, `None` for empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The SPEC §2 column name (`Cohort` for a grade implying a new cohort);
    /// borrowed from the column list when triage makes it, so a 100,000-row
    /// file does not allocate a name per change.
    pub field: std::borrow::Cow<'static, str>,
    /// Stored before.
    pub before: Option<String>,
    /// Stored after.
    pub after: Option<String>,
}

/// The triage of one counted row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowResult {
    /// The 1-based row number a spreadsheet shows (CSV: the starting line).
    pub row: u32,
    /// The normalised ID, or the raw text when invalid, or null.
    pub student_id: Option<String>,
    /// Its outcome.
    pub outcome: Outcome,
    /// What it changes (also listed for warning rows).
    pub changes: Vec<FieldChange>,
    /// Its problems.
    pub problems: Vec<Problem>,
}

/// The completion template's columns (SPEC §2), in order.
pub const COMPLETION_COLUMNS: [&str; 17] = [
    "District Code",
    "School Code",
    "School Name",
    "Student ID",
    "Last Name",
    "First Name",
    "Grade",
    "Self-Assessment Round 1",
    "Self-Assessment Round 2",
    "Self-Assessment Instrument",
    "Self-Assessment Presentation",
    "Mentor Checklist",
    "Credit Applications",
    "Company Registration",
    "Micro-Enterprise Pathway",
    "Complementary Credentials",
    "Notes",
];

/// An optional cell: blank (no information), `CLEAR`, or a value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field<T> {
    /// No information: never a change to a stored value.
    #[default]
    Blank,
    /// `CLEAR`: erase the stored value.
    Clear,
    /// A value.
    Value(T),
}

impl<T: Clone> Field<T> {
    /// Applies the cell to a stored optional value (blanks never erase).
    pub fn apply(&self, stored: &Option<T>) -> Option<T> {
        match self {
            Field::Blank => stored.clone(),
            Field::Clear => None,
            Field::Value(v) => Some(v.clone()),
        }
    }
}

/// A completions row as the file says it (SPEC §2 template).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompletionRow {
    /// District Code.
    pub district: DistrictCode,
    /// School Code.
    pub school: SchoolCode,
    /// School Name, when given.
    pub school_name: Option<String>,
    /// Student ID.
    pub student: StudentId,
    /// Last Name.
    pub last_name: String,
    /// First Name.
    pub first_name: String,
    /// Grade 9–12 as of the upload's term.
    pub grade: u8,
    /// Self-Assessment Round 1.
    pub sa_round1: Field<Date>,
    /// Self-Assessment Round 2.
    pub sa_round2: Field<Date>,
    /// Self-Assessment Instrument.
    pub sa_instrument: Field<String>,
    /// Self-Assessment Presentation.
    pub presentation: Field<Date>,
    /// Mentor Checklist.
    pub mentor_checklist: Field<bool>,
    /// Credit Applications.
    pub credit_applications: Field<Date>,
    /// Company Registration.
    pub company_registration: Field<Date>,
    /// Micro-Enterprise Pathway.
    pub pathway: Field<bool>,
    /// Complementary Credentials (a non-empty cell replaces the list).
    pub complementary: Field<Vec<String>>,
    /// Notes.
    pub notes: Field<String>,
}

/// An exam provider row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamRow {
    /// Student ID.
    pub student: StudentId,
    /// Exam Date.
    pub date: Date,
    /// Score as the text shown.
    pub score: Field<String>,
    /// Pass or fail.
    pub result: ExamResult,
    /// Provider.
    pub provider: Field<String>,
}

/// A districts-file row: one district and one agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictRow {
    /// The district's fields.
    pub district: District,
    /// The agreement of this row.
    pub agreement: Agreement,
}

/// A statewide row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatewideRow {
    /// Student ID.
    pub student: StudentId,
    /// Basic or Advanced Statewide.
    pub credential: Credential,
    /// Date attempted.
    pub attempted: Date,
    /// Date attained (blank: not attained, never erases).
    pub attained: Field<Date>,
}

/// A certificates row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateRow {
    /// Student ID.
    pub student: StudentId,
    /// Which credential.
    pub credential: Credential,
    /// Date issued.
    pub issued: Date,
}

/// A row's typed content, by import kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowData {
    /// Completions.
    Completion(Box<CompletionRow>),
    /// Exam.
    Exam(ExamRow),
    /// Districts.
    District(DistrictRow),
    /// Statewide.
    Statewide(StatewideRow),
    /// Certificates.
    Certificate(CertificateRow),
}

/// A row as staged: what normalisation made of it. Re-triaged against the
/// store when the batch is committed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StagedRow {
    /// Spreadsheet row number.
    pub row: u32,
    /// The normalised ID, or the raw text when invalid, or null.
    pub student_id: Option<String>,
    /// The typed row, `None` when a cell had an error.
    pub data: Option<RowData>,
    /// Problems found in the file alone (cells, duplicates).
    pub problems: Vec<Problem>,
}

/// An upload batch (change set) as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    /// Its id.
    pub id: u64,
    /// Its kind.
    pub kind: BatchKind,
    /// The district (completions only).
    pub district: Option<DistrictCode>,
    /// The term it was read as.
    pub term: Option<Term>,
    /// The file name as given.
    pub file: String,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
    /// When it was staged (RFC 3339 UTC).
    pub imported_at: String,
    /// The OS user who staged it.
    pub imported_by: String,
    /// Its state.
    pub state: BatchState,
    /// The latest triage's counts.
    pub summary: Summary,
    /// File-level problems (warnings; a file with errors is never staged).
    pub problems: Vec<Problem>,
    /// The sheet the rows came from.
    pub sheet: Option<String>,
    /// The header's row number.
    pub header_row: Option<u32>,
    /// When and by whom it was committed, discarded or reverted (RFC 3339).
    pub settled_at: Option<String>,
    /// Who committed, discarded or reverted it.
    pub settled_by: Option<String>,
}

/// Student ID of any row kind.
pub fn row_student(data: &RowData) -> Option<&StudentId> {
    match data {
        RowData::Completion(c) => Some(&c.student),
        RowData::Exam(e) => Some(&e.student),
        RowData::Statewide(s) => Some(&s.student),
        RowData::Certificate(c) => Some(&c.student),
        RowData::District(_) => None,
    }
}

/// How far the staging of an upload has come, for a progress gauge: the
/// file is read (its data rows counted), then its rows triaged, then
/// stored. `done` counts rows; steps arrive every thousand rows or so.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StageStep {
    /// The file is read: `rows` data rows to triage.
    Read {
        /// Data rows in the file.
        rows: usize,
    },
    /// Rows triaged against the stored data so far.
    Triaged {
        /// Rows done.
        done: usize,
        /// Rows in all.
        total: usize,
    },
    /// Rows stored in the staged batch so far.
    Stored {
        /// Rows done.
        done: usize,
        /// Rows in all.
        total: usize,
    },
}
