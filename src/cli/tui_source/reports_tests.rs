//! The Reports screen and the Uploads return-file key on a demo store:
//! what the UI writes is what the command line writes.

use std::path::{Path, PathBuf};

use super::StoreSource;
use crate::cli::Context;
use crate::cli::args::{ImportArgs, ReportArgs};
use crate::domain::{BatchKind, DistrictCode, Term};
use crate::report::Format;
use crate::store::Store;
use crate::tui::App;
use crate::tui::app::{Effect, Loadable, Screen};
use crate::tui::keymap::{Chord, Key, load_keymap};
use crate::tui::runtime::{Host, run_effects_with};
use crate::tui::theme::Theme;

struct Demo {
    dir: tempfile::TempDir,
    ctx: Context,
    store: Store,
}

fn demo() -> Demo {
    let (dir, ctx, store) = super::demo_store(false);
    Demo { dir, ctx, store }
}

fn source(d: &Demo) -> StoreSource {
    StoreSource(d.store.clone(), PathBuf::from("fixtures"))
}

fn open_app(d: &Demo, src: &StoreSource, host: &mut Host) -> App {
    let (km, errors) = load_keymap("default", None);
    assert!(errors.is_empty());
    let mut app = App::new(km, Theme::no_color(), d.ctx.today, "demo", false);
    let start = app.start();
    run_effects_with(&mut app, host, src, start);
    app
}

fn press(app: &mut App, host: &mut Host, src: &StoreSource, keys: &str) {
    for k in keys.split_whitespace() {
        let effects = app.key(Chord::parse(k).unwrap());
        run_effects_with(app, host, src, effects);
    }
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        assert!(app.key(Chord::plain(Key::Char(c))).is_empty());
    }
}

fn view(app: &App) -> &crate::tui::app::ReportsView {
    match app.screen() {
        Some(Screen::Reports(v)) => v,
        other => panic!("{other:?}"),
    }
}

/// Reports, then `d` until `code` is picked.
fn pick(app: &mut App, host: &mut Host, src: &StoreSource, code: &str) {
    press(app, host, src, "6");
    for _ in 0..10 {
        if view(app).district.as_ref().map(DistrictCode::as_str) == Some(code) {
            return;
        }
        press(app, host, src, "d");
    }
    panic!("no district {code} in {:?}", view(app).districts);
}

fn status(app: &App) -> String {
    app.message
        .as_ref()
        .map(|(text, _)| text.clone())
        .unwrap_or_default()
}

fn cli_report(ctx: &Context, district: Option<&str>, format: Format, out: &Path) -> Vec<u8> {
    let args = ReportArgs {
        term: "fall-2026".parse().unwrap(),
        district: district.map(|c| DistrictCode::parse(c).unwrap()),
        format,
        output: Some(out.to_path_buf()),
    };
    crate::cli::report::run(ctx, args).unwrap();
    std::fs::read(out).unwrap()
}

#[test]
fn export_writes_the_bytes_mecred_report_writes() {
    let d = demo();
    let src = source(&d);
    let mut host = Host::new("tester");
    let mut app = open_app(&d, &src, &mut host);
    let cases = [
        (Some("017"), "html", Format::Html),
        (Some("017"), "md", Format::Markdown),
        (None, "csv", Format::Csv),
        (None, "json", Format::Json),
    ];
    for (district, ext, _) in cases {
        match district {
            Some(c) => pick(&mut app, &mut host, &src, c),
            None => press(&mut app, &mut host, &src, "6"),
        }
        press(&mut app, &mut host, &src, "e");
        let default = match &view(&app).prompt {
            Some(crate::tui::app::ReportPrompt::Export { path }) => path.clone(),
            other => panic!("{other:?}"),
        };
        let scope = district.unwrap_or("all");
        assert_eq!(default, format!("report-{scope}-fall-2026.html"));
        for _ in 0..default.len() {
            app.key(Chord::parse("backspace").unwrap());
        }
        let ui = d.dir.path().join(format!("ui.{ext}"));
        type_text(&mut app, ui.to_str().unwrap());
        press(&mut app, &mut host, &src, "enter");
        assert!(
            status(&app).contains("wrote the fall-2026 report"),
            "{}",
            status(&app)
        );
    }
    // The command line opens the database itself: close ours first.
    let Demo { dir, ctx, store } = d;
    drop((src, store));
    for (district, ext, format) in cases {
        let cli = dir.path().join(format!("cli.{ext}"));
        let want = cli_report(&ctx, district, format, &cli);
        assert!(!want.is_empty());
        let ui = dir.path().join(format!("ui.{ext}"));
        assert_eq!(std::fs::read(&ui).unwrap(), want, "{ext}");
    }
}

