//! District rules: agreements, uploads, confirmations.

use super::*;

fn district(c: &str, client: bool) -> Record {
    Record::District(District {
        code: code(c),
        name: format!("District {c}"),
        kind: DistrictKind::District,
        client,
    })
}

fn agreement(c: &str, end: i16, t: AgreementType) -> Record {
    Record::Agreement(Agreement {
        district: code(c),
        year: SchoolYear { end },
        signed: d(end - 1, 8, 14),
        agreement_type: t,
    })
}

fn district_rules(s: &Snapshot, on: Date) -> Vec<(RuleId, String)> {
    Evaluation::full(s, on)
        .findings()
        .iter()
        .filter(|f| f.student.is_none())
        .map(|f| (f.rule, f.message.clone()))
        .collect()
}

fn has(s: &Snapshot, on: Date, rule: RuleId) -> bool {
    district_rules(s, on).iter().any(|(r, _)| *r == rule)
}

#[test]
fn agreement_missing_once_per_year_with_module_data() {
    let mut s = snap(complete(1, 2027));
    s.insert(district("017", true));
    let f = district_rules(&s, today());
    assert!(f.contains(&(
        RuleId::AgreementMissing,
        "module data dated in 2026-27 and no signed agreement for 2026-27".to_string()
    )));
    assert_eq!(
        f.iter()
            .filter(|(r, _)| *r == RuleId::AgreementMissing)
            .count(),
        1
    );
    // Any type of agreement counts.
    s.insert(agreement("017", 2027, AgreementType::Confidentiality));
    assert!(!has(&s, today(), RuleId::AgreementMissing));
    // An exam attempt is module data; a Statewide attempt is not.
    s.insert(super::exam(1, d(2026, 5, 1), ExamResult::Fail));
    assert!(district_rules(&s, today()).contains(&(
        RuleId::AgreementMissing,
        "module data dated in 2025-26 and no signed agreement for 2025-26".to_string()
    )));
    let mut s = snap([Record::Student(student(2, 2027))]);
    s.insert(Record::Statewide(StatewideAttempt {
        student: sid(2),
        credential: Credential::BasicStatewide,
        attempted: d(2026, 3, 1),
        attained: None,
    }));
    assert!(!has(&s, today(), RuleId::AgreementMissing));
}

#[test]
fn agreement_type_non_client_with_client_contract() {
    let s = snap([
        district("029", false),
        agreement("029", 2026, AgreementType::ClientContract),
    ]);
    assert_eq!(
        district_rules(&s, today()),
        vec![(
            RuleId::AgreementType,
            "non-client district's 2025-26 agreement (signed 2025-08-14) is a client-contract"
                .to_string()
        )]
    );
    // A client with a confidentiality agreement, a non-client with one: fine.
    let s = snap([
        district("017", true),
        agreement("017", 2026, AgreementType::Confidentiality),
        district("036", false),
        agreement("036", 2026, AgreementType::Confidentiality),
    ]);
    assert!(district_rules(&s, today()).is_empty());
}

#[test]
fn upload_missing_from_day_60_of_the_term() {
    let mut s = snap([
        district("051", true),
        agreement("051", 2027, AgreementType::ClientContract),
    ]);
    assert_eq!(
        district_rules(&s, today()),
        vec![(
            RuleId::UploadMissing,
            "agreement for 2026-27 but no committed upload for fall-2026, 156 days into the term"
                .to_string()
        )]
    );
    // 2026-07-01 + 60 days = 2026-08-30.
    assert!(has(&s, d(2026, 8, 30), RuleId::UploadMissing));
    assert!(!has(&s, d(2026, 8, 29), RuleId::UploadMissing));
    // Spring: 2027-01-01 + 60 = 2027-03-02.
    assert!(has(&s, d(2027, 3, 2), RuleId::UploadMissing));
    assert!(!has(&s, d(2027, 3, 1), RuleId::UploadMissing));
    let fall: Term = "fall-2026".parse().unwrap();
    s.add_upload(code("051"), fall);
    assert!(!has(&s, today(), RuleId::UploadMissing));
    // An upload for another term does not count; no agreement, no finding.
    let mut s = snap([agreement("051", 2027, AgreementType::ClientContract)]);
    s.add_upload(code("051"), "spring-2026".parse().unwrap());
    assert!(has(&s, today(), RuleId::UploadMissing));
    let s = snap([district("051", true)]);
    assert!(!has(&s, today(), RuleId::UploadMissing));
}

