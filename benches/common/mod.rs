//! Shared by the benches: the `mecred gen` state imported through the
//! library, as an operator would import it.
#![allow(clippy::unwrap_used, dead_code)]

use std::path::Path;

use mecred::cli::{Context, Staged, stage};
use mecred::domain::{BatchKind, Date, Term};
use mecred::store::Store;

/// The fixtures' date.
pub const TODAY: Date = Date::constant(2026, 12, 4);

pub fn context(db: &Path) -> Context {
    Context {
        db: Some(db.to_path_buf()),
        today: TODAY,
        today_given: true,
        json: true,
        read_only: false,
        keymap: "default".into(),
        actor: "bench".into(),
        district: None,
        io: mecred::cli::Io::local(),
        store: None,
    }
}

pub fn import(ctx: &Context, store: &Store, path: &Path, kind: BatchKind, term: Term) {
    let name = path.file_name().unwrap().to_str().unwrap();
    let bytes = std::fs::read(path).unwrap();
    match stage(ctx, store, name, bytes, Some(kind), term, true).unwrap() {
        Staged::Batch { .. } => {}
        Staged::Rejected { problem, .. } => panic!("{name}: {}", problem.message),
    }
}

/// Generates the state and imports it; returns the store. With
/// `MECRED_BENCH_CACHE=DIR` the imported database is kept in DIR (one per
/// size) and copied from there on later runs: the import takes a minute.
pub fn state(dir: &Path, students: u32) -> Store {
    let Some(cache) = std::env::var_os("MECRED_BENCH_CACHE") else {
        return import_state(dir, students);
    };
    // A new schema cannot open an older one: one copy per schema.
    let schema = mecred::store::SCHEMA;
    let kept = Path::new(&cache).join(format!("state-{students}-schema{schema}"));
    if !kept.join("db").exists() {
        let fresh = kept.with_extension("partial");
        let _ = std::fs::remove_dir_all(&fresh);
        std::fs::create_dir_all(&fresh).unwrap();
        drop(import_state(&fresh, students));
        std::fs::remove_dir_all(fresh.join("gen")).unwrap();
        std::fs::rename(&fresh, &kept).unwrap();
    }
    let db = dir.join("db");
    copy_dir(&kept.join("db"), &db);
    Store::open(&db).unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn import_state(dir: &Path, students: u32) -> Store {
    let out = dir.join("gen");
    mecred::generate::generate(&mecred::generate::GenOptions {
        students,
        seed: 1,
        out_dir: out.clone(),
    })
    .unwrap();
    let db = dir.join("db");
    let ctx = context(&db);
    let store = Store::open(&db).unwrap();
    let fall: Term = "fall-2026".parse().unwrap();
    import(
        &ctx,
        &store,
        &out.join("districts.csv"),
        BatchKind::Districts,
        fall,
    );
    let mut files: Vec<(Date, std::path::PathBuf, Term)> =
        std::fs::read_dir(out.join("completions"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "csv"))
            .map(|p| {
                let stem = p.file_stem().unwrap().to_str().unwrap().to_string();
                let term: Term = stem.split_once('-').unwrap().1.parse().unwrap();
                (term.first_day(), p, term)
            })
            .collect();
    files.sort();
    for (_, p, term) in &files {
        import(&ctx, &store, p, BatchKind::Completions, *term);
    }
    import(
        &ctx,
        &store,
        &out.join("exam-results.csv"),
        BatchKind::Exam,
        fall,
    );
    import(
        &ctx,
        &store,
        &out.join("statewide.csv"),
        BatchKind::Statewide,
        fall,
    );
    store
}

/// `MECRED_BENCH_STUDENTS`, default 250,000 (the state with headroom).
pub fn students() -> u32 {
    std::env::var("MECRED_BENCH_STUDENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(250_000)
}
