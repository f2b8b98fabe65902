//! Issue 6's template target: a 5,000-student district's pre-filled
//! completion template in under 500 ms (writer only; the roster is in memory).
#![allow(clippy::unwrap_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use mecred::domain::{
    Date, District, DistrictCode, DistrictKind, Modules, School, SchoolCode, Student, StudentId,
    Term,
};
use mecred::report::template::{Roster, write};

fn roster(n: u32) -> (District, Vec<School>, Vec<Student>) {
    let code = DistrictCode::parse("017").unwrap();
    let district = District {
        code,
        name: "East Baton Rouge Parish School System".into(),
        kind: DistrictKind::District,
        client: true,
    };
    let schools: Vec<School> = (0..12)
        .map(|i| School {
            code: SchoolCode::parse(&format!("017{i:03}")).unwrap(),
            name: format!("School {i}"),
        })
        .collect();
    let students = (0..n)
        .map(|i| Student {
            id: StudentId::parse(&format!("{:010}", 1_000_000 + i)).unwrap(),
            last_name: format!("Last{}", i % 977),
            first_name: format!("First{}", i % 331),
            school: schools[(i % 12) as usize].code.clone(),
            cohort: 2027 + (i % 4) as i16,
            pathway: Some(i % 7 == 0),
            complementary: if i % 7 == 0 {
                vec!["OSHA 10".into(), "NCCER Core".into()]
            } else {
                vec![]
            },
            modules: Modules {
                sa_round1: Some(Date::constant(2026, 9, 1)),
                sa_round2: (i % 2 == 0).then_some(Date::constant(2026, 10, 1)),
                sa_instrument: None,
                presentation: (i % 3 == 0).then_some(Date::constant(2026, 10, 15)),
                mentor_checklist: Some(i % 3 == 0),
                credit_applications: Some(Date::constant(2026, 9, 20)),
                company_registration: None,
            },
            notes: None,
        })
        .collect();
    (district, schools, students)
}

fn template_5000(c: &mut Criterion) {
    let (district, schools, students) = roster(5_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.xlsx");
    let r = Roster {
        district: &district,
        schools: &schools,
        students: &students,
        term: "fall-2026".parse::<Term>().unwrap(),
        today: Date::constant(2026, 12, 4),
    };
    c.bench_function("template_5000_students", |b| {
        b.iter(|| std::fs::write(&path, write(&r).unwrap().1).unwrap())
    });
}

criterion_group!(benches, template_5000);
criterion_main!(benches);
