//! Key layout of the one sled tree. Every key starts with a kind tag byte;
//! the rest sorts the way the queries read (students by id, the school index
//! by school then id, exams by student then date, batches and events by
//! number). Numbers are big-endian and signed years have their sign bit
//! flipped, so byte order is value order.

use crate::domain::{
    Credential, Date, DistrictCode, RecordKey, SchoolCode, SchoolYear, Season, StudentId, Term,
};

/// Meta keys: schema version, restore marker.
pub const META: u8 = 0x00;
/// District by code.
pub const DISTRICT: u8 = 0x01;
/// Agreement by district, year.
pub const AGREEMENT: u8 = 0x02;
/// School by code.
pub const SCHOOL: u8 = 0x03;
/// Student by id.
pub const STUDENT: u8 = 0x04;
/// Exam attempt by student, date.
pub const EXAM: u8 = 0x05;
/// Statewide attempt by student, credential, attempted.
pub const STATEWIDE: u8 = 0x06;
/// Certificate by student, credential.
pub const CERTIFICATE: u8 = 0x07;
/// Index: school code ++ student id → empty.
pub const BY_SCHOOL: u8 = 0x10;
/// Batch record by id.
pub const BATCH: u8 = 0x20;
/// Staged row by batch, index.
pub const ROW: u8 = 0x21;
/// Row result by batch, generation, index.
pub const RESULT: u8 = 0x22;
/// Where a batch's file was read from, by batch id (for the return file).
pub const ORIGIN: u8 = 0x23;
/// Audit event by seq.
pub const EVENT: u8 = 0x30;
/// Index: record key ++ seq → batch id of the event.
pub const BY_RECORD: u8 = 0x31;
/// Acknowledgement by finding id.
pub const ACK: u8 = 0x40;
/// Semester confirmation by district, term, sequence number.
pub const CONFIRMATION: u8 = 0x41;
/// Auditor's note by seq (append only).
pub const NOTE: u8 = 0x42;
/// Fee schedule by school year, sequence number.
pub const FEE_SCHEDULE: u8 = 0x43;
/// Fee statement by term, district.
pub const FEE_STATEMENT: u8 = 0x44;
/// Retention: a purged student's tombstone, by student id.
pub const PURGED_STUDENT: u8 = 0x45;
/// Retention: a purged upload batch, by batch id.
pub const PURGED_BATCH: u8 = 0x46;
/// Retention: a confirmation's report hash with purged names redacted, by
/// district, term, confirmation seq and the hash it was redacted from.
pub const REDACTED_HASH: u8 = 0x47;
/// A mecred user (issue 7) by OS login name.
pub const USER: u8 = 0x48;
/// A refused write (issue 7), by sequence number (append only).
pub const REFUSAL: u8 = 0x49;

/// The record kinds, in export order.
pub const RECORD_TAGS: [u8; 7] = [
    DISTRICT,
    AGREEMENT,
    SCHOOL,
    STUDENT,
    EXAM,
    STATEWIDE,
    CERTIFICATE,
];

/// The stored schema version.
pub const META_SCHEMA: &[u8] = b"\x00schema";
/// Present while a restore runs: an interrupted restore is wiped on open.
pub const META_RESTORING: &[u8] = b"\x00restoring";
/// The seq of the first event not yet in the by-record index (the index is
/// derived from events and caught up when it is read, so commits skip it).
pub const META_INDEXED: &[u8] = b"\x00indexed";

fn year_bytes(year: i16) -> [u8; 2] {
    ((year as u16) ^ 0x8000).to_be_bytes()
}

fn date_bytes(out: &mut Vec<u8>, d: Date) {
    out.extend_from_slice(&year_bytes(d.year()));
    out.push(d.month() as u8);
    out.push(d.day() as u8);
}

fn credential_byte(c: Credential) -> u8 {
    match c {
        Credential::RegionalCore => 0,
        Credential::BasicStatewide => 1,
        Credential::AdvancedStatewide => 2,
    }
}

/// The stored key of a record.
pub fn record(key: &RecordKey) -> Vec<u8> {
    let mut k = Vec::with_capacity(24);
    match key {
        RecordKey::District(c) => {
            k.push(DISTRICT);
            k.extend_from_slice(c.as_str().as_bytes());
        }
        RecordKey::Agreement(c, y) => {
            k.push(AGREEMENT);
            k.extend_from_slice(c.as_str().as_bytes());
            k.extend_from_slice(&year_bytes(y.end));
        }
        RecordKey::School(c) => {
            k.push(SCHOOL);
            k.extend_from_slice(c.as_str().as_bytes());
        }
        RecordKey::Student(id) => {
            k.push(STUDENT);
            k.extend_from_slice(id.as_str().as_bytes());
        }
        RecordKey::Exam(id, d) => {
            k.push(EXAM);
            k.extend_from_slice(id.as_str().as_bytes());
            date_bytes(&mut k, *d);
        }
        RecordKey::Statewide(id, c, d) => {
            k.push(STATEWIDE);
            k.extend_from_slice(id.as_str().as_bytes());
            k.push(credential_byte(*c));
            date_bytes(&mut k, *d);
        }
        RecordKey::Certificate(id, c) => {
            k.push(CERTIFICATE);
            k.extend_from_slice(id.as_str().as_bytes());
            k.push(credential_byte(*c));
        }
    }
    k
}

/// Prefix of one tag followed by some text (district's agreements, a
/// student's exams…).
pub fn prefix(tag: u8, text: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + text.len());
    k.push(tag);
    k.extend_from_slice(text.as_bytes());
    k
}

