//! The semester confirmation report (SPEC §4): a pure builder from the
//! policy engine's [`Snapshot`] and [`Evaluation`] to a [`Report`], and the
//! report's hash (SPEC §1 "Semester confirmation": the JSON report without
//! `today` and `generated`).
//!
//! What the hash must not see: anything that changes without the data
//! changing. So `generated` holds the provenance (the newest committed change
//! set and the app) and the CONFIRM-* findings are left out of the counts —
//! confirming a report must not change the report it confirms.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A word of the report's fixed vocabulary (a status, a rule id, a module):
/// a `&'static str` where the report is built, an owned string where one
/// was read back (a client of the server).
pub type Word = std::borrow::Cow<'static, str>;
use sha2::{Digest, Sha256};

use crate::domain::{
    AgreementType, Credential, Credentials, Date, DistrictCode, DistrictKind, Finding,
    FindingSeverity, Module, Progress, RuleId, SchoolCode, SchoolYear, Standing, Student, Term,
    calendar::grade_on,
};
use crate::policy::{Evaluation, Snapshot};

/// The three credentials, in report order.
pub const CREDENTIALS: [Credential; 3] = [
    Credential::RegionalCore,
    Credential::BasicStatewide,
    Credential::AdvancedStatewide,
];

/// What the report is built from besides the snapshot and its evaluation.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The term reported.
    pub term: Term,
    /// One district, or every district (`None`: statewide).
    pub district: Option<&'a DistrictCode>,
    /// School names by code (a student's school without one shows blank).
    pub schools: &'a BTreeMap<SchoolCode, String>,
    /// The newest committed change set (batch id), if any.
    pub last_change_set: Option<u64>,
}

/// The semester confirmation report for one district or every district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The day the findings were judged on.
    pub today: Date,
    /// Provenance, left out of the hash.
    pub generated: Generated,
    /// The term.
    pub term: Term,
    /// The district asked for (`null`: statewide).
    pub district: Option<DistrictCode>,
    /// One section per district, by code.
    pub districts: Vec<DistrictReport>,
    /// Totals over every district listed (statewide reports only).
    pub statewide: Option<Totals>,
    /// The fee due per district for the school year (a spring term whose
    /// school year has a fee schedule; see [`super::fees`]). Left out of the
    /// hash: setting a schedule or confirming the fall does not change what
    /// a district confirms for the spring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fees: Option<super::fees::Fees>,
}

/// Where the report came from; not part of its content (the hash skips it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generated {
    /// The data's last change set: the newest committed batch id.
    pub last_change_set: Option<u64>,
    /// The program that wrote it.
    pub by: String,
}

/// One district's section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictReport {
    /// Its code.
    pub code: DistrictCode,
    /// Its name (`null`: no district record).
    pub name: Option<String>,
    /// `district` or `charter`.
    pub district_kind: Option<Word>,
    /// Whether it is a tracking-service client.
    pub client: Option<bool>,
    /// Its agreement for the term's school year and its AGREEMENT-* findings.
    pub agreement: AgreementStatus,
    /// The counts.
    pub totals: Totals,
    /// Qualifying students (a credential attained within the term, no
    /// `error` finding), in SPEC §4 order.
    pub qualifying: Vec<StudentRow>,
    /// Students who attained a credential within the term but are blocked
    /// by `error` findings, with those findings.
    pub blocked: Vec<BlockedRow>,
}

impl DistrictReport {
    /// The students who attained `c` within the term, with the date, in
    /// report order (what every writer lists per credential).
    pub fn qualifying_for(&self, c: Credential) -> Vec<(&StudentRow, Date)> {
        self.qualifying
            .iter()
            .filter_map(|s| s.attained(c).map(|date| (s, date)))
            .collect()
    }
}

/// A district's agreement status for the term's school year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreementStatus {
    /// The school year of the term.
    pub year: SchoolYear,
    /// `ok`, `missing` (no agreement for the year) or `error` (an open
    /// AGREEMENT-* error, any year: the district cannot confirm).
    pub status: Word,
    /// Date signed, if there is one for the year.
    pub signed: Option<Date>,
    /// Its type, if there is one for the year.
    #[serde(rename = "type")]
    pub agreement_type: Option<Word>,
    /// The district's AGREEMENT-* findings.
    pub findings: Vec<FindingRow>,
}

