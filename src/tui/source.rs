//! What the TUI reads, and nothing about how it is stored: the store (or a
//! server later) implements [`Source`]; tests use [`MemorySource`].

use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::domain::{
    Ack, Batch, District, DistrictCode, ExamAttempt, Record, RecordKey, RowResult, School,
    SchoolCode, Student, StudentId,
};
use crate::domain::{BatchKind, BatchState, Date, Note, NoteTarget, Problem, Term, Write};
use crate::policy::Snapshot;
use crate::report::{Format, Report};
pub use crate::store::{ConfirmationRecord, Event, EventAction};

/// A semester report as the Reports screen shows it (SPEC §4, §6).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReportData {
    /// The report, built exactly as `mecred report` builds it.
    pub report: Report,
    /// Its hash (what a confirmation records).
    pub hash: String,
    /// The district's current confirmation of the term, if any.
    pub confirmation: Option<ConfirmationRecord>,
    /// The district has an open AGREEMENT-* error (it cannot confirm).
    pub agreement_error: bool,
    /// Every district the report could be narrowed to, by code.
    pub districts: Vec<DistrictCode>,
}

impl ReportData {
    /// `report` (built from `snap` and `eval` for `district`) with its hash,
    /// the district's agreement standing and the districts to narrow to.
    pub fn new(
        report: Report,
        snap: &Snapshot,
        eval: &crate::policy::Evaluation,
        district: Option<&DistrictCode>,
        confirmation: Option<ConfirmationRecord>,
    ) -> ReportData {
        ReportData {
            hash: crate::report::hash(&report),
            report,
            confirmation,
            agreement_error: district
                .is_some_and(|d| crate::report::semester::has_agreement_error(eval, d)),
            districts: snap.district_codes().into_iter().collect(),
        }
    }
}

/// One credential a student holds or was certified for, and its
/// certificate (issue 8): what the detail's Certificates section lists and
/// what issuing picks the due ones from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CertificateStanding {
    /// The student.
    pub student: StudentId,
    /// The credential.
    pub credential: crate::domain::Credential,
    /// When the student attained it (`None`: no longer held, so an issued
    /// certificate is revoked).
    pub attained: Option<Date>,
    /// Its certificate, or whether one is due.
    pub state: CertificateState,
}

/// Where a credential's certificate stands.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CertificateState {
    /// Issued: the stored certificate.
    Issued(crate::domain::Certificate),
    /// Due now: what its PDF shows.
    Due(Box<crate::report::certificate::Due>),
    /// Held but not due yet: why (the district's report of the term is not
    /// confirmed, or changed since; or an error finding blocks it).
    Waiting(String),
}

/// An audit event without its writes: one row of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EventSummary {
    /// Sequence number.
    pub seq: u64,
    /// When (RFC 3339 UTC).
    pub at: String,
    /// Who.
    pub actor: String,
    /// The batch that made it.
    pub batch: u64,
    /// Commit or revert.
    pub action: EventAction,
    /// How many records it wrote.
    pub writes: usize,
}

impl EventSummary {
    /// The summary of `e`.
    pub fn of(e: &Event) -> EventSummary {
        EventSummary {
            seq: e.seq,
            at: e.at.clone(),
            actor: e.actor.clone(),
            batch: e.batch,
            action: e.action,
            writes: e.writes.len(),
        }
    }
}

/// Read access to the records the TUI browses. Lists come back in display
/// order (see each method).
pub trait Source {
    /// Every district, by code.
    fn districts(&self) -> anyhow::Result<Vec<District>>;
    /// The schools of one district, by code.
    fn schools(&self, district: &DistrictCode) -> anyhow::Result<Vec<School>>;
    /// The students of one school, by last name, first name, then ID.
    fn students_of_school(&self, school: &SchoolCode) -> anyhow::Result<Vec<Student>>;
    /// One student, if stored.
    fn student(&self, id: &StudentId) -> anyhow::Result<Option<Student>>;
    /// One student's exam attempts, by date.
    fn exams_of(&self, id: &StudentId) -> anyhow::Result<Vec<ExamAttempt>>;

    // The reads below have defaults (nothing stored) so a partial source,
    // such as a test double, needs only the five above.

    /// Hands the source the UI's change channel: a source shared with
    /// other people (the server's) pushes their change sets through it.
    /// Nothing by default.
    fn subscribe(&self, changes: crate::tui::runtime::Changes) {
        let _ = changes;
    }

