//! `mecred certificates issue` and `mecred verify` (issue 8, policy
//! "Relevant Procedures": certificates are issued once the district has
//! submitted the documentation — here, confirmed the term's report).
//!
//! Issue: the report decides who qualifies (no rule is re-derived here); a
//! district counts as confirmed when its current confirmation's hash is the
//! report's hash now (a stale confirmation is re-confirmed first). The PDFs
//! are written first, then every certificate is recorded in ONE change set,
//! so a failure leaves no record (and removes the files): a later run issues
//! them afresh. Verify: the code is looked up in the store, never read from
//! the PDF.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Serialize;

use super::args::{IssueArgs, VerifyArgs};
use super::check::evaluate;
use super::context::now;
use super::report::{known, report_of};
use super::{Context, Refused, Status};
use crate::domain::{
    BatchKind, Certificate, Credential, Credentials, Date, DistrictCode, Progress, Record,
    RecordKey, Write,
};
use crate::report::certificate::{self, Due, encode_code, grouped, normalise_code};
use crate::report::hash;
use crate::store::{CodeLookup, Store};

/// One certificate issued, as `--json` lists it.
#[derive(Debug, Serialize)]
struct IssuedJson {
    district: String,
    student_id: String,
    first_name: String,
    last_name: String,
    school: String,
    credential: &'static str,
    attained: Date,
    issued: Date,
    code: String,
    file: PathBuf,
}

/// A district left out, and why.
#[derive(Debug, Serialize)]
struct SkippedJson {
    district: String,
    reason: String,
}

#[derive(Debug, Serialize)]
struct IssueJson {
    term: String,
    district: Option<String>,
    batch: Option<u64>,
    issued: Vec<IssuedJson>,
    skipped: Vec<SkippedJson>,
}

/// The districts of `term` whose current confirmation matches the report as
/// it stands, and the others that have qualifying students, with why.
fn confirmed_districts(
    store: &Store,
    today: Date,
    term: crate::domain::Term,
    district: Option<&DistrictCode>,
) -> anyhow::Result<(
    crate::report::Report,
    BTreeSet<DistrictCode>,
    Vec<SkippedJson>,
)> {
    let (snap, eval) = evaluate(store, today)?;
    if let Some(d) = district
        && !known(&snap, d)
    {
        return Err(Refused(format!("there is no district {d} in the database")).into());
    }
    let report = report_of(store, &snap, &eval, term, district)?;
    let mut confirmed = BTreeSet::new();
    let mut skipped = Vec::new();
    for d in report.districts.iter().filter(|d| !d.qualifying.is_empty()) {
        let current = store
            .confirmations_of(&d.code, term)?
            .into_iter()
            .find(|c| c.is_current());
        let reason = match current {
            None => format!("has not confirmed its {term} report (`mecred confirm`)"),
            Some(c) => {
                let now = report_of(store, &snap, &eval, term, Some(&d.code))?;
                if store.confirmation_matches(&c, &hash(&now))? {
                    confirmed.insert(d.code.clone());
                    continue;
                }
                format!(
                    "its {term} report changed since it was confirmed (CONFIRM-STALE): withdraw and confirm again"
                )
            }
        };
        skipped.push(SkippedJson {
            district: d.code.to_string(),
            reason,
        });
    }
    Ok((report, confirmed, skipped))
}

