//! Derived state every screen, report and rule shares (SPEC §1 "Five
//! modules", "Credentials"): when each module completed, when Regional Core
//! was attained, the Statewide credentials held, and whether a student
//! qualifies in a term. Pure functions of the stored records.

use super::calendar::{Date, Term};
use super::records::{Credential, ExamAttempt, ExamResult, StatewideAttempt, Student};

/// The five modules, in the policy's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Module {
    /// Self-Assessment (Round 1 and Round 2).
    SelfAssessment,
    /// Self-Assessment Presentation (with the mentor checklist).
    Presentation,
    /// Credit Applications.
    CreditApplications,
    /// Company Registration.
    CompanyRegistration,
    /// Certification Exam (a passing result from the provider).
    CertificationExam,
}

impl Module {
    /// The five, in order.
    pub const ALL: [Module; 5] = [
        Module::SelfAssessment,
        Module::Presentation,
        Module::CreditApplications,
        Module::CompanyRegistration,
        Module::CertificationExam,
    ];

    /// The SPEC's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Module::SelfAssessment => "Self-Assessment",
            Module::Presentation => "Self-Assessment Presentation",
            Module::CreditApplications => "Credit Applications",
            Module::CompanyRegistration => "Company Registration",
            Module::CertificationExam => "Certification Exam",
        }
    }
}

/// When each module completed (`None`: not complete).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// The later of the two rounds, once both are dated.
    pub self_assessment: Option<Date>,
    /// The Presentation date, once the mentor checklist is on file.
    pub presentation: Option<Date>,
    /// Credit Applications date.
    pub credit_applications: Option<Date>,
    /// Company Registration date.
    pub company_registration: Option<Date>,
    /// The date of the first passing attempt.
    pub certification_exam: Option<Date>,
}

impl Progress {
    /// A student's progress from its record and exam attempts (any order).
    pub fn of(student: &Student, exams: &[ExamAttempt]) -> Progress {
        let m = &student.modules;
        Progress {
            self_assessment: m.sa_round1.zip(m.sa_round2).map(|(a, b)| a.max(b)),
            presentation: m.presentation.filter(|_| m.mentor_checklist == Some(true)),
            credit_applications: m.credit_applications,
            company_registration: m.company_registration,
            certification_exam: exams
                .iter()
                .filter(|e| e.result == ExamResult::Pass)
                .map(|e| e.date)
                .min(),
        }
    }

    /// When a module completed.
    pub fn completed(&self, module: Module) -> Option<Date> {
        match module {
            Module::SelfAssessment => self.self_assessment,
            Module::Presentation => self.presentation,
            Module::CreditApplications => self.credit_applications,
            Module::CompanyRegistration => self.company_registration,
            Module::CertificationExam => self.certification_exam,
        }
    }

    /// How many of the five are complete.
    pub fn completed_count(&self) -> usize {
        Module::ALL
            .iter()
            .filter(|m| self.completed(**m).is_some())
            .count()
    }

    /// Regional Core: the date the last of the five completed, once all
    /// five are complete.
    pub fn regional_core(&self) -> Option<Date> {
        Module::ALL
            .iter()
            .map(|m| self.completed(*m))
            .try_fold(None::<Date>, |acc, d| {
                d.map(|d| Some(acc.map_or(d, |a| a.max(d))))
            })
            .flatten()
    }
}

/// The credentials a student holds and since when.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Credentials {
    /// Regional Core attained.
    pub regional_core: Option<Date>,
    /// Basic Statewide attained (the earliest attained attempt).
    pub basic_statewide: Option<Date>,
    /// Advanced Statewide attained (the earliest attained attempt).
    pub advanced_statewide: Option<Date>,
}

impl Credentials {
    /// From a student's progress and Statewide attempts.
    pub fn of(progress: &Progress, statewide: &[StatewideAttempt]) -> Credentials {
        let attained = |c: Credential| {
            statewide
                .iter()
                .filter(|a| a.credential == c)
                .filter_map(|a| a.attained)
                .min()
        };
        Credentials {
            regional_core: progress.regional_core(),
            basic_statewide: attained(Credential::BasicStatewide),
            advanced_statewide: attained(Credential::AdvancedStatewide),
        }
    }

