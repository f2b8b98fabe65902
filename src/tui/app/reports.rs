//! The Reports screen's state (SPEC §4, §6): the term and district picked,
//! the report previewed as its Markdown lines, and the two prompts — the
//! export path and the y/n before a confirmation. Files and the store are
//! the runtime's business: this only asks for them with effects.

use std::path::PathBuf;

use super::{App, Effect, Loadable, Request, Screen, moved};
use crate::domain::{Date, DistrictCode, Season, Term};
use crate::report::Format;
use crate::tui::action::Action;
use crate::tui::source::{ConfirmationRecord, ReportData};

/// A question the Reports screen is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportPrompt {
    /// The path to export to, as typed (its extension picks the format).
    Export {
        /// The path so far.
        path: String,
    },
    /// Confirm this district's report for this term? (y/n)
    Confirm {
        /// The district.
        district: DistrictCode,
        /// The term.
        term: Term,
    },
}

/// The Reports screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportsView {
    /// The day findings are judged on.
    pub today: Date,
    /// The term reported.
    pub term: Term,
    /// One district, or statewide (`None`).
    pub district: Option<DistrictCode>,
    /// The districts `cycle_district` steps through (from the last load).
    pub districts: Vec<DistrictCode>,
    /// The report for `term` and `district`.
    pub data: Loadable<ReportData>,
    /// The preview: the confirmation status, then the Markdown report's
    /// lines (built once per load, so a frame only slices them).
    pub lines: Vec<String>,
    /// First line shown.
    pub scroll: usize,
    /// The open prompt, if any.
    pub prompt: Option<ReportPrompt>,
}

/// The oldest and newest years a term may be stepped to (the SPEC's data
/// starts in 2016; the bound keeps date arithmetic far from its limits).
const YEARS: (i16, i16) = (2000, 2100);

/// The term after `t`.
pub fn next_term(t: Term) -> Term {
    match t.season {
        Season::Spring => Term {
            season: Season::Fall,
            year: t.year,
        },
        Season::Fall => Term {
            season: Season::Spring,
            year: t.year.saturating_add(1),
        },
    }
}

/// The default export file name: `report-017-fall-2026.html`
/// (`report-all-…` statewide).
pub fn default_file(term: Term, district: Option<&DistrictCode>, format: Format) -> String {
    let scope = district.map_or_else(|| "all".to_string(), ToString::to_string);
    format!("report-{scope}-{term}.{}", format.extension())
}

/// The format a path's extension names.
pub fn format_of(path: &str) -> Result<Format, String> {
    let ext = std::path::Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("");
    ext.parse::<Format>()
        .map_err(|_| format!("{path}: end the name in .md, .csv, .html or .json"))
}

/// The preview's lines for `data`: status first, then the Markdown report.
pub fn preview_lines(data: &ReportData) -> Vec<String> {
    let mut out = Vec::new();
    match (&data.report.district, &data.confirmation) {
        (None, _) => out.push("Confirmation: pick a district (d) to confirm its report".into()),
        (Some(_), Some(c)) => {
            let state = if c.sha256 == data.hash {
                "matches the report now"
            } else {
                "STALE: the report has changed since"
            };
            out.push(format!(
                "Confirmed by {} at {} (sha256 {}): {state}",
                c.by, c.at, c.sha256
            ));
        }
        (Some(d), None) if data.agreement_error => out.push(format!(
            "Not confirmed: {d} cannot confirm while it has an open AGREEMENT-* error"
        )),
        (Some(_), None) => out.push("Not confirmed (c confirms)".into()),
    }
    out.push(format!("Report sha256 {}", data.hash));
    out.push(String::new());
    let md = crate::report::write::markdown(&data.report);
    out.extend(md.lines().map(str::to_string));
    out
}

impl ReportsView {
    /// A view of the term of `today`, statewide, loading.
    pub fn new(today: Date) -> ReportsView {
        ReportsView {
            today,
            term: Term::of(today),
            district: None,
            districts: Vec::new(),
            data: Loadable::Loading,
            lines: Vec::new(),
            scroll: 0,
            prompt: None,
        }
    }

    /// The read that fills it.
    pub fn request(&self) -> Request {
        Request::Report {
            today: self.today,
            term: self.term,
            district: self.district.clone(),
        }
    }

