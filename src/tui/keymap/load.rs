//! Reading a keymap file with the `toml` crate's spans, so every mistake is
//! reported where it was written and the rest of the file still loads
//! (STYLE.md §3 "Keymaps").

use std::collections::BTreeSet;
use std::fmt;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::notation::{Chord, parse_sequence, sequence_to_string};
use super::{Context, Keymap, builtin_names};
use crate::tui::action::Action;

/// A mistake in a keymap file, at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}:{column}: {message}")]
pub struct KeymapError {
    /// The file (or `<built-in …>`, or the keymap name asked for).
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong, in plain words.
    pub message: String,
}

impl KeymapError {
    /// An error at a known line and column.
    pub fn at(path: String, line: usize, column: usize, message: String) -> KeymapError {
        KeymapError {
            path,
            line,
            column,
            message,
        }
    }

    /// `--keymap NAME` names no built-in keymap.
    pub fn unknown_name(name: &str) -> KeymapError {
        KeymapError::at(
            format!("--keymap {name}"),
            1,
            1,
            format!(
                "unknown keymap `{name}`; built-in keymaps: {}",
                builtin_names()
            ),
        )
    }
}

struct File<'a> {
    path: &'a str,
    text: &'a str,
}

impl File<'_> {
    fn error(&self, offset: usize, message: impl fmt::Display) -> KeymapError {
        let before = self.text.get(..offset).unwrap_or(self.text);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        KeymapError::at(self.path.to_string(), line, column, message.to_string())
    }
}

/// Merges one keymap file into `keymap`: per context, per key; the value
/// `"none"` unbinds. Mistakes are pushed to `errors` and skipped.
pub fn merge(keymap: &mut Keymap, path: &str, text: &str, errors: &mut Vec<KeymapError>) {
    let file = File { path, text };
    let mut found = Vec::new();
    let (doc, syntax) = DeTable::parse_recoverable(text);
    for e in syntax {
        let offset = e.span().map_or(0, |s| s.start);
        found.push(file.error(offset, e.message().trim()));
    }
    for (name, value) in doc.get_ref().iter() {
        let Some(context) = Context::from_name(name.get_ref()) else {
            let names: Vec<_> = Context::ALL.iter().map(|c| c.name()).collect();
            let msg = format!(
                "unknown table `{}`; tables: {}",
                name.get_ref(),
                names.join(", ")
            );
            found.push(file.error(name.span().start, msg));
            continue;
        };
        match value.get_ref().as_table() {
            Some(table) => merge_table(keymap, context, table, &file, &mut found),
            None => found.push(file.error(value.span().start, "expected a table of key = action")),
        }
    }
    found.sort_by_key(|e| (e.line, e.column));
    errors.extend(found);
}

fn merge_table(
    keymap: &mut Keymap,
    context: Context,
    table: &DeTable<'_>,
    file: &File<'_>,
    found: &mut Vec<KeymapError>,
) {
    let mut seen: BTreeSet<Vec<Chord>> = BTreeSet::new();
    let mut bound: Vec<(Vec<Chord>, usize)> = Vec::new();
    for (key, value) in table.iter() {
        let at = key.span().start;
        let seq = match parse_sequence(key.get_ref()) {
            Ok(seq) => seq,
            Err(msg) => {
                found.push(file.error(at, msg));
                continue;
            }
        };
        if !seen.insert(seq.clone()) {
            let msg = format!(
                "`{}` is bound twice in [{context}]",
                sequence_to_string(&seq)
            );
            found.push(file.error(at, msg));
            continue;
        }
        match action_of(value) {
            Ok(None) => keymap.unbind(context, &seq),
            Ok(Some(action)) => {
                keymap.bind(context, seq.clone(), action);
                bound.push((seq, at));
            }
            Err(msg) => found.push(file.error(value.span().start, msg)),
        }
    }
    // A key that is also the start of a longer key makes the longer one
    // unreachable (the exact match wins): say so where it was written.
    for (seq, at) in bound {
        let clash = keymap
            .bindings(context)
            .find(|(k, _)| *k != seq.as_slice() && (k.starts_with(&seq) || seq.starts_with(k)));
        if let Some((other, _)) = clash {
            let msg = format!(
                "`{}` and `{}` overlap in [{context}]: the shorter one hides the longer",
                sequence_to_string(&seq),
                sequence_to_string(other)
            );
            found.push(file.error(at, msg));
        }
    }
}

/// `Ok(None)` for `"none"` (unbind), the action for a known name.
fn action_of(value: &Spanned<DeValue<'_>>) -> Result<Option<Action>, String> {
    let Some(name) = value.get_ref().as_str() else {
        return Err(format!(
            "expected an action name, found a {}",
            value.get_ref().type_str()
        ));
    };
    if name == "none" {
        return Ok(None);
    }
    Action::from_name(name).map(Some).ok_or_else(|| {
        let names: Vec<_> = Action::ALL.iter().map(|a| a.name()).collect();
        format!(
            "unknown action `{name}`; actions: none, {}",
            names.join(", ")
        )
    })
}
