//! Reading a file into raw cells: the importer's only IO (SPEC §2 "Readers",
//! items 1, 3 and 18). calamine reads `.xlsx .xlsm .xlsb .xls .ods`, the csv
//! crate reads `.csv`. Everything after this works on [`Table`]s.

use std::io::{Cursor, Read, Seek};
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{Data, DataRef, Reader, Sheets};

use crate::domain::{Date, Problem, ProblemCode};

/// A sheet's used range may have at most this many rows (SPEC §2 item 18).
pub const MAX_ROWS: u32 = 1_000_000;
/// … and at most this many columns.
pub const MAX_COLUMNS: u32 = 200;
/// A cell may hold at most this many bytes of text.
pub const MAX_CELL_BYTES: usize = 32 * 1024;
/// A zip member may inflate to at most this many times its packed size …
pub const MAX_INFLATE_RATIO: u64 = 100;
/// … and to at most this many bytes.
pub const MAX_INFLATED_BYTES: u64 = 256 * 1024 * 1024;

/// One cell as the file holds it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text (every CSV field is text).
    Text(String),
    /// A number cell.
    Number(f64),
    /// A boolean cell.
    Bool(bool),
    /// A date (or date-time) cell, or a formula whose result is one.
    Date(Date),
    /// A spreadsheet error value such as `#N/A`.
    Error(String),
}

impl Cell {
    /// Whether the cell is empty or only whitespace.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The value as a person would read it in the sheet, for messages.
    pub fn shown(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(n) => number_text(*n),
            Cell::Bool(true) => "TRUE".to_string(),
            Cell::Bool(false) => "FALSE".to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::Error(e) => e.clone(),
        }
    }
}

/// A number as text: whole numbers without a decimal point.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// One sheet's cells, rows from the sheet's row 1.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Table {
    /// Sheet name (`csv` for a CSV file).
    pub name: String,
    /// Rows; `rows[i]` is spreadsheet row `i + 1` (CSV: the record starting
    /// on line `line_of[i]`).
    pub rows: Vec<Vec<Cell>>,
    /// For CSV: the line each record starts on.
    pub lines: Option<Vec<u32>>,
}

impl Table {
    /// Whether the table came from a CSV file (digit-only fields then count as
    /// numbers where SPEC §2 says so).
    pub fn is_csv(&self) -> bool {
        self.lines.is_some()
    }

    /// The 1-based row number a spreadsheet shows for `rows[i]`.
    pub fn row_number(&self, i: usize) -> u32 {
        match &self.lines {
            Some(lines) => lines.get(i).copied().unwrap_or(0),
            None => u32::try_from(i + 1).unwrap_or(u32::MAX),
        }
    }
}

/// An opened file: its sheet names and a way to read any one of them.
pub enum Workbook {
    /// A spreadsheet read by calamine.
    Sheets(Box<Sheets<Cursor<Vec<u8>>>>),
    /// A CSV file, already read.
    Csv(Table),
    /// Every sheet, read by a child process ([`read_in_child_process`]).
    Read(Sheetful),
}

/// Every sheet of a workbook by name, each read or not.
pub type Sheetful = Vec<(String, Result<Table, Problem>)>;

/// The binary that reads `.xls` files in a child process, when set.
static CHILD_READER: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();

/// Reads `.xls` (BIFF) workbooks in a child process running `exe
/// read-sheets`. calamine densifies each BIFF sheet while opening it, sized
/// by its outermost cells: one damaged cell address makes it ask for
/// 137 GB, which aborts the process (no error can be returned). In a
/// child, that abort is the child's, and the file is reported unreadable.
/// The binary sets this at start; a library user (a test) may.
pub fn read_in_child_process(exe: std::path::PathBuf) {
    let _ = CHILD_READER.set(exe);
}

/// The child's side of [`read_in_child_process`]: the file's bytes on
/// standard input, every sheet (or the file's problem) as JSON on
/// standard output.
pub fn child_reader(name: &str) -> anyhow::Result<()> {
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes)?;
    let read = open_here(name, bytes).map(|mut wb| {
        wb.sheet_names()
            .into_iter()
            .map(|s| {
                let t = wb.read(&s);
                (s, t)
            })
            .collect::<Vec<_>>()
    });
    let out = std::io::stdout().lock();
    serde_json::to_writer(std::io::BufWriter::new(out), &read)?;
    Ok(())
}

