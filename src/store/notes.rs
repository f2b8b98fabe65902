//! Auditors' notes (issue 5): append-only entries attached to a stored record
//! or a finding, each with who and when, numbered 1, 2, … in the order
//! written under their own key tag. There is no way to change or remove one:
//! a correction is another note. Stored as JSON, not postcard: the target's
//! [`RecordKey`](crate::domain::RecordKey) is a tagged enum, which postcard
//! cannot read back, and notes are few and small.

use super::{Result, SledResult, Store, StoreError, keys};
use crate::domain::{Note, NoteTarget};

/// The longest note kept, in bytes (a note is a line or a paragraph, not a file).
pub const NOTE_MAX: usize = 4096;

impl Store {
    /// Appends a note to `target` by `actor` at `at`; durable before it
    /// returns. Refused for empty or over-long text, and for a record that is
    /// not stored (a finding id is the caller's to check: findings are
    /// computed, not stored). Returns the note's seq.
    pub fn add_note(&self, target: NoteTarget, text: &str, actor: &str, at: &str) -> Result<u64> {
        let text = text.trim();
        if text.is_empty() {
            return Err(StoreError::Refused("a note needs some text".into()));
        }
        if text.len() > NOTE_MAX {
            return Err(StoreError::Refused(format!(
                "a note is at most {NOTE_MAX} bytes; this one has {}",
                text.len()
            )));
        }
        if let NoteTarget::Finding(id) = &target
            && id.trim().is_empty()
        {
            return Err(StoreError::Refused(
                "a note on a finding needs its id".into(),
            ));
        }
        let _w = self.writer();
        if let NoteTarget::Record(key) = &target
            && self.get(key)?.is_none()
        {
            return Err(StoreError::NotFound(format!(
                "there is no {key} in the database"
            )));
        }
        let seq = self.next_note_seq()?;
        let note = Note {
            seq,
            target,
            text: text.to_string(),
            by: actor.to_string(),
            at: at.to_string(),
        };
        self.tree()
            .insert(keys::numbered(keys::NOTE, seq), encode_note(&note)?)
            .db(self)?;
        self.flush()?;
        Ok(seq)
    }

    /// Every note, oldest first.
    pub fn notes(&self) -> Result<Vec<Note>> {
        let mut out = Vec::new();
        for kv in self.tree().scan_prefix([keys::NOTE]) {
            let (k, v) = kv.db(self)?;
            out.push(serde_json::from_slice(&v).map_err(|e| {
                self.damaged(format!(
                    "undecodable note {}: {e}",
                    keys::number(&k).unwrap_or_default()
                ))
            })?);
        }
        Ok(out)
    }

    /// The notes on one record or finding, oldest first.
    pub fn notes_for(&self, target: &NoteTarget) -> Result<Vec<Note>> {
        // Notes are few (people type them): a scan beats keeping an index.
        let mut all = self.notes()?;
        all.retain(|n| &n.target == target);
        Ok(all)
    }

    fn next_note_seq(&self) -> Result<u64> {
        let last = self.tree().scan_prefix([keys::NOTE]).next_back();
        match last.transpose().db(self)? {
            Some((k, _)) => keys::number(&k)
                .map(|n| n + 1)
                .ok_or_else(|| self.damaged("a short note key")),
            None => Ok(1),
        }
    }
}