    /// A finished load, if it is for what the view shows now.
    pub fn fill(
        &mut self,
        term: Term,
        district: &Option<DistrictCode>,
        r: &Result<Box<ReportData>, String>,
    ) {
        if term != self.term || district != &self.district {
            return;
        }
        match r {
            Ok(data) => {
                self.districts.clone_from(&data.districts);
                self.lines = preview_lines(data);
                self.data = Loadable::Ready(ReportData::clone(data));
            }
            Err(e) => {
                self.lines = vec![format!("cannot build the report: {e}")];
                self.data = Loadable::Failed(e.clone());
            }
        }
        self.scroll = self.scroll.min(self.lines.len().saturating_sub(1));
    }

    fn reload(&mut self) -> Vec<Effect> {
        self.data = Loadable::Loading;
        self.lines.clear();
        self.scroll = 0;
        vec![Effect::Load(self.request())]
    }
}

impl App {
    fn reports_view(&mut self) -> Option<&mut ReportsView> {
        match self.stack.last_mut()? {
            Screen::Reports(v) => Some(v),
            _ => None,
        }
    }

    /// Whether the Reports screen's prompt has the keys.
    pub fn is_report_prompt(&self) -> bool {
        matches!(self.screen(), Some(Screen::Reports(v)) if v.prompt.is_some())
    }

    /// The Reports screen's keys (and `reports` and `return_file` from
    /// elsewhere); `None` when the action is not theirs.
    pub(super) fn reports_action(&mut self, action: Action) -> Option<Vec<Effect>> {
        if self.is_report_prompt() {
            return Some(self.report_prompt_action(action));
        }
        if self.finder.is_some() || self.prompt.is_some() || self.help.is_some() {
            return None;
        }
        if self.top_list_editing() {
            return None;
        }
        match action {
            Action::Reports => {
                let v = ReportsView::new(self.today);
                let load = Effect::Load(v.request());
                self.stack = vec![Screen::Reports(Box::new(v))];
                return Some(vec![load]);
            }
            Action::ReturnFile => return Some(self.return_file()),
            _ => {}
        }
        let read_only = self.read_only;
        let page = self.page_rows();
        let body = usize::from(self.size.1.saturating_sub(4)).max(1);
        let v = self.reports_view()?;
        let effects = match action {
            Action::PreviousTerm if v.term.year > YEARS.0 => {
                v.term = v.term.previous();
                v.reload()
            }
            Action::NextTerm if v.term.year < YEARS.1 => {
                v.term = next_term(v.term);
                v.reload()
            }
            Action::PreviousTerm | Action::NextTerm => Vec::new(),
            Action::CycleDistrict => {
                v.district = match &v.district {
                    None => v.districts.first().cloned(),
                    Some(d) => {
                        let i = v.districts.iter().position(|x| x == d);
                        i.and_then(|i| v.districts.get(i + 1)).cloned()
                    }
                };
                v.reload()
            }
            Action::ExportReport => {
                let path = default_file(v.term, v.district.as_ref(), Format::Html);
                v.prompt = Some(ReportPrompt::Export { path });
                Vec::new()
            }
            Action::ConfirmReport => {
                let msg = match (&v.district, &v.data) {
                    _ if read_only => Some("read-only: confirming a report is refused"),
                    (None, _) => {
                        Some("pick a district first (d): a statewide report is not confirmed")
                    }
                    (Some(_), Loadable::Ready(d)) if d.confirmation.is_some() => Some(
                        "already confirmed for this term (withdraw it with `mecred unconfirm`)",
                    ),
                    (Some(_), Loadable::Ready(d)) if d.agreement_error => {
                        Some("refused: the district has an open AGREEMENT-* error")
                    }
                    (Some(d), _) => {
                        v.prompt = Some(ReportPrompt::Confirm {
                            district: d.clone(),
                            term: v.term,
                        });
                        None
                    }
                };
                if let Some(m) = msg {
                    self.say(m, true);
                }
                Vec::new()
            }
            Action::Back => {
                if self.stack.len() > 1 {
                    self.stack.pop();
                }
                Vec::new()
            }
            a @ (Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::First
            | Action::Last) => {
                v.scroll = moved(v.scroll, a, page, v.lines.len().saturating_sub(body) + 1);
                Vec::new()
            }
            _ => return None,
        };
        Some(effects)
    }

