//! Semester confirmations (SPEC §1 "Semester confirmation"), stored by
//! district, term and a sequence number. A withdrawal is kept on its
//! confirmation (who, when, why) rather than deleting it, so the history of a
//! term's confirmations stays auditable; the current confirmation is the one
//! not withdrawn, and there is at most one.

use serde::{Deserialize, Serialize};

use super::codec::encode;
use super::{Result, SledResult, Store, StoreError, keys};
use crate::domain::{DistrictCode, Term};

/// The counts a confirmation records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmationCounts {
    /// Qualifying students with Regional Core attained within the term.
    pub regional_core: u64,
    /// … with Basic Statewide.
    pub basic_statewide: u64,
    /// … with Advanced Statewide.
    pub advanced_statewide: u64,
    /// Open `error` findings.
    pub error_findings: u64,
    /// Open `warn` findings.
    pub warn_findings: u64,
}

/// Who withdrew a confirmation, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawal {
    /// The OS user.
    pub by: String,
    /// When (RFC 3339 UTC).
    pub at: String,
    /// Why.
    pub reason: String,
}

/// A district's confirmation of its report for a term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmationRecord {
    /// The district.
    pub district: DistrictCode,
    /// The term.
    pub term: Term,
    /// 1 for the term's first confirmation, then counting up.
    pub seq: u32,
    /// The OS user who confirmed.
    pub by: String,
    /// When (RFC 3339 UTC).
    pub at: String,
    /// SHA-256 of the report's content when confirmed.
    pub sha256: String,
    /// The report's counts when confirmed.
    pub counts: ConfirmationCounts,
    /// Set once withdrawn.
    pub withdrawn: Option<Withdrawal>,
}

impl ConfirmationRecord {
    /// Whether it is current (not withdrawn).
    pub fn is_current(&self) -> bool {
        self.withdrawn.is_none()
    }
}

/// A retention purge's statement about a confirmation (key tag 0x47):
/// its report, which hashed to `from` just before the purge (the confirmed
/// hash, or an earlier redacted one), hashes to `sha256` with the purged
/// students' names redacted. The confirmation stays current through the
/// redaction; any other change still makes it stale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactedHash {
    /// The confirmation's district.
    pub district: DistrictCode,
    /// Its term.
    pub term: Term,
    /// Its seq.
    pub seq: u32,
    /// The report's hash just before the purge.
    pub from: String,
    /// The report's hash with the purged names redacted.
    pub sha256: String,
    /// When the purge recorded it (RFC 3339 UTC).
    pub at: String,
}

/// Whether `rec`'s report is the report that hashes to `now`: `now` is the
/// confirmed hash, or is reached from it through retention redactions of
/// that very confirmation (each starting from an accepted hash). The one
/// place that decides CONFIRM-STALE, certificates' and the packet's "is the
/// confirmation current" (through [`Store::confirmation_matches`]).
pub fn report_matches(rec: &ConfirmationRecord, redacted: &[RedactedHash], now: &str) -> bool {
    let mine: Vec<&RedactedHash> = redacted
        .iter()
        .filter(|r| r.district == rec.district && r.term == rec.term && r.seq == rec.seq)
        .collect();
    let mut accepted = vec![rec.sha256.as_str()];
    let mut i = 0;
    while let Some(h) = accepted.get(i).copied() {
        if h == now {
            return true;
        }
        for r in &mine {
            if r.from == h && !accepted.contains(&r.sha256.as_str()) {
                accepted.push(&r.sha256);
            }
        }
        i += 1;
    }
    false
}

impl Store {
    /// Every confirmation, withdrawn ones included, by district, term, seq.
    pub fn confirmations(&self) -> Result<Vec<ConfirmationRecord>> {
        self.scan(&[keys::CONFIRMATION])
    }

    /// Every redacted hash (tag 0x47), by district, term, seq, from.
    pub fn redacted_hashes(&self) -> Result<Vec<RedactedHash>> {
        self.scan(&[keys::REDACTED_HASH])
    }

    /// Whether the current report of `rec`, hashing to `now`, is still the
    /// report it confirmed (see [`report_matches`]).
    pub fn confirmation_matches(&self, rec: &ConfirmationRecord, now: &str) -> Result<bool> {
        if rec.sha256 == now {
            return Ok(true);
        }
        let redacted: Vec<RedactedHash> = self.scan(&keys::redacted_hash_prefix(
            &rec.district,
            rec.term,
            rec.seq,
        ))?;
        Ok(report_matches(rec, &redacted, now))
    }

    /// A district's confirmations of a term, oldest first.
    pub fn confirmations_of(
        &self,
        district: &DistrictCode,
        term: Term,
    ) -> Result<Vec<ConfirmationRecord>> {
        self.scan(&keys::confirmation_prefix(district, term))
    }

    /// Records a confirmation; its `seq` is assigned here. Refused when the
    /// district's term already has a current confirmation. Durable before it
    /// returns.
    pub fn confirm(&self, mut rec: ConfirmationRecord) -> Result<ConfirmationRecord> {
        let _w = self.writer();
        let earlier = self.confirmations_of(&rec.district, rec.term)?;
        if let Some(c) = earlier.iter().find(|c| c.is_current()) {
            return Err(StoreError::Refused(format!(
                "{} {} is already confirmed (by {} at {}); withdraw it first with `mecred unconfirm`",
                rec.district, rec.term, c.by, c.at
            )));
        }
        rec.seq = earlier.last().map_or(1, |c| c.seq.saturating_add(1));
        rec.withdrawn = None;
        self.tree()
            .insert(
                keys::confirmation(&rec.district, rec.term, rec.seq),
                encode(&rec)?,
            )
            .db(self)?;
        self.flush()?;
        Ok(rec)
    }

