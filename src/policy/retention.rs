//! The two-year retention rule (issue 8, policy "Relevant Procedures":
//! documentation is kept for at least two years for audit): which students
//! and upload batches have passed the date until which they must be kept,
//! which of those may be purged, and which are kept, and why. Pure: the
//! caller gathers what the store knows.
//!
//! Dates. A record must be kept until **June 30 two years after the end of
//! its school year** (a school year ends June 30, SPEC §1): school year
//! 2024-25 → kept through 2027-06-30, purgeable from 2027-07-01.
//! - A student's school year is the latest of the school year it graduates
//!   in (grade 12: `SchoolYear { end: cohort }`) and the school year of its
//!   newest dated item (module dates, exam attempts, Statewide attempts and
//!   attainments). So a student is never let go while still in school, and
//!   late data keeps it longer.
//! - An upload batch's school year is its term's, or, for a batch with no
//!   term, that of the day it was imported.
//!
//! Never purged, even past the date (each is a reason shown):
//! - a student with an open finding (any finding but an acknowledged warn);
//! - a student listed in a district's report of a term (a credential
//!   attained within it) that the district has not confirmed; a committed
//!   completions batch of such a district and term;
//! - a student with a certificate still verifiable: a certificate stays
//!   verifiable until two years after the end of the school year it was
//!   issued in (the same rule, applied to its issue date);
//! - a batch still staged (not committed or discarded).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Serialize;

use super::{Evaluation, Snapshot, StudentFile};
use crate::domain::{
    Batch, BatchKind, BatchState, Credentials, Date, DistrictCode, FindingSeverity, Progress,
    SchoolYear, StudentId, Term,
};

/// The last day a record of `year` must be kept: June 30 two years after
/// the school year ends.
pub fn keep_until(year: SchoolYear) -> Date {
    Date::new(year.end.saturating_add(2), 6, 30).unwrap_or(Date::MAX)
}

/// The school year a student's records belong to (see the module doc).
pub fn student_year(file: &StudentFile) -> Option<SchoolYear> {
    let s = file.student.as_ref()?;
    let m = &s.modules;
    let dates = m.dates().chain(file.exams.iter().map(|e| e.date)).chain(
        file.statewide
            .iter()
            .flat_map(|a| [Some(a.attempted), a.attained])
            .flatten(),
    );
    let latest = dates.map(SchoolYear::of).max();
    Some(latest.map_or(SchoolYear { end: s.cohort }, |y| {
        y.max(SchoolYear { end: s.cohort })
    }))
}

/// The school year of a batch: its term's, else the day it was imported.
pub fn batch_year(b: &Batch) -> Option<SchoolYear> {
    if let Some(t) = b.term {
        return Some(t.school_year());
    }
    let day: Date = b.imported_at.get(..10)?.parse().ok()?;
    Some(SchoolYear::of(day))
}

/// Where a record stands on today's date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Its keep-until date has not passed.
    Keep,
    /// Past its date and nothing holds it: a purge removes its personal data.
    Due,
    /// Past its date but held (see the reasons).
    Kept,
    /// Its personal data was purged already.
    Purged,
}

impl Status {
    /// `keep`, `due`, `kept` or `purged`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Keep => "keep",
            Status::Due => "due",
            Status::Kept => "kept",
            Status::Purged => "purged",
        }
    }
}

/// A student under the retention rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StudentItem {
    /// The student.
    pub student_id: StudentId,
    /// Its district.
    pub district: DistrictCode,
    /// Its school year.
    pub school_year: SchoolYear,
    /// The last day it must be kept.
    pub keep_until: Date,
    /// Where it stands.
    pub status: Status,
    /// Why it is kept past its date (empty otherwise).
    pub reasons: Vec<String>,
}

/// An upload batch under the retention rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchItem {
    /// The batch id.
    pub batch: u64,
    /// Its kind.
    pub kind: String,
    /// Its district (completions).
    pub district: Option<DistrictCode>,
    /// Its school year.
    pub school_year: SchoolYear,
    /// The last day it must be kept.
    pub keep_until: Date,
    /// Where it stands.
    pub status: Status,
    /// Why it is kept past its date (empty otherwise).
    pub reasons: Vec<String>,
}

