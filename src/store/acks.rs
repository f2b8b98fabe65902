//! Acknowledgements of warn findings (SPEC §1 "Acknowledgement"), stored by
//! finding id. An ack records who, when and why itself; it is kept when its
//! finding disappears (the caller shows only acks whose finding exists, so
//! the ack lapses), and a later ack of the same finding replaces it.

use super::codec::encode;
use super::{Result, SledResult, Store, keys};
use crate::domain::Ack;

impl Store {
    /// Stores (or replaces) the acknowledgement of a finding. Durable before
    /// it returns.
    pub fn put_ack(&self, ack: &Ack) -> Result<()> {
        let _w = self.writer();
        self.tree()
            .insert(keys::ack(&ack.finding), encode(ack)?)
            .db(self)?;
        self.flush()
    }

    /// The acknowledgement of one finding, if any.
    pub fn ack(&self, finding: &str) -> Result<Option<Ack>> {
        let k = keys::ack(finding);
        match self.tree().get(&k).db(self)? {
            Some(v) => Ok(Some(self.decode(&k, &v)?)),
            None => Ok(None),
        }
    }

    /// Every stored acknowledgement, by finding id.
    pub fn acks(&self) -> Result<Vec<Ack>> {
        self.scan(&[keys::ACK])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ack(id: &str, reason: &str) -> Ack {
        Ack {
            finding: id.into(),
            rule: "UPLOAD-MISSING".into(),
            by: "op".into(),
            at: "2026-12-04T10:00:00Z".into(),
            reason: reason.into(),
        }
    }

    fn export(s: &Store) -> Vec<u8> {
        let mut out = Vec::new();
        s.export(&mut out).unwrap();
        out
    }

    #[test]
    fn put_replace_list_and_survive_reopen() {
        let dir = tempfile::tempdir().unwrap();
        {
            let s = Store::open(dir.path()).unwrap();
            assert!(s.is_empty().unwrap());
            s.put_ack(&ack("bbbbbbbbbbbb", "first")).unwrap();
            s.put_ack(&ack("aaaaaaaaaaaa", "other")).unwrap();
            s.put_ack(&ack("bbbbbbbbbbbb", "second")).unwrap();
            assert!(!s.is_empty().unwrap());
        }
        let s = Store::open(dir.path()).unwrap();
        let all = s.acks().unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].finding, "aaaaaaaaaaaa");
        assert_eq!(s.ack("bbbbbbbbbbbb").unwrap().unwrap().reason, "second");
        assert_eq!(s.ack("cccccccccccc").unwrap(), None);
    }

    #[test]
    fn acks_export_as_kind_ack_and_round_trip_byte_identical() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let s = Store::open(a.path()).unwrap();
        s.put_ack(&ack("aaaaaaaaaaaa", "upload promised by phone for Dec 10"))
            .unwrap();
        let first = export(&s);
        let text = String::from_utf8(first.clone()).unwrap();
        assert!(
            text.contains("{\"kind\":\"ack\",\"finding\":\"aaaaaaaaaaaa\""),
            "{text}"
        );
        let t = Store::open(b.path()).unwrap();
        t.restore(&mut first.as_slice()).unwrap();
        assert_eq!(export(&t), first);
        assert_eq!(t.acks().unwrap(), s.acks().unwrap());
        // The same ack twice in a dump is refused.
        let c = tempfile::tempdir().unwrap();
        let u = Store::open(c.path()).unwrap();
        let line = text.lines().nth(1).unwrap();
        let twice = format!("{text}{line}\n");
        assert!(u.restore(&mut twice.as_bytes()).is_err());
    }
}