    /// Every school, by code (the global finder).
    fn all_schools(&self) -> anyhow::Result<Vec<School>> {
        Ok(Vec::new())
    }
    /// Every student, any order (the finder and the dashboard, loaded once in
    /// the background).
    fn all_students(&self) -> anyhow::Result<Vec<Student>> {
        Ok(Vec::new())
    }
    /// Every exam attempt, any order (the dashboard).
    fn all_exams(&self) -> anyhow::Result<Vec<ExamAttempt>> {
        Ok(Vec::new())
    }
    /// The students of one district, in student order (the district grid).
    fn students_of_district(&self, district: &DistrictCode) -> anyhow::Result<Vec<Student>> {
        let _ = district;
        Ok(Vec::new())
    }
    /// Every upload batch, by id.
    fn batches(&self) -> anyhow::Result<Vec<Batch>> {
        Ok(Vec::new())
    }
    /// The row-level triage of one batch, by row.
    fn row_results(&self, batch: u64) -> anyhow::Result<Vec<RowResult>> {
        let _ = batch;
        Ok(Vec::new())
    }
    /// Every audit event without its writes, by seq.
    fn event_summaries(&self) -> anyhow::Result<Vec<EventSummary>> {
        Ok(Vec::new())
    }
    /// One audit event with its writes.
    fn event(&self, seq: u64) -> anyhow::Result<Option<Event>> {
        let _ = seq;
        Ok(None)
    }
    /// The events that wrote `key`, by seq, each with only those writes.
    fn events_for(&self, key: &RecordKey) -> anyhow::Result<Vec<Event>> {
        let _ = key;
        Ok(Vec::new())
    }
    /// Everything the policy rules read (one full read, on a worker at
    /// start). The default builds it from the districts, students and exams.
    fn snapshot(&self) -> anyhow::Result<Snapshot> {
        let mut s = Snapshot::new();
        for d in self.districts()? {
            s.insert(Record::District(d));
        }
        for st in self.all_students()? {
            s.insert(Record::Student(st));
        }
        for e in self.all_exams()? {
            s.insert(Record::Exam(e));
        }
        Ok(s)
    }
    /// `snapshot` (from [`Source::snapshot`]) evaluated on `today`. The
    /// default is a full evaluation; the store also feeds the current
    /// confirmations into the snapshot (CONFIRM-PENDING clears,
    /// CONFIRM-STALE fires).
    fn evaluate(
        &self,
        snapshot: &mut Snapshot,
        today: crate::domain::Date,
    ) -> anyhow::Result<crate::policy::Evaluation> {
        Ok(crate::policy::Evaluation::full(snapshot, today))
    }
    /// Every fee statement (the dashboard's outstanding fees); none by default.
    fn fee_statements(&self) -> anyhow::Result<Vec<crate::domain::FeeStatement>> {
        Ok(Vec::new())
    }
    /// Every stored acknowledgement (any order).
    fn acks(&self) -> anyhow::Result<Vec<Ack>> {
        Ok(Vec::new())
    }
    /// Stores (or replaces) an acknowledgement; durable when it returns.
    fn acknowledge(&self, ack: &Ack) -> anyhow::Result<()> {
        let _ = ack;
        anyhow::bail!("this data source cannot store acknowledgements")
    }
    /// The semester report of `term` for `district` (`None`: statewide),
    /// judged on `today`. The default builds it from [`Source::evaluate`]
    /// with no confirmations; the store builds it as `mecred report` does.
    fn report(
        &self,
        today: Date,
        term: Term,
        district: Option<&DistrictCode>,
    ) -> anyhow::Result<ReportData> {
        report_from(self, today, term, district, None)
    }
    /// Writes the report in `format` to `path`: the bytes `mecred report
    /// --format F -o PATH` writes for the same data.
    fn export_report(
        &self,
        today: Date,
        term: Term,
        district: Option<&DistrictCode>,
        format: Format,
        path: &Path,
    ) -> anyhow::Result<()> {
        use anyhow::Context as _;
        let data = self.report(today, term, district)?;
        std::fs::write(path, crate::report::render(&data.report, format))
            .with_context(|| format!("cannot write {}", path.display()))
    }
    /// Confirms `district`'s report of `term` as `actor` (the rules of
    /// `mecred confirm`); durable when it returns.
    fn confirm_report(
        &self,
        today: Date,
        term: Term,
        district: &DistrictCode,
        actor: &str,
    ) -> anyhow::Result<ConfirmationRecord> {
        let _ = (today, term, district, actor);
        anyhow::bail!("this data source cannot store confirmations")
    }
    /// Writes batch `batch`'s error return file (SPEC §4) to `out`, as
    /// `mecred import --errors-out` does; returns the path written (the
    /// extension follows the upload's format) and the rows with problems.
    fn write_return_file(
        &self,
        batch: u64,
        today: Date,
        out: &Path,
    ) -> anyhow::Result<(std::path::PathBuf, usize)> {
        let _ = (batch, today, out);
        anyhow::bail!("this data source cannot write error return files")
    }

