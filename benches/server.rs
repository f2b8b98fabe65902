//! Many people at once (issue 7) on the `mecred gen` state: the server
//! in-process on a thread, 10 clients connected over its socket, each
//! subscribed to its own channel. Targets: a committed change reaches
//! every other client in under 100 ms (median) and 250 ms (p99); a 50-row
//! screen's query round trip under 2 ms; a client's first frame (connect,
//! greeting, the districts list) under 500 ms.
//!
//! Measured on this 2-core VM shared with other builds (load 3.3–4.6),
//! four runs; medians and p99s computed here and printed with `eprintln`
//! (criterion's own figures, below them, are means):
//!
//! - push, per receiving client (300 change sets × 9 clients): median
//!   1.5–1.8 ms, p99 2.8–9.4 ms (worst single 24 ms); the last of the 9
//!   clients: median 1.6–1.9 ms. Target 100 / 250 ms: met. Most of it is
//!   the store's change set (its fsync); criterion mean 1.8–2.0 ms.
//! - a 50-row screen (`students_of_school` of a 51-student school): median
//!   0.15–0.21 ms, p99 0.31–2.8 ms; the same query on the store itself
//!   0.055 ms, p99 0.1 ms. Target 2 ms: met for the median (10×); the p99
//!   crosses 2 ms only when the VM is loaded — each round trip wakes three
//!   threads (the server's connection, the client's reader, the caller),
//!   and with other builds on both cores one of them sometimes waits a
//!   time slice. Criterion mean 170–270 µs.
//! - first frame (connect, greeting, districts list): median 4.0–5.1 ms,
//!   p99 5.4–13 ms. Target 500 ms: met. Most of it is the accept loop's
//!   5 ms nap between polls of its non-blocking listener.
//! - the full snapshot (for information; the UI loads it in the
//!   background): 2.4–3.0 s — a full evaluation on the server and a
//!   ~150 MB JSON frame encoded and decoded.
//!
//! On a quiet VM after commands went through the server (protocol 2),
//! pushes were scoped per district and mimalloc became the allocator:
//! push median 0.98 ms, p99 1.54 ms (last of 9: 1.04 / 1.56 ms); the
//! 50-row screen 0.20 ms, p99 0.35 ms (the store itself 0.044 ms); first
//! frame 5.1 ms, p99 5.5 ms; full snapshot 1.8 s median.
//!
//! Before the server wrote replies from the request's own thread in one
//! write (a frame over 8 KiB went out as its 4-byte length, then its body,
//! after a hop through the push queue's thread), the 50-row query had a
//! p99 of 3.0–4.8 ms (criterion mean 478 µs) on the same VM.
//!
//! `MECRED_BENCH_CACHE=DIR` keeps the imported state between runs.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use mecred::domain::{BatchKind, Record, RecordKey, SchoolCode, StudentId, Write};
use mecred::server::{Remote, ServeOptions, serve};
use mecred::tui::Source;
use mecred::tui::runtime::Msg;

const CLIENTS: usize = 10;
/// Change sets timed for the push latency (each reaches 9 clients).
const PUSHES: usize = 300;
const QUERIES: usize = 2_000;
const FIRST_FRAMES: usize = 100;
const SNAPSHOTS: usize = 3;

/// The `p`th percentile (0–100) of `xs`, nearest rank.
fn percentile(xs: &mut [Duration], p: f64) -> Duration {
    xs.sort();
    let rank = ((p / 100.0) * xs.len() as f64).ceil() as usize;
    xs[rank.clamp(1, xs.len()) - 1]
}

fn report(what: &str, xs: &mut [Duration]) {
    let median = percentile(xs, 50.0);
    let p99 = percentile(xs, 99.0);
    let max = xs.last().copied().unwrap_or_default();
    eprintln!(
        "{what}: n={} median {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        xs.len(),
        median.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3,
    );
}

/// A client whose pushes a thread stamps on arrival and hands on.
struct Client {
    remote: Remote,
    _listener: JoinHandle<()>,
}

fn client(socket: &Path, arrivals: Sender<(usize, Instant)>, n: usize) -> Client {
    let remote = Remote::connect(socket, common::TODAY).unwrap();
    let (changes, rx): (_, Receiver<Msg>) = mecred::tui::runtime::channel();
    remote.subscribe(changes);
    let listener = thread::spawn(move || {
        for msg in rx {
            if let Msg::Remote(..) = msg {
                let _ = arrivals.send((n, Instant::now()));
            }
        }
    });
    Client {
        remote,
        _listener: listener,
    }
}

/// One student's notes changed, as a client edits them: before = as read.
fn renote_writes(src: &Remote, id: &StudentId, notes: &str) -> Vec<Write> {
    let before = src.student(id).unwrap().unwrap();
    let mut after = before.clone();
    after.notes = Some(notes.into());
    vec![Write {
        key: RecordKey::Student(id.clone()),
        before: Some(Record::Student(before)),
        after: Some(Record::Student(after)),
    }]
}

