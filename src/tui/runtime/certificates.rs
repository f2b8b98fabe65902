//! Issuing certificates from the UI (issue 8), on a worker: what is due is
//! asked of the source again (the rules of `mecred certificates issue`,
//! never a copy), the PDFs are written where mecred runs (as the command
//! names them), then every certificate is recorded as ONE change set
//! through the source, so undo reverts it and the live update shows it. A
//! failure to record removes the PDFs.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::Context as _;

use crate::domain::{BatchKind, Date, StudentId, Write};
use crate::report::certificate;
use crate::tui::source::{CertificateState, Source};

/// Issues the certificates due for `ids` on `today` into `dir` as
/// `actor`; the writes made and the status line ("no certificate is due"
/// with no writes when none is).
pub fn issue(
    source: &dyn Source,
    actor: &str,
    today: Date,
    ids: &[StudentId],
    dir: &Path,
) -> anyhow::Result<(Vec<Write>, String)> {
    let standings = source
        .certificates_of(ids, today)
        .context("cannot tell which certificates are due")?;
    // Codes already given to these students' certificates; a fresh code is
    // 80 random bits, so one shared with another student's is not a worry
    // the store cannot answer (`verify` finds the first).
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut due = Vec::new();
    for s in standings {
        match s.state {
            CertificateState::Issued(c) => taken.extend(c.code),
            CertificateState::Due(d) => due.push(*d),
            CertificateState::Waiting(_) => {}
        }
    }
    if due.is_empty() {
        return Ok((Vec::new(), "no certificate is due".to_string()));
    }
    let students: BTreeSet<&StudentId> = due.iter().map(|d| &d.student).collect();
    let description = format!(
        "issue {} certificate(s) for {} student(s)",
        due.len(),
        students.len()
    );
    let docs = certificate::with_codes(due, &mut taken)?;
    let files = certificate::write_pdfs(dir, &docs, today)?;
    let writes = certificate::certificate_writes(&docs, today);
    match source.apply_change_set(BatchKind::Edit, &description, writes, actor) {
        Ok((id, made)) => Ok((
            made,
            format!(
                "issued {} certificate(s) into {} (change set {id})",
                docs.len(),
                dir.display()
            ),
        )),
        Err(e) => {
            certificate::remove_all(&files);
            Err(e.context("the certificates were not issued"))
        }
    }
}
