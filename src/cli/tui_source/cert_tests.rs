//! Certificates in the UI on a demo store, driven by keys: the detail's
//! section, issuing for the selected student and for marked students as one
//! change set, nothing due, `--read-only`, undo; and the CLI and the UI
//! agreeing on what is due (the same function).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::StoreSource;
use crate::domain::{BatchKind, Credential, DistrictCode, Record, RecordKey, StudentId, Term};
use crate::store::Store;
use crate::tui::App;
use crate::tui::app::{DetailView, Effect, ListView, Loadable, Request, Screen};
use crate::tui::keymap::{Chord, load_keymap};
use crate::tui::runtime::{Host, run_effects_with};
use crate::tui::source::{CertificateState, Source};
use crate::tui::theme::Theme;

const ACTOR: &str = "op";

fn term() -> Term {
    "fall-2026".parse().unwrap()
}

fn confirm_017(store: &Store) {
    let d = DistrictCode::parse("017").unwrap();
    crate::cli::confirm::confirm(store, crate::cli::demo::DEMO_TODAY, "tester", term(), &d)
        .unwrap();
}

/// What `mecred certificates issue --term fall-2026` would issue now.
fn cli_due(store: &Store) -> Vec<(StudentId, Credential)> {
    let (snap, eval) = crate::cli::evaluate(store, crate::cli::demo::DEMO_TODAY).unwrap();
    crate::cli::certificates::due_in(store, &snap, &eval, term(), None)
        .unwrap()
        .due
        .into_iter()
        .map(|d| (d.student, d.credential))
        .collect()
}

struct Ui {
    app: App,
    host: Host,
    src: StoreSource,
    out: PathBuf,
}

impl Ui {
    fn open(store: &Store, dir: &Path, read_only: bool) -> Ui {
        let (km, _) = load_keymap("default", None);
        let mut app = App::new(
            km,
            Theme::no_color(),
            crate::cli::demo::DEMO_TODAY,
            "demo",
            read_only,
        );
        let out = dir.join("certs");
        app.certificate_dir = out.clone();
        let src = StoreSource(store.clone(), PathBuf::from("."));
        let mut host = Host::new(ACTOR);
        let start = app.start();
        run_effects_with(&mut app, &mut host, &src, start);
        Ui {
            app,
            host,
            src,
            out,
        }
    }

    fn run(&mut self, effects: Vec<Effect>) {
        run_effects_with(&mut self.app, &mut self.host, &self.src, effects);
    }

    fn detail(&mut self, id: &StudentId) {
        self.app.stack.push(Screen::Detail(DetailView {
            id: id.clone(),
            school_name: None,
            record: Loadable::Loading,
            certificates: Loadable::Loading,
            scroll: 0,
        }));
        self.run(vec![Effect::Load(Request::Student(id.clone()))]);
    }

    fn students(&mut self, store: &Store, id: &StudentId) {
        let Some(Record::Student(s)) = store.get(&RecordKey::Student(id.clone())).unwrap() else {
            panic!("no student {id}")
        };
        let school = store
            .schools(None)
            .unwrap()
            .into_iter()
            .find(|x| x.code == s.school)
            .unwrap();
        self.app.stack.push(Screen::Students {
            school,
            list: ListView::loading(),
        });
        self.run(vec![Effect::Load(Request::Students(s.school.clone()))]);
    }

    fn press(&mut self, keys: &str) {
        for k in keys.split_whitespace() {
            let effects = self.app.key(Chord::parse(k).unwrap());
            self.run(effects);
        }
    }

    fn said(&self) -> String {
        self.app.message.clone().map(|m| m.0).unwrap_or_default()
    }

