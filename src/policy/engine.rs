//! Whole-database and incremental evaluation. Student findings depend on
//! the student's own records; district findings on the district's records
//! and on what its students add up to (module years, qualifying count). So
//! an edit re-evaluates the students it touched, then the district rules of
//! their districts (old and new) and of the districts it touched.

use std::collections::{BTreeSet, HashMap};

use super::district_rules::{DISTRICT_RULES, DistrictCtx};
use super::snapshot::{Snapshot, StudentFile, Touched};
use super::student_rules::{STUDENT_RULES, StudentCtx};
use crate::domain::{
    Credentials, Date, DistrictCode, Finding, FindingSeverity, Progress, SchoolYear, Standing,
    StudentId, Term,
};

/// What a student adds to its district's rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StudentSummary {
    /// School years with module data (module dates, exam attempts), sorted.
    pub module_years: Vec<SchoolYear>,
    /// Qualifying in the current term: a credential attained within it and
    /// no `error` finding.
    pub qualifying: bool,
}

#[derive(Debug, Clone)]
struct StudentEval {
    district: DistrictCode,
    findings: Vec<Finding>,
}

#[derive(Debug, Clone, Default)]
struct DistrictEval {
    members: HashMap<StudentId, StudentSummary>,
    findings: Vec<Finding>,
}

/// The findings of a snapshot on one day, kept per student and per district.
#[derive(Debug, Clone)]
pub struct Evaluation {
    today: Date,
    students: HashMap<StudentId, StudentEval>,
    districts: HashMap<DistrictCode, DistrictEval>,
}

/// Evaluates every student rule for one student.
fn eval_student(file: &StudentFile, today: Date) -> Option<(StudentEval, StudentSummary)> {
    let student = file.student.as_ref()?;
    let progress = Progress::of(student, &file.exams);
    let credentials = Credentials::of(&progress, &file.statewide);
    let ctx = StudentCtx {
        student,
        district: student.district(),
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
    let mut module_years: Vec<SchoolYear> = [
        m.sa_round1,
        m.sa_round2,
        m.presentation,
        m.credit_applications,
        m.company_registration,
    ]
    .into_iter()
    .flatten()
    .chain(file.exams.iter().map(|e| e.date))
    .map(SchoolYear::of)
    .collect();
    module_years.sort_unstable();
    module_years.dedup();
    let summary = StudentSummary {
        module_years,
        qualifying: Standing::of(&credentials, Term::of(today), has_error).is_qualifying(),
    };
    Some((
        StudentEval {
            district: ctx.district,
            findings,
        },
        summary,
    ))
}

impl Evaluation {
    /// Evaluates the whole snapshot.
    pub fn full(snap: &Snapshot, today: Date) -> Evaluation {
        let mut e = Evaluation {
            today,
            students: HashMap::new(),
            districts: HashMap::new(),
        };
        for (id, file) in snap.students() {
            e.put_student(id, file);
        }
        for code in snap.district_codes() {
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
        let mut dirty: BTreeSet<DistrictCode> = touched.districts.clone();
        for id in &touched.students {
            if let Some(old) = self.students.remove(id) {
                if let Some(d) = self.districts.get_mut(&old.district) {
                    d.members.remove(id);
                }
                dirty.insert(old.district);
            }
            if let Some(file) = snap.student(id)
                && let Some(district) = self.put_student(id, file)
            {
                dirty.insert(district);
            }
        }
        for code in &dirty {
            self.eval_district(snap, code);
        }
    }

    fn put_student(&mut self, id: &StudentId, file: &StudentFile) -> Option<DistrictCode> {
        let (eval, summary) = eval_student(file, self.today)?;
        let district = eval.district.clone();
        self.districts
            .entry(district.clone())
            .or_default()
            .members
            .insert(id.clone(), summary);
        self.students.insert(id.clone(), eval);
        Some(district)
    }

    fn eval_district(&mut self, snap: &Snapshot, code: &DistrictCode) {
        let entry = self.districts.entry(code.clone()).or_default();
        let mut module_years = BTreeSet::new();
        let mut qualifying = 0;
        for s in entry.members.values() {
            module_years.extend(s.module_years.iter().copied());
            qualifying += usize::from(s.qualifying);
        }
        let ctx = DistrictCtx {
            code,
            district: snap.district(code),
            agreements: snap.agreements_of(code),
            module_years,
            qualifying,
            has_upload: snap.has_upload(code, Term::of(self.today)),
            confirmations: snap.confirmations_of(code).collect(),
            today: self.today,
        };
        let mut findings = Vec::new();
        for rule in DISTRICT_RULES {
            rule(&ctx, &mut findings);
        }
        entry.findings = findings;
        if entry.members.is_empty() && entry.findings.is_empty() {
            self.districts.remove(code);
        }
    }

    /// Every finding, in SPEC §3 order.
    pub fn findings(&self) -> Vec<&Finding> {
        let mut all: Vec<&Finding> = self
            .students
            .values()
            .flat_map(|s| &s.findings)
            .chain(self.districts.values().flat_map(|d| &d.findings))
            .collect();
        all.sort_by(|a, b| a.order(b));
        all
    }

    /// A student's findings, in rule order.
    pub fn student_findings(&self, id: &StudentId) -> &[Finding] {
        self.students.get(id).map_or(&[], |s| &s.findings)
    }

    /// A district's own findings (AGREEMENT-*, UPLOAD-MISSING, CONFIRM-*).
    pub fn district_findings(&self, code: &DistrictCode) -> &[Finding] {
        self.districts.get(code).map_or(&[], |d| &d.findings)
    }

    /// Whether an `error` finding blocks the student's credentials.
    pub fn is_blocked(&self, id: &StudentId) -> bool {
        self.student_findings(id)
            .iter()
            .any(|f| f.severity == FindingSeverity::Error)
    }

    /// What a student adds to its district's rules.
    pub fn summary(&self, id: &StudentId) -> Option<&StudentSummary> {
        let d = &self.students.get(id)?.district;
        self.districts.get(d)?.members.get(id)
    }
}
