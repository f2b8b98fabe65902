//! A tiny civil-date type for the generator: days since 1970-01-01, so random
//! dates are integer ranges. Converted to text or to an Excel date only when
//! written.

use std::fmt;

/// A civil date as a day number (0 = 1970-01-01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i32);

impl Day {
    /// The day of a (valid) year, month and day; Howard Hinnant's
    /// `days_from_civil`.
    pub const fn ymd(y: i32, m: u32, d: u32) -> Day {
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m as i32 + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Day(era * 146_097 + doe - 719_468)
    }

    /// Year, month, day (`civil_from_days`).
    pub fn parts(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + i32::from(m <= 2);
        (y, m, d)
    }

    /// The calendar year in which this date's school year (Jul 1 – Jun 30) ends.
    pub fn school_year_end(self) -> i32 {
        let (y, m, _) = self.parts();
        if m >= 7 { y + 1 } else { y }
    }

    /// US text `M/D/YYYY` (no zero padding), as many schools type it.
    pub fn us(self) -> String {
        let (y, m, d) = self.parts();
        format!("{m}/{d}/{y}")
    }

    /// Day of the week, 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday).
    pub fn weekday(self) -> i32 {
        (self.0 + 4).rem_euclid(7)
    }

    /// This date `n` days later (earlier when negative).
    pub fn plus(self, n: i32) -> Day {
        Day(self.0 + n)
    }
}

impl fmt::Display for Day {
    /// ISO `YYYY-MM-DD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.parts();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_formats() {
        assert_eq!(Day::ymd(1970, 1, 1), Day(0));
        for n in Day::ymd(2015, 12, 1).0..Day::ymd(2027, 3, 1).0 {
            let (y, m, d) = Day(n).parts();
            assert_eq!(Day::ymd(y, m, d), Day(n));
        }
        let d = Day::ymd(2026, 3, 5);
        assert_eq!(d.to_string(), "2026-03-05");
        assert_eq!(d.us(), "3/5/2026");
        assert_eq!(Day::ymd(2024, 2, 28).plus(1).to_string(), "2024-02-29");
        assert_eq!(Day::ymd(2026, 12, 4).weekday(), 5, "a Friday");
        assert_eq!(Day::ymd(2026, 12, 6).weekday(), 0, "a Sunday");
    }

    #[test]
    fn school_year_turns_on_july_first() {
        assert_eq!(Day::ymd(2026, 6, 30).school_year_end(), 2026);
        assert_eq!(Day::ymd(2026, 7, 1).school_year_end(), 2027);
    }
}
