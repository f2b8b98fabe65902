//! Staged rows against the stored data (SPEC §2 items 12–15): each row's
//! outcome, the stored values it changes, and the writes a commit applies.

use rustc_hash::FxHashMap as HashMap;

use super::columns::Col;
use crate::domain::{
    BatchKind, Certificate, CertificateRow, CompletionRow, DistrictCode, DistrictRow, ExamAttempt,
    ExamRow, FieldChange, Lookup, LookupError, Outcome, Problem, ProblemCode, Record, RecordKey,
    RowData, RowResult, School, StagedRow, StatewideAttempt, StatewideRow, Student, Summary, Term,
    Write, calendar::cohort_for_grade,
};

/// The triage of a whole file.
#[derive(Debug, Clone, Default)]
pub struct Triage {
    /// The district of a completions file (its first valid row's).
    pub district: Option<DistrictCode>,
    /// One result per counted row, in file order.
    pub results: Vec<RowResult>,
    /// Counts per outcome.
    pub summary: Summary,
    /// What committing applies: every non-error row's changes.
    pub writes: Vec<Write>,
}

/// Stored data seen through the writes this file has already made. Every
/// stored value is read once: `before` caches it (districts and schools
/// repeat on every row; a student's value is also its write's before).
struct View<'a> {
    store: &'a dyn Lookup,
    pending: HashMap<RecordKey, Record>,
    order: Vec<RecordKey>,
    before: HashMap<RecordKey, Option<Record>>,
}

impl View<'_> {
    fn get(&mut self, key: &RecordKey) -> Result<Option<Record>, LookupError> {
        if let Some(r) = self.pending.get(key) {
            return Ok(Some(r.clone()));
        }
        self.stored(key)
    }

    fn stored(&mut self, key: &RecordKey) -> Result<Option<Record>, LookupError> {
        if let Some(r) = self.before.get(key) {
            return Ok(r.clone());
        }
        let r = self.store.get(key)?;
        self.before.insert(key.clone(), r.clone());
        Ok(r)
    }

    fn put(&mut self, record: Record) -> Result<(), LookupError> {
        let key = record.key();
        if !self.pending.contains_key(&key) {
            if !self.before.contains_key(&key) {
                let stored = self.store.get(&key)?;
                self.before.insert(key.clone(), stored);
            }
            self.order.push(key.clone());
        }
        self.pending.insert(key, record);
        Ok(())
    }

    fn writes(mut self) -> Vec<Write> {
        self.order
            .into_iter()
            .filter_map(|key| {
                let after = self.pending.remove(&key);
                let before = self.before.remove(&key).flatten();
                (before != after).then_some(Write { key, before, after })
            })
            .collect()
    }
}

/// Triages `rows` of a `kind` file read as of `term` against `store`.
pub fn triage(
    kind: BatchKind,
    term: Term,
    rows: &[StagedRow],
    store: &dyn Lookup,
) -> Result<Triage, LookupError> {
    triage_reporting(kind, term, rows, store, &mut |_| {})
}

/// How many rows go between two calls of a progress callback.
pub const PROGRESS_EVERY: usize = 1000;