/// Applies one change set from client 0 and waits until the other 9 have
/// it; their latencies from just before the call.
fn push_once(
    clients: &[Client],
    arrivals: &Receiver<(usize, Instant)>,
    id: &StudentId,
    n: usize,
) -> Vec<Duration> {
    let writes = renote_writes(&clients[0].remote, id, &format!("bench {n}"));
    let t0 = Instant::now();
    clients[0]
        .remote
        .apply_change_set(BatchKind::Edit, "bench", writes, "ignored")
        .unwrap();
    let mut got = Vec::with_capacity(CLIENTS - 1);
    while got.len() < CLIENTS - 1 {
        let (from, at) = arrivals.recv_timeout(Duration::from_secs(30)).unwrap();
        assert_ne!(from, 0, "the committing client is not told");
        got.push(at.duration_since(t0));
    }
    got
}

/// A school with about 50 students (the closest to 50).
fn school_of_about_50(store: &mecred::store::Store) -> (SchoolCode, usize) {
    let mut count: HashMap<SchoolCode, usize> = HashMap::new();
    for s in store.students().unwrap() {
        *count.entry(s.school).or_default() += 1;
    }
    count
        .into_iter()
        .min_by_key(|(code, n)| (n.abs_diff(50), code.to_string()))
        .unwrap()
}

fn server(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = common::state(dir.path(), common::students());
    let (school, rows) = school_of_about_50(&store);
    let ids: Vec<StudentId> = store
        .students_of_school(&school)
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    // The same query on the store itself, for comparison.
    let mut direct: Vec<Duration> = (0..QUERIES)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(store.students_of_school(&school).unwrap());
            t.elapsed()
        })
        .collect();
    report(
        &format!("students_of_school ({rows} rows), the store itself"),
        &mut direct,
    );
    let socket = dir.path().join("mecred.sock");
    let opts = ServeOptions {
        socket: socket.clone(),
        // Clients stay connected throughout; once they leave, it exits.
        idle_exit: Some(Duration::from_secs(2)),
        group: false,
    };
    let served = thread::spawn(move || serve(store, &opts));
    let t0 = Instant::now();
    while Remote::connect(&socket, common::TODAY).is_err() {
        assert!(t0.elapsed() < Duration::from_secs(60), "no server");
        thread::sleep(Duration::from_millis(20));
    }

    let (arrivals_tx, arrivals) = channel();
    let clients: Vec<Client> = (0..CLIENTS)
        .map(|n| client(&socket, arrivals_tx.clone(), n))
        .collect();
    drop(arrivals_tx);

    // Push latency, per receiving client.
    let mut n = 0;
    for i in 0..20 {
        push_once(&clients, &arrivals, &ids[i % ids.len()], n);
        n += 1;
    }
    let mut each = Vec::new();
    let mut last = Vec::new();
    for i in 0..PUSHES {
        let got = push_once(&clients, &arrivals, &ids[i % ids.len()], n);
        n += 1;
        last.push(got.iter().copied().max().unwrap());
        each.extend(got);
    }
    report("push, per client", &mut each);
    report("push, the last of 9 clients", &mut last);

    // The query of a 50-row screen.
    let src = &clients[1].remote;
    assert_eq!(src.students_of_school(&school).unwrap().len(), rows);
    let mut qs: Vec<Duration> = (0..QUERIES)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(src.students_of_school(&school).unwrap());
            t.elapsed()
        })
        .collect();
    report(&format!("students_of_school ({rows} rows)"), &mut qs);

    // First frame: connect (greeting) and the districts list.
    let mut firsts: Vec<Duration> = (0..FIRST_FRAMES)
        .map(|_| {
            let t = Instant::now();
            let r = Remote::connect(&socket, common::TODAY).unwrap();
            std::hint::black_box(r.districts().unwrap());
            t.elapsed()
        })
        .collect();
    report("first frame (connect + districts)", &mut firsts);

    // The full snapshot, for information.
    let mut snaps: Vec<Duration> = (0..SNAPSHOTS)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(src.snapshot().unwrap());
            t.elapsed()
        })
        .collect();
    report("snapshot (full transfer)", &mut snaps);

    // Criterion's means of the same.
    let mut g = c.benchmark_group("server");
    g.sample_size(30);
    g.measurement_time(Duration::from_secs(10));
    g.bench_function("push_last_of_9", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for i in 0..iters as usize {
                let got = push_once(&clients, &arrivals, &ids[i % ids.len()], n);
                n += 1;
                total += got.into_iter().max().unwrap();
            }
            total
        })
    });
    g.bench_function("students_of_school_50", |b| {
        b.iter(|| src.students_of_school(&school).unwrap())
    });
    g.bench_function("first_frame", |b| {
        b.iter(|| {
            let r = Remote::connect(&socket, common::TODAY).unwrap();
            r.districts().unwrap()
        })
    });
    g.finish();

    // Leave: the clients hang up, and the idle server exits.
    drop(clients);
    served.join().unwrap().unwrap();
}

criterion_group!(benches, server);
criterion_main!(benches);