/// What the retention rule reads besides the snapshot and its evaluation.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// Today.
    pub today: Date,
    /// Acknowledged finding ids.
    pub acknowledged: &'a HashSet<String>,
    /// Districts and terms with a current (not withdrawn) confirmation.
    pub confirmed: &'a BTreeSet<(DistrictCode, Term)>,
    /// Students already purged.
    pub purged_students: &'a BTreeSet<StudentId>,
    /// Batches already purged.
    pub purged_batches: &'a BTreeSet<u64>,
    /// Every batch.
    pub batches: &'a [Batch],
}

/// The districts and terms whose report lists a student (a credential
/// attained within the term), with those students.
fn listed(snap: &Snapshot) -> BTreeMap<(DistrictCode, Term), Vec<StudentId>> {
    let mut out: BTreeMap<(DistrictCode, Term), Vec<StudentId>> = BTreeMap::new();
    for (id, file) in snap.students() {
        let Some(s) = &file.student else { continue };
        let c = Credentials::of(&Progress::of(s, &file.exams), &file.statewide);
        let terms: BTreeSet<Term> = [c.regional_core, c.basic_statewide, c.advanced_statewide]
            .into_iter()
            .flatten()
            .map(Term::of)
            .collect();
        for t in terms {
            out.entry((s.district(), t)).or_default().push(id.clone());
        }
    }
    out
}

/// Why a student past its date is kept (empty: it may be purged).
fn student_reasons(
    eval: &Evaluation,
    inp: &Inputs,
    file: &StudentFile,
    id: &StudentId,
    district: &DistrictCode,
    listed_in: &[Term],
) -> Vec<String> {
    let mut why = Vec::new();
    for f in eval.student_findings(id) {
        let acked = f.severity == FindingSeverity::Warn && inp.acknowledged.contains(&f.id);
        if !acked {
            why.push(format!(
                "open finding {} {} ({})",
                f.rule.as_str(),
                f.id,
                f.severity.as_str()
            ));
        }
    }
    for t in listed_in {
        if !inp.confirmed.contains(&(district.clone(), *t)) {
            why.push(format!(
                "listed in the {district} {t} report, which is not confirmed"
            ));
        }
    }
    for c in &file.certificates {
        let until = keep_until(SchoolYear::of(c.issued));
        if inp.today <= until {
            why.push(format!(
                "its {} certificate issued {} stays verifiable until {until}",
                c.credential.as_str(),
                c.issued
            ));
        }
    }
    why
}

/// Every student with its retention status, by student ID.
pub fn students(snap: &Snapshot, eval: &Evaluation, inp: &Inputs) -> Vec<StudentItem> {
    let mut by_student: BTreeMap<StudentId, Vec<Term>> = BTreeMap::new();
    for ((_, t), ids) in listed(snap) {
        for id in ids {
            by_student.entry(id).or_default().push(t);
        }
    }
    let mut out = Vec::new();
    for (id, file) in snap.students() {
        let (Some(s), Some(year)) = (&file.student, student_year(file)) else {
            continue;
        };
        let until = keep_until(year);
        let district = s.district();
        let (status, reasons) = if inp.purged_students.contains(id) {
            (Status::Purged, Vec::new())
        } else if inp.today <= until {
            (Status::Keep, Vec::new())
        } else {
            let terms = by_student.get(id).map(Vec::as_slice).unwrap_or_default();
            let why = student_reasons(eval, inp, file, id, &district, terms);
            if why.is_empty() {
                (Status::Due, why)
            } else {
                (Status::Kept, why)
            }
        };
        out.push(StudentItem {
            student_id: id.clone(),
            district,
            school_year: year,
            keep_until: until,
            status,
            reasons,
        });
    }
    out.sort_by(|a, b| a.student_id.cmp(&b.student_id));
    out
}

