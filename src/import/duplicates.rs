//! Repeated records in one file (SPEC §2 item 13): identical rows are merged
//! (each repeat a `duplicate-row` warning), conflicting rows are all errors
//! (`duplicate-conflict`, naming the first differing column).

use std::collections::HashMap;

use super::columns::Col;
use super::read::{Cell, Table};
use super::values::{self as v, At, CodeKind, text_of};
use crate::domain::{BatchKind, Date, Field, Problem, ProblemCode, StagedRow};

/// A cell's value in a form where equal values compare equal whatever their
/// spelling (a date cell and `10/5/2026`, `11th` and `11`).
fn canonical(col: Col, cell: &Cell, csv: bool) -> String {
    let at = At {
        col,
        header: "",
        letter: "",
        csv,
        today: Date::MAX,
    };
    let parsed = match col {
        Col::StudentId => v::code(&at, cell, CodeKind::Student).ok(),
        Col::DistrictCode => v::code(&at, cell, CodeKind::District).ok(),
        Col::SchoolCode => v::code(&at, cell, CodeKind::School).ok(),
        Col::Grade => v::grade(&at, cell).ok().map(|g| g.to_string()),
        Col::SaRound1
        | Col::SaRound2
        | Col::Presentation
        | Col::CreditApplications
        | Col::CompanyRegistration
        | Col::ExamDate
        | Col::AgreementSigned
        | Col::Attempted
        | Col::Attained
        | Col::Issued => v::date_value(&at, cell).ok().map(|(d, _)| d.to_string()),
        Col::MentorChecklist | Col::Pathway | Col::Client => match v::yes_no(&at, cell) {
            Ok(Field::Value(b)) => Some(if b { "Y" } else { "N" }.to_string()),
            _ => None,
        },
        Col::Result | Col::Kind | Col::AgreementType | Col::Credential => {
            Some(v::squash(&text_of(cell)))
        }
        _ => None,
    };
    parsed.unwrap_or_else(|| text_of(cell))
}

/// The columns that identify a record of each kind.
fn key_columns(kind: BatchKind) -> &'static [Col] {
    match kind {
        BatchKind::Exam => &[Col::StudentId, Col::ExamDate],
        BatchKind::Districts => &[Col::DistrictCode, Col::AgreementYear],
        BatchKind::Statewide => &[Col::StudentId, Col::Credential, Col::Attempted],
        BatchKind::Certificates => &[Col::StudentId, Col::Credential],
        _ => &[Col::StudentId],
    }
}

struct Sig {
    row: usize,
    values: Vec<(Col, String, String)>, // column, canonical, as shown
}

impl Sig {
    fn get(&self, col: Col) -> &str {
        self.values
            .iter()
            .find(|(c, ..)| *c == col)
            .map(|(_, s, _)| s.as_str())
            .unwrap_or("")
    }

    fn first_difference<'a>(
        &'a self,
        other: &'a Sig,
        only: Option<&[Col]>,
    ) -> Option<&'a (Col, String, String)> {
        self.values
            .iter()
            .find(|(c, s, _)| only.is_none_or(|o| o.contains(c)) && other.get(*c) != s.as_str())
    }
}

