//! The Uploads screens' state: the queue's filters, one batch's rows and
//! their outcome filter, the prompts and the import gauge.

use std::path::PathBuf;

use super::super::Loadable;
use crate::domain::{Batch, BatchState, DistrictCode, Outcome, RowResult, Term};
use crate::tui::live::Delta;

/// The queue's filters (each `None`: all).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    /// One state.
    pub state: Option<BatchState>,
    /// One district.
    pub district: Option<DistrictCode>,
    /// One term.
    pub term: Option<Term>,
}

impl QueueFilter {
    /// Whether `b` passes.
    pub fn keeps(&self, b: &Batch) -> bool {
        self.state.is_none_or(|s| s == b.state)
            && self
                .district
                .as_ref()
                .is_none_or(|d| b.district.as_ref() == Some(d))
            && self.term.is_none_or(|t| b.term == Some(t))
    }

    /// ` · staged · LEA 029 · fall-2026`, or empty when nothing is set.
    pub fn describe(&self) -> String {
        let mut s = String::new();
        if let Some(st) = self.state {
            s.push_str(&format!(" · {}", st.as_str()));
        }
        if let Some(d) = &self.district {
            s.push_str(&format!(" · LEA {d}"));
        }
        if let Some(t) = self.term {
            s.push_str(&format!(" · {t}"));
        }
        s
    }
}

/// What a confirmation would do to a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchOp {
    /// Write its non-error rows.
    Commit,
    /// Drop it unwritten.
    Discard,
    /// Undo it.
    Revert,
}

impl BatchOp {
    /// The verb.
    pub fn verb(self) -> &'static str {
        match self {
            BatchOp::Commit => "commit",
            BatchOp::Discard => "discard",
            BatchOp::Revert => "revert",
        }
    }

    /// The gerund (`committing`).
    pub fn doing(self) -> &'static str {
        match self {
            BatchOp::Commit => "committing",
            BatchOp::Discard => "discarding",
            BatchOp::Revert => "reverting",
        }
    }

    /// The past tense.
    pub fn done(self) -> &'static str {
        match self {
            BatchOp::Commit => "committed",
            BatchOp::Discard => "discarded",
            BatchOp::Revert => "reverted",
        }
    }

    /// The state a batch must be in.
    pub fn from_state(self) -> BatchState {
        match self {
            BatchOp::Commit | BatchOp::Discard => BatchState::Staged,
            BatchOp::Revert => BatchState::Committed,
        }
    }
}

/// A question the Uploads screens are asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadPrompt {
    /// The `:` command line (`import PATH [TERM]`).
    Command {
        /// What is typed.
        text: String,
        /// The last completion's candidates, when there were several.
        choices: Vec<String>,
    },
    /// `y` does `op` to `batch`; anything else cancels.
    Confirm {
        /// What.
        op: BatchOp,
        /// To which batch (as listed when asked).
        batch: Box<Batch>,
    },
}

/// A step of an import running on a worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStep {
    /// Reading the file (its size).
    Reading {
        /// The file's size in bytes.
        bytes: u64,
    },
    /// Rows triaged against the stored data (or, `storing`, stored in
    /// the staged batch) so far.
    Rows {
        /// Storing (else triaging).
        storing: bool,
        /// Rows done.
        done: usize,
        /// Rows in all.
        total: usize,
    },
    /// Still working (animates the gauge).
    Tick,
}

/// The progress gauge of the import in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportGauge {
    /// The path as typed.
    pub path: String,
    /// The file's size, once read.
    pub bytes: Option<u64>,
    /// The phase reached (not `Tick`).
    pub step: ImportStep,
    /// Ticks seen (the animation frame).
    pub ticks: u32,
}

/// The Uploads screens' state that outlives a screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UploadsUi {
    /// Every batch, as last loaded (the queue shows those passing `filter`).
    pub all: Vec<Batch>,
    /// The queue's filters.
    pub filter: QueueFilter,
    /// The open prompt, if any.
    pub prompt: Option<UploadPrompt>,
    /// The import in flight, if any.
    pub import: Option<ImportGauge>,
}

/// One batch's row-level triage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchView {
    /// The batch.
    pub batch: Batch,
    /// Its rows, by row number.
    pub rows: Loadable<Vec<RowResult>>,
    /// Only rows with this outcome (`None`: all).
    pub outcome: Option<Outcome>,
    /// The positions in `rows` shown (after the outcome filter).
    pub shown: Vec<usize>,
    /// The selected position in `shown`.
    pub selected: usize,
    /// The selected row's detail is open.
    pub detail: bool,
    /// The detail's first line shown.
    pub scroll: usize,
    /// The finding delta of committing it, once asked for.
    pub delta: Option<Loadable<Delta>>,
}

impl BatchView {
    /// A view of `batch`, its rows loading.
    pub fn new(batch: Batch) -> BatchView {
        BatchView {
            batch,
            rows: Loadable::Loading,
            outcome: None,
            shown: Vec::new(),
            selected: 0,
            detail: false,
            scroll: 0,
            delta: None,
        }
    }

    /// Its rows arrived (again: the selection stays where it can).
    pub fn set_rows(&mut self, rows: Loadable<Vec<RowResult>>) {
        self.rows = rows;
        self.refilter();
    }

    /// Rebuilds `shown` for the outcome filter.
    pub fn refilter(&mut self) {
        self.shown = match &self.rows {
            Loadable::Ready(rows) => match self.outcome {
                None => (0..rows.len()).collect(),
                Some(o) => (0..rows.len()).filter(|i| rows[*i].outcome == o).collect(),
            },
            _ => Vec::new(),
        };
        self.selected = self.selected.min(self.shown.len().saturating_sub(1));
    }

