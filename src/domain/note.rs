//! Auditors' notes (issue 5): free text attached to a stored record or to a
//! finding, append only — never edited or deleted — with who and when.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::records::RecordKey;

/// What a note is attached to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoteTarget {
    /// A stored record (district, school, student…).
    Record(RecordKey),
    /// A finding, by its stable id (SPEC §1 "Finding id").
    Finding(String),
}

impl fmt::Display for NoteTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoteTarget::Record(k) => write!(f, "{k}"),
            NoteTarget::Finding(id) => write!(f, "finding {id}"),
        }
    }
}

/// One note, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// Its number: 1, 2, … in the order written.
    pub seq: u64,
    /// What it is attached to.
    pub target: NoteTarget,
    /// The text as typed (trimmed).
    pub text: String,
    /// The OS user who wrote it.
    pub by: String,
    /// When (RFC 3339 UTC).
    pub at: String,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::StudentId;

    #[test]
    fn targets_serialise_tagged_and_display_their_record() {
        let t = NoteTarget::Record(RecordKey::Student(StudentId::parse("0062700980").unwrap()));
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"record":{"kind":"student","id":"0062700980"}}"#
        );
        assert_eq!(t.to_string(), "student 0062700980");
        let f = NoteTarget::Finding("a1b2c3d4e5f6".into());
        assert_eq!(
            serde_json::to_string(&f).unwrap(),
            r#"{"finding":"a1b2c3d4e5f6"}"#
        );
        assert_eq!(f.to_string(), "finding a1b2c3d4e5f6");
        let back: NoteTarget = serde_json::from_str(r#"{"finding":"x"}"#).unwrap();
        assert_eq!(back, NoteTarget::Finding("x".into()));
    }
}
