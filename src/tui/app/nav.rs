//! Key handling per screen: moving, opening, switching screens, the grid
//! toggle, the `/` filter and the global finder.

use std::sync::Arc;

use super::lists::ListOps;
use super::{
    App, BatchView, DetailView, EventView, Finder, GridScope, GridView, INLINE_LIMIT, ListView,
    Loadable, Request, Screen, SearchJob, moved,
};
use crate::domain::{District, DistrictKind, School, SchoolCode, StudentId};
use crate::search::{Narrowing, Step, Target};
use crate::tui::action::Action;
use crate::tui::app::Effect;

impl App {
    /// The list on top, if the top screen is one.
    pub(super) fn top_list(&mut self) -> Option<&mut dyn ListOps> {
        match self.stack.last_mut()? {
            Screen::Districts(l) => Some(l),
            Screen::Schools { list, .. } => Some(list),
            Screen::Students { list, .. } => Some(list),
            Screen::Grid(g) => Some(&mut g.list),
            Screen::Uploads(l) => Some(l),
            Screen::Audit(v) => Some(&mut v.list),
            Screen::Findings(v) => Some(&mut v.list),
            _ => None,
        }
    }

    pub(super) fn screen_action(&mut self, action: Action) -> Vec<Effect> {
        let today = self.today;
        match action {
            Action::Dashboard => {
                let mut effects = self.go_root(Screen::Dashboard { scroll: 0 }, None);
                // Counted lazily: a change set only marks it stale.
                effects.push(Effect::RefreshDashboard);
                return effects;
            }
            Action::Districts => {
                if matches!(self.stack.first(), Some(Screen::Districts(_))) {
                    self.stack.truncate(1);
                    return Vec::new();
                }
                let s = Screen::Districts(ListView::loading());
                return self.go_root(s, Some(Request::Districts));
            }
            Action::Uploads => {
                return self.go_root(Screen::Uploads(ListView::loading()), Some(Request::Batches));
            }
            Action::Audit => {
                let filter = super::AuditFilter::default();
                let screen = Screen::Audit(super::AuditView::new(filter.clone()));
                return self.go_root(screen, Some(Request::Audit(filter)));
            }
            Action::Jump => return self.open_finder(),
            Action::ToggleGrid => return self.toggle_grid(),
            Action::Open => return self.open(),
            _ => {}
        }
        if action == Action::Back {
            if let Some(l) = self.top_list()
                && l.query().is_some()
            {
                l.clear_filter();
                return Vec::new();
            }
            if self.stack.len() > 1 {
                self.stack.pop();
            }
            return Vec::new();
        }
        if let (Action::ColumnLeft | Action::ColumnRight, Some(Screen::Grid(g))) =
            (action, self.stack.last_mut())
        {
            g.move_column(action);
            return Vec::new();
        }
        let page = self.page_rows();
        let max = super::super::screens::scroll_max(self);
        if let Some(l) = self.top_list() {
            match action {
                Action::Sort => l.cycle_sort(today),
                Action::Filter => l.start_filter(today),
                a => l.move_by(a, page),
            }
            return Vec::new();
        }
        let scroll = match self.stack.last_mut() {
            Some(Screen::Detail(d)) => &mut d.scroll,
            Some(Screen::Dashboard { scroll }) => scroll,
            Some(Screen::Batch(b)) => &mut b.scroll,
            Some(Screen::Event(e)) => &mut e.scroll,
            _ => return Vec::new(),
        };
        *scroll = moved(*scroll, action, page, max + 1);
        Vec::new()
    }

    fn go_root(&mut self, screen: Screen, request: Option<Request>) -> Vec<Effect> {
        self.stepped = None;
        self.stack = vec![screen];
        request.map(Effect::Load).into_iter().collect()
    }

    fn push(&mut self, screen: Screen, request: Request) -> Vec<Effect> {
        self.stepped = None;
        self.stack.push(screen);
        vec![Effect::Load(request)]
    }

    fn open(&mut self) -> Vec<Effect> {
        let (next, request) = match self.screen() {
            Some(Screen::Districts(l)) => match l.current() {
                Some(d) => schools_of(d.clone()),
                None => return Vec::new(),
            },
            Some(Screen::Schools { list, .. }) => match list.current() {
                Some(s) => students_of(s.clone()),
                None => return Vec::new(),
            },
            Some(Screen::Students { school, list }) => match list.current() {
                Some(s) => detail(s.id.clone(), Some(school.name.clone())),
                None => return Vec::new(),
            },
            Some(Screen::Grid(g)) => match g.list.current() {
                Some(r) => detail(r.student.id.clone(), None),
                None => return Vec::new(),
            },
            Some(Screen::Uploads(l)) => match l.current() {
                Some(b) => (
                    Screen::Batch(BatchView::new(b.clone())),
                    Request::BatchRows(b.id),
                ),
                None => return Vec::new(),
            },
            Some(Screen::Audit(v)) => match v.list.current().and_then(|r| r.event.as_ref()) {
                Some(e) => (
                    Screen::Event(EventView {
                        summary: e.clone(),
                        event: Loadable::Loading,
                        scroll: 0,
                    }),
                    Request::Event(e.seq),
                ),
                None => return Vec::new(),
            },
            _ => return Vec::new(),
        };
        self.push(next, request)
    }

