//! Small widgets shared by screens.

pub mod status;
