//! Purging personal data under the two-year retention rule (issue 8; which
//! records are due is decided in `policy::retention`).
//!
//! What "personal data" means here: a student's last and first name and the
//! free-text notes. Purging keeps the state student ID, school, cohort,
//! module dates, attempts and certificates: the audit trail, the reports'
//! counts and certificate verification need them, and none names the
//! student. A purged student's record reads `(purged)` for both names.
//!
//! Steps, each idempotent so a crash between them is finished by the next
//! purge:
//! 1. a pending tombstone per student (tag `PURGED_STUDENT`), and in the
//!    same sled batch the redacted confirmation hashes (tag
//!    `REDACTED_HASH`, below), durable;
//! 2. ONE change set (the store's ordinary all-or-nothing write path,
//!    audited) replacing each student record by its redacted form;
//! 3. redaction of every copy of those names the database still holds: the
//!    before/after images of every audit event (the purge's own event
//!    included, so it carries no name either), the staged rows and row
//!    results of every batch, and the text of every auditor's note on the
//!    student, on one of its records or on one of its findings (author,
//!    time and target stay). The events stay (same seq, batch, actor,
//!    time, keys); only the names in their images read `(purged)`. This
//!    is a deliberate exception to "append only": the policy asks that the
//!    personal data be removed, and an image or a note is a copy of it.
//!    Reverting the purge's change set afterwards changes nothing (its
//!    before-images are redacted too); the names cannot come back.
//! 4. tombstones marked done, with the change set's id.
//!
//! Redacted confirmation hashes: the semester report lists students by
//! name, so redacting them changes the hash of every confirmed report that
//! lists one, and CONFIRM-STALE would fire for every old term. The caller
//! (which builds reports; the store does not) computes, for each current
//! confirmation that is not stale just before the purge and whose report
//! the redaction changes, the report's hash with the due students redacted
//! (on the data as it stands, the redaction applied in memory: exactly the
//! report after step 2) and passes them in. They are written with the
//! tombstones, before the change set, so no moment exists where the names
//! are redacted and the record missing: nothing can observe a spurious
//! CONFIRM-STALE and no later run has to guess whether a confirmation was
//! current before (it cannot know, once the names are gone). Should the
//! change set then fail or never run, the record still states a fact (the
//! confirmed report with those names redacted hashes so); it is removed on
//! a failed change set and rewritten identically (same key) by a re-run.
//! Because the hash is computed from the data just before the purge, a real
//! change made later (or concurrently) is not absorbed: the report then
//! hashes to neither and the confirmation is stale. The caller checks the
//! report after the purge against it and says so if they differ.
//!
//! An upload batch past its date has the names and notes in its staged rows
//! and row results redacted, and a record of that (tag `PURGED_BATCH`);
//! its file name, SHA-256 and counts stay.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::codec::{encode, encode_event};
use super::confirmations::RedactedHash;
use super::notes::encode_note;
use super::{CHUNK, Result, SledResult, Store, keys};
use crate::domain::{
    BatchKind, Credential, Date, DistrictCode, Field, FindingModule, Item, Note, NoteTarget,
    Problem, Record, RecordKey, RowData, RowResult, RuleId, SchoolYear, StagedRow, Student,
    StudentId, Term, Write, finding_id,
};

/// What purged names and notes read afterwards.
pub const PURGED: &str = "(purged)";

/// A student whose personal data was purged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgedStudent {
    /// The student.
    pub student: StudentId,
    /// Its district.
    pub district: DistrictCode,
    /// The date it had to be kept until.
    pub keep_until: Date,
    /// When purged (RFC 3339 UTC).
    pub at: String,
    /// Who purged it.
    pub by: String,
    /// The change set that redacted the record.
    pub batch: Option<u64>,
    /// Every copy of the names is redacted (false: the purge is under way).
    pub redacted: bool,
}

/// An upload batch whose rows' personal data was purged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgedBatch {
    /// The batch id.
    pub batch: u64,
    /// The date it had to be kept until.
    pub keep_until: Date,
    /// When purged (RFC 3339 UTC).
    pub at: String,
    /// Who purged it.
    pub by: String,
}

