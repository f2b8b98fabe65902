//! Stored values: postcard of the domain types. postcard is not
//! self-describing, so internally tagged enums (`Record`) are stored through
//! externally tagged mirrors, and a record's kind comes from its key's tag.

use serde::{Deserialize, Serialize, de::DeserializeOwned};

use super::keys;
use super::{Event, EventAction, Result, Store};
use crate::domain::{
    Agreement, Batch, BatchState, Certificate, District, ExamAttempt, Record, School,
    StatewideAttempt, Student, Write,
};

/// What the store keeps about a batch besides the domain's [`Batch`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BatchRec {
    /// The batch as the domain sees it.
    pub batch: Batch,
    /// Whether a change set is being applied right now.
    pub phase: Phase,
    /// The seqs `[first, end)` of its commit events, once committed.
    pub commit_events: Option<(u64, u64)>,
    /// Which generation of row results is current.
    pub results_gen: u32,
}

/// A batch's internal state around an apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    /// Nothing in flight.
    Settled,
    /// A commit or revert is writing events from `first_seq` on; after a
    /// crash it is rolled back to `prior`, and results of generation
    /// `results_gen` (if any) are dropped.
    Applying {
        /// The first event seq of this apply.
        first_seq: u64,
        /// The state to fall back to.
        prior: BatchState,
        /// The results generation being written, if any.
        results_gen: Option<u32>,
    },
}

/// `Record` with serde's default (external) tagging, which postcard can read
/// (and which JSON can too: `Record`'s `kind` tag clashes with
/// `District::kind`).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rec {
    District(District),
    Agreement(Agreement),
    School(School),
    Student(Student),
    Exam(ExamAttempt),
    Statewide(StatewideAttempt),
    Certificate(Certificate),
}

impl From<Record> for Rec {
    fn from(r: Record) -> Rec {
        match r {
            Record::District(x) => Rec::District(x),
            Record::Agreement(x) => Rec::Agreement(x),
            Record::School(x) => Rec::School(x),
            Record::Student(x) => Rec::Student(x),
            Record::Exam(x) => Rec::Exam(x),
            Record::Statewide(x) => Rec::Statewide(x),
            Record::Certificate(x) => Rec::Certificate(x),
        }
    }
}

impl From<Rec> for Record {
    fn from(r: Rec) -> Record {
        match r {
            Rec::District(x) => Record::District(x),
            Rec::Agreement(x) => Record::Agreement(x),
            Rec::School(x) => Record::School(x),
            Rec::Student(x) => Record::Student(x),
            Rec::Exam(x) => Record::Exam(x),
            Rec::Statewide(x) => Record::Statewide(x),
            Rec::Certificate(x) => Record::Certificate(x),
        }
    }
}

/// A write as stored: its key is the key of whichever side is present
/// (the store never records a write with neither).
#[derive(Serialize, Deserialize)]
struct StoredWrite {
    before: Option<Rec>,
    after: Option<Rec>,
}

#[derive(Serialize, Deserialize)]
struct StoredEvent {
    seq: u64,
    at: String,
    actor: String,
    batch: u64,
    action: EventAction,
    writes: Vec<StoredWrite>,
}

/// postcard bytes of any value.
pub fn encode<T: Serialize>(v: &T) -> Result<Vec<u8>> {
    postcard::to_allocvec(v).map_err(|e| super::StoreError::Io(format!("encoding: {e}")))
}

impl Store {
    /// Decodes a stored value, naming its key's kind when it fails.
    pub(super) fn decode<T: DeserializeOwned>(&self, key: &[u8], bytes: &[u8]) -> Result<T> {
        postcard::from_bytes(bytes).map_err(|e| {
            let tag = key.first().copied().unwrap_or_default();
            self.damaged(format!(
                "undecodable value under a key of kind {tag:#04x}: {e}"
            ))
        })
    }

    /// Decodes a record by its key's tag.
    pub(super) fn decode_record(&self, key: &[u8], bytes: &[u8]) -> Result<Record> {
        Ok(match key.first().copied() {
            Some(keys::DISTRICT) => Record::District(self.decode(key, bytes)?),
            Some(keys::AGREEMENT) => Record::Agreement(self.decode(key, bytes)?),
            Some(keys::SCHOOL) => Record::School(self.decode(key, bytes)?),
            Some(keys::STUDENT) => Record::Student(self.decode(key, bytes)?),
            Some(keys::EXAM) => Record::Exam(self.decode(key, bytes)?),
            Some(keys::STATEWIDE) => Record::Statewide(self.decode(key, bytes)?),
            Some(keys::CERTIFICATE) => Record::Certificate(self.decode(key, bytes)?),
            other => return Err(self.damaged(format!("no record kind {other:?}"))),
        })
    }