/// [`triage`], calling `progress` with the rows triaged so far every
/// [`PROGRESS_EVERY`] rows and once at the end.
pub fn triage_reporting(
    kind: BatchKind,
    term: Term,
    rows: &[StagedRow],
    store: &dyn Lookup,
    progress: &mut dyn FnMut(usize),
) -> Result<Triage, LookupError> {
    let district = match kind {
        BatchKind::Completions => rows.iter().find_map(|r| match &r.data {
            Some(RowData::Completion(c)) => Some(c.district.clone()),
            _ => None,
        }),
        _ => None,
    };
    let mut view = View {
        store,
        pending: HashMap::default(),
        order: Vec::new(),
        before: HashMap::default(),
    };
    let mut results = Vec::with_capacity(rows.len());
    let mut summary = Summary::default();
    for (n, row) in rows.iter().enumerate() {
        if n > 0 && n % PROGRESS_EVERY == 0 {
            progress(n);
        }
        let mut problems = row.problems.clone();
        let mut changes = Vec::new();
        let mut is_new = false;
        if let Some(data) = &row.data {
            let mut ctx = RowCtx {
                view: &mut view,
                problems: &mut problems,
                changes: &mut changes,
                is_new: false,
            };
            match data {
                RowData::Completion(c) => ctx.completion(c, district.as_ref(), term)?,
                RowData::Exam(e) => ctx.exam(e)?,
                RowData::District(d) => ctx.district(d)?,
                RowData::Statewide(s) => ctx.statewide(s)?,
                RowData::Certificate(c) => ctx.certificate(c)?,
            }
            is_new = ctx.is_new;
        }
        let outcome = if problems.iter().any(Problem::is_error) {
            changes.clear();
            Outcome::Error
        } else if !problems.is_empty() {
            Outcome::Warning
        } else if is_new {
            Outcome::New
        } else if !changes.is_empty() {
            Outcome::Changed
        } else {
            Outcome::Unchanged
        };
        summary.add(outcome);
        results.push(RowResult {
            row: row.row,
            student_id: row.student_id.clone(),
            outcome,
            changes,
            problems,
        });
    }
    progress(rows.len());
    Ok(Triage {
        district,
        results,
        summary,
        writes: view.writes(),
    })
}

struct RowCtx<'a, 'b> {
    view: &'a mut View<'b>,
    problems: &'a mut Vec<Problem>,
    changes: &'a mut Vec<FieldChange>,
    is_new: bool,
}

fn yn(b: Option<bool>) -> Option<String> {
    b.map(|b| if b { "Y" } else { "N" }.to_string())
}

fn show<T: ToString>(v: &Option<T>) -> Option<String> {
    v.as_ref().map(ToString::to_string)
}

impl RowCtx<'_, '_> {
    fn error(&mut self, code: ProblemCode, col: Col, value: &str, message: String) {
        self.problems.push(Problem::cell(
            code,
            col.name(),
            Some(value.to_string()),
            message,
        ));
    }

    fn change(&mut self, field: &'static str, before: Option<String>, after: Option<String>) {
        if before != after {
            self.changes.push(FieldChange {
                field: std::borrow::Cow::Borrowed(field),
                before,
                after,
            });
        }
    }

    fn has_error(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }

    fn completion(
        &mut self,
        c: &CompletionRow,
        file_district: Option<&DistrictCode>,
        term: Term,
    ) -> Result<(), LookupError> {
        let d = c.district.as_str();
        if let Some(fd) = file_district
            && *fd != c.district
        {
            self.error(
                ProblemCode::DistrictMismatch,
                Col::DistrictCode,
                d,
                format!("district {d} in a file for district {fd}; expected {fd} (one district per file)"),
            );
        } else if self
            .view
            .get(&RecordKey::District(c.district.clone()))?
            .is_none()
        {
            self.error(
                ProblemCode::UnknownDistrict,
                Col::DistrictCode,
                d,
                format!("district {d} is not stored; expected a district from the districts file (import it first)"),
            );
        }
        let stored = match self.view.get(&RecordKey::Student(c.student.clone()))? {
            Some(Record::Student(s)) => Some(s),
            _ => None,
        };
        if let Some(s) = &stored
            && s.district() != c.district
        {
            self.error(
                ProblemCode::CrossDistrict,
                Col::StudentId,
                c.student.as_str(),
                format!(
                    "student {} is stored under district {}; expected a student of district {d} (moving a student is an operator's transfer)",
                    c.student,
                    s.district()
                ),
            );
        }
        let school = match self.view.get(&RecordKey::School(c.school.clone()))? {
            Some(Record::School(s)) => Some(s),
            _ => None,
        };
        let new_school = match (&school, &c.school_name) {
            (None, None) => {
                self.error(
                    ProblemCode::SchoolName,
                    Col::SchoolName,
                    "",
                    format!("school {} is not stored and the row gives no School Name; expected the name of the new school", c.school),
                );
                None
            }
            (None, Some(name)) => Some(School {
                code: c.school.clone(),
                name: name.clone(),
            }),
            (Some(s), Some(name)) if *name != s.name => {
                self.problems.push(Problem::cell(
                    ProblemCode::SchoolNameDiffers,
                    Col::SchoolName.name(),
                    Some(name.clone()),
                    format!(
                        "school {} is stored as {:?}; the name is kept (never renamed by an upload)",
                        c.school, s.name
                    ),
                ));
                None
            }
            _ => None,
        };
        if self.has_error() {
            return Ok(());
        }
        if let Some(s) = new_school {
            self.view.put(Record::School(s))?;
        }
        let after = apply_completion(stored.as_ref(), c, term);
        self.is_new = stored.is_none();
        self.student_changes(stored.as_ref(), &after);
        self.view.put(Record::Student(after))?;
        Ok(())
    }