    /// Withdraws the current confirmation of a district's term, keeping it
    /// with the withdrawal. Refused when there is none. Durable before it
    /// returns.
    pub fn unconfirm(
        &self,
        district: &DistrictCode,
        term: Term,
        withdrawal: Withdrawal,
    ) -> Result<ConfirmationRecord> {
        let _w = self.writer();
        let Some(mut rec) = self
            .confirmations_of(district, term)?
            .into_iter()
            .find(ConfirmationRecord::is_current)
        else {
            return Err(StoreError::Refused(format!(
                "{district} {term} has no current confirmation to withdraw"
            )));
        };
        rec.withdrawn = Some(withdrawal);
        self.tree()
            .insert(keys::confirmation(district, term, rec.seq), encode(&rec)?)
            .db(self)?;
        self.flush()?;
        Ok(rec)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn rec(d: &str, t: &str) -> ConfirmationRecord {
        ConfirmationRecord {
            district: DistrictCode::parse(d).unwrap(),
            term: t.parse().unwrap(),
            seq: 0,
            by: "op".into(),
            at: "2026-12-04T10:00:00Z".into(),
            sha256: "ab".repeat(32),
            counts: ConfirmationCounts {
                regional_core: 5,
                ..ConfirmationCounts::default()
            },
            withdrawn: None,
        }
    }

    fn withdrawal() -> Withdrawal {
        Withdrawal {
            by: "op".into(),
            at: "2026-12-05T10:00:00Z".into(),
            reason: "wrong file".into(),
        }
    }

    fn redacted(from: &str, to: &str) -> RedactedHash {
        RedactedHash {
            district: DistrictCode::parse("017").unwrap(),
            term: "fall-2026".parse().unwrap(),
            seq: 1,
            from: from.into(),
            sha256: to.into(),
            at: "2028-07-01T10:00:00Z".into(),
        }
    }

    #[test]
    fn a_report_matches_its_confirmation_through_a_chain_of_redactions_only() {
        let mut c = rec("017", "fall-2026");
        c.seq = 1;
        c.sha256 = "h".into();
        assert!(report_matches(&c, &[], "h"));
        assert!(!report_matches(&c, &[], "x"));
        let chain = [redacted("h1", "h2"), redacted("h", "h1")];
        assert!(report_matches(&c, &chain, "h1"));
        assert!(report_matches(&c, &chain, "h2"));
        assert!(!report_matches(&c, &chain, "h3"));
        // A redaction from a hash never accepted accepts nothing.
        assert!(!report_matches(&c, &[redacted("x", "y")], "y"));
        // Another confirmation's redaction does not count.
        let mut other = redacted("h", "h1");
        other.seq = 2;
        assert!(!report_matches(&c, &[other], "h1"));
    }

    fn export(s: &Store) -> Vec<u8> {
        let mut out = Vec::new();
        s.export(&mut out).unwrap();
        out
    }

    #[test]
    fn confirm_refuses_a_second_until_withdrawn_and_keeps_history() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let first = s.confirm(rec("017", "fall-2026")).unwrap();
        assert_eq!(first.seq, 1);
        assert!(matches!(
            s.confirm(rec("017", "fall-2026")),
            Err(StoreError::Refused(_))
        ));
        // Another term or district is independent.
        s.confirm(rec("017", "spring-2026")).unwrap();
        s.confirm(rec("036", "fall-2026")).unwrap();
        let w = s
            .unconfirm(&first.district, first.term, withdrawal())
            .unwrap();
        assert_eq!(w.withdrawn.unwrap().reason, "wrong file");
        assert!(matches!(
            s.unconfirm(&first.district, first.term, withdrawal()),
            Err(StoreError::Refused(_))
        ));
        let again = s.confirm(rec("017", "fall-2026")).unwrap();
        assert_eq!(again.seq, 2);
        let all = s.confirmations_of(&first.district, first.term).unwrap();
        assert_eq!(all.len(), 2);
        assert!(!all[0].is_current() && all[1].is_current());
        // Ordered by district, then term in time order.
        let keys: Vec<String> = s
            .confirmations()
            .unwrap()
            .iter()
            .map(|c| format!("{} {} {}", c.district, c.term, c.seq))
            .collect();
        assert_eq!(
            keys,
            [
                "017 spring-2026 1",
                "017 fall-2026 1",
                "017 fall-2026 2",
                "036 fall-2026 1"
            ]
        );
    }

    #[test]
    fn confirmations_export_as_kind_confirmation_and_round_trip() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let s = Store::open(a.path()).unwrap();
        let c = s.confirm(rec("017", "fall-2026")).unwrap();
        s.unconfirm(&c.district, c.term, withdrawal()).unwrap();
        s.confirm(rec("017", "fall-2026")).unwrap();
        let first = export(&s);
        let text = String::from_utf8(first.clone()).unwrap();
        assert!(
            text.contains("{\"kind\":\"confirmation\",\"district\":\"017\""),
            "{text}"
        );
        let t = Store::open(b.path()).unwrap();
        t.restore(&mut first.as_slice()).unwrap();
        assert_eq!(export(&t), first);
        assert_eq!(t.confirmations().unwrap(), s.confirmations().unwrap());
        // The same confirmation twice in a dump is refused.
        let c = tempfile::tempdir().unwrap();
        let u = Store::open(c.path()).unwrap();
        let line = text.lines().nth(1).unwrap();
        let twice = format!("{text}{line}\n");
        assert!(u.restore(&mut twice.as_bytes()).is_err());
    }
}
