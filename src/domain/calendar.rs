//! School years, terms and the grade/cohort arithmetic of SPEC §1.
//!
//! A school year runs July 1 – June 30 and is named by its two calendar years
//! (`2026-27`); `fall-YYYY` is Jul 1 – Dec 31 of YYYY and `spring-YYYY` is
//! Jan 1 – Jun 30 of YYYY.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A civil (time-zone free) date.
pub type Date = jiff::civil::Date;

/// Builds a date, `None` when it does not exist (Feb 30).
pub fn ymd(year: i16, month: i8, day: i8) -> Option<Date> {
    Date::new(year, month, day).ok()
}

/// A school year, identified by the calendar year in which it ends
/// (`2026-27` has `end == 2027`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SchoolYear {
    /// The calendar year of its June 30.
    pub end: i16,
}

impl SchoolYear {
    /// The school year containing `date`.
    pub fn of(date: Date) -> SchoolYear {
        if date.month() >= 7 {
            SchoolYear {
                end: date.year() + 1,
            }
        } else {
            SchoolYear { end: date.year() }
        }
    }

    /// July 1 of the starting calendar year.
    pub fn first_day(self) -> Date {
        Date::constant(self.end - 1, 7, 1)
    }

    /// June 30 of the ending calendar year.
    pub fn last_day(self) -> Date {
        Date::constant(self.end, 6, 30)
    }

    /// Its fall term.
    pub fn fall(self) -> Term {
        Term {
            season: Season::Fall,
            year: self.end - 1,
        }
    }

    /// Its spring term.
    pub fn spring(self) -> Term {
        Term {
            season: Season::Spring,
            year: self.end,
        }
    }
}

impl fmt::Display for SchoolYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.end - 1, self.end.rem_euclid(100))
    }
}

/// Why a school year or term did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a {1}")]
pub struct ParseCalendarError(String, &'static str);

impl FromStr for SchoolYear {
    type Err = ParseCalendarError;

    /// Parses `2026-27` (the second part must be the next year's last two
    /// digits; `2026-2027` is accepted too).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseCalendarError(s.to_string(), "school year like 2026-27");
        let (a, b) = s.trim().split_once(['-', '–', '/']).ok_or_else(err)?;
        if a.len() != 4 || !a.bytes().all(|c| c.is_ascii_digit()) {
            return Err(err());
        }
        let start: i16 = a.parse().map_err(|_| err())?;
        let end = start.checked_add(1).ok_or_else(err)?;
        let ok = match b.len() {
            2 => b.bytes().all(|c| c.is_ascii_digit()) && b == format!("{:02}", end % 100),
            4 => b == end.to_string(),
            _ => false,
        };
        if !ok || !(1900..=9000).contains(&start) {
            return Err(err());
        }
        Ok(SchoolYear { end })
    }
}

/// The half of a school year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Season {
    /// January 1 – June 30 (second half of a school year).
    Spring,
    /// July 1 – December 31 (first half of a school year).
    Fall,
}

/// A term: `fall-2026` or `spring-2027`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Term {
    /// Fall or spring.
    pub season: Season,
    /// The calendar year the term lies in.
    pub year: i16,
}

impl Term {
    /// The term containing `date`.
    pub fn of(date: Date) -> Term {
        let season = if date.month() >= 7 {
            Season::Fall
        } else {
            Season::Spring
        };
        Term {
            season,
            year: date.year(),
        }
    }

    /// The term's first day (Jul 1 or Jan 1).
    pub fn first_day(self) -> Date {
        match self.season {
            Season::Fall => Date::constant(self.year, 7, 1),
            Season::Spring => Date::constant(self.year, 1, 1),
        }
    }

    /// The term's last day (Dec 31 or Jun 30).
    pub fn last_day(self) -> Date {
        match self.season {
            Season::Fall => Date::constant(self.year, 12, 31),
            Season::Spring => Date::constant(self.year, 6, 30),
        }
    }

    /// The school year the term belongs to.
    pub fn school_year(self) -> SchoolYear {
        SchoolYear::of(self.first_day())
    }

    /// Whether `date` lies in the term (both ends inclusive).
    pub fn contains(self, date: Date) -> bool {
        self.first_day() <= date && date <= self.last_day()
    }

    /// The term before this one.
    pub fn previous(self) -> Term {
        match self.season {
            Season::Fall => Term {
                season: Season::Spring,
                year: self.year,
            },
            Season::Spring => Term {
                season: Season::Fall,
                year: self.year - 1,
            },
        }
    }
}

impl PartialOrd for Term {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Term {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.first_day().cmp(&other.first_day())
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self.season {
            Season::Fall => "fall",
            Season::Spring => "spring",
        };
        write!(f, "{s}-{}", self.year)
    }
}

impl FromStr for Term {
    type Err = ParseCalendarError;

    /// Parses `fall-2026` or `spring-2027` (any case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseCalendarError(s.to_string(), "term like fall-2026 or spring-2027");
        let lower = s.trim().to_ascii_lowercase();
        let (season, year) = lower.split_once('-').ok_or_else(err)?;
        let season = match season {
            "fall" => Season::Fall,
            "spring" => Season::Spring,
            _ => return Err(err()),
        };
        if year.len() != 4 || !year.bytes().all(|c| c.is_ascii_digit()) {
            return Err(err());
        }
        let year: i16 = year.parse().map_err(|_| err())?;
        if !(1900..=9000).contains(&year) {
            return Err(err());
        }
        Ok(Term { season, year })
    }
}

