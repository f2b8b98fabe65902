//! Fee statements for BRAC (issue 8, "Fees"): what one district owes for a
//! spring term, from the counts it confirmed and the year's fee schedule.
//! Pure: [`lines`] is the content, [`pdf`] draws it (deterministic: the same
//! statement gives the same bytes) and [`csv`] lists it for BRAC's books.

use krilla::Document;
use krilla::geom::Point;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};

use super::certificate::{CertificateError, long_date};
use crate::domain::fee::FEE_CREDENTIALS;
use crate::domain::{Cents, FeeStatement};

/// DejaVu Sans, as on the certificates.
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// US Letter, portrait, in points.
const PAGE: (f32, f32) = (612.0, 792.0);

/// One billed line: what, how many, at what rate, for how much.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// `Regional Core`…, or `District base fee`.
    pub item: &'static str,
    /// Qualifying students (1 for the base fee).
    pub count: u64,
    /// The rate.
    pub rate: Cents,
    /// `count × rate`.
    pub amount: Cents,
}

/// The billed lines: one per credential, then the base fee when there is
/// one and a student qualified.
pub fn items(s: &FeeStatement) -> Vec<Item> {
    let mut out: Vec<Item> = FEE_CREDENTIALS
        .iter()
        .map(|c| Item {
            item: c.as_str(),
            count: s.counts.of(*c),
            rate: s.rates.of(*c),
            amount: s.rates.of(*c).times(s.counts.of(*c)),
        })
        .collect();
    if s.rates.base > Cents(0) && !s.counts.is_empty() {
        out.push(Item {
            item: "District base fee",
            count: 1,
            rate: s.rates.base,
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
                "Billed from the district's confirmed report (confirmation {}, SHA-256 {}).",
                s.confirmation_seq, s.confirmation_sha256
            ),
        ),
        (
            10.0,
            format!(
                "Fee schedule {} (version {}).",
                s.term.school_year(),
                s.schedule_seq
            ),
        ),
    ];
    for i in items(s) {
        let what = if i.item == "District base fee" {
            format!("{}: {}", i.item, i.amount)
        } else {
            format!(
                "{}: {} student(s) x {} = {}",
                i.item, i.count, i.rate, i.amount
            )
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
    let mut y = 60.0;
    for (size, text) in lines(s) {
        y += size * 2.0;
        surface.draw_text(
            Point::from_xy(60.0, y),
            font.clone(),
            size,
            &text,
            false,
            TextDirection::Auto,
        );
    }
    surface.finish();
    page.finish();
    doc.finish()
        .map_err(|e| CertificateError::Pdf(format!("{e:?}")))
}

/// The CSV header.
pub const CSV_HEADER: [&str; 10] = [
    "Statement",
    "Term",
    "School Year",
    "District",
    "District Name",
    "Issued",
    "Item",
    "Students",
    "Rate",
    "Amount",
];

/// One row per billed line, then a `Total` row; amounts in dollars with two
/// decimals, no currency sign.
pub fn csv(s: &FeeStatement) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail; a failed row would only be missing.
    let _ = w.write_record(CSV_HEADER);
    let term = s.term.to_string();
    let year = s.term.school_year().to_string();
    let issued = s.issued.to_string();
    let row = |item: &str, count: String, rate: String, amount: Cents| {
        [
            s.number.clone(),
            term.clone(),
            year.clone(),
            s.district.to_string(),
            s.district_name.clone(),
            issued.clone(),
            item.to_string(),
            count,
            rate,
            amount.plain(),
        ]
    };
    for i in items(s) {
        let _ = w.write_record(row(i.item, i.count.to_string(), i.rate.plain(), i.amount));
    }
    let _ = w.write_record(row("Total", String::new(), String::new(), s.total()));
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::{Date, DistrictCode, FeeCounts, FeeRates};

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
            "Regional Core: 12 student(s) x $10.00 = $120.00",
            "Basic Statewide: 3 student(s) x $15.50 = $46.50",
            "Advanced Statewide: 0 student(s) x $20.00 = $0.00",
            "District base fee: $250.00",
            "Total due: $416.50",
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
        assert!(l.iter().any(|(_, t)| t == "Total due: $166.50"));
    }

    #[test]
    fn no_qualifying_student_bills_nothing() {
        let mut s = sample();
        s.counts = FeeCounts::default();
        let l = lines(&s);
        assert!(!l.iter().any(|(_, t)| t.contains("base fee")));
        assert!(l.iter().any(|(_, t)| t == "Total due: $0.00"));
    }

    #[test]
    fn the_csv_lists_each_line_and_the_total() {
        let text = String::from_utf8(csv(&sample())).unwrap();
        assert_eq!(
            text,
            "Statement,Term,School Year,District,District Name,Issued,Item,Students,Rate,Amount\n\
             FEE-2027S-017,spring-2027,2026-27,017,Caddo Parish,2027-06-04,Regional Core,12,10.00,120.00\n\
             FEE-2027S-017,spring-2027,2026-27,017,Caddo Parish,2027-06-04,Basic Statewide,3,15.50,46.50\n\
             FEE-2027S-017,spring-2027,2026-27,017,Caddo Parish,2027-06-04,Advanced Statewide,0,20.00,0.00\n\
             FEE-2027S-017,spring-2027,2026-27,017,Caddo Parish,2027-06-04,District base fee,1,250.00,250.00\n\
             FEE-2027S-017,spring-2027,2026-27,017,Caddo Parish,2027-06-04,Total,,,416.50\n"
        );
    }
}
