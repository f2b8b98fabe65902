//! The state's shape: which districts exist, their schools, agreements, sizes,
//! and the district-level policy problems planted among them (SPEC §3
//! AGREEMENT-MISSING, AGREEMENT-TYPE, UPLOAD-MISSING).

use std::collections::BTreeSet;

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::day::Day;
use super::names::{self, PARISHES};

/// A site to be written into the completions files.
#[derive(Debug, Clone)]
pub struct SchoolPlan {
    /// Six characters, starting with the district code.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Relative share of the district's students.
    pub weight: u32,
}

/// One agreement row of districts.csv.
#[derive(Debug, Clone)]
pub struct AgreementPlan {
    /// `2025-26` or `2026-27`.
    pub year: &'static str,
    /// Date signed.
    pub signed: Day,
    /// `client-contract` or `confidentiality`.
    pub kind: &'static str,
}

/// A district (LEA) and everything the generator decides about it up front.
#[derive(Debug, Clone)]
pub struct DistrictPlan {
    /// Three characters: `017` or `W3B`.
    pub code: String,
    /// Display name.
    pub name: String,
    /// True for a charter LEA.
    pub is_charter: bool,
    /// Already a tracking-service client.
    pub is_client: bool,
    /// One per school year it has signed for.
    pub agreements: Vec<AgreementPlan>,
    /// False for the planted UPLOAD-MISSING districts.
    pub has_fall_upload: bool,
    /// Completions CSVs of this district write `M/D/YYYY` instead of ISO.
    pub us_dates: bool,
    /// Its sites, sorted by code.
    pub schools: Vec<SchoolPlan>,
    /// How many students it gets.
    pub students: u32,
    /// Global index of its first student (IDs derive from it).
    pub first_student: u64,
}

/// Districts sorted by code. `rng` is the layout stream of the seed.
pub fn plan(rng: &mut ChaCha8Rng, students: u32) -> Vec<DistrictPlan> {
    let n_parish = (students / 500).clamp(6, PARISHES.len() as u32) as usize;
    let n_charter = (students / 400).clamp(6, 100) as usize;
    let mut parishes: Vec<&(u16, &str, u32)> = PARISHES.iter().collect();
    parishes.sort_by_key(|p| (std::cmp::Reverse(p.2), p.0));
    parishes.truncate(n_parish);
    parishes.sort_by_key(|p| p.0);

    let mut out: Vec<(DistrictPlan, u64)> = Vec::new();
    for p in parishes {
        let d = district(rng, format!("{:03}", p.0), p.1.to_string(), false);
        out.push((d, u64::from(p.2) * 100));
    }
    let (first, last) = (
        names::list(names::CHARTER_FIRST),
        names::list(names::CHARTER_LAST),
    );
    let mut codes = BTreeSet::new();
    let mut used_names = BTreeSet::new();
    while codes.len() < n_charter {
        let code = charter_code(rng);
        if !codes.insert(code.clone()) {
            continue;
        }
        let mut name = format!("{} {}", pick(rng, &first), pick(rng, &last));
        if !used_names.insert(name.clone()) {
            name = format!("{name} {}", code);
            used_names.insert(name.clone());
        }
        // Pareto sizes: many small charters, a few large networks.
        let u: f64 = rng.random_range(0.005..1.0);
        let weight = (120.0 * u.powf(-1.0 / 1.6)) as u64;
        out.push((district(rng, code, name, true), weight));
    }
    out.sort_by(|a, b| a.0.code.cmp(&b.0.code));
    allocate(&mut out, students);
    let mut plans: Vec<DistrictPlan> = out.into_iter().map(|(d, _)| d).collect();
    let mut next = 0u64;
    for d in &mut plans {
        d.first_student = next;
        next += u64::from(d.students);
        d.schools = schools(rng, d);
    }
    plant_district_problems(rng, &mut plans);
    plans
}

/// A lone parish district of `students` students with its schools (for
/// the single-file benchmark workbook).
pub fn single_district(
    rng: &mut ChaCha8Rng,
    code: &str,
    name: &str,
    students: u32,
) -> DistrictPlan {
    let mut d = district(rng, code.to_string(), name.to_string(), false);
    d.students = students;
    d.schools = schools(rng, &d);
    d
}

/// A random entry of a non-empty list ("" for an empty one).
pub fn pick<'a>(rng: &mut ChaCha8Rng, items: &[&'a str]) -> &'a str {
    if items.is_empty() {
        return "";
    }
    items[rng.random_range(0..items.len())]
}

fn charter_code(rng: &mut ChaCha8Rng) -> String {
    const ALNUM: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    let first = if rng.random_bool(0.8) { 'W' } else { 'R' };
    let second = char::from(b'1' + rng.random_range(0..9u8));
    let third = char::from(ALNUM[rng.random_range(0..ALNUM.len())]);
    format!("{first}{second}{third}")
}