/// Every upload batch (files, not edits: edits carry no file) with its
/// retention status, by id.
pub fn batches(snap: &Snapshot, inp: &Inputs) -> Vec<BatchItem> {
    let listed = listed(snap);
    let mut out = Vec::new();
    for b in inp.batches {
        if matches!(b.kind, BatchKind::Edit | BatchKind::Transfer) {
            continue;
        }
        let Some(year) = batch_year(b) else { continue };
        let until = keep_until(year);
        let mut why = Vec::new();
        if b.state == BatchState::Staged {
            why.push("still staged: commit or discard it first".to_string());
        }
        if b.state == BatchState::Committed
            && let (Some(d), Some(t)) = (&b.district, b.term)
            && listed.contains_key(&(d.clone(), t))
            && !inp.confirmed.contains(&(d.clone(), t))
        {
            why.push(format!("the {d} {t} report is not confirmed"));
        }
        let status = if inp.purged_batches.contains(&b.id) {
            why.clear();
            Status::Purged
        } else if inp.today <= until {
            why.clear();
            Status::Keep
        } else if why.is_empty() {
            Status::Due
        } else {
            Status::Kept
        };
        out.push(BatchItem {
            batch: b.id,
            kind: b.kind.to_string(),
            district: b.district.clone(),
            school_year: year,
            keep_until: until,
            status,
            reasons: why,
        });
    }
    out.sort_by_key(|b| b.batch);
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::{
        Certificate, Credential, ExamAttempt, ExamResult, Modules, Record, SchoolCode, Student,
        Summary,
    };

    fn d(y: i16, m: i8, dd: i8) -> Date {
        Date::constant(y, m, dd)
    }

    fn sid(n: u32) -> StudentId {
        StudentId::parse(&format!("{n:010}")).unwrap()
    }

    /// A student of cohort `cohort` with all five modules in that spring.
    fn student(n: u32, cohort: i16, instrument: Option<&str>) -> Vec<Record> {
        let y = cohort;
        let s = Student {
            id: sid(n),
            last_name: "Zed".into(),
            first_name: "Amy".into(),
            school: SchoolCode::parse("017004").unwrap(),
            cohort,
            pathway: Some(false),
            complementary: vec![],
            modules: Modules {
                sa_round1: Some(d(y, 1, 10)),
                sa_round2: Some(d(y, 2, 10)),
                sa_instrument: instrument.map(str::to_string),
                presentation: Some(d(y, 3, 1)),
                mentor_checklist: Some(true),
                credit_applications: Some(d(y, 3, 5)),
                company_registration: Some(d(y, 3, 6)),
            },
            notes: None,
        };
        vec![
            Record::Student(s),
            Record::Exam(ExamAttempt {
                student: sid(n),
                date: d(y, 4, 1),
                score: None,
                result: ExamResult::Pass,
                provider: None,
            }),
        ]
    }

    fn snap(records: Vec<Vec<Record>>) -> Snapshot {
        let mut s = Snapshot::new();
        for r in records.into_iter().flatten() {
            s.insert(r);
        }
        s
    }

    fn code() -> DistrictCode {
        DistrictCode::parse("017").unwrap()
    }

    struct World {
        acked: HashSet<String>,
        confirmed: BTreeSet<(DistrictCode, Term)>,
        purged: BTreeSet<StudentId>,
        purged_batches: BTreeSet<u64>,
        batches: Vec<Batch>,
    }

    impl World {
        fn new() -> World {
            World {
                acked: HashSet::new(),
                confirmed: BTreeSet::new(),
                purged: BTreeSet::new(),
                purged_batches: BTreeSet::new(),
                batches: Vec::new(),
            }
        }
        fn inputs(&self, today: Date) -> Inputs<'_> {
            Inputs {
                today,
                acknowledged: &self.acked,
                confirmed: &self.confirmed,
                purged_students: &self.purged,
                purged_batches: &self.purged_batches,
                batches: &self.batches,
            }
        }
    }

    #[test]
    fn keep_until_is_june_30_two_years_after_the_school_year() {
        assert_eq!(keep_until("2024-25".parse().unwrap()), d(2027, 6, 30));
    }

    #[test]
    fn a_students_year_is_its_graduation_year_or_later_data() {
        let s = snap(vec![student(1, 2023, None)]);
        let f = s.student(&sid(1)).unwrap();
        assert_eq!(student_year(f), Some(SchoolYear { end: 2023 }));
        // Data dated after graduation (a late Statewide attempt) keeps it longer.
        let mut late = f.clone();
        late.statewide.push(crate::domain::StatewideAttempt {
            student: sid(1),
            credential: Credential::BasicStatewide,
            attempted: d(2024, 9, 1),
            attained: None,
        });
        assert_eq!(student_year(&late), Some(SchoolYear { end: 2025 }));
    }

    #[test]
    fn a_student_is_due_the_day_after_its_date_unless_held() {
        let s = snap(vec![
            student(1, 2023, None),
            student(2, 2023, Some("Kuder")),
        ]);
        let mut w = World::new();
        let eval = Evaluation::full(&s, d(2025, 6, 30));
        let all = students(&s, &eval, &w.inputs(d(2025, 6, 30)));
        assert!(all.iter().all(|i| i.status == Status::Keep));
        let eval = Evaluation::full(&s, d(2025, 7, 1));
        let all = students(&s, &eval, &w.inputs(d(2025, 7, 1)));
        // Both attained Regional Core in spring-2023, which is unconfirmed.
        assert_eq!(all[0].status, Status::Kept);
        assert!(
            all[0].reasons[0].contains("017 spring-2023 report"),
            "{:?}",
            all[0]
        );
        w.confirmed.insert((code(), "spring-2023".parse().unwrap()));
        let all = students(&s, &eval, &w.inputs(d(2025, 7, 1)));
        assert_eq!(all[0].status, Status::Due);
        assert_eq!(all[0].keep_until, d(2025, 6, 30));
        // An open error finding (SA-SUBSTITUTE) holds the second.
        assert_eq!(all[1].status, Status::Kept);
        assert!(all[1].reasons[0].starts_with("open finding SA-SUBSTITUTE"));
        w.purged.insert(sid(1));
        let all = students(&s, &eval, &w.inputs(d(2025, 7, 1)));
        assert_eq!(all[0].status, Status::Purged);
    }

    #[test]
    fn a_verifiable_certificate_holds_a_student() {
        let mut records = vec![student(1, 2023, None)];
        records.push(vec![Record::Certificate(Certificate {
            student: sid(1),
            credential: Credential::RegionalCore,
            issued: d(2024, 1, 5),
            code: Some("AAAABBBBCCCCDDDD".into()),
        })]);
        let s = snap(records);
        let mut w = World::new();
        w.confirmed.insert((code(), "spring-2023".parse().unwrap()));
        let eval = Evaluation::full(&s, d(2025, 7, 1));
        let all = students(&s, &eval, &w.inputs(d(2025, 7, 1)));
        assert_eq!(all[0].status, Status::Kept);
        assert!(all[0].reasons[0].contains("verifiable until 2026-06-30"));
        let eval = Evaluation::full(&s, d(2026, 7, 1));
        let all = students(&s, &eval, &w.inputs(d(2026, 7, 1)));
        assert_eq!(all[0].status, Status::Due);
    }

    fn batch(id: u64, term: Option<&str>, state: BatchState) -> Batch {
        Batch {
            id,
            kind: BatchKind::Completions,
            district: Some(code()),
            term: term.map(|t| t.parse().unwrap()),
            file: "f.xlsx".into(),
            sha256: "00".into(),
            imported_at: "2023-02-01T10:00:00Z".into(),
            imported_by: "op".into(),
            state,
            summary: Summary::default(),
            problems: Vec::new(),
            sheet: None,
            header_row: None,
            settled_at: None,
            settled_by: None,
        }
    }

    #[test]
    fn batches_follow_their_term_and_are_held_by_staging_or_an_unconfirmed_report() {
        let s = snap(vec![student(1, 2023, None)]);
        let mut w = World::new();
        w.batches = vec![
            batch(1, Some("spring-2023"), BatchState::Committed),
            batch(2, None, BatchState::Discarded),
            batch(3, Some("spring-2023"), BatchState::Staged),
            batch(4, Some("fall-2024"), BatchState::Committed),
        ];
        let all = batches(&s, &w.inputs(d(2025, 7, 1)));
        let st: Vec<&str> = all.iter().map(|b| b.status.as_str()).collect();
        assert_eq!(st, ["kept", "due", "kept", "keep"]);
        assert!(all[0].reasons[0].contains("not confirmed"));
        assert!(all[2].reasons[0].contains("staged"));
        assert_eq!(all[1].keep_until, d(2025, 6, 30));
        w.confirmed.insert((code(), "spring-2023".parse().unwrap()));
        w.purged_batches.insert(2);
        let all = batches(&s, &w.inputs(d(2025, 7, 1)));
        let st: Vec<&str> = all.iter().map(|b| b.status.as_str()).collect();
        assert_eq!(st, ["due", "purged", "kept", "keep"]);
    }
}
