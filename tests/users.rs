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

#[test]
fn refused_writes_are_listed_for_whoever_reads_the_audit_log() {
    let env = Env::new();
    assert!(env.run(&["demo", "--no-ui"]).status.success());
    let out = env.run(&["users", "refusals"]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("no write has been refused"));
    // Made an auditor, this OS user's revert is refused through the
    // server, and recorded.
    let me = nix::unistd::User::from_uid(nix::unistd::Uid::current())
        .unwrap()
        .unwrap()
        .name;
    let out = env.run(&["users", "add", &me, "--role", "auditor"]);
    assert!(out.status.success(), "{out:?}");
    let mut server = env.std_cmd().arg("serve").spawn().unwrap();
    let socket = mecred::server::socket_path(&env.db());
    let t0 = std::time::Instant::now();
    while std::os::unix::net::UnixStream::connect(&socket).is_err() {
        assert!(
            t0.elapsed() < std::time::Duration::from_secs(20),
            "no server"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = env.run(&["uploads", "revert", "3"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    // An auditor reads them: through the server, as text and JSON.
    let out = env.run(&["users", "refusals"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        text.contains(&me) && text.contains("uploads revert") && text.contains("may not run"),
        "{text}"
    );
    let (code, v) = env.json(&["users", "refusals"]);
    assert_eq!(code, 0);
    let r = &v["refusals"][0];
    assert_eq!(
        (r["user"].as_str(), r["request"].as_str()),
        (Some(me.as_str()), Some("uploads revert"))
    );
    server.kill().unwrap();
    let _ = server.wait();
}