impl AgreementStatus {
    /// `client-contract, signed 2026-08-12`, or `no agreement`.
    pub fn signed_text(&self) -> String {
        match (self.agreement_type.as_deref(), self.signed) {
            (Some(t), Some(s)) => format!("{t}, signed {s}"),
            _ => "no agreement".to_string(),
        }
    }
}

/// Counts of a district (or of the state).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Districts counted (1 for a district section).
    pub districts: usize,
    /// Students stored.
    pub students: usize,
    /// Qualifying students per credential.
    pub regional_core: usize,
    /// Basic Statewide attained within the term, not blocked.
    pub basic_statewide: usize,
    /// Advanced Statewide attained within the term, not blocked.
    pub advanced_statewide: usize,
    /// Qualifying students (any credential).
    pub qualifying: usize,
    /// Students with a credential within the term blocked by an error.
    pub blocked: usize,
    /// Open `error` findings (students' and the district's, CONFIRM-* aside).
    pub error_findings: usize,
    /// Open `warn` findings (as above; acknowledged ones included).
    pub warn_findings: usize,
    /// Students who completed each module, in module order.
    pub modules: Vec<ModuleCount>,
    /// Students by how many of the five modules they completed (0..=5).
    pub stages: [usize; 6],
}

/// Students who completed one module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleCount {
    /// The module's name.
    pub module: Word,
    /// How many students completed it.
    pub students: usize,
}

/// A student in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentRow {
    /// State student ID.
    pub student_id: String,
    /// Last name.
    pub last_name: String,
    /// First name.
    pub first_name: String,
    /// School code.
    pub school: String,
    /// School name (blank when unknown).
    pub school_name: String,
    /// Grade during the term.
    pub grade: i16,
    /// The credentials attained within the term, with their dates.
    pub credentials: Vec<Attained>,
}

impl StudentRow {
    /// When a credential was attained within the term, if it was.
    pub fn attained(&self, c: Credential) -> Option<Date> {
        self.credentials
            .iter()
            .find(|a| a.credential == c.as_str())
            .map(|a| a.date)
    }
}

/// A credential attained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attained {
    /// Its name (`Regional Core`…).
    pub credential: Word,
    /// The date attained.
    pub date: Date,
}

/// A blocked student and the error findings that block it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockedRow {
    /// The student.
    #[serde(flatten)]
    pub student: StudentRow,
    /// Its `error` findings.
    pub findings: Vec<FindingRow>,
}

/// A finding as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingRow {
    /// Finding id.
    pub id: String,
    /// Rule id.
    pub rule: Word,
    /// `error` or `warn`.
    pub severity: Word,
    /// Module or credential concerned.
    pub module: Option<Word>,
    /// The one-line message.
    pub message: String,
}

impl FindingRow {
    fn of(f: &Finding) -> FindingRow {
        FindingRow {
            id: f.id.clone(),
            rule: f.rule.as_str().into(),
            severity: f.severity.as_str().into(),
            module: f.module.map(|m| m.as_str().into()),
            message: f.message.clone(),
        }
    }
}

impl Totals {
    fn empty() -> Totals {
        Totals {
            modules: Module::ALL
                .iter()
                .map(|m| ModuleCount {
                    module: m.as_str().into(),
                    students: 0,
                })
                .collect(),
            ..Totals::default()
        }
    }

    fn add(&mut self, o: &Totals) {
        self.districts += o.districts;
        self.students += o.students;
        self.regional_core += o.regional_core;
        self.basic_statewide += o.basic_statewide;
        self.advanced_statewide += o.advanced_statewide;
        self.qualifying += o.qualifying;
        self.blocked += o.blocked;
        self.error_findings += o.error_findings;
        self.warn_findings += o.warn_findings;
        for (a, b) in self.modules.iter_mut().zip(&o.modules) {
            a.students += b.students;
        }
        for (a, b) in self.stages.iter_mut().zip(o.stages) {
            *a += b;
        }
    }

    /// Qualifying students for one credential.
    pub fn credential(&self, c: Credential) -> usize {
        match c {
            Credential::RegionalCore => self.regional_core,
            Credential::BasicStatewide => self.basic_statewide,
            Credential::AdvancedStatewide => self.advanced_statewide,
        }
    }
}

