//! The cells, sort orders and filter text of every list's rows.

use std::cmp::Ordering;

use crate::domain::calendar::grade_on;
use crate::domain::{Batch, Date, District, School, Student};
use crate::tui::app::GridRow;
use crate::tui::app::lists::ListItem;
use crate::tui::progress::Module;
use crate::tui::source::{EventSummary, student_order};

fn yn(v: bool) -> String {
    if v { "Y".into() } else { "N".into() }
}

fn lower(s: &str) -> String {
    s.to_lowercase()
}

/// `2026-12-04T10:11:12Z` → `2026-12-04 10:11` (what fits a column).
pub fn short_time(rfc3339: &str) -> String {
    let t: String = rfc3339.chars().take(16).collect();
    t.replacen('T', " ", 1)
}

impl ListItem for District {
    const SORTS: &'static [&'static str] = &["code", "name", "kind"];
    const SEARCHABLE: &'static [usize] = &[0, 1];
    fn cells(&self, _: Date) -> Vec<String> {
        vec![
            self.code.to_string(),
            self.name.clone(),
            self.kind.as_str().into(),
            yn(self.client),
        ]
    }
    fn compare(a: &Self, b: &Self, sort: usize) -> Ordering {
        let by_code = a.code.cmp(&b.code);
        match sort {
            1 => lower(&a.name).cmp(&lower(&b.name)).then(by_code),
            2 => a.kind.as_str().cmp(b.kind.as_str()).then(by_code),
            _ => by_code,
        }
    }
}

impl ListItem for School {
    const SORTS: &'static [&'static str] = &["code", "name"];
    const SEARCHABLE: &'static [usize] = &[0, 1];
    fn cells(&self, _: Date) -> Vec<String> {
        vec![self.code.to_string(), self.name.clone()]
    }
    fn compare(a: &Self, b: &Self, sort: usize) -> Ordering {
        let by_code = a.code.cmp(&b.code);
        match sort {
            1 => lower(&a.name).cmp(&lower(&b.name)).then(by_code),
            _ => by_code,
        }
    }
}

/// A grade on `today`, `grad` past 12.
pub fn grade_text(cohort: i16, today: Date) -> String {
    let g = grade_on(cohort, today);
    if g > 12 { "grad".into() } else { g.to_string() }
}

impl ListItem for Student {
    const SORTS: &'static [&'static str] = &["name", "id", "grade"];
    const SEARCHABLE: &'static [usize] = &[0, 1, 2];
    fn cells(&self, today: Date) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.last_name.clone(),
            self.first_name.clone(),
            grade_text(self.cohort, today),
            self.pathway.map_or_else(|| "—".to_string(), yn),
        ]
    }
    fn compare(a: &Self, b: &Self, sort: usize) -> Ordering {
        match sort {
            1 => a.id.cmp(&b.id),
            // Highest grade first: the smallest cohort.
            2 => a.cohort.cmp(&b.cohort).then_with(|| student_order(a, b)),
            _ => student_order(a, b),
        }
    }
}

impl ListItem for Batch {
    const SORTS: &'static [&'static str] = &["id", "state", "kind", "file"];
    const SEARCHABLE: &'static [usize] = &[1, 2, 3, 5];
    fn cells(&self, _: Date) -> Vec<String> {
        let s = &self.summary;
        vec![
            self.id.to_string(),
            self.state.as_str().into(),
            self.kind.as_str().into(),
            self.district
                .as_ref()
                .map_or_else(|| "—".into(), |d| d.to_string()),
            self.term.map_or_else(|| "—".into(), |t| t.to_string()),
            self.file.clone(),
            format!(
                "{} rows: {} new, {} chg, {} same, {} warn, {} err",
                s.rows, s.new, s.changed, s.unchanged, s.warning, s.error
            ),
            short_time(&self.imported_at),
            self.imported_by.clone(),
            format!(
                "{}: {}/{}/{}/{}/{}",
                s.rows, s.new, s.changed, s.unchanged, s.warning, s.error
            ),
        ]
    }
    fn compare(a: &Self, b: &Self, sort: usize) -> Ordering {
        let by_id = a.id.cmp(&b.id);
        match sort {
            1 => a.state.as_str().cmp(b.state.as_str()).then(by_id),
            2 => a.kind.as_str().cmp(b.kind.as_str()).then(by_id),
            3 => lower(&a.file).cmp(&lower(&b.file)).then(by_id),
            _ => by_id,
        }
    }
}

impl ListItem for EventSummary {
    const SORTS: &'static [&'static str] = &["newest", "oldest", "actor", "batch"];
    const SEARCHABLE: &'static [usize] = &[2, 3, 4];
    fn cells(&self, _: Date) -> Vec<String> {
        vec![
            self.seq.to_string(),
            short_time(&self.at),
            self.actor.clone(),
            format!("batch {}", self.batch),
            match self.action {
                crate::store::EventAction::Commit => "commit".into(),
                crate::store::EventAction::Revert => "revert".into(),
            },
            self.writes.to_string(),
        ]
    }
    fn compare(a: &Self, b: &Self, sort: usize) -> Ordering {
        let newest = b.seq.cmp(&a.seq);
        match sort {
            1 => a.seq.cmp(&b.seq),
            2 => a.actor.cmp(&b.actor).then(newest),
            3 => b.batch.cmp(&a.batch).then(newest),
            _ => newest,
        }
    }
}

impl ListItem for GridRow {
    const SORTS: &'static [&'static str] = &["name", "id", "progress"];
    const SEARCHABLE: &'static [usize] = &[0, 1];
    fn cells(&self, _: Date) -> Vec<String> {
        let s = &self.student;
        vec![
            format!("{}, {}", s.last_name, s.first_name),
            s.id.to_string(),
        ]
    }
    fn compare(a: &Self, b: &Self, sort: usize) -> Ordering {
        let done = |r: &GridRow| {
            Module::ALL
                .iter()
                .filter(|m| r.progress.done(**m).is_some())
                .count()
        };
        match sort {
            1 => a.student.id.cmp(&b.student.id),
            2 => done(b)
                .cmp(&done(a))
                .then_with(|| student_order(&a.student, &b.student)),
            _ => student_order(&a.student, &b.student),
        }
    }
}
