//! Keymaps: the built-in `keymaps/*.toml` (compiled in) merged with the user's
//! `keymap.toml`, resolved against a stack of contexts (overlay → screen →
//! global). Parsing lives in [`load`], key notation in [`notation`].

pub mod load;
pub mod notation;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

pub use load::KeymapError;
pub use notation::{Chord, Key};

use super::action::Action;

/// The built-in keymaps, by name.
pub const BUILTIN: [(&str, &str); 2] = [
    ("default", include_str!("../../keymaps/default.toml")),
    ("vim", include_str!("../../keymaps/vim.toml")),
];

/// Where a binding applies: one table of a keymap file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Context {
    /// Everywhere, after the screen's own keys.
    Global,
    /// The district, school and student lists.
    List,
    /// The student detail screen.
    Detail,
    /// The `?` help overlay.
    Help,
    /// The Findings screen (before the list keys).
    Findings,
    /// The module grid (before the list keys).
    Grid,
    /// A text input (the `/` filter, the finder): unbound printable keys
    /// are typed.
    Input,
    /// The Reports screen.
    Reports,
    /// The Uploads screen (before the list keys).
    Uploads,
    /// The audit log (before the list keys).
    Audit,
}

impl Context {
    /// Every context, in file order.
    pub const ALL: [Context; 10] = [
        Context::Global,
        Context::List,
        Context::Findings,
        Context::Grid,
        Context::Uploads,
        Context::Audit,
        Context::Reports,
        Context::Detail,
        Context::Help,
        Context::Input,
    ];

    /// The table name in a keymap file.
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::List => "list",
            Context::Detail => "detail",
            Context::Help => "help",
            Context::Findings => "findings",
            Context::Grid => "grid",
            Context::Input => "input",
            Context::Reports => "reports",
            Context::Uploads => "uploads",
            Context::Audit => "audit",
        }
    }

    /// The context whose table is `name`.
    pub fn from_name(name: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == name)
    }
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a key press means given the keys pressed before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// The sequence is bound to this action.
    Action(Action),
    /// The sequence is the start of longer bindings: wait for the next key.
    Pending,
    /// Nothing is bound to it.
    Unbound,
}

/// Key sequences bound to actions, per context.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keymap {
    /// The built-in keymap it started from.
    pub name: String,
    bindings: BTreeMap<Context, BTreeMap<Vec<Chord>, Action>>,
}

impl Keymap {
    /// An empty keymap called `name`.
    pub fn empty(name: &str) -> Keymap {
        Keymap {
            name: name.to_string(),
            bindings: BTreeMap::new(),
        }
    }

    /// Binds `seq` to `action` in `context` (replacing what was there).
    pub fn bind(&mut self, context: Context, seq: Vec<Chord>, action: Action) {
        self.bindings
            .entry(context)
            .or_default()
            .insert(seq, action);
    }

    /// Removes the binding of `seq` in `context`.
    pub fn unbind(&mut self, context: Context, seq: &[Chord]) {
        if let Some(m) = self.bindings.get_mut(&context) {
            m.remove(seq);
        }
    }

    /// The action bound to `seq` in `context` only.
    pub fn get(&self, context: Context, seq: &[Chord]) -> Option<Action> {
        self.bindings.get(&context)?.get(seq).copied()
    }

    /// The bindings of one context, ordered by key.
    pub fn bindings(&self, context: Context) -> impl Iterator<Item = (&[Chord], Action)> {
        self.bindings
            .get(&context)
            .into_iter()
            .flatten()
            .map(|(k, a)| (k.as_slice(), *a))
    }

    /// Resolves `seq` (the pending keys plus the one just pressed) against the
    /// contexts, first one first: an exact binding in any context wins over a
    /// prefix, so a screen cannot be locked up by a global prefix.
    pub fn resolve(&self, contexts: &[Context], seq: &[Chord]) -> Resolved {
        if let Some(a) = contexts.iter().find_map(|c| self.get(*c, seq)) {
            return Resolved::Action(a);
        }
        let is_prefix = contexts.iter().any(|c| {
            self.bindings(*c)
                .any(|(k, _)| k.len() > seq.len() && k.starts_with(seq))
        });
        if is_prefix {
            Resolved::Pending
        } else {
            Resolved::Unbound
        }
    }

    /// The first key (shortest, then in key order) that reaches `action`
    /// through `contexts`, skipping keys an earlier context shadows.
    pub fn key_for(&self, contexts: &[Context], action: Action) -> Option<Vec<Chord>> {
        let mut best: Option<Vec<Chord>> = None;
        for (i, c) in contexts.iter().enumerate() {
            for (k, a) in self.bindings(*c) {
                let shadowed = contexts[..i].iter().any(|e| self.get(*e, k).is_some());
                if a == action
                    && !shadowed
                    && best.as_ref().is_none_or(|b| preference(k) < preference(b))
                {
                    best = Some(k.to_vec());
                }
            }
        }
        best
    }

    /// Every binding reachable through `contexts` (shadowed keys left out),
    /// as (context, keys, action), in context order then registry order.
    pub fn active(&self, contexts: &[Context]) -> Vec<(Context, Vec<Chord>, Action)> {
        let mut out = Vec::new();
        for (i, c) in contexts.iter().enumerate() {
            let mut rows: Vec<_> = self
                .bindings(*c)
                .filter(|(k, _)| !contexts[..i].iter().any(|e| self.get(*e, k).is_some()))
                .map(|(k, a)| (*c, k.to_vec(), a))
                .collect();
            rows.sort_by(|(_, k, a), (_, l, b)| {
                let pos = |x: &Action| Action::ALL.iter().position(|y| y == x);
                pos(a)
                    .cmp(&pos(b))
                    .then_with(|| preference(k).cmp(&preference(l)))
            });
            out.extend(rows);
        }
        out
    }
}

/// Which of several keys for one action to show first: short sequences,
/// fewer modifiers, then enter/esc before arrows before the rest.
fn preference(seq: &[Chord]) -> (usize, usize, &[Chord]) {
    (seq.len(), seq.iter().map(Chord::modifier_count).sum(), seq)
}

/// The built-in keymap names, comma-separated (for error messages).
pub fn builtin_names() -> String {
    BUILTIN
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The user's keymap file: `keymap.toml` in the platform config directory,
/// if the platform has one.
pub fn user_keymap_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "mecred").map(|d| d.config_dir().join("keymap.toml"))
}

/// Loads the built-in keymap `name`, then merges `user_file` over it (a
/// missing file is no error). Every unknown key, action or table is reported
/// with its path:line:column and skipped; the rest still loads. An unknown
/// `name` loads `default` and reports an error listing the built-in names.
pub fn load_keymap(name: &str, user_file: Option<&Path>) -> (Keymap, Vec<KeymapError>) {
    let mut errors = Vec::new();
    let builtin = BUILTIN.iter().find(|(n, _)| *n == name);
    let (name, text) = match builtin {
        Some((n, t)) => (*n, *t),
        None => {
            errors.push(KeymapError::unknown_name(name));
            BUILTIN[0]
        }
    };
    let mut keymap = Keymap::empty(name);
    let path = format!("<built-in keymaps/{name}.toml>");
    load::merge(&mut keymap, &path, text, &mut errors);
    if let Some(p) = user_file {
        match std::fs::read_to_string(p) {
            Ok(text) => load::merge(&mut keymap, &p.display().to_string(), &text, &mut errors),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => errors.push(KeymapError::at(
                p.display().to_string(),
                1,
                1,
                e.to_string(),
            )),
        }
    }
    (keymap, errors)
}

#[cfg(test)]
mod tests;
