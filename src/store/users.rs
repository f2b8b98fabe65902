//! The users of a database and the writes refused to them (issue 7). Users
//! are few and typed by an admin; refusals are appended, never changed.

use super::codec::encode;
use super::{Result, SledResult, Store, StoreError, keys};
use crate::domain::{Refusal, User};

impl Store {
    /// Every user, by name.
    pub fn users(&self) -> Result<Vec<User>> {
        self.scan(&[keys::USER])
    }

    /// The user `name`, if any.
    pub fn user(&self, name: &str) -> Result<Option<User>> {
        let k = keys::prefix(keys::USER, name);
        match self.tree().get(&k).db(self)? {
            Some(v) => Ok(Some(self.decode(&k, &v)?)),
            None => Ok(None),
        }
    }

    /// Adds or replaces a user; durable when it returns.
    pub fn put_user(&self, user: &User) -> Result<()> {
        if user.name.is_empty() {
            return Err(StoreError::Refused("a user needs a name".into()));
        }
        let _w = self.writer();
        self.tree()
            .insert(keys::prefix(keys::USER, &user.name), encode(user)?)
            .db(self)?;
        self.flush()
    }

    /// Removes a user; whether there was one.
    pub fn remove_user(&self, name: &str) -> Result<bool> {
        let _w = self.writer();
        let had = self
            .tree()
            .remove(keys::prefix(keys::USER, name))
            .db(self)?
            .is_some();
        self.flush()?;
        Ok(had)
    }

    /// Records a refused write (its seq is assigned here); durable when it
    /// returns.
    pub fn add_refusal(&self, mut refusal: Refusal) -> Result<u64> {
        let _w = self.writer();
        let last = self.tree().scan_prefix([keys::REFUSAL]).next_back();
        refusal.seq = match last.transpose().db(self)? {
            Some((k, _)) => keys::number(&k)
                .map(|n| n + 1)
                .ok_or_else(|| self.damaged("a short refusal key"))?,
            None => 1,
        };
        self.tree()
            .insert(
                keys::numbered(keys::REFUSAL, refusal.seq),
                encode(&refusal)?,
            )
            .db(self)?;
        self.flush()?;
        Ok(refusal.seq)
    }

    /// Every refusal, oldest first.
    pub fn refusals(&self) -> Result<Vec<Refusal>> {
        self.scan(&[keys::REFUSAL])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DistrictCode, Role};

    fn user(name: &str, role: Role) -> User {
        User {
            name: name.into(),
            role,
            district: (role == Role::District).then(|| DistrictCode::parse("017").unwrap()),
            added_by: "root".into(),
            added_at: "t".into(),
        }
    }

    #[test]
    fn users_and_refusals_are_kept_and_round_trip_through_export() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let s = Store::open(a.path()).unwrap();
        s.put_user(&user("ana", Role::Admin)).unwrap();
        s.put_user(&user("dee", Role::District)).unwrap();
        s.put_user(&user("dee", Role::Auditor)).unwrap();
        assert_eq!(s.user("dee").unwrap().unwrap().role, Role::Auditor);
        assert_eq!(s.users().unwrap().len(), 2);
        assert!(s.remove_user("dee").unwrap());
        assert!(!s.remove_user("dee").unwrap());
        let r = |req: &str| Refusal {
            seq: 0,
            user: "dee".into(),
            request: req.into(),
            reason: "district users cannot commit".into(),
            at: "t".into(),
        };
        assert_eq!(s.add_refusal(r("commit")).unwrap(), 1);
        assert_eq!(s.add_refusal(r("edit")).unwrap(), 2);
        assert_eq!(s.refusals().unwrap()[1].request, "edit");
        let mut out = Vec::new();
        s.export(&mut out).unwrap();
        let text = String::from_utf8(out.clone()).unwrap();
        assert!(text.contains("\"kind\":\"user\""), "{text}");
        assert!(text.contains("\"kind\":\"refusal\""), "{text}");
        let t = Store::open(b.path()).unwrap();
        t.restore(&mut out.as_slice()).unwrap();
        let mut again = Vec::new();
        t.export(&mut again).unwrap();
        assert_eq!(again, out);
        assert!(s.put_user(&user("", Role::Admin)).is_err());
    }
}
