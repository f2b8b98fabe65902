//! The policy side of the TUI: the runtime keeps a [`Policy`] (snapshot,
//! evaluation, acknowledgements) off the UI state; the screens see only the
//! [`Findings`] it hands over after a full evaluation and after every change
//! made in this process (SPEC §3: re-evaluated for exactly the records an
//! edit touches).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::progress::{Dashboard, Module, dashboard};
use super::source::Source;
use crate::domain::{
    Ack, Date, District, DistrictCode, Finding, FindingModule, FindingSeverity, Item, Record,
    RecordKey, RuleId, School, Severity, StudentId, Write,
};
use crate::policy::{Evaluation, Snapshot, Touched};
use crate::search::{Entry, Index};

/// One finding as the screens list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The finding.
    pub finding: Finding,
    /// Its acknowledgement, when a warn finding has one.
    pub ack: Option<Ack>,
    /// The record's name: `Landry, Ava` or the district's name.
    pub who: String,
}

impl Listed {
    /// An error, or a warn not acknowledged: what the open counts count.
    pub fn is_open(&self) -> bool {
        self.ack.is_none()
    }
}

/// Every finding on one day, in SPEC §3 order, with the district records
/// (a district finding opens its district's schools).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    /// The findings, in SPEC §3 order.
    pub items: Vec<Listed>,
    /// The districts by code.
    pub districts: BTreeMap<DistrictCode, District>,
}

/// The grid cell a student finding marks, if it concerns one.
pub fn grid_module(f: &Finding) -> Option<Module> {
    match (f.module?, f.item, f.rule) {
        (FindingModule::SelfAssessment, Item::Round(2, _), _) => Some(Module::SaRound2),
        (FindingModule::SelfAssessment, _, RuleId::SaRoundOrder) => Some(Module::SaRound2),
        (FindingModule::SelfAssessment, _, _) => Some(Module::SaRound1),
        (FindingModule::Presentation, _, _) => Some(Module::Presentation),
        (FindingModule::CertificationExam, _, _) => Some(Module::CertificationExam),
        (FindingModule::Credential(_), _, _) => None,
    }
}

/// The grid's severity for a finding's.
pub fn grid_severity(s: FindingSeverity) -> Severity {
    match s {
        FindingSeverity::Error => Severity::Error,
        FindingSeverity::Warn => Severity::Warning,
    }
}

/// The grid's marks: per cell and per row, the worst severity.
pub type Marks = (
    HashMap<(StudentId, Module), Severity>,
    HashMap<StudentId, Severity>,
);

impl Findings {
    /// The findings of one student, in rule order.
    pub fn of_student<'a>(&'a self, id: &'a StudentId) -> impl Iterator<Item = &'a Listed> + 'a {
        self.items
            .iter()
            .filter(move |l| l.finding.student.as_ref() == Some(id))
    }

    /// Where the finding with `id` is listed.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.items.iter().position(|l| l.finding.id == id)
    }

    /// One finding by id.
    pub fn get(&self, id: &str) -> Option<&Listed> {
        self.items.iter().find(|l| l.finding.id == id)
    }

    /// The marks of the students `ids` (a grid's rows).
    pub fn marks<'a>(&self, ids: impl Iterator<Item = &'a StudentId>) -> Marks {
        let mut cells = HashMap::new();
        let mut rows = HashMap::new();
        let wanted: std::collections::HashSet<&StudentId> = ids.collect();
        for l in &self.items {
            let Some(id) = l.finding.student.as_ref().filter(|s| wanted.contains(s)) else {
                continue;
            };
            let sev = grid_severity(l.finding.severity);
            let worst = |e: &mut Severity| {
                if sev == Severity::Error {
                    *e = Severity::Error;
                }
            };
            rows.entry(id.clone()).and_modify(worst).or_insert(sev);
            if let Some(m) = grid_module(&l.finding) {
                cells
                    .entry((id.clone(), m))
                    .and_modify(worst)
                    .or_insert(sev);
            }
        }
        (cells, rows)
    }
}

/// The findings a change would add and remove (a preview: nothing stored).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delta {
    /// Findings that would appear, in SPEC §3 order.
    pub added: Vec<Finding>,
    /// Findings that would go, in SPEC §3 order.
    pub removed: Vec<Finding>,
}

