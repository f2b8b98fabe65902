//! The fee section of the semester confirmation report (issue 8, "Fees":
//! "the confirmation report for a spring term states the fee due per
//! district"). A spring statement bills the whole school year, so the
//! section does too: per district the fall term as its confirmation
//! recorded it, the spring term from the report's own counts, each priced
//! apart, and the year's fee (one base fee). Priced with the school year's
//! fee schedule; outside the report's hash (see [`super::semester::content`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::html::esc;
use super::semester::{Report, Word};
use super::write::cell;
use crate::domain::fee::{FEE_CREDENTIALS, fee_due};
use crate::domain::{
    Cents, DistrictCode, FeeCounts, FeePart, FeeRates, FeeSchedule, SchoolYear, Season, Term,
};

/// A district's fall term as the fee section and the statement see it.
/// A district absent from the map had no qualifying student in the fall
/// and did not confirm it: nothing to bill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fall {
    /// Its current fall confirmation: billed.
    Confirmed(FeePart),
    /// Not confirmed though this many students qualify: not billed until it is.
    Unconfirmed {
        /// Qualifying students in the fall report as the data stands.
        qualifying: u64,
    },
}

/// The fee section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// One district's fee for the school year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictFee {
    /// The district.
    pub district: DistrictCode,
    /// The fall term, then the spring term.
    pub terms: Vec<TermFee>,
    /// The qualifying students billed over the year, per credential.
    pub counts: FeeCounts,
    /// The base fee billed, in cents (zero with no student billed).
    pub base_cents: u64,
    /// The fee due for the year, in cents.
    pub due_cents: u64,
}

/// One term's part of a district's fee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermFee {
    /// The term.
    pub term: Term,
    /// `confirmed` (the fall, from its confirmation), `report` (the spring,
    /// from this report), `no-qualifying` (a fall with no qualifying student
    /// and no confirmation: nothing to bill) or `unconfirmed` (a fall with
    /// qualifying students not yet confirmed: not billed; confirm it first).
    pub status: Word,
    /// The fall confirmation billed, if any.
    pub confirmation: Option<u32>,
    /// Qualifying students per credential (for `unconfirmed`: none counted).
    pub counts: FeeCounts,
    /// For `unconfirmed`: the qualifying students awaiting confirmation.
    pub qualifying: u64,
    /// The term's credentials priced (no base fee), in cents.
    pub amount_cents: u64,
}

/// The counts priced without the base fee.
fn priced(rates: &FeeRates, counts: &FeeCounts) -> Cents {
    FEE_CREDENTIALS.iter().fold(Cents(0), |sum, c| {
        sum.plus(rates.of(*c).times(counts.of(*c)))
    })
}

fn fall_fee(rates: &FeeRates, term: Term, fall: Option<&Fall>) -> TermFee {
    let (status, confirmation, counts, qualifying) = match fall {
        Some(Fall::Confirmed(p)) => ("confirmed", Some(p.confirmation_seq), p.counts, 0),
        Some(Fall::Unconfirmed { qualifying }) => {
            ("unconfirmed", None, FeeCounts::default(), *qualifying)
        }
        None => ("no-qualifying", None, FeeCounts::default(), 0),
    };
    TermFee {
        term,
        status: status.into(),
        confirmation,
        counts,
        qualifying,
        amount_cents: priced(rates, &counts).0,
    }
}

