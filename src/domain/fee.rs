//! Fees (issue 8, policy "Relevant Procedures": each spring the district
//! confirms its report and remits fees to BRAC, which invoices). Money is in
//! whole cents, never floating point; a fee schedule per school year; a fee
//! statement per district and spring term, with the number BRAC bills under.
//! A spring statement bills the whole school year: what the district's fall
//! confirmation recorded plus what its spring confirmation recorded (the
//! semester report counts only credentials attained within its own term).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::calendar::{Date, SchoolYear, Season, Term};
use super::ids::DistrictCode;
use super::records::Credential;

/// An amount of money in US cents.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Cents(pub u64);

/// The largest amount a fee field accepts: $1,000,000.00 (a typo guard).
pub const MAX_FEE: Cents = Cents(100_000_000);

impl Cents {
    /// Parses `12.50`, `12`, `$12.50`, `12.5` or `1,200.00` exactly; anything
    /// else (a negative amount, more than two decimals, letters, more than
    /// [`MAX_FEE`]) is refused with a message naming the value.
    pub fn parse(text: &str) -> Result<Cents, String> {
        let err = || {
            format!(
                "{text:?} is not an amount of money: expected dollars and cents like 12.50, 12 or $12.50 (at most {MAX_FEE})"
            )
        };
        let t = text.trim();
        let t = t.strip_prefix('$').unwrap_or(t).replace(',', "");
        let (whole, frac) = match t.split_once('.') {
            Some((w, f)) => (w, f),
            None => (t.as_str(), ""),
        };
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() && frac.is_empty()
            || !digits(whole)
            || !digits(frac)
            || frac.len() > 2
            || whole.len() > 9
            || (t.contains('.') && frac.is_empty())
        {
            return Err(err());
        }
        let dollars: u64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| err())?
        };
        let cents: u64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<u64>().map_err(|_| err())? * 10,
            _ => frac.parse().map_err(|_| err())?,
        };
        let c = Cents(dollars * 100 + cents);
        if c > MAX_FEE {
            return Err(err());
        }
        Ok(c)
    }

    /// `self × n`, saturating.
    pub fn times(self, n: u64) -> Cents {
        Cents(self.0.saturating_mul(n))
    }

    /// `self + o`, saturating.
    pub fn plus(self, o: Cents) -> Cents {
        Cents(self.0.saturating_add(o.0))
    }

    /// Without the dollar sign: `1234.50`.
    pub fn plain(self) -> String {
        format!("{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl fmt::Display for Cents {
    /// `$1,234.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dollars = (self.0 / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in dollars.chars().enumerate() {
            if i > 0 && (dollars.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        write!(f, "${grouped}.{:02}", self.0 % 100)
    }
}

/// What is billed per qualifying student per credential, and per district.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeRates {
    /// Per student with Regional Core attained within the term.
    pub regional_core: Cents,
    /// Per student with Basic Statewide.
    pub basic_statewide: Cents,
    /// Per student with Advanced Statewide.
    pub advanced_statewide: Cents,
    /// Per district billed, whatever its count (zero: none).
    pub base: Cents,
}

impl FeeRates {
    /// The rate of one credential.
    pub fn of(&self, c: Credential) -> Cents {
        match c {
            Credential::RegionalCore => self.regional_core,
            Credential::BasicStatewide => self.basic_statewide,
            Credential::AdvancedStatewide => self.advanced_statewide,
        }
    }
}

/// A school year's fee schedule as set by an operator. Each `fees set` is
/// kept (numbered per year), so the history of rates stays auditable; the
/// year's schedule is the newest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeSchedule {
    /// The school year.
    pub year: SchoolYear,
    /// 1 for the year's first schedule, then counting up (set by the store).
    pub seq: u32,
    /// The rates.
    pub rates: FeeRates,
    /// The OS user who set it.
    pub by: String,
    /// When (RFC 3339 UTC).
    pub at: String,
}

/// Qualifying students per credential, as a confirmation recorded them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeCounts {
    /// Regional Core.
    pub regional_core: u64,
    /// Basic Statewide.
    pub basic_statewide: u64,
    /// Advanced Statewide.
    pub advanced_statewide: u64,
}

impl FeeCounts {
    /// The count of one credential.
    pub fn of(&self, c: Credential) -> u64 {
        match c {
            Credential::RegionalCore => self.regional_core,
            Credential::BasicStatewide => self.basic_statewide,
            Credential::AdvancedStatewide => self.advanced_statewide,
        }
    }
}

