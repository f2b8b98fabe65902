//! The action registry: every name a keymap may bind, with the one-line doc
//! that `?` help and the status-line hints show. Names are snake_case and the
//! same in Rust, TOML and help (STYLE.md §3).

use std::fmt;

/// Something a key asks the app to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// Leave mecred.
    Quit,
    /// Show the keys of the current screen.
    Help,
    /// Repaint the whole screen.
    Redraw,
    /// Move the selection (or the view) up one row.
    Up,
    /// Move the selection (or the view) down one row.
    Down,
    /// Move up one page.
    PageUp,
    /// Move down one page.
    PageDown,
    /// Go to the first row.
    First,
    /// Go to the last row.
    Last,
    /// Open the selected row.
    Open,
    /// Go back to the previous screen (or close the overlay).
    Back,
    /// Filter the list as you type.
    Filter,
    /// Find any district, school or student by name, code or ID.
    Jump,
    /// Switch between the student list and the module grid.
    ToggleGrid,
    /// Sort the list by the next column.
    Sort,
    /// Show the dashboard.
    Dashboard,
    /// Show the district list.
    Districts,
    /// Show the upload batches.
    Uploads,
    /// Show the audit log.
    Audit,
    /// Delete the last character typed.
    DeleteChar,
    /// Show every finding.
    Findings,
    /// Open the next finding's record.
    NextFinding,
    /// Open the previous finding's record.
    PreviousFinding,
    /// Acknowledge the selected warn finding, with a reason.
    Acknowledge,
    /// Group the findings by rule or by district.
    GroupFindings,
    /// Show only errors, only warnings, or both.
    CycleSeverity,
    /// Show one rule's findings, the next rule's, or all.
    CycleRule,
    /// Show one district's findings, the next district's, or all.
    CycleDistrict,
    /// Move the module grid's cursor one column left.
    ColumnLeft,
    /// Move the module grid's cursor one column right.
    ColumnRight,
    /// Show the semester reports.
    Reports,
    /// Report the term before.
    PreviousTerm,
    /// Report the term after.
    NextTerm,
    /// Write the report to a file (md, csv, html or json).
    ExportReport,
    /// Confirm the district's report for the term.
    ConfirmReport,
    /// Write the selected batch's error return file.
    ReturnFile,
    /// Mark or unmark the selected student row (then move down).
    Mark,
    /// Mark every row from the last one marked to the selected one.
    MarkRange,
    /// Mark every row the filter shows (again: unmark them).
    MarkAll,
    /// Unmark every row.
    ClearMarks,
    /// Edit the marked students (or the selected one / cell).
    Edit,
    /// Type today's date into the edit form.
    Today,
    /// Undo your newest change set.
    Undo,
    /// Redo the change set you undid last.
    Redo,
    /// Import a file (prompts for its path).
    Import,
    /// Open the command line (`:import PATH [TERM]`).
    Command,
    /// Complete the path being typed.
    Complete,
    /// Show one batch state, the next, or all.
    CycleState,
    /// Show one term's batches, the next term's, or all.
    CycleTerm,
    /// Show one row outcome, the next, or all.
    CycleOutcome,
    /// Preview the findings committing the batch would add and remove.
    PreviewDelta,
    /// Commit the batch's non-error rows (asks first).
    CommitBatch,
    /// Discard the staged batch (asks first).
    DiscardBatch,
    /// Revert the committed batch (asks first).
    RevertBatch,
    /// Move the student to another school or district (one change set).
    Transfer,
    /// Issue the due certificates of the marked students (or the selected
    /// one), asking first.
    IssueCertificates,
    /// Attach a note to the student or the selected finding.
    AddNote,
    /// Show the audit log filtered to this student.
    History,
    /// Show one actor's entries, the next actor's, or all.
    CycleActor,
    /// Filter the audit log by a student ID (prompts).
    FilterStudent,
    /// Filter the audit log by a change set id (prompts).
    FilterChangeSet,
    /// Clear the audit log's filters.
    ClearFilters,
}

