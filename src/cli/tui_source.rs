//! The store as the TUI's data source.

use super::Context;
use crate::domain::{District, DistrictCode, ExamAttempt, School, SchoolCode, Student, StudentId};
use crate::store::Store;
use crate::tui::{Source, TuiOptions};

struct StoreSource<'a>(&'a Store);

impl Source for StoreSource<'_> {
    fn districts(&self) -> anyhow::Result<Vec<District>> {
        Ok(self.0.districts()?)
    }
    fn schools(&self, district: &DistrictCode) -> anyhow::Result<Vec<School>> {
        Ok(self.0.schools(Some(district))?)
    }
    fn students_of_school(&self, school: &SchoolCode) -> anyhow::Result<Vec<Student>> {
        Ok(self.0.students_of_school(school)?)
    }
    fn student(&self, id: &StudentId) -> anyhow::Result<Option<Student>> {
        Ok(
            match self.0.get(&crate::domain::RecordKey::Student(id.clone()))? {
                Some(crate::domain::Record::Student(s)) => Some(s),
                _ => None,
            },
        )
    }
    fn exams_of(&self, id: &StudentId) -> anyhow::Result<Vec<ExamAttempt>> {
        Ok(self.0.exams_of(id)?)
    }
}

/// Opens the terminal UI on `store`.
pub fn run(ctx: &Context, store: &Store) -> anyhow::Result<()> {
    let opts = TuiOptions {
        today: ctx.today,
        read_only: ctx.read_only,
        keymap: ctx.keymap.clone(),
        db_label: store.path().display().to_string(),
    };
    crate::tui::run(&StoreSource(store), &opts)
}