    /// Students ↔ grid for a school; schools → the district's grid; the
    /// grid of a district goes back to its schools.
    fn toggle_grid(&mut self) -> Vec<Effect> {
        let (replace, scope) = match self.screen() {
            Some(Screen::Students { school, .. }) => (true, GridScope::School(school.clone())),
            Some(Screen::Schools { district, .. }) => {
                (false, GridScope::District(district.clone()))
            }
            Some(Screen::Grid(g)) => {
                let GridScope::School(school) = &g.scope else {
                    self.stack.pop();
                    return Vec::new();
                };
                let (next, req) = students_of(school.clone());
                self.stack.pop();
                return self.push(next, req);
            }
            _ => return Vec::new(),
        };
        if replace {
            self.stack.pop();
        }
        let grid = Screen::Grid(GridView::new(scope.clone()));
        self.push(grid, Request::Grid(scope))
    }

    /// Typing into a list's filter.
    pub(super) fn filter_action(&mut self, action: Action) -> Vec<Effect> {
        let page = self.page_rows();
        let Some(l) = self.top_list() else {
            return Vec::new();
        };
        match action {
            Action::Back => l.clear_filter(),
            Action::Open => l.stop_editing(),
            Action::DeleteChar => {
                let mut q = l.query().unwrap_or_default();
                q.pop();
                l.set_query(&q);
            }
            a => l.move_by(a, page),
        }
        Vec::new()
    }

    /// A printable key for the focused input.
    pub(super) fn type_char(&mut self, c: char) -> Vec<Effect> {
        if let Some(effects) = self.records_type(c) {
            return effects;
        }
        if self.edit_type(c) {
            return Vec::new();
        }
        if let Some(effects) = self.report_type(c) {
            return effects;
        }
        if let Some(effects) = self.upload_type(c) {
            return effects;
        }
        if let Some(p) = self.prompt.as_mut() {
            p.reason.push(c);
            return Vec::new();
        }
        if let Some(f) = self.finder.as_mut() {
            f.query.push(c);
            return self.finder_query();
        }
        if let Some(l) = self.top_list() {
            let mut q = l.query().unwrap_or_default();
            q.push(c);
            l.set_query(&q);
        }
        Vec::new()
    }

    fn open_finder(&mut self) -> Vec<Effect> {
        self.finder = Some(Finder {
            query: String::new(),
            narrowing: None,
            selected: 0,
        });
        self.finder_query()
    }

    /// Narrows the finder to its query; a big step becomes a search job.
    pub(super) fn finder_query(&mut self) -> Vec<Effect> {
        let Loadable::Ready(index) = &self.index else {
            return Vec::new();
        };
        let Some(f) = self.finder.as_mut() else {
            return Vec::new();
        };
        let n = f
            .narrowing
            .get_or_insert_with(|| Narrowing::new(index, INLINE_LIMIT));
        f.selected = 0;
        match n.set_query(index, &f.query) {
            Step::Ready => Vec::new(),
            Step::Pending(job) => vec![Effect::Search(SearchJob {
                index: Arc::clone(index),
                job,
            })],
        }
    }

    pub(super) fn finder_action(&mut self, action: Action) -> Vec<Effect> {
        let page = self.page_rows();
        let Some(f) = self.finder.as_mut() else {
            return Vec::new();
        };
        match action {
            Action::Back => self.finder = None,
            Action::Open => return self.finder_open(),
            Action::DeleteChar => {
                f.query.pop();
                return self.finder_query();
            }
            a => {
                let len = f.narrowing.as_ref().map_or(0, |n| n.hits().len());
                f.selected = moved(f.selected, a, page, len);
            }
        }
        Vec::new()
    }

    fn finder_open(&mut self) -> Vec<Effect> {
        let target = match (&self.index, &self.finder) {
            (Loadable::Ready(index), Some(f)) => f
                .narrowing
                .as_ref()
                .and_then(|n| n.hits().get(f.selected).copied())
                .and_then(|h| index.get(h))
                .map(|e| (e.target.clone(), e.text.clone())),
            _ => None,
        };
        let Some((target, text)) = target else {
            return Vec::new();
        };
        self.finder = None;
        let (next, req) = match target {
            Target::Student(id) => detail(id, None),
            Target::School(code) => {
                let name = name_after_code(&text, code.as_str());
                students_of(School { code, name })
            }
            Target::District(code) => {
                let known = match self.stack.first() {
                    Some(Screen::Districts(l)) => match &l.items {
                        Loadable::Ready(v) => v.iter().find(|d| d.code == code).cloned(),
                        _ => None,
                    },
                    _ => None,
                };
                let name = name_after_code(&text, code.as_str());
                schools_of(known.unwrap_or(District {
                    code,
                    name,
                    kind: DistrictKind::District,
                    client: false,
                }))
            }
            Target::Row(_) => return Vec::new(),
        };
        self.push(next, req)
    }
}

fn name_after_code(text: &str, code: &str) -> String {
    text.strip_prefix(code).unwrap_or(text).trim().to_string()
}

fn schools_of(d: District) -> (Screen, Request) {
    let code = d.code.clone();
    (
        Screen::Schools {
            district: d,
            list: ListView::loading(),
        },
        Request::Schools(code),
    )
}

fn students_of(s: School) -> (Screen, Request) {
    let code: SchoolCode = s.code.clone();
    (
        Screen::Students {
            school: s,
            list: ListView::loading(),
        },
        Request::Students(code),
    )
}

fn detail(id: StudentId, school_name: Option<String>) -> (Screen, Request) {
    (
        Screen::Detail(DetailView {
            id: id.clone(),
            school_name,
            record: Loadable::Loading,
            certificates: Loadable::Loading,
            scroll: 0,
        }),
        Request::Student(id),
    )
}
