//! Policy findings (SPEC §1 "Finding id", "Acknowledgement"; §3): the rule
//! ids of the §3 table with their severity, source and the policy sentence
//! each cites, and the finding itself with its stable id.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::calendar::{Date, SchoolYear, Season, Term};
use super::ids::{DistrictCode, SchoolCode, StudentId};
use super::records::Credential;

/// How bad a finding is (SPEC §3): an `error` blocks a credential from being
/// counted; a `warn` needs attention and may be acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingSeverity {
    /// Needs attention.
    Warn,
    /// Blocks the student's credentials from being counted.
    Error,
}

impl FindingSeverity {
    /// `error` or `warn`.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingSeverity::Warn => "warn",
            FindingSeverity::Error => "error",
        }
    }
}

impl std::str::FromStr for FindingSeverity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "warn" | "warning" => Ok(FindingSeverity::Warn),
            "error" => Ok(FindingSeverity::Error),
            _ => Err(format!("{s:?} is not a severity (error, warn)")),
        }
    }
}

macro_rules! rules {
    ($($(#[$doc:meta])* $name:ident = $id:literal, $source:literal, $quote:expr;)*) => {
        /// A rule of the SPEC §3 table; the variants are in table order,
        /// which is also the order findings of one record are listed in.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId {
            $($(#[$doc])* $name,)*
        }

        impl RuleId {
            /// Every rule, in table order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$name,)*];

            /// The id as the SPEC prints it (`SA-BEFORE-11`).
            pub fn as_str(self) -> &'static str {
                match self { $(RuleId::$name => $id,)* }
            }

            /// The policy paragraph the rule cites, as the §3 table gives it.
            pub fn source(self) -> &'static str {
                match self { $(RuleId::$name => $source,)* }
            }

            /// The sentence of the policy text (July 2016) behind the rule,
            /// for a detail view.
            pub fn quote(self) -> &'static str {
                match self { $(RuleId::$name => $quote,)* }
            }
        }
    };
}

const ADVISED: &str = "Students are advised to attempt the Micro-Enterprise Credential Self-Assessment and the Self-Assessment Presentation in 11th or 12th grades.";
const TWO_OTHER: &str = "Students who graduate via the Micro-Enterprise pathway must use two other Complementary credentials in addition to attaining the full Core Regional Micro-Enterprise Credential.";
const CONFIRM: &str = "Spring: Towards the end of each semester confirm the Career Compass report indicating the number and identity of students qualifying for Micro-Enterprise Credential(s)";

