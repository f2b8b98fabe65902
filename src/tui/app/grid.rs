//! The module grid's cell cursor (a selected row and column) and the
//! per-student findings its panel lists.

use std::collections::HashMap;

use super::{GridRow, GridScope, GridView, ListView, Loadable};
use crate::tui::action::Action;
use crate::tui::live::{Findings, Listed};
use crate::tui::progress::Module;

impl GridView {
    /// An empty grid of `scope`, waiting for its rows; the cursor on the
    /// first column.
    pub fn new(scope: GridScope) -> GridView {
        GridView {
            scope,
            list: ListView::loading(),
            findings: HashMap::new(),
            marked: HashMap::new(),
            notes: HashMap::new(),
            column: 0,
        }
    }

    /// The module of the cursor's column.
    pub fn selected_module(&self) -> Module {
        Module::ALL
            .get(self.column)
            .copied()
            .unwrap_or(Module::SaRound1)
    }

    /// The selected cell: the selected row's student and the cursor's
    /// module (`None` while the grid has no rows).
    pub fn selected_cell(&self) -> Option<(&GridRow, Module)> {
        Some((self.list.current()?, self.selected_module()))
    }

    /// Moves the cursor one column for `column_left` / `column_right`
    /// (stopping at the ends); other actions leave it.
    pub fn move_column(&mut self, action: Action) {
        let last = Module::ALL.len() - 1;
        self.column = match action {
            Action::ColumnLeft => self.column.saturating_sub(1),
            Action::ColumnRight => self.column.saturating_add(1),
            _ => self.column,
        }
        .min(last);
    }

    /// The selected student's findings, in rule order (empty when none).
    pub fn selected_findings(&self) -> &[Listed] {
        self.list
            .current()
            .and_then(|r| self.notes.get(&r.student.id))
            .map_or(&[], Vec::as_slice)
    }

    /// Refills the cell marks, row marks and per-row findings from `all`
    /// (only the findings of this grid's students are kept).
    pub fn set_findings(&mut self, all: &Findings) {
        let rows: &[GridRow] = match &self.list.items {
            Loadable::Ready(v) => v,
            _ => &[],
        };
        let (cells, marked) = all.marks(rows.iter().map(|r| &r.student.id));
        let mut notes: HashMap<_, Vec<Listed>> = HashMap::new();
        for l in &all.items {
            if let Some(id) = l
                .finding
                .student
                .as_ref()
                .filter(|s| marked.contains_key(*s))
            {
                notes.entry(id.clone()).or_default().push((**l).clone());
            }
        }
        self.findings = cells;
        self.marked = marked;
        self.notes = notes;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{School, SchoolCode};

    fn view() -> GridView {
        GridView::new(GridScope::School(School {
            code: SchoolCode::parse("017004").unwrap(),
            name: "x".into(),
        }))
    }

    #[test]
    fn the_column_moves_and_stops_at_both_ends() {
        let mut g = view();
        assert_eq!(g.selected_module(), Module::SaRound1);
        g.move_column(Action::ColumnLeft);
        assert_eq!(g.column, 0);
        g.move_column(Action::ColumnRight);
        assert_eq!(g.selected_module(), Module::SaRound2);
        for _ in 0..20 {
            g.move_column(Action::ColumnRight);
        }
        assert_eq!(g.selected_module(), Module::RegionalCore);
        g.move_column(Action::Down);
        assert_eq!(g.selected_module(), Module::RegionalCore);
        // No rows: no cell, no findings.
        assert!(g.selected_cell().is_none());
        assert!(g.selected_findings().is_empty());
        // A column out of range (a hand-built state) never panics.
        g.column = 99;
        assert_eq!(g.selected_module(), Module::SaRound1);
    }
}
