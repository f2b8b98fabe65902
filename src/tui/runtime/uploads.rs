//! The Uploads screens' effects: staging a file (with progress steps),
//! the finding delta of a staged batch, commit/discard/revert, and path
//! completion. Every write runs off the UI thread; what it made comes back
//! as [`Msg`]s (commits through [`Msg::Committed`], so every open screen
//! follows).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::thread;
use std::time::Duration;

use super::{Host, Msg};
use crate::domain::{Date, StageStep, Write};
use crate::tui::app::{App, BatchOp, Effect, ImportStep, Loaded};
use crate::tui::source::{Source, StageOutcome};

/// How often the gauge of a running import moves.
const TICK: Duration = Duration::from_millis(150);

/// What a job needs from the app, so it can run on a worker.
#[derive(Debug, Clone)]
pub(super) struct Job {
    today: Date,
    read_only: bool,
    actor: String,
}

impl Job {
    pub(super) fn new(app: &App, actor: &str) -> Job {
        Job {
            today: app.today,
            read_only: app.read_only,
            actor: actor.to_string(),
        }
    }
}

fn loaded(l: Loaded) -> Msg {
    Msg::Loaded(Box::new(l))
}

/// Runs one effect against the source, handing each message to `send`
/// (the channel on a worker, a vector inline).
pub(super) fn perform(source: &dyn Source, job: &Job, effect: Effect, send: &mut dyn FnMut(Msg)) {
    match effect {
        Effect::Stage { path, term } => {
            if job.read_only {
                let e = "read-only: importing a file is refused".to_string();
                return send(loaded(Loaded::Staged(Err(e))));
            }
            let bytes = match std::fs::metadata(&path) {
                Ok(m) if m.is_file() => m.len(),
                Ok(_) => {
                    let e = format!("{} is not a file", path.display());
                    return send(loaded(Loaded::Staged(Err(e))));
                }
                Err(e) => {
                    let e = format!("cannot read {}: {e}", path.display());
                    return send(loaded(Loaded::Staged(Err(e))));
                }
            };
            send(loaded(Loaded::Importing(ImportStep::Reading { bytes })));
            let mut shown = None;
            let mut step = |s: StageStep| {
                if let Some(step) = gauge_step(&mut shown, s) {
                    send(loaded(Loaded::Importing(step)));
                }
            };
            let r = source
                .stage_file(&path, None, term, job.today, &job.actor, &mut step)
                .map_err(|e| format!("{e:#}"))
                .and_then(|o| match o {
                    StageOutcome::Rejected(p) => Err(format!(
                        "{} ({}): nothing staged",
                        p.message,
                        p.code.as_str()
                    )),
                    StageOutcome::Staged(id) => source
                        .batches()
                        .map_err(|e| format!("{e:#}"))?
                        .into_iter()
                        .find(|b| b.id == id)
                        .ok_or_else(|| format!("batch {id} was staged but cannot be read")),
                });
            send(loaded(Loaded::Staged(r)));
        }
        Effect::PreviewBatch(id) => {
            let r = source
                .batch_writes(id, job.today)
                .map_err(|e| format!("{e:#}"));
            send(Msg::Preview(id, r));
        }
        Effect::SettleBatch { op, batch } => {
            if job.read_only {
                let e = format!("read-only: {} a batch is refused", op.doing());
                return send(loaded(Loaded::Settled {
                    op,
                    batch,
                    result: Err(e),
                }));
            }
            let r: anyhow::Result<Vec<Write>> = match op {
                BatchOp::Commit => source.commit_batch(batch, job.today, &job.actor),
                BatchOp::Discard => source.discard_batch(batch, &job.actor).map(|()| Vec::new()),
                BatchOp::Revert => source.revert_batch(batch, &job.actor),
            };
            let result = match r {
                Ok(writes) => {
                    let n = writes.len();
                    if op != BatchOp::Discard {
                        send(Msg::Committed(writes));
                    }
                    Ok(n)
                }
                Err(e) => Err(format!("{e:#}")),
            };
            send(loaded(Loaded::Settled { op, batch, result }));
        }
        Effect::CompletePath(typed) => {
            let options = completions(&typed);
            send(loaded(Loaded::Completions { typed, options }));
        }
        _ => {}
    }
}

/// The gauge's step for a staging step, or `None` when the gauge would
/// not move: a step per percent at most (`shown` is the last one sent).
fn gauge_step(shown: &mut Option<(bool, usize)>, s: StageStep) -> Option<ImportStep> {
    let (storing, done, total) = match s {
        StageStep::Read { rows } => (false, 0, rows),
        StageStep::Triaged { done, total } => (false, done, total),
        StageStep::Stored { done, total } => (true, done, total),
    };
    let percent = (storing, done * 100 / total.max(1));
    if *shown == Some(percent) {
        return None;
    }
    *shown = Some(percent);
    Some(ImportStep::Rows {
        storing,
        done,
        total,
    })
}