    /// When a credential was attained, if held.
    pub fn get(&self, c: Credential) -> Option<Date> {
        match c {
            Credential::RegionalCore => self.regional_core,
            Credential::BasicStatewide => self.basic_statewide,
            Credential::AdvancedStatewide => self.advanced_statewide,
        }
    }

    /// Whether any credential was attained within a term.
    pub fn any_in(&self, term: Term) -> bool {
        [
            self.regional_core,
            self.basic_statewide,
            self.advanced_statewide,
        ]
        .into_iter()
        .flatten()
        .any(|d| term.contains(d))
    }

    /// The credentials attained within a term, in credential order.
    pub fn attained_in(&self, term: Term) -> Vec<(Credential, Date)> {
        [
            Credential::RegionalCore,
            Credential::BasicStatewide,
            Credential::AdvancedStatewide,
        ]
        .into_iter()
        .filter_map(|c| self.get(c).filter(|d| term.contains(*d)).map(|d| (c, d)))
        .collect()
    }
}

/// A student's standing for a term's report (SPEC §3 "Qualifying").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Attained these credentials within the term, no `error` finding.
    Qualifying(Vec<(Credential, Date)>),
    /// Attained these within the term, but an `error` finding blocks them.
    Blocked(Vec<(Credential, Date)>),
    /// Nothing attained within the term.
    None,
}

impl Standing {
    /// The standing for `term`, given whether the student has an `error`
    /// finding (findings never change attainment, only whether it counts).
    pub fn of(credentials: &Credentials, term: Term, has_error: bool) -> Standing {
        let attained = credentials.attained_in(term);
        match (attained.is_empty(), has_error) {
            (true, _) => Standing::None,
            (false, false) => Standing::Qualifying(attained),
            (false, true) => Standing::Blocked(attained),
        }
    }

    /// Whether the student counts as qualifying.
    pub fn is_qualifying(&self) -> bool {
        matches!(self, Standing::Qualifying(_))
    }
}

/// Letters and digits of a name, lower-cased: how credential names and
/// instruments are compared (SPEC §1, §3).
pub fn normalise_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a complementary credential's name names the Micro-Enterprise
/// Complementary credential (`MICRO-ENTERPRISE`, `micro enterprise`…).
pub fn is_micro_enterprise(name: &str) -> bool {
    normalise_name(name).contains("microenterprise")
}

/// The distinct other (non-Micro-Enterprise) complementary credentials,
/// counted after normalisation.
pub fn other_complementary(names: &[String]) -> usize {
    let mut seen: Vec<String> = names
        .iter()
        .map(|n| normalise_name(n))
        .filter(|n| !n.is_empty() && !n.contains("microenterprise"))
        .collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}

