//! The rules about one student (SPEC §3), one function each. Each reads a
//! [`StudentCtx`] and pushes its findings; [`STUDENT_RULES`] lists them.

use crate::domain::calendar::grade_on;
use crate::domain::progress::{
    is_micro_enterprise, is_micro_enterprise_instrument, other_complementary,
};
use crate::domain::{Certificate, DistrictCode};
use crate::domain::{
    Credential, Credentials, Date, ExamAttempt, Finding, FindingModule, FindingSeverity, Item,
    Progress, RuleId, StatewideAttempt, Student,
};

/// What the student rules read about one student.
pub struct StudentCtx<'a> {
    /// The student.
    pub student: &'a Student,
    /// Its district (from the school code).
    pub district: &'a DistrictCode,
    /// Exam attempts, by date.
    pub exams: &'a [ExamAttempt],
    /// Statewide attempts.
    pub statewide: &'a [StatewideAttempt],
    /// Certificates.
    pub certificates: &'a [Certificate],
    /// Module completion dates.
    pub progress: Progress,
    /// Credentials held.
    pub credentials: Credentials,
    /// Today.
    pub today: Date,
}

impl StudentCtx<'_> {
    fn grade(&self, d: Date) -> i16 {
        grade_on(self.student.cohort, d)
    }

    fn finding(
        &self,
        rule: RuleId,
        severity: FindingSeverity,
        module: Option<FindingModule>,
        item: Item,
        message: String,
    ) -> Finding {
        Finding::new(
            rule,
            severity,
            self.district,
            Some(&self.student.school),
            Some(&self.student.id),
            module,
            item,
            message,
        )
    }

    /// A pathway student not yet graduated: the pathway rules judge only
    /// these ("students whose grade today is past 12 are not judged").
    fn pathway_grade(&self) -> Option<i16> {
        let g = self.grade(self.today);
        (self.student.pathway == Some(true) && g <= 12).then_some(g)
    }
}

/// A student rule.
pub type StudentRule = fn(&StudentCtx, &mut Vec<Finding>);

/// Every student rule, in SPEC §3 table order.
pub const STUDENT_RULES: &[StudentRule] = &[
    sa_before_11,
    pres_before_11,
    exam_before_11,
    sa_substitute,
    sa_round_order,
    pres_no_checklist,
    double_dip,
    pathway_complementary,
    pathway_no_core,
    statewide_before_core,
    cert_incomplete,
];

/// Policy 1 advises the Self-Assessment in grades 11–12: one warning per
/// round dated while the grade was 10 or lower.
fn sa_before_11(c: &StudentCtx, out: &mut Vec<Finding>) {
    let m = &c.student.modules;
    for (n, date) in [(1u8, m.sa_round1), (2, m.sa_round2)] {
        let Some(date) = date else { continue };
        let g = c.grade(date);
        if g <= 10 {
            out.push(c.finding(
                RuleId::SaBefore11,
                FindingSeverity::Warn,
                Some(FindingModule::SelfAssessment),
                Item::Round(n, date),
                format!(
                    "Self-Assessment Round {n} dated {date}, when the student was in grade {g} (cohort {})",
                    c.student.cohort
                ),
            ));
        }
    }
}

/// Policy 1 advises the Presentation in grades 11–12.
fn pres_before_11(c: &StudentCtx, out: &mut Vec<Finding>) {
    let Some(date) = c.student.modules.presentation else {
        return;
    };
    let g = c.grade(date);
    if g <= 10 {
        out.push(c.finding(
            RuleId::PresBefore11,
            FindingSeverity::Warn,
            Some(FindingModule::Presentation),
            Item::Dated(date),
            format!(
                "Presentation dated {date}, when the student was in grade {g} (cohort {})",
                c.student.cohort
            ),
        ));
    }
}

/// Policy 1: no attempt at the full credential before grade 11; a failed
/// attempt is still an attempt.
fn exam_before_11(c: &StudentCtx, out: &mut Vec<Finding>) {
    for e in c.exams {
        let g = c.grade(e.date);
        if g <= 10 {
            out.push(c.finding(
                RuleId::ExamBefore11,
                FindingSeverity::Error,
                Some(FindingModule::CertificationExam),
                Item::Dated(e.date),
                format!(
                    "Exam attempt ({}) dated {}, when the student was in grade {g} (cohort {})",
                    e.result.as_str(),
                    e.date,
                    c.student.cohort
                ),
            ));
        }
    }
}

/// Policy 1, note: other self-assessments (Kuder…) do not replace the
/// Micro-Enterprise Self-Assessment, dated or not.
fn sa_substitute(c: &StudentCtx, out: &mut Vec<Finding>) {
    let instrument = c.student.modules.sa_instrument.as_deref();
    if let Some(name) = instrument.filter(|_| !is_micro_enterprise_instrument(instrument)) {
        out.push(c.finding(
            RuleId::SaSubstitute,
            FindingSeverity::Error,
            Some(FindingModule::SelfAssessment),
            Item::Whole,
            format!("instrument is '{name}', not the Micro-Enterprise Self-Assessment"),
        ));
    }
}