/// The fee section of `report` under `schedule`, with each district's
/// fall term from `fall`: `None` for a fall term, or without a schedule
/// for the term's school year. A district is listed when a student
/// qualifies in either term (a fall not yet confirmed included, shown
/// unbilled); one with none is billed nothing, not even the base fee.
pub fn fees(
    report: &Report,
    schedule: Option<&FeeSchedule>,
    fall: &BTreeMap<DistrictCode, Fall>,
) -> Option<Fees> {
    let schedule = schedule?;
    if report.term.season != Season::Spring || schedule.year != report.term.school_year() {
        return None;
    }
    let rates = &schedule.rates;
    let fall_term = report.term.school_year().fall();
    let n = |x: usize| u64::try_from(x).unwrap_or(u64::MAX);
    let districts: Vec<DistrictFee> = report
        .districts
        .iter()
        .filter_map(|d| {
            let spring = FeeCounts {
                regional_core: n(d.totals.regional_core),
                basic_statewide: n(d.totals.basic_statewide),
                advanced_statewide: n(d.totals.advanced_statewide),
            };
            let f = fall_fee(rates, fall_term, fall.get(&d.code));
            if spring.is_empty() && f.counts.is_empty() && f.qualifying == 0 {
                return None;
            }
            let counts = f.counts.plus(&spring);
            let due = fee_due(rates, &counts);
            let base = if counts.is_empty() {
                Cents(0)
            } else {
                rates.base
            };
            Some(DistrictFee {
                district: d.code.clone(),
                terms: vec![
                    f,
                    TermFee {
                        term: report.term,
                        status: "report".into(),
                        confirmation: None,
                        counts: spring,
                        qualifying: 0,
                        amount_cents: priced(rates, &spring).0,
                    },
                ],
                counts,
                base_cents: base.0,
                due_cents: due.0,
            })
        })
        .collect();
    Some(Fees {
        year: schedule.year,
        schedule: schedule.seq,
        regional_core_cents: rates.regional_core.0,
        basic_statewide_cents: rates.basic_statewide.0,
        advanced_statewide_cents: rates.advanced_statewide.0,
        base_cents: rates.base.0,
        total_cents: districts
            .iter()
            .fold(Cents(0), |s, d| s.plus(Cents(d.due_cents)))
            .0,
        districts,
    })
}

