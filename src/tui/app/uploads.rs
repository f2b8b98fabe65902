//! The Uploads screens' state (SPEC §6): the queue's filters, one batch's
//! rows filtered by outcome with a row's detail and the finding delta, the
//! `:import PATH` command line with its progress gauge, and the y/n asked
//! before a commit, discard or revert. The store is the runtime's business:
//! this only asks for it with effects.

mod done;
mod state;

use super::{App, Effect, Loadable, Request, Screen, moved};
use crate::domain::{Batch, BatchState, DistrictCode, Term};
use crate::tui::action::Action;

use state::cycle;
pub use state::{
    BatchOp, BatchView, ImportGauge, ImportStep, QueueFilter, UploadPrompt, UploadsUi,
    common_prefix, expand_home, outcome_word, parse_command,
};

impl App {
    /// Whether an Uploads prompt has the keys.
    pub fn is_upload_prompt(&self) -> bool {
        self.uploads.prompt.is_some()
    }

    fn batch_view(&mut self) -> Option<&mut BatchView> {
        match self.stack.last_mut()? {
            Screen::Batch(v) => Some(v),
            _ => None,
        }
    }

    /// The Uploads screens' keys; `None` when the action is not theirs.
    pub(super) fn uploads_action(&mut self, action: Action) -> Option<Vec<Effect>> {
        if self.uploads.prompt.is_some() {
            return Some(self.upload_prompt_action(action));
        }
        if self.finder.is_some() || self.prompt.is_some() || self.help.is_some() {
            return None;
        }
        if self.top_list_editing() {
            return None;
        }
        if action == Action::Command {
            // The command line is global: `:import PATH`, `:q`, any action.
            self.uploads.prompt = Some(UploadPrompt::Command {
                text: String::new(),
                choices: Vec::new(),
            });
            return Some(Vec::new());
        }
        let on_queue = matches!(self.screen(), Some(Screen::Uploads(_)));
        let on_batch = matches!(self.screen(), Some(Screen::Batch(_)));
        if !on_queue && !on_batch {
            return None;
        }
        let effects = match action {
            Action::Import | Action::Command => {
                if self.read_only && action == Action::Import {
                    self.say("read-only: importing a file is refused", true);
                    return Some(Vec::new());
                }
                let text = if action == Action::Import {
                    "import ".to_string()
                } else {
                    String::new()
                };
                self.uploads.prompt = Some(UploadPrompt::Command {
                    text,
                    choices: Vec::new(),
                });
                Vec::new()
            }
            Action::CycleState | Action::CycleDistrict | Action::CycleTerm if on_queue => {
                self.cycle_queue(action);
                Vec::new()
            }
            Action::CommitBatch => self.ask(BatchOp::Commit),
            Action::DiscardBatch => self.ask(BatchOp::Discard),
            Action::RevertBatch => self.ask(BatchOp::Revert),
            Action::PreviewDelta => self.preview(),
            _ if on_batch => return self.batch_key(action),
            _ => return None,
        };
        Some(effects)
    }

    /// Keys on one batch: rows, the outcome filter, the row detail.
    fn batch_key(&mut self, action: Action) -> Option<Vec<Effect>> {
        let page = self.page_rows();
        let v = self.batch_view()?;
        match action {
            Action::CycleOutcome => v.cycle_outcome(),
            Action::Open if !v.detail && v.current().is_some() => {
                v.detail = true;
                v.scroll = 0;
            }
            Action::Back if v.detail => v.detail = false,
            Action::Back if v.delta.is_some() => v.delta = None,
            a @ (Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::First
            | Action::Last) => {
                if v.detail {
                    let lines = v
                        .current()
                        .map_or(1, |r| 2 + r.problems.len() + r.changes.len());
                    v.scroll = moved(v.scroll, a, page, lines);
                } else {
                    v.selected = moved(v.selected, a, page, v.shown.len());
                }
            }
            _ => return None,
        }
        Some(Vec::new())
    }

    fn cycle_queue(&mut self, action: Action) {
        let f = &mut self.uploads.filter;
        let all = &self.uploads.all;
        match action {
            Action::CycleState => {
                let states = [
                    BatchState::Staged,
                    BatchState::Committed,
                    BatchState::Discarded,
                    BatchState::Reverted,
                ];
                f.state = cycle(&states, &f.state);
            }
            Action::CycleDistrict => {
                let mut ds: Vec<DistrictCode> =
                    all.iter().filter_map(|b| b.district.clone()).collect();
                ds.sort();
                ds.dedup();
                f.district = cycle(&ds, &f.district);
            }
            _ => {
                let mut ts: Vec<Term> = all.iter().filter_map(|b| b.term).collect();
                ts.sort_by_key(|t| t.first_day());
                ts.dedup();
                f.term = cycle(&ts, &f.term);
            }
        }
        self.show_queue();
    }

    /// Puts the batches passing the filter into the queue on top.
    fn show_queue(&mut self) {
        let shown: Vec<Batch> = self
            .uploads
            .all
            .iter()
            .filter(|b| self.uploads.filter.keeps(b))
            .cloned()
            .collect();
        for s in &mut self.stack {
            if let Screen::Uploads(l) = s {
                let keep = l.current().map(|b| b.id);
                l.items = Loadable::Ready(shown.clone());
                l.filter = None;
                l.selected = keep
                    .and_then(|id| shown.iter().position(|b| b.id == id))
                    .unwrap_or(0);
            }
        }
    }

