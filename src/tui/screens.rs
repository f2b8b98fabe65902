//! One module per screen; each draws from the state it is given.

pub mod detail;
pub mod help;
pub mod list;