fn district(rng: &mut ChaCha8Rng, code: String, name: String, is_charter: bool) -> DistrictPlan {
    let is_client = rng.random_bool(if is_charter { 0.25 } else { 0.4 });
    let kind = if is_client {
        "client-contract"
    } else {
        "confidentiality"
    };
    let agreements = vec![
        AgreementPlan {
            year: "2025-26",
            signed: Day::ymd(2025, 5, 1).plus(rng.random_range(0..150)),
            kind,
        },
        AgreementPlan {
            year: "2026-27",
            signed: Day::ymd(2026, 5, 1).plus(rng.random_range(0..150)),
            kind,
        },
    ];
    DistrictPlan {
        code,
        name,
        is_charter,
        is_client,
        agreements,
        has_fall_upload: true,
        us_dates: rng.random_bool(0.4),
        schools: Vec::new(),
        students: 0,
        first_student: 0,
    }
}

/// Largest-remainder split of `total` students by weight.
fn allocate(districts: &mut [(DistrictPlan, u64)], total: u32) {
    let sum: u64 = districts.iter().map(|d| d.1).sum::<u64>().max(1);
    let mut given = 0u64;
    let mut rests: Vec<(u64, usize)> = Vec::new();
    for (i, (d, w)) in districts.iter_mut().enumerate() {
        let exact = u64::from(total) * *w;
        let share = exact / sum;
        d.students = share as u32;
        given += share;
        rests.push((exact % sum, i));
    }
    rests.sort_by_key(|r| (std::cmp::Reverse(r.0), r.1));
    for (_, i) in rests.into_iter().take((u64::from(total) - given) as usize) {
        districts[i].0.students += 1;
    }
}

fn schools(rng: &mut ChaCha8Rng, d: &DistrictPlan) -> Vec<SchoolPlan> {
    let count = if d.is_charter {
        match rng.random_range(0..20) {
            0 => 3,
            1..=4 => 2,
            _ => 1,
        }
    } else {
        (d.students / 600 + 1).clamp(1, 40) as usize
    };
    let (towns, namesakes) = (names::list(names::TOWNS), names::list(names::NAMESAKES));
    let (kinds, campuses) = (
        names::list(names::SCHOOL_KINDS),
        names::list(names::CAMPUSES),
    );
    let mut used = BTreeSet::new();
    let mut number = rng.random_range(1..6u32);
    let mut out = Vec::new();
    for i in 0..count {
        let name = if d.is_charter {
            match i {
                0 => d.name.clone(),
                _ => format!("{} - {}", d.name, campuses[(i - 1) % campuses.len()]),
            }
        } else {
            let mut name = String::new();
            for attempt in 0..20 {
                let base = if rng.random_bool(0.5) {
                    pick(rng, &towns)
                } else {
                    pick(rng, &namesakes)
                };
                name = format!("{base} {}", pick(rng, &kinds));
                if attempt == 19 {
                    name = format!("{name} {}", i + 1);
                }
                if !used.contains(&name) {
                    break;
                }
            }
            used.insert(name.clone());
            name
        };
        out.push(SchoolPlan {
            code: format!("{}{:03}", d.code, number),
            name,
            weight: rng.random_range(5..16),
        });
        number += if d.is_charter {
            1
        } else {
            rng.random_range(1..8)
        };
    }
    out
}

/// A few districts each (about 2%) with no 2026-27 agreement, with a
/// client-contract while not a client, or with no fall upload — disjoint.
fn plant_district_problems(rng: &mut ChaCha8Rng, plans: &mut [DistrictPlan]) {
    let mut order: Vec<usize> = (0..plans.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.random_range(0..=i));
    }
    // Districts with students first, so every plant shows in the files.
    order.sort_by_key(|&i| plans[i].students == 0);
    let each = ((plans.len() + 25) / 50).max(1);
    for (n, &i) in order.iter().take(each * 3).enumerate() {
        let d = &mut plans[i];
        match n / each {
            0 => d.agreements.retain(|a| a.year != "2026-27"),
            1 => {
                d.is_client = false;
                for (k, a) in d.agreements.iter_mut().enumerate() {
                    a.kind = if k == 0 {
                        "confidentiality"
                    } else {
                        "client-contract"
                    };
                }
            }
            _ => d.has_fall_upload = false,
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn sizes_add_up_and_codes_nest() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let plans = plan(&mut rng, 250_000);
        assert_eq!(plans.iter().map(|d| d.students).sum::<u32>(), 250_000);
        assert_eq!(plans.iter().filter(|d| !d.is_charter).count(), 69);
        assert_eq!(plans.iter().filter(|d| d.is_charter).count(), 100);
        let mut codes = BTreeSet::new();
        for d in &plans {
            assert_eq!(d.code.len(), 3);
            for s in &d.schools {
                assert!(
                    s.code.starts_with(&d.code) && s.code.len() == 6,
                    "{}",
                    s.code
                );
                assert!(codes.insert(s.code.clone()));
            }
        }
        let biggest = plans.iter().map(|d| d.students).max().unwrap_or(0);
        let median = {
            let mut v: Vec<u32> = plans.iter().map(|d| d.students).collect();
            v.sort();
            v[v.len() / 2]
        };
        assert!(biggest > 10 * median, "skewed sizes: {biggest} vs {median}");
    }

    #[test]
    fn small_states_still_have_every_district_plant() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let plans = plan(&mut rng, 3_000);
        assert!(plans.iter().any(|d| d.agreements.len() == 1));
        assert!(
            plans
                .iter()
                .any(|d| !d.is_client && d.agreements.iter().any(|a| a.kind == "client-contract"))
        );
        assert!(plans.iter().any(|d| !d.has_fall_upload && d.students > 0));
    }
}
