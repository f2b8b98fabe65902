//! Running the real binary in a per-test directory.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub mod tmux;

/// A temp dir with a database path inside it.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("db")
    }

    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    /// The same as a std Command (for spawn and kill).
    pub fn std_cmd(&self) -> std::process::Command {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("mecred"));
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("MECRED_LOG", self.dir.path().join("mecred.log"))
            .env("USER", "tester")
            .arg("--db")
            .arg(self.db())
            .arg("--today")
            .arg("2026-12-04")
            .stdin(std::process::Stdio::null());
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    /// Runs with `--json` and parses stdout.
    pub fn json(&self, args: &[&str]) -> (i32, serde_json::Value) {
        let out = self.cmd().arg("--json").args(args).output().unwrap();
        let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}\nstderr: {}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.code().unwrap(), v)
    }

    /// Imports a fixture with `--commit`.
    pub fn import(&self, file: &str, extra: &[&str]) -> (i32, serde_json::Value) {
        let path = fixture(file);
        let mut args = vec!["import", path.to_str().unwrap(), "--commit"];
        args.extend_from_slice(extra);
        self.json(&args)
    }
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// The summary as [rows, new, changed, unchanged, warning, error].
pub fn summary(v: &serde_json::Value) -> [u64; 6] {
    let s = &v["summary"];
    ["rows", "new", "changed", "unchanged", "warning", "error"].map(|k| s[k].as_u64().unwrap())
}

/// The demo import order of the fixtures README.
pub fn demo_imports(env: &Env) {
    let steps: &[(&str, &[&str])] = &[
        ("districts.xlsx", &["--kind", "districts"]),
        (
            "completions-W3B-spring-2026.xlsx",
            &["--kind", "completions", "--term", "spring-2026"],
        ),
        (
            "completions-017-fall-2026.xlsx",
            &["--kind", "completions", "--term", "fall-2026"],
        ),
        (
            "completions-036-fall-2026.xls",
            &["--kind", "completions", "--term", "fall-2026"],
        ),
        (
            "completions-W3B-fall-2026.ods",
            &["--kind", "completions", "--term", "fall-2026"],
        ),
        (
            "completions-029-fall-2026.csv",
            &["--kind", "completions", "--term", "fall-2026"],
        ),
        (
            "exam-results.xlsx",
            &["--kind", "exam", "--term", "fall-2026"],
        ),
    ];
    for (file, extra) in steps {
        let (_, v) = env.import(file, extra);
        assert_eq!(v["committed"], true, "{file}");
    }
}

/// `runs` times: a fresh database restored from `template`, `mecred ARGS`
/// started on it and SIGKILLed after a pseudo-random delay between
/// `from` and `from + 1.1` times `full` (how long an undisturbed run
/// takes), then `check(run, env)` on what it left.
pub fn kill_at_random_moments(
    template: &Path,
    args: &[&str],
    full: std::time::Duration,
    (runs, mut seed, from): (usize, u64, f64),
    mut check: impl FnMut(usize, &Env),
) {
    for run in 0..runs {
        let env = Env::new();
        env.run(&["restore", template.to_str().unwrap()]);
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = full.mul_f64(from + (seed % 1000) as f64 / 1000.0 * 1.1);
        let mut child = env
            .std_cmd()
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        check(run, &env);
    }
}
