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

use std::io::Write as _;

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::Serialize;

use super::args::{IssueArgs, VerifyArgs};
use super::check::evaluate;
use super::context::now;
use super::report::{known, report_of};
use super::{Context, Refused, Status};
use crate::domain::{
    BatchKind, Certificate, Credential, Credentials, Date, DistrictCode, Progress, Record,
    RecordKey, StudentId, Term,
};
use crate::report::certificate::{self, Due, grouped, normalise_code};
use crate::report::hash;
use crate::report::semester::CREDENTIALS;
use crate::store::{CodeLookup, Store};
use crate::tui::source::{CertificateStanding, CertificateState};

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

/// What issuing certificates for a term would issue now: THE rule of
/// "due", asked by `mecred certificates issue` and by the UI (through
/// [`standings`]) alike.
#[derive(Debug, Clone, Default)]
pub struct DueIn {
    /// The certificates due, in report order (see [`certificate::due`]).
    pub due: Vec<Due>,
    /// The districts with qualifying students left out, and why (not
    /// confirmed, or confirmed before the report changed).
    pub skipped: Vec<(DistrictCode, String)>,
}

/// The certificates due for `term` (narrowed to `district`): the report
/// (built from `snap` and `eval`, as `mecred report` builds it) decides who
/// qualifies; a district counts as confirmed when its current
/// confirmation's hash is the report's hash now (a stale confirmation is
/// re-confirmed first); a (student, credential) already certified is not
/// due again.
pub fn due_in(
    store: &Store,
    snap: &crate::policy::Snapshot,
    eval: &crate::policy::Evaluation,
    term: Term,
    district: Option<&DistrictCode>,
) -> anyhow::Result<DueIn> {
    let report = report_of(store, snap, eval, term, district)?;
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
                let now = report_of(store, snap, eval, term, Some(&d.code))?;
                if store.confirmation_matches(&c, &hash(&now))? {
                    confirmed.insert(d.code.clone());
                    continue;
                }
                format!(
                    "its {term} report changed since it was confirmed (CONFIRM-STALE): withdraw and confirm again"
                )
            }
        };
        skipped.push((d.code.clone(), reason));
    }
    let already: BTreeSet<(StudentId, Credential)> = store
        .certificates()?
        .into_iter()
        .map(|c| (c.student, c.credential))
        .collect();
    Ok(DueIn {
        due: certificate::due(&report, &confirmed, &already),
        skipped,
    })
}

/// Each student of `ids`' certificates on `today`, per credential held or
/// certified (credential order): the certificate issued, or whether one is
/// due ([`due_in`] for the term the credential was attained in and the
/// student's district) and why not yet. Students not stored are left out.
pub fn standings(
    store: &Store,
    today: Date,
    ids: &[StudentId],
) -> anyhow::Result<Vec<CertificateStanding>> {
    // Evaluated only when a credential without a certificate needs its
    // report (a detail of a student holding none stays cheap).
    let mut evaluated: Option<(crate::policy::Snapshot, crate::policy::Evaluation)> = None;
    let stored = store.certificates()?;
    let mut reports: Vec<((Term, DistrictCode), DueIn)> = Vec::new();
    let mut out = Vec::new();
    for id in ids {
        let Some(Record::Student(s)) = store.get(&RecordKey::Student(id.clone()))? else {
            continue;
        };
        let progress = Progress::of(&s, &store.exams_of(id)?);
        let held = Credentials::of(&progress, &store.statewide_of(id)?);
        for c in CREDENTIALS {
            let attained = held.get(c);
            let issued = stored
                .iter()
                .find(|x| &x.student == id && x.credential == c);
            let state = match (issued, attained) {
                (Some(cert), _) => CertificateState::Issued(cert.clone()),
                (None, None) => continue,
                (None, Some(date)) => {
                    let key = (Term::of(date), s.district());
                    let at = match reports.iter().position(|(k, _)| *k == key) {
                        Some(at) => at,
                        None => {
                            if evaluated.is_none() {
                                evaluated = Some(evaluate(store, today)?);
                            }
                            let Some((snap, eval)) = &evaluated else {
                                continue;
                            };
                            let d = due_in(store, snap, eval, key.0, Some(&key.1))?;
                            reports.push((key.clone(), d));
                            reports.len() - 1
                        }
                    };
                    let (term, district) = &key;
                    let d = reports.get(at).map(|(_, d)| d);
                    let found = d
                        .and_then(|d| d.due.iter().find(|x| &x.student == id && x.credential == c));
                    let why = d.and_then(|d| {
                        d.skipped
                            .iter()
                            .find(|(code, _)| code == district)
                            .map(|(_, why)| why.clone())
                    });
                    match (found, why) {
                        (Some(due), _) => CertificateState::Due(Box::new(due.clone())),
                        (None, Some(why)) => {
                            CertificateState::Waiting(format!("district {district}: {why}"))
                        }
                        (None, None) => CertificateState::Waiting(format!(
                            "not qualifying in district {district}'s {term} report (an error finding blocks it)"
                        )),
                    }
                }
            };
            out.push(CertificateStanding {
                student: id.clone(),
                credential: c,
                attained,
                state,
            });
        }
    }
    Ok(out)
}

