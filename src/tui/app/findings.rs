//! Findings in the state: the Findings screen (grouped, filtered), stepping
//! from finding to finding across screens, and acknowledging a warn finding
//! with a reason (SPEC §1 "Acknowledgement", §6).

use std::cmp::Ordering;
use std::sync::Arc;

use super::lists::ListOps;
use super::{App, DetailView, Effect, GridView, ListItem, ListView, Loadable, Request, Screen};
use crate::domain::{Date, DistrictCode, FindingSeverity, RuleId};
use crate::tui::action::Action;
use crate::tui::live::{Findings, Listed};

/// The acknowledgement reason being typed for one finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckPrompt {
    /// The finding's id.
    pub finding: String,
    /// The finding's rule (shown in the prompt).
    pub rule: RuleId,
    /// The reason as typed.
    pub reason: String,
}

/// The Findings screen: every finding, grouped by rule or by district,
/// narrowed by severity, rule and district (and the `/` filter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingsView {
    /// The findings shown, in group order.
    pub list: ListView<Arc<Listed>>,
    /// Grouped by district (else by rule).
    pub by_district: bool,
    /// Only this severity.
    pub severity: Option<FindingSeverity>,
    /// Only this rule.
    pub rule: Option<RuleId>,
    /// Only this district.
    pub district: Option<DistrictCode>,
}

impl ListItem for Listed {
    const SORTS: &'static [&'static str] = &["group"];
    const SEARCHABLE: &'static [usize] = &[0, 1, 2, 3, 4];
    fn cells(&self, _: Date) -> Vec<String> {
        let f = &self.finding;
        vec![
            f.rule.as_str().to_string(),
            f.district.to_string(),
            self.who.clone(),
            f.message.clone(),
            f.id.clone(),
        ]
    }
    fn compare(a: &Self, b: &Self, _: usize) -> Ordering {
        a.finding.order(&b.finding)
    }
}

impl FindingsView {
    /// An empty view; [`FindingsView::rebuild`] fills it.
    pub fn new() -> FindingsView {
        FindingsView {
            list: ListView::loading(),
            by_district: false,
            severity: None,
            rule: None,
            district: None,
        }
    }

    /// The group a finding is listed under.
    pub fn group_of(&self, l: &Listed) -> String {
        if self.by_district {
            l.finding.district.to_string()
        } else {
            l.finding.rule.as_str().to_string()
        }
    }

    /// Refills the list from `all` under the current grouping and filters,
    /// keeping the selected finding and the `/` query.
    pub fn rebuild(&mut self, all: &Loadable<Arc<Findings>>, today: Date) {
        let Loadable::Ready(all) = all else {
            self.list.items = match all {
                Loadable::Failed(e) => Loadable::Failed(e.clone()),
                _ => Loadable::Loading,
            };
            return;
        };
        let keep = self.list.current().map(|l| l.finding.id.clone());
        let query = ListView::query(&self.list).map(str::to_string);
        let mut items: Vec<Arc<Listed>> = all
            .items
            .iter()
            .filter(|l| self.severity.is_none_or(|s| l.finding.severity == s))
            .filter(|l| self.rule.is_none_or(|r| l.finding.rule == r))
            .filter(|l| {
                self.district
                    .as_ref()
                    .is_none_or(|d| &l.finding.district == d)
            })
            .cloned()
            .collect();
        if !self.by_district {
            // Stable: SPEC order within each rule.
            items.sort_by_key(|l| l.finding.rule);
        }
        self.list.items = Loadable::Ready(items);
        self.list.filter = None;
        self.list.selected = 0;
        if let Some(q) = query {
            ListView::start_filter(&mut self.list, today);
            ListView::set_query(&mut self.list, &q);
            ListOps::stop_editing(&mut self.list);
        }
        if let Some(id) = keep
            && let Some(pos) =
                (0..self.list.len()).find(|i| self.list.row(*i).is_some_and(|l| l.finding.id == id))
        {
            self.list.selected = pos;
        }
    }
}

impl Default for FindingsView {
    fn default() -> Self {
        FindingsView::new()
    }
}

/// The value after `current` in `options`, wrapping to `None` (all).
fn cycle<T: Clone + PartialEq>(current: &Option<T>, options: &[T]) -> Option<T> {
    match current {
        None => options.first().cloned(),
        Some(c) => {
            let i = options.iter().position(|o| o == c)?;
            options.get(i + 1).cloned()
        }
    }
}