/// Opens `bytes` in a child process (see [`read_in_child_process`]).
fn open_in_child(exe: &std::path::Path, name: &str, bytes: Vec<u8>) -> Result<Workbook, Problem> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let failed = |why: &str| unreadable(&format!("the spreadsheet reader {why}"));
    let mut child = Command::new(exe)
        .args(["read-sheets", name])
        .env("MECRED_LOG", "/dev/null")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|_| failed("could not be started"))?;
    let Some(mut stdin) = child.stdin.take() else {
        return Err(failed("could not be started"));
    };
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&bytes);
    });
    let mut out = Vec::new();
    if let Some(mut stdout) = child.stdout.take() {
        let _ = stdout.read_to_end(&mut out);
    }
    let _ = writer.join();
    let status = child.wait().map_err(|_| failed("was lost"))?;
    if !status.success() {
        // An abort: the sheet would need more memory than any real one.
        return Err(failed(
            "gave up on it: a cell lies impossibly far from the others",
        ));
    }
    let read: Result<Sheetful, Problem> =
        serde_json::from_slice(&out).map_err(|_| failed("answered nonsense"))?;
    read.map(Workbook::Read)
}

fn file_problem(code: ProblemCode, message: String) -> Problem {
    Problem::file(code, message)
}

thread_local! {
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether this thread is inside a spreadsheet reader whose panics are caught
/// and reported as an unreadable file (the panic hook can stay quiet).
pub fn in_guarded_reader() -> bool {
    GUARDED.with(|g| g.get())
}

/// Runs a reader, turning a panic inside it into `None`.
fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    GUARDED.with(|g| g.set(true));
    let result = catch_unwind(AssertUnwindSafe(f)).ok();
    GUARDED.with(|g| g.set(false));
    result
}

/// What the first bytes say the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Magic {
    Zip,
    Cfb,
    Other,
}

fn magic(bytes: &[u8]) -> Magic {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        Magic::Zip
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Magic::Cfb
    } else {
        Magic::Other
    }
}

/// Opens `bytes` (the whole file) named `name`. File-level problems (all
/// errors) reject it. A BIFF (`.xls`) workbook is read in a child process
/// when [`read_in_child_process`] was set.
pub fn open(name: &str, bytes: Vec<u8>) -> Result<Workbook, Problem> {
    if magic(&bytes) == Magic::Cfb
        && let Some(exe) = CHILD_READER.get()
    {
        return open_in_child(exe, name, bytes);
    }
    open_here(name, bytes)
}