/// A note's stored value.
pub(super) fn encode_note(note: &Note) -> Result<Vec<u8>> {
    serde_json::to_vec(note).map_err(|e| StoreError::Io(format!("encoding a note: {e}")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::{Record, RecordKey, School, SchoolCode, Write};

    fn store_with_school() -> (tempfile::TempDir, Store, RecordKey) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        let code = SchoolCode::parse("017004").unwrap();
        let key = RecordKey::School(code.clone());
        let w = Write {
            key: key.clone(),
            before: None,
            after: Some(Record::School(School {
                code,
                name: "A".into(),
            })),
        };
        s.apply_change_set(
            crate::domain::BatchKind::Edit,
            "add",
            None,
            vec![w],
            "op",
            "t",
        )
        .unwrap();
        (dir, s, key)
    }

    fn export(s: &Store) -> Vec<u8> {
        let mut out = Vec::new();
        s.export(&mut out).unwrap();
        out
    }

    #[test]
    fn notes_append_in_order_and_filter_by_target() {
        let (dir, s, key) = store_with_school();
        let rec = NoteTarget::Record(key.clone());
        let fid = NoteTarget::Finding("a1b2c3d4e5f6".into());
        assert_eq!(
            s.add_note(
                rec.clone(),
                "  documentation seen on site 2026-11-20 ",
                "aud",
                "t1"
            )
            .unwrap(),
            1
        );
        assert_eq!(s.add_note(fid.clone(), "phoned", "aud", "t2").unwrap(), 2);
        assert_eq!(
            s.add_note(rec.clone(), "second visit", "op", "t3").unwrap(),
            3
        );
        let on_rec = s.notes_for(&rec).unwrap();
        assert_eq!(on_rec.len(), 2);
        assert_eq!(on_rec[0].text, "documentation seen on site 2026-11-20");
        assert_eq!(
            (on_rec[0].by.as_str(), on_rec[0].at.as_str()),
            ("aud", "t1")
        );
        assert_eq!(on_rec[1].seq, 3);
        assert_eq!(s.notes_for(&fid).unwrap().len(), 1);
        assert_eq!(s.notes().unwrap().len(), 3);
        drop(s);
        // Durable across reopen; numbering carries on.
        let s = Store::open(dir.path()).unwrap();
        assert_eq!(s.notes().unwrap().len(), 3);
        assert_eq!(s.add_note(fid, "again", "aud", "t4").unwrap(), 4);
    }

    #[test]
    fn empty_long_and_unknown_targets_are_refused() {
        let (_dir, s, key) = store_with_school();
        let rec = NoteTarget::Record(key);
        assert!(matches!(
            s.add_note(rec.clone(), "  ", "a", "t"),
            Err(StoreError::Refused(_))
        ));
        assert!(
            s.add_note(rec, &"x".repeat(NOTE_MAX + 1), "a", "t")
                .is_err()
        );
        let missing = NoteTarget::Record(RecordKey::School(SchoolCode::parse("017999").unwrap()));
        let e = s.add_note(missing, "hi", "a", "t").unwrap_err();
        assert!(e.to_string().contains("school 017999"), "{e}");
        assert!(
            s.add_note(NoteTarget::Finding(" ".into()), "hi", "a", "t")
                .is_err()
        );
        assert!(s.notes().unwrap().is_empty());
    }

    #[test]
    fn notes_export_as_kind_note_and_round_trip_byte_identical() {
        let (_dir, s, key) = store_with_school();
        s.add_note(NoteTarget::Record(key), "seen on site", "aud", "t1")
            .unwrap();
        s.add_note(
            NoteTarget::Finding("a1b2c3d4e5f6".into()),
            "ok",
            "aud",
            "t2",
        )
        .unwrap();
        let first = export(&s);
        let text = String::from_utf8(first.clone()).unwrap();
        assert!(
            text.contains(r#"{"kind":"note","seq":1,"target":{"record":{"kind":"school","id":"017004"}},"text":"seen on site","by":"aud","at":"t1"}"#),
            "{text}"
        );
        let b = tempfile::tempdir().unwrap();
        let t = Store::open(b.path()).unwrap();
        t.restore(&mut first.as_slice()).unwrap();
        assert_eq!(export(&t), first);
        assert_eq!(t.notes().unwrap(), s.notes().unwrap());
        // A repeated note in a dump is refused.
        let line = text
            .lines()
            .find(|l| l.contains("\"kind\":\"note\""))
            .unwrap();
        let c = tempfile::tempdir().unwrap();
        let u = Store::open(c.path()).unwrap();
        assert!(
            u.restore(&mut format!("{text}{line}\n").as_bytes())
                .is_err()
        );
    }
}
