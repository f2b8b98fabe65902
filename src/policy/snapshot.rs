//! What the rules read: the stored records (by student and by district), the
//! committed completions uploads and the semester confirmations, held in
//! memory. Edits go through [`Snapshot::set`] / [`Snapshot::apply`], which say
//! which records they touched so the engine re-evaluates only those.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::domain::{
    Agreement, Certificate, District, DistrictCode, ExamAttempt, Record, RecordKey, SchoolYear,
    StatewideAttempt, Student, StudentId, Term, Write,
};

/// One student's records: the student (absent when only attempts name the
/// ID), exam attempts by date, Statewide attempts by credential and date,
/// certificates by credential.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StudentFile {
    /// The student record.
    pub student: Option<Student>,
    /// Exam attempts, by date.
    pub exams: Vec<ExamAttempt>,
    /// Statewide attempts, by credential, then date attempted.
    pub statewide: Vec<StatewideAttempt>,
    /// Certificates, by credential.
    pub certificates: Vec<Certificate>,
}

impl StudentFile {
    fn is_empty(&self) -> bool {
        self.student.is_none()
            && self.exams.is_empty()
            && self.statewide.is_empty()
            && self.certificates.is_empty()
    }
}

/// A current (not withdrawn) semester confirmation as CONFIRM-PENDING and
/// CONFIRM-STALE see it: the hash confirmed and the hash of the same
/// district and term's report computed now (the report builder computes it;
/// until confirmations exist the CLI passes none).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Confirmation {
    /// The district.
    pub district: DistrictCode,
    /// The term.
    pub term: Term,
    /// SHA-256 of the report when confirmed.
    pub sha256: String,
    /// SHA-256 of the report as it stands now.
    pub current_sha256: String,
}

/// The records an edit touched: these students, plus the district-level
/// rules of these districts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Touched {
    /// Students to re-evaluate.
    pub students: BTreeSet<StudentId>,
    /// Districts whose district-level rules to re-evaluate.
    pub districts: BTreeSet<DistrictCode>,
}

impl Touched {
    /// Adds another edit's touches.
    pub fn merge(&mut self, other: Touched) {
        self.students.extend(other.students);
        self.districts.extend(other.districts);
    }
}

/// A student's records with what the engine needs of its strings, copied
/// inline when the snapshot is built: reading a heap-allocated ID or school
/// code per student costs a cache miss each, most of a full pass otherwise.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Entry {
    /// The ID as a number.
    pub(super) key: u64,
    /// The district code's bytes (from the school code).
    pub(super) district: [u8; 3],
    /// The records.
    pub(super) file: StudentFile,
}

/// A student ID (10 ASCII digits) as a number.
pub(super) fn id_key(id: &StudentId) -> u64 {
    id.as_str()
        .bytes()
        .fold(0u64, |n, b| n * 10 + u64::from(b.wrapping_sub(b'0') % 10))
}

/// The stored records the rules read, plus uploads and confirmations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    districts: BTreeMap<DistrictCode, District>,
    agreements: BTreeMap<DistrictCode, BTreeMap<SchoolYear, Agreement>>,
    /// Boxed: a table sized for 250,000 entries has ~2x the slots, and an
    /// entry is a few hundred bytes.
    students: HashMap<StudentId, Box<Entry>>,
    uploads: HashSet<(DistrictCode, Term)>,
    confirmations: Vec<Confirmation>,
}

/// Inserts or replaces (`Some`) or removes (`None`) the item of `list` whose
/// key is `key`, keeping `list` sorted by key.
fn put<T, K: Ord>(list: &mut Vec<T>, key: &K, value: Option<T>, key_of: impl Fn(&T) -> K) {
    match (list.binary_search_by(|x| key_of(x).cmp(key)), value) {
        (Ok(i), Some(v)) => list[i] = v,
        (Ok(i), None) => {
            list.remove(i);
        }
        (Err(i), Some(v)) => list.insert(i, v),
        (Err(_), None) => {}
    }
}

/// A snapshot taken apart to travel (the server sends one to each client):
/// every record, the committed uploads and the confirmations.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SnapshotParts {
    /// Every record, districts and agreements first.
    pub records: Vec<Record>,
    /// The committed completions uploads.
    pub uploads: Vec<(DistrictCode, Term)>,
    /// The confirmations with their current report hashes.
    pub confirmations: Vec<Confirmation>,
}

impl Snapshot {
    /// An empty snapshot.
    pub fn new() -> Snapshot {
        Snapshot::default()
    }

