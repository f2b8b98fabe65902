//! Finished reads and search steps coming back into the state. A late
//! answer for a screen left behind is dropped.

use std::sync::Arc;

use super::{App, Effect, GridScope, Loadable, Loaded, Screen, SearchJob};
use crate::search::Step;

fn loadable<T>(r: Result<T, String>) -> Loadable<T> {
    match r {
        Ok(v) => Loadable::Ready(v),
        Err(e) => Loadable::Failed(e),
    }
}

fn same_scope(a: &GridScope, b: &GridScope) -> bool {
    match (a, b) {
        (GridScope::School(x), GridScope::School(y)) => x.code == y.code,
        (GridScope::District(x), GridScope::District(y)) => x.code == y.code,
        _ => false,
    }
}

impl App {
    /// A finished load or search step; returns what to do next (a search
    /// may need another step).
    pub fn loaded(&mut self, loaded: Loaded) -> Vec<Effect> {
        let loaded = match self.uploads_loaded(loaded) {
            Ok(effects) => return effects,
            Err(other) => *other,
        };
        match loaded {
            Loaded::Overview(r) => {
                self.index = loadable(r.map(|o| o.index));
                // A finder opened before the names came can search now.
                return self.finder_query();
            }
            Loaded::Dashboard(d) => self.dashboard = Loadable::Ready(d),
            Loaded::Findings(Err(e)) => {
                // The one full read failed: nothing behind it will come.
                if matches!(self.index, Loadable::Loading) {
                    self.index = Loadable::Failed(e.clone());
                }
                if matches!(self.dashboard, Loadable::Loading) {
                    self.dashboard = Loadable::Failed(e.clone());
                }
                self.set_findings(Err(e));
            }
            Loaded::Hits { query, hits } => return self.hits(&query, hits),
            Loaded::Stale => return Vec::new(),
            Loaded::Findings(r) => self.set_findings(r),
            Loaded::Message(text, alert) => self.say(&text, alert),
            Loaded::Confirmed(r) => return self.confirmed(r),
            Loaded::EditPreview(r) => self.edit_previewed(r),
            Loaded::NoteAdded(r) => return self.note_added(r),
            Loaded::Certificates(ids, r) => self.certificates_loaded(&ids, r),
            Loaded::Student(id, r) => {
                let found = matches!(r, Ok(Some(_)));
                self.fill(Loaded::Student(id.clone(), r));
                let open = self
                    .stack
                    .iter()
                    .any(|s| matches!(s, Screen::Detail(d) if d.id == id));
                if found && open {
                    return vec![Effect::Load(super::Request::Certificates(
                        vec![id],
                        self.today,
                    ))];
                }
            }
            Loaded::Notes(Ok(v)) => self.notes = v,
            Loaded::Notes(Err(e)) => self.say(&format!("cannot read the notes: {e}"), true),
            Loaded::Report {
                term,
                district,
                result,
            } => {
                if let Some(Screen::Reports(v)) = self.stack.last_mut() {
                    v.fill(term, &district, &result);
                }
            }
            other => self.fill(other),
        }
        Vec::new()
    }

    fn hits(&mut self, query: &str, hits: Vec<crate::search::Hit>) -> Vec<Effect> {
        let Loadable::Ready(index) = &self.index else {
            return Vec::new();
        };
        let Some(n) = self.finder.as_mut().and_then(|f| f.narrowing.as_mut()) else {
            return Vec::new();
        };
        match n.supply(index, query, hits) {
            Step::Ready => Vec::new(),
            Step::Pending(job) => vec![Effect::Search(SearchJob {
                index: Arc::clone(index),
                job,
            })],
        }
    }

    fn fill(&mut self, loaded: Loaded) {
        for screen in self.stack.iter_mut().rev() {
            match (screen, &loaded) {
                (Screen::Districts(l), Loaded::Districts(r)) => {
                    l.items = loadable(r.clone());
                    return;
                }
                (Screen::Schools { district, list }, Loaded::Schools(code, r))
                    if &district.code == code =>
                {
                    list.items = loadable(r.clone());
                    return;
                }
                (Screen::Students { school, list }, Loaded::Students(code, r))
                    if &school.code == code =>
                {
                    list.items = loadable(r.clone());
                    return;
                }
                (Screen::Grid(g), Loaded::Grid(scope, r)) if same_scope(&g.scope, scope) => {
                    g.list.items = loadable(r.clone());
                    super::findings::mark_grid(g, &self.findings);
                    return;
                }
                (Screen::Detail(d), Loaded::Student(id, r)) if &d.id == id => {
                    d.record = loadable(r.clone());
                    return;
                }
                (Screen::Audit(v), Loaded::Audit(filter, r)) if &v.filter == filter => {
                    v.fill(r.clone());
                    return;
                }
                (Screen::Event(e), Loaded::Event(seq, r)) if e.summary.seq == *seq => {
                    e.event = loadable(r.clone());
                    return;
                }
                _ => {}
            }
        }
    }
}