    /// The certificates of each student of `ids` on `today`, per credential
    /// held or certified (the rules of `mecred certificates issue`);
    /// nothing by default.
    fn certificates_of(
        &self,
        ids: &[StudentId],
        today: Date,
    ) -> anyhow::Result<Vec<CertificateStanding>> {
        let _ = (ids, today);
        Ok(Vec::new())
    }

    // Change sets. Each is durable when it returns and hands back the writes
    // it made, in order (what the live update applies); a source that
    // cannot write refuses.

    /// Reads, triages and stages the file at `path` as a batch of `kind`
    /// (guessed when `None`) for `term`, telling `progress` how far it has
    /// come; nothing is committed.
    fn stage_file(
        &self,
        path: &Path,
        kind: Option<BatchKind>,
        term: Term,
        today: Date,
        actor: &str,
        progress: &mut dyn FnMut(crate::domain::StageStep),
    ) -> anyhow::Result<StageOutcome> {
        let _ = (path, kind, term, today, actor, progress);
        anyhow::bail!("this data source cannot import files")
    }
    /// What committing staged batch `id` would write now: its rows
    /// re-triaged against the data as it stands (befores as stored).
    /// Nothing is stored.
    fn batch_writes(&self, id: u64, today: Date) -> anyhow::Result<Vec<Write>> {
        let _ = (id, today);
        anyhow::bail!("this data source cannot triage batches")
    }
    /// Commits staged batch `id`'s good rows, re-triaged now.
    fn commit_batch(&self, id: u64, today: Date, actor: &str) -> anyhow::Result<Vec<Write>> {
        let _ = (id, today, actor);
        anyhow::bail!("this data source cannot commit batches")
    }
    /// Discards staged batch `id`.
    fn discard_batch(&self, id: u64, actor: &str) -> anyhow::Result<()> {
        let _ = (id, actor);
        anyhow::bail!("this data source cannot discard batches")
    }
    /// Reverts committed batch or change set `id` (undo): its records go
    /// back to their before-images; refused, naming the record and the later
    /// change, when one was changed since.
    fn revert_batch(&self, id: u64, actor: &str) -> anyhow::Result<Vec<Write>> {
        let _ = (id, actor);
        anyhow::bail!("this data source cannot revert batches")
    }
    /// Applies `writes` (their `after`s; befores are read from the store)
    /// as one change set of `kind` (edit or transfer) described by
    /// `description`; returns its id and the writes made.
    fn apply_change_set(
        &self,
        kind: BatchKind,
        description: &str,
        writes: Vec<Write>,
        actor: &str,
    ) -> anyhow::Result<(u64, Vec<Write>)> {
        let _ = (kind, description, writes, actor);
        anyhow::bail!("this data source cannot apply changes")
    }
    /// The writes committed batch or change set `id` made, with their
    /// before- and after-images (also once reverted; what redo re-applies).
    fn committed_writes(&self, id: u64) -> anyhow::Result<Vec<Write>> {
        let _ = id;
        anyhow::bail!("this data source keeps no change sets")
    }
    /// The stored record under `key`, if any.
    fn record(&self, key: &RecordKey) -> anyhow::Result<Option<Record>> {
        let _ = key;
        anyhow::bail!("this data source cannot read records by key")
    }

