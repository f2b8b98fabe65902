//! Styles. Every status has a symbol as well as a colour, so nothing is lost
//! under `NO_COLOR`, where only bold/reversed/underline are used and no
//! foreground or background is set (some crossterm versions emit a reset that
//! cancels REVERSED when colours are off: STYLE.md §5).

use ratatui::style::{Color, Modifier, Style};

/// The styles the screens draw with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// The top title / breadcrumb line.
    pub title: Style,
    /// Table column headers and section headings.
    pub header: Style,
    /// The selected row.
    pub selected: Style,
    /// The status line.
    pub status: Style,
    /// A key name in hints and help.
    pub key: Style,
    /// A complete module, a pass.
    pub done: Style,
    /// A module not (yet) complete, a fail.
    pub todo: Style,
    /// Secondary text (labels, placeholders).
    pub dim: Style,
    /// Errors and warnings shown to the user.
    pub alert: Style,
    /// Characters a filter matched.
    pub matched: Style,
    /// The module grid's selected cell, inside the selected row: it takes
    /// the row's REVERSED off and is bold + underlined, so it reads as a gap
    /// in the bar without colour too.
    pub cursor: Style,
}

impl Theme {
    /// The colour theme.
    pub fn color() -> Theme {
        Theme {
            title: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            header: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            status: Style::new().fg(Color::Black).bg(Color::Gray),
            key: Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
            done: Style::new().fg(Color::Green),
            todo: Style::new().fg(Color::Yellow),
            dim: Style::new().fg(Color::DarkGray),
            alert: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            matched: Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
            cursor: Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
                .remove_modifier(Modifier::REVERSED),
        }
    }

    /// The `NO_COLOR` theme: modifiers only.
    pub fn no_color() -> Theme {
        let plain = Style::new();
        Theme {
            title: plain.add_modifier(Modifier::BOLD),
            header: plain.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            selected: plain.add_modifier(Modifier::REVERSED),
            status: plain.add_modifier(Modifier::REVERSED),
            key: plain.add_modifier(Modifier::BOLD),
            done: plain,
            todo: plain,
            dim: plain,
            alert: plain.add_modifier(Modifier::BOLD),
            matched: plain.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            cursor: plain
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
                .remove_modifier(Modifier::REVERSED),
        }
    }

    /// `no_color()` when `NO_COLOR` is set to anything non-empty
    /// (no-color.org), else `color()`. Read once at start, never in render.
    pub fn from_env() -> Theme {
        Theme::for_no_color(std::env::var_os("NO_COLOR").as_deref())
    }

    /// The theme for a given `NO_COLOR` value.
    pub fn for_no_color(value: Option<&std::ffi::OsStr>) -> Theme {
        match value {
            Some(v) if !v.is_empty() => Theme::no_color(),
            _ => Theme::color(),
        }
    }

    /// Every style, for checks.
    pub fn all(&self) -> [Style; 11] {
        [
            self.title,
            self.header,
            self.selected,
            self.status,
            self.key,
            self.done,
            self.todo,
            self.dim,
            self.alert,
            self.matched,
            self.cursor,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_sets_no_fg_or_bg() {
        for s in Theme::no_color().all() {
            assert_eq!((s.fg, s.bg), (None, None), "{s:?}");
        }
        assert!(Theme::color().all().iter().any(|s| s.fg.is_some()));
    }

    #[test]
    fn no_color_follows_the_convention() {
        use std::ffi::OsStr;
        assert_eq!(
            Theme::for_no_color(Some(OsStr::new("1"))),
            Theme::no_color()
        );
        assert_eq!(Theme::for_no_color(Some(OsStr::new(""))), Theme::color());
        assert_eq!(Theme::for_no_color(None), Theme::color());
    }
}