    fn student_changes(&mut self, before: Option<&Student>, after: &Student) {
        let b = before;
        let m = |s: Option<&Student>| s.map(|s| s.modules.clone()).unwrap_or_default();
        let (bm, am) = (m(b), &after.modules);
        if b.is_none() {
            self.change("District Code", None, Some(after.district().to_string()));
        }
        self.change(
            "School Code",
            b.map(|s| s.school.to_string()),
            Some(after.school.to_string()),
        );
        self.change(
            "Last Name",
            b.map(|s| s.last_name.clone()),
            Some(after.last_name.clone()),
        );
        self.change(
            "First Name",
            b.map(|s| s.first_name.clone()),
            Some(after.first_name.clone()),
        );
        self.change(
            "Cohort",
            b.map(|s| s.cohort.to_string()),
            Some(after.cohort.to_string()),
        );
        self.change(
            Col::SaRound1.name(),
            show(&bm.sa_round1),
            show(&am.sa_round1),
        );
        self.change(
            Col::SaRound2.name(),
            show(&bm.sa_round2),
            show(&am.sa_round2),
        );
        self.change(
            Col::SaInstrument.name(),
            bm.sa_instrument.clone(),
            am.sa_instrument.clone(),
        );
        self.change(
            Col::Presentation.name(),
            show(&bm.presentation),
            show(&am.presentation),
        );
        self.change(
            Col::MentorChecklist.name(),
            yn(bm.mentor_checklist),
            yn(am.mentor_checklist),
        );
        self.change(
            Col::CreditApplications.name(),
            show(&bm.credit_applications),
            show(&am.credit_applications),
        );
        self.change(
            Col::CompanyRegistration.name(),
            show(&bm.company_registration),
            show(&am.company_registration),
        );
        self.change(
            Col::Pathway.name(),
            yn(b.and_then(|s| s.pathway)),
            yn(after.pathway),
        );
        let list = |v: &[String]| (!v.is_empty()).then(|| v.join("; "));
        self.change(
            Col::Complementary.name(),
            b.and_then(|s| list(&s.complementary)),
            list(&after.complementary),
        );
        self.change(
            Col::Notes.name(),
            b.and_then(|s| s.notes.clone()),
            after.notes.clone(),
        );
    }

    fn exam(&mut self, e: &ExamRow) -> Result<(), LookupError> {
        if !self.student_known(&e.student)? {
            return Ok(());
        }
        let key = RecordKey::Exam(e.student.clone(), e.date);
        let stored = self.view.get(&key)?.and_then(|r| match r {
            Record::Exam(x) => Some(x),
            _ => None,
        });
        let after = ExamAttempt {
            student: e.student.clone(),
            date: e.date,
            score: e
                .score
                .apply(&stored.as_ref().and_then(|s| s.score.clone())),
            result: e.result,
            provider: e
                .provider
                .apply(&stored.as_ref().and_then(|s| s.provider.clone())),
        };
        let b = stored.as_ref();
        self.is_new = b.is_none();
        if b.is_none() {
            self.change(Col::ExamDate.name(), None, Some(e.date.to_string()));
        }
        self.change(
            Col::Score.name(),
            b.and_then(|s| s.score.clone()),
            after.score.clone(),
        );
        self.change(
            Col::Result.name(),
            b.map(|s| s.result.as_str().to_string()),
            Some(after.result.as_str().to_string()),
        );
        self.change(
            Col::Provider.name(),
            b.and_then(|s| s.provider.clone()),
            after.provider.clone(),
        );
        self.view.put(Record::Exam(after))
    }