/// Procedures: Round 1 and Round 2 reports; Round 2 cannot come first (the
/// same day is fine).
fn sa_round_order(c: &StudentCtx, out: &mut Vec<Finding>) {
    let m = &c.student.modules;
    let message = match (m.sa_round1, m.sa_round2) {
        (None, Some(r2)) => format!("Round 2 dated {r2} with no Round 1"),
        (Some(r1), Some(r2)) if r2 < r1 => {
            format!("Round 2 dated {r2} is before Round 1 dated {r1}")
        }
        _ => return,
    };
    out.push(c.finding(
        RuleId::SaRoundOrder,
        FindingSeverity::Error,
        Some(FindingModule::SelfAssessment),
        Item::Whole,
        message,
    ));
}

/// Procedures: the Presentation's documentation is the mentor's checklist.
fn pres_no_checklist(c: &StudentCtx, out: &mut Vec<Finding>) {
    let m = &c.student.modules;
    let Some(date) = m.presentation else { return };
    let mark = match m.mentor_checklist {
        Some(true) => return,
        Some(false) => "N",
        None => "not reported",
    };
    out.push(c.finding(
        RuleId::PresNoChecklist,
        FindingSeverity::Error,
        Some(FindingModule::Presentation),
        Item::Whole,
        format!("Presentation dated {date}, mentor checklist {mark}"),
    ));
}

/// Policy 2: no "double dip" with the Micro-Enterprise Complementary
/// credential.
fn double_dip(c: &StudentCtx, out: &mut Vec<Finding>) {
    if c.student.pathway != Some(true) {
        return;
    }
    if let Some(name) = c
        .student
        .complementary
        .iter()
        .find(|n| is_micro_enterprise(n))
    {
        out.push(c.finding(
            RuleId::DoubleDip,
            FindingSeverity::Error,
            None,
            Item::Whole,
            format!("pathway student lists '{name}' among complementary credentials"),
        ));
    }
}

/// Policy 2: two other Complementary credentials; an error once the student
/// is in grade 12 (no time left), a warning before.
fn pathway_complementary(c: &StudentCtx, out: &mut Vec<Finding>) {
    let Some(g) = c.pathway_grade() else { return };
    let n = other_complementary(&c.student.complementary);
    if n < 2 {
        let severity = if g == 12 {
            FindingSeverity::Error
        } else {
            FindingSeverity::Warn
        };
        out.push(c.finding(
            RuleId::PathwayComplementary,
            severity,
            None,
            Item::Whole,
            format!("pathway student in grade {g} lists {n} other complementary credential(s)"),
        ));
    }
}

/// Policy 2: the pathway needs the full Regional Core.
fn pathway_no_core(c: &StudentCtx, out: &mut Vec<Finding>) {
    if c.pathway_grade() == Some(12) && c.credentials.regional_core.is_none() {
        out.push(c.finding(
            RuleId::PathwayNoCore,
            FindingSeverity::Warn,
            None,
            Item::Whole,
            "pathway student in grade 12 has not attained Regional Core".to_string(),
        ));
    }
}

/// Policy 3: Regional Core before any Statewide attempt (the same day is
/// not before).
fn statewide_before_core(c: &StudentCtx, out: &mut Vec<Finding>) {
    let core = c.credentials.regional_core;
    for a in c.statewide {
        let message = match core {
            Some(core) if a.attempted >= core => continue,
            Some(core) => format!(
                "{} attempted {}, before Regional Core was attained ({core})",
                a.credential.as_str(),
                a.attempted
            ),
            None => format!(
                "{} attempted {}, and Regional Core is not attained",
                a.credential.as_str(),
                a.attempted
            ),
        };
        out.push(c.finding(
            RuleId::StatewideBeforeCore,
            FindingSeverity::Error,
            Some(FindingModule::Credential(a.credential)),
            Item::Dated(a.attempted),
            message,
        ));
    }
}

/// Procedures: a certificate only once all modules (or the Statewide
/// credential) are complete.
fn cert_incomplete(c: &StudentCtx, out: &mut Vec<Finding>) {
    for cert in c.certificates {
        if c.credentials.get(cert.credential).is_some() {
            continue;
        }
        let missing = match cert.credential {
            Credential::RegionalCore => {
                format!("{} of 5 modules complete", c.progress.completed_count())
            }
            _ => "no attained attempt".to_string(),
        };
        out.push(c.finding(
            RuleId::CertIncomplete,
            FindingSeverity::Error,
            Some(FindingModule::Credential(cert.credential)),
            Item::Whole,
            format!(
                "{} certificate issued {}, but the student does not hold {} ({missing})",
                cert.credential.as_str(),
                cert.issued,
                cert.credential.as_str()
            ),
        ));
    }
}