    /// Everything in the snapshot, to rebuild it with
    /// [`Snapshot::from_parts`].
    pub fn parts(&self) -> SnapshotParts {
        let mut records: Vec<Record> = self
            .districts
            .values()
            .cloned()
            .map(Record::District)
            .collect();
        records.extend(
            self.agreements
                .values()
                .flat_map(BTreeMap::values)
                .cloned()
                .map(Record::Agreement),
        );
        for e in self.students.values() {
            let f = &e.file;
            records.extend(f.student.iter().cloned().map(Record::Student));
            records.extend(f.exams.iter().cloned().map(Record::Exam));
            records.extend(f.statewide.iter().cloned().map(Record::Statewide));
            records.extend(f.certificates.iter().cloned().map(Record::Certificate));
        }
        SnapshotParts {
            records,
            uploads: self.uploads.iter().cloned().collect(),
            confirmations: self.confirmations.clone(),
        }
    }

    /// The snapshot [`Snapshot::parts`] took apart.
    pub fn from_parts(parts: SnapshotParts) -> Snapshot {
        let mut s = Snapshot::new();
        for r in parts.records {
            s.insert(r);
        }
        for (d, t) in parts.uploads {
            s.add_upload(d, t);
        }
        s.set_confirmations(parts.confirmations);
        s
    }

    /// Sets the record under `key` to `value` (`None` removes it).
    pub fn set(&mut self, key: &RecordKey, value: Option<Record>) -> Touched {
        let mut t = Touched::default();
        match key {
            RecordKey::District(code) => {
                match value {
                    Some(Record::District(d)) => self.districts.insert(code.clone(), d),
                    _ => self.districts.remove(code),
                };
                t.districts.insert(code.clone());
            }
            RecordKey::Agreement(code, year) => {
                let of = self.agreements.entry(code.clone()).or_default();
                match value {
                    Some(Record::Agreement(a)) => of.insert(*year, a),
                    _ => of.remove(year),
                };
                if of.is_empty() {
                    self.agreements.remove(code);
                }
                t.districts.insert(code.clone());
            }
            // No rule reads school records: a finding's school is the
            // student's school code.
            RecordKey::School(_) => {}
            RecordKey::Student(id) => {
                self.file(id, |f| {
                    f.student = match value {
                        Some(Record::Student(s)) => Some(s),
                        _ => None,
                    }
                });
                t.students.insert(id.clone());
            }
            RecordKey::Exam(id, date) => {
                let v = match value {
                    Some(Record::Exam(e)) => Some(e),
                    _ => None,
                };
                self.file(id, |f| put(&mut f.exams, date, v, |e| e.date));
                t.students.insert(id.clone());
            }
            RecordKey::Statewide(id, c, date) => {
                let v = match value {
                    Some(Record::Statewide(s)) => Some(s),
                    _ => None,
                };
                let k = (*c, *date);
                self.file(id, |f| {
                    put(&mut f.statewide, &k, v, |s| (s.credential, s.attempted))
                });
                t.students.insert(id.clone());
            }
            RecordKey::Certificate(id, c) => {
                let v = match value {
                    Some(Record::Certificate(x)) => Some(x),
                    _ => None,
                };
                self.file(id, |f| put(&mut f.certificates, c, v, |x| x.credential));
                t.students.insert(id.clone());
            }
        }
        t
    }

    fn file(&mut self, id: &StudentId, change: impl FnOnce(&mut StudentFile)) {
        let e = self.students.entry(id.clone()).or_insert_with(|| {
            Box::new(Entry {
                key: id_key(id),
                ..Entry::default()
            })
        });
        change(&mut e.file);
        if let Some(code) = e
            .file
            .student
            .as_ref()
            .map(|s| s.school.as_str().as_bytes())
            && let Some(d) = code.get(..3).and_then(|d| <[u8; 3]>::try_from(d).ok())
        {
            e.district = d;
        }
        if e.file.is_empty() {
            self.students.remove(id);
        }
    }