/// School index entry of a student.
pub fn by_school(school: &SchoolCode, id: &StudentId) -> Vec<u8> {
    let mut k = prefix(BY_SCHOOL, school.as_str());
    k.extend_from_slice(id.as_str().as_bytes());
    k
}

/// The student id at the end of a school index key.
pub fn by_school_student(key: &[u8]) -> Option<StudentId> {
    let tail = key.get(key.len().checked_sub(StudentId::LEN)?..)?;
    StudentId::parse(std::str::from_utf8(tail).ok()?)
}

/// Prefix of the school index for a district (school codes begin with it).
pub fn by_district(d: &DistrictCode) -> Vec<u8> {
    prefix(BY_SCHOOL, d.as_str())
}

/// `tag ++ n` for numbered items.
pub fn numbered(tag: u8, n: u64) -> Vec<u8> {
    let mut k = Vec::with_capacity(9);
    k.push(tag);
    k.extend_from_slice(&n.to_be_bytes());
    k
}

/// The number after the tag of a numbered key.
pub fn number(key: &[u8]) -> Option<u64> {
    let b: [u8; 8] = key.get(1..9)?.try_into().ok()?;
    Some(u64::from_be_bytes(b))
}

/// A staged row: batch, index.
pub fn row(batch: u64, i: u32) -> Vec<u8> {
    let mut k = numbered(ROW, batch);
    k.extend_from_slice(&i.to_be_bytes());
    k
}

/// Prefix of a batch's row results of one generation.
pub fn results(batch: u64, generation: u32) -> Vec<u8> {
    let mut k = numbered(RESULT, batch);
    k.extend_from_slice(&generation.to_be_bytes());
    k
}

/// A row result: batch, generation, index.
pub fn result(batch: u64, generation: u32, i: u32) -> Vec<u8> {
    let mut k = results(batch, generation);
    k.extend_from_slice(&i.to_be_bytes());
    k
}

/// Prefix of the events index for one record.
pub fn by_record_prefix(record_key: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + record_key.len() + 8);
    k.push(BY_RECORD);
    k.extend_from_slice(record_key);
    k
}

/// Events index entry: record key, seq.
pub fn by_record(record_key: &[u8], seq: u64) -> Vec<u8> {
    let mut k = by_record_prefix(record_key);
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

/// The seq at the end of an events index key.
pub fn by_record_seq(key: &[u8]) -> Option<u64> {
    let b: [u8; 8] = key.get(key.len().checked_sub(8)?..)?.try_into().ok()?;
    Some(u64::from_be_bytes(b))
}

/// An acknowledgement: its finding id.
pub fn ack(finding: &str) -> Vec<u8> {
    prefix(ACK, finding)
}

/// The confirmations of a district and term share this prefix (term in
/// time order: year, then spring before fall).
pub fn confirmation_prefix(district: &DistrictCode, term: Term) -> Vec<u8> {
    let mut k = Vec::with_capacity(12);
    k.push(CONFIRMATION);
    k.extend_from_slice(district.as_str().as_bytes());
    k.extend_from_slice(&year_bytes(term.year));
    k.push(match term.season {
        Season::Spring => 0,
        Season::Fall => 1,
    });
    k
}

/// A confirmation: district, term, its sequence number in that term.
pub fn confirmation(district: &DistrictCode, term: Term, seq: u32) -> Vec<u8> {
    let mut k = confirmation_prefix(district, term);
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

/// A redacted hash of a confirmation: the confirmation's key under
/// [`REDACTED_HASH`], then the hash the report was redacted from.
pub fn redacted_hash(district: &DistrictCode, term: Term, seq: u32, from: &str) -> Vec<u8> {
    let mut k = redacted_hash_prefix(district, term, seq);
    k.extend_from_slice(from.as_bytes());
    k
}

/// The redacted hashes of one confirmation share this prefix.
pub fn redacted_hash_prefix(district: &DistrictCode, term: Term, seq: u32) -> Vec<u8> {
    let mut k = confirmation(district, term, seq);
    k[0] = REDACTED_HASH;
    k
}

fn term_bytes(out: &mut Vec<u8>, term: Term) {
    out.extend_from_slice(&year_bytes(term.year));
    out.push(match term.season {
        Season::Spring => 0,
        Season::Fall => 1,
    });
}

/// The fee schedules of a school year share this prefix.
pub fn fee_schedule_prefix(year: SchoolYear) -> Vec<u8> {
    let mut k = vec![FEE_SCHEDULE];
    k.extend_from_slice(&year_bytes(year.end));
    k
}

/// A fee schedule: school year, its sequence number in that year.
pub fn fee_schedule(year: SchoolYear, seq: u32) -> Vec<u8> {
    let mut k = fee_schedule_prefix(year);
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

/// A fee statement: term (time order), district.
pub fn fee_statement(term: Term, district: &DistrictCode) -> Vec<u8> {
    let mut k = vec![FEE_STATEMENT];
    term_bytes(&mut k, term);
    k.extend_from_slice(district.as_str().as_bytes());
    k
}

/// The smallest key after every key starting with `prefix`, for ranges.
pub fn after_prefix(prefix: &[u8]) -> Vec<u8> {
    let mut k = prefix.to_vec();
    while let Some(last) = k.pop() {
        if last < 0xff {
            k.push(last + 1);
            return k;
        }
    }
    vec![0xff; prefix.len() + 1]
}