    /// Moves student `id` to school `school` (another school of its
    /// district, or of another district) as one transfer change set by
    /// `actor`, its history following it; returns the change set's id and
    /// the writes made. The school must be stored already.
    fn transfer_student(
        &self,
        id: &StudentId,
        school: &SchoolCode,
        actor: &str,
    ) -> anyhow::Result<(u64, Vec<Write>)> {
        let _ = (id, school, actor);
        anyhow::bail!("this data source cannot transfer students")
    }

    // Notes (issue 5): append-only, never edited or deleted.

    /// Attaches `text` to `target` as `actor`; returns the note's seq.
    fn add_note(&self, target: NoteTarget, text: &str, actor: &str) -> anyhow::Result<u64> {
        let _ = (target, text, actor);
        anyhow::bail!("this data source cannot store notes")
    }
    /// Every note, by seq.
    fn notes(&self) -> anyhow::Result<Vec<Note>> {
        Ok(Vec::new())
    }
    /// The notes on `target`, by seq.
    fn notes_for(&self, target: &NoteTarget) -> anyhow::Result<Vec<Note>> {
        let mut v = self.notes()?;
        v.retain(|n| &n.target == target);
        Ok(v)
    }
}

/// The semester report of `term` for `district` built here, as `mecred
/// report` builds it, from what `source` reads (its snapshot carries the
/// confirmations), with `confirmation` as the district's current one.
pub fn report_from<S: Source + ?Sized>(
    source: &S,
    today: Date,
    term: Term,
    district: Option<&DistrictCode>,
    confirmation: Option<ConfirmationRecord>,
) -> anyhow::Result<ReportData> {
    let mut snap = source.snapshot()?;
    let eval = source.evaluate(&mut snap, today)?;
    let schools = source
        .all_schools()?
        .into_iter()
        .map(|s| (s.code, s.name))
        .collect();
    let last_change_set = source
        .batches()?
        .iter()
        .filter(|b| b.state == BatchState::Committed)
        .map(|b| b.id)
        .max();
    let inputs = crate::report::Inputs {
        term,
        district,
        schools: &schools,
        last_change_set,
    };
    let report = crate::report::build(&snap, &eval, inputs);
    Ok(ReportData::new(
        report,
        &snap,
        &eval,
        district,
        confirmation,
    ))
}

/// What staging a file gave.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum StageOutcome {
    /// A whole-file problem: nothing staged.
    Rejected(Problem),
    /// Staged as this batch.
    Staged(u64),
}

/// A [`Source`] over plain vectors, for tests and fixtures.
#[derive(Debug, Clone, Default)]
pub struct MemorySource {
    /// Districts (any order).
    pub districts: Vec<District>,
    /// Schools (any order).
    pub schools: Vec<School>,
    /// Students (any order).
    pub students: Vec<Student>,
    /// Exam attempts (any order).
    pub exams: Vec<ExamAttempt>,
    /// Upload batches (any order).
    pub batches: Vec<Batch>,
    /// Row results per batch id.
    pub results: Vec<(u64, RowResult)>,
    /// Audit events (any order).
    pub events: Vec<Event>,
    /// Acknowledgements, shared by clones (the TUI stores into them).
    pub acks: Arc<Mutex<Vec<Ack>>>,
    /// Notes, shared by clones (the TUI stores into them).
    pub notes: Arc<Mutex<Vec<Note>>>,
}

/// The SPEC §4 student order: last name, first name (lower-cased, by code
/// points), then ID.
pub fn student_order(a: &Student, b: &Student) -> std::cmp::Ordering {
    let key = |s: &Student| (s.last_name.to_lowercase(), s.first_name.to_lowercase());
    key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id))
}

impl Source for MemorySource {
    /// The test fixture writes no files.
    fn export_report(
        &self,
        today: Date,
        term: Term,
        district: Option<&DistrictCode>,
        format: Format,
        path: &Path,
    ) -> anyhow::Result<()> {
        let _ = (today, term, district, format, path);
        anyhow::bail!("this data source cannot write report files")
    }

    fn districts(&self) -> anyhow::Result<Vec<District>> {
        let mut v = self.districts.clone();
        v.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(v)
    }

    fn schools(&self, district: &DistrictCode) -> anyhow::Result<Vec<School>> {
        let mut v: Vec<School> = self
            .schools
            .iter()
            .filter(|s| &s.district() == district)
            .cloned()
            .collect();
        v.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(v)
    }

