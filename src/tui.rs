#![cfg_attr(test, allow(clippy::unwrap_used))]
//! The terminal UI (SPEC §6).

pub mod action;
pub mod keymap;