/// What a purge did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PurgeOutcome {
    /// The change set that redacted the student records, if any.
    pub change_set: Option<u64>,
    /// Students purged now (an interrupted earlier purge finished included).
    pub students: Vec<StudentId>,
    /// Batches purged now.
    pub batches: Vec<u64>,
    /// Audit events whose images were redacted.
    pub events_redacted: usize,
    /// Auditors' notes whose text was redacted.
    pub notes_redacted: usize,
    /// Confirmations given a redacted hash by this purge.
    pub confirmations_redacted: usize,
}

/// The student with its personal data replaced by the tombstone text.
pub fn redact_student(s: &Student) -> Student {
    Student {
        last_name: PURGED.to_string(),
        first_name: PURGED.to_string(),
        notes: None,
        ..s.clone()
    }
}

fn is_redacted(s: &Student) -> bool {
    s.last_name == PURGED && s.first_name == PURGED && s.notes.is_none()
}

/// The template columns holding personal data.
const PERSONAL: [&str; 3] = ["Last Name", "First Name", "Notes"];

fn redact_problems(problems: &mut [Problem]) -> bool {
    let mut changed = false;
    for p in problems {
        if p.column.as_deref().is_some_and(|c| PERSONAL.contains(&c)) && p.value.is_some() {
            p.value = Some(PURGED.to_string());
            p.message = format!("{} {PURGED}", p.column.as_deref().unwrap_or_default());
            changed = true;
        }
    }
    changed
}

/// Redacts a staged row when it is one of `ids`' (every row when `ids` is
/// `None`). True when something changed.
fn redact_row(row: &mut StagedRow, ids: Option<&BTreeSet<StudentId>>) -> bool {
    let Some(RowData::Completion(c)) = &mut row.data else {
        return false;
    };
    if ids.is_some_and(|ids| !ids.contains(&c.student)) {
        return false;
    }
    let mut changed = c.last_name != PURGED || c.first_name != PURGED;
    c.last_name = PURGED.to_string();
    c.first_name = PURGED.to_string();
    if matches!(&c.notes, Field::Value(n) if n != PURGED) {
        c.notes = Field::Value(PURGED.to_string());
        changed = true;
    }
    redact_problems(&mut row.problems) || changed
}

/// Redacts a row result of one of `ids` (every row when `None`).
fn redact_result(r: &mut RowResult, ids: Option<&BTreeSet<StudentId>>) -> bool {
    if let Some(ids) = ids {
        let ours = r
            .student_id
            .as_deref()
            .and_then(StudentId::parse)
            .is_some_and(|id| ids.contains(&id));
        if !ours {
            return false;
        }
    }
    let mut changed = false;
    for c in &mut r.changes {
        if PERSONAL.contains(&c.field.as_ref()) {
            for side in [&mut c.before, &mut c.after] {
                if side.as_deref().is_some_and(|v| v != PURGED) {
                    *side = Some(PURGED.to_string());
                    changed = true;
                }
            }
        }
    }
    redact_problems(&mut r.problems) || changed
}

/// Redacts the student images of `ids` in a write.
fn redact_write(w: &mut Write, ids: &BTreeSet<StudentId>) -> bool {
    let RecordKey::Student(id) = &w.key else {
        return false;
    };
    if !ids.contains(id) {
        return false;
    }
    let mut changed = false;
    for side in [&mut w.before, &mut w.after] {
        if let Some(Record::Student(s)) = side
            && !is_redacted(s)
        {
            *s = redact_student(s);
            changed = true;
        }
    }
    changed
}

/// The student a record key belongs to (student, exam, Statewide,
/// certificate).
fn student_of(key: &RecordKey) -> Option<&StudentId> {
    match key {
        RecordKey::Student(id)
        | RecordKey::Exam(id, _)
        | RecordKey::Statewide(id, _, _)
        | RecordKey::Certificate(id, _) => Some(id),
        _ => None,
    }
}

/// Adds a student record's district and dates to what its findings could
/// name.
fn record_facts(r: &Record, (districts, dates): &mut (BTreeSet<DistrictCode>, BTreeSet<Date>)) {
    match r {
        Record::Student(s) => {
            districts.insert(s.district());
            let m = &s.modules;
            dates.extend(m.dates());
        }
        Record::Exam(e) => {
            dates.insert(e.date);
        }
        Record::Statewide(a) => {
            dates.insert(a.attempted);
            dates.extend(a.attained);
        }
        Record::Certificate(c) => {
            dates.insert(c.issued);
        }
        _ => {}
    }
}

