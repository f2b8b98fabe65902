//! Transfers (issue 5, SPEC §5 `mecred transfer`): a student moves to another
//! school, and so possibly another district, as ONE change set of kind
//! `transfer`, undone like any other by reverting it. Exam attempts,
//! Statewide attempts and certificates are keyed by student id, so they and
//! the student's audit history follow without being written.
//!
//! The target school must be stored, or be created in the same change set
//! from a name the operator gives (as an upload's School Name creates one),
//! in a district that is stored: a transfer never invents a district.

use super::{Result, Store, StoreError};
use crate::domain::{BatchKind, Record, RecordKey, School, SchoolCode, Student, StudentId, Write};

/// What a transfer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transferred {
    /// The change set's batch id.
    pub batch: u64,
    /// The student as it was.
    pub before: Student,
    /// The student as it is now.
    pub after: Student,
    /// Whether the school was created by this transfer.
    pub created_school: bool,
    /// The writes the change set made (each with its before).
    pub writes: Vec<Write>,
}

impl Store {
    /// Moves `student` to `school` as one `transfer` change set by `actor` at
    /// `at`. When `school` is not stored, `new_school_name` creates it (in
    /// its district, which must be stored); a name given for a stored school
    /// is ignored (never a rename). Refused, naming what is wrong, for an
    /// unknown student, the student's own school, or an unknown school
    /// without a name or in an unknown district.
    pub fn transfer_student(
        &self,
        student: &StudentId,
        school: &SchoolCode,
        new_school_name: Option<&str>,
        actor: &str,
        at: &str,
    ) -> Result<Transferred> {
        let before = match self.get(&RecordKey::Student(student.clone()))? {
            Some(Record::Student(s)) => s,
            _ => {
                return Err(StoreError::NotFound(format!(
                    "there is no student {student} in the database"
                )));
            }
        };
        if &before.school == school {
            return Err(StoreError::Refused(format!(
                "student {student} is already at school {school}"
            )));
        }
        let mut writes = Vec::with_capacity(2);
        let created_school = self.get(&RecordKey::School(school.clone()))?.is_none();
        if created_school {
            let district = school.district();
            if self.get(&RecordKey::District(district.clone()))?.is_none() {
                return Err(StoreError::NotFound(format!(
                    "school {school} is in district {district}, which is not in the database (districts come from a districts file)"
                )));
            }
            let name = new_school_name.map(str::trim).unwrap_or_default();
            if name.is_empty() {
                return Err(StoreError::NotFound(format!(
                    "there is no school {school} in the database; give its name (--school-name) to create it in district {district}"
                )));
            }
            let s = School {
                code: school.clone(),
                name: name.to_string(),
            };
            writes.push(Write {
                key: RecordKey::School(school.clone()),
                before: None,
                after: Some(Record::School(s)),
            });
        }
        let after = Student {
            school: school.clone(),
            ..before.clone()
        };
        writes.push(Write {
            key: RecordKey::Student(student.clone()),
            before: Some(Record::Student(before.clone())),
            after: Some(Record::Student(after.clone())),
        });
        let description = format!(
            "transfer student {student} from school {} to school {school}",
            before.school
        );
        let (batch, writes) = self.apply_change_set(
            BatchKind::Transfer,
            &description,
            Some(school.district()),
            writes,
            actor,
            at,
        )?;
        Ok(Transferred {
            batch,
            before,
            after,
            created_school,
            writes,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::{BatchState, DistrictCode};
    use crate::store::tests::{
        commit, date, district, exam, open, school, school_code, set, sid, student,
    };

    fn setup() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let s = open(dir.path());
        commit(
            &s,
            vec![
                set(&district("017")),
                set(&district("029")),
                set(&school("017004")),
                set(&school("029005")),
                set(&student(1, "029005")),
                set(&exam(1, date(2026, 10, 1))),
            ],
        );
        (dir, s)
    }

    #[test]
    fn a_transfer_moves_the_student_and_its_history_follows() {
        let (_d, s) = setup();
        let t = s
            .transfer_student(&sid(1), &school_code("017004"), None, "op", "t1")
            .unwrap();
        assert!(!t.created_school);
        assert_eq!(t.after.school, school_code("017004"));
        let b = s.batch(t.batch).unwrap().unwrap();
        assert_eq!(
            (b.kind, b.state),
            (BatchKind::Transfer, BatchState::Committed)
        );
        assert_eq!(b.district, Some(DistrictCode::parse("017").unwrap()));
        assert!(
            b.file.contains("from school 029005 to school 017004"),
            "{}",
            b.file
        );
        let d017 = DistrictCode::parse("017").unwrap();
        assert_eq!(s.students_of_district(&d017).unwrap().len(), 1);
        assert!(
            s.students_of_school(&school_code("029005"))
                .unwrap()
                .is_empty()
        );
        assert_eq!(s.exams_of(&sid(1)).unwrap().len(), 1);
        // The history stays on the student: its import and its transfer.
        assert_eq!(s.events_for(&RecordKey::Student(sid(1))).unwrap().len(), 2);
        // Undo is a revert of the change set.
        s.revert(t.batch, "op", "t2").unwrap();
        assert_eq!(
            s.get(&RecordKey::Student(sid(1))).unwrap(),
            Some(student(1, "029005"))
        );
        crate::store::tests::assert_index_consistent(&s);
    }

    #[test]
    fn a_new_school_needs_a_name_and_a_stored_district() {
        let (_d, s) = setup();
        let e = s
            .transfer_student(&sid(1), &school_code("017009"), None, "op", "t")
            .unwrap_err();
        assert!(e.to_string().contains("--school-name"), "{e}");
        let e = s
            .transfer_student(&sid(1), &school_code("036001"), Some("X"), "op", "t")
            .unwrap_err();
        assert!(e.to_string().contains("district 036"), "{e}");
        let t = s
            .transfer_student(
                &sid(1),
                &school_code("017009"),
                Some(" New High "),
                "op",
                "t",
            )
            .unwrap();
        assert!(t.created_school);
        let created = s.get(&RecordKey::School(school_code("017009"))).unwrap();
        assert_eq!(
            created,
            Some(Record::School(School {
                code: school_code("017009"),
                name: "New High".into()
            }))
        );
        // Reverting removes the school it created too.
        s.revert(t.batch, "op", "t2").unwrap();
        assert_eq!(
            s.get(&RecordKey::School(school_code("017009"))).unwrap(),
            None
        );
    }

    #[test]
    fn unknown_student_and_same_school_are_refused() {
        let (_d, s) = setup();
        let e = s
            .transfer_student(&sid(9), &school_code("017004"), None, "op", "t")
            .unwrap_err();
        assert!(matches!(e, StoreError::NotFound(_)));
        assert!(e.to_string().contains("student 0000000009"), "{e}");
        let e = s
            .transfer_student(&sid(1), &school_code("029005"), None, "op", "t")
            .unwrap_err();
        assert!(e.to_string().contains("already at school 029005"), "{e}");
        assert_eq!(s.batches().unwrap().len(), 1);
    }
}