/// The report with its fee section set.
pub fn with_fees(
    mut report: Report,
    schedule: Option<&FeeSchedule>,
    fall: &BTreeMap<DistrictCode, Fall>,
) -> Report {
    report.fees = fees(&report, schedule, fall);
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

fn year_text(r: &Report, f: &Fees) -> String {
    format!(
        "Billed for the school year {} on the spring statement: {} as its confirmation recorded it, {} as this report counts it",
        f.year,
        r.term.school_year().fall(),
        r.term
    )
}

/// One row of a district's fee: the label and its cells (counts, amount).
struct Row {
    label: String,
    counts: Option<FeeCounts>,
    amount: String,
    strong: bool,
}

fn rows(d: &DistrictFee) -> Vec<Row> {
    let mut out: Vec<Row> = d
        .terms
        .iter()
        .map(|t| match &*t.status {
            "confirmed" => Row {
                label: format!(
                    "{} (confirmation {})",
                    t.term,
                    t.confirmation.unwrap_or_default()
                ),
                counts: Some(t.counts),
                amount: Cents(t.amount_cents).to_string(),
                strong: false,
            },
            "unconfirmed" => Row {
                label: format!(
                    "{}: not confirmed, {} qualifying student(s): confirm it to bill them",
                    t.term, t.qualifying
                ),
                counts: None,
                amount: "not billed".to_string(),
                strong: false,
            },
            "no-qualifying" => Row {
                label: format!("{}: no qualifying students", t.term),
                counts: None,
                amount: Cents(0).to_string(),
                strong: false,
            },
            _ => Row {
                label: t.term.to_string(),
                counts: Some(t.counts),
                amount: Cents(t.amount_cents).to_string(),
                strong: false,
            },
        })
        .collect();
    if d.base_cents > 0 {
        out.push(Row {
            label: "base fee".to_string(),
            counts: None,
            amount: Cents(d.base_cents).to_string(),
            strong: false,
        });
    }
    out.push(Row {
        label: "due for the year".to_string(),
        counts: Some(d.counts),
        amount: Cents(d.due_cents).to_string(),
        strong: true,
    });
    out
}

fn count_cells(c: Option<FeeCounts>) -> [String; 3] {
    match c {
        Some(c) => [
            c.regional_core.to_string(),
            c.basic_statewide.to_string(),
            c.advanced_statewide.to_string(),
        ],
        None => Default::default(),
    }
}

/// The Markdown fee section.
pub fn markdown(o: &mut String, r: &Report, f: &Fees) {
    let _ = writeln!(o, "## Fees due to BRAC\n");
    let _ = writeln!(o, "{}.\n", year_text(r, f));
    let _ = writeln!(
        o,
        "Fee schedule {} (version {}): {}.\n",
        f.year,
        f.schedule,
        rates_text(f)
    );
    let _ = writeln!(
        o,
        "| District | Name | Term | Regional Core | Basic Statewide | Advanced Statewide | Fee |"
    );
    let _ = writeln!(o, "|---|---|---|--:|--:|--:|--:|");
    for d in &f.districts {
        let name = cell(name_of(r, &d.district));
        for row in rows(d) {
            let [a, b, c] = count_cells(row.counts);
            let (label, amount) = if row.strong {
                (format!("**{}**", row.label), format!("**{}**", row.amount))
            } else {
                (cell(&row.label), row.amount)
            };
            let _ = writeln!(
                o,
                "| {} | {name} | {label} | {a} | {b} | {c} | {amount} |",
                d.district
            );
        }
    }
    let _ = writeln!(o, "| **All** | | | | | | {} |\n", Cents(f.total_cents));
}

/// The HTML fee section.
pub fn html(o: &mut String, r: &Report, f: &Fees) {
    let _ = writeln!(
        o,
        "<section>\n<h2>Fees due to BRAC</h2>\n<p>{}.</p>\n<p>Fee schedule {} (version {}): {}.</p>",
        esc(&year_text(r, f)),
        f.year,
        f.schedule,
        esc(&rates_text(f))
    );
    o.push_str("<table>\n<tr><th>District</th><th>Name</th><th>Term</th><th>Regional Core</th><th>Basic Statewide</th><th>Advanced Statewide</th><th>Fee</th></tr>\n");
    for d in &f.districts {
        let name = esc(name_of(r, &d.district));
        for row in rows(d) {
            let [a, b, c] = count_cells(row.counts);
            let (open, close) = if row.strong {
                ("<th>", "</th>")
            } else {
                ("<td>", "</td>")
            };
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{name}</td>{open}{}{close}<td class=\"n\">{a}</td><td class=\"n\">{b}</td><td class=\"n\">{c}</td><td class=\"n\">{}</td></tr>",
                d.district,
                esc(&row.label),
                esc(&row.amount)
            );
        }
    }
    let _ = writeln!(
        o,
        "<tr><th colspan=\"6\">All</th><td class=\"n\">{}</td></tr>\n</table>\n</section>",
        Cents(f.total_cents)
    );
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::Date;
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
                status: "ok".into(),
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
            districts: vec![
                district("009", 0, 0),
                district("017", 4, 2),
                district("036", 0, 0),
                district("044", 0, 0),
            ],
            statewide: None,
            fees: None,
        }
    }

    use crate::domain::fee::example_schedule as schedule;

    fn fall() -> BTreeMap<DistrictCode, Fall> {
        let mut m = BTreeMap::new();
        m.insert(
            DistrictCode::parse("009").unwrap(),
            Fall::Confirmed(FeePart {
                term: "fall-2026".parse().unwrap(),
                confirmation_seq: 2,
                confirmation_sha256: "cd".repeat(32),
                counts: FeeCounts {
                    regional_core: 1,
                    ..FeeCounts::default()
                },
            }),
        );
        m.insert(
            DistrictCode::parse("036").unwrap(),
            Fall::Unconfirmed { qualifying: 3 },
        );
        m
    }

    #[test]
    fn a_spring_report_with_a_schedule_states_the_school_years_fee_per_district() {
        let r = with_fees(report("spring-2027"), Some(&schedule("2026-27")), &fall());
        let f = r.fees.clone().unwrap();
        let listed: Vec<String> = f.districts.iter().map(|d| d.district.to_string()).collect();
        assert_eq!(
            listed,
            ["009", "017", "036"],
            "044 has nobody in either term and owes nothing"
        );
        // 009: nobody in spring, one in the fall it confirmed.
        let d009 = &f.districts[0];
        assert_eq!(d009.terms[0].status, "confirmed");
        assert_eq!(d009.terms[0].amount_cents, 1000);
        assert_eq!(d009.terms[1].amount_cents, 0);
        assert_eq!((d009.base_cents, d009.due_cents), (5000, 6000));
        // 017: nobody in the fall, so nothing to confirm there.
        let d017 = &f.districts[1];
        assert_eq!(d017.terms[0].status, "no-qualifying");
        assert_eq!(d017.terms[1].status, "report");
        assert_eq!(d017.due_cents, 5000 + 4000 + 3000);
        // 036: a fall not confirmed is shown, not billed.
        let d036 = &f.districts[2];
        assert_eq!(d036.terms[0].status, "unconfirmed");
        assert_eq!(d036.terms[0].qualifying, 3);
        assert_eq!(d036.due_cents, 0);
        assert_eq!(f.total_cents, 18_000);
        let md = String::from_utf8(render(&r, Format::Markdown)).unwrap();
        assert!(md.contains("## Fees due to BRAC"), "{md}");
        for row in [
            "| 009 | District 009 | fall-2026 (confirmation 2) | 1 | 0 | 0 | $10.00 |",
            "| 009 | District 009 | spring-2027 | 0 | 0 | 0 | $0.00 |",
            "| 009 | District 009 | base fee |  |  |  | $50.00 |",
            "| 009 | District 009 | **due for the year** | 1 | 0 | 0 | **$60.00** |",
            "| 017 | District 017 | fall-2026: no qualifying students |  |  |  | $0.00 |",
            "| 017 | District 017 | spring-2027 | 4 | 2 | 0 | $70.00 |",
            "| 017 | District 017 | **due for the year** | 4 | 2 | 0 | **$120.00** |",
            "| 036 | District 036 | fall-2026: not confirmed, 3 qualifying student(s): confirm it to bill them |  |  |  | not billed |",
            "| **All** | | | | | | $180.00 |",
        ] {
            assert!(md.contains(row), "{row:?} not in {md}");
        }
        assert!(md.contains("base fee $50.00 per district"), "{md}");
        assert!(md.contains("Billed for the school year 2026-27 on the spring statement: fall-2026 as its confirmation recorded it, spring-2027 as this report counts it."), "{md}");
        let html = String::from_utf8(render(&r, Format::Html)).unwrap();
        assert!(html.contains("<h2>Fees due to BRAC</h2>"));
        assert!(html.contains("<th>due for the year</th><td class=\"n\">4</td><td class=\"n\">2</td><td class=\"n\">0</td><td class=\"n\">$120.00</td>"), "{html}");
        assert!(
            html.contains("<td>fall-2026 (confirmation 2)</td>"),
            "{html}"
        );
        let json: serde_json::Value = serde_json::from_slice(&render(&r, Format::Json)).unwrap();
        assert_eq!(json["fees"]["districts"][1]["due_cents"], 12_000);
        assert_eq!(
            json["fees"]["districts"][0]["terms"][0]["term"],
            "fall-2026"
        );
        assert_eq!(json["fees"]["districts"][0]["terms"][0]["confirmation"], 2);
    }

    #[test]
    fn no_fees_for_fall_another_year_or_no_schedule_and_never_in_the_hash() {
        let none = BTreeMap::new();
        assert_eq!(
            fees(&report("fall-2026"), Some(&schedule("2026-27")), &fall()),
            None
        );
        assert_eq!(
            fees(&report("spring-2027"), Some(&schedule("2025-26")), &none),
            None
        );
        assert_eq!(fees(&report("spring-2027"), None, &none), None);
        let plain = report("spring-2027");
        let priced = with_fees(plain.clone(), Some(&schedule("2026-27")), &fall());
        assert_eq!(hash(&plain), hash(&priced));
        let md = String::from_utf8(render(&plain, Format::Markdown)).unwrap();
        assert!(!md.contains("Fees due"));
        let json = String::from_utf8(render(&plain, Format::Json)).unwrap();
        assert!(!json.contains("\"fees\""));
    }
}
