//! Sheet choice, header row, and rows → typed [`StagedRow`]s with their
//! problems (SPEC §2 items 1–13 that need only the file).

use std::collections::HashMap;

use super::columns::{Col, column_letter, columns, guess_kind, header_key, match_header};
use super::read::{Cell, Table, Workbook};
use super::values::{self as v, At, CodeKind, text_of};
use crate::domain::{
    Agreement, AgreementType, BatchKind, CertificateRow, CompletionRow, Credential, Date, District,
    DistrictCode, DistrictKind, DistrictRow, ExamResult, ExamRow, Field, Problem, ProblemCode,
    RowData, SchoolCode, StagedRow, StatewideRow, StudentId,
};

/// A file read and normalised, ready for triage.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The import kind (given or guessed).
    pub kind: BatchKind,
    /// The sheet the rows came from.
    pub sheet: String,
    /// The header's row number.
    pub header_row: u32,
    /// File-level warnings (`extra-column`).
    pub problems: Vec<Problem>,
    /// Every counted row.
    pub rows: Vec<StagedRow>,
    /// The sheet's cells as read, for the error return file (SPEC §4).
    pub table: Table,
    /// Where the header is in `table.rows`.
    pub header_index: usize,
}

/// How many rows from the top the header may be found in.
const HEADER_SEARCH: usize = 10;

/// Picks the sheet, finds the header and normalises every row. File-level
/// errors come back as `Err`.
pub fn parse(
    workbook: &mut Workbook,
    kind: Option<BatchKind>,
    today: Date,
) -> Result<Parsed, Problem> {
    let names = workbook.sheet_names();
    let Some(first) = names.first().cloned() else {
        return Err(Problem::file(
            ProblemCode::NoRows,
            "the workbook has no sheets",
        ));
    };
    let first_table = workbook.read(&first)?;
    let kind = match kind {
        Some(k) => k,
        None => guess(&first_table),
    };
    let sheet = if kind == BatchKind::Completions {
        names
            .iter()
            .find(|n| n.to_lowercase().contains("completion"))
            .cloned()
            .unwrap_or(first.clone())
    } else {
        first.clone()
    };
    let table = if sheet == first {
        first_table
    } else {
        workbook.read(&sheet)?
    };
    let (header_index, map, problems) = header(&table, kind)?;
    let rows = rows(&table, kind, header_index, &map, today);
    if rows.is_empty() {
        return Err(Problem::file(
            ProblemCode::NoRows,
            format!(
                "sheet {:?} has its header on row {} but no data rows below it; nothing to import",
                table.name,
                table.row_number(header_index)
            ),
        ));
    }
    Ok(Parsed {
        kind,
        sheet: table.name.clone(),
        header_row: table.row_number(header_index),
        problems,
        rows,
        table,
        header_index,
    })
}

fn guess(table: &Table) -> BatchKind {
    table
        .rows
        .iter()
        .take(HEADER_SEARCH)
        .find_map(|row| {
            let texts: Vec<String> = row.iter().map(text_of).collect();
            guess_kind(texts.iter().map(String::as_str))
        })
        .unwrap_or(BatchKind::Completions)
}

/// A recognised column: where it is and its header as written.
#[derive(Debug, Clone)]
struct Found {
    index: usize,
    header: String,
    letter: String,
}

type ColumnMap = HashMap<Col, Found>;