    fn students_of_school(&self, school: &SchoolCode) -> anyhow::Result<Vec<Student>> {
        let mut v: Vec<Student> = self
            .students
            .iter()
            .filter(|s| &s.school == school)
            .cloned()
            .collect();
        v.sort_by(student_order);
        Ok(v)
    }

    fn student(&self, id: &StudentId) -> anyhow::Result<Option<Student>> {
        Ok(self.students.iter().find(|s| &s.id == id).cloned())
    }

    fn exams_of(&self, id: &StudentId) -> anyhow::Result<Vec<ExamAttempt>> {
        let mut v: Vec<ExamAttempt> = self
            .exams
            .iter()
            .filter(|e| &e.student == id)
            .cloned()
            .collect();
        v.sort_by_key(|e| e.date);
        Ok(v)
    }

    fn all_schools(&self) -> anyhow::Result<Vec<School>> {
        let mut v = self.schools.clone();
        v.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(v)
    }

    fn all_students(&self) -> anyhow::Result<Vec<Student>> {
        Ok(self.students.clone())
    }

    fn all_exams(&self) -> anyhow::Result<Vec<ExamAttempt>> {
        Ok(self.exams.clone())
    }

    fn students_of_district(&self, district: &DistrictCode) -> anyhow::Result<Vec<Student>> {
        let mut v: Vec<Student> = self
            .students
            .iter()
            .filter(|s| &s.district() == district)
            .cloned()
            .collect();
        v.sort_by(student_order);
        Ok(v)
    }

    fn batches(&self) -> anyhow::Result<Vec<Batch>> {
        let mut v = self.batches.clone();
        v.sort_by_key(|b| b.id);
        Ok(v)
    }

    fn row_results(&self, batch: u64) -> anyhow::Result<Vec<RowResult>> {
        let mut v: Vec<RowResult> = self
            .results
            .iter()
            .filter(|(b, _)| *b == batch)
            .map(|(_, r)| r.clone())
            .collect();
        v.sort_by_key(|r| r.row);
        Ok(v)
    }

    fn event_summaries(&self) -> anyhow::Result<Vec<EventSummary>> {
        let mut v: Vec<EventSummary> = self.events.iter().map(EventSummary::of).collect();
        v.sort_by_key(|e| e.seq);
        Ok(v)
    }

    fn event(&self, seq: u64) -> anyhow::Result<Option<Event>> {
        Ok(self.events.iter().find(|e| e.seq == seq).cloned())
    }

    fn acks(&self) -> anyhow::Result<Vec<Ack>> {
        match self.acks.lock() {
            Ok(v) => Ok(v.clone()),
            Err(_) => anyhow::bail!("the acknowledgements are poisoned"),
        }
    }

    fn acknowledge(&self, ack: &Ack) -> anyhow::Result<()> {
        let Ok(mut v) = self.acks.lock() else {
            anyhow::bail!("the acknowledgements are poisoned");
        };
        v.retain(|a| a.finding != ack.finding);
        v.push(ack.clone());
        Ok(())
    }

    fn add_note(&self, target: NoteTarget, text: &str, actor: &str) -> anyhow::Result<u64> {
        let text = text.trim();
        if text.is_empty() {
            anyhow::bail!("a note needs some text");
        }
        let Ok(mut v) = self.notes.lock() else {
            anyhow::bail!("the notes are poisoned");
        };
        let seq = v.last().map_or(1, |n| n.seq + 1);
        v.push(Note {
            seq,
            target,
            text: text.to_string(),
            by: actor.to_string(),
            // Memory notes sort after the fixture's events, in order.
            at: format!("2026-12-04T12:00:{:02}Z", seq.min(59)),
        });
        Ok(seq)
    }

    fn notes(&self) -> anyhow::Result<Vec<Note>> {
        match self.notes.lock() {
            Ok(v) => Ok(v.clone()),
            Err(_) => anyhow::bail!("the notes are poisoned"),
        }
    }

    fn events_for(&self, key: &RecordKey) -> anyhow::Result<Vec<Event>> {
        let mut v: Vec<Event> = self
            .events
            .iter()
            .filter(|e| e.writes.iter().any(|w| &w.key == key))
            .map(|e| {
                let mut e = e.clone();
                e.writes.retain(|w| &w.key == key);
                e
            })
            .collect();
        v.sort_by_key(|e| e.seq);
        Ok(v)
    }
}