    fn student_known(&mut self, id: &crate::domain::StudentId) -> Result<bool, LookupError> {
        if self.view.stored(&RecordKey::Student(id.clone()))?.is_some() {
            return Ok(true);
        }
        self.error(
            ProblemCode::UnknownStudent,
            Col::StudentId,
            id.as_str(),
            format!("student {id} is not stored; expected a student already stored from a completions upload"),
        );
        Ok(false)
    }

    fn district(&mut self, row: &DistrictRow) -> Result<(), LookupError> {
        let d = &row.district;
        let stored = match self.view.get(&RecordKey::District(d.code.clone()))? {
            Some(Record::District(x)) => Some(x),
            _ => None,
        };
        let b = stored.as_ref();
        if b.is_none() {
            self.change(Col::DistrictCode.name(), None, Some(d.code.to_string()));
        }
        self.change(
            Col::DistrictName.name(),
            b.map(|x| x.name.clone()),
            Some(d.name.clone()),
        );
        self.change(
            Col::Kind.name(),
            b.map(|x| x.kind.as_str().to_string()),
            Some(d.kind.as_str().to_string()),
        );
        self.change(
            Col::Client.name(),
            yn(b.map(|x| x.client)),
            yn(Some(d.client)),
        );
        let a = &row.agreement;
        let key = RecordKey::Agreement(a.district.clone(), a.year);
        let stored_a = self.view.get(&key)?.and_then(|r| match r {
            Record::Agreement(x) => Some(x),
            _ => None,
        });
        let ba = stored_a.as_ref();
        self.is_new = ba.is_none();
        if ba.is_none() {
            self.change(Col::AgreementYear.name(), None, Some(a.year.to_string()));
        }
        self.change(
            Col::AgreementSigned.name(),
            ba.map(|x| x.signed.to_string()),
            Some(a.signed.to_string()),
        );
        self.change(
            Col::AgreementType.name(),
            ba.map(|x| x.agreement_type.as_str().to_string()),
            Some(a.agreement_type.as_str().to_string()),
        );
        self.view.put(Record::District(d.clone()))?;
        self.view.put(Record::Agreement(a.clone()))
    }

    fn statewide(&mut self, s: &StatewideRow) -> Result<(), LookupError> {
        if !self.student_known(&s.student)? {
            return Ok(());
        }
        let key = RecordKey::Statewide(s.student.clone(), s.credential, s.attempted);
        let stored = self.view.get(&key)?.and_then(|r| match r {
            Record::Statewide(x) => Some(x),
            _ => None,
        });
        let after = StatewideAttempt {
            student: s.student.clone(),
            credential: s.credential,
            attempted: s.attempted,
            attained: s.attained.apply(&stored.as_ref().and_then(|x| x.attained)),
        };
        let b = stored.as_ref();
        self.is_new = b.is_none();
        if b.is_none() {
            self.change(
                Col::Credential.name(),
                None,
                Some(s.credential.as_str().to_string()),
            );
            self.change(Col::Attempted.name(), None, Some(s.attempted.to_string()));
        }
        self.change(
            Col::Attained.name(),
            show(&b.and_then(|x| x.attained)),
            show(&after.attained),
        );
        self.view.put(Record::Statewide(after))
    }

    fn certificate(&mut self, c: &CertificateRow) -> Result<(), LookupError> {
        if !self.student_known(&c.student)? {
            return Ok(());
        }
        let key = RecordKey::Certificate(c.student.clone(), c.credential);
        let stored = self.view.get(&key)?.and_then(|r| match r {
            Record::Certificate(x) => Some(x),
            _ => None,
        });
        let b = stored.as_ref();
        self.is_new = b.is_none();
        if b.is_none() {
            self.change(
                Col::Credential.name(),
                None,
                Some(c.credential.as_str().to_string()),
            );
        }
        self.change(
            Col::Issued.name(),
            b.map(|x| x.issued.to_string()),
            Some(c.issued.to_string()),
        );
        self.view.put(Record::Certificate(Certificate {
            student: c.student.clone(),
            credential: c.credential,
            issued: c.issued,
            // A historic import has no code; keep one mecred issued.
            code: b.and_then(|x| x.code.clone()),
        }))
    }
}

