//! Certificates (issue 8; policy "Relevant Procedures": "When all modules
//! have been completed, Career Compass will issue individual electronic
//! copies of the appropriate Micro-Enterprise Credential certificate to the
//! district/charter schools", once the district "submitted" the student's
//! documentation — here: confirmed the term's report).
//!
//! Pure: [`due`] picks the certificates a term's report makes due, and
//! [`pdf`] draws one. The verification code is made at the edge (it is
//! random) and kept in the store; the PDF only shows it.

use std::collections::BTreeSet;

use krilla::Document;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::text::{Font, TextDirection};

use super::semester::{CREDENTIALS, Report};
use crate::domain::{Credential, Date, DistrictCode, StudentId};

/// DejaVu Sans (Bitstream Vera licence, `assets/fonts/DejaVuSans-LICENSE.txt`),
/// built in and embedded (subset) in every certificate.
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// US Letter, landscape, in points.
const PAGE: (f32, f32) = (792.0, 612.0);

/// What went wrong drawing a certificate (never the data's fault).
#[derive(Debug, thiserror::Error)]
pub enum CertificateError {
    /// The built-in font did not load.
    #[error("the built-in certificate font does not load")]
    Font,
    /// The PDF library refused the document.
    #[error("cannot write the certificate PDF: {0}")]
    Pdf(String),
}

/// A certificate due: a qualifying student of a confirmed district and a
/// credential attained within the term.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Due {
    /// The district.
    pub district: DistrictCode,
    /// Its name (blank when there is no district record).
    pub district_name: String,
    /// The student.
    pub student: StudentId,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// School code.
    pub school: String,
    /// School name (blank when unknown).
    pub school_name: String,
    /// The credential.
    pub credential: Credential,
    /// When it was attained.
    pub attained: Date,
}

impl Due {
    /// The PDF's file name: `<district>-<student id>-<credential>.pdf`.
    pub fn file_name(&self) -> String {
        let c = match self.credential {
            Credential::RegionalCore => "regional-core",
            Credential::BasicStatewide => "basic-statewide",
            Credential::AdvancedStatewide => "advanced-statewide",
        };
        format!("{}-{}-{c}.pdf", self.district, self.student)
    }
}

/// The certificates `report` makes due: for each district in
/// `confirmed`, each qualifying student (the report's own standing: attained
/// within the term, no `error` finding) and each credential attained within
/// the term, unless `issued` already holds (student, credential). In report
/// order, credential order within a student.
pub fn due(
    report: &Report,
    confirmed: &BTreeSet<DistrictCode>,
    issued: &BTreeSet<(StudentId, Credential)>,
) -> Vec<Due> {
    let mut out = Vec::new();
    for d in report
        .districts
        .iter()
        .filter(|d| confirmed.contains(&d.code))
    {
        for s in &d.qualifying {
            let Some(student) = StudentId::parse(&s.student_id) else {
                continue;
            };
            for c in CREDENTIALS {
                let Some(attained) = s.attained(c) else {
                    continue;
                };
                if issued.contains(&(student.clone(), c)) {
                    continue;
                }
                out.push(Due {
                    district: d.code.clone(),
                    district_name: d.name.clone().unwrap_or_default(),
                    student: student.clone(),
                    first_name: s.first_name.clone(),
                    last_name: s.last_name.clone(),
                    school: s.school.clone(),
                    school_name: s.school_name.clone(),
                    credential: c,
                    attained,
                });
            }
        }
    }
    out
}

/// A fresh verification code from the OS's CSPRNG, unlike any in `taken`
/// (and added to it).
pub fn new_code(taken: &mut BTreeSet<String>) -> anyhow::Result<String> {
    loop {
        let mut bytes = [0u8; 10];
        getrandom::fill(&mut bytes)
            .map_err(|e| anyhow::anyhow!("no randomness from the operating system: {e}"))?;
        let code = encode_code(bytes);
        if taken.insert(code.clone()) {
            return Ok(code);
        }
    }
}

/// Each due certificate with a fresh code unlike any in `taken`.
pub fn with_codes(
    due: Vec<Due>,
    taken: &mut BTreeSet<String>,
) -> anyhow::Result<Vec<(Due, String)>> {
    due.into_iter().map(|d| Ok((d, new_code(taken)?))).collect()
}

