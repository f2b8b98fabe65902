//! The error return file (SPEC §4): the district's own rows written back, a
//! CSV upload as CSV and every other format as .xlsx, with an `Errors`
//! column saying in plain words what is wrong in each row, so the district
//! can fix and re-upload the same file (the importer ignores `Errors`).

use std::collections::HashMap;
use std::path::Path;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use super::columns::header_key;
use super::read::{Cell, Table};
use super::values::text_of;
use crate::domain::{Problem, RowResult, Severity};

/// Why the return file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReturnFileError {
    /// Writing the CSV failed.
    #[error("cannot write {path}: {source}")]
    Csv {
        /// The output path.
        path: String,
        /// What failed.
        source: csv::Error,
    },
    /// Writing the workbook failed.
    #[error("cannot write {path}: {source}")]
    Xlsx {
        /// The output path.
        path: String,
        /// What failed.
        source: rust_xlsxwriter::XlsxError,
    },
}

/// One problem in plain words: `Grade: "13" is not a grade 9-12; expected …`.
fn words(p: &Problem) -> String {
    let text = match p.message.split_once(": ") {
        // Drop the `column M "Header"` prefix: the column name says it.
        Some((head, rest)) if head.starts_with("column ") => rest.to_string(),
        _ => p.message.clone(),
    };
    let lead = match p.severity {
        Severity::Error => "",
        Severity::Warning => "warning: ",
    };
    match &p.column {
        Some(c) => format!("{lead}{c}: {text}"),
        None => format!("{lead}{text}"),
    }
}

/// The `Errors` text of each row number that has problems.
fn messages(results: &[RowResult]) -> HashMap<u32, String> {
    results
        .iter()
        .filter(|r| !r.problems.is_empty())
        .map(|r| {
            let text: Vec<String> = r.problems.iter().map(words).collect();
            (r.row, text.join("; "))
        })
        .collect()
}

/// Where the `Errors` column goes: over an existing one, else after the last
/// column the sheet uses.
fn errors_column(table: &Table, header: usize) -> usize {
    let existing = table
        .rows
        .get(header)
        .and_then(|row| row.iter().position(|c| header_key(&text_of(c)) == "errors"));
    existing.unwrap_or_else(|| table.rows.iter().map(Vec::len).max().unwrap_or(0))
}

/// Writes the return file of `table` to `out` (see [`bytes`]).
pub fn write(
    out: &Path,
    table: &Table,
    header: usize,
    results: &[RowResult],
) -> Result<(), ReturnFileError> {
    let bytes = bytes(out, table, header, results)?;
    std::fs::write(out, bytes).map_err(|e| ReturnFileError::Csv {
        path: out.display().to_string(),
        source: e.into(),
    })
}

/// The bytes of the return file of `table`: CSV for a CSV upload, else an
/// .xlsx workbook (`out` names it in errors).
pub fn bytes(
    out: &Path,
    table: &Table,
    header: usize,
    results: &[RowResult],
) -> Result<Vec<u8>, ReturnFileError> {
    let msgs = messages(results);
    let col = errors_column(table, header);
    let errors_for = |i: usize| -> Option<&String> {
        if i == header {
            return None;
        }
        msgs.get(&table.row_number(i))
    };
    if table.is_csv() {
        write_csv(out, table, header, col, errors_for)
    } else {
        write_xlsx(out, table, header, col, errors_for)
    }
}

fn write_csv<'a>(
    out: &Path,
    table: &Table,
    header: usize,
    col: usize,
    errors_for: impl Fn(usize) -> Option<&'a String>,
) -> Result<Vec<u8>, ReturnFileError> {
    let err = |source| ReturnFileError::Csv {
        path: out.display().to_string(),
        source,
    };
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for (i, row) in table.rows.iter().enumerate() {
        let mut fields: Vec<String> = row.iter().map(Cell::shown).collect();
        let value = if i == header {
            Some("Errors".to_string())
        } else {
            errors_for(i).cloned()
        };
        if let Some(v) = value {
            if fields.len() <= col {
                fields.resize(col + 1, String::new());
            }
            fields[col] = v;
        } else if fields.len() > col {
            fields[col] = String::new();
        }
        w.write_record(&fields).map_err(err)?;
    }
    w.into_inner().map_err(|e| err(e.into_error().into()))
}

fn write_xlsx<'a>(
    out: &Path,
    table: &Table,
    header: usize,
    col: usize,
    errors_for: impl Fn(usize) -> Option<&'a String>,
) -> Result<Vec<u8>, ReturnFileError> {
    let err = |source| ReturnFileError::Xlsx {
        path: out.display().to_string(),
        source,
    };
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("m/d/yyyy");
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name(&table.name).map_err(err)?;
    let c16 = |c: usize| u16::try_from(c).unwrap_or(u16::MAX);
    for (i, row) in table.rows.iter().enumerate() {
        let r = u32::try_from(i).unwrap_or(u32::MAX);
        for (c, cell) in row.iter().enumerate() {
            if c == col {
                continue;
            }
            let c = c16(c);
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    ws.write_string(r, c, s).map_err(err)?;
                }
                Cell::Number(n) => {
                    ws.write_number(r, c, *n).map_err(err)?;
                }
                Cell::Bool(b) => {
                    ws.write_boolean(r, c, *b).map_err(err)?;
                }
                Cell::Date(d) => {
                    let dt = ExcelDateTime::from_ymd(
                        u16::try_from(d.year()).unwrap_or(1900),
                        u8::try_from(d.month()).unwrap_or(1),
                        u8::try_from(d.day()).unwrap_or(1),
                    )
                    .map_err(err)?;
                    ws.write_datetime_with_format(r, c, &dt, &date)
                        .map_err(err)?;
                }
                Cell::Error(e) => {
                    ws.write_string(r, c, e).map_err(err)?;
                }
            }
        }
        if i == header {
            ws.write_string_with_format(r, c16(col), "Errors", &bold)
                .map_err(err)?;
        } else if let Some(text) = errors_for(i) {
            ws.write_string(r, c16(col), text).map_err(err)?;
        }
    }
    wb.save_to_buffer().map_err(err)
}