fn header(table: &Table, kind: BatchKind) -> Result<(usize, ColumnMap, Vec<Problem>), Problem> {
    let required: Vec<Col> = columns(kind).iter().filter(|c| c.1).map(|c| c.0).collect();
    let mut best: Option<(usize, Vec<Col>)> = None;
    for (i, row) in table.rows.iter().take(HEADER_SEARCH).enumerate() {
        let present: Vec<Col> = row
            .iter()
            .filter_map(|c| match_header(kind, &text_of(c)))
            .collect();
        let missing: Vec<Col> = required
            .iter()
            .copied()
            .filter(|c| !present.contains(c))
            .collect();
        if missing.is_empty() {
            return build_map(table, i, kind);
        }
        if best.as_ref().is_none_or(|(_, m)| missing.len() < m.len()) {
            best = Some((i, missing));
        }
    }
    let (closest, missing) = best.unwrap_or((0, required));
    let names: Vec<&str> = missing.iter().map(|c| c.name()).collect();
    Err(Problem::file(
        ProblemCode::NoHeader,
        format!(
            "no header row with every required {} column in the first {HEADER_SEARCH} rows of sheet {:?}; missing: {} (closest: row {})",
            kind,
            table.name,
            names.join(", "),
            table.row_number(closest)
        ),
    ))
}

fn build_map(
    table: &Table,
    index: usize,
    kind: BatchKind,
) -> Result<(usize, ColumnMap, Vec<Problem>), Problem> {
    let mut map = ColumnMap::new();
    let mut problems = Vec::new();
    for (i, cell) in table.rows[index].iter().enumerate() {
        let header = text_of(cell);
        let letter = column_letter(i);
        match match_header(kind, &header) {
            Some(col) => {
                if let Some(prev) = map.get(&col) {
                    return Err(Problem::file(
                        ProblemCode::DuplicateColumn,
                        format!(
                            "columns {} \"{}\" and {letter} \"{header}\" both match the column {}; keep one",
                            prev.letter,
                            prev.header,
                            col.name()
                        ),
                    ));
                }
                map.insert(col, Found { index: i, header, letter });
            }
            None if header.is_empty() || header_key(&header) == "errors" => {}
            None => problems.push(Problem::file(
                ProblemCode::ExtraColumn,
                format!(
                    "unknown column \"{header}\" (column {letter}) on the header row: its values are not stored"
                ),
            )),
        }
    }
    Ok((index, map, problems))
}

/// Collects a row's cell problems and typed values.
struct RowReader<'a> {
    cells: &'a [Cell],
    map: &'a ColumnMap,
    csv: bool,
    today: Date,
    problems: Vec<Problem>,
    failed: bool,
}

const EMPTY: Cell = Cell::Empty;

impl<'a> RowReader<'a> {
    fn cell(&self, col: Col) -> &'a Cell {
        self.map
            .get(&col)
            .and_then(|f| self.cells.get(f.index))
            .unwrap_or(&EMPTY)
    }

    /// Runs `parse` on a column's cell; error cells and problems are recorded.
    fn get<T>(
        &mut self,
        col: Col,
        parse: impl FnOnce(&At, &Cell) -> Result<T, Problem>,
    ) -> Option<T> {
        let found = self.map.get(&col)?;
        let cell = self.cells.get(found.index).unwrap_or(&EMPTY);
        let at = At {
            col,
            header: &found.header,
            letter: &found.letter,
            csv: self.csv,
            today: self.today,
        };
        if let Cell::Error(e) = cell {
            self.failed = true;
            self.problems.push(at.problem(
                ProblemCode::CellError,
                cell,
                &format!("the cell holds the spreadsheet error {e}"),
                "a value, not a spreadsheet error",
            ));
            return None;
        }
        match parse(&at, cell) {
            Ok(v) => Some(v),
            Err(p) => {
                self.failed = true;
                self.problems.push(p);
                None
            }
        }
    }

    /// A required column (absent columns are caught by the header search).
    fn req<T>(
        &mut self,
        col: Col,
        parse: impl FnOnce(&At, &Cell) -> Result<T, Problem>,
    ) -> Option<T> {
        self.get(col, parse)
    }

    /// An optional column: absent means blank.
    fn opt<T>(
        &mut self,
        col: Col,
        parse: impl FnOnce(&At, &Cell) -> Result<Field<T>, Problem>,
    ) -> Field<T> {
        if !self.map.contains_key(&col) {
            return Field::Blank;
        }
        self.get(col, parse).unwrap_or(Field::Blank)
    }

    fn date(&mut self, col: Col) -> Field<Date> {
        let mut warning = None;
        let f = self.opt(col, |at, c| {
            v::optional_date(at, c).map(|(f, w)| {
                warning = w;
                f
            })
        });
        self.problems.extend(warning);
        f
    }

    fn req_date(&mut self, col: Col) -> Option<Date> {
        let mut warning = None;
        let d = self.req(col, |at, c| {
            v::required_date(at, c).map(|(d, w)| {
                warning = w;
                d
            })
        });
        self.problems.extend(warning);
        d
    }

    fn student(&mut self) -> Option<StudentId> {
        self.req(Col::StudentId, |at, c| v::code(at, c, CodeKind::Student))
            .and_then(|s| StudentId::parse(&s))
    }

    fn district(&mut self) -> Option<DistrictCode> {
        self.req(Col::DistrictCode, |at, c| {
            v::code(at, c, CodeKind::District)
        })
        .and_then(|s| DistrictCode::parse(&s))
    }
}

