//! What the TUI reads, and nothing about how it is stored: the store (or a
//! server later) implements [`Source`]; tests use [`MemorySource`].

use crate::domain::{District, DistrictCode, ExamAttempt, School, SchoolCode, Student, StudentId};

/// Read access to the records the TUI browses. Lists come back in display
/// order (see each method).
pub trait Source {
    /// Every district, by code.
    fn districts(&self) -> anyhow::Result<Vec<District>>;
    /// The schools of one district, by code.
    fn schools(&self, district: &DistrictCode) -> anyhow::Result<Vec<School>>;
    /// The students of one school, by last name, first name, then ID.
    fn students_of_school(&self, school: &SchoolCode) -> anyhow::Result<Vec<Student>>;
    /// One student, if stored.
    fn student(&self, id: &StudentId) -> anyhow::Result<Option<Student>>;
    /// One student's exam attempts, by date.
    fn exams_of(&self, id: &StudentId) -> anyhow::Result<Vec<ExamAttempt>>;
}

/// A [`Source`] over plain vectors, for tests and fixtures.
#[derive(Debug, Clone, Default)]
pub struct MemorySource {
    /// Districts (any order).
    pub districts: Vec<District>,
    /// Schools (any order).
    pub schools: Vec<School>,
    /// Students (any order).
    pub students: Vec<Student>,
    /// Exam attempts (any order).
    pub exams: Vec<ExamAttempt>,
}

/// The SPEC §4 student order: last name, first name (lower-cased, by code
/// points), then ID.
pub fn student_order(a: &Student, b: &Student) -> std::cmp::Ordering {
    let key = |s: &Student| (s.last_name.to_lowercase(), s.first_name.to_lowercase());
    key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id))
}

impl Source for MemorySource {
    fn districts(&self) -> anyhow::Result<Vec<District>> {
        let mut v = self.districts.clone();
        v.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(v)
    }

    fn schools(&self, district: &DistrictCode) -> anyhow::Result<Vec<School>> {
        let mut v: Vec<School> = self
            .schools
            .iter()
            .filter(|s| &s.district() == district)
            .cloned()
            .collect();
        v.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(v)
    }

    fn students_of_school(&self, school: &SchoolCode) -> anyhow::Result<Vec<Student>> {
        let mut v: Vec<Student> = self
            .students
            .iter()
            .filter(|s| &s.school == school)
            .cloned()
            .collect();
        v.sort_by(student_order);
        Ok(v)
    }

    fn student(&self, id: &StudentId) -> anyhow::Result<Option<Student>> {
        Ok(self.students.iter().find(|s| &s.id == id).cloned())
    }

    fn exams_of(&self, id: &StudentId) -> anyhow::Result<Vec<ExamAttempt>> {
        let mut v: Vec<ExamAttempt> = self
            .exams
            .iter()
            .filter(|e| &e.student == id)
            .cloned()
            .collect();
        v.sort_by_key(|e| e.date);
        Ok(v)
    }
}