fn open_here(name: &str, bytes: Vec<u8>) -> Result<Workbook, Problem> {
    let ext = std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if ext == "csv" {
        return read_csv(bytes).map(Workbook::Csv);
    }
    let known = matches!(ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods");
    match magic(&bytes) {
        Magic::Zip => check_zip(&bytes)?,
        Magic::Cfb => check_cfb(&bytes)?,
        Magic::Other => {
            let what = if known {
                format!("the file is named .{ext} but its content is not a spreadsheet")
            } else {
                format!("unsupported file type {:?}", ext)
            };
            return Err(file_problem(
                ProblemCode::NotASpreadsheet,
                format!("{what}; expected an .xlsx, .xlsm, .xlsb, .xls, .ods or .csv file"),
            ));
        }
    }
    match guarded(|| open_sheets(&ext, bytes)) {
        Some(result) => result.map(|s| Workbook::Sheets(Box::new(s))),
        None => Err(unreadable("the spreadsheet reader failed on it")),
    }
}

fn unreadable(detail: &str) -> Problem {
    file_problem(
        ProblemCode::Unreadable,
        format!(
            "the file is damaged or truncated ({detail}); save it again from the spreadsheet program"
        ),
    )
}

fn encrypted() -> Problem {
    file_problem(
        ProblemCode::Encrypted,
        "the workbook is password-protected (encrypted); save a copy without a password and import that".to_string(),
    )
}

fn open_sheets(ext: &str, bytes: Vec<u8>) -> Result<Sheets<Cursor<Vec<u8>>>, Problem> {
    use calamine::{Ods, Xls, Xlsb, Xlsx, open_workbook_from_rs};
    let is_cfb = magic(&bytes) == Magic::Cfb;
    let cursor = Cursor::new(bytes);
    let map = |e: calamine::Error| -> Problem {
        let text = e.to_string();
        if text.to_ascii_lowercase().contains("password") {
            encrypted()
        } else {
            unreadable(&text)
        }
    };
    // A CFB container named like an OOXML file is an encrypted workbook
    // (ECMA-376 puts the encrypted package inside CFB); otherwise it is BIFF.
    let result = if is_cfb && ext != "xls" {
        match open_workbook_from_rs::<Xlsx<_>, _>(cursor.clone()) {
            Ok(x) => Ok(Sheets::Xlsx(x)),
            Err(calamine::XlsxError::Password) => return Err(encrypted()),
            Err(_) => open_workbook_from_rs::<Xls<_>, _>(cursor)
                .map(Sheets::Xls)
                .map_err(calamine::Error::Xls),
        }
    } else if is_cfb {
        open_workbook_from_rs::<Xls<_>, _>(cursor)
            .map(Sheets::Xls)
            .map_err(calamine::Error::Xls)
    } else {
        match ext {
            "ods" => open_workbook_from_rs::<Ods<_>, _>(cursor)
                .map(Sheets::Ods)
                .map_err(calamine::Error::Ods),
            "xlsb" => open_workbook_from_rs::<Xlsb<_>, _>(cursor)
                .map(Sheets::Xlsb)
                .map_err(calamine::Error::Xlsb),
            _ => open_zip_by_content(cursor),
        }
    };
    result.map_err(map)
}

/// A zip whose name does not say which kind: try OOXML, then ODS, then XLSB.
fn open_zip_by_content(
    cursor: Cursor<Vec<u8>>,
) -> Result<Sheets<Cursor<Vec<u8>>>, calamine::Error> {
    use calamine::{Ods, Xlsb, Xlsx, open_workbook_from_rs};
    match open_workbook_from_rs::<Xlsx<_>, _>(cursor.clone()) {
        Ok(x) => Ok(Sheets::Xlsx(x)),
        Err(first) => {
            if let Ok(o) = open_workbook_from_rs::<Ods<_>, _>(cursor.clone()) {
                return Ok(Sheets::Ods(o));
            }
            if let Ok(b) = open_workbook_from_rs::<Xlsb<_>, _>(cursor) {
                return Ok(Sheets::Xlsb(b));
            }
            Err(calamine::Error::Xlsx(first))
        }
    }
}

/// Bounds decompression before any reader inflates anything (SPEC §2 item
/// 18). The zip crate refuses to inflate a member past the size its central
/// directory declares, so checking the declared sizes bounds the real work.
fn check_zip(bytes: &[u8]) -> Result<(), Problem> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| unreadable(&format!("the zip container is incomplete: {e}")))?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let Some(entry) = archive.by_index_raw(i).ok() else {
            return Err(unreadable("a zip member cannot be read"));
        };
        let packed = entry.compressed_size().max(1);
        let size = entry.size();
        total = total.saturating_add(size);
        if size > packed.saturating_mul(MAX_INFLATE_RATIO) || total > MAX_INFLATED_BYTES {
            return Err(file_problem(
                ProblemCode::TooLarge,
                format!(
                    "zip member {:?} inflates from {packed} to {size} bytes (limits: {MAX_INFLATE_RATIO}x, {} MiB in all); the file is refused as a possible zip bomb",
                    entry.name(),
                    MAX_INFLATED_BYTES / 1024 / 1024
                ),
            ));
        }
    }
    Ok(())
}

