//! Finished Uploads work coming back into the state: the batches (kept
//! whole for the queue's filters), a batch's rows, completions, import
//! steps, the staged batch, the finding delta, a settled batch.

use super::super::{App, Effect, ListView, Loadable, Loaded, Request, Screen};
use super::{BatchOp, BatchView, ImportStep, UploadPrompt, common_prefix};
use crate::domain::Batch;

impl App {
    /// Finished Uploads work coming back; `Err` hands back what is not.
    pub(in crate::tui::app) fn uploads_loaded(
        &mut self,
        loaded: Loaded,
    ) -> Result<Vec<Effect>, Box<Loaded>> {
        match loaded {
            Loaded::Batches(r) => {
                if let Ok(all) = &r {
                    self.uploads.all.clone_from(all);
                    for s in &mut self.stack {
                        if let Screen::Batch(v) = s
                            && let Some(b) = all.iter().find(|b| b.id == v.batch.id)
                        {
                            v.batch = b.clone();
                        }
                    }
                    self.show_queue();
                } else {
                    for s in &mut self.stack {
                        if let Screen::Uploads(l) = s {
                            l.items = Loadable::Failed(r.clone().err().unwrap_or_default());
                        }
                    }
                }
                Ok(Vec::new())
            }
            Loaded::BatchRows(id, r) => {
                for s in self.stack.iter_mut().rev() {
                    if let Screen::Batch(v) = s
                        && v.batch.id == id
                    {
                        v.set_rows(match r {
                            Ok(rows) => Loadable::Ready(rows),
                            Err(e) => Loadable::Failed(e),
                        });
                        break;
                    }
                }
                Ok(Vec::new())
            }
            Loaded::Completions { typed, options } => {
                if let Some(UploadPrompt::Command { text, choices }) = self.uploads.prompt.as_mut()
                    && text.strip_prefix("import ") == Some(typed.as_str())
                {
                    let prefix = common_prefix(&options);
                    if prefix.len() > typed.len() {
                        *text = format!("import {prefix}");
                    }
                    *choices = if options.len() > 1 {
                        options
                    } else {
                        Vec::new()
                    };
                    if choices.is_empty() && prefix.len() <= typed.len() {
                        self.message = Some(("no completions".into(), false));
                    }
                }
                Ok(Vec::new())
            }
            Loaded::Importing(step) => {
                if let Some(g) = self.uploads.import.as_mut() {
                    match step {
                        ImportStep::Tick => g.ticks = g.ticks.wrapping_add(1),
                        ImportStep::Reading { bytes } => {
                            g.bytes = Some(bytes);
                            g.step = step;
                        }
                        ImportStep::Rows { .. } => g.step = step,
                    }
                }
                Ok(Vec::new())
            }
            Loaded::Staged(r) => {
                self.uploads.import = None;
                Ok(self.staged(r))
            }
            Loaded::Delta(id, r) => {
                let mut open = false;
                for s in self.stack.iter_mut().rev() {
                    if let Screen::Batch(v) = s
                        && v.batch.id == id
                    {
                        v.delta = Some(match r.clone() {
                            Ok(d) => Loadable::Ready(d),
                            Err(e) => Loadable::Failed(e),
                        });
                        open = true;
                        break;
                    }
                }
                if let (false, Err(e)) = (open, r) {
                    self.say(&format!("no finding delta: {e}"), true);
                }
                Ok(Vec::new())
            }
            Loaded::Settled { op, batch, result } => Ok(self.settled(op, batch, result)),
            other => Err(Box::new(other)),
        }
    }

    fn staged(&mut self, r: Result<Batch, String>) -> Vec<Effect> {
        let b = match r {
            Ok(b) => b,
            Err(e) => {
                self.say(&format!("not imported: {e}"), true);
                return Vec::new();
            }
        };
        let s = &b.summary;
        let msg = format!(
            "staged batch {} from {}: {} rows ({} new, {} changed, {} unchanged, {} warning, {} error) · p previews, c commits",
            b.id, b.file, s.rows, s.new, s.changed, s.unchanged, s.warning, s.error
        );
        self.say(&msg, false);
        let id = b.id;
        self.stack = vec![
            Screen::Uploads(ListView::loading()),
            Screen::Batch(BatchView::new(b)),
        ];
        vec![
            Effect::Load(Request::Batches),
            Effect::Load(Request::BatchRows(id)),
        ]
    }

    fn settled(&mut self, op: BatchOp, id: u64, result: Result<usize, String>) -> Vec<Effect> {
        let n = match result {
            Ok(n) => n,
            Err(e) => {
                self.say(&format!("could not {} batch {id}: {e}", op.verb()), true);
                return Vec::new();
            }
        };
        let msg = match op {
            BatchOp::Commit => format!("committed batch {id}: {n} records written"),
            BatchOp::Discard => format!("discarded batch {id}: nothing written"),
            BatchOp::Revert => format!("reverted batch {id}: {n} records restored"),
        };
        self.say(&msg, false);
        let mut effects = Vec::new();
        for s in &mut self.stack {
            if let Screen::Batch(v) = s
                && v.batch.id == id
            {
                v.delta = None;
                effects.push(Effect::Load(Request::BatchRows(id)));
            }
        }
        // A commit or revert came back through `Host::committed`, which
        // re-read every open screen; a discard wrote nothing.
        if op == BatchOp::Discard {
            effects.extend(self.refresh());
        }
        effects
    }
}
