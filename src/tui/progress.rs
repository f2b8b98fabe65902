//! Module progress per student (SPEC §1 "Five modules", "Credentials") as the
//! grid and the dashboard show it. Pure.

use crate::domain::{Date, DistrictCode, ExamAttempt, ExamResult, Student, Term};
use crate::policy::{Evaluation, Snapshot};
use crate::report::Totals;

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

/// Whether a district confirmed the current term's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmed {
    /// No current confirmation.
    No,
    /// Confirmed, and the report is unchanged since.
    Yes,
    /// Confirmed, but the report changed since (CONFIRM-STALE).
    Stale,
}

/// One district's line on the dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistrictCount {
    /// The district.
    pub code: DistrictCode,
    /// Its name (blank when only students name the district).
    pub name: String,
    /// The term's counts, as the semester report has them.
    pub totals: Totals,
    /// `ok`, `missing` or `error`: its agreement for the term's school year.
    pub agreement: crate::report::semester::Word,
    /// Whether a completions upload of the term is committed.
    pub uploaded: bool,
    /// Its confirmation of the term's report.
    pub confirmed: Confirmed,
}

/// The dashboard's numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dashboard {
    /// The current term (of `today`).
    pub term: Option<Term>,
    /// All students.
    pub students: usize,
    /// Students with each module complete, in [`Module::ALL`] order.
    pub funnel: Vec<(Module, usize)>,
    /// The term's statewide counts (qualifying, blocked, findings…).
    pub statewide: Totals,
    /// Per district, by code.
    pub districts: Vec<DistrictCount>,
}

impl Dashboard {
    /// Districts without an agreement for the term's school year (or with an
    /// AGREEMENT-* error).
    pub fn without_agreement(&self) -> usize {
        self.districts
            .iter()
            .filter(|d| d.agreement != "ok")
            .count()
    }

    /// Districts with no completions upload committed for the term.
    pub fn without_upload(&self) -> usize {
        self.districts.iter().filter(|d| !d.uploaded).count()
    }

    /// Districts whose confirmation of the term is current.
    pub fn confirmed(&self) -> usize {
        self.districts
            .iter()
            .filter(|d| d.confirmed == Confirmed::Yes)
            .count()
    }
}

/// The dashboard of the term containing `eval`'s day: the funnel (one pass
/// over the students) and the semester report's counts per district.
pub fn dashboard(snap: &Snapshot, eval: &Evaluation) -> Dashboard {
    let term = Term::of(eval.today());
    let mut funnel = [0usize; 7];
    let mut students = 0;
    for (_, file) in snap.students() {
        let Some(s) = &file.student else {
            continue;
        };
        students += 1;
        let p = Progress::of(s, &file.exams);
        for (i, m) in Module::ALL.iter().enumerate() {
            if p.done(*m).is_some() {
                funnel[i] += 1;
            }
        }
    }
    let report = crate::report::totals(snap, eval, term);
    let districts = report
        .districts
        .into_iter()
        .map(|d| {
            let confirmed = match snap.confirmations_of(&d.code).find(|c| c.term == term) {
                None => Confirmed::No,
                Some(c) if c.sha256 == c.current_sha256 => Confirmed::Yes,
                Some(_) => Confirmed::Stale,
            };
            DistrictCount {
                uploaded: snap.has_upload(&d.code, term),
                name: d.name.unwrap_or_default(),
                totals: d.totals,
                agreement: d.agreement.status,
                confirmed,
                code: d.code,
            }
        })
        .collect();
    Dashboard {
        term: Some(term),
        students,
        funnel: Module::ALL.iter().copied().zip(funnel).collect(),
        statewide: report.statewide.unwrap_or_default(),
        districts,
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
        let snap = crate::tui::Source::snapshot(&src).unwrap();
        let eval = Evaluation::full(&snap, fixture::today());
        let d = dashboard(&snap, &eval);
        assert_eq!(d.students, 5);
        assert_eq!(d.term, Some("fall-2026".parse().unwrap()));
        assert_eq!(d.funnel[0], (Module::SaRound1, 2));
        assert_eq!(d.funnel[6], (Module::RegionalCore, 1));
        let ebr = d
            .districts
            .iter()
            .find(|c| c.code.as_str() == "017")
            .unwrap();
        assert_eq!(ebr.totals.students, 4);
        assert_eq!(ebr.confirmed, Confirmed::No);
        assert_eq!(d.districts.len(), 3);
        let errors: usize = d.districts.iter().map(|c| c.totals.error_findings).sum();
        assert_eq!(d.statewide.error_findings, errors);
        assert!(errors > 0);
    }
}
