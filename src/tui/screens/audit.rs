//! The audit log (newest first) and one event's writes, field by field.

use std::collections::BTreeMap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use super::list::{Columns, render_list};
use crate::domain::{Date, Record};
use crate::tui::app::{AuditView, EventView, Loadable};
use crate::tui::source::Event;
use crate::tui::theme::Theme;

/// The audit log: each event with its change set (id, kind,
/// description) and each note, newest first; the filters in the title.
pub fn list(view: &AuditView, theme: &Theme, frame: &mut Frame, area: Rect) {
    let cols = Columns {
        title: format!(" Audit log ({})", view.filter.describe()),
        header: &["At (UTC)", "Actor", "Set", "Kind", "Action", "What"],
        widths: &[
            Constraint::Length(16),
            Constraint::Length(10),
            Constraint::Length(4),
            Constraint::Length(11),
            Constraint::Length(6),
            Constraint::Fill(1),
        ],
        show: &[0, 1, 2, 3, 4, 5],
        empty: "Nothing recorded with these filters.",
    };
    render_list(
        &view.list,
        cols,
        Date::constant(2000, 1, 1),
        theme,
        frame,
        area,
    );
}

fn flatten(v: &serde_json::Value, prefix: &str, out: &mut BTreeMap<String, String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(v, &key, out);
            }
        }
        serde_json::Value::Null => {}
        serde_json::Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        serde_json::Value::Array(a) => {
            let items: Vec<String> = a
                .iter()
                .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                .collect();
            out.insert(prefix.to_string(), items.join("; "));
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

fn fields(r: Option<&Record>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(v) = r.and_then(|r| serde_json::to_value(r).ok()) {
        flatten(&v, "", &mut out);
    }
    out.remove("kind");
    out
}

/// The fields that differ between two values of a record, as (field,
/// before, after); "—" for absent.
pub fn changes(before: Option<&Record>, after: Option<&Record>) -> Vec<(String, String, String)> {
    let (b, a) = (fields(before), fields(after));
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| {
            let get =
                |m: &BTreeMap<String, String>| m.get(k).cloned().unwrap_or_else(|| "—".into());
            (k.clone(), get(&b), get(&a))
        })
        .collect()
}

/// One event's writes as lines: the record, then each changed field.
pub fn write_lines(e: &Event, indent: &str, t: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for w in &e.writes {
        let what = match (&w.before, &w.after) {
            (None, Some(_)) => "added",
            (Some(_), None) => "removed",
            _ => "changed",
        };
        out.push(Line::styled(
            format!("{indent}{} ({what})", w.key),
            t.header,
        ));
        for (f, b, a) in changes(w.before.as_ref(), w.after.as_ref()) {
            out.push(Line::raw(format!("{indent}    {f}: {b} → {a}")));
        }
    }
    out
}

fn lines(view: &EventView, t: &Theme) -> Vec<Line<'static>> {
    let s = &view.summary;
    let mut out = vec![Line::raw(format!(
        "Event {} · {} · {} · batch {} · {} record(s)",
        s.seq, s.at, s.actor, s.batch, s.writes
    ))];
    match &view.event {
        Loadable::Loading => out.push(Line::styled("Loading…", t.dim)),
        Loadable::Failed(e) => out.push(Line::styled(format!("Could not load: {e}"), t.alert)),
        Loadable::Ready(None) => out.push(Line::styled("This event is gone.", t.alert)),
        Loadable::Ready(Some(e)) => out.extend(write_lines(e, "", t)),
    }
    out
}

/// How many lines the event view has.
pub fn line_count(view: &EventView) -> usize {
    lines(view, &Theme::no_color()).len()
}

/// Draws one event's writes.
pub fn event(view: &EventView, theme: &Theme, frame: &mut Frame, area: Rect) {
    let block = Block::bordered().title(format!(" Audit event {} ", view.summary.seq));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let all = lines(view, theme);
    let max = all.len().saturating_sub(usize::from(inner.height));
    let visible: Vec<Line> = all
        .into_iter()
        .skip(view.scroll.min(max))
        .take(usize::from(inner.height))
        .collect();
    frame.render_widget(Paragraph::new(visible), inner);
}
