//! One cell → one typed value, or a problem naming the column, the value seen
//! and what was expected (SPEC §2 items 5–11).

use unicode_normalization::UnicodeNormalization;

use super::columns::Col;
use super::read::{Cell, number_text};
use crate::domain::{Date, Field, Problem, ProblemCode, SchoolYear};

/// Where a cell is: enough to write a specific message.
pub struct At<'a> {
    /// The column (SPEC name).
    pub col: Col,
    /// The header as written in the file.
    pub header: &'a str,
    /// The column letter (`N`).
    pub letter: &'a str,
    /// Whether the file is CSV (digit-only fields count as numbers).
    pub csv: bool,
    /// The import's today.
    pub today: Date,
}

/// The earliest date accepted (SPEC §2 item 8).
pub const EARLIEST: Date = Date::constant(2016, 1, 1);

impl At<'_> {
    /// A problem with this cell.
    pub fn problem(&self, code: ProblemCode, cell: &Cell, what: &str, expected: &str) -> Problem {
        let value = (!cell.is_blank()).then(|| cell.shown());
        Problem::cell(
            code,
            self.col.name(),
            value,
            format!(
                "column {} \"{}\": {what}; expected {expected}",
                self.letter, self.header
            ),
        )
    }

    fn seen(&self, cell: &Cell) -> String {
        if cell.is_blank() {
            "blank".to_string()
        } else {
            format!("{:?}", cell.shown())
        }
    }

    fn required(&self, cell: &Cell) -> Problem {
        let what = if is_clear(cell) {
            "CLEAR cannot erase a required column".to_string()
        } else {
            "blank".to_string()
        };
        self.problem(
            ProblemCode::Required,
            cell,
            &what,
            "a value (required column)",
        )
    }

    /// Number-like: a numeric cell, or a CSV field of digits only.
    fn as_number(&self, cell: &Cell) -> Option<f64> {
        match cell {
            Cell::Number(n) => Some(*n),
            Cell::Text(s) if self.csv => {
                let t = s.trim();
                (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| t.parse::<f64>().ok())
                    .flatten()
            }
            _ => None,
        }
    }
}

/// Trims Unicode whitespace (U+00A0 included) and normalises to NFC.
pub fn clean(s: &str) -> String {
    let t = s.trim();
    // ASCII is already NFC: skip the normaliser for the common case.
    if t.is_ascii() {
        t.to_string()
    } else {
        t.nfc().collect()
    }
}

/// Whether the cell says `CLEAR` (any case).
pub fn is_clear(cell: &Cell) -> bool {
    matches!(cell, Cell::Text(s) if s.trim().eq_ignore_ascii_case("clear"))
}

/// A cell as text: cleaned text, whole numbers without `.0`, ISO dates.
pub fn text_of(cell: &Cell) -> String {
    match cell {
        Cell::Text(s) => clean(s),
        Cell::Number(n) => number_text(*n),
        other => other.shown(),
    }
}

/// Letters and digits only, lower-cased: how enumerations are compared.
pub fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Which identifier a code column holds.
#[derive(Debug, Clone, Copy)]
pub enum CodeKind {
    /// 10-digit Student ID.
    Student,
    /// 3-character District Code.
    District,
    /// 6-character School Code.
    School,
}

impl CodeKind {
    fn len(self) -> usize {
        match self {
            CodeKind::Student => 10,
            CodeKind::District => 3,
            CodeKind::School => 6,
        }
    }

    fn code(self) -> ProblemCode {
        match self {
            CodeKind::Student => ProblemCode::StudentId,
            CodeKind::District => ProblemCode::DistrictCode,
            CodeKind::School => ProblemCode::SchoolCode,
        }
    }

    fn expected(self) -> &'static str {
        match self {
            CodeKind::Student => {
                "a 10-digit state student ID (as a number, leading zeros may be lost)"
            }
            CodeKind::District => "a 3-character LEA code such as 017 or W3B",
            CodeKind::School => "a 6-character site code such as 017004 or W3B001",
        }
    }
}

