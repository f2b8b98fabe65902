//! Every rule: cases that fire and near-misses that must not.

mod district;
mod props;

use super::*;
use crate::domain::*;

pub(super) fn d(y: i16, m: i8, dd: i8) -> Date {
    Date::constant(y, m, dd)
}

pub(super) fn today() -> Date {
    d(2026, 12, 4)
}

pub(super) fn sid(n: u32) -> StudentId {
    StudentId::parse(&format!("{n:010}")).unwrap()
}

pub(super) fn code(s: &str) -> DistrictCode {
    DistrictCode::parse(s).unwrap()
}

/// A student of school 017004 in `cohort` with no module data.
pub(super) fn student(n: u32, cohort: i16) -> Student {
    Student {
        id: sid(n),
        last_name: "Last".into(),
        first_name: "First".into(),
        school: SchoolCode::parse("017004").unwrap(),
        cohort,
        pathway: Some(false),
        complementary: vec![],
        modules: Modules::default(),
        notes: None,
    }
}

/// All five modules complete in fall 2026; Regional Core on 2026-11-10.
pub(super) fn complete(n: u32, cohort: i16) -> Vec<Record> {
    let mut s = student(n, cohort);
    s.modules = Modules {
        sa_round1: Some(d(2026, 9, 1)),
        sa_round2: Some(d(2026, 9, 20)),
        sa_instrument: None,
        presentation: Some(d(2026, 10, 1)),
        mentor_checklist: Some(true),
        credit_applications: Some(d(2026, 10, 5)),
        company_registration: Some(d(2026, 10, 6)),
    };
    vec![
        Record::Student(s),
        exam(n, d(2026, 11, 10), ExamResult::Pass),
    ]
}

pub(super) fn exam(n: u32, date: Date, result: ExamResult) -> Record {
    Record::Exam(ExamAttempt {
        student: sid(n),
        date,
        score: None,
        result,
        provider: None,
    })
}

pub(super) fn snap(records: impl IntoIterator<Item = Record>) -> Snapshot {
    let mut s = Snapshot::new();
    for r in records {
        s.insert(r);
    }
    s
}

/// (rule, severity) of every student finding, in order.
pub(super) fn found(s: &Snapshot, on: Date) -> Vec<(RuleId, FindingSeverity)> {
    Evaluation::full(s, on)
        .findings()
        .iter()
        .filter(|f| f.student.is_some())
        .map(|f| (f.rule, f.severity))
        .collect()
}

/// The findings of one rule.
pub(super) fn of_rule(s: &Snapshot, rule: RuleId) -> Vec<Finding> {
    Evaluation::full(s, today())
        .findings()
        .into_iter()
        .filter(|f| f.rule == rule)
        .cloned()
        .collect()
}

fn with(n: u32, cohort: i16, f: impl FnOnce(&mut Student)) -> Snapshot {
    let mut s = student(n, cohort);
    f(&mut s);
    snap([Record::Student(s)])
}

#[test]
fn sa_before_11_judges_each_round_by_the_grade_on_its_date() {
    // Cohort 2028: grade 10 in 2025-26, grade 11 from 2026-07-01.
    let s = with(1, 2028, |s| {
        s.modules.sa_round1 = Some(d(2026, 6, 30));
        s.modules.sa_round2 = Some(d(2026, 7, 1));
    });
    let f = of_rule(&s, RuleId::SaBefore11);
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].message,
        "Self-Assessment Round 1 dated 2026-06-30, when the student was in grade 10 (cohort 2028)"
    );
    assert_eq!(f[0].severity, FindingSeverity::Warn);
    assert_eq!(f[0].module, Some(FindingModule::SelfAssessment));
    assert_eq!(f[0].source(), "Policy 1");
    // Grade 10 in spring (2026-03-02) vs grade 11 in fall: both rounds in
    // grade 10 give two findings with distinct ids.
    let s = with(1, 2028, |s| {
        s.modules.sa_round1 = Some(d(2026, 3, 2));
        s.modules.sa_round2 = Some(d(2026, 3, 2));
    });
    let f = of_rule(&s, RuleId::SaBefore11);
    assert_eq!(f.len(), 2);
    assert_ne!(f[0].id, f[1].id);
    let fall = with(1, 2028, |s| s.modules.sa_round1 = Some(d(2026, 10, 2)));
    assert!(of_rule(&fall, RuleId::SaBefore11).is_empty());
}

