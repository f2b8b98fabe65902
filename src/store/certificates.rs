//! Certificates by verification code (issue 8): `mecred verify` asks the
//! store, never the PDF, so a code edited into a PDF is simply unknown.
//!
//! No index of its own: the stored certificates are few (one per student and
//! credential at most), so the current ones are a scan of the certificate
//! tag; one removed since (its change set reverted) is found in the audit
//! history through the by-record events index, whose certificate entries
//! share the prefix `BY_RECORD ++ CERTIFICATE`. Events are append only, so a
//! code once issued is never forgotten: it answers "revoked", not "unknown".

use std::collections::BTreeSet;

use super::{Result, SledResult, Store, keys};
use crate::domain::{Certificate, Record};

/// What the store knows about a verification code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeLookup {
    /// A stored certificate carries it.
    Current(Certificate),
    /// No stored certificate carries it, but one did (the certificate was
    /// removed, e.g. its change set reverted): the last value seen.
    Removed(Certificate),
    /// Never issued by this database.
    Unknown,
}

impl Store {
    /// The certificate that carries `code` (compared exactly: callers
    /// normalise), now or in the audit history.
    pub fn certificate_by_code(&self, code: &str) -> Result<CodeLookup> {
        let has = |c: &Certificate| c.code.as_deref() == Some(code);
        if let Some(c) = self.certificates()?.into_iter().find(has) {
            return Ok(CodeLookup::Current(c));
        }
        {
            let _w = self.writer();
            self.catch_up_index()?;
        }
        let prefix = [keys::BY_RECORD, keys::CERTIFICATE];
        let mut seqs = BTreeSet::new();
        for kv in self.tree().scan_prefix(prefix) {
            let (k, _) = kv.db(self)?;
            seqs.insert(keys::by_record_seq(&k).ok_or_else(|| self.damaged("a short index key"))?);
        }
        let mut last = None;
        for seq in seqs {
            let Some(event) = self.event(seq)? else {
                continue;
            };
            for w in event.writes {
                for r in [w.before, w.after].into_iter().flatten() {
                    if let Record::Certificate(c) = r
                        && has(&c)
                    {
                        last = Some(c);
                    }
                }
            }
        }
        Ok(last.map_or(CodeLookup::Unknown, CodeLookup::Removed))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::{Credential, RecordKey};
    use crate::store::tests::{commit, date, delete, open, school, set, sid, student};

    fn cert(n: u64, code: Option<&str>) -> Record {
        Record::Certificate(Certificate {
            student: sid(n),
            credential: Credential::RegionalCore,
            issued: date(2026, 12, 4),
            code: code.map(str::to_string),
        })
    }

    #[test]
    fn a_code_is_current_then_removed_never_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let s = open(dir.path());
        commit(
            &s,
            vec![
                set(&school("017004")),
                set(&student(1, "017004")),
                set(&student(2, "017004")),
                set(&cert(2, None)),
            ],
        );
        let issue = commit(&s, vec![set(&cert(1, Some("AAAABBBBCCCCDDDD")))]);
        let Record::Certificate(c) = cert(1, Some("AAAABBBBCCCCDDDD")) else {
            unreachable!()
        };
        assert_eq!(
            s.certificate_by_code("AAAABBBBCCCCDDDD").unwrap(),
            CodeLookup::Current(c.clone())
        );
        assert_eq!(
            s.certificate_by_code("AAAABBBBCCCCDDDE").unwrap(),
            CodeLookup::Unknown
        );
        s.revert(issue, "op", "t").unwrap();
        assert_eq!(
            s.certificate_by_code("AAAABBBBCCCCDDDD").unwrap(),
            CodeLookup::Removed(c.clone())
        );
        // Deleted by a later change set rather than a revert: the same.
        commit(&s, vec![set(&cert(1, Some("EEEEFFFFGGGGHHHH")))]);
        commit(
            &s,
            vec![delete(RecordKey::Certificate(
                sid(1),
                Credential::RegionalCore,
            ))],
        );
        assert!(matches!(
            s.certificate_by_code("EEEEFFFFGGGGHHHH").unwrap(),
            CodeLookup::Removed(_)
        ));
        // A certificate imported without a code matches no code.
        assert_eq!(s.certificate_by_code("").unwrap(), CodeLookup::Unknown);
    }
}
