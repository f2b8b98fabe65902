//! `mecred users`: the first user to set users up is the admin; roles and
//! districts are checked; users round-trip through export.
#![allow(clippy::unwrap_used)]

mod common;

use common::Env;

#[test]
fn users_are_added_listed_checked_and_removed_by_the_admin() {
    let env = Env::new();
    assert!(env.run(&["demo", "--no-ui"]).status.success());
    let out = env.run(&["users", "list"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("no users yet"));
    let out = env.run(&[
        "users",
        "add",
        "dee",
        "--role",
        "district",
        "--district",
        "017",
    ]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("first user and its admin"));
    let (code, v) = env.json(&["users", "list"]);
    assert_eq!(code, 0);
    let users = v["users"].as_array().unwrap();
    assert_eq!(users.len(), 2);
    let dee = users.iter().find(|u| u["name"] == "dee").unwrap();
    assert_eq!(
        (dee["role"].as_str(), dee["district"].as_str()),
        (Some("district"), Some("017"))
    );
    assert!(users.iter().any(|u| u["role"] == "admin"));
    for bad in [
        vec!["users", "add", "x", "--role", "district"],
        vec![
            "users",
            "add",
            "x",
            "--role",
            "district",
            "--district",
            "999",
        ],
        vec![
            "users",
            "add",
            "x",
            "--role",
            "auditor",
            "--district",
            "017",
        ],
    ] {
        let out = env.run(&bad);
        assert_eq!(out.status.code(), Some(1), "{bad:?}: {out:?}");
    }
    let out = env.run(&["users", "add", "x", "--role", "king"]);
    assert_eq!(out.status.code(), Some(2));
    let export = String::from_utf8(env.run(&["export"]).stdout).unwrap();
    assert!(export.contains("\"kind\":\"user\""));
    assert!(env.run(&["users", "remove", "dee"]).status.success());
    assert_eq!(env.run(&["users", "remove", "dee"]).status.code(), Some(1));
}