    /// The batch the key is about: the queue's selection or the open one.
    fn target(&self) -> Option<Batch> {
        match self.screen()? {
            Screen::Uploads(l) => l.current().cloned(),
            Screen::Batch(v) => Some(v.batch.clone()),
            _ => None,
        }
    }

    /// Asks y/n before `op` (refused first when read-only or the state is
    /// wrong).
    fn ask(&mut self, op: BatchOp) -> Vec<Effect> {
        if self.read_only {
            self.say(
                &format!("read-only: {} a batch is refused", op.doing()),
                true,
            );
            return Vec::new();
        }
        let Some(b) = self.target() else {
            self.say("no batch selected", true);
            return Vec::new();
        };
        if b.state != op.from_state() {
            let msg = format!(
                "batch {} is {}: only a {} batch can be {}",
                b.id,
                b.state.as_str(),
                op.from_state().as_str(),
                op.done()
            );
            self.say(&msg, true);
            return Vec::new();
        }
        self.uploads.prompt = Some(UploadPrompt::Confirm {
            op,
            batch: Box::new(b.clone()),
        });
        // The commit question shows the finding delta: ask for it now.
        match self.batch_view() {
            Some(v) if op == BatchOp::Commit && v.delta.is_none() => {
                v.delta = Some(Loadable::Loading);
                vec![Effect::PreviewBatch(b.id)]
            }
            _ => Vec::new(),
        }
    }

    /// `p`: the finding delta of committing the batch (opened first when
    /// asked from the queue).
    fn preview(&mut self) -> Vec<Effect> {
        let Some(b) = self.target() else {
            self.say("no batch selected", true);
            return Vec::new();
        };
        if b.state != BatchState::Staged {
            let msg = format!(
                "batch {} is {}: only a staged batch has a finding delta",
                b.id,
                b.state.as_str()
            );
            self.say(&msg, true);
            return Vec::new();
        }
        let mut effects = Vec::new();
        if matches!(self.screen(), Some(Screen::Uploads(_))) {
            self.stack.push(Screen::Batch(BatchView::new(b.clone())));
            effects.push(Effect::Load(Request::BatchRows(b.id)));
        }
        if let Some(v) = self.batch_view() {
            v.delta = Some(Loadable::Loading);
        }
        effects.push(Effect::PreviewBatch(b.id));
        effects
    }

    /// Keys while an Uploads prompt is open.
    fn upload_prompt_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(prompt) = self.uploads.prompt.as_mut() else {
            return Vec::new();
        };
        match (prompt, action) {
            (_, Action::Back) => {
                self.uploads.prompt = None;
                self.say("cancelled", false);
            }
            (UploadPrompt::Command { text, choices }, Action::DeleteChar) => {
                text.pop();
                choices.clear();
            }
            (UploadPrompt::Command { text, .. }, Action::Complete) => {
                if let Some(typed) = text.strip_prefix("import ") {
                    return vec![Effect::CompletePath(typed.to_string())];
                }
            }
            (UploadPrompt::Command { text, .. }, Action::Open) => {
                let text = text.clone();
                return self.run_command(&text);
            }
            (UploadPrompt::Confirm { .. }, Action::Open) => {
                self.uploads.prompt = None;
                self.say("cancelled (y confirms)", false);
            }
            _ => {}
        }
        Vec::new()
    }

    fn run_command(&mut self, text: &str) -> Vec<Effect> {
        let word = text.split_whitespace().next().unwrap_or("");
        if word != "import" && text.split_whitespace().count() == 1 {
            // `:q`, or any action by its keymap name (`:findings`, `:undo`).
            let named = match word {
                "q" | "q!" | "quit" => Some(Action::Quit),
                w => Action::from_name(w).filter(|a| !a.is_input_only()),
            };
            if let Some(action) = named {
                self.uploads.prompt = None;
                return self.update(action);
            }
            self.say(
                &format!("unknown command `{word}` (try :import PATH [TERM], :q, or an action name from ?)"),
                true,
            );
            return Vec::new();
        }
        match parse_command(text, self.today) {
            Err(e) => {
                self.say(&e, true);
                Vec::new()
            }
            Ok(_) if self.read_only => {
                self.uploads.prompt = None;
                self.say("read-only: importing a file is refused", true);
                Vec::new()
            }
            Ok(_) if self.uploads.import.is_some() => {
                self.say("an import is already running", true);
                Vec::new()
            }
            Ok((path, term)) => {
                self.uploads.prompt = None;
                self.uploads.import = Some(ImportGauge {
                    path: path.display().to_string(),
                    bytes: None,
                    step: ImportStep::Reading { bytes: 0 },
                    ticks: 0,
                });
                vec![Effect::Stage { path, term }]
            }
        }
    }

    /// A printable key for an Uploads prompt; `None` when none is open.
    pub(super) fn upload_type(&mut self, c: char) -> Option<Vec<Effect>> {
        match self.uploads.prompt.as_mut()? {
            UploadPrompt::Command { text, choices } => {
                text.push(c);
                choices.clear();
                Some(Vec::new())
            }
            UploadPrompt::Confirm { op, batch } => {
                let (op, id) = (*op, batch.id);
                self.uploads.prompt = None;
                if c.eq_ignore_ascii_case(&'y') {
                    return Some(vec![Effect::SettleBatch { op, batch: id }]);
                }
                self.say(&format!("batch {id} not {}", op.done()), false);
                Some(Vec::new())
            }
        }
    }
}