/// Whether a rule's findings count in the report: CONFIRM-* are about the
/// report itself, so counting them would make every confirmation stale.
fn counted(rule: RuleId) -> bool {
    !matches!(rule, RuleId::ConfirmPending | RuleId::ConfirmStale)
}

fn is_agreement(rule: RuleId) -> bool {
    matches!(rule, RuleId::AgreementMissing | RuleId::AgreementType)
}

/// The SPEC §4 order: school code, last name, first name (code points after
/// lower-casing), then Student ID.
fn order_key(s: &Student) -> (String, String, String, String) {
    (
        s.school.as_str().to_lowercase(),
        s.last_name.to_lowercase(),
        s.first_name.to_lowercase(),
        s.id.as_str().to_string(),
    )
}

/// Builds the report. Pure: the same inputs give the same report.
pub fn build(snap: &Snapshot, eval: &Evaluation, inp: Inputs) -> Report {
    build_with(snap, eval, inp, true)
}

/// The statewide report of `term` without its student lists (`qualifying`
/// and `blocked` stay empty): every count and agreement status, at a
/// fraction of the cost (the dashboard).
pub fn totals(snap: &Snapshot, eval: &Evaluation, term: Term) -> Report {
    let schools = BTreeMap::new();
    let inp = Inputs {
        term,
        district: None,
        schools: &schools,
        last_change_set: None,
    };
    build_with(snap, eval, inp, false)
}

fn build_with(snap: &Snapshot, eval: &Evaluation, inp: Inputs, detail: bool) -> Report {
    let mut by_district: BTreeMap<DistrictCode, Vec<&Student>> = BTreeMap::new();
    for (_, file) in snap.students() {
        if let Some(s) = &file.student {
            let d = s.district();
            if inp.district.is_none_or(|x| *x == d) {
                by_district.entry(d).or_default().push(s);
            }
        }
    }
    let codes: Vec<DistrictCode> = match inp.district {
        Some(d) => vec![d.clone()],
        None => {
            let mut all = snap.district_codes();
            all.extend(by_district.keys().cloned());
            all.into_iter().collect()
        }
    };
    let districts: Vec<DistrictReport> = codes
        .iter()
        .map(|code| {
            let students = by_district.remove(code).unwrap_or_default();
            district(snap, eval, &inp, code, students, detail)
        })
        .collect();
    let statewide = inp.district.is_none().then(|| {
        let mut t = Totals::empty();
        for d in &districts {
            t.add(&d.totals);
        }
        t
    });
    Report {
        today: eval.today(),
        generated: Generated {
            last_change_set: inp.last_change_set,
            by: concat!("mecred ", env!("CARGO_PKG_VERSION")).to_string(),
        },
        term: inp.term,
        district: inp.district.cloned(),
        districts,
        statewide,
        fees: None,
    }
}

