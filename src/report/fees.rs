//! The fee section of the semester confirmation report (issue 8, "Fees":
//! "the confirmation report for a spring term states the fee due per
//! district"). Priced from the report's own counts and the school year's
//! fee schedule; outside the report's hash (see [`super::semester::content`]).

use std::fmt::Write as _;

use serde::Serialize;

use super::html::esc;
use super::semester::Report;
use super::write::cell;
use crate::domain::fee::fee_due;
use crate::domain::{Cents, DistrictCode, FeeCounts, FeeSchedule, SchoolYear, Season};

/// The fee section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fees {
    /// The school year whose schedule prices the term.
    pub year: SchoolYear,
    /// The schedule's version in that year.
    pub schedule: u32,
    /// Per qualifying student with Regional Core, in cents.
    pub regional_core_cents: u64,
    /// Per qualifying student with Basic Statewide, in cents.
    pub basic_statewide_cents: u64,
    /// Per qualifying student with Advanced Statewide, in cents.
    pub advanced_statewide_cents: u64,
    /// Per district, in cents.
    pub base_cents: u64,
    /// The fee due per district, in report order.
    pub districts: Vec<DistrictFee>,
    /// The sum of `districts`, in cents.
    pub total_cents: u64,
}

/// One district's fee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DistrictFee {
    /// The district.
    pub district: DistrictCode,
    /// Its qualifying students per credential.
    pub counts: FeeCounts,
    /// The fee due, in cents.
    pub due_cents: u64,
}

/// The fee section of `report` under `schedule`: `None` for a fall term,
/// or without a schedule for the term's school year. Districts with no
/// qualifying student are billed nothing (not even the base fee) and not
/// listed.
pub fn fees(report: &Report, schedule: Option<&FeeSchedule>) -> Option<Fees> {
    let schedule = schedule?;
    if report.term.season != Season::Spring || schedule.year != report.term.school_year() {
        return None;
    }
    let n = |x: usize| u64::try_from(x).unwrap_or(u64::MAX);
    let districts: Vec<DistrictFee> = report
        .districts
        .iter()
        .filter(|d| d.totals.qualifying > 0)
        .map(|d| {
            let counts = FeeCounts {
                regional_core: n(d.totals.regional_core),
                basic_statewide: n(d.totals.basic_statewide),
                advanced_statewide: n(d.totals.advanced_statewide),
            };
            DistrictFee {
                district: d.code.clone(),
                counts,
                due_cents: fee_due(&schedule.rates, &counts).0,
            }
        })
        .collect();
    let r = &schedule.rates;
    Some(Fees {
        year: schedule.year,
        schedule: schedule.seq,
        regional_core_cents: r.regional_core.0,
        basic_statewide_cents: r.basic_statewide.0,
        advanced_statewide_cents: r.advanced_statewide.0,
        base_cents: r.base.0,
        total_cents: districts
            .iter()
            .fold(Cents(0), |s, d| s.plus(Cents(d.due_cents)))
            .0,
        districts,
    })
}

/// The report with its fee section set.
pub fn with_fees(mut report: Report, schedule: Option<&FeeSchedule>) -> Report {
    report.fees = fees(&report, schedule);
    report
}

fn name_of<'a>(r: &'a Report, d: &DistrictCode) -> &'a str {
    r.districts
        .iter()
        .find(|x| &x.code == d)
        .and_then(|x| x.name.as_deref())
        .unwrap_or("")
}

fn rates_text(f: &Fees) -> String {
    format!(
        "Regional Core {} · Basic Statewide {} · Advanced Statewide {} per qualifying student; base fee {} per district",
        Cents(f.regional_core_cents),
        Cents(f.basic_statewide_cents),
        Cents(f.advanced_statewide_cents),
        Cents(f.base_cents)
    )
}

/// The Markdown fee section.
pub fn markdown(o: &mut String, r: &Report, f: &Fees) {
    let _ = writeln!(o, "## Fees due to BRAC\n");
    let _ = writeln!(
        o,
        "Fee schedule {} (version {}): {}.\n",
        f.year,
        f.schedule,
        rates_text(f)
    );
    let _ = writeln!(
        o,
        "| District | Name | Regional Core | Basic Statewide | Advanced Statewide | Fee due |"
    );
    let _ = writeln!(o, "|---|---|--:|--:|--:|--:|");
    for d in &f.districts {
        let c = &d.counts;
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} |",
            d.district,
            cell(name_of(r, &d.district)),
            c.regional_core,
            c.basic_statewide,
            c.advanced_statewide,
            Cents(d.due_cents)
        );
    }
    let _ = writeln!(o, "| **All** | | | | | {} |\n", Cents(f.total_cents));
}

