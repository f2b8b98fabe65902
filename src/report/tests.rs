//! The report builder and writers on small hand-made snapshots.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use super::semester::{content, has_agreement_error};
use super::*;
use crate::domain::*;
use crate::policy::{Confirmation, Evaluation, Snapshot};

fn d(y: i16, m: i8, dd: i8) -> Date {
    Date::constant(y, m, dd)
}

fn code(s: &str) -> DistrictCode {
    DistrictCode::parse(s).unwrap()
}

/// A student with all five modules complete: Regional Core on 2026-11-10.
fn qualifier(n: u32, last: &str, first: &str, school: &str) -> Vec<Record> {
    let id = StudentId::parse(&format!("{n:010}")).unwrap();
    let s = Student {
        id: id.clone(),
        last_name: last.into(),
        first_name: first.into(),
        school: SchoolCode::parse(school).unwrap(),
        cohort: 2027,
        pathway: Some(false),
        complementary: vec![],
        modules: Modules {
            sa_round1: Some(d(2026, 9, 1)),
            sa_round2: Some(d(2026, 9, 20)),
            sa_instrument: None,
            presentation: Some(d(2026, 10, 1)),
            mentor_checklist: Some(true),
            credit_applications: Some(d(2026, 10, 5)),
            company_registration: Some(d(2026, 10, 6)),
        },
        notes: None,
    };
    vec![
        Record::Student(s),
        Record::Exam(ExamAttempt {
            student: id,
            date: d(2026, 11, 10),
            score: None,
            result: ExamResult::Pass,
            provider: None,
        }),
    ]
}

fn world() -> Snapshot {
    let mut s = Snapshot::new();
    s.insert(Record::District(District {
        code: code("017"),
        name: "East | Baton <Rouge>".into(),
        kind: DistrictKind::District,
        client: true,
    }));
    s.insert(Record::Agreement(Agreement {
        district: code("017"),
        year: "2026-27".parse().unwrap(),
        signed: d(2026, 8, 12),
        agreement_type: AgreementType::ClientContract,
    }));
    for r in [
        qualifier(3, "émile", "Zoë", "017011"),
        qualifier(1, "Zed", "Amy", "017004"),
        qualifier(2, "adams", "Bo", "017011"),
        qualifier(4, "Adams", "Al", "017011"),
        qualifier(5, "Kuder", "Kim", "017004"),
    ]
    .into_iter()
    .flatten()
    {
        s.insert(r);
    }
    // Kim used another instrument: an error finding blocks her.
    if let Some(mut st) = s
        .student(&StudentId::parse("0000000005").unwrap())
        .and_then(|f| f.student.clone())
    {
        st.modules.sa_instrument = Some("Kuder".into());
        s.insert(Record::Student(st));
    }
    s
}

fn inputs<'a>(
    schools: &'a BTreeMap<SchoolCode, String>,
    district: Option<&'a DistrictCode>,
) -> Inputs<'a> {
    Inputs {
        term: "fall-2026".parse().unwrap(),
        district,
        schools,
        last_change_set: Some(7),
    }
}

fn built(on: Date, district: Option<&DistrictCode>) -> Report {
    let s = world();
    let schools = BTreeMap::new();
    build(&s, &Evaluation::full(&s, on), inputs(&schools, district))
}

#[test]
fn students_sorted_by_school_then_lowercased_names_then_id() {
    let r = built(d(2026, 12, 4), None);
    let ids: Vec<&str> = r.districts[0]
        .qualifying
        .iter()
        .map(|s| s.student_id.as_str())
        .collect();
    // 017004 Zed; 017011: "adams, al" < "adams, bo" (case folded), then
    // "émile" after ASCII letters (code points).
    assert_eq!(
        ids,
        ["0000000001", "0000000004", "0000000002", "0000000003"]
    );
    let t = &r.districts[0].totals;
    assert_eq!((t.regional_core, t.qualifying, t.blocked), (4, 4, 1));
    assert_eq!(t.stages, [0, 0, 0, 0, 0, 5]);
    assert_eq!(r.districts[0].blocked[0].student.student_id, "0000000005");
    assert_eq!(r.districts[0].blocked[0].findings[0].rule, "SA-SUBSTITUTE");
    assert_eq!(r.statewide.as_ref().unwrap().regional_core, 4);
    assert_eq!(r.districts[0].agreement.status, "ok");
}

