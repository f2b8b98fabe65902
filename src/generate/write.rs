//! Writes the generated data: completions as .csv and .xlsx (same rows), and
//! the state-wide CSV files. Headers are the SPEC §2 column names exactly.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

use super::day::Day;

/// The completion template's columns (SPEC §2), in order.
pub const COMPLETION_HEADER: [&str; 17] = crate::domain::COMPLETION_COLUMNS;

/// districts.csv columns.
pub const DISTRICTS_HEADER: [&str; 7] = [
    "District Code",
    "District Name",
    "Kind",
    "Client",
    "Agreement Year",
    "Agreement Signed",
    "Agreement Type",
];

/// exam-results.csv columns.
pub const EXAM_HEADER: [&str; 5] = ["Student ID", "Exam Date", "Score", "Result", "Provider"];

/// statewide.csv columns.
pub const STATEWIDE_HEADER: [&str; 4] = ["Student ID", "Credential", "Attempted", "Attained"];

/// One cell of a completions row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    /// Text (codes and IDs included, so leading zeros stay).
    Text(&'a str),
    /// Owned text.
    Owned(String),
    /// A number (the grade).
    Number(u8),
    /// A date.
    Date(Day),
    /// Nothing.
    Blank,
}

/// One completions row, in `COMPLETION_HEADER` order.
pub type Row<'a> = [Cell<'a>; 17];

/// The creation time stamped into every workbook, so bytes depend on the seed only.
fn properties() -> anyhow::Result<DocProperties> {
    let when = ExcelDateTime::from_ymd(2026, 12, 4)?.and_hms(8, 0, 0)?;
    Ok(DocProperties::new().set_creation_datetime(&when))
}

/// Writes `rows` as a one-sheet workbook named "Completions".
pub fn completions_xlsx(path: &Path, rows: &[Row<'_>]) -> anyhow::Result<()> {
    let mut book = Workbook::new();
    book.set_properties(&properties()?);
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("m/d/yyyy");
    let sheet = book.add_worksheet();
    sheet.set_name("Completions")?;
    for (c, h) in COMPLETION_HEADER.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
        let width = if matches!(c, 2 | 15 | 16) { 30.0 } else { 14.0 };
        sheet.set_column_width(c as u16, width)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(t) => {
                    sheet.write_string(r, c, *t)?;
                }
                Cell::Owned(t) => {
                    sheet.write_string(r, c, t)?;
                }
                Cell::Number(n) => {
                    sheet.write_number(r, c, f64::from(*n))?;
                }
                Cell::Date(d) => {
                    let (y, m, dd) = d.parts();
                    let when = ExcelDateTime::from_ymd(y as u16, m as u8, dd as u8)?;
                    sheet.write_datetime_with_format(r, c, &when, &date)?;
                }
                Cell::Blank => {}
            }
        }
    }
    book.save(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Writes `rows` as CSV, dates as ISO or as `M/D/YYYY` (`us_dates`).
pub fn completions_csv(path: &Path, rows: &[Row<'_>], us_dates: bool) -> anyhow::Result<()> {
    let mut w = csv_writer(path)?;
    w.write_record(COMPLETION_HEADER)?;
    let mut fields: Vec<String> = Vec::with_capacity(17);
    for row in rows {
        fields.clear();
        fields.extend(row.iter().map(|cell| match cell {
            Cell::Text(t) => (*t).to_string(),
            Cell::Owned(t) => t.clone(),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) if us_dates => d.us(),
            Cell::Date(d) => d.to_string(),
            Cell::Blank => String::new(),
        }));
        w.write_record(&fields)?;
    }
    finish(w, path)
}

/// A CSV writer on a buffered new file.
pub fn csv_writer(path: &Path) -> anyhow::Result<csv::Writer<BufWriter<File>>> {
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    Ok(csv::Writer::from_writer(BufWriter::with_capacity(
        1 << 16,
        file,
    )))
}

/// Flushes a CSV writer to disk.
pub fn finish(w: csv::Writer<BufWriter<File>>, path: &Path) -> anyhow::Result<()> {
    let mut inner = w
        .into_inner()
        .map_err(|e| anyhow::anyhow!("writing {}: {}", path.display(), e.error()))?;
    inner
        .flush()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