    /// The row shown at `pos`.
    pub fn row(&self, pos: usize) -> Option<&RowResult> {
        match &self.rows {
            Loadable::Ready(rows) => rows.get(*self.shown.get(pos)?),
            _ => None,
        }
    }

    /// The selected row.
    pub fn current(&self) -> Option<&RowResult> {
        self.row(self.selected)
    }

    /// All → new → changed → unchanged → warning → error → all.
    pub fn cycle_outcome(&mut self) {
        self.outcome = match self.outcome {
            None => Some(Outcome::New),
            Some(Outcome::New) => Some(Outcome::Changed),
            Some(Outcome::Changed) => Some(Outcome::Unchanged),
            Some(Outcome::Unchanged) => Some(Outcome::Warning),
            Some(Outcome::Warning) => Some(Outcome::Error),
            Some(Outcome::Error) => None,
        };
        self.selected = 0;
        self.detail = false;
        self.refilter();
    }
}

/// The word an outcome is shown as.
pub fn outcome_word(o: Outcome) -> &'static str {
    match o {
        Outcome::New => "new",
        Outcome::Changed => "changed",
        Outcome::Unchanged => "unchanged",
        Outcome::Warning => "warning",
        Outcome::Error => "error",
    }
}

/// The next of `values` after `current` (`None` before the first and after
/// the last).
pub(super) fn cycle<T: Clone + PartialEq>(values: &[T], current: &Option<T>) -> Option<T> {
    match current {
        None => values.first().cloned(),
        Some(c) => {
            let i = values.iter().position(|v| v == c)?;
            values.get(i + 1).cloned()
        }
    }
}

/// The longest common prefix of `words` (by characters).
pub fn common_prefix(words: &[String]) -> String {
    let Some(first) = words.first() else {
        return String::new();
    };
    let mut end = first.len();
    for w in &words[1..] {
        end = first
            .char_indices()
            .zip(w.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8())
            .min(end);
    }
    first.get(..end).unwrap_or("").to_string()
}

/// A typed path with a leading `~` (alone or `~/…`) read as the home
/// directory, as a shell would; any other path as typed.
pub fn expand_home(typed: &str) -> PathBuf {
    let rest = match typed.strip_prefix('~') {
        Some("") => "",
        Some(r) if r.starts_with('/') => &r[1..],
        _ => return PathBuf::from(typed),
    };
    match directories::BaseDirs::new() {
        Some(b) => b.home_dir().join(rest),
        None => PathBuf::from(typed),
    }
}

/// `import PATH [TERM]` parsed: the path (`~` is home) and term, or what
/// is wrong.
pub fn parse_command(text: &str, today: crate::domain::Date) -> Result<(PathBuf, Term), String> {
    let text = text.trim();
    let (cmd, rest) = text.split_once(' ').unwrap_or((text, ""));
    if cmd != "import" {
        return Err(format!("unknown command `{cmd}` (try :import PATH [TERM])"));
    }
    let rest = rest.trim();
    if rest.is_empty() {
        return Err("give a path: :import PATH [TERM]".into());
    }
    // A last word that reads as a term (fall-2026) is the term.
    if let Some((path, last)) = rest.rsplit_once(' ')
        && let Ok(term) = last.parse::<Term>()
    {
        return Ok((expand_home(path.trim()), term));
    }
    Ok((expand_home(rest), Term::of(today)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Date;

    #[test]
    fn commands_parse_with_and_without_a_term() {
        let today = Date::constant(2026, 12, 4);
        let (p, t) = parse_command("import a b.csv", today).unwrap();
        assert_eq!(p, PathBuf::from("a b.csv"));
        assert_eq!(t.to_string(), "fall-2026");
        let (p, t) = parse_command(" import x.csv spring-2027 ", today).unwrap();
        assert_eq!(p, PathBuf::from("x.csv"));
        assert_eq!(t.to_string(), "spring-2027");
        let home = directories::BaseDirs::new()
            .unwrap()
            .home_dir()
            .to_path_buf();
        let (p, _) = parse_command("import ~/in/x.csv", today).unwrap();
        assert_eq!(p, home.join("in/x.csv"));
        assert_eq!(expand_home("~"), home);
        assert_eq!(expand_home("~bob/x.csv"), PathBuf::from("~bob/x.csv"));
        assert_eq!(expand_home("a/~/x.csv"), PathBuf::from("a/~/x.csv"));
        assert!(
            parse_command("import ", today)
                .unwrap_err()
                .contains("give a path")
        );
        assert!(
            parse_command("quit", today)
                .unwrap_err()
                .contains("unknown command")
        );
    }

    #[test]
    fn common_prefixes() {
        let w = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            common_prefix(&w(&["fixtures/a.csv", "fixtures/ab"])),
            "fixtures/a"
        );
        assert_eq!(common_prefix(&w(&["x"])), "x");
        assert_eq!(common_prefix(&w(&["é1", "é2"])), "é");
        assert_eq!(common_prefix(&[]), "");
        assert_eq!(common_prefix(&w(&["a", "b"])), "");
    }

    #[test]
    fn filters_cycle_through_and_back_to_all() {
        let v = [1, 2];
        assert_eq!(cycle(&v, &None), Some(1));
        assert_eq!(cycle(&v, &Some(1)), Some(2));
        assert_eq!(cycle(&v, &Some(2)), None);
        assert_eq!(cycle(&v, &Some(9)), None);
    }
}