/// The student after a completions row: blanks never erase, `CLEAR` erases,
/// a new student's blank Y/N is N (SPEC §2 items 9–10).
pub fn apply_completion(stored: Option<&Student>, c: &CompletionRow, term: Term) -> Student {
    let base = stored.cloned().unwrap_or_else(|| Student {
        id: c.student.clone(),
        last_name: String::new(),
        first_name: String::new(),
        school: c.school.clone(),
        cohort: 0,
        pathway: Some(false),
        complementary: Vec::new(),
        modules: crate::domain::Modules {
            mentor_checklist: Some(false),
            ..Default::default()
        },
        notes: None,
    });
    let m = &base.modules;
    let complementary = match &c.complementary {
        crate::domain::Field::Value(v) => v.clone(),
        crate::domain::Field::Clear => Vec::new(),
        crate::domain::Field::Blank => base.complementary.clone(),
    };
    Student {
        id: c.student.clone(),
        last_name: c.last_name.clone(),
        first_name: c.first_name.clone(),
        school: c.school.clone(),
        cohort: cohort_for_grade(c.grade, term),
        pathway: c.pathway.apply(&base.pathway),
        complementary,
        modules: crate::domain::Modules {
            sa_round1: c.sa_round1.apply(&m.sa_round1),
            sa_round2: c.sa_round2.apply(&m.sa_round2),
            sa_instrument: c.sa_instrument.apply(&m.sa_instrument),
            presentation: c.presentation.apply(&m.presentation),
            mentor_checklist: c.mentor_checklist.apply(&m.mentor_checklist),
            credit_applications: c.credit_applications.apply(&m.credit_applications),
            company_registration: c.company_registration.apply(&m.company_registration),
        },
        notes: c.notes.apply(&base.notes),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod certificate_tests {
    use std::collections::HashMap;

    use super::*;
    use crate::domain::{Credential, Modules, SchoolCode, StudentId, calendar::ymd};

    /// Re-importing a historic certificate mecred has since issued (with a
    /// code) neither drops the code nor counts as a change.
    #[test]
    fn a_certificates_import_keeps_a_stored_code() {
        let id = StudentId::parse("0000000001").unwrap();
        let issued = ymd(2026, 12, 4).unwrap();
        let student = Student {
            id: id.clone(),
            last_name: "L".into(),
            first_name: "F".into(),
            school: SchoolCode::parse("017004").unwrap(),
            cohort: 2027,
            pathway: None,
            complementary: vec![],
            modules: Modules::default(),
            notes: None,
        };
        let cert = Certificate {
            student: id.clone(),
            credential: Credential::RegionalCore,
            issued,
            code: Some("0123456789ABCDEF".into()),
        };
        let store: HashMap<RecordKey, Record> =
            [Record::Student(student), Record::Certificate(cert.clone())]
                .into_iter()
                .map(|r| (r.key(), r))
                .collect();
        let row = |issued| StagedRow {
            row: 2,
            student_id: Some(id.to_string()),
            data: Some(RowData::Certificate(CertificateRow {
                student: id.clone(),
                credential: Credential::RegionalCore,
                issued,
            })),
            problems: vec![],
        };
        let term = "fall-2026".parse().unwrap();
        let same = triage(BatchKind::Certificates, term, &[row(issued)], &store).unwrap();
        assert!(same.writes.is_empty(), "{:?}", same.writes);
        let later = ymd(2026, 12, 10).unwrap();
        let moved = triage(BatchKind::Certificates, term, &[row(later)], &store).unwrap();
        assert_eq!(
            moved.writes[0].after,
            Some(Record::Certificate(Certificate {
                issued: later,
                ..cert
            }))
        );
    }
}
