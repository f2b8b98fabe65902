//! Module progress per student (SPEC §1 "Five modules", "Credentials") as the
//! grid and the dashboard show it. Pure.

use std::collections::HashMap;

use crate::domain::{Date, District, DistrictCode, ExamAttempt, ExamResult, Student, StudentId};

/// A grid column: the five modules (Self-Assessment as its two rounds) and
/// Regional Core.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Module {
    /// Self-Assessment Round 1.
    SaRound1,
    /// Self-Assessment Round 2.
    SaRound2,
    /// Self-Assessment Presentation (date + mentor checklist).
    Presentation,
    /// Credit Applications.
    CreditApplications,
    /// Company Registration.
    CompanyRegistration,
    /// Certification Exam (first passing attempt).
    CertificationExam,
    /// Regional Core attained.
    RegionalCore,
}

impl Module {
    /// Every column, in grid order.
    pub const ALL: [Module; 7] = [
        Module::SaRound1,
        Module::SaRound2,
        Module::Presentation,
        Module::CreditApplications,
        Module::CompanyRegistration,
        Module::CertificationExam,
        Module::RegionalCore,
    ];

    /// The full name (dashboard).
    pub fn name(self) -> &'static str {
        match self {
            Module::SaRound1 => "Self-Assessment R1",
            Module::SaRound2 => "Self-Assessment R2",
            Module::Presentation => "Presentation",
            Module::CreditApplications => "Credit Applications",
            Module::CompanyRegistration => "Company Registration",
            Module::CertificationExam => "Certification Exam",
            Module::RegionalCore => "Regional Core",
        }
    }

    /// The grid header (fits 8 columns).
    pub fn short(self) -> &'static str {
        match self {
            Module::SaRound1 => "SA R1",
            Module::SaRound2 => "SA R2",
            Module::Presentation => "Present",
            Module::CreditApplications => "Credit",
            Module::CompanyRegistration => "Company",
            Module::CertificationExam => "Exam",
            Module::RegionalCore => "Core",
        }
    }
}

/// One student's module dates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// Self-Assessment Round 1.
    pub sa_round1: Option<Date>,
    /// Self-Assessment Round 2.
    pub sa_round2: Option<Date>,
    /// Presentation date (complete only with the checklist on file).
    pub presentation: Option<Date>,
    /// Mentor checklist on file (`None`: never reported).
    pub checklist: Option<bool>,
    /// Credit Applications.
    pub credit_applications: Option<Date>,
    /// Company Registration.
    pub company_registration: Option<Date>,
    /// The first passing exam attempt.
    pub exam_passed: Option<Date>,
    /// Failed attempts.
    pub exam_failed: u16,
    /// Regional Core: the date the last of the five completed.
    pub regional_core: Option<Date>,
}

impl Progress {
    /// The progress of `student` given its exam attempts (others ignored).
    pub fn of<'a>(student: &Student, exams: impl IntoIterator<Item = &'a ExamAttempt>) -> Progress {
        let m = &student.modules;
        let mut p = Progress {
            sa_round1: m.sa_round1,
            sa_round2: m.sa_round2,
            presentation: m.presentation,
            checklist: m.mentor_checklist,
            credit_applications: m.credit_applications,
            company_registration: m.company_registration,
            ..Progress::default()
        };
        for e in exams.into_iter().filter(|e| e.student == student.id) {
            match e.result {
                ExamResult::Pass => {
                    p.exam_passed = Some(p.exam_passed.map_or(e.date, |d| d.min(e.date)))
                }
                ExamResult::Fail => p.exam_failed = p.exam_failed.saturating_add(1),
            }
        }
        let five = [
            p.done(Module::SaRound1)
                .zip(p.done(Module::SaRound2))
                .map(|(a, b)| a.max(b)),
            p.done(Module::Presentation),
            p.credit_applications,
            p.company_registration,
            p.exam_passed,
        ];
        p.regional_core = five
            .iter()
            .try_fold(None::<Date>, |acc, d| {
                d.map(|d| Some(acc.map_or(d, |a| a.max(d))))
            })
            .flatten();
        p
    }

    /// The date `module` completed, if it did.
    pub fn done(&self, module: Module) -> Option<Date> {
        match module {
            Module::SaRound1 => self.sa_round1,
            Module::SaRound2 => self.sa_round2,
            Module::Presentation => self.presentation.filter(|_| self.checklist == Some(true)),
            Module::CreditApplications => self.credit_applications,
            Module::CompanyRegistration => self.company_registration,
            Module::CertificationExam => self.exam_passed,
            Module::RegionalCore => self.regional_core,
        }
    }
}

