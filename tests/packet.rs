//! `mecred packet` (issue 8): the Department of Education packet of a term —
//! confirmed districts only, a manifest whose hashes match its files, the
//! same bytes when run again, and a refusal when nothing is confirmed.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read;

use common::{Env, demo_imports};
use serde_json::Value;
use sha2::{Digest, Sha256};

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn packet(env: &Env, extra: &[&str]) -> (i32, Value) {
    let out = env.dir.path().join("packet");
    let mut args = vec!["packet", "--term", "fall-2026", "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    env.json(&args)
}

fn entries(zip_bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes.to_vec())).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().unwrap().to_string(), bytes)
        })
        .collect()
}

#[test]
fn a_packet_of_confirmed_districts_whose_manifest_hashes_match_its_files() {
    let env = Env::new();
    demo_imports(&env);

    // Nothing confirmed: refused with a clear message, exit 1.
    let out = env.run(&[
        "packet",
        "--term",
        "fall-2026",
        "-o",
        env.dir.path().join("p").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no packet for fall-2026"), "{err}");
    assert!(!env.dir.path().join("p").exists());

    let out = env.run(&["confirm", "--term", "fall-2026", "--district", "017"]);
    assert!(out.status.success());

    let (code, v) = packet(&env, &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["districts"], serde_json::json!(["017"]));
    let excluded: Vec<&str> = v["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["district"].as_str().unwrap())
        .collect();
    assert!(excluded.contains(&"036") && !excluded.contains(&"017"));
    let file = std::path::PathBuf::from(v["file"].as_str().unwrap());
    assert_eq!(
        file.file_name().unwrap().to_str().unwrap(),
        "doe-packet-fall-2026.zip"
    );
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(v["sha256"], hex(&bytes));

    let files = entries(&bytes);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "entries are sorted");
    for want in [
        "017/batches.csv",
        "017/confirmation.json",
        "017/report.csv",
        "017/report.html",
        "017/report.json",
        "017/report.md",
        "017/students.csv",
        "index.html",
        "manifest.json",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    assert!(!names.iter().any(|n| n.starts_with("036/")));

    // Every file but the manifest and index is listed with its true hash and size.
    let get = |n: &str| &files.iter().find(|(x, _)| x == n).unwrap().1;
    let manifest: Value = serde_json::from_slice(get("manifest.json")).unwrap();
    let listed = manifest["files"].as_array().unwrap();
    assert_eq!(listed.len(), files.len() - 2);
    for e in listed {
        let body = get(e["path"].as_str().unwrap());
        assert_eq!(e["sha256"], hex(body), "{}", e["path"]);
        assert_eq!(e["size"], body.len());
    }
    let index = String::from_utf8(get("index.html").clone()).unwrap();
    assert!(index.contains(&hex(get("manifest.json"))));
    assert!(index.contains("Districts not confirmed"));
    assert!(index.contains("036"));

    // The confirmation record carries the hash the report still has.
    let conf: Value = serde_json::from_slice(get("017/confirmation.json")).unwrap();
    assert_eq!(conf["sha256"], conf["report_sha256_now"]);
    assert_eq!(conf["by"], "tester");
    let (_, report) = env.json(&[
        "report",
        "--term",
        "fall-2026",
        "--district",
        "017",
        "--format",
        "json",
    ]);
    assert_eq!(
        serde_json::from_slice::<Value>(get("017/report.json")).unwrap(),
        report
    );
    // The qualifying students with module dates and documentation flags.
    let students = String::from_utf8(get("017/students.csv").clone()).unwrap();
    let rows: Vec<&str> = students.lines().collect();
    assert!(rows[0].contains("SA Reports On File,Mentor Checklist On File,Exam Report On File"));
    assert_eq!(
        rows.len() - 1,
        report["districts"][0]["qualifying"]
            .as_array()
            .unwrap()
            .len()
    );
    // The district's upload batches, with the file's SHA-256.
    let (_, list) = env.json(&["uploads", "list"]);
    let batches = String::from_utf8(get("017/batches.csv").clone()).unwrap();
    let b017 = list["batches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["district"] == "017")
        .unwrap();
    let (_, shown) = env.json(&["uploads", "show", &b017["batch"].to_string()]);
    assert!(
        batches.contains(shown["sha256"].as_str().unwrap()),
        "{batches}"
    );

    // Run again: the same bytes.
    let (_, again) = packet(&env, &[]);
    assert_eq!(again["sha256"], v["sha256"]);
    assert_eq!(std::fs::read(&file).unwrap(), bytes);

    // One district only; an unconfirmed one is refused.
    let (code, one) = packet(&env, &["--district", "017"]);
    assert_eq!(code, 0, "{one}");
    assert!(
        one["file"]
            .as_str()
            .unwrap()
            .ends_with("doe-packet-fall-2026-017.zip")
    );
    let out = env.run(&[
        "packet",
        "--term",
        "fall-2026",
        "--district",
        "036",
        "-o",
        env.dir.path().join("q").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
}
