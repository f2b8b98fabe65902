//! Issuing certificates from the UI (issue 8): the key takes the marked
//! students (else the selected one), the certificates due are counted
//! through the source (the rules of `mecred certificates issue`), a y/n
//! names the count and the directory, then a worker writes the PDFs and
//! records them as one change set ([`Effect::IssueCertificates`]). State
//! only.

use super::{App, Effect, Loadable, RecordPrompt, Request, Screen};
use crate::domain::StudentId;
use crate::tui::source::{CertificateStanding, CertificateState};

/// Where the PDFs go unless told otherwise: relative to where mecred runs.
pub const DEFAULT_DIR: &str = "certificates/";

/// How many certificates `standings` makes due, and for how many students.
pub fn due_count(standings: &[CertificateStanding]) -> (usize, usize) {
    let due: Vec<&StudentId> = standings
        .iter()
        .filter(|s| matches!(s.state, CertificateState::Due(_)))
        .map(|s| &s.student)
        .collect();
    let students: std::collections::BTreeSet<&StudentId> = due.iter().copied().collect();
    (due.len(), students.len())
}

impl App {
    /// The issue key: refused under `--read-only`; else counts what is due
    /// for the marked students (or the selected one) before asking.
    pub(super) fn start_certificates(&mut self) -> Vec<Effect> {
        if self.read_only {
            self.say("read-only: issuing certificates is refused", true);
            return Vec::new();
        }
        let ids: Vec<StudentId> = if self.edit.marks.is_empty() {
            match self.selected_student() {
                Some((id, _)) => vec![id],
                None => {
                    self.say(
                        "select a student or mark some to issue their certificates",
                        true,
                    );
                    return Vec::new();
                }
            }
        } else {
            self.edit.marks.iter().cloned().collect()
        };
        self.record_prompt = Some(RecordPrompt::Certificates {
            ids: ids.clone(),
            due: None,
            dir: self.certificate_dir.clone(),
        });
        vec![Effect::Load(Request::Certificates(ids, self.today))]
    }

    /// The certificates of `ids` arrived: a detail about that one student
    /// shows them; an issue prompt waiting for them asks y/n (or says
    /// nothing is due).
    pub(super) fn certificates_loaded(
        &mut self,
        ids: &[StudentId],
        r: Result<Vec<CertificateStanding>, String>,
    ) {
        for screen in &mut self.stack {
            if let Screen::Detail(d) = screen
                && ids == std::slice::from_ref(&d.id)
            {
                d.certificates = match &r {
                    Ok(v) => Loadable::Ready(v.clone()),
                    Err(e) => Loadable::Failed(e.clone()),
                };
            }
        }
        let Some(RecordPrompt::Certificates {
            ids: asked,
            due: due @ None,
            ..
        }) = self.record_prompt.as_mut()
        else {
            return;
        };
        if asked.as_slice() != ids {
            return;
        }
        match r {
            Err(e) => {
                self.record_prompt = None;
                self.say(
                    &format!("cannot tell which certificates are due: {e}"),
                    true,
                );
            }
            Ok(v) => match due_count(&v) {
                (0, _) => {
                    self.record_prompt = None;
                    self.say("no certificate is due", false);
                }
                counted => *due = Some(counted),
            },
        }
    }

    /// The y/n answer (`no` also while still counting).
    pub(super) fn confirm_certificates(&mut self, yes: bool) -> Vec<Effect> {
        let Some(RecordPrompt::Certificates { ids, due, dir }) = self.record_prompt.take() else {
            return Vec::new();
        };
        if !yes || due.is_none() {
            self.say("no certificates issued", false);
            return Vec::new();
        }
        if self.read_only {
            self.say("read-only: issuing certificates is refused", true);
            return Vec::new();
        }
        self.edit.marks.clear();
        self.edit.anchor = None;
        vec![Effect::IssueCertificates {
            ids,
            dir,
            today: self.today,
        }]
    }
}
