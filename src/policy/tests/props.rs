//! Incremental evaluation equals full evaluation: random small snapshots,
//! random edit sequences, compared after every step.

use proptest::prelude::*;

use super::*;

const DISTRICTS: [&str; 3] = ["017", "036", "W3B"];
const SCHOOLS: [&str; 4] = ["017004", "017011", "036105", "W3B001"];
const TERMS: [&str; 3] = ["spring-2026", "fall-2026", "spring-2027"];
const NAMES: [&[&str]; 5] = [
    &[],
    &["OSHA 10"],
    &["OSHA 10", "NCCER Core"],
    &["micro enterprise", "OSHA 10", "osha-10"],
    &["MICRO-ENTERPRISE", "NCCER Core", "ServSafe"],
];

/// Dates around the boundaries the rules care about.
fn date() -> impl Strategy<Value = Date> {
    prop::sample::select(vec![
        d(2025, 6, 30),
        d(2025, 7, 1),
        d(2026, 3, 2),
        d(2026, 6, 30),
        d(2026, 7, 1),
        d(2026, 9, 8),
        d(2026, 11, 10),
        d(2026, 12, 1),
        d(2027, 5, 31),
    ])
}

fn opt_date() -> impl Strategy<Value = Option<Date>> {
    prop::option::weighted(0.6, date())
}

fn student_strategy(n: u32) -> impl Strategy<Value = Student> {
    (
        (0..SCHOOLS.len(), 2026i16..=2030),
        (opt_date(), opt_date(), 0..4usize),
        (opt_date(), prop::option::of(any::<bool>())),
        (opt_date(), opt_date()),
        (prop::option::of(any::<bool>()), 0..NAMES.len()),
    )
        .prop_map(
            move |(
                (school, cohort),
                (r1, r2, inst),
                (pres, check),
                (credit, company),
                (path, names),
            )| {
                let mut s = student(n, cohort);
                s.school = SchoolCode::parse(SCHOOLS[school]).unwrap();
                s.modules = Modules {
                    sa_round1: r1,
                    sa_round2: r2,
                    sa_instrument: [
                        None,
                        Some("Kuder"),
                        Some("micro-enterprise self assessment"),
                        Some(""),
                    ][inst]
                        .map(String::from),
                    presentation: pres,
                    mentor_checklist: check,
                    credit_applications: credit,
                    company_registration: company,
                };
                s.pathway = path;
                s.complementary = NAMES[names].iter().map(|x| x.to_string()).collect();
                s
            },
        )
}

fn credential() -> impl Strategy<Value = Credential> {
    prop::sample::select(vec![
        Credential::RegionalCore,
        Credential::BasicStatewide,
        Credential::AdvancedStatewide,
    ])
}

/// One edit.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
enum Op {
    Set(RecordKey, Option<Record>),
    Upload(usize, usize, bool),
    Confirm(Vec<(usize, usize, bool)>),
}

