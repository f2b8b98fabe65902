//! The stored records of SPEC §1 and the change sets that write them.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::calendar::{Date, SchoolYear};
use super::ids::{DistrictCode, SchoolCode, StudentId};

/// A parish/city district or a charter school acting as its own LEA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DistrictKind {
    /// A parish or city school district.
    District,
    /// A charter school that is its own LEA.
    Charter,
}

impl DistrictKind {
    /// The SPEC's word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            DistrictKind::District => "district",
            DistrictKind::Charter => "charter",
        }
    }
}

/// An LEA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct District {
    /// LEA code.
    pub code: DistrictCode,
    /// Its name.
    pub name: String,
    /// District or charter. Serialised as `district_kind`: export lines and
    /// audit events already use `kind` for the record kind.
    #[serde(rename = "district_kind")]
    pub kind: DistrictKind,
    /// Already a tracking-service client.
    pub client: bool,
}

/// The two kinds of tracking agreement (policy "Procedures", footnote *).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AgreementType {
    /// An existing client's contract covers student confidentiality.
    ClientContract,
    /// A non-client's agreement safeguarding student confidentiality.
    Confidentiality,
}

impl AgreementType {
    /// The SPEC's word for it.
    pub fn as_str(self) -> &'static str {
        match self {
            AgreementType::ClientContract => "client-contract",
            AgreementType::Confidentiality => "confidentiality",
        }
    }
}

/// A district's tracking agreement for one school year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    /// The district that signed it.
    pub district: DistrictCode,
    /// The school year it covers.
    pub year: SchoolYear,
    /// The date signed.
    pub signed: Date,
    /// Its type.
    #[serde(rename = "type")]
    pub agreement_type: AgreementType,
}

/// A site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct School {
    /// Site code; begins with the district code.
    pub code: SchoolCode,
    /// Its name.
    pub name: String,
}

impl School {
    /// The district the school belongs to.
    pub fn district(&self) -> DistrictCode {
        self.code.district()
    }
}

/// The module data of one student (SPEC §1 "Five modules"). The Certification
/// Exam lives in [`ExamAttempt`]s, reported only by the exam provider.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Modules {
    /// Self-Assessment Round 1 date.
    pub sa_round1: Option<Date>,
    /// Self-Assessment Round 2 date.
    pub sa_round2: Option<Date>,
    /// The instrument as typed; `None` is the Micro-Enterprise Self-Assessment.
    pub sa_instrument: Option<String>,
    /// Self-Assessment Presentation date.
    pub presentation: Option<Date>,
    /// Mentor's Student Completion Checklist on file (`None`: never reported).
    pub mentor_checklist: Option<bool>,
    /// Credit Applications date.
    pub credit_applications: Option<Date>,
    /// Company Registration date.
    pub company_registration: Option<Date>,
}

impl Modules {
    /// The module dates recorded, in module order (the exam aside).
    pub fn dates(&self) -> impl Iterator<Item = Date> {
        [
            self.sa_round1,
            self.sa_round2,
            self.presentation,
            self.credit_applications,
            self.company_registration,
        ]
        .into_iter()
        .flatten()
    }
}

/// A student.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Student {
    /// State student ID.
    pub id: StudentId,
    /// Last name.
    pub last_name: String,
    /// First name.
    pub first_name: String,
    /// The school; its first three characters are the district.
    pub school: SchoolCode,
    /// Expected graduation year; the stored form of the grade.
    pub cohort: i16,
    /// Graduating via the Micro-Enterprise pathway (`None`: never reported).
    pub pathway: Option<bool>,
    /// Complementary credentials used toward graduation, as written.
    pub complementary: Vec<String>,
    /// Module dates and marks.
    pub modules: Modules,
    /// Free-text notes from the upload.
    pub notes: Option<String>,
}

impl Student {
    /// The student's district.
    pub fn district(&self) -> DistrictCode {
        self.school.district()
    }
}

/// Pass or fail, as the exam provider reports it (final).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExamResult {
    /// Passed.
    Pass,
    /// Failed (still an attempt).
    Fail,
}

impl ExamResult {
    /// `Pass` or `Fail`.
    pub fn as_str(self) -> &'static str {
        match self {
            ExamResult::Pass => "Pass",
            ExamResult::Fail => "Fail",
        }
    }
}

/// One Certification Exam attempt from the provider's file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamAttempt {
    /// The student.
    pub student: StudentId,
    /// The exam date.
    pub date: Date,
    /// The score as the text shown.
    pub score: Option<String>,
    /// Pass or fail.
    pub result: ExamResult,
    /// The exam provider.
    pub provider: Option<String>,
}