/// Whether a Self-Assessment instrument is the Micro-Enterprise
/// Self-Assessment: blank or those words, ignoring case, spaces and
/// punctuation.
pub fn is_micro_enterprise_instrument(instrument: Option<&str>) -> bool {
    let Some(text) = instrument else { return true };
    // Compared without allocating: this runs for every student.
    let mut norm = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .peekable();
    norm.peek().is_none() || norm.eq("microenterpriseselfassessment".chars())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Modules, SchoolCode, StudentId};

    fn d(y: i16, m: i8, dd: i8) -> Date {
        Date::constant(y, m, dd)
    }

    fn student(modules: Modules) -> Student {
        Student {
            id: StudentId::parse("0000000001").unwrap(),
            last_name: "L".into(),
            first_name: "F".into(),
            school: SchoolCode::parse("017004").unwrap(),
            cohort: 2027,
            pathway: None,
            complementary: vec![],
            modules,
            notes: None,
        }
    }

    fn exam(date: Date, result: ExamResult) -> ExamAttempt {
        ExamAttempt {
            student: StudentId::parse("0000000001").unwrap(),
            date,
            score: None,
            result,
            provider: None,
        }
    }

    fn complete() -> Modules {
        Modules {
            sa_round1: Some(d(2026, 9, 1)),
            sa_round2: Some(d(2026, 8, 20)),
            sa_instrument: None,
            presentation: Some(d(2026, 10, 1)),
            mentor_checklist: Some(true),
            credit_applications: Some(d(2026, 10, 5)),
            company_registration: Some(d(2026, 10, 6)),
        }
    }

    #[test]
    fn modules_complete_on_their_dates() {
        let s = student(complete());
        let exams = [
            exam(d(2026, 11, 19), ExamResult::Pass),
            exam(d(2026, 10, 8), ExamResult::Fail),
            exam(d(2026, 11, 30), ExamResult::Pass),
        ];
        let p = Progress::of(&s, &exams);
        assert_eq!(p.self_assessment, Some(d(2026, 9, 1)));
        assert_eq!(p.certification_exam, Some(d(2026, 11, 19)));
        assert_eq!(p.completed_count(), 5);
        assert_eq!(p.regional_core(), Some(d(2026, 11, 19)));
        let fail_only = Progress::of(&s, &exams[1..2]);
        assert_eq!(fail_only.regional_core(), None);
        assert_eq!(fail_only.completed_count(), 4);
    }

    #[test]
    fn presentation_needs_the_checklist_and_sa_both_rounds() {
        let mut m = complete();
        m.mentor_checklist = Some(false);
        m.sa_round2 = None;
        let p = Progress::of(&student(m), &[]);
        assert_eq!(p.presentation, None);
        assert_eq!(p.self_assessment, None);
        assert_eq!(p.completed_count(), 2);
        let mut m = complete();
        m.mentor_checklist = None;
        assert_eq!(Progress::of(&student(m), &[]).presentation, None);
    }

    #[test]
    fn standing_in_a_term() {
        let p = Progress::of(
            &student(complete()),
            &[exam(d(2026, 11, 19), ExamResult::Pass)],
        );
        let sw = [StatewideAttempt {
            student: StudentId::parse("0000000001").unwrap(),
            credential: Credential::BasicStatewide,
            attempted: d(2027, 2, 1),
            attained: Some(d(2027, 2, 1)),
        }];
        let c = Credentials::of(&p, &sw);
        let fall: Term = "fall-2026".parse().unwrap();
        let spring: Term = "spring-2027".parse().unwrap();
        assert_eq!(
            Standing::of(&c, fall, false),
            Standing::Qualifying(vec![(Credential::RegionalCore, d(2026, 11, 19))])
        );
        assert!(!Standing::of(&c, fall, true).is_qualifying());
        assert!(matches!(Standing::of(&c, fall, true), Standing::Blocked(_)));
        assert!(Standing::of(&c, spring, false).is_qualifying());
        assert!(c.any_in(fall) && c.any_in(spring));
        assert!(!c.any_in("spring-2026".parse().unwrap()));
        assert_eq!(
            Standing::of(&c, "spring-2026".parse().unwrap(), false),
            Standing::None
        );
    }

    #[test]
    fn names_and_instruments() {
        for n in [
            "micro enterprise",
            "Micro-Enterprise Credential",
            "MICRO-ENTERPRISE",
        ] {
            assert!(is_micro_enterprise(n), "{n}");
        }
        assert!(!is_micro_enterprise("Micro Enter prize"));
        let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            other_complementary(&list(&["OSHA 10", "osha-10", "NCCER Core"])),
            2
        );
        assert_eq!(
            other_complementary(&list(&["Micro-Enterprise", "OSHA 10", " "])),
            1
        );
        assert!(is_micro_enterprise_instrument(None));
        assert!(is_micro_enterprise_instrument(Some("")));
        assert!(is_micro_enterprise_instrument(Some(
            "micro enterprise self-assessment"
        )));
        assert!(!is_micro_enterprise_instrument(Some("Kuder")));
        assert!(is_micro_enterprise_instrument(Some(" - ")));
        assert!(!is_micro_enterprise_instrument(Some(
            "Micro-Enterprise Self-Assessment 2"
        )));
    }
}