/// Runs one effect on a thread; a running import also sends ticks that
/// animate its gauge until it ends.
pub(super) fn spawn(
    source: &Arc<dyn Source + Send + Sync>,
    results: &Sender<Msg>,
    job: Job,
    effect: Effect,
) {
    let (src, tx) = (Arc::clone(source), results.clone());
    let done = Arc::new(AtomicBool::new(false));
    if matches!(effect, Effect::Stage { .. }) {
        let (done, tx) = (Arc::clone(&done), results.clone());
        thread::spawn(move || {
            loop {
                thread::sleep(TICK);
                if done.load(Ordering::Relaxed) {
                    return;
                }
                if tx
                    .send(loaded(Loaded::Importing(ImportStep::Tick)))
                    .is_err()
                {
                    return;
                }
            }
        });
    }
    thread::spawn(move || {
        perform(&*src, &job, effect, &mut |m| {
            let _ = tx.send(m);
        });
        done.store(true, Ordering::Relaxed);
    });
}

/// Runs one effect inline and handles its messages (tests).
pub(super) fn inline(
    app: &mut App,
    host: &mut Host,
    source: &dyn Source,
    effect: Effect,
) -> Vec<Effect> {
    let job = Job::new(app, &host.actor);
    let mut msgs = Vec::new();
    perform(source, &job, effect, &mut |m| msgs.push(m));
    let mut effects = Vec::new();
    for m in msgs {
        if let Ok(e) = super::handle_msg(app, host, m) {
            effects.extend(e);
        }
    }
    effects
}

impl Host {
    /// What committing batch `id` would write came back: the policy turns
    /// it into the findings it would add and remove (nothing stored).
    pub fn preview(
        &mut self,
        app: &mut App,
        id: u64,
        writes: Result<Vec<Write>, String>,
    ) -> Vec<Effect> {
        let r = writes.and_then(|w| match self.policy.as_mut() {
            Some(p) => Ok(p.delta(&w)),
            None => Err("the findings are still being evaluated: try again in a moment".into()),
        });
        app.loaded(Loaded::Delta(id, r))
    }
}