impl Store {
    /// Every purged student, by ID.
    pub fn purged_students(&self) -> Result<Vec<PurgedStudent>> {
        self.scan(&[keys::PURGED_STUDENT])
    }

    /// Whether (and how) a student was purged.
    pub fn purged_student(&self, id: &StudentId) -> Result<Option<PurgedStudent>> {
        let k = keys::prefix(keys::PURGED_STUDENT, id.as_str());
        match self.tree().get(&k).db(self)? {
            Some(v) => Ok(Some(self.decode(&k, &v)?)),
            None => Ok(None),
        }
    }

    /// Every purged batch, by id.
    pub fn purged_batches(&self) -> Result<Vec<PurgedBatch>> {
        self.scan(&[keys::PURGED_BATCH])
    }

    /// Purges the personal data of `students` and `batches` (each with the
    /// date it had to be kept until; the caller decided they are due), and
    /// finishes any purge a crash interrupted. Durable when it returns.
    pub fn purge(
        &self,
        students: &[(StudentId, Date)],
        batches: &[(u64, Date)],
        redacted: &[RedactedHash],
        actor: &str,
        at: &str,
    ) -> Result<PurgeOutcome> {
        let mut outcome = PurgeOutcome::default();
        let writes = self.begin_purge(students, redacted, actor, at)?;
        if !writes.is_empty() {
            outcome.confirmations_redacted = redacted.len();
        }
        if !writes.is_empty() {
            let description = format!("retention purge: {} student(s)", writes.len());
            match self.apply_change_set(BatchKind::Edit, &description, None, writes, actor, at) {
                Ok((id, _)) => outcome.change_set = Some(id),
                Err(e) => {
                    let _w = self.writer();
                    for (id, _) in students {
                        self.tree()
                            .remove(keys::prefix(keys::PURGED_STUDENT, id.as_str()))
                            .db(self)?;
                    }
                    for r in redacted {
                        self.tree()
                            .remove(keys::redacted_hash(&r.district, r.term, r.seq, &r.from))
                            .db(self)?;
                    }
                    self.flush()?;
                    return Err(e);
                }
            }
        }
        let _w = self.writer();
        let (done, events, notes) = self.finish_redaction(outcome.change_set)?;
        outcome.students = done;
        outcome.events_redacted = events;
        outcome.notes_redacted = notes;
        for (id, until) in batches {
            self.redact_rows(Some(*id), None)?;
            let rec = PurgedBatch {
                batch: *id,
                keep_until: *until,
                at: at.to_string(),
                by: actor.to_string(),
            };
            self.tree()
                .insert(keys::numbered(keys::PURGED_BATCH, *id), encode(&rec)?)
                .db(self)?;
            outcome.batches.push(*id);
        }
        self.flush()?;
        Ok(outcome)
    }

    /// Step 1: pending tombstones and the redacted hashes, durable;
    /// returns the change set's writes (none: nothing is written). A
    /// pending tombstone left by an interrupted purge whose record was never
    /// redacted is dropped: this purge's plan decides afresh.
    fn begin_purge(
        &self,
        students: &[(StudentId, Date)],
        redacted: &[RedactedHash],
        actor: &str,
        at: &str,
    ) -> Result<Vec<Write>> {
        let _w = self.writer();
        for p in self.purged_students()? {
            if !p.redacted && !self.stored_is_redacted(&p.student)? {
                self.tree()
                    .remove(keys::prefix(keys::PURGED_STUDENT, p.student.as_str()))
                    .db(self)?;
            }
        }
        let mut writes = Vec::new();
        let mut b = sled::Batch::default();
        for (id, until) in students {
            let key = RecordKey::Student(id.clone());
            let Some(Record::Student(s)) = self.get(&key)? else {
                continue;
            };
            let tomb = PurgedStudent {
                student: id.clone(),
                district: s.district(),
                keep_until: *until,
                at: at.to_string(),
                by: actor.to_string(),
                batch: None,
                redacted: false,
            };
            b.insert(
                keys::prefix(keys::PURGED_STUDENT, id.as_str()),
                encode(&tomb)?,
            );
            writes.push(Write {
                key,
                before: Some(Record::Student(s.clone())),
                after: Some(Record::Student(redact_student(&s))),
            });
        }
        if writes.is_empty() {
            return Ok(writes);
        }
        for r in redacted {
            b.insert(
                keys::redacted_hash(&r.district, r.term, r.seq, &r.from),
                encode(r)?,
            );
        }
        self.tree().apply_batch(b).db(self)?;
        self.flush()?;
        Ok(writes)
    }