/// Marks repeated records among `rows` (in file order). Only rows whose
/// key repeats are compared cell by cell: most files have none.
pub fn mark(
    kind: BatchKind,
    rows: &mut [StagedRow],
    table: &Table,
    header: usize,
    cols: Vec<(Col, usize)>,
) {
    let csv = table.is_csv();
    let numbers: HashMap<u32, usize> = (header + 1..table.rows.len())
        .map(|i| (table.row_number(i), i))
        .collect();
    let cells_of = |r: &StagedRow| numbers.get(&r.row).and_then(|&i| table.rows.get(i));
    let sig = |n: usize, r: &StagedRow, only: &[Col]| {
        let cells = cells_of(r);
        let values = cols
            .iter()
            .filter(|(c, _)| only.is_empty() || only.contains(c))
            .map(|&(c, i)| {
                let cell = cells.and_then(|cs| cs.get(i)).unwrap_or(&Cell::Empty);
                (c, canonical(c, cell, csv), cell.shown())
            })
            .collect();
        Sig { row: n, values }
    };
    let mut passes: Vec<(&[Col], Option<&[Col]>)> = vec![(key_columns(kind), None)];
    if kind == BatchKind::Districts {
        // A district's Name, Kind and Client must agree across its rows.
        passes.push((
            &[Col::DistrictCode],
            Some(&[Col::DistrictName, Col::Kind, Col::Client]),
        ));
    }
    for (keys, only) in passes {
        let mut count: HashMap<Vec<String>, usize> = HashMap::new();
        let key_sigs: Vec<Sig> = rows
            .iter()
            .enumerate()
            .map(|(n, r)| sig(n, r, keys))
            .collect();
        for k in &key_sigs {
            *count
                .entry(k.values.iter().map(|v| v.1.clone()).collect())
                .or_default() += 1;
        }
        let repeated: Vec<Sig> = key_sigs
            .iter()
            .filter(|k| {
                count.get(&k.values.iter().map(|v| v.1.clone()).collect::<Vec<_>>()) > Some(&1)
            })
            .map(|k| sig(k.row, &rows[k.row], &[]))
            .collect();
        mark_groups(rows, &repeated, keys, only);
    }
}

fn mark_groups(rows: &mut [StagedRow], sigs: &[Sig], keys: &[Col], only: Option<&[Col]>) {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut index: HashMap<Vec<&str>, usize> = HashMap::new();
    for sig in sigs {
        let key: Vec<&str> = keys.iter().map(|c| sig.get(*c)).collect();
        if key.iter().any(|k| k.is_empty()) {
            continue;
        }
        let g = *index.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(sig.row);
    }
    let key_name = keys
        .iter()
        .map(|c| c.name())
        .collect::<Vec<_>>()
        .join(" + ");
    // Groups hold positions in `sigs`; `sigs[i].row` is the row's index.
    let at: HashMap<usize, usize> = sigs.iter().enumerate().map(|(i, s)| (s.row, i)).collect();
    for group in groups.into_iter().filter(|g| g.len() > 1) {
        let group: Vec<usize> = group.iter().filter_map(|r| at.get(r).copied()).collect();
        let first = &sigs[group[0]];
        let conflicting: Vec<usize> = group[1..]
            .iter()
            .copied()
            .filter(|&j| sigs[j].first_difference(first, only).is_some())
            .collect();
        if conflicting.is_empty() {
            if only.is_some() {
                continue;
            }
            for &j in &group[1..] {
                let key_col = keys[0];
                let shown = sigs[j]
                    .values
                    .iter()
                    .find(|(c, ..)| *c == key_col)
                    .map(|v| v.2.clone());
                rows[sigs[j].row].problems.push(Problem::cell(
                    ProblemCode::DuplicateRow,
                    key_col.name(),
                    shown,
                    format!(
                        "identical to row {} (same {key_name}); merged",
                        rows[sigs[group[0]].row].row
                    ),
                ));
                rows[sigs[j].row].data = None;
            }
            continue;
        }
        for &j in &group {
            // Compare with the first row, or (for the first row and its exact
            // repeats) with the first row that differs from it.
            let other = if sigs[j].first_difference(first, only).is_some() {
                group[0]
            } else {
                conflicting[0]
            };
            let Some((col, _, shown)) = sigs[j].first_difference(&sigs[other], only) else {
                continue;
            };
            let there = sigs[other]
                .values
                .iter()
                .find(|(c, ..)| c == col)
                .map(|v| v.2.clone())
                .unwrap_or_default();
            let value = (!shown.is_empty()).then(|| shown.clone());
            rows[sigs[j].row].problems.push(Problem::cell(
                ProblemCode::DuplicateConflict,
                col.name(),
                value,
                format!(
                    "row {} has the same {key_name} with {} {:?} (here {:?}); expected the same values as row {} — fix or remove one of the rows",
                    rows[sigs[other].row].row,
                    col.name(),
                    there,
                    shown,
                    rows[sigs[other].row].row
                ),
            ));
            rows[sigs[j].row].data = None;
        }
    }
}