/// The HTML fee section.
pub fn html(o: &mut String, r: &Report, f: &Fees) {
    let _ = writeln!(
        o,
        "<section>\n<h2>Fees due to BRAC</h2>\n<p>Fee schedule {} (version {}): {}.</p>",
        f.year,
        f.schedule,
        esc(&rates_text(f))
    );
    o.push_str("<table>\n<tr><th>District</th><th>Name</th><th>Regional Core</th><th>Basic Statewide</th><th>Advanced Statewide</th><th>Fee due</th></tr>\n");
    for d in &f.districts {
        let c = &d.counts;
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            d.district,
            esc(name_of(r, &d.district)),
            c.regional_core,
            c.basic_statewide,
            c.advanced_statewide,
            Cents(d.due_cents)
        );
    }
    let _ = writeln!(
        o,
        "<tr><th colspan=\"5\">All</th><td class=\"n\">{}</td></tr>\n</table>\n</section>",
        Cents(f.total_cents)
    );
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::{Date, FeeRates, Term};
    use crate::report::semester::{AgreementStatus, DistrictReport, Generated, Totals};
    use crate::report::{Format, hash, render};

    fn report(term: &str) -> Report {
        let district = |code: &str, rc: usize, bs: usize| DistrictReport {
            code: DistrictCode::parse(code).unwrap(),
            name: Some(format!("District {code}")),
            district_kind: None,
            client: None,
            agreement: AgreementStatus {
                year: SchoolYear { end: 2027 },
                status: "ok",
                signed: None,
                agreement_type: None,
                findings: vec![],
            },
            totals: Totals {
                regional_core: rc,
                basic_statewide: bs,
                qualifying: rc.max(bs),
                ..Totals::default()
            },
            qualifying: vec![],
            blocked: vec![],
        };
        Report {
            today: Date::constant(2027, 6, 1),
            generated: Generated {
                last_change_set: None,
                by: "test".into(),
            },
            term: term.parse::<Term>().unwrap(),
            district: None,
            districts: vec![district("009", 0, 0), district("017", 4, 2)],
            statewide: None,
            fees: None,
        }
    }

    fn schedule(year: &str) -> FeeSchedule {
        FeeSchedule {
            year: year.parse().unwrap(),
            seq: 2,
            rates: FeeRates {
                regional_core: Cents(1000),
                basic_statewide: Cents(1500),
                advanced_statewide: Cents(2000),
                base: Cents(5000),
            },
            by: "op".into(),
            at: "t".into(),
        }
    }

    #[test]
    fn a_spring_report_with_a_schedule_states_the_fee_per_district() {
        let r = with_fees(report("spring-2027"), Some(&schedule("2026-27")));
        let f = r.fees.clone().unwrap();
        assert_eq!(
            f.districts.len(),
            1,
            "a district with no qualifying student owes nothing"
        );
        assert_eq!(f.districts[0].due_cents, 5000 + 4000 + 3000);
        assert_eq!(f.total_cents, 12_000);
        let md = String::from_utf8(render(&r, Format::Markdown)).unwrap();
        assert!(md.contains("## Fees due to BRAC"), "{md}");
        assert!(
            md.contains("| 017 | District 017 | 4 | 2 | 0 | $120.00 |"),
            "{md}"
        );
        assert!(md.contains("base fee $50.00 per district"), "{md}");
        let html = String::from_utf8(render(&r, Format::Html)).unwrap();
        assert!(html.contains("<h2>Fees due to BRAC</h2>"));
        assert!(html.contains("<td class=\"n\">$120.00</td>"));
        let json: serde_json::Value = serde_json::from_slice(&render(&r, Format::Json)).unwrap();
        assert_eq!(json["fees"]["districts"][0]["due_cents"], 12_000);
    }

    #[test]
    fn no_fees_for_fall_another_year_or_no_schedule_and_never_in_the_hash() {
        assert_eq!(fees(&report("fall-2026"), Some(&schedule("2026-27"))), None);
        assert_eq!(
            fees(&report("spring-2027"), Some(&schedule("2025-26"))),
            None
        );
        assert_eq!(fees(&report("spring-2027"), None), None);
        let plain = report("spring-2027");
        let priced = with_fees(plain.clone(), Some(&schedule("2026-27")));
        assert_eq!(hash(&plain), hash(&priced));
        let md = String::from_utf8(render(&plain, Format::Markdown)).unwrap();
        assert!(!md.contains("Fees due"));
        let json = String::from_utf8(render(&plain, Format::Json)).unwrap();
        assert!(!json.contains("\"fees\""));
    }
}