/// Rows at or above this count are normalised on two threads.
const PARALLEL_ROWS: usize = 20_000;

fn rows(
    table: &Table,
    kind: BatchKind,
    header: usize,
    map: &ColumnMap,
    today: Date,
) -> Vec<StagedRow> {
    let ignored = errors_column(table, header);
    let one = |i: usize| normalise_row(table, kind, map, today, ignored, i);
    let first = header + 1;
    let total = table.rows.len().saturating_sub(first);
    // Rows are independent until the duplicate check: split a large sheet
    // in two halves (this machine class has two cores).
    let mut out: Vec<StagedRow> = if total >= PARALLEL_ROWS {
        let mid = first + total / 2;
        std::thread::scope(|scope| {
            let back = scope.spawn(|| (mid..table.rows.len()).filter_map(one).collect::<Vec<_>>());
            let mut front: Vec<StagedRow> = (first..mid).filter_map(one).collect();
            // A panic in the helper thread resurfaces here, as it would inline.
            match back.join() {
                Ok(rest) => front.extend(rest),
                Err(panic) => std::panic::resume_unwind(panic),
            }
            front
        })
    } else {
        (first..table.rows.len()).filter_map(one).collect()
    };
    super::duplicates::mark(kind, &mut out, table, header, map_indexes(map));
    out
}

/// One sheet row as a staged row; `None` for a blank row (an `Errors` cell
/// left from an error return file does not make a row count).
fn normalise_row(
    table: &Table,
    kind: BatchKind,
    map: &ColumnMap,
    today: Date,
    ignored: Option<usize>,
    i: usize,
) -> Option<StagedRow> {
    let cells = table.rows.get(i)?;
    let blank = cells
        .iter()
        .enumerate()
        .all(|(c, cell)| Some(c) == ignored || cell.is_blank());
    if blank {
        return None;
    }
    let mut r = RowReader {
        cells,
        map,
        csv: table.is_csv(),
        today,
        problems: Vec::new(),
        failed: false,
    };
    let data = match kind {
        BatchKind::Exam => exam_row(&mut r).map(RowData::Exam),
        BatchKind::Districts => district_row(&mut r).map(RowData::District),
        BatchKind::Statewide => statewide_row(&mut r).map(RowData::Statewide),
        BatchKind::Certificates => certificate_row(&mut r).map(RowData::Certificate),
        _ => completion_row(&mut r).map(|c| RowData::Completion(Box::new(c))),
    };
    let student_id = if kind == BatchKind::Districts {
        None
    } else {
        raw_student_id(&r, data.as_ref())
    };
    Some(StagedRow {
        row: table.row_number(i),
        student_id,
        data: if r.failed { None } else { data },
        problems: r.problems,
    })
}

