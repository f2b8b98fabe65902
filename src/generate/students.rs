//! One district's students: cohort, which uploads they appear in, module
//! progress, exam and Statewide attempts, and the student-level policy
//! problems of SPEC §3 planted in about 1% of students each.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::day::Day;
use super::layout::{DistrictPlan, pick};
use super::names::Lists;
use super::plants::PLANTS;
pub use super::plants::Plant;

/// Instruction window of school year 2025-26, up to the spring-2026 upload.
pub const SPRING: (Day, Day) = (Day::ymd(2025, 8, 11), Day::ymd(2026, 5, 15));
/// Instruction window of fall 2026, up to the fall-2026 upload (the fixtures' today).
pub const FALL: (Day, Day) = (Day::ymd(2026, 8, 10), Day::ymd(2026, 12, 4));

/// One exam attempt as the provider reports it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Exam {
    /// Exam date.
    pub date: Day,
    /// Score shown (pass ≥ 70).
    pub score: u8,
    /// Pass or Fail.
    pub pass: bool,
}

/// One Statewide credential attempt.
#[derive(Debug, Clone)]
pub struct Statewide {
    /// True for Advanced Statewide, false for Basic.
    pub advanced: bool,
    /// Date attempted.
    pub attempted: Day,
    /// Date attained, if attained.
    pub attained: Option<Day>,
}

/// A generated student with everything dated up to its last upload.
#[derive(Debug, Clone)]
pub struct Student {
    /// 10-digit state ID.
    pub id: String,
    /// Surname.
    pub last: &'static str,
    /// Given name.
    pub first: &'static str,
    /// Expected graduation year.
    pub cohort: i32,
    /// School index in the spring-2026 file, if in it.
    pub spring_school: Option<usize>,
    /// School index in the fall-2026 file, if in it.
    pub fall_school: Option<usize>,
    /// Self-Assessment Round 1.
    pub r1: Option<Day>,
    /// Self-Assessment Round 2.
    pub r2: Option<Day>,
    /// Instrument written in the file (blank = the default one).
    pub instrument: &'static str,
    /// Self-Assessment Presentation.
    pub pres: Option<Day>,
    /// Mentor checklist when the Presentation is dated.
    pub checklist: bool,
    /// Credit Applications.
    pub credit: Option<Day>,
    /// Company Registration.
    pub company: Option<Day>,
    /// Micro-Enterprise pathway.
    pub pathway: bool,
    /// Complementary credential names.
    pub complementary: Vec<&'static str>,
    /// Free text.
    pub notes: &'static str,
    /// Exam attempts, oldest first.
    pub exams: Vec<Exam>,
    /// Statewide attempts.
    pub statewide: Vec<Statewide>,
    /// The problem planted in it, if any.
    pub plant: Option<Plant>,
}

impl Student {
    /// Grade on a date, from the cohort (SPEC §1).
    pub fn grade_on(&self, d: Day) -> i32 {
        12 - (self.cohort - d.school_year_end())
    }

    /// Regional Core date: the last of the five modules, once all are complete.
    pub fn core(&self) -> Option<Day> {
        let pass = self.exams.iter().find(|e| e.pass)?.date;
        let pres = self.pres.filter(|_| self.checklist)?;
        [self.r1?, self.r2?, pres, self.credit?, self.company?, pass]
            .into_iter()
            .max()
    }

    /// The instruction windows of the uploads it appears in.
    pub fn windows(&self) -> Vec<(Day, Day)> {
        let mut w = Vec::new();
        if self.spring_school.is_some() {
            w.push(SPRING);
        }
        if self.fall_school.is_some() {
            w.push(FALL);
        }
        w
    }
}

/// Days of `windows` (inclusive ranges) at or after `from`.
pub fn clip(windows: &[(Day, Day)], from: Day) -> Vec<(Day, Day)> {
    windows
        .iter()
        .filter(|w| w.1 >= from)
        .map(|w| (w.0.max(from), w.1))
        .collect()
}