    /// Keys while a Reports prompt is open.
    fn report_prompt_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(v) = self.reports_view() else {
            return Vec::new();
        };
        let Some(prompt) = v.prompt.as_mut() else {
            return Vec::new();
        };
        match (prompt, action) {
            (_, Action::Back) => {
                v.prompt = None;
                self.say("cancelled", false);
            }
            (ReportPrompt::Export { path }, Action::DeleteChar) => {
                path.pop();
            }
            (ReportPrompt::Export { path }, Action::Open) => {
                let path = path.trim().to_string();
                match format_of(&path) {
                    Ok(format) => {
                        let (term, district) = (v.term, v.district.clone());
                        v.prompt = None;
                        return vec![Effect::ExportReport {
                            term,
                            district,
                            format,
                            path: PathBuf::from(path),
                        }];
                    }
                    Err(e) => self.say(&e, true),
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// A printable key for a Reports prompt: typed into the path, or the
    /// y/n answer. `None` when no such prompt is open.
    pub(super) fn report_type(&mut self, c: char) -> Option<Vec<Effect>> {
        let v = self.reports_view()?;
        match v.prompt.as_mut()? {
            ReportPrompt::Export { path } => path.push(c),
            ReportPrompt::Confirm { district, term } => {
                let (district, term) = (district.clone(), *term);
                v.prompt = None;
                if c.eq_ignore_ascii_case(&'y') {
                    return Some(vec![Effect::ConfirmReport { term, district }]);
                }
                self.say("not confirmed", false);
            }
        }
        Some(Vec::new())
    }

    /// A confirmation came back: say so, and read the report and the
    /// findings again (CONFIRM-PENDING clears).
    pub(super) fn confirmed(&mut self, r: Result<ConfirmationRecord, String>) -> Vec<Effect> {
        match r {
            Ok(c) => {
                self.say(
                    &format!(
                        "confirmed the {} report of {} as {} (sha256 {})",
                        c.term, c.district, c.by, c.sha256
                    ),
                    false,
                );
                let mut effects: Vec<Effect> = self
                    .reports_view()
                    .map(|v| Effect::Load(v.request()))
                    .into_iter()
                    .collect();
                effects.push(Effect::Evaluate);
                effects
            }
            Err(e) => {
                self.say(&format!("not confirmed: {e}"), true);
                Vec::new()
            }
        }
    }

    /// `return_file` on the Uploads screen: the selected batch's error
    /// return file, next to where mecred runs.
    fn return_file(&mut self) -> Vec<Effect> {
        let b = match self.screen() {
            Some(Screen::Uploads(list)) => list.current(),
            Some(Screen::Batch(v)) => Some(&v.batch),
            _ => {
                self.say("pick a batch on the Uploads screen (3) first", true);
                return Vec::new();
            }
        };
        let Some(b) = b else {
            self.say("no batch selected", true);
            return Vec::new();
        };
        let stem = std::path::Path::new(&b.file).file_stem().map_or_else(
            || format!("batch-{}", b.id),
            |s| s.to_string_lossy().into_owned(),
        );
        let ext = if b.file.to_ascii_lowercase().ends_with(".csv") {
            "csv"
        } else {
            "xlsx"
        };
        let out = PathBuf::from(format!("{stem}-errors.{ext}"));
        vec![Effect::ReturnFile { batch: b.id, out }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_step_both_ways_and_names_follow() {
        let t: Term = "fall-2026".parse().unwrap();
        assert_eq!(next_term(t).to_string(), "spring-2027");
        assert_eq!(next_term(t.previous()), t);
        let d = DistrictCode::parse("017").unwrap();
        assert_eq!(
            default_file(t, Some(&d), Format::Html),
            "report-017-fall-2026.html"
        );
        assert_eq!(
            default_file(t, None, Format::Csv),
            "report-all-fall-2026.csv"
        );
        assert_eq!(format_of("x/r.JSON"), Ok(Format::Json));
        assert!(format_of("r.txt").is_err());
        assert!(format_of("r").is_err());
    }
}
