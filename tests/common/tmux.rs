//! Driving the real binary in tmux as a person would: keys typed one at
//! a time, the pane read until it shows what is awaited.

use std::process::Command;
use std::time::{Duration, Instant};

/// Runs `tmux args`; its standard output.
pub fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux").args(args).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Types `keys` into `session`, one at a time, as a person would.
pub fn type_keys(session: &str, keys: &[&str]) {
    for key in keys {
        tmux(&["send-keys", "-t", session, key]);
        std::thread::sleep(Duration::from_millis(150));
    }
}

/// Waits until the pane of `session` shows `want` (or fails after 30 s,
/// with the pane).
pub fn wait_for(session: &str, want: &str) -> String {
    let start = Instant::now();
    loop {
        let pane = tmux(&["capture-pane", "-p", "-t", session]);
        if pane.contains(want) {
            return pane;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{session} never showed {want:?}; the pane:\n{pane}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
