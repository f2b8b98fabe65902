//! The store as the TUI's data source.

use super::Context;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::context::now;
use crate::domain::{
    Ack, Batch, District, DistrictCode, ExamAttempt, RecordKey, RowResult, School, SchoolCode,
    Student, StudentId,
};
use crate::domain::{BatchKind, Note, NoteTarget, Record, Write};
use crate::domain::{Date, Term};
use crate::policy::{Evaluation, Snapshot};
use crate::store::ConfirmationRecord;
use crate::store::Store;
use crate::tui::source::{Event, EventSummary, ReportData, StageOutcome};
use crate::tui::{Source, TuiOptions};
use anyhow::Context as _;

/// The store as a [`Source`] (behind an `Arc`, so worker threads can read
/// it), and the directory where uploaded files are looked for again (an
/// error return file needs the file's cells, which the store does not keep).
struct StoreSource(Store, PathBuf);

impl Source for StoreSource {
    fn districts(&self) -> anyhow::Result<Vec<District>> {
        Ok(self.0.districts()?)
    }
    fn schools(&self, district: &DistrictCode) -> anyhow::Result<Vec<School>> {
        Ok(self.0.schools(Some(district))?)
    }
    fn students_of_school(&self, school: &SchoolCode) -> anyhow::Result<Vec<Student>> {
        Ok(self.0.students_of_school(school)?)
    }
    fn student(&self, id: &StudentId) -> anyhow::Result<Option<Student>> {
        Ok(
            match self.0.get(&crate::domain::RecordKey::Student(id.clone()))? {
                Some(crate::domain::Record::Student(s)) => Some(s),
                _ => None,
            },
        )
    }
    fn exams_of(&self, id: &StudentId) -> anyhow::Result<Vec<ExamAttempt>> {
        Ok(self.0.exams_of(id)?)
    }
    fn all_schools(&self) -> anyhow::Result<Vec<School>> {
        Ok(self.0.schools(None)?)
    }
    fn all_students(&self) -> anyhow::Result<Vec<Student>> {
        Ok(self.0.students()?)
    }
    fn all_exams(&self) -> anyhow::Result<Vec<ExamAttempt>> {
        Ok(self.0.exams()?)
    }
    fn students_of_district(&self, district: &DistrictCode) -> anyhow::Result<Vec<Student>> {
        Ok(self.0.students_of_district(district)?)
    }
    fn batches(&self) -> anyhow::Result<Vec<Batch>> {
        Ok(self.0.batches()?)
    }
    fn row_results(&self, batch: u64) -> anyhow::Result<Vec<RowResult>> {
        Ok(self.0.row_results(batch)?)
    }
    fn event_summaries(&self) -> anyhow::Result<Vec<EventSummary>> {
        Ok(self.0.events()?.iter().map(EventSummary::of).collect())
    }
    fn event(&self, seq: u64) -> anyhow::Result<Option<Event>> {
        Ok(self.0.event(seq)?)
    }
    fn events_for(&self, key: &RecordKey) -> anyhow::Result<Vec<Event>> {
        Ok(self.0.events_for(key)?)
    }
    fn snapshot(&self) -> anyhow::Result<Snapshot> {
        super::load_snapshot(&self.0)
    }
    fn evaluate(&self, snapshot: &mut Snapshot, today: Date) -> anyhow::Result<Evaluation> {
        super::check::evaluate_loaded(&self.0, snapshot, today)
    }
    fn fee_statements(&self) -> anyhow::Result<Vec<crate::domain::FeeStatement>> {
        Ok(self.0.fee_statements()?)
    }
    fn acks(&self) -> anyhow::Result<Vec<Ack>> {
        Ok(self.0.acks()?)
    }
    fn acknowledge(&self, ack: &Ack) -> anyhow::Result<()> {
        Ok(self.0.put_ack(ack)?)
    }
    fn report(
        &self,
        today: Date,
        term: Term,
        district: Option<&DistrictCode>,
    ) -> anyhow::Result<ReportData> {
        // The very steps of `mecred report`, so an export is byte-identical.
        let (snap, eval) = super::evaluate(&self.0, today)?;
        let report = super::report::report_of(&self.0, &snap, &eval, term, district)?;
        let confirmation = match district {
            Some(d) => self
                .0
                .confirmations_of(d, term)?
                .into_iter()
                .find(|c| c.is_current()),
            None => None,
        };
        let mut data = ReportData::new(report, &snap, &eval, district, confirmation);
        // A report changed only by a retention purge's redaction still
        // matches its confirmation: the screen compares the two hashes.
        if let Some(c) = &mut data.confirmation
            && c.sha256 != data.hash
            && self.0.confirmation_matches(c, &data.hash)?
        {
            c.sha256 = data.hash.clone();
        }
        Ok(data)
    }
    fn confirm_report(
        &self,
        today: Date,
        term: Term,
        district: &DistrictCode,
        actor: &str,
    ) -> anyhow::Result<ConfirmationRecord> {
        super::confirm::confirm(&self.0, today, actor, term, district)
    }
    fn certificates_of(
        &self,
        ids: &[StudentId],
        today: Date,
    ) -> anyhow::Result<Vec<crate::tui::source::CertificateStanding>> {
        super::certificates::standings(&self.0, today, ids)
    }
    fn write_return_file(
        &self,
        batch: u64,
        today: Date,
        out: &Path,
    ) -> anyhow::Result<(PathBuf, usize)> {
        let Some(b) = self.0.batch(batch)? else {
            anyhow::bail!("there is no batch {batch}");
        };
        // Where it was read from; else (older batches) where mecred runs.
        let original = match self.0.origin(batch)? {
            Some(path) => PathBuf::from(path),
            None => self.1.join(&b.file),
        };
        super::import::return_file_of_batch(&self.0, batch, &original, today, out)
    }
    fn stage_file(
        &self,
        path: &Path,
        kind: Option<BatchKind>,
        term: Term,
        today: Date,
        actor: &str,
        progress: &mut dyn FnMut(crate::domain::StageStep),
    ) -> anyhow::Result<StageOutcome> {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let name = super::import::file_name(path);
        let origin = super::import::absolute(path);
        stage_bytes(
            &self.0, &name, bytes, kind, term, today, actor, &origin, progress,
        )
    }
    fn batch_writes(&self, id: u64, today: Date) -> anyhow::Result<Vec<Write>> {
        Ok(super::uploads::retriage(&self.0, id, today)?.writes)
    }
    fn commit_batch(&self, id: u64, today: Date, actor: &str) -> anyhow::Result<Vec<Write>> {
        let t = super::uploads::retriage(&self.0, id, today)?;
        Ok(self
            .0
            .commit(id, t.summary, &t.results, t.writes, actor, &now())?)
    }
    fn discard_batch(&self, id: u64, actor: &str) -> anyhow::Result<()> {
        Ok(self.0.discard(id, actor, &now())?)
    }
    fn revert_batch(&self, id: u64, actor: &str) -> anyhow::Result<Vec<Write>> {
        let made = self.0.committed_writes(id)?;
        self.0.revert(id, actor, &now())?;
        // Undone newest first, each record back to what it was before.
        Ok(made
            .into_iter()
            .rev()
            .map(|w| Write {
                key: w.key,
                before: w.after,
                after: w.before,
            })
            .collect())
    }
    fn apply_change_set(
        &self,
        kind: BatchKind,
        description: &str,
        writes: Vec<Write>,
        actor: &str,
    ) -> anyhow::Result<(u64, Vec<Write>)> {
        let district = one_district(&writes);
        Ok(self
            .0
            .apply_change_set(kind, description, district, writes, actor, &now())?)
    }
    fn committed_writes(&self, id: u64) -> anyhow::Result<Vec<Write>> {
        Ok(self.0.committed_writes(id)?)
    }
    fn record(&self, key: &RecordKey) -> anyhow::Result<Option<Record>> {
        Ok(self.0.get(key)?)
    }
    fn transfer_student(
        &self,
        id: &StudentId,
        school: &SchoolCode,
        actor: &str,
    ) -> anyhow::Result<(u64, Vec<Write>)> {
        // No new school from the UI: `mecred transfer --school-name` does that.
        let t = self.0.transfer_student(id, school, None, actor, &now())?;
        Ok((t.batch, t.writes))
    }
    fn add_note(&self, target: NoteTarget, text: &str, actor: &str) -> anyhow::Result<u64> {
        Ok(self.0.add_note(target, text, actor, &now())?)
    }
    fn notes(&self) -> anyhow::Result<Vec<Note>> {
        Ok(self.0.notes()?)
    }
    fn notes_for(&self, target: &NoteTarget) -> anyhow::Result<Vec<Note>> {
        Ok(self.0.notes_for(target)?)
    }
}

