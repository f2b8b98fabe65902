//! SIGKILL at moments spread over a large `uploads commit`: every run leaves
//! all of the batch or none of it (issue 2, SPEC §1 Durability).
#![allow(clippy::unwrap_used)]

mod common;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use common::Env;

const STUDENTS: usize = 6_000;

fn big_csv(path: &std::path::Path) {
    let mut s = String::from(
        "District Code,School Code,School Name,Student ID,Last Name,First Name,Grade,Self-Assessment Round 1,Credit Applications\n",
    );
    for i in 0..STUDENTS {
        let school = 17004 + (i % 3) * 7;
        writeln!(
            s,
            "017,0{school},School {school},{:010},Last{i},First{i},{},2026-09-0{},2026-10-1{}",
            1_000_000 + i,
            9 + i % 4,
            1 + i % 9,
            i % 10
        )
        .unwrap();
    }
    std::fs::write(path, s).unwrap();
}

/// (batch state, students stored) from a fresh process.
fn state(env: &Env) -> (String, usize) {
    let (_, v) = env.json(&["uploads", "list"]);
    let st = v["batches"][1]["state"].as_str().unwrap().to_string();
    let dump = String::from_utf8(env.run(&["export"]).stdout).unwrap();
    let n = dump
        .lines()
        .filter(|l| l.starts_with("{\"kind\":\"student\""))
        .count();
    (st, n)
}

#[test]
fn sigkill_during_commit_leaves_all_or_nothing() {
    let base = Env::new();
    let csv = base.dir.path().join("big.csv");
    big_csv(&csv);
    let template = base.dir.path().join("template.jsonl");
    {
        base.import("districts.xlsx", &[]);
        let out = base.run(&["import", csv.to_str().unwrap()]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::write(&template, base.run(&["export"]).stdout).unwrap();
    }
    // How long an undisturbed commit takes, to spread the kills over it.
    let timing = Env::new();
    timing.run(&["restore", template.to_str().unwrap()]);
    let start = Instant::now();
    assert_eq!(
        timing.run(&["uploads", "commit", "2"]).status.code(),
        Some(0)
    );
    let full = start.elapsed();
    assert_eq!(state(&timing), ("committed".to_string(), STUDENTS));

    let (mut all, mut none) = (0, 0);
    let seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let commit = ["uploads", "commit", "2"];
    common::kill_at_random_moments(&template, &commit, full, (20, seed, 0.0), |run, env| {
        let (st, n) = state(env);
        match st.as_str() {
            "committed" => {
                assert_eq!(n, STUDENTS, "run {run}: committed but {n} students");
                all += 1;
            }
            "staged" => {
                assert_eq!(n, 0, "run {run}: staged but {n} students");
                none += 1;
            }
            other => panic!("run {run}: batch left {other}"),
        }
        // The database is usable afterwards: the commit can be redone.
        if st == "staged" && run % 5 == 0 {
            assert_eq!(env.run(&commit).status.code(), Some(0));
            assert_eq!(state(env), ("committed".to_string(), STUDENTS));
        }
    });
    eprintln!("20 kills over {full:?}: {all} left all, {none} left none");
    assert_eq!(all + none, 20);
    let _ = Duration::ZERO;
}