/// The `Errors` column of an error return file (SPEC §4), if the header has one.
fn errors_column(table: &Table, header: usize) -> Option<usize> {
    table
        .rows
        .get(header)?
        .iter()
        .position(|c| header_key(&text_of(c)) == "errors")
}

fn map_indexes(map: &ColumnMap) -> Vec<(Col, usize)> {
    let mut v: Vec<(Col, usize)> = map.iter().map(|(c, f)| (*c, f.index)).collect();
    v.sort_by_key(|(_, i)| *i);
    v
}

/// The normalised Student ID, or the raw text when invalid, or null.
fn raw_student_id(r: &RowReader, data: Option<&RowData>) -> Option<String> {
    if let Some(id) = data.and_then(crate::domain::row_student) {
        return Some(id.to_string());
    }
    let cell = r.cell(Col::StudentId);
    let at = At {
        col: Col::StudentId,
        header: "",
        letter: "",
        csv: r.csv,
        today: r.today,
    };
    match v::code(&at, cell, CodeKind::Student) {
        Ok(id) => Some(id),
        Err(_) if cell.is_blank() => None,
        Err(_) => Some(text_of(cell)),
    }
}

fn completion_row(r: &mut RowReader) -> Option<CompletionRow> {
    let district = r.district();
    let school = r
        .req(Col::SchoolCode, |at, c| v::code(at, c, CodeKind::School))
        .and_then(|s| SchoolCode::parse(&s));
    if let (Some(d), Some(s)) = (&district, &school)
        && !s.as_str().starts_with(d.as_str())
    {
        let found = r.map.get(&Col::SchoolCode).cloned();
        if let Some(f) = found {
            let cell = r.cell(Col::SchoolCode);
            let at = At {
                col: Col::SchoolCode,
                header: &f.header,
                letter: &f.letter,
                csv: r.csv,
                today: r.today,
            };
            r.problems.push(at.problem(
                ProblemCode::SchoolDistrict,
                cell,
                &format!("school {s} does not begin with the district code {d}"),
                &format!("a school code of district {d} (beginning with {d})"),
            ));
            r.failed = true;
        }
    }
    let school_name = match r.opt(Col::SchoolName, |_, c| Ok(v::optional_text(c))) {
        Field::Value(n) => Some(n),
        _ => None,
    };
    let student = r.student();
    let last_name = r.req(Col::LastName, v::required_text);
    let first_name = r.req(Col::FirstName, v::required_text);
    let grade = r.req(Col::Grade, v::grade);
    let sa_round1 = r.date(Col::SaRound1);
    let sa_round2 = r.date(Col::SaRound2);
    let sa_instrument = r.opt(Col::SaInstrument, |_, c| Ok(v::optional_text(c)));
    let presentation = r.date(Col::Presentation);
    let mentor_checklist = r.opt(Col::MentorChecklist, v::yes_no);
    let credit_applications = r.date(Col::CreditApplications);
    let company_registration = r.date(Col::CompanyRegistration);
    let pathway = r.opt(Col::Pathway, v::yes_no);
    let complementary = r.opt(Col::Complementary, |_, c| Ok(v::list(c)));
    let notes = r.opt(Col::Notes, |_, c| Ok(v::optional_text(c)));
    Some(CompletionRow {
        district: district?,
        school: school?,
        school_name,
        student: student?,
        last_name: last_name?,
        first_name: first_name?,
        grade: grade?,
        sa_round1,
        sa_round2,
        sa_instrument,
        presentation,
        mentor_checklist,
        credit_applications,
        company_registration,
        pathway,
        complementary,
        notes,
    })
}

const RESULTS: &[(&str, ExamResult)] = &[("Pass", ExamResult::Pass), ("Fail", ExamResult::Fail)];