/// [`certificate::write_pdfs`] through the command's file layer: each
/// certificate's PDF into `dir`; on failure those written are removed.
fn write_pdfs(
    ctx: &Context,
    dir: &std::path::Path,
    docs: &[(certificate::Due, String)],
    issued: crate::domain::Date,
) -> anyhow::Result<Vec<std::path::PathBuf>> {
    ctx.create_dir_all(dir)?;
    let mut written = Vec::new();
    for (due, code) in docs {
        let path = dir.join(due.file_name());
        let result = certificate::pdf(due, issued, code)
            .map_err(anyhow::Error::from)
            .and_then(|bytes| ctx.write_file(&path, bytes));
        if let Err(e) = result {
            ctx.remove_files(&written);
            return Err(e);
        }
        written.push(path);
    }
    Ok(written)
}

/// Runs `mecred certificates issue --term T [--district C] -o DIR`.
pub fn run_issue(ctx: &Context, a: IssueArgs) -> anyhow::Result<Status> {
    ctx.check_writable("issuing certificates")?;
    let store = ctx.open_store()?;
    let (snap, eval) = evaluate(&store, ctx.today)?;
    if let Some(d) = &a.district
        && !known(&snap, d)
    {
        return Err(Refused(format!("there is no district {d} in the database")).into());
    }
    let found = due_in(&store, &snap, &eval, a.term, a.district.as_ref())?;
    let skipped: Vec<SkippedJson> = found
        .skipped
        .iter()
        .map(|(d, reason)| SkippedJson {
            district: d.to_string(),
            reason: reason.clone(),
        })
        .collect();
    let mut taken: BTreeSet<String> = store
        .certificates()?
        .into_iter()
        .filter_map(|c| c.code)
        .collect();
    let docs = certificate::with_codes(found.due, &mut taken)?;
    let issued = ctx.today;
    let mut batch = None;
    let mut files = Vec::new();
    if !docs.is_empty() {
        files = write_pdfs(ctx, &a.output, &docs, issued)?;
        let writes = certificate::certificate_writes(&docs, issued);
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
                ctx.remove_files(&files);
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
        writeln!(ctx.out(), "{}", serde_json::to_string_pretty(&out)?)?;
        return Ok(Status::Ok);
    }
    for s in &skipped {
        writeln!(ctx.err(), "skipped {}: {}", s.district, s.reason)?;
    }
    match batch {
        None => writeln!(ctx.out(), "no certificates due for {}", a.term)?,
        Some(id) => {
            for c in &issued_json {
                writeln!(
                    ctx.out(),
                    "{} {} {} {}: {} ({})",
                    c.district,
                    c.student_id,
                    c.credential,
                    c.code,
                    c.file.display(),
                    format_args!("{} {}", c.first_name, c.last_name)
                )?;
            }
            writeln!(
                ctx.out(),
                "issued {} certificate(s) for {} as change set {id} (undo: mecred uploads revert {id}) into {}",
                issued_json.len(),
                a.term,
                a.output.display()
            )?;
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
        writeln!(ctx.out(), "{}", serde_json::to_string_pretty(&out)?)?;
    } else {
        match &out.certificate {
            Some(c) => writeln!(
                ctx.out(),
                "{}: {} — {} certificate of {} {} ({}), issued {}",
                out.status,
                out.reason,
                c.credential,
                c.first_name.as_deref().unwrap_or(""),
                c.last_name.as_deref().unwrap_or(""),
                c.student_id,
                c.issued
            )?,
            None => writeln!(ctx.out(), "{}: {}", out.status, out.reason)?,
        }
    }
    Ok(if out.status == "valid" {
        Status::Ok
    } else {
        Status::BadInput
    })
}
