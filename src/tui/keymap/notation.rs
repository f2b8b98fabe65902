//! Key notation: `j`, `G`, `?`, `down`, `enter`, `esc`, `space`, `f5`, `C-d`,
//! `A-x`, `S-tab`, and sequences of them separated by spaces (`g g`).
//! [`Chord`] displays in the same canonical form it parses from.

use std::fmt;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key without modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    /// Enter / Return.
    Enter,
    /// Escape.
    Esc,
    /// A printable character as typed (`G` is shift+g; space is `space`).
    Char(char),
    /// Arrow up.
    Up,
    /// Arrow down.
    Down,
    /// Arrow left.
    Left,
    /// Arrow right.
    Right,
    /// Tab.
    Tab,
    /// Backspace.
    Backspace,
    /// Delete.
    Delete,
    /// Insert.
    Insert,
    /// Home.
    Home,
    /// End.
    End,
    /// Page Up.
    PageUp,
    /// Page Down.
    PageDown,
    /// A function key `f1`…`f24`.
    F(u8),
}

const NAMED: [(&str, Key); 15] = [
    ("up", Key::Up),
    ("down", Key::Down),
    ("left", Key::Left),
    ("right", Key::Right),
    ("enter", Key::Enter),
    ("esc", Key::Esc),
    ("tab", Key::Tab),
    ("backspace", Key::Backspace),
    ("delete", Key::Delete),
    ("insert", Key::Insert),
    ("home", Key::Home),
    ("end", Key::End),
    ("pageup", Key::PageUp),
    ("pagedown", Key::PageDown),
    ("space", Key::Char(' ')),
];

/// One key press: a key and its modifiers. Shift is kept only for non-character
/// keys (`S-tab`); for characters it is already in the character (`G`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Chord {
    /// The key.
    pub key: Key,
    /// Control held.
    pub ctrl: bool,
    /// Alt (Meta) held.
    pub alt: bool,
    /// Shift held (never set for [`Key::Char`]).
    pub shift: bool,
}

impl Chord {
    /// How many modifiers are held.
    pub fn modifier_count(&self) -> usize {
        usize::from(self.ctrl) + usize::from(self.alt) + usize::from(self.shift)
    }

    /// A key with no modifiers.
    pub fn plain(key: Key) -> Chord {
        Chord {
            key,
            ctrl: false,
            alt: false,
            shift: false,
        }
    }

    /// Parses one chord (`C-d`, `enter`, `G`).
    pub fn parse(s: &str) -> Result<Chord, String> {
        let (mut ctrl, mut alt, mut shift) = (false, false, false);
        let mut rest = s;
        // A modifier prefix needs something after it: `C--` is ctrl+minus,
        // a lone `-` is the minus key.
        while let Some((m, tail)) = rest.split_once('-') {
            if tail.is_empty() || m.chars().count() != 1 {
                break;
            }
            match m {
                "C" => ctrl = true,
                "A" | "M" => alt = true,
                "S" => shift = true,
                _ => {
                    return Err(format!(
                        "unknown modifier `{m}-` in `{s}` (use C-, A- or S-)"
                    ));
                }
            }
            rest = tail;
        }
        let key = parse_key(rest).ok_or_else(|| format!("unknown key `{rest}` in `{s}`"))?;
        let key = match key {
            Key::Char(c) if shift => {
                // `S-a` is `A`: characters carry their shift.
                shift = false;
                let mut up = c.to_uppercase();
                match (up.next(), up.next()) {
                    (Some(u), None) => Key::Char(u),
                    _ => Key::Char(c),
                }
            }
            k => k,
        };
        Ok(Chord {
            key,
            ctrl,
            alt,
            shift,
        })
    }

    /// The chord of a terminal key event, if it is one a keymap can name.
    pub fn from_event(ev: &KeyEvent) -> Option<Chord> {
        let key = match ev.code {
            KeyCode::Char(c) => Key::Char(c),
            KeyCode::F(n) => Key::F(n),
            KeyCode::Up => Key::Up,
            KeyCode::Down => Key::Down,
            KeyCode::Left => Key::Left,
            KeyCode::Right => Key::Right,
            KeyCode::Enter => Key::Enter,
            KeyCode::Esc => Key::Esc,
            KeyCode::Tab => Key::Tab,
            KeyCode::BackTab => {
                return Some(Chord {
                    shift: true,
                    ..Chord::plain(Key::Tab)
                });
            }
            KeyCode::Backspace => Key::Backspace,
            KeyCode::Delete => Key::Delete,
            KeyCode::Insert => Key::Insert,
            KeyCode::Home => Key::Home,
            KeyCode::End => Key::End,
            KeyCode::PageUp => Key::PageUp,
            KeyCode::PageDown => Key::PageDown,
            _ => return None,
        };
        let m = ev.modifiers;
        let is_char = matches!(key, Key::Char(_));
        Some(Chord {
            key,
            ctrl: m.contains(KeyModifiers::CONTROL),
            alt: m.contains(KeyModifiers::ALT),
            shift: !is_char && m.contains(KeyModifiers::SHIFT),
        })
    }
}