    /// Every student's entry (any order).
    pub(super) fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.students.values().map(|e| &**e)
    }

    /// One student's entry.
    pub(super) fn entry(&self, id: &StudentId) -> Option<&Entry> {
        self.students.get(id).map(|e| &**e)
    }

    /// Adds a stored record.
    pub fn insert(&mut self, record: Record) -> Touched {
        self.set(&record.key(), Some(record))
    }

    /// Applies one write of a change set (its `after` side).
    pub fn apply(&mut self, write: &Write) -> Touched {
        self.set(&write.key, write.after.clone())
    }

    /// Records a committed completions upload of a district for a term.
    pub fn add_upload(&mut self, district: DistrictCode, term: Term) -> Touched {
        let mut t = Touched::default();
        t.districts.insert(district.clone());
        self.uploads.insert((district, term));
        t
    }

    /// Forgets an upload (its batch was reverted).
    pub fn remove_upload(&mut self, district: &DistrictCode, term: Term) -> Touched {
        let mut t = Touched::default();
        self.uploads.remove(&(district.clone(), term));
        t.districts.insert(district.clone());
        t
    }

    /// Replaces the confirmations (with their current report hashes).
    pub fn set_confirmations(&mut self, confirmations: Vec<Confirmation>) -> Touched {
        let mut t = Touched::default();
        for c in self.confirmations.iter().chain(&confirmations) {
            t.districts.insert(c.district.clone());
        }
        self.confirmations = confirmations;
        t
    }

    /// A district record.
    pub fn district(&self, code: &DistrictCode) -> Option<&District> {
        self.districts.get(code)
    }

    /// A district's agreements by school year.
    pub fn agreements_of(&self, code: &DistrictCode) -> Option<&BTreeMap<SchoolYear, Agreement>> {
        self.agreements.get(code)
    }

    /// One student's records.
    pub fn student(&self, id: &StudentId) -> Option<&StudentFile> {
        self.students.get(id).map(|e| &e.file)
    }

    /// How many student IDs have records.
    pub fn student_count(&self) -> usize {
        self.students.len()
    }

    /// Every student's records (any order).
    pub fn students(&self) -> impl Iterator<Item = (&StudentId, &StudentFile)> {
        self.students.iter().map(|(id, e)| (id, &e.file))
    }

    /// Whether a district has a committed completions upload for a term.
    pub fn has_upload(&self, district: &DistrictCode, term: Term) -> bool {
        self.uploads.contains(&(district.clone(), term))
    }

    /// The stored record under `key`, as the snapshot holds it (school
    /// records are not kept: `None`).
    pub fn record(&self, key: &RecordKey) -> Option<Record> {
        match key {
            RecordKey::District(c) => self.districts.get(c).cloned().map(Record::District),
            RecordKey::Agreement(c, y) => self
                .agreements
                .get(c)?
                .get(y)
                .cloned()
                .map(Record::Agreement),
            RecordKey::School(_) => None,
            RecordKey::Student(id) => self.student(id)?.student.clone().map(Record::Student),
            RecordKey::Exam(id, d) => self
                .student(id)?
                .exams
                .iter()
                .find(|e| e.date == *d)
                .cloned()
                .map(Record::Exam),
            RecordKey::Statewide(id, c, d) => self
                .student(id)?
                .statewide
                .iter()
                .find(|a| a.credential == *c && a.attempted == *d)
                .cloned()
                .map(Record::Statewide),
            RecordKey::Certificate(id, c) => self
                .student(id)?
                .certificates
                .iter()
                .find(|x| x.credential == *c)
                .cloned()
                .map(Record::Certificate),
        }
    }

    /// Whether the record under `key` is `value`, without copying it (a
    /// student, the common case, is compared in place).
    pub fn holds(&self, key: &RecordKey, value: Option<&Record>) -> bool {
        match (key, value) {
            (RecordKey::Student(id), Some(Record::Student(v))) => {
                self.student(id).and_then(|f| f.student.as_ref()) == Some(v)
            }
            (RecordKey::Student(id), None) => {
                self.student(id).and_then(|f| f.student.as_ref()).is_none()
            }
            _ => self.record(key).as_ref() == value,
        }
    }

    /// A district's confirmations.
    pub fn confirmations_of<'a>(
        &'a self,
        district: &'a DistrictCode,
    ) -> impl Iterator<Item = &'a Confirmation> + 'a {
        self.confirmations
            .iter()
            .filter(move |c| &c.district == district)
    }

    /// Every district code a district record, agreement, upload or
    /// confirmation names (students' districts are not scanned here: the
    /// engine learns those as it evaluates the students).
    pub fn district_codes(&self) -> BTreeSet<DistrictCode> {
        let mut all: BTreeSet<DistrictCode> = self.districts.keys().cloned().collect();
        all.extend(self.agreements.keys().cloned());
        all.extend(self.uploads.iter().map(|(d, _)| d.clone()));
        all.extend(self.confirmations.iter().map(|c| c.district.clone()));
        all
    }
}

#[cfg(test)]
mod parts_tests {
    use super::*;

    #[test]
    fn a_snapshot_taken_apart_and_rebuilt_is_the_same() {
        let src = crate::tui::fixture::source();
        let mut snap = crate::tui::Source::snapshot(&src).unwrap();
        let d = DistrictCode::parse("017").unwrap();
        let term: Term = "fall-2026".parse().unwrap();
        snap.add_upload(d.clone(), term);
        snap.set_confirmations(vec![Confirmation {
            district: d,
            term,
            sha256: "a".into(),
            current_sha256: "b".into(),
        }]);
        let parts = snap.parts();
        assert!(parts.records.len() > 5);
        let json = serde_json::to_vec(&parts).unwrap();
        let back: SnapshotParts = serde_json::from_slice(&json).unwrap();
        assert_eq!(Snapshot::from_parts(back), snap);
    }
}