/// A compound file (BIFF .xls, or an encrypted OOXML package) whose
/// allocation table names sectors past the end of the file was cut short:
/// readers would import what is left without a word.
fn check_cfb(bytes: &[u8]) -> Result<(), Problem> {
    let u16_at = |o: usize| {
        bytes
            .get(o..o + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    let u32_at = |o: usize| {
        bytes
            .get(o..o + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let cut = || unreadable("the compound file is cut short");
    let shift = u16_at(30).ok_or_else(cut)?;
    if !(9..=12).contains(&shift) {
        return Err(unreadable("the compound file header is invalid"));
    }
    let size = 1usize << shift;
    if bytes.len() < size {
        return Err(cut());
    }
    // Whole sectors only: writers pad the last one, a cut file does not.
    let sectors = (bytes.len() - size) / size;
    let fat_sectors = u32_at(44).ok_or_else(cut)? as usize;
    for i in 0..fat_sectors.min(109) {
        let at = u32_at(76 + 4 * i).ok_or_else(cut)?;
        if at >= 0xFFFF_FFFA {
            continue;
        }
        let start = size + at as usize * size;
        let fat = bytes.get(start..start + size).ok_or_else(cut)?;
        for (j, entry) in fat.chunks_exact(4).enumerate() {
            let v = u32::from_le_bytes([entry[0], entry[1], entry[2], entry[3]]);
            // Any sector in use (not FREESECT) must exist in the file.
            if v != 0xFFFF_FFFF && i * (size / 4) + j >= sectors {
                return Err(cut());
            }
        }
    }
    Ok(())
}

/// Reads a CSV file: UTF-8 (a leading BOM ignored), comma-separated,
/// double-quote quoting, LF or CRLF.
fn read_csv(bytes: Vec<u8>) -> Result<Table, Problem> {
    if let Err(e) = std::str::from_utf8(&bytes) {
        let upto = &bytes[..e.valid_up_to()];
        let line = upto.iter().filter(|&&b| b == b'\n').count() + 1;
        return Err(file_problem(
            ProblemCode::Encoding,
            format!(
                "the CSV file is not valid UTF-8 (line {line}, byte {}); save it as \"CSV UTF-8\"",
                e.valid_up_to() + 1
            ),
        ));
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let mut table = Table {
        name: "csv".to_string(),
        rows: Vec::new(),
        lines: Some(Vec::new()),
    };
    let mut record = csv::StringRecord::new();
    // Line numbers come from byte offsets: the csv crate's own line count
    // lags by one after a CRLF-terminated record.
    let (mut seen_byte, mut seen_line) = (0usize, 1u64);
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(unreadable(&format!("CSV: {e}"))),
        }
        let start = record
            .position()
            .map(|p| usize::try_from(p.byte()).unwrap_or(usize::MAX))
            .unwrap_or(seen_byte)
            .min(body.len());
        // The reported start may sit on the previous record's line ending.
        let start = start
            + body[start..]
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
        if start > seen_byte {
            seen_line += body[seen_byte..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            seen_byte = start;
        }
        let line = seen_line;
        if record.len() > MAX_COLUMNS as usize || table.rows.len() >= MAX_ROWS as usize {
            return Err(too_large_range(&table.name));
        }
        let mut row = Vec::with_capacity(record.len());
        for field in record.iter() {
            if field.len() > MAX_CELL_BYTES {
                return Err(too_large_cell(&table.name, line as u32));
            }
            row.push(if field.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(field.to_string())
            });
        }
        table.rows.push(row);
        if let Some(lines) = table.lines.as_mut() {
            lines.push(u32::try_from(line).unwrap_or(u32::MAX));
        }
    }
    Ok(table)
}

fn too_large_range(sheet: &str) -> Problem {
    file_problem(
        ProblemCode::TooLarge,
        format!(
            "sheet {sheet:?} is larger than {MAX_ROWS} rows or {MAX_COLUMNS} columns; split the upload"
        ),
    )
}

fn too_large_cell(sheet: &str, row: u32) -> Problem {
    file_problem(
        ProblemCode::TooLarge,
        format!(
            "sheet {sheet:?} row {row} has a cell over {} KiB",
            MAX_CELL_BYTES / 1024
        ),
    )
}

impl Workbook {
    /// Sheet names in workbook order (hidden ones included).
    pub fn sheet_names(&self) -> Vec<String> {
        match self {
            Workbook::Sheets(s) => s.sheet_names(),
            Workbook::Csv(t) => vec![t.name.clone()],
            Workbook::Read(sheets) => sheets.iter().map(|(n, _)| n.clone()).collect(),
        }
    }

    /// Reads one sheet's cells. A reader panic becomes `unreadable`.
    pub fn read(&mut self, name: &str) -> Result<Table, Problem> {
        match self {
            Workbook::Csv(t) => Ok(t.clone()),
            Workbook::Sheets(sheets) => guarded(|| read_sheet(sheets, name))
                .unwrap_or_else(|| Err(unreadable("the spreadsheet reader failed on it"))),
            Workbook::Read(sheets) => sheets
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, t)| t.clone())
                .unwrap_or_else(|| Err(unreadable(&format!("no sheet {name:?}")))),
        }
    }
}

/// Collects cells into rows while enforcing the size limits.
struct Builder {
    table: Table,
}

impl Builder {
    fn new(name: &str) -> Builder {
        Builder {
            table: Table {
                name: name.to_string(),
                rows: Vec::new(),
                lines: None,
            },
        }
    }

    fn put(&mut self, row: u32, col: u32, cell: Cell) -> Result<(), Problem> {
        if cell == Cell::Empty {
            return Ok(());
        }
        if row >= MAX_ROWS || col >= MAX_COLUMNS {
            return Err(too_large_range(&self.table.name));
        }
        if let Cell::Text(s) = &cell
            && s.len() > MAX_CELL_BYTES
        {
            return Err(too_large_cell(&self.table.name, row + 1));
        }
        let (r, c) = (row as usize, col as usize);
        if self.table.rows.len() <= r {
            self.table.rows.resize_with(r + 1, Vec::new);
        }
        let cells = &mut self.table.rows[r];
        if cells.len() <= c {
            cells.resize(c + 1, Cell::Empty);
        }
        cells[c] = cell;
        Ok(())
    }
}

fn read_sheet<RS: Read + Seek>(sheets: &mut Sheets<RS>, name: &str) -> Result<Table, Problem> {
    let mut b = Builder::new(name);
    let err = |e: &dyn std::fmt::Display| unreadable(&format!("sheet {name:?}: {e}"));
    match sheets {
        // Stream OOXML and XLSB cell by cell: bounded memory, and the limits
        // apply before a hostile range is ever allocated.
        Sheets::Xlsx(x) => {
            let mut cells = x.worksheet_cells_reader(name).map_err(|e| err(&e))?;
            while let Some(cell) = cells.next_cell().map_err(|e| err(&e))? {
                let (r, c) = cell.get_position();
                b.put(r, c, from_ref(cell.get_value()))?;
            }
        }
        Sheets::Xlsb(x) => {
            let mut cells = x.worksheet_cells_reader(name).map_err(|e| err(&e))?;
            while let Some(cell) = cells.next_cell().map_err(|e| err(&e))? {
                let (r, c) = cell.get_position();
                b.put(r, c, from_ref(cell.get_value()))?;
            }
        }
        other => {
            // The limits apply to the used range: cells that hold something
            // (a styled but empty column of an .ods does not count).
            let range = other.worksheet_range(name).map_err(|e| err(&e))?;
            let (r0, c0) = range.start().unwrap_or((0, 0));
            for (r, c, value) in range.used_cells() {
                let (r, c) = (r as u32, c as u32);
                b.put(r0.saturating_add(r), c0.saturating_add(c), from_data(value))?;
            }
        }
    }
    Ok(b.table)
}

fn excel_date(dt: &calamine::ExcelDateTime) -> Cell {
    if dt.is_duration() {
        return Cell::Number(dt.as_f64());
    }
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    match (i16::try_from(y), i8::try_from(m), i8::try_from(d)) {
        (Ok(y), Ok(m), Ok(d)) => Date::new(y, m, d)
            .map(Cell::Date)
            .unwrap_or(Cell::Number(dt.as_f64())),
        _ => Cell::Number(dt.as_f64()),
    }
}

fn iso_date(s: &str) -> Cell {
    s.get(..10)
        .and_then(|p| p.parse::<Date>().ok())
        .map(Cell::Date)
        .unwrap_or_else(|| Cell::Text(s.to_string()))
}

fn from_data(d: &Data) -> Cell {
    match d {
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => Cell::Text(s.clone()),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => excel_date(dt),
        Data::DateTimeIso(s) => iso_date(s),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::Empty => Cell::Empty,
    }
}

fn from_ref(d: &DataRef<'_>) -> Cell {
    match d {
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_string()),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => excel_date(dt),
        DataRef::DateTimeIso(s) => iso_date(s),
        DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(e) => Cell::Error(e.to_string()),
        DataRef::Empty => Cell::Empty,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_panic_is_contained() {
        assert!(!in_guarded_reader());
        let r: Option<()> = guarded(|| {
            assert!(in_guarded_reader());
            panic!("reader bug")
        });
        assert!(r.is_none());
        assert!(!in_guarded_reader());
        assert_eq!(guarded(|| 7), Some(7));
    }

    #[test]
    fn csv_rows_are_the_lines_records_start_on() {
        let t = read_csv(b"\xEF\xBB\xBFa,b\r\n1,\"x\r\ny\"\r\n2,z\r\n".to_vec()).unwrap();
        assert_eq!(t.lines, Some(vec![1, 2, 4]));
        assert_eq!(t.rows[0][0], Cell::Text("a".into()));
        assert_eq!(t.rows[1][1], Cell::Text("x\r\ny".into()));
    }
}
