//! `export` / `restore` (SPEC §5): a lossless JSON-lines dump. The first line
//! is the header; then records by kind and key, batches by id (with their
//! staged rows and row results), events by seq, notes by seq,
//! acknowledgements by finding id, confirmations by district, term and seq,
//! fee schedules by year and seq, fee statements by term and district,
//! purged students by ID, purged batches by id and redacted confirmation
//! hashes by district, term, seq and hash (retention). Only stored content goes in
//! (no export timestamp), so export → restore → export is byte-identical;
//! the next batch id and event seq follow from the last batch and event.

use std::collections::HashSet;
use std::io::BufRead;

use serde::{Deserialize, Serialize};

use super::apply::index_moves;
use super::codec::{BatchRec, Phase, Rec, encode, encode_event, encode_record};
use super::confirmations::{ConfirmationRecord, RedactedHash};
use super::retention::{PurgedBatch, PurgedStudent};
use super::{CHUNK, Event, EventAction, Result, SCHEMA, SledResult, Store, StoreError, keys};
use crate::domain::{
    Ack, Agreement, Batch, BatchState, Certificate, District, DistrictCode, DistrictKind,
    ExamAttempt, FeeSchedule, FeeStatement, Note, Record, RecordKey, RowResult, School, StagedRow,
    StatewideAttempt, Student, Write,
};
use crate::domain::{Refusal, User};

/// One line of the dump.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
enum Line {
    Header(Header),
    District(DistrictLine),
    Agreement(Agreement),
    School(School),
    Student(Student),
    Exam(ExamAttempt),
    Statewide(StatewideAttempt),
    Certificate(Certificate),
    Batch(Box<BatchLine>),
    Event(EventLine),
    Note(Note),
    Ack(Ack),
    Confirmation(ConfirmationRecord),
    FeeSchedule(FeeSchedule),
    FeeStatement(Box<FeeStatement>),
    PurgedStudent(PurgedStudent),
    PurgedBatch(PurgedBatch),
    RedactedHash(RedactedHash),
    User(User),
    Refusal(Refusal),
}

#[derive(Serialize, Deserialize)]
struct Header {
    schema: u32,
    app: String,
}

/// A batch nests under `batch` (its own `kind` field would clash with the tag).
#[derive(Serialize, Deserialize)]
struct BatchLine {
    batch: Batch,
    commit_events: Option<(u64, u64)>,
    /// Where its file was read from (absent in older dumps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    origin: Option<String>,
    rows: Vec<StagedRow>,
    results: Vec<RowResult>,
}

/// A district's own `kind` is `district_kind` here: `kind` is the line's tag.
#[derive(Serialize, Deserialize)]
struct DistrictLine {
    code: DistrictCode,
    name: String,
    district_kind: DistrictKind,
    client: bool,
}

/// An event, its records externally tagged (`{"student": {...}}`).
#[derive(Serialize, Deserialize)]
struct EventLine {
    seq: u64,
    at: String,
    actor: String,
    batch: u64,
    action: EventAction,
    writes: Vec<WriteLine>,
}

#[derive(Serialize, Deserialize)]
struct WriteLine {
    key: RecordKey,
    before: Option<Rec>,
    after: Option<Rec>,
}

impl From<Event> for EventLine {
    fn from(e: Event) -> EventLine {
        EventLine {
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            batch: e.batch,
            action: e.action,
            writes: e
                .writes
                .into_iter()
                .map(|w| WriteLine {
                    key: w.key,
                    before: w.before.map(Rec::from),
                    after: w.after.map(Rec::from),
                })
                .collect(),
        }
    }
}

impl From<EventLine> for Event {
    fn from(e: EventLine) -> Event {
        Event {
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            batch: e.batch,
            action: e.action,
            writes: e
                .writes
                .into_iter()
                .map(|w| Write {
                    key: w.key,
                    before: w.before.map(Record::from),
                    after: w.after.map(Record::from),
                })
                .collect(),
        }
    }
}

impl From<Record> for Line {
    fn from(r: Record) -> Line {
        match r {
            Record::District(x) => Line::District(DistrictLine {
                code: x.code,
                name: x.name,
                district_kind: x.kind,
                client: x.client,
            }),
            Record::Agreement(x) => Line::Agreement(x),
            Record::School(x) => Line::School(x),
            Record::Student(x) => Line::Student(x),
            Record::Exam(x) => Line::Exam(x),
            Record::Statewide(x) => Line::Statewide(x),
            Record::Certificate(x) => Line::Certificate(x),
        }
    }
}

