//! mecred: the operator console for the Louisiana Jump Start Micro-Enterprise
//! Credential. The binary (`src/main.rs`) is a thin shell over this library so
//! that `tests/` and `benches/` drive the same code.

pub mod cli;
pub mod domain;
pub mod generate;
pub mod import;
pub mod policy;
pub mod report;
pub mod search;
pub mod server;
pub mod store;
pub mod tui;
