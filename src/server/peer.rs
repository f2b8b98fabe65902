//! Who is on the other end of a Unix socket: the kernel's peer credentials
//! (`SO_PEERCRED`), never a name the client typed.

use std::io;
use std::os::unix::net::UnixStream;

use nix::sys::socket::{getsockopt, sockopt::PeerCredentials};
use nix::unistd::{Uid, User};

/// The peer's user id and process id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer {
    /// Its user id.
    pub uid: u32,
    /// Its process id.
    pub pid: i32,
}

/// The credentials of the process that connected `stream`.
pub fn peer(stream: &UnixStream) -> io::Result<Peer> {
    let cred = getsockopt(stream, PeerCredentials).map_err(io::Error::from)?;
    Ok(Peer {
        uid: cred.uid(),
        pid: cred.pid(),
    })
}

/// The login name of `uid`, or `uid:N` when the user database has none.
pub fn user_name(uid: u32) -> String {
    match User::from_uid(Uid::from_raw(uid)) {
        Ok(Some(u)) => u.name,
        _ => format!("uid:{uid}"),
    }
}

/// The user this process runs as.
pub fn me() -> u32 {
    Uid::current().as_raw()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_socket_pair_names_this_process_and_user() {
        let (a, _b) = UnixStream::pair().unwrap();
        let p = peer(&a).unwrap();
        assert_eq!(p.uid, me());
        assert_eq!(p.pid, i32::try_from(std::process::id()).unwrap());
        assert!(!user_name(p.uid).is_empty());
        assert_eq!(user_name(u32::MAX - 7), format!("uid:{}", u32::MAX - 7));
    }
}