fn parse_key(s: &str) -> Option<Key> {
    let mut chars = s.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return (!c.is_whitespace() && !c.is_control()).then_some(Key::Char(c));
    }
    if let Some((_, k)) = NAMED.iter().find(|(n, _)| *n == s) {
        return Some(*k);
    }
    let n: u8 = s.strip_prefix('f')?.parse().ok()?;
    (1..=24).contains(&n).then_some(Key::F(n))
}

impl fmt::Display for Chord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("C-")?;
        }
        if self.alt {
            f.write_str("A-")?;
        }
        if self.shift {
            f.write_str("S-")?;
        }
        match self.key {
            Key::Char(' ') => f.write_str("space"),
            Key::Char(c) => write!(f, "{c}"),
            Key::F(n) => write!(f, "f{n}"),
            k => {
                let name = NAMED.iter().find(|(_, v)| *v == k).map_or("?", |(n, _)| n);
                f.write_str(name)
            }
        }
    }
}

/// Parses a key sequence: chords separated by whitespace (`g g`).
pub fn parse_sequence(s: &str) -> Result<Vec<Chord>, String> {
    let seq = s
        .split_whitespace()
        .map(Chord::parse)
        .collect::<Result<Vec<_>, _>>()?;
    if seq.is_empty() {
        return Err("empty key".to_string());
    }
    Ok(seq)
}

/// Writes a key sequence in canonical notation.
pub fn sequence_to_string(seq: &[Chord]) -> String {
    seq.iter()
        .map(Chord::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_notations_of_the_brief() {
        assert_eq!(Chord::parse("j"), Ok(Chord::plain(Key::Char('j'))));
        assert_eq!(Chord::parse("down"), Ok(Chord::plain(Key::Down)));
        assert_eq!(Chord::parse("?"), Ok(Chord::plain(Key::Char('?'))));
        assert_eq!(Chord::parse("-"), Ok(Chord::plain(Key::Char('-'))));
        let cd = Chord::parse("C-d").unwrap();
        assert!(cd.ctrl && cd.key == Key::Char('d'));
        assert_eq!(Chord::parse("C--").unwrap().key, Key::Char('-'));
        assert_eq!(Chord::parse("S-g"), Ok(Chord::plain(Key::Char('G'))));
        assert_eq!(Chord::parse("f12"), Ok(Chord::plain(Key::F(12))));
        assert_eq!(parse_sequence("g g").unwrap().len(), 2);
        for bad in ["", "f0", "f25", "ctrl-d", "X-d", "down2", "C-"] {
            assert!(parse_sequence(bad).is_err(), "{bad} should fail");
        }
    }

    #[test]
    fn events_become_chords() {
        let ev = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(Chord::from_event(&ev), Some(Chord::plain(Key::Char('G'))));
        let ev = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(
            Chord::from_event(&ev).map(|c| c.to_string()),
            Some("S-tab".into())
        );
        let ev = KeyEvent::new(KeyCode::Char('l'), KeyModifiers::CONTROL);
        assert_eq!(
            Chord::from_event(&ev).map(|c| c.to_string()),
            Some("C-l".into())
        );
    }

    fn key() -> impl Strategy<Value = Key> {
        prop_oneof![
            any::<char>()
                .prop_filter("printable", |c| !c.is_control() && !c.is_whitespace())
                .prop_map(Key::Char),
            Just(Key::Char(' ')),
            (1u8..=24).prop_map(Key::F),
            proptest::sample::select(NAMED.iter().map(|(_, k)| *k).collect::<Vec<_>>()),
        ]
    }

    fn chord() -> impl Strategy<Value = Chord> {
        (key(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(key, ctrl, alt, shift)| {
            let shift = shift && !matches!(key, Key::Char(_));
            Chord {
                key,
                ctrl,
                alt,
                shift,
            }
        })
    }

    proptest! {
        #[test]
        fn notation_round_trips(seq in proptest::collection::vec(chord(), 1..4)) {
            let text = sequence_to_string(&seq);
            prop_assert_eq!(parse_sequence(&text), Ok(seq));
        }

        #[test]
        fn parsing_never_panics(s in ".{0,12}") {
            let _ = parse_sequence(&s);
        }
    }
}
