//! Bends a generated student so it breaks one SPEC §3 rule. The cohort was
//! already chosen so the rule can fire (a grade-10 window for the *-BEFORE-11
//! plants, an eligible one for the others, cohort 2027 for PATHWAY-NO-CORE).

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::day::Day;
use super::layout::pick;
use super::names::Lists;
use super::students::{Statewide, Student, distinct, exam, random_day, windows_by_grade};

/// A student-level problem planted on purpose (SPEC §3 rule in the name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plant {
    /// SA-BEFORE-11: a round dated in grade 10.
    SaBefore11,
    /// PRES-BEFORE-11: the Presentation dated in grade 10.
    PresBefore11,
    /// EXAM-BEFORE-11: an exam attempt in grade 10.
    ExamBefore11,
    /// SA-SUBSTITUTE: another instrument (Kuder).
    SaSubstitute,
    /// SA-ROUND-ORDER: Round 2 before or without Round 1.
    SaRoundOrder,
    /// PRES-NO-CHECKLIST: Presentation dated, checklist N.
    PresNoChecklist,
    /// DOUBLE-DIP: pathway student listing the Micro-Enterprise credential.
    DoubleDip,
    /// PATHWAY-COMPLEMENTARY: pathway with fewer than two other credentials.
    PathwayComplementary,
    /// PATHWAY-NO-CORE: grade-12 pathway student without all modules.
    PathwayNoCore,
    /// STATEWIDE-BEFORE-CORE: a Statewide attempt before Regional Core.
    StatewideBeforeCore,
}

/// Every plant; a student draws one of them with 1% chance each.
pub const PLANTS: [Plant; 10] = [
    Plant::SaBefore11,
    Plant::PresBefore11,
    Plant::ExamBefore11,
    Plant::SaSubstitute,
    Plant::SaRoundOrder,
    Plant::PresNoChecklist,
    Plant::DoubleDip,
    Plant::PathwayComplementary,
    Plant::PathwayNoCore,
    Plant::StatewideBeforeCore,
];

/// Applies `plant` to `s`.
pub fn apply(rng: &mut ChaCha8Rng, s: &mut Student, plant: Plant, lists: &Lists) {
    let (eligible, grade10) = windows_by_grade(s);
    match plant {
        Plant::SaBefore11 => {
            if let Some(d) = random_day(rng, &grade10) {
                s.r1 = Some(d);
                if s.r2.is_none() && rng.random_bool(0.5) {
                    s.r2 = random_day(rng, &super::students::clip(&grade10, d));
                }
            }
        }
        Plant::PresBefore11 => {
            s.pres = random_day(rng, &grade10).or(s.pres);
            s.checklist = true;
        }
        Plant::ExamBefore11 => {
            if let Some(d) = random_day(rng, &grade10) {
                let first_later = s.exams.first().is_none_or(|e| e.date > d);
                if first_later {
                    let pass = rng.random_bool(0.3);
                    let attempt = exam(rng, d, pass);
                    s.exams.insert(0, attempt);
                }
            }
        }
        Plant::SaSubstitute => s.instrument = pick(rng, &lists.substitutes),
        Plant::SaRoundOrder => {
            let a = random_day(rng, &eligible);
            let b = random_day(rng, &eligible);
            if let (Some(a), Some(b)) = (a, b) {
                let (early, late) = match (a.min(b), a.max(b)) {
                    (x, y) if x == y => (x.plus(-1), y),
                    pair => pair,
                };
                if rng.random_bool(0.5) {
                    (s.r1, s.r2) = (Some(late), Some(early));
                } else {
                    (s.r1, s.r2) = (None, Some(early));
                }
            }
        }
        Plant::PresNoChecklist => {
            s.pres = s.pres.or_else(|| random_day(rng, &eligible));
            s.checklist = false;
        }
        Plant::DoubleDip => {
            s.pathway = true;
            s.complementary = distinct(rng, &lists.credentials, 2);
            let at = rng.random_range(0..=s.complementary.len());
            s.complementary.insert(at, pick(rng, &lists.micro));
        }
        Plant::PathwayComplementary => {
            s.pathway = true;
            let n = rng.random_range(0..=1);
            s.complementary = distinct(rng, &lists.credentials, n);
        }
        Plant::PathwayNoCore => {
            s.pathway = true;
            if s.complementary.len() < 2 {
                s.complementary = distinct(rng, &lists.credentials, 2);
            }
            if s.core().is_some() {
                // Keep the attempts but make them all fails: no Regional Core.
                for e in &mut s.exams {
                    e.pass = false;
                    e.score = e.score.min(69);
                }
            }
        }
        Plant::StatewideBeforeCore => {
            let core = s.core();
            let window: Vec<(Day, Day)> = match core {
                Some(c) => eligible
                    .iter()
                    .filter(|w| w.0 < c)
                    .map(|w| (w.0, w.1.min(c.plus(-1))))
                    .collect(),
                None => eligible,
            };
            if let Some(attempted) = random_day(rng, &window) {
                let advanced = rng.random_range(0..4) == 0;
                s.statewide.push(Statewide {
                    advanced,
                    attempted,
                    attained: None,
                });
            }
        }
    }
}