/// Writes each certificate's PDF into `dir` (created if missing), named by
/// [`Due::file_name`]; on failure removes those already written.
pub fn write_pdfs(
    dir: &std::path::Path,
    docs: &[(Due, String)],
    issued: Date,
) -> anyhow::Result<Vec<std::path::PathBuf>> {
    use anyhow::Context as _;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written: Vec<std::path::PathBuf> = Vec::new();
    for (due, code) in docs {
        let path = dir.join(due.file_name());
        let result = pdf(due, issued, code)
            .map_err(anyhow::Error::from)
            .and_then(|bytes| {
                std::fs::write(&path, bytes)
                    .with_context(|| format!("cannot write {}", path.display()))
            });
        if let Err(e) = result {
            remove_all(&written);
            return Err(e);
        }
        written.push(path);
    }
    Ok(written)
}

/// Removes certificate PDFs written before a failure (a warning for any
/// that cannot be removed).
pub fn remove_all(paths: &[std::path::PathBuf]) {
    for p in paths {
        if let Err(e) = std::fs::remove_file(p) {
            tracing::warn!(error = %e, "could not remove a certificate PDF after a failure");
        }
    }
}

/// The records issuing `docs` on `issued` writes: one new certificate per
/// (student, credential), carrying its code (one change set).
pub fn certificate_writes(docs: &[(Due, String)], issued: Date) -> Vec<crate::domain::Write> {
    use crate::domain::{Certificate, Record, RecordKey, Write};
    docs.iter()
        .map(|(d, code)| Write {
            key: RecordKey::Certificate(d.student.clone(), d.credential),
            before: None,
            after: Some(Record::Certificate(Certificate {
                student: d.student.clone(),
                credential: d.credential,
                issued,
                code: Some(code.clone()),
            })),
        })
        .collect()
}

/// Crockford's base32: no I, L, O or U, so a code read aloud or retyped
/// survives (`verify` reads O as 0 and I, L as 1).
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The characters of a verification code.
pub const CODE_LEN: usize = 16;

/// A verification code from 80 random bits (10 bytes from the OS's CSPRNG,
/// drawn at the edge): 16 base32 characters.
pub fn encode_code(bytes: [u8; 10]) -> String {
    let mut bits = 0u128;
    for b in bytes {
        bits = (bits << 8) | u128::from(b);
    }
    (0..CODE_LEN)
        .rev()
        .map(|i| char::from(ALPHABET[((bits >> (i * 5)) & 31) as usize]))
        .collect()
}