impl FeeCounts {
    /// `self + o` per credential, saturating.
    pub fn plus(&self, o: &FeeCounts) -> FeeCounts {
        FeeCounts {
            regional_core: self.regional_core.saturating_add(o.regional_core),
            basic_statewide: self.basic_statewide.saturating_add(o.basic_statewide),
            advanced_statewide: self.advanced_statewide.saturating_add(o.advanced_statewide),
        }
    }

    /// Whether no student qualified (nothing is billed, not even the base fee).
    pub fn is_empty(&self) -> bool {
        self.regional_core == 0 && self.basic_statewide == 0 && self.advanced_statewide == 0
    }
}

/// The credentials in bill order.
pub const FEE_CREDENTIALS: [Credential; 3] = [
    Credential::RegionalCore,
    Credential::BasicStatewide,
    Credential::AdvancedStatewide,
];

/// The fee due for `counts` under `rates`: each credential's count × its
/// rate, plus the base fee — nothing at all for a district with no
/// qualifying student (it has nothing to bill for).
pub fn fee_due(rates: &FeeRates, counts: &FeeCounts) -> Cents {
    if counts.is_empty() {
        return Cents(0);
    }
    FEE_CREDENTIALS.iter().fold(rates.base, |sum, c| {
        sum.plus(rates.of(*c).times(counts.of(*c)))
    })
}

/// One term's part of a statement: the confirmation it bills and the
/// counts that confirmation recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeePart {
    /// The term confirmed.
    pub term: Term,
    /// The confirmation billed (its seq in the term).
    pub confirmation_seq: u32,
    /// That confirmation's report hash.
    pub confirmation_sha256: String,
    /// The counts it recorded.
    pub counts: FeeCounts,
}

/// BRAC's invoice of a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeInvoice {
    /// BRAC's invoice number.
    pub reference: String,
    /// Who recorded it.
    pub by: String,
    /// When (RFC 3339 UTC).
    pub at: String,
}

/// The district's payment of a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeePayment {
    /// The day paid.
    pub date: Date,
    /// Who recorded it.
    pub by: String,
    /// When (RFC 3339 UTC).
    pub at: String,
}

/// Where a statement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FeeState {
    /// Written for BRAC, not yet invoiced.
    Issued,
    /// BRAC invoiced it.
    Invoiced,
    /// The district paid.
    Paid,
}

impl FeeState {
    /// `issued`, `invoiced` or `paid`.
    pub fn as_str(self) -> &'static str {
        match self {
            FeeState::Issued => "issued",
            FeeState::Invoiced => "invoiced",
            FeeState::Paid => "paid",
        }
    }
}

/// A fee statement: what BRAC bills one district for one school year,
/// issued in its spring term, from the counts the district confirmed for
/// the fall and the spring terms and the year's schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeStatement {
    /// Its stable number ([`statement_number`]).
    pub number: String,
    /// The district.
    pub district: DistrictCode,
    /// Its name when issued (blank without a district record).
    pub district_name: String,
    /// The spring term.
    pub term: Term,
    /// The spring confirmation it bills (its seq in the term).
    pub confirmation_seq: u32,
    /// That confirmation's report hash.
    pub confirmation_sha256: String,
    /// The counts the spring confirmation recorded.
    pub counts: FeeCounts,
    /// The fall confirmation of the same school year it bills too; `None`
    /// when the fall term had no qualifying student (nothing to confirm or
    /// bill).
    #[serde(default)]
    pub fall: Option<FeePart>,
    /// The schedule's seq in its year.
    pub schedule_seq: u32,
    /// The rates billed.
    pub rates: FeeRates,
    /// The day it was issued.
    pub issued: Date,
    /// Who issued it.
    pub by: String,
    /// When (RFC 3339 UTC).
    pub at: String,
    /// BRAC's invoice, once recorded.
    pub invoice: Option<FeeInvoice>,
    /// The payment, once recorded.
    pub payment: Option<FeePayment>,
}

impl FeeStatement {
    /// The fall term of the statement's school year.
    pub fn fall_term(&self) -> Term {
        self.term.school_year().fall()
    }

    /// The counts billed over the school year: fall plus spring.
    pub fn year_counts(&self) -> FeeCounts {
        match &self.fall {
            Some(f) => f.counts.plus(&self.counts),
            None => self.counts,
        }
    }