rules! {
    /// A Self-Assessment round dated in grade 10 or lower (advised 11–12).
    SaBefore11 = "SA-BEFORE-11", "Policy 1", ADVISED;
    /// The Presentation dated in grade 10 or lower (advised 11–12).
    PresBefore11 = "PRES-BEFORE-11", "Policy 1", ADVISED;
    /// An exam attempt dated in grade 10 or lower.
    ExamBefore11 = "EXAM-BEFORE-11", "Policy 1", "Per BRAC guidelines, students may not attempt the full Micro-Enterprise Credential until 11th grade.";
    /// A Self-Assessment instrument other than the Micro-Enterprise one.
    SaSubstitute = "SA-SUBSTITUTE", "Policy 1, note", "But students who have completed other self-assessments will still be required to complete the Micro-Enterprise Self-Assessment (including its writing assignments) and the Self-Assessment Presentation.";
    /// Round 2 with no Round 1, or before it.
    SaRoundOrder = "SA-ROUND-ORDER", "Procedures", "Self-Assessment: printouts / pdfs of a student's Round 1 and Round 2 Self-Assessment reports;";
    /// A dated Presentation without the mentor checklist.
    PresNoChecklist = "PRES-NO-CHECKLIST", "Procedures", "Self-Assessment Presentation: printout / pdf of the mentor's Student Completion Checklist;";
    /// A pathway student using the Micro-Enterprise Complementary credential.
    DoubleDip = "DOUBLE-DIP", "Policy 2", "Students who graduate via the Micro-Enterprise pathway may not \u{201c}double dip\u{201d} by using the Micro-Enterprise Credential Complementary credential.";
    /// A pathway student with fewer than two other complementary credentials.
    PathwayComplementary = "PATHWAY-COMPLEMENTARY", "Policy 2", TWO_OTHER;
    /// A grade-12 pathway student without Regional Core.
    PathwayNoCore = "PATHWAY-NO-CORE", "Policy 2", TWO_OTHER;
    /// A Statewide attempt before Regional Core (or without it).
    StatewideBeforeCore = "STATEWIDE-BEFORE-CORE", "Policy 3", "Students must attain the Micro-Enterprise Credential Regional Core credential before attempting the Basic and/or Advanced Statewide credentials.";
    /// A certificate for a credential the student does not hold.
    CertIncomplete = "CERT-INCOMPLETE", "Procedures", "When all modules have been completed, Career Compass will issue individual electronic copies of the appropriate Micro-Enterprise Credential certificate to the district/charter schools.";
    /// Module data in a school year without a signed agreement.
    AgreementMissing = "AGREEMENT-MISSING", "Procedures, tracking", "Fall: Sign a Micro-Enterprise Credential tracking agreement with Career Compass, confirming the district/school is responsible for uploading accurate information about student module completion";
    /// A non-client district's agreement that is a client contract.
    AgreementType = "AGREEMENT-TYPE", "Procedures, tracking", "Districts that are not Career Compass clients will complete an agreement safeguarding student confidentiality when tracking Micro-Enterprise Credential module completion.";
    /// No committed upload in the current term after 60 days.
    UploadMissing = "UPLOAD-MISSING", "Procedures, Fall and Spring", "Fall and Spring: Use the spreadsheet template Career Compass provides to upload student module completion information";
    /// The current term's report unconfirmed in its last 31 days.
    ConfirmPending = "CONFIRM-PENDING", "Procedures, Spring", CONFIRM;
    /// A confirmed report that has changed since.
    ConfirmStale = "CONFIRM-STALE", "Procedures", CONFIRM;
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for RuleId {
    type Err = String;

    /// Parses a rule id in any case (`sa-before-11`).
    fn from_str(s: &str) -> Result<Self, String> {
        RuleId::ALL
            .iter()
            .copied()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("{s:?} is not a rule id (e.g. SA-BEFORE-11)"))
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The module (or credential) a finding concerns (SPEC §3: `module`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FindingModule {
    /// `Self-Assessment` (SA-*).
    SelfAssessment,
    /// `Self-Assessment Presentation` (PRES-*).
    Presentation,
    /// `Certification Exam` (EXAM-BEFORE-11).
    CertificationExam,
    /// The credential's name (STATEWIDE-BEFORE-CORE, CERT-INCOMPLETE).
    Credential(Credential),
}

impl FindingModule {
    /// The name the JSON and the screens show.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingModule::SelfAssessment => "Self-Assessment",
            FindingModule::Presentation => "Self-Assessment Presentation",
            FindingModule::CertificationExam => "Certification Exam",
            FindingModule::Credential(c) => c.as_str(),
        }
    }
}

/// Which item of the record a finding is about: with the rule, the record
/// and the module it makes the finding's identity (SPEC §1 "Finding id").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Item {
    /// The record as a whole (one finding per student or district).
    Whole,
    /// A Self-Assessment round (1 or 2) and its date.
    Round(u8, Date),
    /// A dated item: the Presentation, an exam or Statewide attempt.
    Dated(Date),
    /// A school year (AGREEMENT-*).
    Year(SchoolYear),
    /// A term (UPLOAD-MISSING, CONFIRM-*).
    Term(Term),
}

fn date_number(d: Date) -> i32 {
    i32::from(d.year()) * 10_000 + i32::from(d.month()) * 100 + i32::from(d.day())
}

impl Item {
    /// The item's part of the finding id.
    pub fn key(&self) -> String {
        match self {
            Item::Whole => String::new(),
            Item::Round(n, d) => format!("round{n} {d}"),
            Item::Dated(d) => d.to_string(),
            Item::Year(y) => y.to_string(),
            Item::Term(t) => t.to_string(),
        }
    }

    fn order(&self) -> (u8, i32, i32) {
        match *self {
            Item::Whole => (0, 0, 0),
            Item::Round(n, d) => (1, i32::from(n), date_number(d)),
            Item::Dated(d) => (2, date_number(d), 0),
            Item::Year(y) => (3, i32::from(y.end), 0),
            Item::Term(t) => (4, i32::from(t.year), i32::from(t.season == Season::Fall)),
        }
    }
}

impl PartialOrd for Item {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Item {
    fn cmp(&self, other: &Self) -> Ordering {
        self.order().cmp(&other.order())
    }
}

/// One finding of one rule about one record (SPEC §3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable short id (see [`finding_id`]).
    pub id: String,
    /// The rule.
    pub rule: RuleId,
    /// Error or warn (PATHWAY-COMPLEMENTARY depends on the grade).
    pub severity: FindingSeverity,
    /// The district.
    pub district: DistrictCode,
    /// The student's school (null for district findings).
    pub school: Option<SchoolCode>,
    /// The student (null for district findings).
    pub student: Option<StudentId>,
    /// The module the rule concerns (null for pathway and district rules).
    pub module: Option<FindingModule>,
    /// The item within the record.
    pub item: Item,
    /// One line with the concrete values.
    pub message: String,
}

impl Finding {
    /// A finding; its id derives from the rule, record, module and item —
    /// never from the message.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        rule: RuleId,
        severity: FindingSeverity,
        district: &DistrictCode,
        school: Option<&SchoolCode>,
        student: Option<&StudentId>,
        module: Option<FindingModule>,
        item: Item,
        message: String,
    ) -> Finding {
        Finding {
            id: finding_id(rule, district, student, module, item),
            rule,
            severity,
            district: district.clone(),
            school: school.cloned(),
            student: student.cloned(),
            module,
            item,
            message,
        }
    }

    /// The policy paragraph the finding cites.
    pub fn source(&self) -> &'static str {
        self.rule.source()
    }

    /// SPEC §3 order: district, school, student ID, rule (table order),
    /// module (nulls first), then the item.
    pub fn order(&self, other: &Finding) -> Ordering {
        (&self.district, &self.school, &self.student, self.rule)
            .cmp(&(&other.district, &other.school, &other.student, other.rule))
            .then_with(|| {
                self.module
                    .map(FindingModule::as_str)
                    .cmp(&other.module.map(FindingModule::as_str))
            })
            .then_with(|| self.item.cmp(&other.item))
    }
}