/// The three credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Credential {
    /// Micro-Enterprise Credential Regional Core.
    RegionalCore,
    /// Basic Statewide.
    BasicStatewide,
    /// Advanced Statewide.
    AdvancedStatewide,
}

impl Credential {
    /// The SPEC's name (`Regional Core`…).
    pub fn as_str(self) -> &'static str {
        match self {
            Credential::RegionalCore => "Regional Core",
            Credential::BasicStatewide => "Basic Statewide",
            Credential::AdvancedStatewide => "Advanced Statewide",
        }
    }
}

/// A Basic or Advanced Statewide attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatewideAttempt {
    /// The student.
    pub student: StudentId,
    /// Basic or Advanced Statewide.
    pub credential: Credential,
    /// Date attempted.
    pub attempted: Date,
    /// Date attained, if attained.
    pub attained: Option<Date>,
}

/// A certificate recorded as issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    /// The student.
    pub student: StudentId,
    /// Which credential.
    pub credential: Credential,
    /// Date issued.
    pub issued: Date,
    /// The verification code mecred printed on the certificate it issued
    /// (`None` for a certificate imported from before mecred). The store
    /// holds it, so a code edited into a PDF verifies as unknown.
    #[serde(default)]
    pub code: Option<String>,
}

/// Any stored record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Record {
    /// A district.
    District(District),
    /// A tracking agreement.
    Agreement(Agreement),
    /// A school.
    School(School),
    /// A student.
    Student(Student),
    /// An exam attempt.
    Exam(ExamAttempt),
    /// A Statewide attempt.
    Statewide(StatewideAttempt),
    /// A certificate.
    Certificate(Certificate),
}

impl Record {
    /// The key that identifies this record.
    pub fn key(&self) -> RecordKey {
        match self {
            Record::District(d) => RecordKey::District(d.code.clone()),
            Record::Agreement(a) => RecordKey::Agreement(a.district.clone(), a.year),
            Record::School(s) => RecordKey::School(s.code.clone()),
            Record::Student(s) => RecordKey::Student(s.id.clone()),
            Record::Exam(e) => RecordKey::Exam(e.student.clone(), e.date),
            Record::Statewide(s) => {
                RecordKey::Statewide(s.student.clone(), s.credential, s.attempted)
            }
            Record::Certificate(c) => RecordKey::Certificate(c.student.clone(), c.credential),
        }
    }
}

/// The identity of a record (SPEC §2 "the same record").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "kebab-case")]
pub enum RecordKey {
    /// District by code.
    District(DistrictCode),
    /// Agreement by district and school year.
    Agreement(DistrictCode, SchoolYear),
    /// School by code.
    School(SchoolCode),
    /// Student by ID.
    Student(StudentId),
    /// Exam attempt by student and date.
    Exam(StudentId, Date),
    /// Statewide attempt by student, credential and date attempted.
    Statewide(StudentId, Credential, Date),
    /// Certificate by student and credential.
    Certificate(StudentId, Credential),
}

impl fmt::Display for RecordKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordKey::District(c) => write!(f, "district {c}"),
            RecordKey::Agreement(c, y) => write!(f, "agreement {c} {y}"),
            RecordKey::School(c) => write!(f, "school {c}"),
            RecordKey::Student(id) => write!(f, "student {id}"),
            RecordKey::Exam(id, d) => write!(f, "exam attempt {id} {d}"),
            RecordKey::Statewide(id, c, d) => write!(f, "{} attempt {id} {d}", c.as_str()),
            RecordKey::Certificate(id, c) => write!(f, "{} certificate {id}", c.as_str()),
        }
    }
}

/// One write of a change set: the record's value before and after. `None`
/// means absent. Reverting applies `before` where the value is still `after`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Write {
    /// Which record.
    pub key: RecordKey,
    /// Its value before the change set.
    pub before: Option<Record>,
    /// Its value after the change set.
    pub after: Option<Record>,
}

impl Write {
    /// The write that undoes this one.
    pub fn inverse(&self) -> Write {
        Write {
            key: self.key.clone(),
            before: self.after.clone(),
            after: self.before.clone(),
        }
    }
}

/// A failure to read stored data, as text (the store's own error types stay
/// in `store`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct LookupError(pub String);

/// Read access to stored records by key: what triage needs of the store.
pub trait Lookup {
    /// The stored record under `key`, if any.
    fn get(&self, key: &RecordKey) -> Result<Option<Record>, LookupError>;
}

impl Lookup for std::collections::HashMap<RecordKey, Record> {
    fn get(&self, key: &RecordKey) -> Result<Option<Record>, LookupError> {
        Ok(std::collections::HashMap::get(self, key).cloned())
    }
}