fn exam_row(r: &mut RowReader) -> Option<ExamRow> {
    let student = r.student();
    let date = r.req_date(Col::ExamDate);
    let score = r.opt(Col::Score, |_, c| Ok(v::optional_text(c)));
    let result = r.req(Col::Result, |at, c| {
        v::choice(at, c, RESULTS, ProblemCode::Result)
    });
    let provider = r.opt(Col::Provider, |_, c| Ok(v::optional_text(c)));
    Some(ExamRow {
        student: student?,
        date: date?,
        score,
        result: result?,
        provider,
    })
}

fn district_row(r: &mut RowReader) -> Option<DistrictRow> {
    const KINDS: &[(&str, DistrictKind)] = &[
        ("district", DistrictKind::District),
        ("charter", DistrictKind::Charter),
    ];
    const TYPES: &[(&str, AgreementType)] = &[
        ("client-contract", AgreementType::ClientContract),
        ("confidentiality", AgreementType::Confidentiality),
    ];
    let code = r.district();
    let name = r.req(Col::DistrictName, v::required_text);
    let kind = r.req(Col::Kind, |at, c| {
        v::choice(at, c, KINDS, ProblemCode::Kind)
    });
    let client = r.req(Col::Client, v::required_yes_no);
    let year = r.req(Col::AgreementYear, v::school_year);
    let signed = r.req_date(Col::AgreementSigned);
    let agreement_type = r.req(Col::AgreementType, |at, c| {
        v::choice(at, c, TYPES, ProblemCode::AgreementType)
    });
    let code = code?;
    Some(DistrictRow {
        district: District {
            code: code.clone(),
            name: name?,
            kind: kind?,
            client: client?,
        },
        agreement: Agreement {
            district: code,
            year: year?,
            signed: signed?,
            agreement_type: agreement_type?,
        },
    })
}

const STATEWIDE: &[(&str, Credential)] = &[
    ("Basic Statewide", Credential::BasicStatewide),
    ("Advanced Statewide", Credential::AdvancedStatewide),
];
const ALL_CREDENTIALS: &[(&str, Credential)] = &[
    ("Regional Core", Credential::RegionalCore),
    ("Basic Statewide", Credential::BasicStatewide),
    ("Advanced Statewide", Credential::AdvancedStatewide),
];

fn statewide_row(r: &mut RowReader) -> Option<StatewideRow> {
    let student = r.student();
    let credential = r.req(Col::Credential, |at, c| {
        v::choice(at, c, STATEWIDE, ProblemCode::Credential)
    });
    let attempted = r.req_date(Col::Attempted);
    let attained = r.date(Col::Attained);
    Some(StatewideRow {
        student: student?,
        credential: credential?,
        attempted: attempted?,
        attained,
    })
}

fn certificate_row(r: &mut RowReader) -> Option<CertificateRow> {
    let student = r.student();
    let credential = r.req(Col::Credential, |at, c| {
        v::choice(at, c, ALL_CREDENTIALS, ProblemCode::Credential)
    });
    let issued = r.req_date(Col::Issued);
    Some(CertificateRow {
        student: student?,
        credential: credential?,
        issued: issued?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::read;

    #[test]
    fn a_large_sheet_normalised_in_halves_keeps_order_and_duplicates() {
        let mut csv = String::from("Student ID,Exam Date,Result\n");
        let n = PARALLEL_ROWS + 11;
        for i in 0..n {
            csv.push_str(&format!("{:010},2026-10-01,Pass\n", i % (n - 1)));
        }
        let mut wb = read::open("x.csv", csv.into_bytes()).unwrap();
        let p = parse(&mut wb, None, Date::constant(2026, 12, 4)).unwrap();
        assert_eq!(p.kind, BatchKind::Exam);
        assert_eq!(p.rows.len(), n);
        assert!(p.rows.windows(2).all(|w| w[0].row + 1 == w[1].row));
        // The last row repeats the first, across the two halves.
        let last = p.rows.last().unwrap();
        assert_eq!(last.problems[0].code, ProblemCode::DuplicateRow);
        assert!(last.problems[0].message.contains("row 2"));
        assert!(p.rows[0].problems.is_empty());
    }
}
