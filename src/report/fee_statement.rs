//! Fee statements for BRAC (issue 8, "Fees"): what one district owes for a
//! school year, billed each spring, from the counts it confirmed for the
//! fall and the spring terms and the year's fee schedule; each term's lines
//! shown apart.
//! Pure: [`lines`] is the content, [`pdf`] draws it (deterministic: the same
//! statement gives the same bytes) and [`csv`] lists it for BRAC's books.

use krilla::Document;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::text::Font;

use super::certificate::{CertificateError, draw_lines, long_date};
use crate::domain::fee::FEE_CREDENTIALS;
use crate::domain::{Cents, FeeCounts, FeeStatement, Term};

/// DejaVu Sans, as on the certificates.
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// US Letter, portrait, in points.
const PAGE: (f32, f32) = (612.0, 792.0);

/// One billed line: which term, what, how many, at what rate, for how much.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The term confirmed (`None` for the base fee, billed once a year).
    pub term: Option<Term>,
    /// `Regional Core`…, `No qualifying students`, or `District base fee`.
    pub item: &'static str,
    /// Qualifying students (1 for the base fee).
    pub count: u64,
    /// The rate (`None` on a no-qualifying-students line).
    pub rate: Option<Cents>,
    /// `count × rate`.
    pub amount: Cents,
}

/// The item of a term no student qualified in.
pub const NO_QUALIFYING: &str = "No qualifying students";

/// A term's lines: one per credential, or one saying nobody qualified.
fn term_items(s: &FeeStatement, term: Term, counts: &FeeCounts) -> Vec<Item> {
    if counts.is_empty() {
        return vec![Item {
            term: Some(term),
            item: NO_QUALIFYING,
            count: 0,
            rate: None,
            amount: Cents(0),
        }];
    }
    FEE_CREDENTIALS
        .iter()
        .map(|c| Item {
            term: Some(term),
            item: c.as_str(),
            count: counts.of(*c),
            rate: Some(s.rates.of(*c)),
            amount: s.rates.of(*c).times(counts.of(*c)),
        })
        .collect()
}

/// The billed lines: the fall term's (from its confirmation, or "no
/// qualifying students" when it had none), then the spring term's, then
/// the base fee — once for the year — when there is one and a student
/// qualified in either term.
pub fn items(s: &FeeStatement) -> Vec<Item> {
    let no_fall = FeeCounts::default();
    let fall = s.fall.as_ref().map_or(&no_fall, |f| &f.counts);
    let mut out = term_items(s, s.fall_term(), fall);
    out.extend(term_items(s, s.term, &s.counts));
    if s.rates.base > Cents(0) && !s.year_counts().is_empty() {
        out.push(Item {
            term: None,
            item: "District base fee",
            count: 1,
            rate: Some(s.rates.base),
            amount: s.rates.base,
        });
    }
    out
}

/// "Name (code)", or the code alone when the name is blank.
fn named(s: &FeeStatement) -> String {
    if s.district_name.trim().is_empty() {
        s.district.to_string()
    } else {
        format!("{} ({})", s.district_name, s.district)
    }
}

/// The lines of a statement, top to bottom, with their font sizes: what
/// [`pdf`] draws (and what a test reads back out of the PDF).
pub fn lines(s: &FeeStatement) -> Vec<(f32, String)> {
    let mut out = vec![
        (
            12.0,
            "Louisiana Jump Start Micro-Enterprise Credential".to_string(),
        ),
        (22.0, format!("Fee statement {}", s.number)),
        (
            11.0,
            "Prepared for BRAC, which invoices the district.".to_string(),
        ),
        (12.0, format!("District: {}", named(s))),
        (
            12.0,
            format!("Term: {} (school year {})", s.term, s.term.school_year()),
        ),
        (12.0, format!("Issued: {}", long_date(s.issued))),
        (
            10.0,
            format!(
                "Bills the school year {} from the district's confirmed reports:",
                s.term.school_year()
            ),
        ),
    ];
    let confirmation = |term: Term, seq: u32, sha: &str| {
        (8.0, format!("{term}: confirmation {seq}, SHA-256 {sha}."))
    };
    out.push(match &s.fall {
        Some(f) => confirmation(f.term, f.confirmation_seq, &f.confirmation_sha256),
        None => (
            8.0,
            format!(
                "{}: no confirmation needed (no qualifying students).",
                s.fall_term()
            ),
        ),
    });
    out.push(confirmation(
        s.term,
        s.confirmation_seq,
        &s.confirmation_sha256,
    ));
    out.push((
        10.0,
        format!(
            "Fee schedule {} (version {}).",
            s.term.school_year(),
            s.schedule_seq
        ),
    ));
    for i in items(s) {
        let what = match (i.term, i.rate) {
            (None, _) => format!("{}: {}", i.item, i.amount),
            (Some(t), None) => format!("{t}: no qualifying students"),
            (Some(t), Some(rate)) => format!(
                "{t} {}: {} student(s) x {rate} = {}",
                i.item, i.count, i.amount
            ),
        };
        out.push((13.0, what));
    }
    out.push((16.0, format!("Total due: {}", s.total())));
    out.push((
        9.0,
        format!(
            "Quote {} with BRAC's invoice; mecred records the invoice and the payment.",
            s.number
        ),
    ));
    out
}

