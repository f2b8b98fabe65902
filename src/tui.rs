//! (stub until the TUI branch lands)