#[test]
fn pres_before_11_last_day_of_grade_10_fires_first_day_of_11_does_not() {
    let s = with(1, 2028, |s| s.modules.presentation = Some(d(2026, 6, 30)));
    let f = of_rule(&s, RuleId::PresBefore11);
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("2026-06-30"));
    assert!(f[0].message.contains("grade 10 (cohort 2028)"));
    let s = with(1, 2028, |s| s.modules.presentation = Some(d(2026, 7, 1)));
    assert!(of_rule(&s, RuleId::PresBefore11).is_empty());
    // Credit Applications in grade 10 is not restricted.
    let s = with(1, 2029, |s| {
        s.modules.credit_applications = Some(d(2026, 10, 1))
    });
    assert!(found(&s, today()).is_empty());
}

#[test]
fn exam_before_11_counts_a_failed_attempt() {
    let s = snap([
        Record::Student(student(1, 2029)),
        exam(1, d(2026, 11, 5), ExamResult::Fail),
    ]);
    let f = of_rule(&s, RuleId::ExamBefore11);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, FindingSeverity::Error);
    assert_eq!(
        f[0].message,
        "Exam attempt (Fail) dated 2026-11-05, when the student was in grade 10 (cohort 2029)"
    );
    let s = snap([
        Record::Student(student(1, 2028)),
        exam(1, d(2026, 7, 1), ExamResult::Fail),
    ]);
    assert!(of_rule(&s, RuleId::ExamBefore11).is_empty());
}

#[test]
fn sa_substitute_any_other_instrument_dated_or_not() {
    let s = with(1, 2027, |s| s.modules.sa_instrument = Some("Kuder".into()));
    let f = of_rule(&s, RuleId::SaSubstitute);
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].message,
        "instrument is 'Kuder', not the Micro-Enterprise Self-Assessment"
    );
    for ok in [
        "Micro-Enterprise Self-Assessment",
        "micro enterprise self assessment",
        "",
    ] {
        let s = with(1, 2027, |s| s.modules.sa_instrument = Some(ok.into()));
        assert!(of_rule(&s, RuleId::SaSubstitute).is_empty(), "{ok}");
    }
}

#[test]
fn sa_round_order_missing_or_earlier_round_1() {
    let s = with(1, 2027, |s| s.modules.sa_round2 = Some(d(2026, 10, 1)));
    let f = of_rule(&s, RuleId::SaRoundOrder);
    assert_eq!(f[0].message, "Round 2 dated 2026-10-01 with no Round 1");
    let s = with(1, 2027, |s| {
        s.modules.sa_round1 = Some(d(2026, 10, 14));
        s.modules.sa_round2 = Some(d(2026, 9, 30));
    });
    let f = of_rule(&s, RuleId::SaRoundOrder);
    assert_eq!(
        f[0].message,
        "Round 2 dated 2026-09-30 is before Round 1 dated 2026-10-14"
    );
    // Same day, and Round 1 alone: fine.
    let s = with(1, 2027, |s| {
        s.modules.sa_round1 = Some(d(2026, 9, 8));
        s.modules.sa_round2 = Some(d(2026, 9, 8));
    });
    assert!(of_rule(&s, RuleId::SaRoundOrder).is_empty());
    let s = with(1, 2027, |s| s.modules.sa_round1 = Some(d(2026, 9, 8)));
    assert!(found(&s, today()).is_empty());
}

#[test]
fn pres_no_checklist_needs_y() {
    for (mark, text) in [(Some(false), "N"), (None, "not reported")] {
        let s = with(1, 2027, |s| {
            s.modules.presentation = Some(d(2026, 10, 21));
            s.modules.mentor_checklist = mark;
        });
        let f = of_rule(&s, RuleId::PresNoChecklist);
        assert_eq!(
            f[0].message,
            format!("Presentation dated 2026-10-21, mentor checklist {text}")
        );
    }
    let s = with(1, 2027, |s| {
        s.modules.presentation = Some(d(2026, 10, 21));
        s.modules.mentor_checklist = Some(true);
    });
    assert!(found(&s, today()).is_empty());
    // A checklist without a Presentation is fine.
    let s = with(1, 2027, |s| s.modules.mentor_checklist = Some(true));
    assert!(found(&s, today()).is_empty());
}

fn pathway(n: u32, cohort: i16, list: &[&str]) -> Student {
    let mut s = student(n, cohort);
    s.pathway = Some(true);
    s.complementary = list.iter().map(|x| x.to_string()).collect();
    s
}

#[test]
fn double_dip_spellings_and_non_pathway_near_miss() {
    for name in [
        "micro enterprise",
        "Micro-Enterprise Credential",
        "MICRO-ENTERPRISE",
    ] {
        let s = snap([Record::Student(pathway(
            1,
            2028,
            &[name, "OSHA 10", "NCCER Core"],
        ))]);
        let f = of_rule(&s, RuleId::DoubleDip);
        assert_eq!(
            f[0].message,
            format!("pathway student lists '{name}' among complementary credentials")
        );
        assert_eq!(f[0].module, None);
        // Exactly two others besides: DOUBLE-DIP only.
        assert_eq!(
            found(&s, today()),
            vec![(RuleId::DoubleDip, FindingSeverity::Error)]
        );
        let mut not = pathway(1, 2028, &[name]);
        not.pathway = Some(false);
        assert!(found(&snap([Record::Student(not)]), today()).is_empty());
    }
}