/// Draws one statement: a one-page PDF with the font embedded and no
/// creation date, so the same statement gives the same bytes.
pub fn pdf(s: &FeeStatement) -> Result<Vec<u8>, CertificateError> {
    let font = Font::new(FONT.into(), 0).ok_or(CertificateError::Font)?;
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(format!("Fee statement {}", s.number))
            .creator(format!("mecred {}", env!("CARGO_PKG_VERSION"))),
    );
    let settings = PageSettings::from_wh(PAGE.0, PAGE.1).ok_or(CertificateError::Font)?;
    let mut page = doc.start_page_with(settings);
    let mut surface = page.surface();
    draw_lines(&mut surface, &font, (60.0, 60.0), 2.0, lines(s));
    surface.finish();
    page.finish();
    doc.finish()
        .map_err(|e| CertificateError::Pdf(format!("{e:?}")))
}

/// The CSV header.
pub const CSV_HEADER: [&str; 11] = [
    "Statement",
    "Term",
    "School Year",
    "District",
    "District Name",
    "Issued",
    "Billed Term",
    "Item",
    "Students",
    "Rate",
    "Amount",
];

/// One row per billed line (its term in `Billed Term`, blank for the base
/// fee), then a `Total` row; amounts in dollars with two decimals, no
/// currency sign.
pub fn csv(s: &FeeStatement) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail; a failed row would only be missing.
    let _ = w.write_record(CSV_HEADER);
    let term = s.term.to_string();
    let year = s.term.school_year().to_string();
    let issued = s.issued.to_string();
    let row = |billed: String, item: &str, count: String, rate: String, amount: Cents| {
        [
            s.number.clone(),
            term.clone(),
            year.clone(),
            s.district.to_string(),
            s.district_name.clone(),
            issued.clone(),
            billed,
            item.to_string(),
            count,
            rate,
            amount.plain(),
        ]
    };
    for i in items(s) {
        let _ = w.write_record(row(
            i.term.map(|t| t.to_string()).unwrap_or_default(),
            i.item,
            i.count.to_string(),
            i.rate.map(Cents::plain).unwrap_or_default(),
            i.amount,
        ));
    }
    let _ = w.write_record(row(
        String::new(),
        "Total",
        String::new(),
        String::new(),
        s.total(),
    ));
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::{Date, DistrictCode, FeePart, FeeRates};

    pub(crate) fn sample() -> FeeStatement {
        FeeStatement {
            number: "FEE-2027S-017".into(),
            district: DistrictCode::parse("017").unwrap(),
            district_name: "Caddo Parish".into(),
            term: "spring-2027".parse().unwrap(),
            confirmation_seq: 1,
            confirmation_sha256: "ab".repeat(32),
            counts: FeeCounts {
                regional_core: 12,
                basic_statewide: 3,
                advanced_statewide: 0,
            },
            fall: Some(FeePart {
                term: "fall-2026".parse().unwrap(),
                confirmation_seq: 2,
                confirmation_sha256: "cd".repeat(32),
                counts: FeeCounts {
                    regional_core: 4,
                    basic_statewide: 0,
                    advanced_statewide: 1,
                },
            }),
            schedule_seq: 2,
            rates: FeeRates {
                regional_core: Cents(1000),
                basic_statewide: Cents(1550),
                advanced_statewide: Cents(2000),
                base: Cents(25_000),
            },
            issued: Date::constant(2027, 6, 4),
            by: "op".into(),
            at: "2027-06-04T10:00:00Z".into(),
            invoice: None,
            payment: None,
        }
    }

    #[test]
    fn the_pdf_shows_number_district_counts_rates_and_total() {
        let bytes = pdf(&sample()).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let text = pdf_extract::extract_text_from_mem(&bytes).unwrap();
        for want in [
            "Fee statement FEE-2027S-017",
            "District: Caddo Parish (017)",
            "Term: spring-2027 (school year 2026-27)",
            "Issued: June 4, 2027",
            "Bills the school year 2026-27 from the district's confirmed reports:",
            &format!("fall-2026: confirmation 2, SHA-256 {}.", "cd".repeat(32)),
            &format!("spring-2027: confirmation 1, SHA-256 {}.", "ab".repeat(32)),
            "fall-2026 Regional Core: 4 student(s) x $10.00 = $40.00",
            "fall-2026 Basic Statewide: 0 student(s) x $15.50 = $0.00",
            "fall-2026 Advanced Statewide: 1 student(s) x $20.00 = $20.00",
            "spring-2027 Regional Core: 12 student(s) x $10.00 = $120.00",
            "spring-2027 Basic Statewide: 3 student(s) x $15.50 = $46.50",
            "spring-2027 Advanced Statewide: 0 student(s) x $20.00 = $0.00",
            "District base fee: $250.00",
            "Total due: $476.50",
        ] {
            assert!(text.contains(want), "{want:?} not in {text:?}");
        }
        let raw = String::from_utf8_lossy(&bytes);
        assert!(raw.contains("/FontFile2"), "no embedded TrueType font");
        assert!(
            !raw.contains("/CreationDate"),
            "a timestamp makes reruns differ"
        );
    }

    #[test]
    fn the_same_statement_gives_the_same_bytes() {
        assert_eq!(pdf(&sample()).unwrap(), pdf(&sample()).unwrap());
    }

    #[test]
    fn no_base_fee_means_no_base_line_and_blank_names_show_the_code() {
        let mut s = sample();
        s.rates.base = Cents(0);
        s.district_name.clear();
        let l = lines(&s);
        assert!(!l.iter().any(|(_, t)| t.contains("base fee")));
        assert!(l.iter().any(|(_, t)| t == "District: 017"));
        assert!(l.iter().any(|(_, t)| t == "Total due: $226.50"));
    }

    #[test]
    fn a_fall_without_qualifying_students_says_so_and_bills_spring_only() {
        let mut s = sample();
        s.fall = None;
        let l: Vec<String> = lines(&s).into_iter().map(|(_, t)| t).collect();
        assert!(
            l.contains(&"fall-2026: no confirmation needed (no qualifying students).".into()),
            "{l:?}"
        );
        assert!(
            l.contains(&"fall-2026: no qualifying students".into()),
            "{l:?}"
        );
        assert!(!l.iter().any(|t| t.starts_with("fall-2026 Regional Core")));
        assert!(l.contains(&"Total due: $416.50".into()), "{l:?}");
        // Confirmed with nobody: the confirmation shows, no credential lines.
        let mut z = sample();
        if let Some(f) = z.fall.as_mut() {
            f.counts = FeeCounts::default();
        }
        let l: Vec<String> = lines(&z).into_iter().map(|(_, t)| t).collect();
        assert!(l.iter().any(|t| t.starts_with("fall-2026: confirmation 2")));
        assert!(
            l.contains(&"fall-2026: no qualifying students".into()),
            "{l:?}"
        );
        assert!(l.contains(&"Total due: $416.50".into()), "{l:?}");
    }

    #[test]
    fn no_qualifying_student_all_year_bills_nothing() {
        let mut s = sample();
        s.counts = FeeCounts::default();
        s.fall = None;
        let l = lines(&s);
        assert!(!l.iter().any(|(_, t)| t.contains("base fee")));
        assert!(
            l.iter()
                .any(|(_, t)| t == "spring-2027: no qualifying students")
        );
        assert!(l.iter().any(|(_, t)| t == "Total due: $0.00"));
        // Nobody in spring but some in the fall: fall and the base are billed.
        let mut f = sample();
        f.counts = FeeCounts::default();
        let l = lines(&f);
        assert!(l.iter().any(|(_, t)| t == "District base fee: $250.00"));
        assert!(l.iter().any(|(_, t)| t == "Total due: $310.00"));
    }

    #[test]
    fn the_csv_lists_each_line_and_the_total() {
        let text = String::from_utf8(csv(&sample())).unwrap();
        assert_eq!(
            text,
            "Statement,Term,School Year,District,District Name,Issued,Billed Term,Item,Students,Rate,Amount\n\
             FEE-2027S-017,spring-2027,2026-27,017,Caddo Parish,2027-06-04,fall-2026,Regional Core,4,10.00,40.00\n\
             FEE-2027S-017,spring-2027,2026-27,017,Caddo Parish,2027-06-04,fall-2026,Basic Statewide,0,15.50,0.00\n\
             FEE-2027S-017,spring-2027,2026-27,017,Caddo Parish,2027-06-04,fall-2026,Advanced Statewide,1,20.00,20.00\n\
             FEE-2027S-017,spring-2027,2026-27,017,Caddo Parish,2027-06-04,spring-2027,Regional Core,12,10.00,120.00\n\
             FEE-2027S-017,spring-2027,2026-27,017,Caddo Parish,2027-06-04,spring-2027,Basic Statewide,3,15.50,46.50\n\
             FEE-2027S-017,spring-2027,2026-27,017,Caddo Parish,2027-06-04,spring-2027,Advanced Statewide,0,20.00,0.00\n\
             FEE-2027S-017,spring-2027,2026-27,017,Caddo Parish,2027-06-04,,District base fee,1,250.00,250.00\n\
             FEE-2027S-017,spring-2027,2026-27,017,Caddo Parish,2027-06-04,,Total,,,476.50\n"
        );
        let mut s = sample();
        s.fall = None;
        let text = String::from_utf8(csv(&s)).unwrap();
        assert!(
            text.contains("2027-06-04,fall-2026,No qualifying students,0,,0.00\n"),
            "{text}"
        );
        assert!(text.ends_with(",Total,,,416.50\n"), "{text}");
    }
}
