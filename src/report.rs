//! Documents mecred writes for people: the completion template districts
//! fill in (SPEC §2), and (later) the semester confirmation reports (§4).

pub mod template;