    fn stored_is_redacted(&self, id: &StudentId) -> Result<bool> {
        Ok(match self.get(&RecordKey::Student(id.clone()))? {
            Some(Record::Student(s)) => is_redacted(&s),
            _ => true,
        })
    }

    /// Steps 3 and 4 for every pending tombstone whose record is redacted:
    /// the names in every event image and batch row go, and the text of
    /// every note on those students. The caller holds the writer lock.
    /// Returns the students finished, events and notes rewritten.
    fn finish_redaction(&self, change_set: Option<u64>) -> Result<(Vec<StudentId>, usize, usize)> {
        let mut pending = Vec::new();
        for p in self.purged_students()? {
            if !p.redacted && self.stored_is_redacted(&p.student)? {
                pending.push(p);
            }
        }
        if pending.is_empty() {
            return Ok((Vec::new(), 0, 0));
        }
        let ids: BTreeSet<StudentId> = pending.iter().map(|p| p.student.clone()).collect();
        let notes = self.redact_notes(&ids)?;
        let events = self.redact_events(&ids)?;
        self.redact_rows(None, Some(&ids))?;
        let mut b = sled::Batch::default();
        for mut p in pending {
            p.redacted = true;
            p.batch = p.batch.or(change_set);
            b.insert(
                keys::prefix(keys::PURGED_STUDENT, p.student.as_str()),
                encode(&p)?,
            );
        }
        self.tree().apply_batch(b).db(self)?;
        Ok((ids.into_iter().collect(), events, notes))
    }

    /// Redacts the text of every note on one of `ids`: on its record or one
    /// of its exam, Statewide or certificate records, or on one of its
    /// findings. Findings are computed, not stored, so a finding note's
    /// student is found by its id: every id the student's findings could
    /// have had (each rule and module, over the items its records, current
    /// or in the audit trail, ever held) is computed, only when finding
    /// notes exist. Returns how many notes were rewritten.
    fn redact_notes(&self, ids: &BTreeSet<StudentId>) -> Result<usize> {
        let notes = self.notes()?;
        let open: Vec<&Note> = notes.iter().filter(|n| n.text != PURGED).collect();
        if open.is_empty() {
            return Ok(0);
        }
        let findings = if open
            .iter()
            .any(|n| matches!(n.target, NoteTarget::Finding(_)))
        {
            self.possible_finding_ids(ids)?
        } else {
            BTreeSet::new()
        };
        let mut count = 0;
        for n in open {
            let ours = match &n.target {
                NoteTarget::Record(k) => student_of(k).is_some_and(|s| ids.contains(s)),
                NoteTarget::Finding(f) => findings.contains(f),
            };
            if ours {
                let mut n = n.clone();
                n.text = PURGED.to_string();
                self.tree()
                    .insert(keys::numbered(keys::NOTE, n.seq), encode_note(&n)?)
                    .db(self)?;
                count += 1;
            }
        }
        Ok(count)
    }

