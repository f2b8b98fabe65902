//! Reads a generated state back from its CSV files and checks, with a
//! stand-alone reading of SPEC §3, that every planted problem occurs — and
//! only in a small share — and that the data is otherwise realistic.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use super::day::Day;
use super::write::COMPLETION_HEADER;
use super::*;

const TODAY: Day = Day::ymd(2026, 12, 4);

fn parse_day(s: &str) -> Option<Day> {
    if s.is_empty() {
        return None;
    }
    let n: Vec<u32> = s.split(['-', '/']).map(|p| p.parse().unwrap()).collect();
    Some(if s.contains('/') {
        Day::ymd(n[2] as i32, n[0], n[1])
    } else {
        Day::ymd(n[0] as i32, n[1], n[2])
    })
}

fn rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|x| {
            h.iter()
                .cloned()
                .zip(x.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect()
}

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

struct Rec {
    district: String,
    cohort: i32,
    row: HashMap<String, String>,
}

impl Rec {
    fn day(&self, col: &str) -> Option<Day> {
        parse_day(&self.row[col])
    }
    fn grade(&self, d: Day) -> i32 {
        12 - (self.cohort - d.school_year_end())
    }
}

struct State {
    students: BTreeMap<String, Rec>,
    exams: HashMap<String, Vec<(Day, bool)>>,
    statewide: Vec<(String, Day)>,
    districts: Vec<HashMap<String, String>>,
    uploads: BTreeSet<(String, String)>,
}

fn load(dir: &Path, files: &[std::path::PathBuf]) -> State {
    let mut students = BTreeMap::new();
    let mut uploads = BTreeSet::new();
    // Spring first, so the fall row (the latest) wins.
    for term in ["spring-2026", "fall-2026"] {
        for rel in files
            .iter()
            .filter(|f| f.to_string_lossy().ends_with(&format!("{term}.csv")))
        {
            let end = if term == "fall-2026" { 2027 } else { 2026 };
            for row in rows(&dir.join(rel)) {
                let cohort = end + 12 - row["Grade"].parse::<i32>().unwrap();
                let district = row["District Code"].clone();
                uploads.insert((district.clone(), term.to_string()));
                students.insert(
                    row["Student ID"].clone(),
                    Rec {
                        district,
                        cohort,
                        row,
                    },
                );
            }
        }
    }
    let mut exams: HashMap<String, Vec<(Day, bool)>> = HashMap::new();
    for r in rows(&dir.join("exam-results.csv")) {
        let e = (parse_day(&r["Exam Date"]).unwrap(), r["Result"] == "Pass");
        exams.entry(r["Student ID"].clone()).or_default().push(e);
    }
    let statewide = rows(&dir.join("statewide.csv"))
        .into_iter()
        .map(|r| (r["Student ID"].clone(), parse_day(&r["Attempted"]).unwrap()))
        .collect();
    State {
        students,
        exams,
        statewide,
        districts: rows(&dir.join("districts.csv")),
        uploads,
    }
}

impl State {
    fn core(&self, id: &str) -> Option<Day> {
        let s = &self.students[id];
        let pass = self
            .exams
            .get(id)?
            .iter()
            .filter(|e| e.1)
            .map(|e| e.0)
            .min()?;
        let pres = s
            .day("Self-Assessment Presentation")
            .filter(|_| s.row["Mentor Checklist"] == "Y")?;
        let cols = [
            "Self-Assessment Round 1",
            "Self-Assessment Round 2",
            "Credit Applications",
            "Company Registration",
        ];
        let mut last = pass.max(pres);
        for c in cols {
            last = last.max(s.day(c)?);
        }
        Some(last)
    }

    fn count(&self, f: impl Fn(&str, &Rec) -> bool) -> usize {
        self.students.iter().filter(|(id, s)| f(id, s)).count()
    }
}

#[test]
fn every_planted_problem_occurs_in_a_small_share() {
    let dir = tempfile::tempdir().unwrap();
    let n = 3_000;
    let summary = generate(&GenOptions {
        students: n,
        seed: 2026,
        out_dir: dir.path().to_path_buf(),
    })
    .unwrap();
    let st = load(dir.path(), &summary.files);
    assert_eq!(st.students.len(), n as usize);
    let before11 = |s: &Rec, col: &str| s.day(col).is_some_and(|d| s.grade(d) <= 10);
    let pathway = |s: &Rec| s.row["Micro-Enterprise Pathway"] == "Y";
    let comp = |s: &Rec| -> Vec<String> {
        s.row["Complementary Credentials"]
            .split(';')
            .map(norm)
            .filter(|c| !c.is_empty())
            .collect()
    };
    let others = |s: &Rec| {
        comp(s)
            .into_iter()
            .filter(|c| !c.contains("microenterprise"))
            .collect::<BTreeSet<_>>()
            .len()
    };
    let rules: Vec<(&str, usize)> = vec![
        (
            "SA-BEFORE-11",
            st.count(|_, s| {
                before11(s, "Self-Assessment Round 1") || before11(s, "Self-Assessment Round 2")
            }),
        ),
        (
            "PRES-BEFORE-11",
            st.count(|_, s| before11(s, "Self-Assessment Presentation")),
        ),
        (
            "EXAM-BEFORE-11",
            st.count(|id, s| {
                st.exams
                    .get(id)
                    .is_some_and(|v| v.iter().any(|e| s.grade(e.0) <= 10))
            }),
        ),
        (
            "SA-SUBSTITUTE",
            st.count(|_, s| {
                let i = norm(&s.row["Self-Assessment Instrument"]);
                !i.is_empty() && i != "microenterpriseselfassessment"
            }),
        ),
        (
            "SA-ROUND-ORDER",
            st.count(|_, s| {
                match (
                    s.day("Self-Assessment Round 1"),
                    s.day("Self-Assessment Round 2"),
                ) {
                    (None, Some(_)) => true,
                    (Some(a), Some(b)) => b < a,
                    _ => false,
                }
            }),
        ),
        (
            "PRES-NO-CHECKLIST",
            st.count(|_, s| {
                s.day("Self-Assessment Presentation").is_some() && s.row["Mentor Checklist"] != "Y"
            }),
        ),
        (
            "DOUBLE-DIP",
            st.count(|_, s| pathway(s) && comp(s).iter().any(|c| c.contains("microenterprise"))),
        ),
        (
            "PATHWAY-COMPLEMENTARY",
            st.count(|_, s| pathway(s) && others(s) < 2),
        ),
        (
            "PATHWAY-NO-CORE",
            st.count(|id, s| pathway(s) && s.grade(TODAY) == 12 && st.core(id).is_none()),
        ),
        (
            "STATEWIDE-BEFORE-CORE",
            st.statewide
                .iter()
                .filter(|(id, d)| st.core(id).is_none_or(|c| *d < c))
                .count(),
        ),
    ];
    eprintln!("{rules:?}");
    for (rule, count) in &rules {
        assert!(*count >= 1, "{rule} never occurs");
        assert!(
            *count <= n as usize * 4 / 100,
            "{rule} occurs {count} times in {n}"
        );
    }

    let year = |r: &HashMap<String, String>, y: &str| r["Agreement Year"] == y;
    let codes: BTreeSet<&String> = st.districts.iter().map(|r| &r["District Code"]).collect();
    let signed_2027: BTreeSet<&String> = st
        .districts
        .iter()
        .filter(|r| year(r, "2026-27"))
        .map(|r| &r["District Code"])
        .collect();
    let fall_data = |c: &String| st.uploads.contains(&(c.clone(), "fall-2026".into()));
    assert!(
        codes
            .iter()
            .any(|c| !signed_2027.contains(c) && fall_data(c)),
        "AGREEMENT-MISSING never occurs"
    );
    assert!(
        st.districts
            .iter()
            .any(|r| r["Client"] == "N" && r["Agreement Type"] == "client-contract"),
        "AGREEMENT-TYPE never occurs"
    );
    assert!(
        codes
            .iter()
            .any(|c| st.uploads.contains(&((*c).clone(), "spring-2026".into())) && !fall_data(c)),
        "UPLOAD-MISSING never occurs"
    );
    let cores = st
        .students
        .keys()
        .filter(|id| st.core(id).is_some())
        .count();
    assert!(
        (n as usize * 8 / 100..=n as usize * 25 / 100).contains(&cores),
        "{cores} Regional Cores"
    );
    let started = st.count(|_, s| COMPLETION_DATES.iter().any(|c| s.day(c).is_some()));
    eprintln!("Regional Core {cores}, started {started} of {n}");
    assert!(started > n as usize / 2, "only {started} started a module");
    assert!(st.students.values().all(|s| !s.district.is_empty()));
}

const COMPLETION_DATES: [&str; 5] = [
    "Self-Assessment Round 1",
    "Self-Assessment Round 2",
    "Self-Assessment Presentation",
    "Credit Applications",
    "Company Registration",
];

#[test]
fn fall_rows_carry_spring_values_one_grade_up_and_dates_stay_in_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let summary = generate(&GenOptions {
        students: 1_200,
        seed: 9,
        out_dir: dir.path().to_path_buf(),
    })
    .unwrap();
    let (low, high) = (Day::ymd(2016, 1, 1), TODAY);
    let mut carried = 0;
    for rel in summary
        .files
        .iter()
        .filter(|f| f.to_string_lossy().ends_with("spring-2026.csv"))
    {
        let fall_path = dir
            .path()
            .join(rel.to_string_lossy().replace("spring-2026", "fall-2026"));
        let fall: HashMap<String, HashMap<String, String>> = if fall_path.exists() {
            rows(&fall_path)
                .into_iter()
                .map(|r| (r["Student ID"].clone(), r))
                .collect()
        } else {
            HashMap::new()
        };
        for s in rows(&dir.path().join(rel)) {
            for c in COMPLETION_DATES {
                assert!(parse_day(&s[c]).is_none_or(|d| d >= low && d <= Day::ymd(2026, 6, 30)));
            }
            let Some(f) = fall.get(&s["Student ID"]) else {
                continue;
            };
            let grade = |r: &HashMap<String, String>| r["Grade"].parse::<i32>().unwrap();
            assert_eq!(grade(f), grade(&s) + 1);
            for c in COMPLETION_HEADER
                .iter()
                .skip(7)
                .filter(|c| !s[**c].is_empty())
            {
                assert_eq!(f[*c], s[*c], "{c} of {}", s["Student ID"]);
            }
            carried += 1;
        }
    }
    assert!(carried > 300, "{carried} students in both uploads");
    for rel in summary
        .files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "csv"))
    {
        for r in rows(&dir.path().join(rel)) {
            for (k, v) in &r {
                let dated = k.contains("Round")
                    || k.contains("Date")
                    || k.contains("Presentation")
                    || [
                        "Credit Applications",
                        "Company Registration",
                        "Agreement Signed",
                        "Attempted",
                        "Attained",
                    ]
                    .contains(&k.as_str());
                if dated && let Some(d) = parse_day(v) {
                    assert!(d >= low && d <= high, "{k} = {v} in {}", rel.display());
                }
            }
        }
    }
}