/// A Student ID, District Code or School Code (SPEC §2 item 6): a number is
/// left-padded with zeros; text must already have the full length.
pub fn code(at: &At, cell: &Cell, kind: CodeKind) -> Result<String, Problem> {
    if cell.is_blank() || is_clear(cell) {
        return Err(at.required(cell));
    }
    let len = kind.len();
    let bad = |what: String| at.problem(kind.code(), cell, &what, kind.expected());
    let text = if let Some(n) = at.as_number(cell) {
        if n < 0.0 || n.fract() != 0.0 || n >= 10f64.powi(len as i32) {
            return Err(bad(format!(
                "the number {} does not fit {len} digits",
                number_text(n)
            )));
        }
        format!("{:0len$}", n as u64)
    } else {
        match cell {
            Cell::Text(s) => {
                let t = clean(s).to_uppercase();
                if t.chars().count() != len {
                    return Err(bad(format!(
                        "{} has {} characters, not {len}",
                        at.seen(cell),
                        t.chars().count()
                    )));
                }
                t
            }
            _ => return Err(bad(format!("{} is not a code", at.seen(cell)))),
        }
    };
    let ok = match kind {
        CodeKind::Student => text.bytes().all(|b| b.is_ascii_digit()),
        _ => text
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()),
    };
    if ok {
        Ok(text)
    } else {
        Err(bad(format!(
            "{} has characters other than {}",
            at.seen(cell),
            match kind {
                CodeKind::Student => "digits",
                _ => "letters and digits",
            }
        )))
    }
}

/// A required text value.
pub fn required_text(at: &At, cell: &Cell) -> Result<String, Problem> {
    if cell.is_blank() || is_clear(cell) {
        return Err(at.required(cell));
    }
    Ok(text_of(cell))
}

/// An optional text value: blank, `CLEAR`, or the text.
pub fn optional_text(cell: &Cell) -> Field<String> {
    if cell.is_blank() {
        Field::Blank
    } else if is_clear(cell) {
        Field::Clear
    } else {
        Field::Value(text_of(cell))
    }
}

/// A `;`-separated list; a non-empty cell replaces the stored list.
pub fn list(cell: &Cell) -> Field<Vec<String>> {
    match optional_text(cell) {
        Field::Value(t) => {
            let items: Vec<String> = t.split(';').map(clean).filter(|s| !s.is_empty()).collect();
            if items.is_empty() {
                Field::Blank
            } else {
                Field::Value(items)
            }
        }
        Field::Clear => Field::Clear,
        Field::Blank => Field::Blank,
    }
}

const GRADE_EXPECTED: &str = "a grade 9-12 (11, 11th, Grade 11, Gr. 11, 12th Grade, T9)";

/// A grade 9–12 (SPEC §2 item 7).
pub fn grade(at: &At, cell: &Cell) -> Result<u8, Problem> {
    if cell.is_blank() || is_clear(cell) {
        return Err(at.required(cell));
    }
    let bad = || {
        at.problem(
            ProblemCode::Grade,
            cell,
            &format!("{} is not a grade 9-12", at.seen(cell)),
            GRADE_EXPECTED,
        )
    };
    let n = match cell {
        Cell::Number(n) if n.fract() == 0.0 && (9.0..=12.0).contains(n) => *n as u8,
        Cell::Text(s) => parse_grade_text(&clean(s)).ok_or_else(bad)?,
        _ => return Err(bad()),
    };
    Ok(n)
}

fn parse_grade_text(s: &str) -> Option<u8> {
    let lower = s.to_lowercase();
    if lower == "t9" {
        return Some(9);
    }
    let mut rest = lower.as_str();
    for prefix in ["grade", "gr.", "gr"] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r.trim_start();
            break;
        }
    }
    let digits_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (digits, mut tail) = rest.split_at(digits_end);
    if digits.is_empty() || digits.len() > 2 {
        return None;
    }
    for suffix in ["st", "nd", "rd", "th"] {
        if let Some(r) = tail.strip_prefix(suffix) {
            tail = r;
            break;
        }
    }
    let tail = tail.trim();
    if !(tail.is_empty() || tail == "grade") {
        return None;
    }
    let n: u8 = digits.parse().ok()?;
    (9..=12).contains(&n).then_some(n)
}

const DATE_EXPECTED: &str = "a date (a date cell, 2026-10-05 or 10/5/2026)";

/// An Excel serial day number (from 1899-12-30).
fn serial_date(n: f64) -> Option<Date> {
    if !(1.0..2_958_466.0).contains(&n) {
        return None;
    }
    let days = n.floor() as i32;
    Date::constant(1899, 12, 30)
        .checked_add(jiff::Span::new().days(days))
        .ok()
}

fn parse_date_text(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        return s.parse::<Date>().ok();
    }
    let parts: Vec<&str> = s.split('/').collect();
    if let [m, d, y] = parts.as_slice() {
        let digits = |p: &str, lens: std::ops::RangeInclusive<usize>| {
            lens.contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit())
        };
        if digits(m, 1..=2) && digits(d, 1..=2) && digits(y, 4..=4) {
            return Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok();
        }
    }
    None
}

/// A date value with its warning, if any.
pub type DateValue = (Date, Option<Problem>);