#[test]
fn confirm_y_records_a_confirmation_and_shows_it() {
    let d = demo();
    let src = source(&d);
    let mut host = Host::new("tester");
    let mut app = open_app(&d, &src, &mut host);
    let pending = |app: &App| match &app.findings {
        Loadable::Ready(f) => f
            .items
            .iter()
            .filter(|l| l.finding.rule.as_str() == "CONFIRM-PENDING")
            .map(|l| l.finding.district.to_string())
            .collect::<Vec<_>>(),
        _ => panic!("findings not loaded"),
    };
    assert!(pending(&app).contains(&"017".to_string()));
    pick(&mut app, &mut host, &src, "017");
    press(&mut app, &mut host, &src, "c y");
    let term: Term = "fall-2026".parse().unwrap();
    let code = DistrictCode::parse("017").unwrap();
    let stored = d.store.confirmations_of(&code, term).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].by, "tester");
    assert!(status(&app).contains("confirmed the fall-2026 report of 017"));
    // The screen shows who, when and the hash, and that it matches.
    let Loadable::Ready(data) = &view(&app).data else {
        panic!("not reloaded");
    };
    assert_eq!(data.confirmation.as_ref(), Some(&stored[0]));
    assert_eq!(data.hash, stored[0].sha256);
    let first = &view(&app).lines[0];
    assert!(first.starts_with("Confirmed by tester at "), "{first}");
    assert!(
        first.contains(&stored[0].sha256) && first.contains("matches"),
        "{first}"
    );
    // The findings were evaluated again: 017's CONFIRM-PENDING is gone.
    assert!(!pending(&app).contains(&"017".to_string()));
    // A second confirmation is refused by the store, with the reason.
    press(&mut app, &mut host, &src, "c");
    assert!(
        status(&app).contains("already confirmed"),
        "{}",
        status(&app)
    );
}

#[test]
fn read_only_refuses_confirming_in_the_app_and_the_runtime() {
    let d = demo();
    let src = source(&d);
    let mut host = Host::new("tester");
    let mut app = open_app(&d, &src, &mut host);
    app.read_only = true;
    pick(&mut app, &mut host, &src, "017");
    press(&mut app, &mut host, &src, "c");
    assert!(view(&app).prompt.is_none());
    assert!(status(&app).contains("read-only"), "{}", status(&app));
    // An effect asked for anyway is refused by the runtime too.
    let effect = Effect::ConfirmReport {
        term: "fall-2026".parse().unwrap(),
        district: DistrictCode::parse("017").unwrap(),
    };
    run_effects_with(&mut app, &mut host, &src, vec![effect]);
    assert!(status(&app).contains("read-only"), "{}", status(&app));
    let code = DistrictCode::parse("017").unwrap();
    let none = d
        .store
        .confirmations_of(&code, "fall-2026".parse().unwrap());
    assert!(none.unwrap().is_empty());
}