/// The stable id of a finding: the first 12 hex digits of SHA-256 over the
/// rule, district, student, module and item, so it survives restarts,
/// re-evaluation and changing day counts in the message.
pub fn finding_id(
    rule: RuleId,
    district: &DistrictCode,
    student: Option<&StudentId>,
    module: Option<FindingModule>,
    item: Item,
) -> String {
    let mut h = Sha256::new();
    for part in [
        rule.as_str(),
        district.as_str(),
        student.map(StudentId::as_str).unwrap_or(""),
        module.map(FindingModule::as_str).unwrap_or(""),
        &item.key(),
    ] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut id = String::with_capacity(12);
    for b in h.finalize().iter().take(6) {
        id.push(char::from(HEX[usize::from(b >> 4)]));
        id.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    id
}

/// An acknowledgement of a warn finding (SPEC §1): who, when, why. Stored by
/// finding id; it lapses (is not shown) when its finding disappears.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ack {
    /// The finding's id.
    pub finding: String,
    /// The finding's rule id when acknowledged (for the audit trail).
    pub rule: String,
    /// The OS user who acknowledged it.
    pub by: String,
    /// When (RFC 3339 UTC).
    pub at: String,
    /// Why.
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> DistrictCode {
        DistrictCode::parse(s).unwrap()
    }

    #[test]
    fn rule_ids_print_and_parse_in_table_order() {
        assert_eq!(RuleId::ALL.len(), 16);
        assert_eq!(RuleId::ALL[0].as_str(), "SA-BEFORE-11");
        assert_eq!(RuleId::ALL[15].as_str(), "CONFIRM-STALE");
        for r in RuleId::ALL {
            assert_eq!(r.as_str().parse::<RuleId>().unwrap(), *r);
            assert!(!r.quote().is_empty());
        }
        assert_eq!("sa-substitute".parse::<RuleId>(), Ok(RuleId::SaSubstitute));
        assert!("SA".parse::<RuleId>().is_err());
        assert_eq!(RuleId::SaSubstitute.source(), "Policy 1, note");
        assert_eq!(
            serde_json::to_string(&RuleId::DoubleDip).unwrap(),
            "\"DOUBLE-DIP\""
        );
        assert_eq!(
            serde_json::to_string(&FindingSeverity::Warn).unwrap(),
            "\"warn\""
        );
    }

    #[test]
    fn id_ignores_message_and_separates_items() {
        let d = code("017");
        let s = StudentId::parse("0000000001").unwrap();
        let day = Date::constant(2026, 10, 1);
        let a = Finding::new(
            RuleId::SaBefore11,
            FindingSeverity::Warn,
            &d,
            None,
            Some(&s),
            Some(FindingModule::SelfAssessment),
            Item::Round(1, day),
            "one".into(),
        );
        let b = Finding {
            message: "two".into(),
            ..a.clone()
        };
        assert_eq!(a.id, finding_id(b.rule, &d, Some(&s), b.module, b.item));
        assert_eq!(a.id.len(), 12);
        assert!(
            a.id.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        let round2 = finding_id(
            RuleId::SaBefore11,
            &d,
            Some(&s),
            Some(FindingModule::SelfAssessment),
            Item::Round(2, day),
        );
        assert_ne!(a.id, round2);
        let other_district = finding_id(a.rule, &code("036"), Some(&s), a.module, a.item);
        assert_ne!(a.id, other_district);
    }

    #[test]
    fn order_puts_nulls_first_then_rule_table_order() {
        let d = code("017");
        let s = StudentId::parse("0000000001").unwrap();
        let f = |rule, student: Option<&StudentId>, module| {
            Finding::new(
                rule,
                FindingSeverity::Error,
                &d,
                None,
                student,
                module,
                Item::Whole,
                String::new(),
            )
        };
        let district = f(RuleId::AgreementType, None, None);
        let sa = f(
            RuleId::SaSubstitute,
            Some(&s),
            Some(FindingModule::SelfAssessment),
        );
        let dip = f(RuleId::DoubleDip, Some(&s), None);
        assert_eq!(district.order(&sa), Ordering::Less);
        assert_eq!(sa.order(&dip), Ordering::Less);
        let core = f(
            RuleId::CertIncomplete,
            Some(&s),
            Some(FindingModule::Credential(Credential::RegionalCore)),
        );
        let none = f(RuleId::CertIncomplete, Some(&s), None);
        assert_eq!(none.order(&core), Ordering::Less);
    }
}
