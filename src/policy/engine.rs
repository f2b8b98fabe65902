//! Whole-database and incremental evaluation. Student findings depend on
//! the student's own records; district findings on the district's records
//! and on what its students add up to (module years, qualifying count). So
//! an edit re-evaluates the students it touched, then the district rules of
//! their districts (old and new) and of the districts it touched.
//!
//! For speed on 250k students (issue 3: full under 300 ms), per-student
//! state is keyed by the ID as a number, districts are interned, and each
//! district keeps running counts that a student's summary is added to and
//! subtracted from.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use super::district_rules::{DISTRICT_RULES, DistrictCtx};
use super::snapshot::{Entry, Snapshot, StudentFile, Touched, id_key};
use super::student_rules::{STUDENT_RULES, StudentCtx};
use crate::domain::{
    Credentials, Date, DistrictCode, Finding, FindingSeverity, Progress, SchoolYear, StudentId,
    Term,
};

/// Multiplicative hashing of numeric student IDs (SipHash is the single
/// biggest cost of a full pass otherwise).
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

type IdMap<V> = HashMap<u64, V, BuildHasherDefault<IdHasher>>;

/// School years whose end year is `BASE + 1 ..= BASE + 64` go in a bitmask.
const BASE: i16 = 2000;

/// A set of school years: a bitmask for the usual range, a list beyond it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct YearSet {
    mask: u64,
    other: Vec<SchoolYear>,
}

impl YearSet {
    fn insert(&mut self, y: SchoolYear) {
        match y.end.checked_sub(BASE + 1) {
            Some(bit @ 0..=63) => self.mask |= 1 << bit,
            _ => {
                if !self.other.contains(&y) {
                    self.other.push(y);
                }
            }
        }
    }

    /// The years, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = SchoolYear> + '_ {
        (0..64i16)
            .filter(|b| self.mask & (1 << b) != 0)
            .map(|b| SchoolYear { end: BASE + 1 + b })
            .chain(self.other.iter().copied())
    }
}

/// What a student adds to its district's rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StudentSummary {
    /// School years with module data (module dates, exam attempts).
    pub module_years: YearSet,
    /// Qualifying in the current term: a credential attained within it and
    /// no `error` finding.
    pub qualifying: bool,
}

/// A student's part of the evaluation, small and `Copy` so the full pass
/// over 250k students moves little memory; findings and the rare years
/// outside the mask live in sparse maps beside it.
#[derive(Debug, Clone, Copy)]
struct StudentState {
    district: u32,
    qualifying: bool,
    mask: u64,
}

#[derive(Debug, Clone, Default)]
struct DistrictState {
    years: BTreeMap<SchoolYear, u32>,
    qualifying: usize,
    findings: Vec<Finding>,
}

impl DistrictState {
    fn add(&mut self, s: &StudentSummary) {
        for y in s.module_years.iter() {
            *self.years.entry(y).or_default() += 1;
        }
        self.qualifying += usize::from(s.qualifying);
    }

    fn subtract(&mut self, s: &StudentSummary) {
        for y in s.module_years.iter() {
            if let Some(n) = self.years.get_mut(&y) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    self.years.remove(&y);
                }
            }
        }
        self.qualifying = self.qualifying.saturating_sub(usize::from(s.qualifying));
    }
}

/// The findings of a snapshot on one day, kept per student and per district.
#[derive(Debug, Clone)]
pub struct Evaluation {
    today: Date,
    codes: Vec<DistrictCode>,
    code_index: HashMap<String, u32>,
    students: IdMap<StudentState>,
    findings: IdMap<Vec<Finding>>,
    far_years: IdMap<Vec<SchoolYear>>,
    districts: Vec<DistrictState>,
}

/// Evaluates every student rule for one student.
fn eval_student(
    file: &StudentFile,
    district: &DistrictCode,
    today: Date,
) -> Option<(Vec<Finding>, StudentSummary)> {
    let student = file.student.as_ref()?;
    let progress = Progress::of(student, &file.exams);
    let credentials = Credentials::of(&progress, &file.statewide);
    let ctx = StudentCtx {
        student,
        district,
        exams: &file.exams,
        statewide: &file.statewide,
        certificates: &file.certificates,
        progress,
        credentials,
        today,
    };
    let mut findings = Vec::new();
    for rule in STUDENT_RULES {
        rule(&ctx, &mut findings);
    }
    let has_error = findings
        .iter()
        .any(|f| f.severity == FindingSeverity::Error);
    let m = &student.modules;
    let mut module_years = YearSet::default();
    for d in m.dates().chain(file.exams.iter().map(|e| e.date)) {
        module_years.insert(SchoolYear::of(d));
    }
    let summary = StudentSummary {
        module_years,
        qualifying: !has_error && credentials.any_in(Term::of(today)),
    };
    Some((findings, summary))
}

impl Evaluation {
    /// Evaluates the whole snapshot.
    pub fn full(snap: &Snapshot, today: Date) -> Evaluation {
        let mut e = Evaluation {
            today,
            codes: Vec::new(),
            code_index: HashMap::new(),
            students: IdMap::default(),
            findings: IdMap::default(),
            far_years: IdMap::default(),
            districts: Vec::new(),
        };
        e.students.reserve(snap.student_count());
        for entry in snap.entries() {
            e.put_student(entry);
        }
        for code in snap.district_codes() {
            e.intern(&code);
        }
        for code in e.codes.clone() {
            e.eval_district(snap, &code);
        }
        e
    }

    /// The day the evaluation judges.
    pub fn today(&self) -> Date {
        self.today
    }