/// Restore's pending sled batch, flushed every [`CHUNK`] keys; remembers its
/// keys so a repeated item in the dump is caught.
#[derive(Default)]
struct Pending {
    sled: sled::Batch,
    keys: HashSet<Vec<u8>>,
    /// Rows and results count too: a batch line may hold 100k of them.
    entries: usize,
}

impl Store {
    /// Writes the whole database as JSON lines (a consistent snapshot:
    /// writers wait).
    pub fn export(&self, out: &mut dyn std::io::Write) -> Result<()> {
        let _w = self.writer();
        let header = Line::Header(Header {
            schema: SCHEMA,
            app: "mecred".into(),
        });
        emit(out, &header)?;
        for tag in keys::RECORD_TAGS {
            for kv in self.tree().scan_prefix([tag]) {
                let (k, v) = kv.db(self)?;
                emit(out, &Line::from(self.decode_record(&k, &v)?))?;
            }
        }
        for rec in self.recs()? {
            let id = rec.batch.id;
            let line = BatchLine {
                origin: self.origin(id)?,
                rows: self.scan_chunks(&keys::numbered(keys::ROW, id))?,
                results: self.scan_chunks(&keys::results(id, rec.results_gen))?,
                batch: rec.batch,
                commit_events: rec.commit_events,
            };
            emit(out, &Line::Batch(Box::new(line)))?;
        }
        for kv in self.tree().scan_prefix([keys::EVENT]) {
            let (k, v) = kv.db(self)?;
            emit(out, &Line::Event(self.decode_event(&k, &v)?.into()))?;
        }
        for note in self.notes()? {
            emit(out, &Line::Note(note))?;
        }
        for ack in self.acks()? {
            emit(out, &Line::Ack(ack))?;
        }
        for c in self.confirmations()? {
            emit(out, &Line::Confirmation(c))?;
        }
        for f in self.fee_schedules()? {
            emit(out, &Line::FeeSchedule(f))?;
        }
        for f in self.fee_statements()? {
            emit(out, &Line::FeeStatement(Box::new(f)))?;
        }
        for p in self.purged_students()? {
            emit(out, &Line::PurgedStudent(p))?;
        }
        for p in self.purged_batches()? {
            emit(out, &Line::PurgedBatch(p))?;
        }
        for r in self.redacted_hashes()? {
            emit(out, &Line::RedactedHash(r))?;
        }
        for u in self.users()? {
            emit(out, &Line::User(u))?;
        }
        for r in self.refusals()? {
            emit(out, &Line::Refusal(r))?;
        }
        out.flush().map_err(write_error)
    }

    /// Loads a dump written by [`Store::export`] into an empty database.
    /// Refused on a non-empty database, and on bad input naming the line (the
    /// database is left empty then). Durable before it returns.
    pub fn restore(&self, input: &mut dyn BufRead) -> Result<()> {
        let _w = self.writer();
        if !self.is_empty()? {
            return Err(StoreError::Refused(format!(
                "restore needs an empty database; {} holds data",
                self.path().display()
            )));
        }
        // Should we die half way, open wipes the partial restore.
        self.tree().insert(keys::META_RESTORING, &[]).db(self)?;
        self.flush()?;
        if let Err(e) = self.restore_lines(input) {
            self.tree().clear().db(self)?;
            self.tree()
                .insert(keys::META_SCHEMA, &SCHEMA.to_be_bytes())
                .db(self)?;
            self.flush()?;
            return Err(e);
        }
        self.tree().remove(keys::META_RESTORING).db(self)?;
        self.flush()
    }