/// The district every write concerns, when there is exactly one.
pub fn one_district(writes: &[Write]) -> Option<DistrictCode> {
    let mut found: Option<DistrictCode> = None;
    for w in writes {
        let d = match w.after.as_ref().or(w.before.as_ref())? {
            Record::Student(s) => s.district(),
            Record::School(s) => s.district(),
            Record::District(d) => d.code.clone(),
            Record::Agreement(a) => a.district.clone(),
            _ => return None,
        };
        match &found {
            Some(f) if *f != d => return None,
            _ => found = Some(d),
        }
    }
    found
}

/// The store as the TUI's data source (benches and tests drive the UI on it).
pub fn store_source(store: &Store) -> Arc<dyn Source + Send + Sync> {
    Arc::new(StoreSource(store.clone(), PathBuf::from(".")))
}

/// Stages an upload's `bytes` (the file `name`, read from `origin`) as the
/// UI's import does: triaged, staged, nothing committed, where it was read
/// from recorded for its error return file. Used by the store source and
/// by the server for a client's file.
#[allow(clippy::too_many_arguments)]
pub fn stage_bytes(
    store: &Store,
    name: &str,
    bytes: Vec<u8>,
    kind: Option<BatchKind>,
    term: Term,
    today: Date,
    actor: &str,
    origin: &str,
    progress: &mut dyn FnMut(crate::domain::StageStep),
) -> anyhow::Result<StageOutcome> {
    let ctx = Context {
        db: None,
        today,
        today_given: true,
        district: None,
        io: crate::cli::Io::default(),
        store: None,
        json: true,
        read_only: false,
        keymap: "default".into(),
        actor: actor.to_string(),
    };
    Ok(
        match super::stage_reporting(&ctx, store, name, bytes, kind, term, progress)? {
            super::Staged::Rejected { problem, .. } => StageOutcome::Rejected(problem),
            super::Staged::Batch { id, .. } => {
                store.set_origin(id, origin)?;
                StageOutcome::Staged(id)
            }
        },
    )
}