    /// Decodes an event.
    pub(super) fn decode_event(&self, key: &[u8], bytes: &[u8]) -> Result<Event> {
        let plain =
            unpack(bytes).ok_or_else(|| self.damaged("an event that does not decompress"))?;
        let e: StoredEvent = self.decode(key, &plain)?;
        let mut writes = Vec::with_capacity(e.writes.len());
        for w in e.writes {
            let before: Option<Record> = w.before.map(Record::from);
            let after: Option<Record> = w.after.map(Record::from);
            let Some(key) = after.as_ref().or(before.as_ref()).map(Record::key) else {
                return Err(self.damaged(format!("event {} holds an empty write", e.seq)));
            };
            writes.push(Write { key, before, after });
        }
        Ok(Event {
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            batch: e.batch,
            action: e.action,
            writes,
        })
    }
}

/// A record's stored value (its kind is in the key).
pub fn encode_record(r: &Record) -> Result<Vec<u8>> {
    match r {
        Record::District(x) => encode(x),
        Record::Agreement(x) => encode(x),
        Record::School(x) => encode(x),
        Record::Student(x) => encode(x),
        Record::Exam(x) => encode(x),
        Record::Statewide(x) => encode(x),
        Record::Certificate(x) => encode(x),
    }
}

/// [`Rec`] by reference: serialises to the same bytes, without cloning the
/// records of a thousand-write event.
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
enum RecRef<'a> {
    District(&'a District),
    Agreement(&'a Agreement),
    School(&'a School),
    Student(&'a Student),
    Exam(&'a ExamAttempt),
    Statewide(&'a StatewideAttempt),
    Certificate(&'a Certificate),
}

impl<'a> From<&'a Record> for RecRef<'a> {
    fn from(r: &'a Record) -> RecRef<'a> {
        match r {
            Record::District(x) => RecRef::District(x),
            Record::Agreement(x) => RecRef::Agreement(x),
            Record::School(x) => RecRef::School(x),
            Record::Student(x) => RecRef::Student(x),
            Record::Exam(x) => RecRef::Exam(x),
            Record::Statewide(x) => RecRef::Statewide(x),
            Record::Certificate(x) => RecRef::Certificate(x),
        }
    }
}

#[derive(Serialize)]
struct StoredWriteRef<'a> {
    before: Option<RecRef<'a>>,
    after: Option<RecRef<'a>>,
}

#[derive(Serialize)]
struct StoredEventRef<'a> {
    seq: u64,
    at: &'a str,
    actor: &'a str,
    batch: u64,
    action: EventAction,
    writes: Vec<StoredWriteRef<'a>>,
}

/// The largest event a stored value may claim to inflate to.
const MAX_EVENT_BYTES: usize = 64 << 20;

/// LZ4 with a little-endian length prefix: a thousand-write event holds the
/// same field names and codes over and over, and sled's cost grows with the
/// bytes it writes.
fn pack(plain: &[u8]) -> Vec<u8> {
    lz4_flex::block::compress_prepend_size(plain)
}

/// The inverse of [`pack`]; `None` for a damaged value (never a huge
/// allocation on a lying length).
fn unpack(packed: &[u8]) -> Option<Vec<u8>> {
    let len = u32::from_le_bytes(packed.get(..4)?.try_into().ok()?) as usize;
    if len > MAX_EVENT_BYTES {
        return None;
    }
    lz4_flex::block::decompress(packed.get(4..)?, len).ok()
}

/// An event's stored value: [`StoredEvent`]'s postcard bytes, packed.
pub fn encode_event(e: &Event) -> Result<Vec<u8>> {
    let stored = StoredEventRef {
        seq: e.seq,
        at: &e.at,
        actor: &e.actor,
        batch: e.batch,
        action: e.action,
        writes: e
            .writes
            .iter()
            .map(|w| StoredWriteRef {
                before: w.before.as_ref().map(RecRef::from),
                after: w.after.as_ref().map(RecRef::from),
            })
            .collect(),
    };
    Ok(pack(&encode(&stored)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::{school, student};

    #[test]
    fn events_encoded_by_reference_decode_as_stored_events() {
        let s = student(1, "017004");
        let e = Event {
            seq: 7,
            at: "2026-12-04T00:00:00Z".into(),
            actor: "t".into(),
            batch: 3,
            action: EventAction::Commit,
            writes: vec![
                Write {
                    key: s.key(),
                    before: None,
                    after: Some(s.clone()),
                },
                Write {
                    key: school("017004").key(),
                    before: Some(school("017004")),
                    after: None,
                },
            ],
        };
        let bytes = encode_event(&e).unwrap();
        let mut back: StoredEvent = postcard::from_bytes(&unpack(&bytes).unwrap()).unwrap();
        assert!(
            unpack(&[0xFF, 0xFF, 0xFF, 0x7F, 1, 2]).is_none(),
            "a lying length is refused"
        );
        assert!(unpack(&[1]).is_none());
        assert_eq!(
            (back.seq, back.batch, back.at.as_str(), back.actor.as_str()),
            (7, 3, e.at.as_str(), "t")
        );
        assert_eq!(back.writes.len(), 2);
        let after: Option<Record> = back.writes[0].after.take().map(Record::from);
        assert_eq!(after, Some(s));
        assert!(back.writes[1].after.is_none());
    }
}