/// One district's line on the dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistrictCount {
    /// The district.
    pub code: DistrictCode,
    /// Its name.
    pub name: String,
    /// Students stored.
    pub students: usize,
    /// Students who attained Regional Core.
    pub regional_core: usize,
}

/// The dashboard's numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dashboard {
    /// All students.
    pub students: usize,
    /// Students with each module complete, in [`Module::ALL`] order.
    pub funnel: Vec<(Module, usize)>,
    /// Per district, by code.
    pub districts: Vec<DistrictCount>,
}

/// Counts the funnel and the districts in one pass over the students.
pub fn dashboard(districts: &[District], students: &[Student], exams: &[ExamAttempt]) -> Dashboard {
    let mut by_student: HashMap<&StudentId, Vec<&ExamAttempt>> = HashMap::new();
    for e in exams {
        by_student.entry(&e.student).or_default().push(e);
    }
    let mut funnel = [0usize; 7];
    let mut per: HashMap<DistrictCode, (usize, usize)> = HashMap::new();
    for s in students {
        let p = Progress::of(s, by_student.get(&s.id).into_iter().flatten().copied());
        for (i, m) in Module::ALL.iter().enumerate() {
            if p.done(*m).is_some() {
                funnel[i] += 1;
            }
        }
        let c = per.entry(s.district()).or_default();
        c.0 += 1;
        c.1 += usize::from(p.regional_core.is_some());
    }
    let mut rows: Vec<DistrictCount> = districts
        .iter()
        .map(|d| {
            let (students, regional_core) = per.remove(&d.code).unwrap_or_default();
            DistrictCount {
                code: d.code.clone(),
                name: d.name.clone(),
                students,
                regional_core,
            }
        })
        .collect();
    // Students of a district not stored (should not happen) still count.
    rows.extend(
        per.into_iter()
            .map(|(code, (students, regional_core))| DistrictCount {
                code,
                name: "(district not stored)".into(),
                students,
                regional_core,
            }),
    );
    rows.sort_by(|a, b| a.code.cmp(&b.code));
    Dashboard {
        students: students.len(),
        funnel: Module::ALL.iter().copied().zip(funnel).collect(),
        districts: rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::fixture;

    #[test]
    fn regional_core_is_the_last_of_five_and_the_first_pass_counts() {
        let src = fixture::source();
        let ava = &src.students[0];
        let p = Progress::of(ava, &src.exams);
        assert_eq!(
            p.exam_passed.map(|d| d.to_string()).as_deref(),
            Some("2026-11-20")
        );
        assert_eq!(p.exam_failed, 1);
        assert_eq!(
            p.regional_core.map(|d| d.to_string()).as_deref(),
            Some("2026-11-20")
        );
        // Ben: presentation dated, checklist N: not complete, no core.
        let ben = Progress::of(&src.students[1], &src.exams);
        assert!(ben.presentation.is_some() && ben.done(Module::Presentation).is_none());
        assert_eq!(ben.regional_core, None);
    }

    #[test]
    fn dashboard_counts_the_funnel_and_districts() {
        let src = fixture::source();
        let d = dashboard(&src.districts, &src.students, &src.exams);
        assert_eq!(d.students, 5);
        assert_eq!(d.funnel[0], (Module::SaRound1, 2));
        assert_eq!(d.funnel[6], (Module::RegionalCore, 1));
        let ebr = d
            .districts
            .iter()
            .find(|c| c.code.as_str() == "017")
            .unwrap();
        assert_eq!((ebr.students, ebr.regional_core), (4, 1));
        assert_eq!(d.districts.len(), 3);
    }
}