/// The paths that complete `typed`: the entries of its directory whose
/// names start with its last part, directories ending in `/`, sorted.
pub fn completions(typed: &str) -> Vec<String> {
    let (dir, stem) = match typed.rfind('/') {
        Some(i) => (
            typed.get(..=i).unwrap_or(""),
            typed.get(i + 1..).unwrap_or(""),
        ),
        None => ("", typed),
    };
    let listed = if dir.is_empty() {
        Path::new(".").to_path_buf()
    } else {
        crate::tui::app::uploads::expand_home(dir)
    };
    let Ok(entries) = std::fs::read_dir(&listed) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            if !name.starts_with(stem) || (stem.is_empty() && name.starts_with('.')) {
                return None;
            }
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            Some(format!("{dir}{name}{}", if is_dir { "/" } else { "" }))
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::domain::{District, DistrictCode, DistrictKind, Record, RecordKey};
    use crate::tui::source::MemorySource;
    use std::sync::mpsc;

    /// A source whose commit writes one district.
    struct Commits;

    impl Source for Commits {
        fn districts(&self) -> anyhow::Result<Vec<District>> {
            Ok(Vec::new())
        }
        fn schools(&self, _: &DistrictCode) -> anyhow::Result<Vec<crate::domain::School>> {
            Ok(Vec::new())
        }
        fn students_of_school(
            &self,
            _: &crate::domain::SchoolCode,
        ) -> anyhow::Result<Vec<crate::domain::Student>> {
            Ok(Vec::new())
        }
        fn student(
            &self,
            _: &crate::domain::StudentId,
        ) -> anyhow::Result<Option<crate::domain::Student>> {
            Ok(None)
        }
        fn exams_of(
            &self,
            _: &crate::domain::StudentId,
        ) -> anyhow::Result<Vec<crate::domain::ExamAttempt>> {
            Ok(Vec::new())
        }
        fn commit_batch(&self, _: u64, _: Date, _: &str) -> anyhow::Result<Vec<Write>> {
            let code = DistrictCode::parse("017").unwrap();
            let d = District {
                code: code.clone(),
                name: "East Baton Rouge".into(),
                kind: DistrictKind::District,
                client: true,
            };
            Ok(vec![Write {
                key: RecordKey::District(code),
                before: None,
                after: Some(Record::District(d)),
            }])
        }
    }

    fn job(read_only: bool) -> Job {
        Job {
            today: Date::constant(2026, 12, 4),
            read_only,
            actor: "op".into(),
        }
    }

    /// Messages from a spawned job until `last` says it is done.
    fn until(rx: &mpsc::Receiver<Msg>, last: fn(&Loaded) -> bool) -> Vec<Msg> {
        let mut out = Vec::new();
        while let Ok(m) = rx.recv_timeout(Duration::from_secs(10)) {
            let done = matches!(&m, Msg::Loaded(l) if last(l));
            out.push(m);
            if done {
                return out;
            }
        }
        panic!("no end: {out:?}");
    }

    #[test]
    fn a_worker_import_reports_its_steps_then_the_outcome() {
        let (tx, rx) = mpsc::channel();
        let src: Arc<dyn Source + Send + Sync> = Arc::new(MemorySource::default());
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/districts.csv");
        let term = "fall-2026".parse().unwrap();
        spawn(&src, &tx, job(false), Effect::Stage { path, term });
        let msgs = until(&rx, |l| matches!(l, Loaded::Staged(_)));
        let steps: Vec<String> = msgs
            .iter()
            .filter_map(|m| match m {
                Msg::Loaded(l) => match &**l {
                    Loaded::Importing(ImportStep::Tick) => None,
                    Loaded::Importing(s) => Some(format!("{s:?}")),
                    Loaded::Staged(Err(e)) => Some(e.clone()),
                    other => Some(format!("{other:?}")),
                },
                _ => Some("other".into()),
            })
            .collect();
        assert_eq!(steps.len(), 2, "{steps:?}");
        assert!(steps[0].starts_with("Reading { bytes: "), "{steps:?}");
        assert_eq!(steps[1], "this data source cannot import files");
    }

    #[test]
    fn the_gauge_moves_once_per_percent_and_phase() {
        let mut shown = None;
        let mut sent = Vec::new();
        let total = 200_000;
        let mut steps = vec![StageStep::Read { rows: total }];
        steps.extend((1..=200).map(|k| StageStep::Triaged {
            done: k * 1000,
            total,
        }));
        steps.extend((1..=200).map(|k| StageStep::Stored {
            done: k * 1000,
            total,
        }));
        for s in steps {
            sent.extend(gauge_step(&mut shown, s));
        }
        // Each phase shows 0 ..= 100 percent once each, out of 401 steps.
        let triaging = sent
            .iter()
            .filter(|s| matches!(s, ImportStep::Rows { storing: false, .. }))
            .count();
        let storing = sent.len() - triaging;
        assert_eq!((triaging, storing), (101, 101));
        assert_eq!(
            sent.last(),
            Some(&ImportStep::Rows {
                storing: true,
                done: total,
                total
            })
        );
    }

    #[test]
    fn a_worker_commit_sends_its_writes_before_saying_so_and_read_only_refuses() {
        let (tx, rx) = mpsc::channel();
        let src: Arc<dyn Source + Send + Sync> = Arc::new(Commits);
        let commit = Effect::SettleBatch {
            op: BatchOp::Commit,
            batch: 4,
        };
        spawn(&src, &tx, job(false), commit.clone());
        let msgs = until(&rx, |l| matches!(l, Loaded::Settled { .. }));
        assert!(matches!(&msgs[..], [Msg::Committed(w), Msg::Loaded(_)] if w.len() == 1));
        let Msg::Loaded(l) = &msgs[1] else {
            panic!("{msgs:?}")
        };
        assert!(matches!(
            &**l,
            Loaded::Settled {
                result: Ok(1),
                batch: 4,
                op: BatchOp::Commit
            }
        ));
        spawn(&src, &tx, job(true), commit);
        let msgs = until(&rx, |l| matches!(l, Loaded::Settled { .. }));
        let [Msg::Loaded(l)] = &msgs[..] else {
            panic!("{msgs:?}")
        };
        let Loaded::Settled { result: Err(e), .. } = &**l else {
            panic!("{l:?}")
        };
        assert_eq!(e, "read-only: committing a batch is refused");
    }

    #[test]
    fn completion_lists_matching_files_and_marks_directories() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().display().to_string();
        std::fs::write(dir.path().join("comp-1.csv"), "x").unwrap();
        std::fs::write(dir.path().join("comp-2.csv"), "x").unwrap();
        std::fs::write(dir.path().join(".hidden"), "x").unwrap();
        std::fs::create_dir(dir.path().join("completions")).unwrap();
        assert_eq!(
            completions(&format!("{base}/comp-")),
            vec![format!("{base}/comp-1.csv"), format!("{base}/comp-2.csv")]
        );
        assert_eq!(
            completions(&format!("{base}/compl")),
            vec![format!("{base}/completions/")]
        );
        assert_eq!(completions(&format!("{base}/")).len(), 3);
        assert!(completions(&format!("{base}/nothing-here/")).is_empty());
    }
}