/// The students and districts whose findings a change can move.
#[derive(Default)]
struct Scope {
    students: std::collections::BTreeSet<StudentId>,
    districts: std::collections::BTreeSet<DistrictCode>,
}

impl Scope {
    fn add(&mut self, snap: &Snapshot, key: &RecordKey) {
        match key {
            RecordKey::District(c) | RecordKey::Agreement(c, _) => {
                self.districts.insert(c.clone());
            }
            RecordKey::School(c) => {
                self.districts.insert(c.district());
            }
            RecordKey::Student(id)
            | RecordKey::Exam(id, _)
            | RecordKey::Statewide(id, _, _)
            | RecordKey::Certificate(id, _) => {
                if let Some(s) = snap.student(id).and_then(|f| f.student.as_ref()) {
                    self.districts.insert(s.district());
                }
                self.students.insert(id.clone());
            }
        }
    }

    /// Their findings, in SPEC §3 order.
    fn findings(&self, eval: &Evaluation) -> Vec<Finding> {
        let mut v: Vec<Finding> = self
            .students
            .iter()
            .flat_map(|id| eval.student_findings(id).iter().cloned())
            .chain(
                self.districts
                    .iter()
                    .flat_map(|d| eval.district_findings(d).iter().cloned()),
            )
            .collect();
        let mut seen = std::collections::HashSet::new();
        v.retain(|f| seen.insert(f.id.clone()));
        v.sort_by(|a, b| a.order(b));
        v
    }
}

/// The runtime's policy state: what the rules read, their findings, and the
/// acknowledgements. Not part of the UI state (render never sees it).
#[derive(Debug, Clone)]
pub struct Policy {
    snapshot: Snapshot,
    evaluation: Evaluation,
    acks: HashMap<String, Ack>,
    dashboard: Arc<Dashboard>,
    /// A change set was committed since the dashboard was counted.
    stale: bool,
}

impl Policy {
    /// Reads everything and evaluates it in full (run on a worker thread).
    pub fn load(source: &dyn Source, today: Date) -> anyhow::Result<Policy> {
        Policy::load_then(source, today, |_| ())
    }

    /// [`Policy::load`], handing the snapshot to `read` before evaluating
    /// it: everything is read once, and what needs only the records (the
    /// finder's names) goes out first.
    pub fn load_then(
        source: &dyn Source,
        today: Date,
        read: impl FnOnce(&Snapshot),
    ) -> anyhow::Result<Policy> {
        let mut snapshot = source.snapshot()?;
        read(&snapshot);
        let evaluation = source.evaluate(&mut snapshot, today)?;
        let acks = source
            .acks()?
            .into_iter()
            .map(|a| (a.finding.clone(), a))
            .collect();
        let dashboard = Arc::new(dashboard(&snapshot, &evaluation));
        Ok(Policy {
            snapshot,
            evaluation,
            acks,
            dashboard,
            stale: false,
        })
    }

    /// A committed change set: applies its writes to the snapshot and
    /// re-evaluates exactly what they touched (then recounts the
    /// dashboard); returns what that was.
    pub fn committed(&mut self, writes: &[Write]) -> Touched {
        let mut touched = Touched::default();
        for w in writes {
            touched.merge(self.snapshot.set(&w.key, w.after.clone()));
        }
        self.evaluation.update(&self.snapshot, &touched);
        // A full recount costs ~0.4 s on the whole state: only when shown.
        self.stale |= !writes.is_empty();
        touched
    }

    /// The findings `writes` would add and remove if committed now,
    /// computed by applying them, re-evaluating what they touch, and putting
    /// everything back: the policy state ends exactly as it began, and the
    /// cost follows the size of the change, not of the data.
    pub fn delta(&mut self, writes: &[Write]) -> Delta {
        let originals: Vec<(RecordKey, Option<Record>)> = writes
            .iter()
            .map(|w| (w.key.clone(), self.snapshot.record(&w.key)))
            .collect();
        let mut scope = Scope::default();
        for w in writes {
            scope.add(&self.snapshot, &w.key);
        }
        let mut touched = Touched::default();
        for w in writes {
            touched.merge(self.snapshot.set(&w.key, w.after.clone()));
        }
        self.evaluation.update(&self.snapshot, &touched);
        for w in writes {
            scope.add(&self.snapshot, &w.key);
        }
        scope.districts.extend(touched.districts.iter().cloned());
        scope.students.extend(touched.students.iter().cloned());
        let after = scope.findings(&self.evaluation);
        // Put back in reverse: a key written twice ends at its first value.
        let mut back = Touched::default();
        for (key, value) in originals.into_iter().rev() {
            back.merge(self.snapshot.set(&key, value));
        }
        self.evaluation.update(&self.snapshot, &back);
        let before = scope.findings(&self.evaluation);
        let ids = |v: &[Finding]| -> std::collections::HashSet<String> {
            v.iter().map(|f| f.id.clone()).collect()
        };
        let (was, now) = (ids(&before), ids(&after));
        Delta {
            added: after.into_iter().filter(|f| !was.contains(&f.id)).collect(),
            removed: before
                .into_iter()
                .filter(|f| !now.contains(&f.id))
                .collect(),
        }
    }

