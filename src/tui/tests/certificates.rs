//! The detail's Certificates section on the memory fixture: issued (with
//! the grouped code), due, not yet (the reason wrapped to the width),
//! revoked, still checking, none held; at 80×24 and wide. And the key on a
//! source that knows no certificates.

use super::{app, draw, press, text};
use crate::domain::{Certificate, Credential, Date, DistrictCode, StudentId};
use crate::report::certificate::Due;
use crate::tui::App;
use crate::tui::app::{Loadable, Screen};
use crate::tui::source::{CertificateStanding, CertificateState, MemorySource};
use crate::tui::theme::Theme;

fn ava() -> StudentId {
    StudentId::parse("1000000001").unwrap()
}

fn standings() -> Vec<CertificateStanding> {
    let due = Due {
        district: DistrictCode::parse("017").unwrap(),
        district_name: "East Baton Rouge Parish School System".into(),
        student: ava(),
        first_name: "Ava".into(),
        last_name: "Landry".into(),
        school: "017004".into(),
        school_name: "Baton Rouge Magnet High School".into(),
        credential: Credential::BasicStatewide,
        attained: Date::constant(2026, 11, 25),
    };
    vec![
        CertificateStanding {
            student: ava(),
            credential: Credential::RegionalCore,
            attained: Some(Date::constant(2026, 11, 20)),
            state: CertificateState::Issued(Certificate {
                student: ava(),
                credential: Credential::RegionalCore,
                issued: Date::constant(2026, 12, 4),
                code: Some("ABCDEFGHJKMNPQRS".into()),
            }),
        },
        CertificateStanding {
            student: ava(),
            credential: Credential::BasicStatewide,
            attained: Some(Date::constant(2026, 11, 25)),
            state: CertificateState::Due(Box::new(due)),
        },
        CertificateStanding {
            student: ava(),
            credential: Credential::AdvancedStatewide,
            attained: Some(Date::constant(2026, 11, 30)),
            state: CertificateState::Waiting(
                "district 017: its fall-2026 report changed since it was confirmed (CONFIRM-STALE): withdraw and confirm again".into(),
            ),
        },
    ]
}

/// Ava's detail, its certificates set to `certs`.
fn detail(certs: Loadable<Vec<CertificateStanding>>) -> (App, MemorySource) {
    let (mut a, src) = app("default", Theme::no_color());
    press(&mut a, &src, "enter enter down down enter");
    let Some(Screen::Detail(d)) = a.stack.last_mut() else {
        panic!("no detail")
    };
    assert_eq!(d.id, ava());
    d.certificates = certs;
    (a, src)
}

/// The screen at `w`×`h`, scrolled until the Certificates section is in
/// view.
fn section(a: &mut App, src: &MemorySource, w: u16, h: u16) -> String {
    a.resize(w, h);
    for _ in 0..200 {
        let s = text(&draw(a, w, h));
        if s.lines()
            .position(|l| l.contains("│Certificates"))
            .is_some_and(|at| at + 6 < usize::from(h))
        {
            return s;
        }
        press(a, src, "down");
    }
    panic!("no Certificates section in\n{}", text(&draw(a, w, h)));
}

#[test]
fn the_section_at_80x24_and_wide() {
    let (mut a, src) = detail(Loadable::Ready(standings()));
    let s = section(&mut a, &src, 80, 24);
    for want in [
        "Regional Core       [x] issued 2026-12-04  code ABCD-EFGH-JKMN-PQRS",
        "Basic Statewide     [ ] due  attained 2026-11-25",
        "Advanced Statewide  [ ] not yet  attained 2026-11-30",
        "district 017: its fall-2026 report changed since it was",
    ] {
        assert!(s.contains(want), "missing {want:?} in\n{s}");
    }
    insta::assert_snapshot!("certificates_80x24", s);
    let s = section(&mut a, &src, 160, 40);
    assert!(
        s.contains("district 017: its fall-2026 report changed since it was confirmed (CONFIRM-STALE): withdraw and confirm again"),
        "{s}"
    );
    insta::assert_snapshot!("certificates_160x40", s);
}

#[test]
fn revoked_checking_failed_and_none() {
    let mut certs = standings();
    certs[0].attained = None;
    let (mut a, src) = detail(Loadable::Ready(certs));
    let s = section(&mut a, &src, 100, 30);
    assert!(s.contains("[!] issued 2026-12-04"), "{s}");
    assert!(
        s.contains("revoked: the student no longer holds it (CERT-INCOMPLETE)"),
        "{s}"
    );
    for (certs, want) in [
        (Loadable::Loading, "checking…"),
        (
            Loadable::Failed("the disk".into()),
            "could not check: the disk",
        ),
        (Loadable::Ready(Vec::new()), "none: no credential held yet"),
    ] {
        let (mut a, src) = detail(certs);
        let s = section(&mut a, &src, 100, 30);
        assert!(s.contains(want), "missing {want:?} in\n{s}");
    }
}

#[test]
fn the_memory_source_knows_no_certificates_so_none_is_due() {
    let (mut a, src) = app("default", Theme::no_color());
    press(&mut a, &src, "enter enter down down enter");
    // The detail read them (none), after the record.
    match a.screen() {
        Some(Screen::Detail(d)) => assert_eq!(d.certificates, Loadable::Ready(Vec::new())),
        other => panic!("{other:?}"),
    }
    press(&mut a, &src, "C");
    assert_eq!(
        a.message,
        Some(("no certificate is due".to_string(), false))
    );
    assert!(a.record_prompt.is_none());
    // From the student list too.
    press(&mut a, &src, "esc C");
    assert_eq!(
        a.message,
        Some(("no certificate is due".to_string(), false))
    );
}