    /// Re-evaluates what an edit touched; the result equals
    /// [`Evaluation::full`] of the edited snapshot.
    pub fn update(&mut self, snap: &Snapshot, touched: &Touched) {
        let mut dirty: BTreeSet<u32> = BTreeSet::new();
        for code in &touched.districts {
            dirty.insert(self.intern(code));
        }
        for id in &touched.students {
            let key = id_key(id);
            if let Some(old) = self.students.remove(&key) {
                let summary = StudentSummary {
                    module_years: YearSet {
                        mask: old.mask,
                        other: self.far_years.remove(&key).unwrap_or_default(),
                    },
                    qualifying: old.qualifying,
                };
                if let Some(d) = self.districts.get_mut(old.district as usize) {
                    d.subtract(&summary);
                }
                self.findings.remove(&key);
                dirty.insert(old.district);
            }
            if let Some(entry) = snap.entry(id)
                && let Some(district) = self.put_student(entry)
            {
                dirty.insert(district);
            }
        }
        for i in dirty {
            if let Some(code) = self.codes.get(i as usize).cloned() {
                self.eval_district(snap, &code);
            }
        }
    }

    fn intern(&mut self, code: &DistrictCode) -> u32 {
        if let Some(i) = self.code_index.get(code.as_str()) {
            return *i;
        }
        let i = u32::try_from(self.codes.len()).unwrap_or(u32::MAX);
        self.codes.push(code.clone());
        self.code_index.insert(code.as_str().to_string(), i);
        self.districts.push(DistrictState::default());
        i
    }

    fn put_student(&mut self, entry: &Entry) -> Option<u32> {
        let file = &entry.file;
        let student = file.student.as_ref()?;
        let code = std::str::from_utf8(&entry.district).ok()?;
        let di = match self.code_index.get(code) {
            Some(i) => *i,
            None => self.intern(&student.district()),
        };
        let district = self.codes.get(di as usize)?;
        let (findings, summary) = eval_student(file, district, self.today)?;
        if let Some(d) = self.districts.get_mut(di as usize) {
            d.add(&summary);
        }
        let key = entry.key;
        let adds_nothing = summary == StudentSummary::default() && findings.is_empty();
        // A student that adds nothing to its district and has no finding
        // needs no state: removing it later changes no district either.
        if !adds_nothing {
            self.students.insert(
                key,
                StudentState {
                    district: di,
                    qualifying: summary.qualifying,
                    mask: summary.module_years.mask,
                },
            );
        }
        if !findings.is_empty() {
            self.findings.insert(key, findings);
        }
        if !summary.module_years.other.is_empty() {
            self.far_years.insert(key, summary.module_years.other);
        }
        Some(di)
    }

    fn eval_district(&mut self, snap: &Snapshot, code: &DistrictCode) {
        let i = self.intern(code) as usize;
        let Some(state) = self.districts.get(i) else {
            return;
        };
        let ctx = DistrictCtx {
            code,
            district: snap.district(code),
            agreements: snap.agreements_of(code),
            module_years: state.years.keys().copied().collect(),
            qualifying: state.qualifying,
            has_upload: snap.has_upload(code, Term::of(self.today)),
            confirmations: snap.confirmations_of(code).collect(),
            today: self.today,
        };
        let mut findings = Vec::new();
        for rule in DISTRICT_RULES {
            rule(&ctx, &mut findings);
        }
        if let Some(state) = self.districts.get_mut(i) {
            state.findings = findings;
        }
    }

    /// Every finding, in SPEC §3 order.
    pub fn findings(&self) -> Vec<&Finding> {
        let mut all: Vec<&Finding> = self
            .findings
            .values()
            .flatten()
            .chain(self.districts.iter().flat_map(|d| &d.findings))
            .collect();
        all.sort_by(|a, b| a.order(b));
        all
    }

    /// A student's findings, in rule order.
    pub fn student_findings(&self, id: &StudentId) -> &[Finding] {
        self.findings.get(&id_key(id)).map_or(&[], Vec::as_slice)
    }

    /// A district's own findings (AGREEMENT-*, UPLOAD-MISSING, CONFIRM-*).
    pub fn district_findings(&self, code: &DistrictCode) -> &[Finding] {
        self.code_index
            .get(code.as_str())
            .and_then(|i| self.districts.get(*i as usize))
            .map_or(&[], |d| &d.findings)
    }

    /// Whether an `error` finding blocks the student's credentials.
    pub fn is_blocked(&self, id: &StudentId) -> bool {
        self.student_findings(id)
            .iter()
            .any(|f| f.severity == FindingSeverity::Error)
    }

    /// What a student adds to its district's rules (`None` when nothing).
    pub fn summary(&self, id: &StudentId) -> Option<StudentSummary> {
        let key = id_key(id);
        let s = self.students.get(&key)?;
        Some(StudentSummary {
            module_years: YearSet {
                mask: s.mask,
                other: self.far_years.get(&key).cloned().unwrap_or_default(),
            },
            qualifying: s.qualifying,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_sets_hold_years_in_and_beyond_the_mask() {
        let mut s = YearSet::default();
        for end in [2027, 2001, 2064, 2000, 2065, 2027, 1990] {
            s.insert(SchoolYear { end });
        }
        let mut got: Vec<i16> = s.iter().map(|y| y.end).collect();
        got.sort_unstable();
        assert_eq!(got, vec![1990, 2000, 2001, 2027, 2064, 2065]);
    }

    #[test]
    fn id_keys_are_the_number() {
        let id = StudentId::parse("0089592595").unwrap();
        assert_eq!(id_key(&id), 89_592_595);
        let max = StudentId::parse("9999999999").unwrap();
        assert_eq!(id_key(&max), 9_999_999_999);
    }
}