    /// The amount due: the year's counts priced once (one base fee).
    pub fn total(&self) -> Cents {
        fee_due(&self.rates, &self.year_counts())
    }

    /// Where it stands.
    pub fn state(&self) -> FeeState {
        match (&self.invoice, &self.payment) {
            (_, Some(_)) => FeeState::Paid,
            (Some(_), None) => FeeState::Invoiced,
            (None, None) => FeeState::Issued,
        }
    }

    /// Whether it is still to be paid.
    pub fn is_outstanding(&self) -> bool {
        self.payment.is_none()
    }
}

/// What the districts still owe: statements issued or invoiced, not paid.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outstanding {
    /// How many statements.
    pub statements: usize,
    /// Their total.
    pub total: Cents,
}

impl Outstanding {
    /// Counts the statements not yet paid.
    pub fn of(statements: &[FeeStatement]) -> Outstanding {
        statements
            .iter()
            .filter(|s| s.is_outstanding())
            .fold(Outstanding::default(), |o, s| Outstanding {
                statements: o.statements + 1,
                total: o.total.plus(s.total()),
            })
    }
}

/// The stable number of a district's statement for a spring term:
/// `FEE-2027S-017`. `None` for a fall term (fees are billed each spring).
pub fn statement_number(term: Term, district: &DistrictCode) -> Option<String> {
    (term.season == Season::Spring).then(|| format!("FEE-{}S-{district}", term.year))
}

/// The term and district a statement number names (any case, surrounding
/// blanks ignored), or `None` when it is not one.
pub fn parse_statement_number(text: &str) -> Option<(Term, DistrictCode)> {
    let t = text.trim().to_ascii_uppercase();
    let rest = t.strip_prefix("FEE-")?;
    let (year, district) = rest.split_once("S-")?;
    let term: Term = format!("spring-{year}").parse().ok()?;
    let district = DistrictCode::parse(district)?;
    Some((term, district))
}