#[test]
fn a_district_with_an_agreement_error_cannot_confirm() {
    let d = demo();
    let src = source(&d);
    let mut host = Host::new("tester");
    let mut app = open_app(&d, &src, &mut host);
    // Which demo districts have an open AGREEMENT-* error?
    let (_, eval) = crate::cli::evaluate(&d.store, d.ctx.today).unwrap();
    press(&mut app, &mut host, &src, "6");
    let codes = view(&app).districts.clone();
    let bad: Vec<&DistrictCode> = codes
        .iter()
        .filter(|c| crate::report::semester::has_agreement_error(&eval, c))
        .collect();
    let code = bad
        .first()
        .expect("the demo has a district with an agreement error");
    pick(&mut app, &mut host, &src, code.as_str());
    press(&mut app, &mut host, &src, "c");
    assert!(view(&app).prompt.is_none());
    assert!(
        status(&app).contains("AGREEMENT-* error"),
        "{}",
        status(&app)
    );
    // The store's rule holds even when the app is bypassed.
    let effect = Effect::ConfirmReport {
        term: "fall-2026".parse().unwrap(),
        district: (*code).clone(),
    };
    run_effects_with(&mut app, &mut host, &src, vec![effect]);
    assert!(status(&app).contains("not confirmed"), "{}", status(&app));
    assert!(
        status(&app).contains("AGREEMENT-* error"),
        "{}",
        status(&app)
    );
    let none = d.store.confirmations_of(code, "fall-2026".parse().unwrap());
    assert!(none.unwrap().is_empty());
}

#[test]
fn uploads_return_file_key_writes_what_errors_out_writes() {
    let d = demo();
    let src = source(&d);
    let mut host = Host::new("tester");
    let mut app = open_app(&d, &src, &mut host);
    let name = "completions-029-fall-2026.csv";
    let batches = d.store.batches().unwrap();
    let pos = batches.iter().position(|b| b.file == name).unwrap();
    press(&mut app, &mut host, &src, "3");
    for _ in 0..pos {
        press(&mut app, &mut host, &src, "down");
    }
    let effects = app.key(Chord::parse("E").unwrap());
    let [Effect::ReturnFile { batch, out }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(*batch, batches[pos].id);
    assert_eq!(out, Path::new("completions-029-fall-2026-errors.csv"));
    // Written into the temp dir rather than where the tests run.
    let ui = d.dir.path().join(out);
    let effect = Effect::ReturnFile {
        batch: *batch,
        out: ui.clone(),
    };
    run_effects_with(&mut app, &mut host, &src, vec![effect]);
    assert!(
        status(&app).contains("wrote the error return file"),
        "{}",
        status(&app)
    );
    assert!(status(&app).contains("completions-029-fall-2026-errors.csv"));
    let got = std::fs::read_to_string(&ui).unwrap();
    assert!(got.lines().next().unwrap().ends_with(",Errors"), "{got}");
    let with_errors = got.lines().skip(1).filter(|l| !l.ends_with(',')).count();
    assert!(with_errors > 0, "{got}");
    // The command line's --errors-out for the same file says the same.
    let Demo { dir, ctx, store } = d;
    drop((src, store));
    let cli = dir.path().join("cli-errors.csv");
    let args = ImportArgs {
        file: Path::new("fixtures").join(name),
        kind: Some(BatchKind::Completions),
        term: Some("fall-2026".parse().unwrap()),
        commit: false,
        errors_out: Some(cli.clone()),
    };
    crate::cli::import::run(&ctx, args).unwrap();
    assert_eq!(got, std::fs::read_to_string(&cli).unwrap());
}

#[test]
fn return_file_needs_the_very_file_imported() {
    let d = demo();
    let other = d.dir.path().join("orig");
    std::fs::create_dir(&other).unwrap();
    let name = "completions-029-fall-2026.csv";
    std::fs::write(other.join(name), "Student ID\n1\n").unwrap();
    let src = StoreSource(d.store.clone(), other.clone());
    let id = d
        .store
        .batches()
        .unwrap()
        .iter()
        .find(|b| b.file == name)
        .unwrap()
        .id;
    let out = d.dir.path().join("x.csv");
    use crate::tui::Source as _;
    let e = src.write_return_file(id, d.ctx.today, &out).unwrap_err();
    assert!(format!("{e:#}").contains("contents differ"), "{e:#}");
    let missing = StoreSource(d.store.clone(), d.dir.path().join("nowhere"));
    let e = missing
        .write_return_file(id, d.ctx.today, &out)
        .unwrap_err();
    assert!(format!("{e:#}").contains("cannot read"), "{e:#}");
    assert!(!out.exists());
}