#[test]
fn pathway_complementary_warn_before_grade_12_error_in_it() {
    let s = snap([Record::Student(pathway(1, 2028, &["NCCER Core"]))]);
    let f = of_rule(&s, RuleId::PathwayComplementary);
    assert_eq!(f[0].severity, FindingSeverity::Warn);
    assert_eq!(
        f[0].message,
        "pathway student in grade 11 lists 1 other complementary credential(s)"
    );
    let s = snap([Record::Student(pathway(1, 2027, &[]))]);
    let f = of_rule(&s, RuleId::PathwayComplementary);
    assert_eq!(f[0].severity, FindingSeverity::Error);
    assert!(f[0].message.contains("grade 12 lists 0 other"));
    // The same name twice after normalisation counts once.
    let s = snap([Record::Student(pathway(1, 2028, &["OSHA 10", "osha-10"]))]);
    assert_eq!(of_rule(&s, RuleId::PathwayComplementary).len(), 1);
    let s = snap([Record::Student(pathway(
        1,
        2028,
        &["OSHA 10", "NCCER Core"],
    ))]);
    assert!(found(&s, today()).is_empty());
    // Graduated (grade 13 today): not judged.
    let s = snap([Record::Student(pathway(1, 2026, &[]))]);
    assert!(found(&s, today()).is_empty());
}

#[test]
fn pathway_no_core_in_grade_12_only() {
    let two = ["OSHA 10", "NCCER Core"];
    let s = snap([Record::Student(pathway(1, 2027, &two))]);
    let f = of_rule(&s, RuleId::PathwayNoCore);
    assert_eq!(
        f[0].message,
        "pathway student in grade 12 has not attained Regional Core"
    );
    assert_eq!(f[0].severity, FindingSeverity::Warn);
    let mut recs = complete(1, 2027);
    recs[0] = Record::Student(Student {
        modules: match &recs[0] {
            Record::Student(s) => s.modules.clone(),
            _ => unreachable!(),
        },
        ..pathway(1, 2027, &two)
    });
    assert!(found(&snap(recs), today()).is_empty());
    let s = snap([Record::Student(pathway(1, 2028, &two))]);
    assert!(found(&s, today()).is_empty());
}

fn statewide(n: u32, c: Credential, attempted: Date, attained: Option<Date>) -> Record {
    Record::Statewide(StatewideAttempt {
        student: sid(n),
        credential: c,
        attempted,
        attained,
    })
}

#[test]
fn statewide_before_core_same_day_is_not_before() {
    let mut r = complete(1, 2027);
    r.push(statewide(
        1,
        Credential::BasicStatewide,
        d(2026, 11, 9),
        None,
    ));
    r.push(statewide(
        1,
        Credential::AdvancedStatewide,
        d(2026, 11, 10),
        None,
    ));
    let f = of_rule(&snap(r), RuleId::StatewideBeforeCore);
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].message,
        "Basic Statewide attempted 2026-11-09, before Regional Core was attained (2026-11-10)"
    );
    assert_eq!(
        f[0].module,
        Some(FindingModule::Credential(Credential::BasicStatewide))
    );
    let s = snap([
        Record::Student(student(1, 2027)),
        statewide(1, Credential::AdvancedStatewide, d(2026, 11, 10), None),
    ]);
    let f = of_rule(&s, RuleId::StatewideBeforeCore);
    assert!(f[0].message.ends_with("and Regional Core is not attained"));
}

fn cert(n: u32, c: Credential) -> Record {
    Record::Certificate(Certificate {
        student: sid(n),
        credential: c,
        issued: d(2026, 11, 30),
        code: None,
    })
}

#[test]
fn cert_incomplete_for_credentials_not_held() {
    let s = snap([
        Record::Student(student(1, 2027)),
        cert(1, Credential::RegionalCore),
        cert(1, Credential::BasicStatewide),
    ]);
    let f = of_rule(&s, RuleId::CertIncomplete);
    assert_eq!(f.len(), 2);
    assert!(f.iter().any(|x| x.message
        == "Regional Core certificate issued 2026-11-30, but the student does not hold Regional Core (0 of 5 modules complete)"));
    let mut r = complete(1, 2027);
    r.push(cert(1, Credential::RegionalCore));
    r.push(cert(1, Credential::BasicStatewide));
    r.push(statewide(
        1,
        Credential::BasicStatewide,
        d(2026, 11, 20),
        Some(d(2026, 11, 20)),
    ));
    assert!(found(&snap(r), today()).is_empty());
}