macro_rules! serde_via_display {
    ($t:ty) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
serde_via_display!(SchoolYear);
serde_via_display!(Term);

/// The cohort (expected graduation year) of a student reported in `grade`
/// during `term`: end year of the term's school year + (12 − grade).
pub fn cohort_for_grade(grade: u8, term: Term) -> i16 {
    term.school_year().end + 12 - i16::from(grade)
}

/// The grade of a student of `cohort` on `date`:
/// 12 − (cohort − end year of the date's school year). May be below 9 or past
/// 12 (graduated).
pub fn grade_on(cohort: i16, date: Date) -> i16 {
    12 - (cohort - SchoolYear::of(date).end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i16, m: i8, dd: i8) -> Date {
        Date::constant(y, m, dd)
    }

    #[test]
    fn school_year_boundaries() {
        assert_eq!(SchoolYear::of(d(2026, 6, 30)).to_string(), "2025-26");
        assert_eq!(SchoolYear::of(d(2026, 7, 1)).to_string(), "2026-27");
        assert_eq!(SchoolYear::of(d(2026, 12, 31)).to_string(), "2026-27");
        assert_eq!(SchoolYear::of(d(2027, 1, 1)).to_string(), "2026-27");
        assert_eq!(SchoolYear::of(d(1999, 8, 1)).to_string(), "1999-00");
        let y: SchoolYear = "2026-27".parse().unwrap();
        assert_eq!(y.end, 2027);
        assert_eq!(y.first_day(), d(2026, 7, 1));
        assert_eq!(y.last_day(), d(2027, 6, 30));
        assert_eq!("2026-2027".parse::<SchoolYear>().unwrap(), y);
        assert!("2026-28".parse::<SchoolYear>().is_err());
        assert!("2026".parse::<SchoolYear>().is_err());
        assert!("26-27".parse::<SchoolYear>().is_err());
    }

    #[test]
    fn term_boundaries() {
        assert_eq!(Term::of(d(2026, 6, 30)).to_string(), "spring-2026");
        assert_eq!(Term::of(d(2026, 7, 1)).to_string(), "fall-2026");
        assert_eq!(Term::of(d(2026, 12, 31)).to_string(), "fall-2026");
        assert_eq!(Term::of(d(2027, 1, 1)).to_string(), "spring-2027");
        let t: Term = "FALL-2026".parse().unwrap();
        assert_eq!(t.first_day(), d(2026, 7, 1));
        assert_eq!(t.last_day(), d(2026, 12, 31));
        assert_eq!(t.school_year().to_string(), "2026-27");
        let s: Term = "spring-2027".parse().unwrap();
        assert_eq!(s.school_year().to_string(), "2026-27");
        assert_eq!(s.previous(), t);
        assert_eq!(t.previous().to_string(), "spring-2026");
        assert!(t < s);
        assert!("winter-2026".parse::<Term>().is_err());
        assert!("fall-26".parse::<Term>().is_err());
    }

    #[test]
    fn cohort_and_grade() {
        let fall: Term = "fall-2026".parse().unwrap();
        let spring: Term = "spring-2026".parse().unwrap();
        // Grade 10 in fall-2026 graduates in 2029.
        assert_eq!(cohort_for_grade(10, fall), 2029);
        // Grade 10 in spring-2026 and grade 11 in fall-2026: the same cohort.
        assert_eq!(cohort_for_grade(10, spring), 2028);
        assert_eq!(cohort_for_grade(11, fall), 2028);
        assert_eq!(cohort_for_grade(12, fall), 2027);
        assert_eq!(cohort_for_grade(9, fall), 2030);
        // June 30 is still the old grade; July 1 the next.
        assert_eq!(grade_on(2028, d(2026, 6, 30)), 10);
        assert_eq!(grade_on(2028, d(2026, 7, 1)), 11);
        assert_eq!(grade_on(2027, d(2027, 6, 30)), 12);
        assert_eq!(grade_on(2027, d(2027, 7, 1)), 13);
        assert_eq!(grade_on(2030, d(2026, 12, 31)), 9);
        assert_eq!(grade_on(2030, d(2027, 1, 1)), 9);
    }

    #[test]
    fn serde_as_text() {
        let t: Term = "fall-2026".parse().unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), "\"fall-2026\"");
        let y: SchoolYear = serde_json::from_str("\"2025-26\"").unwrap();
        assert_eq!(y.end, 2026);
    }

    proptest::proptest! {
        #[test]
        fn grade_cohort_round_trip(grade in 9u8..=12, year in 2000i16..2100, fall: bool) {
            let term = Term { season: if fall { Season::Fall } else { Season::Spring }, year };
            let cohort = cohort_for_grade(grade, term);
            proptest::prop_assert_eq!(grade_on(cohort, term.first_day()), i16::from(grade));
            proptest::prop_assert_eq!(grade_on(cohort, term.last_day()), i16::from(grade));
            proptest::prop_assert_eq!(term.to_string().parse::<Term>().unwrap(), term);
            let sy = term.school_year();
            proptest::prop_assert_eq!(sy.to_string().parse::<SchoolYear>().unwrap(), sy);
        }
    }
}