/// A date cell (SPEC §2 item 8): blank and `CLEAR` are the caller's.
pub fn date_value(at: &At, cell: &Cell) -> Result<DateValue, Problem> {
    let bad = |what: String| at.problem(ProblemCode::Date, cell, &what, DATE_EXPECTED);
    let (date, warning) = if let Cell::Date(d) = cell {
        (*d, None)
    } else if let Some(n) = at.as_number(cell) {
        let d = serial_date(n)
            .ok_or_else(|| bad(format!("the number {} is not a date", number_text(n))))?;
        let w = at.problem(
            ProblemCode::SerialDate,
            cell,
            &format!(
                "the number {} read as the spreadsheet serial date {d}",
                number_text(n)
            ),
            "a date cell or date text; check the date",
        );
        (d, Some(w))
    } else if let Cell::Text(s) = cell {
        let t = clean(s);
        let d =
            parse_date_text(&t).ok_or_else(|| bad(format!("{} is not a date", at.seen(cell))))?;
        (d, None)
    } else {
        return Err(bad(format!("{} is not a date", at.seen(cell))));
    };
    if date > at.today {
        return Err(at.problem(
            ProblemCode::DateFuture,
            cell,
            &format!("{date} is after today ({})", at.today),
            &format!("a date on or before today ({})", at.today),
        ));
    }
    if date < EARLIEST {
        return Err(at.problem(
            ProblemCode::DateTooEarly,
            cell,
            &format!("{date} is before {EARLIEST}"),
            &format!("a date on or after {EARLIEST}"),
        ));
    }
    Ok((date, warning))
}

/// An optional date: blank, `CLEAR` or a date (with a warning for serials).
pub fn optional_date(at: &At, cell: &Cell) -> Result<(Field<Date>, Option<Problem>), Problem> {
    if cell.is_blank() {
        Ok((Field::Blank, None))
    } else if is_clear(cell) {
        Ok((Field::Clear, None))
    } else {
        date_value(at, cell).map(|(d, w)| (Field::Value(d), w))
    }
}

/// A required date.
pub fn required_date(at: &At, cell: &Cell) -> Result<DateValue, Problem> {
    if cell.is_blank() || is_clear(cell) {
        return Err(at.required(cell));
    }
    date_value(at, cell)
}

/// Y/N (SPEC §2 item 9): `Y Yes X True 1` / `N No False 0` in any case, and
/// boolean cells; blank is no information.
pub fn yes_no(at: &At, cell: &Cell) -> Result<Field<bool>, Problem> {
    if cell.is_blank() {
        return Ok(Field::Blank);
    }
    if is_clear(cell) {
        return Ok(Field::Clear);
    }
    let v = match cell {
        Cell::Bool(b) => Some(*b),
        Cell::Number(n) if *n == 1.0 => Some(true),
        Cell::Number(n) if *n == 0.0 => Some(false),
        Cell::Text(s) => match clean(s).to_lowercase().as_str() {
            "y" | "yes" | "x" | "true" | "1" => Some(true),
            "n" | "no" | "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    };
    v.map(Field::Value).ok_or_else(|| {
        at.problem(
            ProblemCode::YesNo,
            cell,
            &format!("{} is not yes or no", at.seen(cell)),
            "Y or N (Yes/No, X, True/False, 1/0)",
        )
    })
}

/// A required Y/N.
pub fn required_yes_no(at: &At, cell: &Cell) -> Result<bool, Problem> {
    match yes_no(at, cell)? {
        Field::Value(v) => Ok(v),
        _ => Err(at.required(cell)),
    }
}

/// One of a fixed set of words, compared ignoring case, spaces and
/// punctuation (SPEC §2 item 9).
pub fn choice<T: Copy>(
    at: &At,
    cell: &Cell,
    options: &[(&str, T)],
    code: ProblemCode,
) -> Result<T, Problem> {
    if cell.is_blank() || is_clear(cell) {
        return Err(at.required(cell));
    }
    let key = squash(&text_of(cell));
    options
        .iter()
        .find(|(name, _)| squash(name) == key)
        .map(|(_, v)| *v)
        .ok_or_else(|| {
            let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
            at.problem(
                code,
                cell,
                &format!("{} is not one of the allowed values", at.seen(cell)),
                &names.join(" or "),
            )
        })
}

/// A school year such as `2026-27`.
pub fn school_year(at: &At, cell: &Cell) -> Result<SchoolYear, Problem> {
    if cell.is_blank() || is_clear(cell) {
        return Err(at.required(cell));
    }
    text_of(cell).parse::<SchoolYear>().map_err(|_| {
        at.problem(
            ProblemCode::SchoolYear,
            cell,
            &format!("{} is not a school year", at.seen(cell)),
            "a school year such as 2026-27",
        )
    })
}

#[cfg(test)]
mod tests;