/// A random day of the windows (a weekend moved to the nearest school day),
/// `None` when they are empty.
pub fn random_day(rng: &mut ChaCha8Rng, windows: &[(Day, Day)]) -> Option<Day> {
    let total: i32 = windows.iter().map(|w| w.1.0 - w.0.0 + 1).sum();
    if total <= 0 {
        return None;
    }
    let mut k = rng.random_range(0..total);
    for w in windows {
        let len = w.1.0 - w.0.0 + 1;
        if k < len {
            let d = w.0.plus(k);
            // Schools date things on weekdays: Saturday → Friday, Sunday → Monday.
            let moved = match d.weekday() {
                6 => d.plus(-1),
                0 => d.plus(1),
                _ => d,
            };
            return Some(if moved >= w.0 && moved <= w.1 {
                moved
            } else {
                d
            });
        }
        k -= len;
    }
    None
}

/// Generates a district's students, in ID-generation order.
pub fn district_students(
    rng: &mut ChaCha8Rng,
    d: &DistrictPlan,
    lists: &Lists,
    key: u64,
) -> Vec<Student> {
    (0..d.students)
        .map(|i| student_at(rng, d, lists, d.first_student + u64::from(i), key))
        .collect()
}

/// The student with global index `index` of district `d` (IDs keyed by `key`).
pub fn student_at(
    rng: &mut ChaCha8Rng,
    d: &DistrictPlan,
    lists: &Lists,
    index: u64,
    key: u64,
) -> Student {
    student(rng, d, lists, super::ids::student_id(index, key))
}

fn school_index(rng: &mut ChaCha8Rng, d: &DistrictPlan) -> usize {
    let total: u32 = d.schools.iter().map(|s| s.weight).sum();
    let mut k = rng.random_range(0..total.max(1));
    for (i, s) in d.schools.iter().enumerate() {
        if k < s.weight {
            return i;
        }
        k -= s.weight;
    }
    0
}

fn student(rng: &mut ChaCha8Rng, d: &DistrictPlan, lists: &Lists, id: String) -> Student {
    let roll = rng.random_range(0..1000usize);
    let plant = PLANTS.get(roll / 10).copied();
    let fall = d.has_fall_upload;
    let cohort = match plant {
        Some(Plant::SaBefore11 | Plant::PresBefore11 | Plant::ExamBefore11) => {
            if fall && rng.random_bool(0.5) {
                2029
            } else {
                2028
            }
        }
        Some(Plant::SaRoundOrder | Plant::PresNoChecklist | Plant::StatewideBeforeCore) => {
            if fall {
                rng.random_range(2026..=2028)
            } else {
                rng.random_range(2026..=2027)
            }
        }
        Some(Plant::PathwayNoCore) => 2027,
        _ if fall => rng.random_range(2026..=2030),
        _ => rng.random_range(2026..=2029),
    };
    let school = school_index(rng, d);
    let (in_spring, in_fall) = match cohort {
        2026 => (true, false),
        2030 => (false, true),
        _ if !fall => (true, false),
        _ if plant.is_some() => (true, true),
        _ => match rng.random_range(0..50) {
            0 => (true, false),
            1 => (false, true),
            _ => (true, true),
        },
    };
    let fall_school = if in_spring && d.schools.len() > 1 && rng.random_range(0..200) == 0 {
        (school + 1) % d.schools.len()
    } else {
        school
    };
    let mut s = Student {
        id,
        last: pick(rng, &lists.last),
        first: pick(rng, &lists.first),
        cohort,
        spring_school: in_spring.then_some(school),
        fall_school: in_fall.then_some(fall_school),
        r1: None,
        r2: None,
        instrument: "",
        pres: None,
        checklist: false,
        credit: None,
        company: None,
        pathway: false,
        complementary: Vec::new(),
        notes: if rng.random_range(0..33) == 0 {
            pick(rng, &lists.notes)
        } else {
            ""
        },
        exams: Vec::new(),
        statewide: Vec::new(),
        plant,
    };
    progress(rng, &mut s);
    credentials(rng, &mut s, lists);
    if let Some(p) = plant {
        super::plants::apply(rng, &mut s, p, lists);
    }
    statewide(rng, &mut s);
    s
}

/// Inclusive date ranges.
pub type Windows = Vec<(Day, Day)>;

/// Eligible (grade 11+) and grade-10 windows of a student.
pub fn windows_by_grade(s: &Student) -> (Windows, Windows) {
    let all = s.windows();
    let eligible = all
        .iter()
        .copied()
        .filter(|w| s.grade_on(w.0) >= 11)
        .collect();
    let grade10 = all
        .iter()
        .copied()
        .filter(|w| s.grade_on(w.0) == 10)
        .collect();
    (eligible, grade10)
}

