//! mecred: the operator console for the Louisiana Jump Start Micro-Enterprise
//! Credential. The binary (`src/main.rs`) is a thin shell over this library so
//! that `tests/` and `benches/` drive the same code.

/// The allocator of the binary, its tests and its benchmarks alike (so the
/// figures are the binary's): a bulk edit or a re-evaluation makes and drops
/// hundreds of thousands of small records, where glibc's malloc spent a third
/// of the time consolidating and unlinking chunks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
