//! The completion template of SPEC §2 as an .xlsx a district fills in: a
//! `Completions` sheet pre-filled with the district's roster and stored
//! values (frozen bold header, date columns formatted as dates, Y/N
//! drop-downs, ID and code columns as text so spreadsheet software keeps the
//! leading zeros) and an `Instructions` sheet. Re-imported unchanged, every
//! row triages as `unchanged`.

use std::collections::HashMap;

use rust_xlsxwriter::{
    DataValidation, DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet,
    XlsxError,
};

use crate::domain::calendar::grade_on;
use crate::domain::{Date, District, School, SchoolCode, Student, Term};

/// The template's columns, in order (SPEC §2).
pub const COLUMNS: [&str; 17] = crate::domain::COMPLETION_COLUMNS;

const INSTRUCTIONS: &[(&str, &str)] = &[
    (
        "District Code",
        "Your LEA code, three characters (017, W3B). Required. Keep it as text.",
    ),
    (
        "School Code",
        "The six-character site code; it begins with the district code. Required.",
    ),
    (
        "School Name",
        "Needed only for a school mecred does not know yet; a different name never renames a school.",
    ),
    (
        "Student ID",
        "The 10-digit state student ID. Required. Keep it as text so the leading zeros stay.",
    ),
    ("Last Name, First Name", "Required."),
    (
        "Grade",
        "9 to 12 as of this term (11, 11th, Grade 11 are all read). Required.",
    ),
    (
        "Self-Assessment Round 1 / Round 2",
        "Dates of the two rounds of the Micro-Enterprise Self-Assessment. Round 2 may not precede Round 1. Policy advises grades 11-12.",
    ),
    (
        "Self-Assessment Instrument",
        "Leave blank for the Micro-Enterprise Self-Assessment. Another instrument (Kuder, ...) does not count: students must still complete the Micro-Enterprise Self-Assessment.",
    ),
    (
        "Self-Assessment Presentation",
        "Date of the presentation. It counts only with the mentor's Student Completion Checklist on file (Mentor Checklist Y). Policy advises grades 11-12.",
    ),
    (
        "Mentor Checklist",
        "Y when the mentor's Student Completion Checklist is on file, else N.",
    ),
    (
        "Credit Applications, Company Registration",
        "Dates completed.",
    ),
    (
        "Certification Exam",
        "Not in this template: exam results come only from the exam provider. Students may not attempt the exam before 11th grade.",
    ),
    (
        "Micro-Enterprise Pathway",
        "Y for a student graduating via the Micro-Enterprise pathway.",
    ),
    (
        "Complementary Credentials",
        "Names separated by ';'. A pathway student may not list the Micro-Enterprise credential and must list two other complementary credentials.",
    ),
    ("Notes", "Free text."),
    (
        "Dates",
        "Enter real dates (or 2026-10-05, or 10/5/2026). Dates after today or before 2016 are refused.",
    ),
    (
        "Blank cells",
        "A blank cell never erases a stored value; type CLEAR to erase one.",
    ),
];

/// What the template is written from.
pub struct Roster<'a> {
    /// The district.
    pub district: &'a District,
    /// Its schools.
    pub schools: &'a [School],
    /// Its students (any order; sorted here).
    pub students: &'a [Student],
    /// The term grades are stated for.
    pub term: Term,
    /// Today: students past grade 12 on it are left out.
    pub today: Date,
}

fn date(d: Date) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(
        u16::try_from(d.year()).unwrap_or(1900),
        u8::try_from(d.month()).unwrap_or(1),
        u8::try_from(d.day()).unwrap_or(1),
    )
}

fn yn(b: Option<bool>) -> Option<&'static str> {
    b.map(|b| if b { "Y" } else { "N" })
}

/// Students as SPEC §4 lists them: school, last name, first name, ID
/// (compared by code points after lower-casing).
pub fn sorted(students: &[Student]) -> Vec<&Student> {
    let mut v: Vec<&Student> = students.iter().collect();
    v.sort_by(|a, b| {
        (
            &a.school,
            a.last_name.to_lowercase(),
            a.first_name.to_lowercase(),
            &a.id,
        )
            .cmp(&(
                &b.school,
                b.last_name.to_lowercase(),
                b.first_name.to_lowercase(),
                &b.id,
            ))
    });
    v
}