impl App {
    /// The findings' actions, wherever they apply; `None` for the rest.
    pub(super) fn findings_action(&mut self, action: Action) -> Option<Vec<Effect>> {
        match action {
            Action::Findings => {
                let mut v = FindingsView::new();
                v.rebuild(&self.findings, self.today);
                self.stack = vec![Screen::Findings(v)];
                Some(Vec::new())
            }
            Action::NextFinding => Some(self.step(true)),
            Action::PreviousFinding => Some(self.step(false)),
            Action::Acknowledge => Some(self.start_ack()),
            Action::GroupFindings
            | Action::CycleSeverity
            | Action::CycleRule
            | Action::CycleDistrict => {
                self.refilter(action);
                Some(Vec::new())
            }
            Action::Open if matches!(self.screen(), Some(Screen::Findings(_))) => {
                let id = match self.screen() {
                    Some(Screen::Findings(v)) => v.list.current().map(|l| l.finding.id.clone()),
                    _ => None,
                };
                Some(id.map_or_else(Vec::new, |id| self.open_finding(&id, false)))
            }
            _ => None,
        }
    }

    fn refilter(&mut self, action: Action) {
        let (today, all) = (self.today, self.findings.clone());
        let Some(Screen::Findings(v)) = self.stack.last_mut() else {
            return;
        };
        let items: &[Arc<Listed>] = match &all {
            Loadable::Ready(f) => &f.items,
            _ => &[],
        };
        match action {
            Action::GroupFindings => v.by_district = !v.by_district,
            Action::CycleSeverity => {
                v.severity = cycle(
                    &v.severity,
                    &[FindingSeverity::Error, FindingSeverity::Warn],
                );
            }
            Action::CycleRule => {
                let mut rules: Vec<RuleId> = items.iter().map(|l| l.finding.rule).collect();
                rules.sort();
                rules.dedup();
                v.rule = cycle(&v.rule, &rules);
            }
            Action::CycleDistrict => {
                let mut codes: Vec<DistrictCode> =
                    items.iter().map(|l| l.finding.district.clone()).collect();
                codes.sort();
                codes.dedup();
                v.district = cycle(&v.district, &codes);
            }
            _ => {}
        }
        v.rebuild(&all, today);
    }

    /// The findings `next_finding` steps through: the Findings screen's
    /// (filtered) list when one is open, else all.
    fn sequence(&self) -> Vec<String> {
        if let Some(Screen::Findings(v)) =
            self.stack.iter().find(|s| matches!(s, Screen::Findings(_)))
        {
            return (0..v.list.len())
                .filter_map(|i| v.list.row(i).map(|l| l.finding.id.clone()))
                .collect();
        }
        match &self.findings {
            Loadable::Ready(f) => f.items.iter().map(|l| l.finding.id.clone()).collect(),
            _ => Vec::new(),
        }
    }

    fn step(&mut self, forward: bool) -> Vec<Effect> {
        if !matches!(self.findings, Loadable::Ready(_)) {
            self.say("findings are still being evaluated", false);
            return Vec::new();
        }
        let seq = self.sequence();
        if seq.is_empty() {
            self.say("no findings", false);
            return Vec::new();
        }
        let here = self
            .cursor
            .as_ref()
            .and_then(|c| seq.iter().position(|id| id == c));
        let next = match (here, forward) {
            (None, true) => Some(0),
            (None, false) => Some(seq.len() - 1),
            (Some(i), true) => (i + 1 < seq.len()).then_some(i + 1),
            (Some(i), false) => i.checked_sub(1),
        };
        let Some(i) = next else {
            let end = if forward { "last" } else { "first" };
            self.say(&format!("that was the {end} finding"), false);
            return Vec::new();
        };
        let id = seq[i].clone();
        if let Some(Screen::Findings(v)) = self.stack.last_mut()
            && let Some(pos) =
                (0..v.list.len()).find(|p| v.list.row(*p).is_some_and(|l| l.finding.id == id))
        {
            v.list.selected = pos;
        }
        self.say(&format!("finding {} of {}", i + 1, seq.len()), false);
        self.open_finding(&id, true)
    }

    /// Opens the record of finding `id`: a student's detail, or a district
    /// finding's schools. Stepping replaces the record screen the previous
    /// step opened, never one opened by hand.
    fn open_finding(&mut self, id: &str, stepping: bool) -> Vec<Effect> {
        let Loadable::Ready(all) = &self.findings else {
            return Vec::new();
        };
        let Some(l) = all.get(id) else {
            return Vec::new();
        };
        self.cursor = Some(id.to_string());
        let f = &l.finding;
        let (screen, request) = match &f.student {
            Some(sid) => {
                if let Some(Screen::Detail(d)) = self.screen()
                    && &d.id == sid
                {
                    return Vec::new();
                }
                (
                    Screen::Detail(DetailView {
                        id: sid.clone(),
                        school_name: None,
                        record: Loadable::Loading,
                        certificates: Loadable::Loading,
                        scroll: 0,
                    }),
                    Request::Student(sid.clone()),
                )
            }
            None => {
                if let Some(Screen::Schools { district, .. }) = self.screen()
                    && district.code == f.district
                {
                    return Vec::new();
                }
                let district = all.districts.get(&f.district).cloned().unwrap_or_else(|| {
                    crate::domain::District {
                        code: f.district.clone(),
                        name: l.who.clone(),
                        kind: crate::domain::DistrictKind::District,
                        client: false,
                    }
                });
                let code = district.code.clone();
                (
                    Screen::Schools {
                        district,
                        list: ListView::loading(),
                    },
                    Request::Schools(code),
                )
            }
        };
        if stepping && self.stack.len() > 1 && self.stepped == Some(self.stack.len()) {
            self.stack.pop();
        }
        self.stack.push(screen);
        self.stepped = stepping.then_some(self.stack.len());
        vec![Effect::Load(request)]
    }