    fn restore_lines(&self, input: &mut dyn BufRead) -> Result<()> {
        let mut text = String::new();
        let mut n = 0usize;
        let mut pending = Pending::default();
        loop {
            text.clear();
            let read = input
                .read_line(&mut text)
                .map_err(|e| bad(n + 1, &format!("cannot read it: {e}")))?;
            if read == 0 {
                break;
            }
            n += 1;
            let line: Line = serde_json::from_str(text.trim_end_matches(['\n', '\r']))
                .map_err(|e| bad(n, &e.to_string()))?;
            match (n, line) {
                (1, Line::Header(h)) if h.schema > SCHEMA => {
                    return Err(bad(
                        1,
                        &format!("schema {} is newer than this mecred's {SCHEMA}", h.schema),
                    ));
                }
                (1, Line::Header(_)) => {}
                (1, _) => return Err(bad(1, "the first line is not the header")),
                (_, Line::Header(_)) => return Err(bad(n, "a second header")),
                (_, Line::Batch(b)) => self.restore_batch(&mut pending, n, *b)?,
                (_, Line::Event(e)) => self.restore_event(&mut pending, n, &Event::from(e))?,
                (_, Line::Note(x)) => self.restore_note(&mut pending, n, &x)?,
                (_, Line::Ack(a)) => self.restore_ack(&mut pending, n, &a)?,
                (_, Line::Confirmation(c)) => self.restore_confirmation(&mut pending, n, &c)?,
                (_, Line::FeeSchedule(f)) => {
                    let k = keys::fee_schedule(f.year, f.seq);
                    let what = format!("fee schedule {} of {}", f.seq, f.year);
                    self.restore_plain(&mut pending, n, k, &what, encode(&f)?)?;
                }
                (_, Line::FeeStatement(f)) => {
                    let k = keys::fee_statement(f.term, &f.district);
                    let what = format!("fee statement {}", f.number);
                    self.restore_plain(&mut pending, n, k, &what, encode(&f)?)?;
                }
                (_, Line::PurgedStudent(p)) => {
                    let k = keys::prefix(keys::PURGED_STUDENT, p.student.as_str());
                    let what = format!("the purge of student {}", p.student);
                    self.restore_plain(&mut pending, n, k, &what, encode(&p)?)?;
                }
                (_, Line::PurgedBatch(p)) => {
                    let k = keys::numbered(keys::PURGED_BATCH, p.batch);
                    let what = format!("the purge of batch {}", p.batch);
                    self.restore_plain(&mut pending, n, k, &what, encode(&p)?)?;
                }
                (_, Line::User(u)) => {
                    let k = keys::prefix(keys::USER, &u.name);
                    let what = format!("user {}", u.name);
                    self.restore_plain(&mut pending, n, k, &what, encode(&u)?)?;
                }
                (_, Line::Refusal(r)) => {
                    let k = keys::numbered(keys::REFUSAL, r.seq);
                    let what = format!("refusal {}", r.seq);
                    self.restore_plain(&mut pending, n, k, &what, encode(&r)?)?;
                }
                (_, Line::RedactedHash(r)) => {
                    let k = keys::redacted_hash(&r.district, r.term, r.seq, &r.from);
                    let what = format!(
                        "the redacted hash of confirmation {} of {} {} from {}",
                        r.seq, r.district, r.term, r.from
                    );
                    self.restore_plain(&mut pending, n, k, &what, encode(&r)?)?;
                }
                (_, record) => self.restore_record(&mut pending, n, record)?,
            }
        }
        if n == 0 {
            return Err(bad(1, "the dump is empty: no header line"));
        }
        self.apply_pending(&mut pending)
    }

    fn restore_record(&self, p: &mut Pending, n: usize, line: Line) -> Result<()> {
        let record = match line {
            Line::District(x) => Record::District(District {
                code: x.code,
                name: x.name,
                kind: x.district_kind,
                client: x.client,
            }),
            Line::Agreement(x) => Record::Agreement(x),
            Line::School(x) => Record::School(x),
            Line::Student(x) => Record::Student(x),
            Line::Exam(x) => Record::Exam(x),
            Line::Statewide(x) => Record::Statewide(x),
            Line::Certificate(x) => Record::Certificate(x),
            Line::Header(_)
            | Line::Batch(_)
            | Line::Event(_)
            | Line::Note(_)
            | Line::Ack(_)
            | Line::Confirmation(_)
            | Line::FeeSchedule(_)
            | Line::FeeStatement(_)
            | Line::PurgedStudent(_)
            | Line::PurgedBatch(_)
            | Line::RedactedHash(_)
            | Line::User(_)
            | Line::Refusal(_) => return Ok(()),
        };
        let k = keys::record(&record.key());
        self.claim(p, n, &k, &record.key().to_string())?;
        index_moves(&mut p.sled, None, Some(&record));
        p.sled.insert(k, encode_record(&record)?);
        self.maybe_apply(p)
    }