/// The template workbook's bytes, with the number of students listed.
pub fn write(roster: &Roster) -> Result<(usize, Vec<u8>), XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(&DocProperties::new().set_creation_datetime(&date(roster.today)?));
    let listed = completions_sheet(wb.add_worksheet(), roster)?;
    instructions_sheet(wb.add_worksheet(), roster)?;
    Ok((listed, wb.save_to_buffer()?))
}

fn completions_sheet(ws: &mut Worksheet, roster: &Roster) -> Result<usize, XlsxError> {
    ws.set_name("Completions")?;
    let bold = Format::new().set_bold().set_align(FormatAlign::Center);
    let text = Format::new().set_num_format("@");
    let day = Format::new().set_num_format("m/d/yyyy");
    for (c, name) in COLUMNS.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, *name, &bold)?;
        ws.set_column_width(c, (name.len() as f64 + 2.0).max(12.0))?;
    }
    // Text columns keep leading zeros when a school types a new student.
    for c in [0u16, 1, 3] {
        ws.set_column_format(c, &text)?;
    }
    for c in [7u16, 8, 10, 12, 13] {
        ws.set_column_format(c, &day)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let names: HashMap<&SchoolCode, &str> = roster
        .schools
        .iter()
        .map(|s| (&s.code, s.name.as_str()))
        .collect();
    let grade_day = roster.term.first_day();
    let mut r = 0u32;
    for s in sorted(roster.students) {
        let grade = grade_on(s.cohort, grade_day);
        if !(9..=12).contains(&grade) || grade_on(s.cohort, roster.today) > 12 {
            continue;
        }
        r += 1;
        let m = &s.modules;
        ws.write_string_with_format(r, 0, roster.district.code.as_str(), &text)?;
        ws.write_string_with_format(r, 1, s.school.as_str(), &text)?;
        ws.write_string(r, 2, names.get(&s.school).copied().unwrap_or(""))?;
        ws.write_string_with_format(r, 3, s.id.as_str(), &text)?;
        ws.write_string(r, 4, &s.last_name)?;
        ws.write_string(r, 5, &s.first_name)?;
        ws.write_number(r, 6, f64::from(grade))?;
        let dates = [
            (7, m.sa_round1),
            (8, m.sa_round2),
            (10, m.presentation),
            (12, m.credit_applications),
            (13, m.company_registration),
        ];
        for (c, d) in dates {
            if let Some(d) = d {
                ws.write_datetime_with_format(r, c, &date(d)?, &day)?;
            }
        }
        if let Some(i) = &m.sa_instrument {
            ws.write_string(r, 9, i)?;
        }
        if let Some(v) = yn(m.mentor_checklist) {
            ws.write_string(r, 11, v)?;
        }
        if let Some(v) = yn(s.pathway) {
            ws.write_string(r, 14, v)?;
        }
        if !s.complementary.is_empty() {
            ws.write_string(r, 15, s.complementary.join("; "))?;
        }
        if let Some(n) = &s.notes {
            ws.write_string(r, 16, n)?;
        }
    }
    // Y/N drop-downs well past the roster, for students the school adds.
    let last = r.max(1) + 2000;
    let yes_no = DataValidation::new()
        .allow_list_strings(&["Y", "N"])?
        .set_error_title("Y or N")?
        .set_error_message("Type Y or N.")?;
    ws.add_data_validation(1, 11, last, 11, &yes_no)?;
    ws.add_data_validation(1, 14, last, 14, &yes_no)?;
    Ok(r as usize)
}

fn instructions_sheet(ws: &mut Worksheet, roster: &Roster) -> Result<(), XlsxError> {
    ws.set_name("Instructions")?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    ws.set_column_width(0, 34)?;
    ws.set_column_width(1, 100)?;
    ws.write_string_with_format(
        0,
        0,
        format!(
            "Micro-Enterprise Credential completion template: {} {} ({})",
            roster.district.code, roster.district.name, roster.term
        ),
        &bold,
    )?;
    ws.write_string(
        1,
        0,
        "One row per student on the Completions sheet. Upload the file as it is; a column headed Errors is ignored.",
    )?;
    for (i, (col, text)) in INSTRUCTIONS.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string_with_format(r, 0, *col, &bold)?;
        ws.write_string_with_format(r, 1, *text, &wrap)?;
    }
    Ok(())
}
