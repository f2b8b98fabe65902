//! SIGKILL at moments spread over a large `mecred edit` (issue 5): every run
//! leaves the edit's change set fully applied or not at all (SPEC §1
//! Durability), and the database usable.
#![allow(clippy::unwrap_used)]

mod common;

use std::fmt::Write as _;
use std::time::Instant;

use common::Env;

const STUDENTS: usize = 15_000;
const EDIT: [&str; 7] = [
    "edit",
    "--district",
    "017",
    "--set",
    "company-registration=2026-11-20",
    "--set",
    "checklist=Y",
];

fn big_csv(path: &std::path::Path) {
    let mut s = String::from(
        "District Code,School Code,School Name,Student ID,Last Name,First Name,Grade,Self-Assessment Round 1\n",
    );
    for i in 0..STUDENTS {
        let school = 17004 + (i % 3) * 7;
        writeln!(
            s,
            "017,0{school},School {school},{:010},Last{i},First{i},{},2026-09-0{}",
            2_000_000 + i,
            9 + i % 4,
            1 + i % 9
        )
        .unwrap();
    }
    std::fs::write(path, s).unwrap();
}

/// (the edit batch's state, if any; students carrying the edit) from fresh
/// processes (the first one recovers whatever the kill left).
fn state(env: &Env) -> (Option<String>, usize, usize) {
    let (code, v) = env.json(&["uploads", "list"]);
    assert_eq!(code, 0, "{v}");
    let batches = v["batches"].as_array().unwrap();
    let edit = batches
        .iter()
        .find(|b| b["kind"] == "edit")
        .map(|b| b["state"].as_str().unwrap().to_string());
    let dump = String::from_utf8(env.run(&["export"]).stdout).unwrap();
    let students: Vec<&str> = dump
        .lines()
        .filter(|l| l.starts_with("{\"kind\":\"student\""))
        .collect();
    let edited = students
        .iter()
        .filter(|l| {
            l.contains("\"mentor_checklist\":true")
                && l.contains("\"company_registration\":\"2026-11-20\"")
        })
        .count();
    (edit, students.len(), edited)
}

#[test]
fn sigkill_during_a_large_edit_leaves_all_or_nothing() {
    let base = Env::new();
    let csv = base.dir.path().join("big.csv");
    big_csv(&csv);
    let template = base.dir.path().join("template.jsonl");
    base.import("districts.csv", &[]);
    let out = base.run(&["import", csv.to_str().unwrap(), "--commit"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(&template, base.run(&["export"]).stdout).unwrap();

    // How long an undisturbed edit takes, to spread the kills over it.
    let timing = Env::new();
    timing.run(&["restore", template.to_str().unwrap()]);
    let start = Instant::now();
    let out = timing.run(&EDIT);
    let full = start.elapsed();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("on {STUDENTS} students")));
    assert_eq!(
        state(&timing),
        (Some("committed".into()), STUDENTS, STUDENTS)
    );

    let (mut all, mut none, mut discarded) = (0, 0, 0);
    let seed: u64 = 0x2545_F491_4F6C_DD1D;
    // From 0.2 of the run: start-up and loading the students take the first
    // part, so most kills land in the apply.
    common::kill_at_random_moments(&template, &EDIT, full, (24, seed, 0.2), |run, env| {
        let (st, n, edited) = state(env);
        assert_eq!(n, STUDENTS, "run {run}: {n} students");
        match st.as_deref() {
            Some("committed") => {
                assert_eq!(edited, STUDENTS, "run {run}: committed but {edited} edited");
                all += 1;
            }
            // Killed before the change set was staged, or after staging and
            // before its commit began (discarded at the next open).
            None | Some("discarded") => {
                assert_eq!(edited, 0, "run {run}: {st:?} but {edited} edited");
                none += 1;
                discarded += usize::from(st.is_some());
            }
            Some(other) => panic!("run {run}: the edit was left {other}"),
        }
        // The database is usable afterwards: the edit can be (re)done.
        if run % 6 == 0 {
            assert_eq!(env.run(&EDIT).status.code(), Some(0));
            assert_eq!(state(env).2, STUDENTS);
        }
    });
    eprintln!(
        "24 kills over {full:?}: {all} left all, {none} left none ({discarded} of them killed after staging)"
    );
    assert_eq!(all + none, 24);
}