    /// The record under `key` as this evaluation has it (what an edit's
    /// preview starts from).
    pub fn record(&self, key: &RecordKey) -> Option<Record> {
        self.snapshot.record(key)
    }

    /// The dashboard's numbers, recounted first when a change set made
    /// them stale.
    pub fn dashboard(&mut self) -> Arc<Dashboard> {
        if self.stale {
            self.dashboard = Arc::new(dashboard(&self.snapshot, &self.evaluation));
            self.stale = false;
        }
        Arc::clone(&self.dashboard)
    }

    /// Whether a change set was committed since the dashboard was counted.
    pub fn dashboard_is_stale(&self) -> bool {
        self.stale
    }

    /// The finder's names: every district and student of `snapshot`, and
    /// `schools`.
    pub fn names(snapshot: &Snapshot, schools: &[School]) -> Index {
        let mut entries: Vec<Entry> = snapshot
            .district_codes()
            .iter()
            .filter_map(|c| snapshot.district(c))
            .map(Entry::district)
            .collect();
        entries.extend(schools.iter().map(Entry::school));
        let mut students: Vec<&crate::domain::Student> = snapshot
            .students()
            .filter_map(|(_, f)| f.student.as_ref())
            .collect();
        // Stable across runs (the snapshot's map is not): ties rank alike.
        students.sort_unstable_by(|a, b| super::source::student_order(a, b));
        entries.extend(students.into_iter().map(Entry::student));
        Index::new(entries)
    }

    /// An acknowledgement was stored.
    pub fn acknowledged(&mut self, ack: Ack) {
        self.acks.insert(ack.finding.clone(), ack);
    }

    /// A finding by id, if it exists today.
    pub fn finding(&self, id: &str) -> Option<&Finding> {
        self.evaluation.findings().into_iter().find(|f| f.id == id)
    }

    /// The findings as the screens show them. An ack shows only on a warn
    /// finding that still exists (it lapses otherwise: SPEC §1).
    pub fn findings(&self) -> Arc<Findings> {
        let items = self
            .evaluation
            .findings()
            .into_iter()
            .map(|f| {
                let ack = match f.severity {
                    FindingSeverity::Warn => self.acks.get(&f.id).cloned(),
                    FindingSeverity::Error => None,
                };
                let who = match &f.student {
                    Some(id) => self
                        .snapshot
                        .student(id)
                        .and_then(|file| file.student.as_ref())
                        .map_or_else(
                            || id.to_string(),
                            |s| format!("{}, {}", s.last_name, s.first_name),
                        ),
                    None => self
                        .snapshot
                        .district(&f.district)
                        .map_or_else(|| f.district.to_string(), |d| d.name.clone()),
                };
                Listed {
                    finding: f.clone(),
                    ack,
                    who,
                }
            })
            .collect();
        let districts = self
            .snapshot
            .district_codes()
            .into_iter()
            .filter_map(|c| self.snapshot.district(&c).map(|d| (c, d.clone())))
            .collect();
        Arc::new(Findings { items, districts })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Record, RecordKey};
    use crate::tui::fixture;

    fn policy() -> (Policy, crate::tui::MemorySource) {
        let src = fixture::source();
        (Policy::load(&src, fixture::today()).unwrap(), src)
    }