/// A schedule for tests: $10 per Regional Core, $15 per Basic and $20
/// per Advanced Statewide, $50 base, for school year `year` (`2026-27`).
#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) fn example_schedule(year: &str) -> FeeSchedule {
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_exactly_or_are_refused() {
        assert_eq!(Cents::parse("12.50"), Ok(Cents(1250)));
        assert_eq!(Cents::parse("12"), Ok(Cents(1200)));
        assert_eq!(Cents::parse("$12.50"), Ok(Cents(1250)));
        assert_eq!(Cents::parse(" 12.5 "), Ok(Cents(1250)));
        assert_eq!(Cents::parse("0"), Ok(Cents(0)));
        assert_eq!(Cents::parse(".75"), Ok(Cents(75)));
        assert_eq!(Cents::parse("1,200.00"), Ok(Cents(120_000)));
        assert_eq!(Cents::parse("0.10"), Ok(Cents(10)));
        for bad in [
            "",
            "-1",
            "12.505",
            "12.",
            "abc",
            "12,50x",
            "1e3",
            "$",
            ".",
            "$-3",
            "12.5.0",
            "1000000.01",
            "99999999999",
        ] {
            let e = Cents::parse(bad).unwrap_err();
            assert!(e.contains(&format!("{bad:?}")), "{e}");
            assert!(e.contains("expected dollars and cents"), "{e}");
        }
        assert_eq!(Cents::parse("1000000"), Ok(MAX_FEE));
    }

    #[test]
    fn amounts_print_as_dollars() {
        assert_eq!(Cents(0).to_string(), "$0.00");
        assert_eq!(Cents(5).to_string(), "$0.05");
        assert_eq!(Cents(123_456_789).to_string(), "$1,234,567.89");
        assert_eq!(Cents(100_000).to_string(), "$1,000.00");
        assert_eq!(Cents(99_999).plain(), "999.99");
        for c in [0, 1, 99, 1250, 100_000, 12_345_678] {
            assert_eq!(Cents::parse(&Cents(c).to_string()), Ok(Cents(c)));
        }
    }

    #[test]
    fn the_fee_is_counts_times_rates_plus_base() {
        let rates = FeeRates {
            regional_core: Cents(1000),
            basic_statewide: Cents(1500),
            advanced_statewide: Cents(2000),
            base: Cents(5000),
        };
        let counts = FeeCounts {
            regional_core: 3,
            basic_statewide: 2,
            advanced_statewide: 1,
        };
        assert_eq!(fee_due(&rates, &counts), Cents(5000 + 3000 + 3000 + 2000));
        assert_eq!(fee_due(&rates, &FeeCounts::default()), Cents(0));
        let one = FeeCounts {
            advanced_statewide: 1,
            ..FeeCounts::default()
        };
        assert_eq!(fee_due(&rates, &one), Cents(7000));
        let huge = FeeCounts {
            regional_core: u64::MAX,
            ..FeeCounts::default()
        };
        assert_eq!(fee_due(&rates, &huge), Cents(u64::MAX));
    }

    #[test]
    fn statement_numbers_are_stable_and_read_back() {
        let d = DistrictCode::parse("017").unwrap();
        let spring: Term = "spring-2027".parse().unwrap();
        assert_eq!(
            statement_number(spring, &d).as_deref(),
            Some("FEE-2027S-017")
        );
        assert_eq!(statement_number("fall-2026".parse().unwrap(), &d), None);
        assert_eq!(parse_statement_number(" fee-2027s-017 "), Some((spring, d)));
        for bad in [
            "FEE-2027F-017",
            "FEE-27S-017",
            "2027S-017",
            "FEE-2027S-1",
            "FEE-2027S-",
        ] {
            assert_eq!(parse_statement_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_statement_moves_issued_invoiced_paid() {
        let mut s = FeeStatement {
            number: "FEE-2027S-017".into(),
            district: DistrictCode::parse("017").unwrap(),
            district_name: String::new(),
            term: "spring-2027".parse().unwrap(),
            confirmation_seq: 1,
            confirmation_sha256: String::new(),
            counts: FeeCounts::default(),
            fall: None,
            schedule_seq: 1,
            rates: FeeRates::default(),
            issued: Date::constant(2027, 6, 1),
            by: "op".into(),
            at: "t".into(),
            invoice: None,
            payment: None,
        };
        assert_eq!(s.state(), FeeState::Issued);
        assert!(s.is_outstanding());
        s.invoice = Some(FeeInvoice {
            reference: "BRAC-1".into(),
            by: "op".into(),
            at: "t".into(),
        });
        assert_eq!(s.state().as_str(), "invoiced");
        s.payment = Some(FeePayment {
            date: Date::constant(2027, 7, 1),
            by: "op".into(),
            at: "t".into(),
        });
        assert_eq!(s.state(), FeeState::Paid);
        assert!(!s.is_outstanding());
        let mut open = s.clone();
        open.payment = None;
        open.counts.regional_core = 2;
        open.rates.regional_core = Cents(1000);
        let o = Outstanding::of(&[s, open.clone(), open]);
        assert_eq!((o.statements, o.total), (2, Cents(4000)));
    }

    #[test]
    fn a_statement_bills_fall_plus_spring_with_one_base_fee() {
        let spring: Term = "spring-2027".parse().unwrap();
        let mut s = FeeStatement {
            number: "FEE-2027S-017".into(),
            district: DistrictCode::parse("017").unwrap(),
            district_name: String::new(),
            term: spring,
            confirmation_seq: 2,
            confirmation_sha256: String::new(),
            counts: FeeCounts {
                regional_core: 2,
                basic_statewide: 1,
                advanced_statewide: 0,
            },
            fall: None,
            schedule_seq: 1,
            rates: FeeRates {
                regional_core: Cents(1000),
                basic_statewide: Cents(1500),
                advanced_statewide: Cents(2000),
                base: Cents(5000),
            },
            issued: Date::constant(2027, 6, 1),
            by: "op".into(),
            at: "t".into(),
            invoice: None,
            payment: None,
        };
        assert_eq!(s.fall_term().to_string(), "fall-2026");
        assert_eq!(s.total(), Cents(5000 + 2000 + 1500));
        s.fall = Some(FeePart {
            term: s.fall_term(),
            confirmation_seq: 1,
            confirmation_sha256: String::new(),
            counts: FeeCounts {
                regional_core: 3,
                basic_statewide: 0,
                advanced_statewide: 1,
            },
        });
        assert_eq!(
            s.year_counts(),
            FeeCounts {
                regional_core: 5,
                basic_statewide: 1,
                advanced_statewide: 1,
            }
        );
        assert_eq!(s.total(), Cents(5000 + 5000 + 1500 + 2000));
        // Spring with nobody still bills a fall with students (and the base).
        s.counts = FeeCounts::default();
        assert_eq!(s.total(), Cents(5000 + 3000 + 2000));
    }
}
