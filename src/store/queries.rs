//! Record queries. Orders follow the key layout (see `keys`) unless said.

use serde::de::DeserializeOwned;

use super::{Result, SledResult, Store, keys};
use crate::domain::{
    Agreement, Certificate, District, DistrictCode, ExamAttempt, Record, RecordKey, School,
    SchoolCode, StatewideAttempt, Student, StudentId,
};

impl Store {
    /// The record stored under `key`, if any.
    pub fn get(&self, key: &RecordKey) -> Result<Option<Record>> {
        self.read_record(&keys::record(key))
    }

    /// Every district, by code.
    pub fn districts(&self) -> Result<Vec<District>> {
        self.scan(&[keys::DISTRICT])
    }

    /// Agreements of one district or all, by district then school year.
    pub fn agreements(&self, district: Option<&DistrictCode>) -> Result<Vec<Agreement>> {
        match district {
            Some(d) => self.scan(&keys::prefix(keys::AGREEMENT, d.as_str())),
            None => self.scan(&[keys::AGREEMENT]),
        }
    }

    /// Schools of one district or all, by code.
    pub fn schools(&self, district: Option<&DistrictCode>) -> Result<Vec<School>> {
        match district {
            // School codes begin with their district's code.
            Some(d) => self.scan(&keys::prefix(keys::SCHOOL, d.as_str())),
            None => self.scan(&[keys::SCHOOL]),
        }
    }

    /// Every student, by school, then id.
    pub fn students(&self) -> Result<Vec<Student>> {
        // One sequential scan and a sort beats a point read per index entry.
        let mut all: Vec<Student> = self.scan(&[keys::STUDENT])?;
        all.sort_by(|a, b| (&a.school, &a.id).cmp(&(&b.school, &b.id)));
        Ok(all)
    }

    /// Hands every student to `f`, by id, without collecting them (a full
    /// load keeps one copy, not two).
    pub fn for_each_student(&self, f: impl FnMut(Student)) -> Result<()> {
        self.each(&[keys::STUDENT], f)
    }

    /// Hands every exam attempt to `f`, by student, then date.
    pub fn for_each_exam(&self, f: impl FnMut(ExamAttempt)) -> Result<()> {
        self.each(&[keys::EXAM], f)
    }

    /// The students of a district, by school, then id.
    pub fn students_of_district(&self, d: &DistrictCode) -> Result<Vec<Student>> {
        self.students_by_index(&keys::by_district(d))
    }

    /// The students of a school, by id.
    pub fn students_of_school(&self, s: &SchoolCode) -> Result<Vec<Student>> {
        self.students_by_index(&keys::prefix(keys::BY_SCHOOL, s.as_str()))
    }

    /// Every exam attempt, by student, then date.
    pub fn exams(&self) -> Result<Vec<ExamAttempt>> {
        self.scan(&[keys::EXAM])
    }

    /// A student's exam attempts, by date.
    pub fn exams_of(&self, id: &StudentId) -> Result<Vec<ExamAttempt>> {
        self.scan(&keys::prefix(keys::EXAM, id.as_str()))
    }

    /// Every Statewide attempt, by student, credential (Basic before
    /// Advanced), then date attempted.
    pub fn statewide(&self) -> Result<Vec<StatewideAttempt>> {
        self.scan(&[keys::STATEWIDE])
    }

    /// A student's Statewide attempts, by credential, then date attempted.
    pub fn statewide_of(&self, id: &StudentId) -> Result<Vec<StatewideAttempt>> {
        self.scan(&keys::prefix(keys::STATEWIDE, id.as_str()))
    }

    /// Every certificate, by student, then credential (Regional Core, Basic,
    /// Advanced).
    pub fn certificates(&self) -> Result<Vec<Certificate>> {
        self.scan(&[keys::CERTIFICATE])
    }

    /// A student's certificates, by credential.
    pub fn certificates_of(&self, id: &StudentId) -> Result<Vec<Certificate>> {
        self.scan(&keys::prefix(keys::CERTIFICATE, id.as_str()))
    }

    /// The record under a stored key.
    pub(super) fn read_record(&self, k: &[u8]) -> Result<Option<Record>> {
        match self.tree().get(k).db(self)? {
            Some(v) => Ok(Some(self.decode_record(k, &v)?)),
            None => Ok(None),
        }
    }

    /// Decodes every value under a prefix, in key order.
    pub(super) fn scan<T: DeserializeOwned>(&self, prefix: &[u8]) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.each(prefix, |x| out.push(x))?;
        Ok(out)
    }

    fn each<T: DeserializeOwned>(&self, prefix: &[u8], mut f: impl FnMut(T)) -> Result<()> {
        for kv in self.tree().scan_prefix(prefix) {
            let (k, v) = kv.db(self)?;
            f(self.decode(&k, &v)?);
        }
        Ok(())
    }

    fn students_by_index(&self, prefix: &[u8]) -> Result<Vec<Student>> {
        let mut out = Vec::new();
        for kv in self.tree().scan_prefix(prefix) {
            let (k, _) = kv.db(self)?;
            let id = keys::by_school_student(&k)
                .ok_or_else(|| self.damaged("a bad school index key"))?;
            let sk = keys::record(&RecordKey::Student(id));
            let v = self
                .tree()
                .get(&sk)
                .db(self)?
                .ok_or_else(|| self.damaged("the school index names a missing student"))?;
            out.push(self.decode(&sk, &v)?);
        }
        Ok(out)
    }
}