    #[test]
    fn loads_the_fixture_findings_in_spec_order_with_names() {
        let (p, _) = policy();
        let f = p.findings();
        let rules: Vec<&str> = f.items.iter().map(|l| l.finding.rule.as_str()).collect();
        assert!(rules.contains(&"SA-SUBSTITUTE"), "{rules:?}");
        assert!(rules.contains(&"SA-BEFORE-11"), "{rules:?}");
        let ben = StudentId::parse("1000000002").unwrap();
        assert!(f.of_student(&ben).all(|l| l.who == "Broussard, Ben"));
        assert!(f.of_student(&ben).count() >= 3);
        let (cells, rows) = f.marks([&ben].into_iter());
        assert_eq!(
            cells.get(&(ben.clone(), Module::SaRound1)),
            Some(&Severity::Error)
        );
        assert_eq!(
            cells.get(&(ben.clone(), Module::Presentation)),
            Some(&Severity::Error)
        );
        assert_eq!(rows.get(&ben), Some(&Severity::Error));
    }

    #[test]
    fn a_delta_previews_a_change_and_leaves_the_policy_as_it_was() {
        let (mut p, src) = policy();
        let ben = StudentId::parse("1000000002").unwrap();
        let start = p.findings();
        let mut s = src.students.iter().find(|s| s.id == ben).unwrap().clone();
        s.modules.sa_instrument = None;
        // A new student in grade 9 with a Round 1 date: SA-BEFORE-11 fires.
        let mut new = s.clone();
        new.id = StudentId::parse("1999999999").unwrap();
        new.cohort = 2030;
        new.modules.sa_round1 = Some(Date::constant(2026, 9, 1));
        let writes = [
            Write {
                key: RecordKey::Student(ben.clone()),
                before: None,
                after: Some(Record::Student(s)),
            },
            Write {
                key: RecordKey::Student(new.id.clone()),
                before: None,
                after: Some(Record::Student(new.clone())),
            },
        ];
        let d = p.delta(&writes);
        assert!(
            d.removed
                .iter()
                .any(|f| f.rule == RuleId::SaSubstitute && f.student.as_ref() == Some(&ben)),
            "{d:?}"
        );
        assert!(
            d.added.iter().any(|f| f.student.as_ref() == Some(&new.id)),
            "{d:?}"
        );
        assert!(d.added.iter().all(|f| f.student.as_ref() != Some(&ben)));
        // Nothing moved: the same findings, and the same again after commit.
        assert_eq!(p.findings(), start);
        let ids = |f: &Findings| -> std::collections::BTreeSet<String> {
            f.items.iter().map(|l| l.finding.id.clone()).collect()
        };
        p.committed(&writes);
        let after = ids(&p.findings());
        let mut expected = ids(&start);
        for f in &d.removed {
            expected.remove(&f.id);
        }
        expected.extend(d.added.iter().map(|f| f.id.clone()));
        assert_eq!(after, expected);
    }

    #[test]
    fn a_commit_re_evaluates_what_it_touched_and_acks_show_on_warns_only() {
        let (mut p, src) = policy();
        let ben = StudentId::parse("1000000002").unwrap();
        let before = p.findings().of_student(&ben).count();
        let mut s = src.students.iter().find(|s| s.id == ben).unwrap().clone();
        s.modules.sa_instrument = None;
        let touched = p.committed(&[Write {
            key: RecordKey::Student(ben.clone()),
            before: None,
            after: Some(Record::Student(s)),
        }]);
        assert!(touched.students.contains(&ben));
        let after = p.findings();
        assert_eq!(after.of_student(&ben).count(), before - 1);
        assert!(
            after
                .of_student(&ben)
                .all(|l| l.finding.rule != RuleId::SaSubstitute)
        );
        let warn = after
            .items
            .iter()
            .find(|l| l.finding.severity == FindingSeverity::Warn)
            .unwrap()
            .finding
            .clone();
        let error = after
            .items
            .iter()
            .find(|l| l.finding.severity == FindingSeverity::Error)
            .unwrap()
            .finding
            .clone();
        for f in [&warn, &error] {
            p.acknowledged(Ack {
                finding: f.id.clone(),
                rule: f.rule.as_str().into(),
                by: "op".into(),
                at: "2026-12-04T10:00:00Z".into(),
                reason: "r".into(),
            });
        }
        let f = p.findings();
        assert!(f.get(&warn.id).unwrap().ack.is_some());
        assert!(f.get(&error.id).unwrap().ack.is_none());
        assert_eq!(p.finding(&warn.id), Some(&warn));
    }
}