    /// Every finding id a student of `ids` could have had: each student
    /// rule and module over its districts and the items of its records,
    /// current ones and every image in the audit trail.
    fn possible_finding_ids(&self, ids: &BTreeSet<StudentId>) -> Result<BTreeSet<String>> {
        let mut facts: BTreeMap<StudentId, (BTreeSet<DistrictCode>, BTreeSet<Date>)> =
            BTreeMap::new();
        for id in ids {
            let f = facts.entry(id.clone()).or_default();
            if let Some(r) = self.get(&RecordKey::Student(id.clone()))? {
                record_facts(&r, f);
            }
        }
        for kv in self.tree().scan_prefix([keys::EVENT]) {
            let (k, v) = kv.db(self)?;
            let event = self.decode_event(&k, &v)?;
            for w in &event.writes {
                let Some(f) = student_of(&w.key).and_then(|s| facts.get_mut(s)) else {
                    continue;
                };
                for r in [&w.before, &w.after].into_iter().flatten() {
                    record_facts(r, f);
                }
            }
        }
        let mut modules = vec![
            None,
            Some(FindingModule::SelfAssessment),
            Some(FindingModule::Presentation),
            Some(FindingModule::CertificationExam),
        ];
        modules.extend(
            [
                Credential::RegionalCore,
                Credential::BasicStatewide,
                Credential::AdvancedStatewide,
            ]
            .map(|c| Some(FindingModule::Credential(c))),
        );
        let mut out = BTreeSet::new();
        for (id, (districts, dates)) in &facts {
            let mut items = vec![Item::Whole];
            for d in dates {
                items.push(Item::Dated(*d));
                items.push(Item::Round(1, *d));
                items.push(Item::Round(2, *d));
                items.push(Item::Term(Term::of(*d)));
                items.push(Item::Year(SchoolYear::of(*d)));
            }
            for district in districts {
                for rule in RuleId::ALL {
                    for module in &modules {
                        for item in &items {
                            out.insert(finding_id(*rule, district, Some(id), *module, *item));
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    /// Rewrites every event holding a name of `ids`, a chunk of events per
    /// sled batch. Returns how many were rewritten.
    fn redact_events(&self, ids: &BTreeSet<StudentId>) -> Result<usize> {
        let mut count = 0;
        let mut b = sled::Batch::default();
        let mut n = 0;
        for kv in self.tree().scan_prefix([keys::EVENT]) {
            let (k, v) = kv.db(self)?;
            let mut event = self.decode_event(&k, &v)?;
            let mut changed = false;
            for w in &mut event.writes {
                changed |= redact_write(w, ids);
            }
            if changed {
                b.insert(k, encode_event(&event)?);
                count += 1;
                n += 1;
                if n >= CHUNK {
                    self.tree().apply_batch(std::mem::take(&mut b)).db(self)?;
                    n = 0;
                }
            }
        }
        self.tree().apply_batch(b).db(self)?;
        Ok(count)
    }

    /// Redacts staged rows and row results: of one batch (every row) or of
    /// every batch (the rows of `ids`).
    fn redact_rows(&self, batch: Option<u64>, ids: Option<&BTreeSet<StudentId>>) -> Result<()> {
        let (rows, results) = match batch {
            Some(id) => (
                keys::numbered(keys::ROW, id),
                keys::numbered(keys::RESULT, id),
            ),
            None => (vec![keys::ROW], vec![keys::RESULT]),
        };
        for kv in self.tree().scan_prefix(&rows) {
            let (k, v) = kv.db(self)?;
            let mut chunk: Vec<StagedRow> = self.decode(&k, &v)?;
            let mut changed = false;
            for r in &mut chunk {
                changed |= redact_row(r, ids);
            }
            if changed {
                self.tree().insert(k, encode(&chunk)?).db(self)?;
            }
        }
        for kv in self.tree().scan_prefix(&results) {
            let (k, v) = kv.db(self)?;
            let mut chunk: Vec<RowResult> = self.decode(&k, &v)?;
            let mut changed = false;
            for r in &mut chunk {
                changed |= redact_result(r, ids);
            }
            if changed {
                self.tree().insert(k, encode(&chunk)?).db(self)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::store::tests::{commit, date, open, renamed, school, set, sid, student};

    fn export(s: &Store) -> String {
        let mut out = Vec::new();
        s.export(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn first_name(s: &Store, n: u64) -> String {
        match s.get(&RecordKey::Student(sid(n))).unwrap() {
            Some(Record::Student(st)) => st.first_name,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_purge_redacts_the_record_and_every_image_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let s = open(&dir.path().join("a"));
        let one = student(1, "017004");
        commit(
            &s,
            vec![
                set(&school("017004")),
                set(&one),
                set(&student(2, "017004")),
            ],
        );
        commit(&s, vec![set(&renamed(&one, "Zelda"))]);
        let name = first_name(&s, 1);
        assert!(export(&s).contains(&name));
        let out = s
            .purge(
                &[(sid(1), date(2025, 6, 30))],
                &[],
                &[],
                "op",
                "2025-07-01T00:00:00Z",
            )
            .unwrap();
        assert_eq!(out.students, [sid(1)]);
        assert!(out.change_set.is_some());
        // The commit, the rename and the purge itself held the name.
        assert_eq!(out.events_redacted, 3);
        assert_eq!(first_name(&s, 1), PURGED);
        assert_ne!(first_name(&s, 2), PURGED);
        let dump = export(&s);
        assert!(!dump.contains("Zelda"), "{dump}");
        assert!(!dump.contains(&format!("\"{name}\"")), "{dump}");
        let p = s.purged_student(&sid(1)).unwrap().unwrap();
        assert!(p.redacted);
        assert_eq!(p.batch, out.change_set);
        assert!(s.purged_student(&sid(2)).unwrap().is_none());
        // The purge event is there, naming the record, not the name.
        let events = s.events_for(&RecordKey::Student(sid(1))).unwrap();
        assert_eq!(events.last().unwrap().batch, out.change_set.unwrap());
        // Reverting the purge brings nothing back.
        s.revert(out.change_set.unwrap(), "op", "t").unwrap();
        assert_eq!(first_name(&s, 1), PURGED);
        // Export → restore → export round-trips the tombstones.
        let t = open(&dir.path().join("b"));
        t.restore(&mut dump.as_bytes()).unwrap();
        assert_eq!(t.purged_students().unwrap(), s.purged_students().unwrap());
        assert_eq!(export(&t), dump);
        assert!(dump.contains("{\"kind\":\"purged-student\""));
    }

    #[test]
    fn a_pending_tombstone_is_finished_or_dropped_by_the_next_purge() {
        let dir = tempfile::tempdir().unwrap();
        let s = open(dir.path());
        commit(
            &s,
            vec![
                set(&school("017004")),
                set(&student(1, "017004")),
                set(&student(2, "017004")),
            ],
        );
        // As if a crash hit after step 1 for student 2, and after step 2 for 1.
        let w = s
            .begin_purge(
                &[(sid(1), date(2025, 6, 30)), (sid(2), date(2025, 6, 30))],
                &[],
                "op",
                "t",
            )
            .unwrap();
        s.apply_change_set(BatchKind::Edit, "purge", None, w[..1].to_vec(), "op", "t")
            .unwrap();
        let out = s.purge(&[], &[], &[], "op", "t2").unwrap();
        assert_eq!(out.students, [sid(1)]);
        assert!(s.purged_student(&sid(1)).unwrap().unwrap().redacted);
        assert!(s.purged_student(&sid(2)).unwrap().is_none());
        assert_ne!(first_name(&s, 2), PURGED);
    }

    #[test]
    fn a_batch_purge_redacts_its_rows_names_and_keeps_its_hash() {
        use crate::domain::{CompletionRow, FieldChange, Outcome};
        let dir = tempfile::tempdir().unwrap();
        let s = open(dir.path());
        let row = StagedRow {
            row: 2,
            student_id: Some("0000000001".into()),
            data: Some(RowData::Completion(Box::new(CompletionRow {
                district: DistrictCode::parse("017").unwrap(),
                school: crate::domain::SchoolCode::parse("017004").unwrap(),
                school_name: None,
                student: sid(1),
                last_name: "Thibodeaux".into(),
                first_name: "Rémy".into(),
                grade: 12,
                sa_round1: Field::Blank,
                sa_round2: Field::Blank,
                sa_instrument: Field::Blank,
                presentation: Field::Blank,
                mentor_checklist: Field::Blank,
                credit_applications: Field::Blank,
                company_registration: Field::Blank,
                pathway: Field::Blank,
                complementary: Field::Blank,
                notes: Field::Value("lives on Bayou Rd".into()),
            }))),
            problems: vec![],
        };
        let result = RowResult {
            row: 2,
            student_id: Some("0000000001".into()),
            outcome: Outcome::Changed,
            changes: vec![FieldChange {
                field: "Last Name".into(),
                before: Some("Thibodeau".into()),
                after: Some("Thibodeaux".into()),
            }],
            problems: vec![],
        };
        let id = s
            .stage(
                crate::store::batches::tests::batch(BatchKind::Completions),
                &[row],
                &[result],
            )
            .unwrap();
        let out = s
            .purge(&[], &[(id, date(2025, 6, 30))], &[], "op", "t")
            .unwrap();
        assert_eq!(out.batches, [id]);
        let dump = export(&s);
        for gone in ["Thibodeau", "Rémy", "Bayou Rd"] {
            assert!(!dump.contains(gone), "{gone} in {dump}");
        }
        assert_eq!(s.batch(id).unwrap().unwrap().sha256, "00");
        assert_eq!(s.purged_batches().unwrap()[0].batch, id);
    }

    fn redacted(seq: u32) -> RedactedHash {
        RedactedHash {
            district: DistrictCode::parse("017").unwrap(),
            term: "spring-2026".parse().unwrap(),
            seq,
            from: "aa".repeat(32),
            sha256: "bb".repeat(32),
            at: "t".into(),
        }
    }

    #[test]
    fn redacted_hashes_are_written_with_the_tombstones_and_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let s = open(&dir.path().join("a"));
        commit(&s, vec![set(&school("017004")), set(&student(1, "017004"))]);
        // Nothing to purge: nothing recorded either.
        let out = s.purge(&[], &[], &[redacted(1)], "op", "t").unwrap();
        assert_eq!(out.confirmations_redacted, 0);
        assert!(s.redacted_hashes().unwrap().is_empty());
        // As if a crash hit right after step 1: the hash is already there.
        s.begin_purge(&[(sid(1), date(2025, 6, 30))], &[redacted(1)], "op", "t")
            .unwrap();
        assert_eq!(s.redacted_hashes().unwrap(), [redacted(1)]);
        let out = s
            .purge(
                &[(sid(1), date(2025, 6, 30))],
                &[],
                &[redacted(1)],
                "op",
                "t",
            )
            .unwrap();
        assert_eq!(out.confirmations_redacted, 1);
        assert_eq!(s.redacted_hashes().unwrap(), [redacted(1)]);
        let dump = export(&s);
        assert!(dump.contains("{\"kind\":\"redacted-hash\""), "{dump}");
        let t = open(&dir.path().join("b"));
        t.restore(&mut dump.as_bytes()).unwrap();
        assert_eq!(t.redacted_hashes().unwrap(), [redacted(1)]);
        assert_eq!(export(&t), dump);
    }

    #[test]
    fn notes_on_a_purged_student_its_records_and_its_findings_are_redacted() {
        use crate::store::tests::exam;
        let dir = tempfile::tempdir().unwrap();
        let s = open(dir.path());
        commit(
            &s,
            vec![
                set(&school("017004")),
                set(&student(1, "017004")),
                set(&student(2, "017004")),
                set(&exam(1, date(2027, 4, 1))),
            ],
        );
        let d = DistrictCode::parse("017").unwrap();
        // A finding of student 1 on its exam's date, and one of student 2.
        let f1 = finding_id(
            RuleId::ALL[0],
            &d,
            Some(&sid(1)),
            Some(FindingModule::CertificationExam),
            Item::Dated(date(2027, 4, 1)),
        );
        let f2 = finding_id(RuleId::ALL[0], &d, Some(&sid(2)), None, Item::Whole);
        let on = |t: NoteTarget, text: &str| s.add_note(t, text, "aud", "t").unwrap();
        let rec = |k: RecordKey| NoteTarget::Record(k);
        on(rec(RecordKey::Student(sid(1))), "lives on Bayou Rd");
        on(
            rec(RecordKey::Exam(sid(1), date(2027, 4, 1))),
            "sick that day",
        );
        on(NoteTarget::Finding(f1), "mother called");
        on(NoteTarget::Finding(f2), "about Pat2");
        on(rec(RecordKey::Student(sid(2))), "Pat2 moved");
        on(
            rec(RecordKey::School(
                crate::domain::SchoolCode::parse("017004").unwrap(),
            )),
            "ok",
        );
        // As if a crash hit after the change set: the next purge finishes it.
        let w = s
            .begin_purge(&[(sid(1), date(2025, 6, 30))], &[], "op", "t")
            .unwrap();
        s.apply_change_set(BatchKind::Edit, "purge", None, w, "op", "t")
            .unwrap();
        let out = s.purge(&[], &[], &[], "op", "t2").unwrap();
        assert_eq!(out.notes_redacted, 3);
        let texts: Vec<String> = s.notes().unwrap().into_iter().map(|n| n.text).collect();
        assert_eq!(
            texts,
            [PURGED, PURGED, PURGED, "about Pat2", "Pat2 moved", "ok"]
        );
        let n = &s.notes().unwrap()[0];
        assert_eq!((n.seq, n.by.as_str(), n.at.as_str()), (1, "aud", "t"));
        assert_eq!(n.target, rec(RecordKey::Student(sid(1))));
        // Idempotent: nothing left to do.
        let out = s.purge(&[], &[], &[], "op", "t3").unwrap();
        assert_eq!(out.notes_redacted, 0);
        assert!(!export(&s).contains("Bayou"));
    }
}