    fn screen(&self, w: u16, h: u16) -> String {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| crate::tui::render(&self.app, f)).unwrap();
        let buf = t.backend().buffer().clone();
        buf.content
            .chunks(usize::from(w))
            .map(|row| {
                row.iter()
                    .map(|c| c.symbol())
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Scrolls the detail down until its Certificates section is in view
    /// (with the `lines` after its header) at `w`×`h`.
    fn certificates_in_view(&mut self, w: u16, h: u16) -> String {
        self.app.resize(w, h);
        for _ in 0..200 {
            let s = self.screen(w, h);
            if let Some(at) = s.lines().position(|l| l.contains("Certificates"))
                && at + 4 < usize::from(h)
            {
                return s;
            }
            self.press("down");
        }
        panic!("no Certificates section in\n{}", self.screen(w, h));
    }

    fn pdfs(&self) -> Vec<String> {
        let Ok(dir) = std::fs::read_dir(&self.out) else {
            return Vec::new();
        };
        let mut v: Vec<String> = dir
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

fn cert_batches(store: &Store) -> Vec<crate::domain::Batch> {
    store
        .batches()
        .unwrap()
        .into_iter()
        .filter(|b| b.kind == BatchKind::Edit && b.file.starts_with("issue "))
        .collect()
}

#[test]
fn the_cli_and_the_ui_agree_on_what_is_due() {
    let (_dir, _ctx, store) = super::demo_store(false);
    let src = StoreSource(store.clone(), PathBuf::from("."));
    let ids: Vec<StudentId> = store
        .students()
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    let ui_due = |src: &StoreSource| -> BTreeSet<(StudentId, Credential)> {
        src.certificates_of(&ids, crate::cli::demo::DEMO_TODAY)
            .unwrap()
            .into_iter()
            .filter(|s| matches!(s.state, CertificateState::Due(_)))
            .map(|s| (s.student, s.credential))
            .collect()
    };
    // Nothing before the district confirms; the students wait, saying why.
    assert!(cli_due(&store).is_empty());
    assert!(ui_due(&src).is_empty());
    let waiting = src
        .certificates_of(&ids, crate::cli::demo::DEMO_TODAY)
        .unwrap();
    assert!(waiting.iter().any(|s| matches!(&s.state,
        CertificateState::Waiting(why) if why.contains("district 017: has not confirmed its fall-2026 report"))));
    confirm_017(&store);
    let cli: BTreeSet<_> = cli_due(&store).into_iter().collect();
    assert_eq!(cli.len(), 5);
    assert_eq!(ui_due(&src), cli);
    // Once issued, neither finds them due.
    let out = tempfile::tempdir().unwrap();
    let (made, text) = crate::tui::runtime::certificates::issue(
        &src,
        ACTOR,
        crate::cli::demo::DEMO_TODAY,
        &ids,
        out.path(),
    )
    .unwrap();
    assert_eq!(made.len(), 5, "{text}");
    assert!(cli_due(&store).is_empty());
    assert!(ui_due(&src).is_empty());
}

#[test]
fn issuing_for_the_selected_student_then_undo() {
    let (dir, _ctx, store) = super::demo_store(false);
    confirm_017(&store);
    let (sid, _) = cli_due(&store).into_iter().next().unwrap();
    let mut ui = Ui::open(&store, dir.path(), false);
    ui.detail(&sid);
    let s = ui.certificates_in_view(80, 24);
    assert!(
        s.contains("Regional Core       [ ] due  attained 20"),
        "{s}"
    );
    ui.press("C");
    let s = ui.screen(80, 24);
    assert!(
        s.contains(&format!(
            "issue 1 certificate(s) for 1 student(s) into {}? y/n",
            ui.out.display()
        )),
        "{s}"
    );
    ui.press("y");
    let b = cert_batches(&store);
    assert_eq!(b.len(), 1);
    assert_eq!(
        ui.said(),
        format!(
            "issued 1 certificate(s) into {} (change set {})",
            ui.out.display(),
            b[0].id
        )
    );
    assert_eq!(ui.pdfs(), [format!("017-{sid}-regional-core.pdf")]);
    let Some(Record::Certificate(c)) = store
        .get(&RecordKey::Certificate(
            sid.clone(),
            Credential::RegionalCore,
        ))
        .unwrap()
    else {
        panic!("no certificate stored")
    };
    assert_eq!(c.issued, crate::cli::demo::DEMO_TODAY);
    // The detail was read again: issued, with the code as verify prints it.
    let code = crate::report::certificate::grouped(c.code.as_deref().unwrap());
    let s = ui.certificates_in_view(80, 24);
    assert!(
        s.contains(&format!("[x] issued 2026-12-04  code {code}")),
        "{s}"
    );
    let s = ui.certificates_in_view(160, 50);
    assert!(s.contains(&format!("code {code}")), "{s}");
    // Undo reverts the one change set: due again.
    ui.press("u");
    assert!(
        ui.said().contains(&format!("undid change set {}", b[0].id)),
        "{}",
        ui.said()
    );
    assert_eq!(
        store
            .get(&RecordKey::Certificate(
                sid.clone(),
                Credential::RegionalCore
            ))
            .unwrap(),
        None
    );
    let s = ui.certificates_in_view(80, 24);
    assert!(s.contains("[ ] due"), "{s}");
}

#[test]
fn issuing_for_marked_students_is_one_change_set() {
    let (dir, _ctx, store) = super::demo_store(false);
    confirm_017(&store);
    let due = cli_due(&store);
    let (first, _) = due.first().cloned().unwrap();
    let mut ui = Ui::open(&store, dir.path(), false);
    ui.students(&store, &first);
    ui.press("*");
    let marked = ui.app.edit.marks.clone();
    let expect: Vec<&StudentId> = due
        .iter()
        .map(|(s, _)| s)
        .filter(|s| marked.contains(*s))
        .collect();
    assert!(!expect.is_empty());
    ui.press("C");
    let s = ui.screen(120, 30);
    let n = expect.len();
    assert!(
        s.contains(&format!(
            "issue {n} certificate(s) for {n} student(s) into {}? y/n",
            ui.out.display()
        )),
        "{s}"
    );
    ui.press("y");
    let b = cert_batches(&store);
    assert_eq!(b.len(), 1, "one change set");
    assert_eq!(store.committed_writes(b[0].id).unwrap().len(), n);
    assert_eq!(ui.pdfs().len(), n);
    assert!(ui.app.edit.marks.is_empty());
    assert!(ui.said().starts_with(&format!("issued {n} certificate(s)")));
    // Again: nothing is due any more.
    ui.press("* C");
    assert_eq!(ui.said(), "no certificate is due");
    assert!(ui.app.record_prompt.is_none());
    assert_eq!(cert_batches(&store).len(), 1);
}

#[test]
fn nothing_due_before_the_district_confirms_and_no_says_no() {
    let (dir, _ctx, store) = super::demo_store(false);
    let mut ui = Ui::open(&store, dir.path(), false);
    // Before the confirmation: waiting, saying why; the key finds none.
    let ids: Vec<StudentId> = store
        .students()
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    let waiting = ui
        .src
        .certificates_of(&ids, crate::cli::demo::DEMO_TODAY)
        .unwrap();
    let sid = waiting
        .iter()
        .find(|s| {
            matches!(&s.state, CertificateState::Waiting(why)
                if why.contains("has not confirmed its fall-2026 report"))
        })
        .map(|s| s.student.clone())
        .unwrap();
    ui.detail(&sid);
    let s = ui.certificates_in_view(80, 24);
    assert!(s.contains("[ ] not yet"), "{s}");
    assert!(s.contains("has not confirmed its fall-2026 report"), "{s}");
    ui.press("C");
    assert_eq!(ui.said(), "no certificate is due");
    assert!(cert_batches(&store).is_empty());
    assert!(ui.pdfs().is_empty());
    // After it: asked, and `n` issues nothing.
    confirm_017(&store);
    let (due, _) = cli_due(&store).into_iter().next().unwrap();
    ui.detail(&due);
    ui.press("C");
    assert!(ui.app.record_prompt.is_some());
    ui.press("n");
    assert_eq!(ui.said(), "no certificates issued");
    assert!(cert_batches(&store).is_empty());
    assert!(ui.pdfs().is_empty());
}

#[test]
fn read_only_refuses_issuing() {
    let (dir, _ctx, store) = super::demo_store(false);
    confirm_017(&store);
    let (sid, _) = cli_due(&store).into_iter().next().unwrap();
    let mut ui = Ui::open(&store, dir.path(), true);
    ui.detail(&sid);
    ui.press("C");
    assert_eq!(ui.said(), "read-only: issuing certificates is refused");
    assert!(ui.app.record_prompt.is_none());
    // The worker refuses too, should the effect come anyway.
    let effect = Effect::IssueCertificates {
        ids: vec![sid],
        dir: ui.out.clone(),
        today: crate::cli::demo::DEMO_TODAY,
    };
    ui.run(vec![effect]);
    assert!(ui.said().starts_with("read-only"), "{}", ui.said());
    assert!(cert_batches(&store).is_empty());
    assert!(ui.pdfs().is_empty());
}
