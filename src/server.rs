//! Many people at once (issue 7): one server process owns the database and
//! every `mecred` UI talks to it over a Unix socket. [`wire`] is the
//! protocol, [`serve`] the server, [`remote`] the client side (a
//! [`Source`](crate::tui::Source) over the socket), [`peer`] who is on the
//! other end.

pub mod peer;
pub mod remote;
pub mod roles;
pub mod serve;
pub mod wire;

#[cfg(test)]
mod tests;

pub use remote::Remote;
pub use serve::{ServeOptions, serve, socket_path};