impl Action {
    /// Every action, in the order help lists them.
    pub const ALL: [Action; 62] = [
        Action::Open,
        Action::Transfer,
        Action::IssueCertificates,
        Action::AddNote,
        Action::History,
        Action::CycleActor,
        Action::FilterStudent,
        Action::FilterChangeSet,
        Action::ClearFilters,
        Action::ColumnLeft,
        Action::ColumnRight,
        Action::Findings,
        Action::NextFinding,
        Action::PreviousFinding,
        Action::Acknowledge,
        Action::GroupFindings,
        Action::CycleSeverity,
        Action::CycleRule,
        Action::CycleDistrict,
        Action::PreviousTerm,
        Action::NextTerm,
        Action::ExportReport,
        Action::ConfirmReport,
        Action::ReturnFile,
        Action::Mark,
        Action::MarkRange,
        Action::MarkAll,
        Action::ClearMarks,
        Action::Edit,
        Action::Today,
        Action::Undo,
        Action::Redo,
        Action::Import,
        Action::Command,
        Action::Complete,
        Action::CycleState,
        Action::CycleTerm,
        Action::CycleOutcome,
        Action::PreviewDelta,
        Action::CommitBatch,
        Action::DiscardBatch,
        Action::RevertBatch,
        Action::Back,
        Action::Filter,
        Action::Jump,
        Action::ToggleGrid,
        Action::Sort,
        Action::Dashboard,
        Action::Districts,
        Action::Uploads,
        Action::Audit,
        Action::Reports,
        Action::DeleteChar,
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::First,
        Action::Last,
        Action::Help,
        Action::Redraw,
        Action::Quit,
    ];