#[test]
fn another_term_has_no_qualifiers() {
    let s = world();
    let schools = BTreeMap::new();
    let mut inp = inputs(&schools, None);
    inp.term = "spring-2027".parse().unwrap();
    let r = build(&s, &Evaluation::full(&s, d(2026, 12, 4)), inp);
    assert!(r.districts[0].qualifying.is_empty());
}

#[test]
fn hash_skips_today_generated_and_confirm_findings() {
    let c = code("017");
    let a = built(d(2026, 12, 4), Some(&c));
    let mut b = a.clone();
    b.today = d(2026, 12, 5);
    b.generated.last_change_set = Some(99);
    assert_eq!(hash(&a), hash(&b));
    assert!(content(&a).get("today").is_none());
    assert_eq!(hash(&a).len(), 64);
    let mut changed = a.clone();
    changed.districts[0].qualifying.pop();
    assert_ne!(hash(&a), hash(&changed));

    // A confirmation (pending cleared, or stale) does not change the report.
    let mut s = world();
    let schools = BTreeMap::new();
    let mut eval = Evaluation::full(&s, d(2026, 12, 4));
    let before = hash(&build(&s, &eval, inputs(&schools, Some(&c))));
    let t = s.set_confirmations(vec![Confirmation {
        district: c.clone(),
        term: "fall-2026".parse().unwrap(),
        sha256: "old".into(),
        current_sha256: before.clone(),
    }]);
    eval.update(&s, &t);
    assert!(
        eval.district_findings(&c)
            .iter()
            .any(|f| f.rule == RuleId::ConfirmStale)
    );
    assert_eq!(hash(&build(&s, &eval, inputs(&schools, Some(&c)))), before);
}

#[test]
fn agreement_errors_block_confirming() {
    let mut s = world();
    let eval = Evaluation::full(&s, d(2026, 12, 4));
    assert!(!has_agreement_error(&eval, &code("017")));
    s.set(
        &RecordKey::Agreement(code("017"), "2026-27".parse().unwrap()),
        None,
    );
    let eval = Evaluation::full(&s, d(2026, 12, 4));
    assert!(has_agreement_error(&eval, &code("017")));
    let schools = BTreeMap::new();
    let r = build(&s, &eval, inputs(&schools, None));
    assert_eq!(r.districts[0].agreement.status, "error");
}

#[test]
fn writers_escape_and_stay_self_contained() {
    let r = built(d(2026, 12, 4), None);
    let html = String::from_utf8(render(&r, Format::Html)).unwrap();
    assert!(html.contains("East | Baton &lt;Rouge&gt;"));
    assert!(html.contains("<svg") && !html.contains("http") && !html.contains("src="));
    let md = String::from_utf8(render(&r, Format::Markdown)).unwrap();
    assert!(md.contains("East \\| Baton <Rouge>"), "{md}");
    assert!(md.contains("### Regional Core (4)"));
    let csv = String::from_utf8(render(&r, Format::Csv)).unwrap();
    assert_eq!(csv.lines().count(), 5);
    assert!(
        csv.lines()
            .nth(4)
            .unwrap()
            .contains(",émile,Zoë,12,2026-11-10,,")
    );
    let json: serde_json::Value = serde_json::from_slice(&render(&r, Format::Json)).unwrap();
    assert_eq!(json["generated"]["last_change_set"], 7);
    assert_eq!(render(&r, Format::Json), render(&r, Format::Json));
}

#[test]
fn formats_parse() {
    assert_eq!("MD".parse::<Format>().unwrap(), Format::Markdown);
    assert_eq!("html".parse::<Format>().unwrap().extension(), "html");
    assert!("pdf".parse::<Format>().is_err());
}

#[test]
fn totals_count_like_the_full_report_without_the_lists() {
    let s = world();
    let eval = Evaluation::full(&s, d(2026, 12, 4));
    let full = built(d(2026, 12, 4), None);
    let t = super::semester::totals(&s, &eval, "fall-2026".parse().unwrap());
    assert_eq!(t.statewide, full.statewide);
    assert_eq!(t.districts.len(), full.districts.len());
    for (a, b) in t.districts.iter().zip(&full.districts) {
        assert_eq!(
            (&a.code, &a.totals, &a.agreement),
            (&b.code, &b.totals, &b.agreement)
        );
        assert!(a.qualifying.is_empty() && a.blocked.is_empty());
    }
    assert!(!full.districts[0].qualifying.is_empty());
}