/// Opens the terminal UI on `store`.
pub fn run(ctx: &Context, store: &Store) -> anyhow::Result<()> {
    let opts = TuiOptions {
        today: ctx.today,
        read_only: ctx.read_only,
        keymap: ctx.keymap.clone(),
        db_label: store.path().display().to_string(),
        actor: ctx.actor.clone(),
    };
    crate::tui::run(store_source(store), &opts)
}

/// The demo database in a temporary directory, for the store-backed UI
/// tests: its directory, a context on it (`tester`, the demo's today) and
/// the store.
#[cfg(test)]
pub(crate) fn demo_store(read_only: bool) -> (tempfile::TempDir, Context, Store) {
    let Ok(dir) = tempfile::tempdir() else {
        panic!("no temporary directory");
    };
    let ctx = Context {
        db: Some(dir.path().join("db")),
        today: crate::cli::demo::DEMO_TODAY,
        today_given: true,
        district: None,
        io: crate::cli::Io::default(),
        store: None,
        json: true,
        read_only,
        keymap: "default".into(),
        actor: "tester".into(),
    };
    let store = match ctx.open_store() {
        Ok(s) => s,
        Err(e) => panic!("{e:#}"),
    };
    if let Err(e) = crate::cli::demo::build(&ctx, &store) {
        panic!("{e:#}");
    }
    (dir, ctx, store)
}