    fn restore_batch(&self, p: &mut Pending, n: usize, line: BatchLine) -> Result<()> {
        let id = line.batch.id;
        if line.batch.state == BatchState::Committed && line.commit_events.is_none() {
            return Err(bad(
                n,
                &format!("committed batch {id} has no commit_events"),
            ));
        }
        let k = keys::numbered(keys::BATCH, id);
        self.claim(p, n, &k, &format!("batch {id}"))?;
        for (i, chunk) in line.rows.chunks(CHUNK).enumerate() {
            p.sled
                .insert(keys::row(id, row_index(n, i * CHUNK)?), encode(&chunk)?);
            self.maybe_apply(p)?;
        }
        for (i, chunk) in line.results.chunks(CHUNK).enumerate() {
            p.sled.insert(
                keys::result(id, 0, row_index(n, i * CHUNK)?),
                encode(&chunk)?,
            );
            self.maybe_apply(p)?;
        }
        if let Some(origin) = &line.origin {
            p.sled
                .insert(keys::numbered(keys::ORIGIN, id), origin.as_bytes());
        }
        let rec = BatchRec {
            batch: line.batch,
            phase: Phase::Settled,
            commit_events: line.commit_events,
            results_gen: 0,
        };
        p.sled.insert(k, encode(&rec)?);
        self.maybe_apply(p)
    }

    fn restore_event(&self, p: &mut Pending, n: usize, e: &Event) -> Result<()> {
        let k = keys::numbered(keys::EVENT, e.seq);
        self.claim(p, n, &k, &format!("event {}", e.seq))?;
        for w in &e.writes {
            let sides = [w.before.as_ref(), w.after.as_ref()];
            if sides.iter().all(Option::is_none) {
                return Err(bad(
                    n,
                    &format!("a write to {} with neither before nor after", w.key),
                ));
            }
            if let Some(r) = sides.into_iter().flatten().find(|r| r.key() != w.key) {
                return Err(bad(n, &format!("a write to {} carries {}", w.key, r.key())));
            }
        }
        p.sled.insert(k, encode_event(e)?);
        self.maybe_apply(p)
    }

    fn restore_note(&self, p: &mut Pending, n: usize, note: &Note) -> Result<()> {
        let k = keys::numbered(keys::NOTE, note.seq);
        self.claim(p, n, &k, &format!("note {}", note.seq))?;
        p.sled.insert(k, super::notes::encode_note(note)?);
        self.maybe_apply(p)
    }

    fn restore_ack(&self, p: &mut Pending, n: usize, a: &Ack) -> Result<()> {
        let k = keys::ack(&a.finding);
        self.claim(
            p,
            n,
            &k,
            &format!("the acknowledgement of finding {}", a.finding),
        )?;
        p.sled.insert(k, encode(a)?);
        self.maybe_apply(p)
    }

    fn restore_confirmation(
        &self,
        p: &mut Pending,
        n: usize,
        c: &ConfirmationRecord,
    ) -> Result<()> {
        let k = keys::confirmation(&c.district, c.term, c.seq);
        let what = format!("confirmation {} of {} {}", c.seq, c.district, c.term);
        self.claim(p, n, &k, &what)?;
        p.sled.insert(k, encode(c)?);
        self.maybe_apply(p)
    }

    /// Restores one operator's record (a fee schedule or statement) under `k`.
    fn restore_plain(
        &self,
        p: &mut Pending,
        n: usize,
        k: Vec<u8>,
        what: &str,
        value: Vec<u8>,
    ) -> Result<()> {
        self.claim(p, n, &k, what)?;
        p.sled.insert(k, value);
        self.maybe_apply(p)
    }

    /// Refuses an item the dump already gave (or the database holds).
    fn claim(&self, p: &mut Pending, n: usize, k: &[u8], what: &str) -> Result<()> {
        if !p.keys.insert(k.to_vec()) || self.tree().contains_key(k).db(self)? {
            return Err(bad(n, &format!("{what} appears twice")));
        }
        Ok(())
    }

    fn maybe_apply(&self, p: &mut Pending) -> Result<()> {
        p.entries += 1;
        if p.entries >= CHUNK {
            self.apply_pending(p)?;
        }
        Ok(())
    }

    fn apply_pending(&self, p: &mut Pending) -> Result<()> {
        let full = std::mem::take(p);
        self.tree().apply_batch(full.sled).db(self)
    }
}

fn emit(out: &mut dyn std::io::Write, line: &Line) -> Result<()> {
    let mut text = serde_json::to_vec(line).map_err(|e| StoreError::Io(format!("export: {e}")))?;
    text.push(b'\n');
    out.write_all(&text).map_err(write_error)
}

fn write_error(e: std::io::Error) -> StoreError {
    StoreError::Io(format!("writing the export: {e}"))
}

/// Bad input: refused, naming the line (exit 1, not a damaged database).
fn bad(n: usize, detail: &str) -> StoreError {
    StoreError::Refused(format!("line {n} of the dump: {detail}"))
}

fn row_index(n: usize, i: usize) -> Result<u32> {
    u32::try_from(i).map_err(|_| bad(n, "too many rows in one batch"))
}
