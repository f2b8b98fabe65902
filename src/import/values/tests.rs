//! Cell-level readings of SPEC §2 items 5-11.
use super::*;

fn at(col: Col, csv: bool) -> At<'static> {
    At {
        col,
        header: "h",
        letter: "B",
        csv,
        today: Date::constant(2026, 12, 4),
    }
}
fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

#[test]
fn codes_pad_numbers_and_check_text() {
    let a = at(Col::StudentId, false);
    assert_eq!(
        code(&a, &Cell::Number(18472019.0), CodeKind::Student).unwrap(),
        "0018472019"
    );
    assert_eq!(
        code(&a, &text(" 0089592595\u{a0}"), CodeKind::Student).unwrap(),
        "0089592595"
    );
    assert_eq!(
        code(&a, &text("18472019"), CodeKind::Student)
            .unwrap_err()
            .code,
        ProblemCode::StudentId
    );
    assert_eq!(
        code(&a, &text("00895925AB"), CodeKind::Student)
            .unwrap_err()
            .code,
        ProblemCode::StudentId
    );
    assert_eq!(
        code(&a, &Cell::Empty, CodeKind::Student).unwrap_err().code,
        ProblemCode::Required
    );
    assert_eq!(
        code(&a, &text("clear"), CodeKind::Student)
            .unwrap_err()
            .code,
        ProblemCode::Required
    );
    let d = at(Col::DistrictCode, false);
    assert_eq!(
        code(&d, &Cell::Number(36.0), CodeKind::District).unwrap(),
        "036"
    );
    assert_eq!(code(&d, &text("w3b"), CodeKind::District).unwrap(), "W3B");
    assert_eq!(
        code(&d, &text("36"), CodeKind::District).unwrap_err().code,
        ProblemCode::DistrictCode
    );
    assert_eq!(
        code(&d, &Cell::Number(3.5), CodeKind::District)
            .unwrap_err()
            .code,
        ProblemCode::DistrictCode
    );
    let csv = at(Col::SchoolCode, true);
    assert_eq!(
        code(&csv, &text("36105"), CodeKind::School).unwrap(),
        "036105"
    );
    assert_eq!(
        code(&csv, &text("W3B001"), CodeKind::School).unwrap(),
        "W3B001"
    );
}

#[test]
fn grades() {
    let a = at(Col::Grade, false);
    for (s, g) in [
        ("11", 11),
        ("11th", 11),
        ("Grade 11", 11),
        ("Gr. 11", 11),
        ("gr 9", 9),
        ("12th Grade", 12),
        ("T9", 9),
        ("GRADE 10", 10),
        ("9th", 9),
    ] {
        assert_eq!(grade(&a, &text(s)).unwrap(), g, "{s}");
    }
    assert_eq!(grade(&a, &Cell::Number(12.0)).unwrap(), 12);
    for s in ["13", "8", "11.5", "eleven", "Grade", "11 grade x"] {
        assert_eq!(
            grade(&a, &text(s)).unwrap_err().code,
            ProblemCode::Grade,
            "{s}"
        );
    }
    assert_eq!(
        grade(&a, &Cell::Number(13.0)).unwrap_err().code,
        ProblemCode::Grade
    );
    assert_eq!(
        grade(&a, &Cell::Empty).unwrap_err().code,
        ProblemCode::Required
    );
}

#[test]
fn dates() {
    let a = at(Col::SaRound1, false);
    let d = |c: &Cell| optional_date(&a, c);
    assert_eq!(
        d(&text("2026-10-05")).unwrap().0,
        Field::Value(Date::constant(2026, 10, 5))
    );
    assert_eq!(
        d(&text("10/5/2026")).unwrap().0,
        Field::Value(Date::constant(2026, 10, 5))
    );
    assert_eq!(
        d(&text("10/05/2026")).unwrap().0,
        Field::Value(Date::constant(2026, 10, 5))
    );
    assert_eq!(
        d(&Cell::Date(Date::constant(2026, 12, 4))).unwrap().0,
        Field::Value(Date::constant(2026, 12, 4))
    );
    let (v, w) = d(&Cell::Number(46322.0)).unwrap();
    assert_eq!(v, Field::Value(Date::constant(2026, 10, 27)));
    assert_eq!(w.unwrap().code, ProblemCode::SerialDate);
    assert_eq!(
        d(&text("12/18/2026")).unwrap_err().code,
        ProblemCode::DateFuture
    );
    assert_eq!(
        d(&text("10/5/2015")).unwrap_err().code,
        ProblemCode::DateTooEarly
    );
    assert!(d(&text("2016-01-01")).is_ok());
    assert_eq!(d(&text("Oct 5")).unwrap_err().code, ProblemCode::Date);
    assert_eq!(d(&text("46322")).unwrap_err().code, ProblemCode::Date);
    assert_eq!(d(&text("2026-02-30")).unwrap_err().code, ProblemCode::Date);
    assert_eq!(d(&text("CLEAR")).unwrap().0, Field::Clear);
    assert_eq!(d(&Cell::Empty).unwrap().0, Field::Blank);
    let csv = at(Col::SaRound1, true);
    assert_eq!(
        optional_date(&csv, &text("46322")).unwrap().1.unwrap().code,
        ProblemCode::SerialDate
    );
}

#[test]
fn yes_no_and_choices() {
    let a = at(Col::MentorChecklist, false);
    for s in ["Y", "yes", "X", "true", "1"] {
        assert_eq!(yes_no(&a, &text(s)).unwrap(), Field::Value(true));
    }
    for s in ["n", "No", "FALSE", "0"] {
        assert_eq!(yes_no(&a, &text(s)).unwrap(), Field::Value(false));
    }
    assert_eq!(yes_no(&a, &Cell::Bool(true)).unwrap(), Field::Value(true));
    assert_eq!(yes_no(&a, &Cell::Number(0.0)).unwrap(), Field::Value(false));
    assert_eq!(yes_no(&a, &Cell::Empty).unwrap(), Field::Blank);
    assert_eq!(
        yes_no(&a, &text("maybe")).unwrap_err().code,
        ProblemCode::YesNo
    );
    let opts = [("client-contract", 1), ("confidentiality", 2)];
    assert_eq!(
        choice(
            &a,
            &text("Client Contract"),
            &opts,
            ProblemCode::AgreementType
        )
        .unwrap(),
        1
    );
    assert_eq!(
        choice(&a, &text("other"), &opts, ProblemCode::AgreementType)
            .unwrap_err()
            .code,
        ProblemCode::AgreementType
    );
}

#[test]
fn text_and_lists() {
    assert_eq!(clean("\u{a0} Re\u{301}my \t"), "Rémy");
    assert_eq!(
        list(&text("NCCER Core; OSHA 10;")),
        Field::Value(vec!["NCCER Core".into(), "OSHA 10".into()])
    );
    assert_eq!(list(&text("Clear")), Field::Clear);
    assert_eq!(
        optional_text(&Cell::Number(85.0)),
        Field::Value("85".into())
    );
}

proptest::proptest! {
    #[test]
    fn clean_is_idempotent(s in "\\PC*") {
        let once = clean(&s);
        proptest::prop_assert_eq!(clean(&once), once.clone());
    }
}