fn qualifying_017() -> Snapshot {
    let mut s = snap(complete(1, 2027));
    s.insert(district("017", true));
    s.insert(agreement("017", 2027, AgreementType::ClientContract));
    s.add_upload(code("017"), "fall-2026".parse().unwrap());
    s
}

#[test]
fn confirm_pending_in_the_last_31_days_only() {
    let s = qualifying_017();
    assert_eq!(
        district_rules(&s, today()),
        vec![(
            RuleId::ConfirmPending,
            "1 qualifying student(s) for fall-2026 and the report is not confirmed (term ends 2026-12-31)"
                .to_string()
        )]
    );
    assert!(has(&s, d(2026, 12, 1), RuleId::ConfirmPending));
    assert!(has(&s, d(2026, 12, 31), RuleId::ConfirmPending));
    assert!(!has(&s, d(2026, 11, 30), RuleId::ConfirmPending));
    // Confirmed: no finding.
    let mut c = s.clone();
    c.set_confirmations(vec![Confirmation {
        district: code("017"),
        term: "fall-2026".parse().unwrap(),
        sha256: "ab".into(),
        current_sha256: "ab".into(),
    }]);
    assert!(district_rules(&c, today()).is_empty());
    // An error finding on the student: not qualifying.
    let mut b = s.clone();
    if let Some(Record::Student(mut st)) = complete(1, 2027).into_iter().next() {
        st.modules.sa_instrument = Some("Kuder".into());
        b.insert(Record::Student(st));
    }
    assert!(!has(&b, today(), RuleId::ConfirmPending));
}

#[test]
fn confirm_pending_spring_window_and_statewide_qualifies() {
    let mut s = snap(complete(1, 2027));
    for r in [
        district("017", true),
        agreement("017", 2027, AgreementType::ClientContract),
        Record::Statewide(StatewideAttempt {
            student: sid(1),
            credential: Credential::BasicStatewide,
            attempted: d(2027, 5, 1),
            attained: Some(d(2027, 5, 2)),
        }),
    ] {
        s.insert(r);
    }
    // Regional Core was attained in fall: only Basic Statewide is in spring.
    s.add_upload(code("017"), "spring-2027".parse().unwrap());
    // May 31 – June 30 are the last 31 days of spring.
    assert!(has(&s, d(2027, 5, 31), RuleId::ConfirmPending));
    assert!(!has(&s, d(2027, 5, 30), RuleId::ConfirmPending));
}

#[test]
fn district_findings_do_not_disqualify() {
    // 017 here is a non-client with a client-contract: AGREEMENT-TYPE, yet
    // its student still qualifies and CONFIRM-PENDING counts it.
    let mut s = qualifying_017();
    s.insert(district("017", false));
    let rules: Vec<RuleId> = district_rules(&s, today())
        .into_iter()
        .map(|x| x.0)
        .collect();
    assert_eq!(rules, vec![RuleId::AgreementType, RuleId::ConfirmPending]);
    assert!(!Evaluation::full(&s, today()).is_blocked(&sid(1)));
}

#[test]
fn confirm_stale_when_the_hash_differs() {
    let mut s = qualifying_017();
    s.set_confirmations(vec![Confirmation {
        district: code("017"),
        term: "fall-2026".parse().unwrap(),
        sha256: "aaaa".into(),
        current_sha256: "bbbb".into(),
    }]);
    let f = district_rules(&s, today());
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].0, RuleId::ConfirmStale);
    assert!(f[0].1.contains("aaaa") && f[0].1.contains("bbbb"));
}