    /// The snake_case name used in keymap files and help.
    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::Redraw => "redraw",
            Action::Up => "up",
            Action::Down => "down",
            Action::PageUp => "page_up",
            Action::PageDown => "page_down",
            Action::First => "first",
            Action::Last => "last",
            Action::Open => "open",
            Action::Back => "back",
            Action::Filter => "filter",
            Action::Jump => "jump",
            Action::ToggleGrid => "toggle_grid",
            Action::Sort => "sort",
            Action::Dashboard => "dashboard",
            Action::Districts => "districts",
            Action::Uploads => "uploads",
            Action::Audit => "audit",
            Action::DeleteChar => "delete_char",
            Action::Findings => "findings",
            Action::NextFinding => "next_finding",
            Action::PreviousFinding => "previous_finding",
            Action::Acknowledge => "acknowledge",
            Action::GroupFindings => "group_findings",
            Action::CycleSeverity => "cycle_severity",
            Action::CycleRule => "cycle_rule",
            Action::CycleDistrict => "cycle_district",
            Action::ColumnLeft => "column_left",
            Action::ColumnRight => "column_right",
            Action::Reports => "reports",
            Action::PreviousTerm => "previous_term",
            Action::NextTerm => "next_term",
            Action::ExportReport => "export_report",
            Action::ConfirmReport => "confirm_report",
            Action::ReturnFile => "return_file",
            Action::Mark => "mark",
            Action::MarkRange => "mark_range",
            Action::MarkAll => "mark_all",
            Action::ClearMarks => "clear_marks",
            Action::Edit => "edit",
            Action::Today => "today",
            Action::Undo => "undo",
            Action::Redo => "redo",
            Action::Import => "import",
            Action::Command => "command",
            Action::Complete => "complete",
            Action::CycleState => "cycle_state",
            Action::CycleTerm => "cycle_term",
            Action::CycleOutcome => "cycle_outcome",
            Action::PreviewDelta => "preview_delta",
            Action::CommitBatch => "commit_batch",
            Action::DiscardBatch => "discard_batch",
            Action::RevertBatch => "revert_batch",
            Action::Transfer => "transfer",
            Action::IssueCertificates => "issue_certificates",
            Action::AddNote => "add_note",
            Action::History => "history",
            Action::CycleActor => "cycle_actor",
            Action::FilterStudent => "filter_student",
            Action::FilterChangeSet => "filter_batch",
            Action::ClearFilters => "clear_filters",
        }
    }

    /// What it does, in a few words (help and status hints).
    pub fn doc(self) -> &'static str {
        match self {
            Action::Quit => "quit mecred",
            Action::Help => "show the keys of this screen",
            Action::Redraw => "repaint the screen",
            Action::Up => "move up",
            Action::Down => "move down",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::First => "go to the first row",
            Action::Last => "go to the last row",
            Action::Open => "open the selected row",
            Action::Back => "go back (or clear the filter)",
            Action::Filter => "filter this list as you type",
            Action::Jump => "find any district, school or student",
            Action::ToggleGrid => "switch list ↔ module grid",
            Action::Sort => "sort by the next column",
            Action::Dashboard => "show the dashboard",
            Action::Districts => "show the districts",
            Action::Uploads => "show the upload batches",
            Action::Audit => "show the audit log",
            Action::DeleteChar => "delete the last character",
            Action::Findings => "show all findings",
            Action::NextFinding => "open the next finding's record",
            Action::PreviousFinding => "open the previous finding's record",
            Action::Acknowledge => "acknowledge this warn finding (with a reason)",
            Action::GroupFindings => "group findings by rule ↔ by district",
            Action::CycleSeverity => "filter: errors, warnings, or all",
            Action::CycleRule => "filter: the next rule, or all",
            Action::CycleDistrict => "filter: the next district, or all",
            Action::ColumnLeft => "move the cell cursor left",
            Action::ColumnRight => "move the cell cursor right",
            Action::Reports => "show the semester reports",
            Action::PreviousTerm => "report the previous term",
            Action::NextTerm => "report the next term",
            Action::ExportReport => "write the report to a file (md, csv, html, json)",
            Action::ConfirmReport => "confirm this district's report for the term",
            Action::ReturnFile => "write the batch's error return file",
            Action::Mark => "mark/unmark this student row",
            Action::MarkRange => "mark the rows from the last marked one to here",
            Action::MarkAll => "mark every row shown (again: unmark)",
            Action::ClearMarks => "unmark every row",
            Action::Edit => "edit the marked students (or this one / this cell)",
            Action::Today => "type today's date",
            Action::Undo => "undo your newest change set",
            Action::Redo => "redo the change set you undid last",
            Action::Import => "import a file (path prompt, tab completes)",
            Action::Command => "command line (:import PATH [TERM])",
            Action::Complete => "complete the path",
            Action::CycleState => "filter: the next batch state, or all",
            Action::CycleTerm => "filter: the next term, or all",
            Action::CycleOutcome => "filter rows: the next outcome, or all",
            Action::PreviewDelta => "preview the findings a commit adds/removes",
            Action::CommitBatch => "commit the batch's non-error rows (y/n)",
            Action::DiscardBatch => "discard the staged batch (y/n)",
            Action::RevertBatch => "revert the committed batch (y/n)",
            Action::Transfer => "transfer to another school (y/n)",
            Action::IssueCertificates => "issue the due certificates (y/n)",
            Action::AddNote => "attach a note to this student or finding",
            Action::History => "show this student's history in the audit log",
            Action::CycleActor => "filter: the next actor, or all",
            Action::FilterStudent => "filter by a student ID",
            Action::FilterChangeSet => "filter by a change set id",
            Action::ClearFilters => "clear the audit filters",
        }
    }

    /// The action named `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }

    /// Actions that only make sense while typing (not as a `:` command).
    pub fn is_input_only(self) -> bool {
        matches!(
            self,
            Action::DeleteChar | Action::Complete | Action::Command | Action::Today
        )
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_are_unique_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(a));
            assert!(seen.insert(a.name()), "duplicate name {}", a.name());
            assert!(!a.doc().is_empty());
            assert!(
                a.name()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_')
            );
        }
        assert_eq!(Action::from_name("nope"), None);
    }
}