/// Module dates in the order CA, R1, R2, Presentation, CR, exam; about 16% of
/// students finish all of them.
fn progress(rng: &mut ChaCha8Rng, s: &mut Student) {
    let (eligible, _) = windows_by_grade(s);
    let days: i32 = eligible.iter().map(|w| w.1.0 - w.0.0 + 1).sum();
    if days == 0 {
        // Grades 9–10: no advised module yet, but many start on applications.
        let all = s.windows();
        if rng.random_bool(0.5) {
            s.credit = random_day(rng, &all);
            if rng.random_bool(0.3) {
                s.company = s.credit.and_then(|c| random_day(rng, &clip(&all, c)));
            }
        }
        return;
    }
    let maturity = (f64::from(days) / 395.0).min(1.0);
    let u: f64 = rng.random();
    let steps = if u < 0.42 * maturity {
        6
    } else if u < 0.42 * maturity + 0.5 {
        rng.random_range(1..=5)
    } else {
        0
    };
    let mut dates: Vec<Day> = (0..steps)
        .filter_map(|_| random_day(rng, &eligible))
        .collect();
    dates.sort();
    let mut it = dates.into_iter();
    s.credit = it.next();
    s.r1 = it.next();
    s.r2 = it.next();
    s.pres = it.next();
    s.checklist = s.pres.is_some();
    s.company = it.next();
    if s.r1.is_some() && rng.random_range(0..6) == 0 {
        s.instrument = "Micro-Enterprise Self-Assessment";
    }
    let before = s
        .company
        .or(s.pres)
        .unwrap_or(eligible.first().map_or(SPRING.0, |w| w.0));
    if let Some(pass) = it.next() {
        if rng.random_range(0..4) == 0 && pass > before {
            let fail = Day(rng.random_range(before.0..pass.0));
            if s.grade_on(fail) >= 11 {
                s.exams.push(exam(rng, fail, false));
            }
        }
        s.exams.push(exam(rng, pass, true));
    } else if steps == 5
        && rng.random_range(0..5) == 0
        && let Some(fail) = random_day(rng, &clip(&eligible, before.plus(1)))
    {
        s.exams.push(exam(rng, fail, false));
    }
}

/// An exam attempt with a score that fits its result.
pub fn exam(rng: &mut ChaCha8Rng, date: Day, pass: bool) -> Exam {
    let score = if pass {
        rng.random_range(70..=100)
    } else {
        rng.random_range(35..70)
    };
    Exam { date, score, pass }
}

/// Pathway (5%) with two or three other credentials; others list one or two,
/// sometimes the Micro-Enterprise credential itself (legitimate off-pathway).
fn credentials(rng: &mut ChaCha8Rng, s: &mut Student, lists: &Lists) {
    if rng.random_range(0..20) == 0 {
        s.pathway = true;
        let n = rng.random_range(2..=3);
        s.complementary = distinct(rng, &lists.credentials, n);
    } else if rng.random_range(0..4) == 0 {
        let n = rng.random_range(1..=2);
        s.complementary = distinct(rng, &lists.credentials, n);
        if rng.random_range(0..3) == 0 {
            s.complementary.push(pick(rng, &lists.micro));
        }
    }
}

/// `n` different entries of a list.
pub fn distinct(rng: &mut ChaCha8Rng, items: &[&'static str], n: usize) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    while out.len() < n.min(items.len()) {
        let w = pick(rng, items);
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

/// Basic Statewide for about 30% of Regional Core holders, on or after the
/// core date; Advanced for a few of those.
fn statewide(rng: &mut ChaCha8Rng, s: &mut Student) {
    let Some(core) = s.core() else { return };
    let horizon = s.windows().last().map_or(core, |w| w.1);
    if !rng.random_bool(0.3) {
        return;
    }
    let attempted = random_day(rng, &clip(&s.windows(), core)).unwrap_or(core);
    let attained = rng
        .random_bool(0.65)
        .then(|| attempted.plus(rng.random_range(0..21)).min(horizon));
    s.statewide.push(Statewide {
        advanced: false,
        attempted,
        attained,
    });
    if rng.random_bool(0.2) {
        let later = random_day(rng, &clip(&s.windows(), attempted)).unwrap_or(attempted);
        let attained = rng.random_bool(0.5).then_some(later);
        s.statewide.push(Statewide {
            advanced: true,
            attempted: later,
            attained,
        });
    }
}