#[cfg(test)]
mod cert_tests;
#[cfg(test)]
mod edit_tests;
#[cfg(test)]
mod harness;
#[cfg(test)]
mod records_tests;
#[cfg(test)]
mod reports_tests;
#[cfg(test)]
mod uploads_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::args::ConfirmArgs;
    use crate::domain::Term;

    #[test]
    fn the_ui_sees_confirmations_like_check_does() {
        let (_dir, ctx, store) = super::demo_store(false);
        let pending = |store: &Store| {
            let source = StoreSource(store.clone(), PathBuf::from("."));
            let mut snap = source.snapshot().unwrap();
            let eval = source.evaluate(&mut snap, ctx.today).unwrap();
            eval.findings()
                .iter()
                .filter(|f| f.rule.as_str() == "CONFIRM-PENDING")
                .map(|f| f.district.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(pending(&store), vec!["017", "036", "W3B"]);
        drop(store);
        let args = ConfirmArgs {
            term: "fall-2026".parse::<Term>().unwrap(),
            district: crate::domain::DistrictCode::parse("017").unwrap(),
        };
        crate::cli::confirm::run_confirm(&ctx, args).unwrap();
        let store = ctx.open_store().unwrap();
        assert_eq!(pending(&store), vec!["036", "W3B"]);
    }
}

#[cfg(test)]
mod change_set_tests {
    use super::*;
    use crate::domain::{Date, RecordKey};

    const TODAY: Date = Date::constant(2026, 12, 4);

    fn staged(src: &StoreSource, file: &str) -> u64 {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(file);
        let term: Term = "fall-2026".parse().unwrap();
        match src
            .stage_file(&path, None, term, TODAY, "op", &mut |_| {})
            .unwrap()
        {
            StageOutcome::Staged(id) => id,
            StageOutcome::Rejected(p) => panic!("{}", p.message),
        }
    }

    #[test]
    fn staging_tells_how_many_rows_are_triaged_then_stored() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let src = StoreSource(store, PathBuf::from("."));
        let d = staged(&src, "districts.csv");
        src.commit_batch(d, TODAY, "op").unwrap();
        let header = "District Code,School Code,School Name,Student ID,Last Name,First Name,Grade";
        let mut csv = format!("{header}\n");
        for n in 0..2_500 {
            csv.push_str(&format!(
                "029,029005,Bayou Lafourche High School,{:010},Last{n},First,11\n",
                60_000_000 + n
            ));
        }
        let path = dir.path().join("completions-029.csv");
        std::fs::write(&path, csv).unwrap();
        let mut steps = Vec::new();
        let term: Term = "fall-2026".parse().unwrap();
        let outcome = src
            .stage_file(&path, None, term, TODAY, "op", &mut |s| steps.push(s))
            .unwrap();
        assert!(matches!(outcome, StageOutcome::Staged(_)));
        use crate::domain::StageStep::{Read, Stored, Triaged};
        assert_eq!(steps.first(), Some(&Read { rows: 2_500 }));
        let triaged: Vec<usize> = steps
            .iter()
            .filter_map(|s| match s {
                Triaged { done, total: 2_500 } => Some(*done),
                _ => None,
            })
            .collect();
        assert_eq!(triaged, vec![1_000, 2_000, 2_500]);
        let stored: Vec<usize> = steps
            .iter()
            .filter_map(|s| match s {
                Stored { done, total: 2_500 } => Some(*done),
                _ => None,
            })
            .collect();
        assert_eq!(stored, vec![1_000, 2_000, 2_500]);
        // Triage comes before storing.
        let last_triaged = steps.iter().rposition(|s| matches!(s, Triaged { .. }));
        let first_stored = steps.iter().position(|s| matches!(s, Stored { .. }));
        assert!(last_triaged < first_stored);
    }

    #[test]
    fn the_store_source_stages_previews_commits_reverts_and_edits() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let src = StoreSource(store.clone(), PathBuf::from("."));
        let d = staged(&src, "districts.csv");
        src.commit_batch(d, TODAY, "op").unwrap();
        let id = staged(&src, "completions-029-fall-2026.csv");
        // Its file is found again where it was read, not in the working
        // directory (which does not hold it): the return file can be made.
        assert!(!Path::new("completions-029-fall-2026.csv").exists());
        let origin = store.origin(id).unwrap().unwrap();
        assert!(
            origin.ends_with("fixtures/completions-029-fall-2026.csv"),
            "{origin}"
        );
        let out = dir.path().join("029-errors.csv");
        let (written, _) = src.write_return_file(id, TODAY, &out).unwrap();
        assert!(
            std::fs::read_to_string(&written)
                .unwrap()
                .contains("Errors")
        );
        // The preview stores nothing and names what a commit writes.
        let preview = src.batch_writes(id, TODAY).unwrap();
        assert!(!preview.is_empty());
        assert!(preview.iter().all(|w| w.before.is_none()));
        let at = preview
            .iter()
            .position(|w| matches!(w.key, RecordKey::Student(_)))
            .unwrap();
        let first = preview[at].key.clone();
        assert_eq!(store.get(&first).unwrap(), None);
        let made = src.commit_batch(id, TODAY, "op").unwrap();
        assert_eq!(made, preview);
        assert_eq!(store.get(&first).unwrap(), preview[at].after);
        // An edit of one student is one change set; undo restores it.
        let RecordKey::Student(sid) = &first else {
            panic!("{first}")
        };
        let Some(Record::Student(mut s)) = store.get(&first).unwrap() else {
            panic!()
        };
        let was = s.clone();
        s.modules.company_registration = Some(TODAY);
        let (edit, writes) = src
            .apply_change_set(
                BatchKind::Edit,
                "set Company Registration",
                vec![Write {
                    key: first.clone(),
                    before: None,
                    after: Some(Record::Student(s.clone())),
                }],
                "op",
            )
            .unwrap();
        assert_eq!(writes.len(), 1);
        assert_eq!(writes[0].before, Some(Record::Student(was.clone())));
        let batch = store.batch(edit).unwrap().unwrap();
        assert_eq!(batch.district.as_ref(), Some(&s.district()));
        assert_eq!(batch.file, "set Company Registration");
        // Undoing the upload first is refused: the edit changed a record since.
        let refused = src.revert_batch(id, "op").unwrap_err().to_string();
        assert!(refused.contains(&format!("by batch {edit}")), "{refused}");
        let undone = src.revert_batch(edit, "op").unwrap();
        assert_eq!(undone[0].after, Some(Record::Student(was)));
        let undone = src.revert_batch(id, "op").unwrap();
        assert_eq!(undone.len(), made.len());
        assert!(undone.iter().all(|w| w.after.is_none()));
        assert_eq!(store.get(&RecordKey::Student(sid.clone())).unwrap(), None);
        // Discard refuses what is not staged.
        assert!(src.discard_batch(id, "op").is_err());
    }
}
