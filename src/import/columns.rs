//! The columns of each import kind and the header matching of SPEC §2 item 2.

use unicode_normalization::UnicodeNormalization;

use crate::domain::BatchKind;

/// Every column any import kind knows, by its SPEC §2 name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Col {
    DistrictCode,
    SchoolCode,
    SchoolName,
    StudentId,
    LastName,
    FirstName,
    Grade,
    SaRound1,
    SaRound2,
    SaInstrument,
    Presentation,
    MentorChecklist,
    CreditApplications,
    CompanyRegistration,
    Pathway,
    Complementary,
    Notes,
    ExamDate,
    Score,
    Result,
    Provider,
    DistrictName,
    Kind,
    Client,
    AgreementYear,
    AgreementSigned,
    AgreementType,
    Credential,
    Attempted,
    Attained,
    Issued,
}

impl Col {
    /// The SPEC §2 name, used in problems and change lists.
    pub fn name(self) -> &'static str {
        use Col::*;
        match self {
            DistrictCode => "District Code",
            SchoolCode => "School Code",
            SchoolName => "School Name",
            StudentId => "Student ID",
            LastName => "Last Name",
            FirstName => "First Name",
            Grade => "Grade",
            SaRound1 => "Self-Assessment Round 1",
            SaRound2 => "Self-Assessment Round 2",
            SaInstrument => "Self-Assessment Instrument",
            Presentation => "Self-Assessment Presentation",
            MentorChecklist => "Mentor Checklist",
            CreditApplications => "Credit Applications",
            CompanyRegistration => "Company Registration",
            Pathway => "Micro-Enterprise Pathway",
            Complementary => "Complementary Credentials",
            Notes => "Notes",
            ExamDate => "Exam Date",
            Score => "Score",
            Result => "Result",
            Provider => "Provider",
            DistrictName => "District Name",
            Kind => "Kind",
            Client => "Client",
            AgreementYear => "Agreement Year",
            AgreementSigned => "Agreement Signed",
            AgreementType => "Agreement Type",
            Credential => "Credential",
            Attempted => "Attempted",
            Attained => "Attained",
            Issued => "Issued",
        }
    }
}

/// A column of a kind: required or optional.
pub type Spec = (Col, bool);

const COMPLETIONS: &[Spec] = &[
    (Col::DistrictCode, true),
    (Col::SchoolCode, true),
    (Col::SchoolName, false),
    (Col::StudentId, true),
    (Col::LastName, true),
    (Col::FirstName, true),
    (Col::Grade, true),
    (Col::SaRound1, false),
    (Col::SaRound2, false),
    (Col::SaInstrument, false),
    (Col::Presentation, false),
    (Col::MentorChecklist, false),
    (Col::CreditApplications, false),
    (Col::CompanyRegistration, false),
    (Col::Pathway, false),
    (Col::Complementary, false),
    (Col::Notes, false),
];
const EXAM: &[Spec] = &[
    (Col::StudentId, true),
    (Col::ExamDate, true),
    (Col::Score, false),
    (Col::Result, true),
    (Col::Provider, false),
];
const DISTRICTS: &[Spec] = &[
    (Col::DistrictCode, true),
    (Col::DistrictName, true),
    (Col::Kind, true),
    (Col::Client, true),
    (Col::AgreementYear, true),
    (Col::AgreementSigned, true),
    (Col::AgreementType, true),
];
const STATEWIDE: &[Spec] = &[
    (Col::StudentId, true),
    (Col::Credential, true),
    (Col::Attempted, true),
    (Col::Attained, false),
];
const CERTIFICATES: &[Spec] = &[
    (Col::StudentId, true),
    (Col::Credential, true),
    (Col::Issued, true),
];

/// The columns of an import kind, in template order.
pub fn columns(kind: BatchKind) -> &'static [Spec] {
    match kind {
        BatchKind::Completions | BatchKind::Edit | BatchKind::Transfer => COMPLETIONS,
        BatchKind::Exam => EXAM,
        BatchKind::Districts => DISTRICTS,
        BatchKind::Statewide => STATEWIDE,
        BatchKind::Certificates => CERTIFICATES,
    }
}

/// A header's matching form: text in parentheses dropped, lower-cased, every
/// character that is not a Unicode letter or digit deleted.
pub fn header_key(header: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for ch in header.nfc() {
        match ch {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            _ => {
                if ch.is_alphanumeric() {
                    out.extend(ch.to_lowercase());
                }
            }
        }
    }
    out
}

/// The column of `kind` a header names, if any.
pub fn match_header(kind: BatchKind, header: &str) -> Option<Col> {
    let key = header_key(header);
    if key.is_empty() {
        return None;
    }
    columns(kind)
        .iter()
        .map(|(c, _)| *c)
        .find(|c| header_key(c.name()) == key)
}

/// Guesses the kind from a header row (SPEC §2 "Kind").
pub fn guess_kind<'a>(cells: impl IntoIterator<Item = &'a str>) -> Option<BatchKind> {
    let keys: Vec<String> = cells.into_iter().map(header_key).collect();
    let has = |name: &str| keys.iter().any(|k| *k == header_key(name));
    if has("Exam Date") {
        Some(BatchKind::Exam)
    } else if has("Agreement Year") {
        Some(BatchKind::Districts)
    } else if has("Attempted") {
        Some(BatchKind::Statewide)
    } else if has("Issued") {
        Some(BatchKind::Certificates)
    } else {
        None
    }
}

/// A spreadsheet column letter for a 0-based index (`0` → `A`, `26` → `AA`).
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_keys_follow_the_spec() {
        assert_eq!(header_key("student id #"), "studentid");
        assert_eq!(header_key("STUDENT ID"), "studentid");
        assert_eq!(header_key("Client (Y/N)"), "client");
        assert_eq!(header_key("Result (Pass/Fail)"), "result");
        assert_eq!(
            header_key("Self Assessment Round 1"),
            "selfassessmentround1"
        );
        assert_eq!(
            header_key("Micro Enterprise Pathway"),
            "microenterprisepathway"
        );
        let k = BatchKind::Completions;
        assert_eq!(match_header(k, "student id #"), Some(Col::StudentId));
        assert_eq!(
            match_header(k, "Self-Assessment Round-1"),
            Some(Col::SaRound1)
        );
        assert_eq!(match_header(k, "SA Round-1"), None);
        assert_eq!(match_header(k, "Teacher"), None);
        assert_eq!(
            match_header(BatchKind::Districts, "Client (Y/N)"),
            Some(Col::Client)
        );
        assert_eq!(
            match_header(BatchKind::Exam, "Result (Pass/Fail)"),
            Some(Col::Result)
        );
        assert_eq!(match_header(k, "(notes)"), None);
    }

    #[test]
    fn kinds_are_guessed_from_marker_headers() {
        assert_eq!(
            guess_kind(["Student ID", "Exam Date"]),
            Some(BatchKind::Exam)
        );
        assert_eq!(guess_kind(["agreement year"]), Some(BatchKind::Districts));
        assert_eq!(guess_kind(["Attempted"]), Some(BatchKind::Statewide));
        assert_eq!(guess_kind(["Issued"]), Some(BatchKind::Certificates));
        assert_eq!(guess_kind(["Student ID", "Grade"]), None);
    }

    #[test]
    fn completion_columns_are_the_template_columns() {
        let names: Vec<&str> = columns(BatchKind::Completions)
            .iter()
            .map(|c| c.0.name())
            .collect();
        assert_eq!(names, crate::domain::COMPLETION_COLUMNS);
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(7), "H");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }
}