fn op() -> impl Strategy<Value = Op> {
    let n = 1u32..=4;
    prop_oneof![
        4 => (n.clone(), prop::bool::weighted(0.85)).prop_flat_map(|(n, keep)| {
            student_strategy(n).prop_map(move |s| {
                Op::Set(RecordKey::Student(sid(n)), keep.then_some(Record::Student(s)))
            })
        }),
        2 => (n.clone(), date(), prop::option::of(any::<bool>())).prop_map(|(n, date, pass)| {
            let rec = pass.map(|p| {
                exam(n, date, if p { ExamResult::Pass } else { ExamResult::Fail })
            });
            Op::Set(RecordKey::Exam(sid(n), date), rec)
        }),
        1 => (n.clone(), credential(), date(), prop::option::of(opt_date())).prop_map(
            |(n, c, attempted, attained)| {
                let c = if c == Credential::RegionalCore { Credential::BasicStatewide } else { c };
                let rec = attained.map(|attained| {
                    Record::Statewide(StatewideAttempt { student: sid(n), credential: c, attempted, attained })
                });
                Op::Set(RecordKey::Statewide(sid(n), c, attempted), rec)
            }
        ),
        1 => (n, credential(), prop::option::of(date())).prop_map(|(n, c, issued)| {
            let rec = issued.map(|issued| {
                Record::Certificate(Certificate { student: sid(n), credential: c, issued, code: None })
            });
            Op::Set(RecordKey::Certificate(sid(n), c), rec)
        }),
        1 => (0..DISTRICTS.len(), prop::option::of(any::<bool>())).prop_map(|(i, client)| {
            let c = code(DISTRICTS[i]);
            let rec = client.map(|client| {
                Record::District(District { code: c.clone(), name: "D".into(), kind: DistrictKind::District, client })
            });
            Op::Set(RecordKey::District(c), rec)
        }),
        2 => (0..DISTRICTS.len(), 2026i16..=2027, prop::option::of(any::<bool>())).prop_map(
            |(i, end, t)| {
                let c = code(DISTRICTS[i]);
                let year = SchoolYear { end };
                let rec = t.map(|client| {
                    Record::Agreement(Agreement {
                        district: c.clone(),
                        year,
                        signed: d(end - 1, 8, 1),
                        agreement_type: if client { AgreementType::ClientContract } else { AgreementType::Confidentiality },
                    })
                });
                Op::Set(RecordKey::Agreement(c, year), rec)
            }
        ),
        1 => (0..DISTRICTS.len(), 0..TERMS.len(), any::<bool>()).prop_map(|(i, t, add)| Op::Upload(i, t, add)),
        1 => prop::collection::vec((0..DISTRICTS.len(), 0..TERMS.len(), any::<bool>()), 0..3)
            .prop_map(Op::Confirm),
    ]
}

fn apply(s: &mut Snapshot, op: &Op) -> Touched {
    match op {
        Op::Set(k, v) => s.set(k, v.clone()),
        Op::Upload(i, t, add) => {
            let term: Term = TERMS[*t].parse().unwrap();
            if *add {
                s.add_upload(code(DISTRICTS[*i]), term)
            } else {
                s.remove_upload(&code(DISTRICTS[*i]), term)
            }
        }
        Op::Confirm(list) => s.set_confirmations(
            list.iter()
                .map(|(i, t, same)| Confirmation {
                    district: code(DISTRICTS[*i]),
                    term: TERMS[*t].parse().unwrap(),
                    sha256: "a".into(),
                    current_sha256: if *same { "a" } else { "b" }.into(),
                })
                .collect(),
        ),
    }
}

fn owned(e: &Evaluation) -> Vec<Finding> {
    e.findings().into_iter().cloned().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn incremental_equals_full(
        start in prop::collection::vec(op(), 0..12),
        edits in prop::collection::vec(op(), 1..12),
        on in prop::sample::select(vec![d(2026, 12, 4), d(2026, 8, 29), d(2026, 8, 30), d(2027, 6, 1), d(2026, 3, 2)]),
    ) {
        let mut s = Snapshot::new();
        for o in &start {
            apply(&mut s, o);
        }
        let mut inc = Evaluation::full(&s, on);
        for o in &edits {
            let touched = apply(&mut s, o);
            inc.update(&s, &touched);
            let full = Evaluation::full(&s, on);
            prop_assert_eq!(owned(&inc), owned(&full), "after {:?}", o);
        }
    }
}

#[test]
fn a_student_moving_district_re_evaluates_both() {
    // 017's student qualifies (CONFIRM-PENDING on 017); moving it to 036
    // must clear 017's finding and raise 036's.
    let mut s = snap(complete(1, 2027));
    let mut e = Evaluation::full(&s, today());
    let pending = |e: &Evaluation, c: &str| {
        e.district_findings(&code(c))
            .iter()
            .any(|f| f.rule == RuleId::ConfirmPending)
    };
    assert!(pending(&e, "017"));
    let Some(Record::Student(mut st)) = complete(1, 2027).into_iter().next() else {
        unreachable!()
    };
    st.school = SchoolCode::parse("036105").unwrap();
    let t = s.insert(Record::Student(st));
    e.update(&s, &t);
    assert!(!pending(&e, "017"));
    assert!(pending(&e, "036"));
    assert_eq!(owned(&e), owned(&Evaluation::full(&s, today())));
}