/// A code as typed (any case, dashes and spaces, O for 0, I or L for 1) in
/// its stored form, or `None` when it cannot be a code.
pub fn normalise_code(text: &str) -> Option<String> {
    let code: String = text
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\t'))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// A code as printed: four groups of four (`ABCD-EFGH-JKMN-PQRS`).
pub fn grouped(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A date as a certificate says it: `November 19, 2026`.
pub fn long_date(d: Date) -> String {
    d.strftime("%B %-d, %Y").to_string()
}

/// "Name (code)", or the code alone when the name is blank.
fn named(name: &str, code: &str) -> String {
    if name.trim().is_empty() {
        code.to_string()
    } else {
        format!("{name} ({code})")
    }
}

/// The lines of a certificate, top to bottom, with their font sizes: what
/// [`pdf`] draws (and what a test reads back out of the PDF).
pub fn lines(due: &Due, issued: Date, code: &str) -> Vec<(f32, String)> {
    vec![
        (16.0, "Louisiana Jump Start".to_string()),
        (28.0, "Micro-Enterprise Credential".to_string()),
        (20.0, format!("Certificate: {}", due.credential.as_str())),
        (12.0, "This certifies that".to_string()),
        (30.0, format!("{} {}", due.first_name, due.last_name)),
        (11.0, format!("State student ID {}", due.student)),
        (13.0, format!("School: {}", named(&due.school_name, &due.school))),
        (
            13.0,
            format!(
                "District: {}",
                named(&due.district_name, due.district.as_str())
            ),
        ),
        (
            14.0,
            format!(
                "has attained the Micro-Enterprise Credential {} on {}.",
                due.credential.as_str(),
                long_date(due.attained)
            ),
        ),
        (12.0, format!("Issued {}", long_date(issued))),
        (14.0, format!("Verification code: {}", grouped(code))),
        (
            9.0,
            "The code is checked against the credential records, not this file: `mecred verify CODE`."
                .to_string(),
        ),
    ]
}

/// Draws `lines` (size, text) from the left edge `x`, each `spacing`
/// times its size below the one before, starting under `y`: the text of
/// a certificate or a fee statement.
pub(super) fn draw_lines(
    surface: &mut krilla::surface::Surface<'_>,
    font: &Font,
    (x, mut y): (f32, f32),
    spacing: f32,
    lines: Vec<(f32, String)>,
) {
    for (size, text) in lines {
        y += size * spacing;
        surface.draw_text(
            Point::from_xy(x, y),
            font.clone(),
            size,
            &text,
            false,
            TextDirection::Auto,
        );
    }
}

/// Draws one certificate: a one-page PDF with the font embedded.
pub fn pdf(due: &Due, issued: Date, code: &str) -> Result<Vec<u8>, CertificateError> {
    let font = Font::new(FONT.into(), 0).ok_or(CertificateError::Font)?;
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(format!(
                "{} certificate: {} {}",
                due.credential.as_str(),
                due.first_name,
                due.last_name
            ))
            .creator(format!("mecred {}", env!("CARGO_PKG_VERSION"))),
    );
    let settings = PageSettings::from_wh(PAGE.0, PAGE.1).ok_or(CertificateError::Font)?;
    let mut page = doc.start_page_with(settings);
    let mut surface = page.surface();
    if let Some(frame) = Rect::from_xywh(36.0, 36.0, PAGE.0 - 72.0, PAGE.1 - 72.0) {
        let mut pb = PathBuilder::new();
        pb.push_rect(frame);
        if let Some(path) = pb.finish() {
            surface.set_fill(None);
            surface.set_stroke(Some(Stroke {
                width: 3.0,
                ..Stroke::default()
            }));
            surface.draw_path(&path);
            surface.set_stroke(None);
            surface.set_fill(Some(krilla::paint::Fill::default()));
        }
    }
    draw_lines(
        &mut surface,
        &font,
        (72.0, 90.0),
        1.9,
        lines(due, issued, code),
    );
    surface.finish();
    page.finish();
    doc.finish()
        .map_err(|e| CertificateError::Pdf(format!("{e:?}")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::SchoolYear;
    use crate::domain::calendar::ymd;
    use crate::report::semester::{
        AgreementStatus, Attained, DistrictReport, Generated, StudentRow, Totals,
    };

    fn date(y: i16, m: i8, d: i8) -> Date {
        ymd(y, m, d).unwrap()
    }

    fn sample() -> Due {
        Due {
            district: DistrictCode::parse("017").unwrap(),
            district_name: "Caddo Parish".into(),
            student: StudentId::parse("0000000042").unwrap(),
            first_name: "Zoë".into(),
            last_name: "Thibodeaux".into(),
            school: "017004".into(),
            school_name: "Caddo Magnet High".into(),
            credential: Credential::RegionalCore,
            attained: date(2026, 11, 19),
        }
    }

    #[test]
    fn the_pdf_shows_name_school_district_credential_dates_and_code() {
        let bytes = pdf(&sample(), date(2026, 12, 4), "ABCDEFGHJKMNPQRS").unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let text = pdf_extract::extract_text_from_mem(&bytes).unwrap();
        for want in [
            "Zoë Thibodeaux",
            "State student ID 0000000042",
            "School: Caddo Magnet High (017004)",
            "District: Caddo Parish (017)",
            "Certificate: Regional Core",
            "has attained the Micro-Enterprise Credential Regional Core on November 19, 2026.",
            "Issued December 4, 2026",
            "Verification code: ABCD-EFGH-JKMN-PQRS",
        ] {
            assert!(text.contains(want), "{want:?} not in {text:?}");
        }
        // The font is embedded, not referenced.
        let raw = String::from_utf8_lossy(&bytes);
        assert!(raw.contains("/FontFile2"), "no embedded TrueType font");
    }

    #[test]
    fn the_same_certificate_gives_the_same_bytes() {
        let a = pdf(&sample(), date(2026, 12, 4), "ABCDEFGHJKMNPQRS").unwrap();
        let b = pdf(&sample(), date(2026, 12, 4), "ABCDEFGHJKMNPQRS").unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn blank_names_show_the_codes() {
        let mut d = sample();
        d.school_name.clear();
        d.district_name.clear();
        let l = lines(&d, date(2026, 12, 4), "ABCDEFGHJKMNPQRS");
        assert!(l.iter().any(|(_, t)| t == "School: 017004"));
        assert!(l.iter().any(|(_, t)| t == "District: 017"));
    }

    #[test]
    fn codes_are_16_base32_characters_and_read_back_as_typed() {
        let code = encode_code([0xff; 10]);
        assert_eq!(code, "ZZZZZZZZZZZZZZZZ");
        assert_eq!(encode_code([0; 10]), "0000000000000000");
        let c = encode_code([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(c.len(), CODE_LEN);
        assert_eq!(normalise_code(&grouped(&c).to_lowercase()), Some(c.clone()));
        assert_eq!(
            normalise_code("oooo-iiii-llll-0000"),
            Some("0000111111110000".into())
        );
        assert_eq!(normalise_code("ABCD"), None);
        assert_eq!(normalise_code("UUUUUUUUUUUUUUUU"), None);
        assert_eq!(normalise_code("ÄBCDEFGHJKMNPQRS"), None);
    }

    #[test]
    fn file_names_and_codes_read_well() {
        assert_eq!(sample().file_name(), "017-0000000042-regional-core.pdf");
        assert_eq!(grouped("ABCDEFGHJKMNPQRS"), "ABCD-EFGH-JKMN-PQRS");
        assert_eq!(long_date(date(2027, 3, 1)), "March 1, 2027");
    }

    fn row(id: &str, creds: &[(Credential, Date)]) -> StudentRow {
        StudentRow {
            student_id: id.into(),
            last_name: "L".into(),
            first_name: "F".into(),
            school: "017004".into(),
            school_name: "S".into(),
            grade: 12,
            credentials: creds
                .iter()
                .map(|(c, d)| Attained {
                    credential: c.as_str().into(),
                    date: *d,
                })
                .collect(),
        }
    }

    fn report(districts: Vec<(&str, Vec<StudentRow>)>) -> Report {
        let term: crate::domain::Term = "fall-2026".parse().unwrap();
        Report {
            today: date(2026, 12, 4),
            generated: Generated {
                last_change_set: None,
                by: "test".into(),
            },
            term,
            district: None,
            districts: districts
                .into_iter()
                .map(|(code, qualifying)| DistrictReport {
                    code: DistrictCode::parse(code).unwrap(),
                    name: Some(format!("District {code}")),
                    district_kind: None,
                    client: None,
                    agreement: AgreementStatus {
                        year: SchoolYear { end: 2027 },
                        status: "ok".into(),
                        signed: None,
                        agreement_type: None,
                        findings: vec![],
                    },
                    totals: Totals::default(),
                    qualifying,
                    blocked: vec![],
                })
                .collect(),
            statewide: None,
            fees: None,
        }
    }

    #[test]
    fn due_means_confirmed_district_qualifying_credential_not_yet_issued() {
        let rc = (Credential::RegionalCore, date(2026, 11, 19));
        let bs = (Credential::BasicStatewide, date(2026, 11, 30));
        let r = report(vec![
            (
                "017",
                vec![row("0000000001", &[rc, bs]), row("0000000002", &[rc])],
            ),
            ("009", vec![row("0000000003", &[rc])]),
        ]);
        let confirmed = BTreeSet::from([DistrictCode::parse("017").unwrap()]);
        let issued = BTreeSet::from([(
            StudentId::parse("0000000002").unwrap(),
            Credential::RegionalCore,
        )]);
        let got: Vec<(String, Credential)> = due(&r, &confirmed, &issued)
            .into_iter()
            .map(|d| (d.student.to_string(), d.credential))
            .collect();
        assert_eq!(
            got,
            vec![
                ("0000000001".to_string(), Credential::RegionalCore),
                ("0000000001".to_string(), Credential::BasicStatewide),
            ]
        );
        assert!(due(&r, &BTreeSet::new(), &BTreeSet::new()).is_empty());
    }
}
