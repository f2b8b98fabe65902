//! Opening the database: directory and file modes, the lock file, sled,
//! the schema check, and recovery from an interrupted commit, revert, stage
//! or restore.

use std::fs::{self, DirBuilder, File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write as _};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::codec::Phase;
use super::{Inner, Result, SCHEMA, SledResult, Store, StoreError, keys, sled_error};

/// sled's page cache. Its default is 1 GiB; the whole process must stay
/// under 400 MB resident, and bigger caches did not make scans faster
/// (STACK.md).
const CACHE_BYTES: u64 = 128 * 1024 * 1024;

/// The lock file inside the database directory.
pub const LOCK_FILE: &str = "mecred.lock";

/// Written beside sled's files once the database holds its schema version.
const MARKER: &str = "mecred.db";

impl Store {
    /// Opens (creating if needed) the database in directory `dir`. Fails at
    /// once with `Busy` when another process (or another `Store` in this one)
    /// holds it, `NewerSchema` when a newer mecred wrote it, `Damaged` when
    /// sled finds corruption. Rolls back any change set a crash interrupted.
    pub fn open(dir: &Path) -> Result<Store> {
        let io = |e: std::io::Error| StoreError::Io(format!("{}: {e}", dir.display()));
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(io)?;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(io)?;
        let path = fs::canonicalize(dir).map_err(io)?;
        let lock = take_lock(&path)?;
        let db = open_sled(&path)?;
        restrict_files(&path)?;
        let store = Store {
            inner: Arc::new(Inner {
                db,
                path,
                _lock: lock,
                write: Mutex::new(()),
            }),
        };
        store.check_schema()?;
        store.recover()?;
        Ok(store)
    }

    fn check_schema(&self) -> Result<()> {
        if self.tree().get(keys::META_SCHEMA).db(self)?.is_some()
            && !self.inner.path.join(MARKER).exists()
        {
            // Databases made before the marker existed.
            let _ = fs::write(
                self.inner.path.join(MARKER),
                format!("mecred schema {SCHEMA}\n"),
            );
        }
        if self.tree().get(keys::META_RESTORING).db(self)?.is_some() {
            // A restore only ever runs on an empty database: back to empty.
            self.tree().clear().db(self)?;
            self.tree()
                .insert(keys::META_SCHEMA, &SCHEMA.to_be_bytes())
                .db(self)?;
            self.flush()?;
        }
        match self.tree().get(keys::META_SCHEMA).db(self)? {
            Some(v) => {
                let found = <[u8; 4]>::try_from(v.as_ref())
                    .map(u32::from_be_bytes)
                    .map_err(|_| self.damaged("an unreadable schema version"))?;
                if found < SCHEMA {
                    return Err(self.damaged(format!(
                        "it was written by an older mecred (schema {found}; this one reads \
                         schema {SCHEMA}): export it with that mecred and `mecred restore` \
                         the file into a new database"
                    )));
                }
                if found > SCHEMA {
                    return Err(StoreError::NewerSchema {
                        path: self.inner.path.clone(),
                        found,
                        supported: SCHEMA,
                    });
                }
                Ok(())
            }
            // sled reads a damaged log as an empty one: a marker file outside
            // sled tells a new database from one whose data vanished.
            None if self.inner.path.join(MARKER).exists() => Err(self
                .damaged("its files hold no readable data (the log is corrupt or was replaced)")),
            None if self.is_empty()? => {
                self.tree()
                    .insert(keys::META_SCHEMA, &SCHEMA.to_be_bytes())
                    .db(self)?;
                self.flush()?;
                fs::write(
                    self.inner.path.join(MARKER),
                    format!("mecred schema {SCHEMA}\n"),
                )
                .map_err(|e| StoreError::Io(format!("{}: {e}", self.inner.path.display())))
            }
            None => Err(self.damaged("it holds data but no schema version")),
        }
    }

    /// Rolls back interrupted applies and drops rows of a stage that crashed
    /// before writing its batch record.
    fn recover(&self) -> Result<()> {
        for rec in self.recs()? {
            if rec.phase != Phase::Settled {
                tracing::warn!(
                    batch = rec.batch.id,
                    "rolling back an interrupted change set"
                );
                self.roll_back(rec)?;
            }
        }
        self.discard_interrupted_change_sets()?;
        let next = self.last_batch_id()? + 1;
        self.clear_range(&keys::numbered(keys::ROW, next), &[keys::ROW + 1])?;
        self.clear_range(&keys::numbered(keys::RESULT, next), &[keys::RESULT + 1])
    }
}

/// Opens sled. We hold the lock file, so if sled's own lock is still taken
/// it is by a `Store` of this process being dropped (sled's background
/// thread lets go a moment later): retry briefly, well inside the 2 s the
/// SPEC allows for saying "busy".
fn open_sled(path: &Path) -> Result<sled::Db> {
    let config = sled::Config::new().path(path).cache_capacity(CACHE_BYTES);
    let deadline = Instant::now() + Duration::from_millis(1500);
    loop {
        // sled may panic on some damaged files instead of returning an error.
        match std::panic::catch_unwind(AssertUnwindSafe(|| config.open())) {
            Ok(Ok(db)) => return Ok(db),
            Ok(Err(e)) => match sled_error(path, e) {
                StoreError::Busy { .. } if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                other => return Err(other),
            },
            Err(_) => {
                return Err(StoreError::Damaged {
                    path: path.to_path_buf(),
                    detail: "sled failed while reading its files".into(),
                });
            }
        }
    }
}

/// Takes `<dir>/mecred.lock` (flock, so the OS drops it when the process
/// dies) and writes our pid into it; `Busy` with the holder's pid if held.
fn take_lock(dir: &Path) -> Result<File> {
    let path = dir.join(LOCK_FILE);
    let io = |e: std::io::Error| StoreError::Io(format!("{}: {e}", path.display()));
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            return Err(StoreError::Busy {
                path: dir.to_path_buf(),
                pid: text.trim().parse().ok(),
            });
        }
        Err(TryLockError::Error(e)) => return Err(io(e)),
    }
    file.set_len(0).map_err(io)?;
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    writeln!(file, "{}", std::process::id()).map_err(io)?;
    Ok(file)
}

/// Owner-only modes for everything in the database directory: sled creates
/// its files with the umask's mode.
pub(super) fn restrict_files(dir: &Path) -> Result<()> {
    let io = |p: &PathBuf, e: std::io::Error| StoreError::Io(format!("{}: {e}", p.display()));
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in fs::read_dir(&d).map_err(|e| io(&d, e))? {
            let p = entry.map_err(|e| io(&d, e))?.path();
            // sled may remove a snapshot file while we walk.
            let meta = match fs::symlink_metadata(&p) {
                Ok(m) => m,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io(&p, e)),
            };
            let want = if meta.is_dir() {
                todo.push(p.clone());
                0o700
            } else if meta.is_file() {
                0o600
            } else {
                continue;
            };
            if meta.permissions().mode() & 0o777 != want {
                match fs::set_permissions(&p, fs::Permissions::from_mode(want)) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&p, e)),
                    _ => {}
                }
            }
        }
    }
    Ok(())
}