fn district(
    snap: &Snapshot,
    eval: &Evaluation,
    inp: &Inputs,
    code: &DistrictCode,
    mut students: Vec<&Student>,
    detail: bool,
) -> DistrictReport {
    if detail {
        students.sort_by_cached_key(|s| order_key(s));
    }
    let mut totals = Totals::empty();
    totals.districts = 1;
    totals.students = students.len();
    let mut qualifying = Vec::new();
    let mut blocked = Vec::new();
    for s in students {
        let Some(file) = snap.student(&s.id) else {
            continue;
        };
        let progress = Progress::of(s, &file.exams);
        let done = Module::ALL
            .iter()
            .map(|m| progress.completed(*m).is_some())
            .collect::<Vec<_>>();
        for (m, d) in totals.modules.iter_mut().zip(&done) {
            m.students += usize::from(*d);
        }
        if let Some(n) = totals.stages.get_mut(progress.completed_count()) {
            *n += 1;
        }
        let findings = eval.student_findings(&s.id);
        for f in findings {
            match f.severity {
                FindingSeverity::Error => totals.error_findings += 1,
                FindingSeverity::Warn => totals.warn_findings += 1,
            }
        }
        let credentials = Credentials::of(&progress, &file.statewide);
        let has_error = findings
            .iter()
            .any(|f| f.severity == FindingSeverity::Error);
        let row = |attained: Vec<(Credential, Date)>| StudentRow {
            student_id: s.id.as_str().to_string(),
            last_name: s.last_name.clone(),
            first_name: s.first_name.clone(),
            school: s.school.as_str().to_string(),
            school_name: inp.schools.get(&s.school).cloned().unwrap_or_default(),
            grade: grade_on(s.cohort, inp.term.first_day()),
            credentials: attained
                .into_iter()
                .map(|(c, date)| Attained {
                    credential: c.as_str().into(),
                    date,
                })
                .collect(),
        };
        match Standing::of(&credentials, inp.term, has_error) {
            Standing::Qualifying(att) => {
                totals.qualifying += 1;
                for (c, _) in &att {
                    match c {
                        Credential::RegionalCore => totals.regional_core += 1,
                        Credential::BasicStatewide => totals.basic_statewide += 1,
                        Credential::AdvancedStatewide => totals.advanced_statewide += 1,
                    }
                }
                if detail {
                    qualifying.push(row(att));
                }
            }
            Standing::Blocked(_) if !detail => totals.blocked += 1,
            Standing::Blocked(att) => {
                totals.blocked += 1;
                blocked.push(BlockedRow {
                    student: row(att),
                    findings: findings
                        .iter()
                        .filter(|f| f.severity == FindingSeverity::Error)
                        .map(FindingRow::of)
                        .collect(),
                });
            }
            Standing::None => {}
        }
    }
    let own: Vec<&Finding> = eval
        .district_findings(code)
        .iter()
        .filter(|f| counted(f.rule))
        .collect();
    for f in &own {
        match f.severity {
            FindingSeverity::Error => totals.error_findings += 1,
            FindingSeverity::Warn => totals.warn_findings += 1,
        }
    }
    let record = snap.district(code);
    DistrictReport {
        code: code.clone(),
        name: record.map(|d| d.name.clone()),
        district_kind: record.map(|d| kind_name(d.kind).into()),
        client: record.map(|d| d.client),
        agreement: agreement(snap, code, inp.term, &own),
        totals,
        qualifying,
        blocked,
    }
}

fn kind_name(k: DistrictKind) -> &'static str {
    k.as_str()
}

fn agreement(
    snap: &Snapshot,
    code: &DistrictCode,
    term: Term,
    own: &[&Finding],
) -> AgreementStatus {
    let year = term.school_year();
    let a = snap.agreements_of(code).and_then(|m| m.get(&year));
    let findings: Vec<FindingRow> = own
        .iter()
        .filter(|f| is_agreement(f.rule))
        .map(|f| FindingRow::of(f))
        .collect();
    let status = if findings.iter().any(|f| f.severity == "error") {
        "error"
    } else if a.is_none() {
        "missing"
    } else {
        "ok"
    };
    AgreementStatus {
        year,
        status: status.into(),
        signed: a.map(|a| a.signed),
        agreement_type: a.map(|a| type_name(a.agreement_type).into()),
        findings,
    }
}

fn type_name(t: AgreementType) -> &'static str {
    t.as_str()
}

/// Whether the district has an open AGREEMENT-* error (it cannot confirm).
pub fn has_agreement_error(eval: &Evaluation, code: &DistrictCode) -> bool {
    eval.district_findings(code)
        .iter()
        .any(|f| is_agreement(f.rule) && f.severity == FindingSeverity::Error)
}

/// The JSON the hash covers: the report without `today`, `generated` and
/// `fees` (the fee is priced from the counts, which the hash does cover).
pub fn content(report: &Report) -> serde_json::Value {
    let mut v = serde_json::to_value(report).unwrap_or(serde_json::Value::Null);
    if let Some(o) = v.as_object_mut() {
        o.remove("today");
        o.remove("generated");
        o.remove("fees");
    }
    v
}

/// SHA-256 (lower-case hex) of [`content`] as compact JSON.
pub fn hash(report: &Report) -> String {
    let bytes = serde_json::to_vec(&content(report)).unwrap_or_default();
    let digest = Sha256::digest(&bytes);
    let mut s = String::with_capacity(64);
    for b in digest.iter() {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 15)]));
    }
    s
}

const HEX: &[u8; 16] = b"0123456789abcdef";