    /// The finding `acknowledge` acts on: the Findings screen's selected
    /// one, or on a detail the cursor's (when it is this student's) or the
    /// student's first.
    pub fn current_finding(&self) -> Option<&Listed> {
        let Loadable::Ready(all) = &self.findings else {
            return None;
        };
        match self.screen()? {
            Screen::Findings(v) => v.list.current().map(|l| &**l),
            Screen::Detail(d) => {
                let cursor = self.cursor.as_deref().and_then(|c| all.get(c));
                cursor
                    .filter(|l| l.finding.student.as_ref() == Some(&d.id))
                    .or_else(|| all.of_student(&d.id).next())
            }
            _ => None,
        }
    }

    fn start_ack(&mut self) -> Vec<Effect> {
        let Some(l) = self.current_finding() else {
            self.say("no finding here to acknowledge", true);
            return Vec::new();
        };
        let (id, rule, severity) = (l.finding.id.clone(), l.finding.rule, l.finding.severity);
        if self.read_only {
            self.say("read-only: acknowledging a finding is refused", true);
        } else if severity == FindingSeverity::Error {
            self.say(
                &format!(
                    "{id} ({rule}) is an error: errors cannot be acknowledged, they are fixed"
                ),
                true,
            );
        } else {
            self.prompt = Some(AckPrompt {
                finding: id,
                rule,
                reason: String::new(),
            });
        }
        Vec::new()
    }

    /// Keys while the reason is typed: Enter stores, Esc cancels.
    pub(super) fn prompt_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(p) = self.prompt.as_mut() else {
            return Vec::new();
        };
        match action {
            Action::Back => {
                self.prompt = None;
                self.say("not acknowledged", false);
            }
            Action::DeleteChar => {
                p.reason.pop();
            }
            Action::Open => {
                let reason = p.reason.trim().to_string();
                if reason.is_empty() {
                    self.say("give a reason (esc cancels)", true);
                    return Vec::new();
                }
                let finding = p.finding.clone();
                self.prompt = None;
                return vec![Effect::Acknowledge { finding, reason }];
            }
            _ => {}
        }
        Vec::new()
    }

    /// Sets the status bar's message.
    pub fn say(&mut self, text: &str, alert: bool) {
        self.message = Some((text.to_string(), alert));
    }

    /// New findings: every open screen that shows them follows.
    pub(super) fn set_findings(&mut self, r: Result<Arc<Findings>, String>) {
        self.findings = match r {
            Ok(f) => Loadable::Ready(f),
            Err(e) => Loadable::Failed(e),
        };
        let (today, all) = (self.today, self.findings.clone());
        for screen in &mut self.stack {
            match screen {
                Screen::Findings(v) => v.rebuild(&all, today),
                Screen::Grid(g) => mark_grid(g, &all),
                _ => {}
            }
        }
    }

    /// Every screen's reads again (after a change committed elsewhere).
    pub fn refresh(&self) -> Vec<Effect> {
        self.stack
            .iter()
            .filter_map(|s| match s {
                Screen::Districts(_) => Some(Request::Districts),
                Screen::Schools { district, .. } => Some(Request::Schools(district.code.clone())),
                Screen::Students { school, .. } => Some(Request::Students(school.code.clone())),
                Screen::Grid(g) => Some(Request::Grid(g.scope.clone())),
                Screen::Detail(d) => Some(Request::Student(d.id.clone())),
                Screen::Uploads(_) => Some(Request::Batches),
                Screen::Audit(v) => Some(Request::Audit(v.filter.clone())),
                Screen::Reports(v) => Some(v.request()),
                _ => None,
            })
            .map(Effect::Load)
            .collect()
    }
}

/// Fills a grid's finding marks and per-row findings from `all`.
pub(super) fn mark_grid(g: &mut GridView, all: &Loadable<Arc<Findings>>) {
    if let Loadable::Ready(all) = all {
        g.set_findings(all);
    }
}