/// A fresh code from the OS's CSPRNG, unlike any in `taken`.
fn new_code(taken: &mut BTreeSet<String>) -> anyhow::Result<String> {
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

/// Writes each certificate's PDF into `dir`; on failure removes those
/// already written.
fn write_pdfs(dir: &Path, docs: &[(Due, String)], issued: Date) -> anyhow::Result<Vec<PathBuf>> {
    let mut written: Vec<PathBuf> = Vec::new();
    for (due, code) in docs {
        let path = dir.join(due.file_name());
        let result = certificate::pdf(due, issued, code)
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

fn remove_all(paths: &[PathBuf]) {
    for p in paths {
        if let Err(e) = std::fs::remove_file(p) {
            tracing::warn!(error = %e, "could not remove a certificate PDF after a failure");
        }
    }
}

/// Runs `mecred certificates issue --term T [--district C] -o DIR`.
pub fn run_issue(ctx: &Context, a: IssueArgs) -> anyhow::Result<Status> {
    ctx.check_writable("issuing certificates")?;
    let store = ctx.open_store()?;
    let (report, confirmed, skipped) =
        confirmed_districts(&store, ctx.today, a.term, a.district.as_ref())?;
    let stored = store.certificates()?;
    let already: BTreeSet<(crate::domain::StudentId, Credential)> = stored
        .iter()
        .map(|c| (c.student.clone(), c.credential))
        .collect();
    let mut taken: BTreeSet<String> = stored.into_iter().filter_map(|c| c.code).collect();
    let mut docs = Vec::new();
    for due in certificate::due(&report, &confirmed, &already) {
        let code = new_code(&mut taken)?;
        docs.push((due, code));
    }
    let issued = ctx.today;
    let mut batch = None;
    let mut files = Vec::new();
    if !docs.is_empty() {
        std::fs::create_dir_all(&a.output)
            .with_context(|| format!("cannot create {}", a.output.display()))?;
        files = write_pdfs(&a.output, &docs, issued)?;
        let writes = docs
            .iter()
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
            .collect();
        let description = format!(
            "certificates {} ({})",
            a.term,
            a.district
                .as_ref()
                .map_or("all districts".to_string(), |d| d.to_string())
        );
        match store.apply_change_set(
            BatchKind::Edit,
            &description,
            a.district.clone(),
            writes,
            &ctx.actor,
            &now(),
        ) {
            Ok((id, _)) => batch = Some(id),
            Err(e) => {
                remove_all(&files);
                return Err(e.into());
            }
        }
        tracing::info!(count = docs.len(), "certificates issued");
    }
    let issued_json: Vec<IssuedJson> = docs
        .iter()
        .zip(&files)
        .map(|((d, code), file)| IssuedJson {
            district: d.district.to_string(),
            student_id: d.student.to_string(),
            first_name: d.first_name.clone(),
            last_name: d.last_name.clone(),
            school: d.school.clone(),
            credential: d.credential.as_str(),
            attained: d.attained,
            issued,
            code: grouped(code),
            file: file.clone(),
        })
        .collect();
    if ctx.json {
        let out = IssueJson {
            term: a.term.to_string(),
            district: a.district.map(|d| d.to_string()),
            batch,
            issued: issued_json,
            skipped,
        };
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(Status::Ok);
    }
    for s in &skipped {
        eprintln!("skipped {}: {}", s.district, s.reason);
    }
    match batch {
        None => println!("no certificates due for {}", a.term),
        Some(id) => {
            for c in &issued_json {
                println!(
                    "{} {} {} {}: {} ({})",
                    c.district,
                    c.student_id,
                    c.credential,
                    c.code,
                    c.file.display(),
                    format_args!("{} {}", c.first_name, c.last_name)
                );
            }
            println!(
                "issued {} certificate(s) for {} as change set {id} (undo: mecred uploads revert {id}) into {}",
                issued_json.len(),
                a.term,
                a.output.display()
            );
        }
    }
    Ok(Status::Ok)
}

/// What `verify` found.
#[derive(Debug, Serialize)]
struct VerifyJson {
    code: String,
    /// `valid`, `revoked`, `purged` or `unknown`.
    status: &'static str,
    reason: String,
    certificate: Option<CertJson>,
}

#[derive(Debug, Serialize)]
struct CertJson {
    student_id: String,
    first_name: Option<String>,
    last_name: Option<String>,
    school: Option<String>,
    district: Option<String>,
    credential: &'static str,
    issued: Date,
    attained: Option<Date>,
}

/// The student's details and when it attained the certificate's credential
/// (as CERT-INCOMPLETE judges it: the same `Credentials`).
fn describe(store: &Store, c: &Certificate) -> anyhow::Result<CertJson> {
    let student = match store.get(&RecordKey::Student(c.student.clone()))? {
        Some(Record::Student(s)) => Some(s),
        _ => None,
    };
    let attained = match &student {
        Some(s) => {
            let progress = Progress::of(s, &store.exams_of(&s.id)?);
            Credentials::of(&progress, &store.statewide_of(&s.id)?).get(c.credential)
        }
        None => None,
    };
    Ok(CertJson {
        student_id: c.student.to_string(),
        first_name: student.as_ref().map(|s| s.first_name.clone()),
        last_name: student.as_ref().map(|s| s.last_name.clone()),
        school: student.as_ref().map(|s| s.school.to_string()),
        district: student.as_ref().map(|s| s.district().to_string()),
        credential: c.credential.as_str(),
        issued: c.issued,
        attained,
    })
}

/// Runs `mecred verify CODE`: exit 0 when genuine and valid, 1 when revoked
/// or unknown.
pub fn run_verify(ctx: &Context, a: VerifyArgs) -> anyhow::Result<Status> {
    let store = ctx.open_store()?;
    let normal = normalise_code(&a.code);
    let lookup = match &normal {
        Some(code) => store.certificate_by_code(code)?,
        None => CodeLookup::Unknown,
    };
    // As printed when it can be a code, else as given.
    let shown = normal.as_deref().map_or_else(|| a.code.clone(), grouped);
    // A purged student's certificate answers "purged" (retention, issue 8).
    let purged = match &lookup {
        CodeLookup::Current(c) | CodeLookup::Removed(c) => store
            .purged_student(&c.student)?
            .filter(|p| p.redacted)
            .map(|p| (c.clone(), p)),
        CodeLookup::Unknown => None,
    };
    let out = if let Some((c, p)) = purged {
        VerifyJson {
            code: shown.clone(),
            status: "purged",
            reason: format!(
                "the certificate was issued here; the student's personal data was purged on {} under the two-year retention rule",
                p.at.get(..10).unwrap_or(&p.at)
            ),
            certificate: Some(CertJson {
                student_id: c.student.to_string(),
                first_name: None,
                last_name: None,
                school: None,
                district: Some(p.district.to_string()),
                credential: c.credential.as_str(),
                issued: c.issued,
                attained: None,
            }),
        }
    } else {
        match lookup {
            CodeLookup::Current(c) => {
                let cert = describe(&store, &c)?;
                let (status, reason) = if cert.attained.is_some() {
                    (
                        "valid",
                        format!("genuine: the student holds {}", c.credential.as_str()),
                    )
                } else {
                    (
                        "revoked",
                        format!(
                            "the student no longer holds {} (CERT-INCOMPLETE)",
                            c.credential.as_str()
                        ),
                    )
                };
                VerifyJson {
                    code: shown.clone(),
                    status,
                    reason,
                    certificate: Some(cert),
                }
            }
            CodeLookup::Removed(c) => VerifyJson {
                code: shown.clone(),
                status: "revoked",
                reason: "the certificate was issued here but its record has since been removed"
                    .to_string(),
                certificate: Some(describe(&store, &c)?),
            },
            CodeLookup::Unknown => VerifyJson {
                code: shown.clone(),
                status: "unknown",
                reason: "no certificate was issued with this code".to_string(),
                certificate: None,
            },
        }
    };
    if ctx.json {
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        match &out.certificate {
            Some(c) => println!(
                "{}: {} — {} certificate of {} {} ({}), issued {}",
                out.status,
                out.reason,
                c.credential,
                c.first_name.as_deref().unwrap_or(""),
                c.last_name.as_deref().unwrap_or(""),
                c.student_id,
                c.issued
            ),
            None => println!("{}: {}", out.status, out.reason),
        }
    }
    Ok(if out.status == "valid" {
        Status::Ok
    } else {
        Status::BadInput
    })
}
