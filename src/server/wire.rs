//! The protocol between a `mecred` client and the server (issue 7):
//! length-prefixed frames (a big-endian `u32` byte count, then one JSON
//! value), a versioned greeting, then typed requests answered by id and
//! pushed change sets. The requests are the [`Source`] methods — the same
//! commands and queries the single-process UI uses — so the server runs
//! exactly the code a local UI runs. The actor is never sent: the server
//! takes it from the socket's peer credentials.
//!
//! [`Source`]: crate::tui::Source

use std::io::{self, Read};
use std::path::PathBuf;

use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::domain::{
    Ack, Batch, BatchKind, Date, District, DistrictCode, ExamAttempt, FeeStatement, Note,
    NoteTarget, Record, RecordKey, RowResult, School, SchoolCode, StageStep, Student, StudentId,
    Term, Write,
};
use crate::policy::SnapshotParts;
use crate::store::{ConfirmationRecord, Event};
use crate::tui::source::{CertificateStanding, EventSummary, ReportData, StageOutcome};

/// The protocol version; a client and server that differ refuse each other.
pub const VERSION: u32 = 3;

/// The largest frame accepted (a whole 250,000-student snapshot is ~150 MB).
pub const MAX_FRAME: u32 = 1 << 30;

/// Bytes in a frame as base64 text: as a JSON array of numbers they are
/// about 3.5 times their size, and slow to encode and read.
mod b64 {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD.decode(text).map_err(D::Error::custom)
    }
}

/// Files (path and bytes) in a frame, their bytes as base64 text.
mod b64_files {
    use std::path::PathBuf;

    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error as _};

    pub fn serialize<S: Serializer>(files: &[(PathBuf, Vec<u8>)], s: S) -> Result<S::Ok, S::Error> {
        let encoded: Vec<(&PathBuf, String)> =
            files.iter().map(|(p, b)| (p, STANDARD.encode(b))).collect();
        encoded.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<(PathBuf, Vec<u8>)>, D::Error> {
        let encoded = Vec::<(PathBuf, String)>::deserialize(d)?;
        encoded
            .into_iter()
            .map(|(p, t)| STANDARD.decode(t).map(|b| (p, b)).map_err(D::Error::custom))
            .collect()
    }
}

/// Writes one frame.
pub fn write_frame<T: Serialize>(w: &mut impl io::Write, value: &T) -> io::Result<()> {
    w.write_all(&encode_frame(value)?)?;
    w.flush()
}

/// One frame's bytes, length and body together: written in one write (a
/// frame bigger than a writer's buffer would otherwise go out as its
/// 4-byte length alone, then its body), and encoded once for every client
/// a change set is pushed to.
pub fn encode_frame<T: Serialize>(value: &T) -> io::Result<Vec<u8>> {
    let mut frame = vec![0u8; 4];
    serde_json::to_writer(&mut frame, value).map_err(io::Error::other)?;
    let len = u32::try_from(frame.len() - 4)
        .ok()
        .filter(|n| *n <= MAX_FRAME)
        .ok_or_else(|| io::Error::other("a frame over 1 GiB"))?;
    frame[..4].copy_from_slice(&len.to_be_bytes());
    Ok(frame)
}

/// Reads one frame; `None` at a clean end of stream (between frames).
pub fn read_frame<T: DeserializeOwned>(r: &mut impl Read) -> io::Result<Option<T>> {
    let mut len = [0u8; 4];
    // Nothing at all is a clean end; part of a length is a cut frame.
    loop {
        match r.read(&mut len[..1]) {
            Ok(0) => return Ok(None),
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    r.read_exact(&mut len[1..])?;
    let len = u32::from_be_bytes(len);
    if len > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("a frame of {len} bytes (at most {MAX_FRAME})"),
        ));
    }
    let mut body = vec![0u8; len as usize];
    r.read_exact(&mut body)?;
    serde_json::from_slice(&body)
        .map(Some)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// The most bytes of a command's output in one [`ServerMsg::Output`].
pub const PIECE: usize = 1 << 20;

/// Where a piece of a command's output goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Stream {
    /// Its standard error.
    Stderr,
    /// Its standard output.
    Stdout,
    /// A file it wrote (by absolute path; listed again, empty, in its
    /// [`Ran`]).
    File(std::path::PathBuf),
}

/// What a client sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ClientMsg {
    /// The first frame: the client's protocol version.
    Hello {
        /// [`VERSION`] of the client.
        version: u32,
    },
    /// A request, answered by a [`ServerMsg::Reply`] with the same id.
    Request {
        /// Chosen by the client, unique per connection.
        id: u64,
        /// What to do.
        request: Request,
    },
}

/// What the server sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ServerMsg {
    /// The answer to a [`ClientMsg::Hello`]: who the server takes the
    /// client to be.
    Welcome {
        /// [`VERSION`] of the server.
        version: u32,
        /// The OS user on the client's end of the socket.
        user: String,
        /// Their role, and district for a district user (`district 017`).
        role: String,
    },
    /// The connection is refused (another version, an unknown user…).
    Refused(String),
    /// The answer to request `id`.
    Reply {
        /// The request's id.
        id: u64,
        /// Its value, or why it failed (the message the UI shows).
        result: Result<Value, String>,
    },
    /// A piece of what a command line being run for request `id` wrote,
    /// before the reply: its standard error as it comes, then its standard
    /// output and files in pieces of at most [`PIECE`] bytes (so no frame
    /// grows with what a command writes).
    Output {
        /// The [`Request::Run`]'s id.
        id: u64,
        /// Where it goes.
        to: Stream,
        /// The bytes written.
        #[serde(with = "b64")]
        bytes: Vec<u8>,
    },
    /// Someone else committed a change set: its writes, and a line for the
    /// status bar (`ana committed batch 17 …`).
    Committed {
        /// Who, what, how many.
        text: String,
        /// The writes, each with its before, in the order applied.
        writes: Vec<Write>,
    },
    /// How far request `id` (a file being staged) has got, before its
    /// reply.
    Progress {
        /// The request's id.
        id: u64,
        /// Rows read, triaged or stored so far.
        step: StageStep,
    },
}

/// One [`Source`](crate::tui::Source) call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum Request {
    Districts,
    Schools(DistrictCode),
    StudentsOfSchool(SchoolCode),
    Student(StudentId),
    ExamsOf(StudentId),
    AllSchools,
    AllStudents,
    AllExams,
    StudentsOfDistrict(DistrictCode),
    Batches,
    RowResults(u64),
    EventSummaries,
    Event(u64),
    EventsFor(RecordKey),
    /// Every record the policy reads, the committed uploads and the
    /// confirmations with their current hashes on this day.
    Snapshot(Date),
    FeeStatements,
    Acks,
    Acknowledge(Ack),
    /// A semester report as the Reports screen shows it, built by the
    /// server (with its fee section).
    Report {
        today: Date,
        term: Term,
        district: Option<DistrictCode>,
    },
    ConfirmReport {
        today: Date,
        term: Term,
        district: DistrictCode,
    },
    /// The bytes of a batch's error return file, and its extension, from
    /// the file imported as the batch as the client read it (the server
    /// never reads a client's path).
    ReturnFile {
        batch: u64,
        today: Date,
        #[serde(with = "b64")]
        original: Vec<u8>,
    },
    /// Where a batch's file was read from, when known.
    Origin(u64),
    /// A file's bytes, read by the client, staged.
    Stage {
        name: String,
        #[serde(with = "b64")]
        bytes: Vec<u8>,
        kind: Option<BatchKind>,
        term: Term,
        today: Date,
        /// Where the client read it (kept for its error return file).
        origin: String,
    },
    BatchWrites {
        id: u64,
        today: Date,
    },
    CommitBatch {
        id: u64,
        today: Date,
    },
    DiscardBatch(u64),
    RevertBatch(u64),
    ApplyChangeSet {
        kind: BatchKind,
        description: String,
        writes: Vec<Write>,
    },
    CommittedWrites(u64),
    Record(RecordKey),
    TransferStudent {
        id: StudentId,
        school: SchoolCode,
    },
    AddNote {
        target: NoteTarget,
        text: String,
    },
    Notes,
    NotesFor(NoteTarget),
    CertificatesOf {
        ids: Vec<StudentId>,
        today: Date,
    },
    /// A `mecred` command line, run by the server on its database as the
    /// client's user (who is never sent): answered by [`Value::Ran`].
    Run {
        /// The arguments after the program name, as typed.
        argv: Vec<String>,
        /// Today as the client takes it (`--today`, `MECRED_TODAY`, or its
        /// local date).
        today: Date,
        /// Whether the client was given today.
        today_given: bool,
        /// The client's working directory: the command's relative paths
        /// are the client's.
        cwd: PathBuf,
        /// The files the command reads, read by the client (the server
        /// may not be able to), by absolute path.
        #[serde(with = "b64_files")]
        inputs: Vec<(PathBuf, Vec<u8>)>,
        /// Whether the client's standard error is a terminal (progress is
        /// shown on one).
        terminal: bool,
    },
}

/// What a command line run by the server printed, wrote and exited with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ran {
    /// Its standard output.
    #[serde(with = "b64")]
    pub stdout: Vec<u8>,
    /// Its standard error (what was not streamed as
    /// [`ServerMsg::Output`]).
    #[serde(with = "b64")]
    pub stderr: Vec<u8>,
    /// The directories it created, by absolute path (the client creates
    /// them).
    pub dirs: Vec<PathBuf>,
    /// The files it wrote, by absolute path (the client writes them).
    #[serde(with = "b64_files")]
    pub files: Vec<(PathBuf, Vec<u8>)>,
    /// Its exit status, as `mecred` run directly would give it.
    pub exit: u8,
}

impl Request {
    /// The date the request is asked on, when it carries one.
    pub fn today(&self) -> Option<Date> {
        match self {
            Request::Snapshot(today)
            | Request::Report { today, .. }
            | Request::ConfirmReport { today, .. }
            | Request::ReturnFile { today, .. }
            | Request::Stage { today, .. }
            | Request::BatchWrites { today, .. }
            | Request::CommitBatch { today, .. }
            | Request::CertificatesOf { today, .. } => Some(*today),
            _ => None,
        }
    }
}

/// What a request gives back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum Value {
    Unit,
    Districts(Vec<District>),
    Schools(Vec<School>),
    Students(Vec<Student>),
    Student(Option<Box<Student>>),
    Exams(Vec<ExamAttempt>),
    Batches(Vec<Batch>),
    RowResults(Vec<RowResult>),
    EventSummaries(Vec<EventSummary>),
    Event(Option<Box<Event>>),
    Events(Vec<Event>),
    Snapshot(Box<SnapshotParts>),
    FeeStatements(Vec<FeeStatement>),
    Acks(Vec<Ack>),
    Report(Box<ReportData>),
    Origin(Option<String>),
    /// A return file's bytes, its extension and the rows with problems.
    ReturnFile {
        #[serde(with = "b64")]
        bytes: Vec<u8>,
        extension: String,
        rows: usize,
    },
    Confirmation(Box<ConfirmationRecord>),
    Staged(StageOutcome),
    Writes(Vec<Write>),
    ChangeSet(u64, Vec<Write>),
    Record(Option<Record>),
    NoteId(u64),
    Notes(Vec<Note>),
    Certificates(Vec<CertificateStanding>),
    Ran(Box<Ran>),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_travel_as_base64_and_come_back_the_same() {
        let bytes: Vec<u8> = (0..30_000u32).map(|i| (i % 256) as u8).collect();
        let msgs = [
            ServerMsg::Output {
                id: 3,
                to: Stream::Stdout,
                bytes: bytes.clone(),
            },
            ServerMsg::Reply {
                id: 4,
                result: Ok(Value::Ran(Box::new(Ran {
                    files: vec![(PathBuf::from("/x/a.pdf"), bytes.clone())],
                    ..Ran::default()
                }))),
            },
        ];
        for m in &msgs {
            let frame = encode_frame(m).unwrap();
            // base64 is 4/3 of the bytes; numbers in JSON were ~3.5x.
            assert!(frame.len() < bytes.len() * 3 / 2, "{}", frame.len());
            let back: ServerMsg = read_frame(&mut frame.as_slice()).unwrap().unwrap();
            assert_eq!(&back, m);
        }
    }

    #[test]
    fn frames_round_trip_and_a_clean_end_is_none() {
        let mut buf = Vec::new();
        let msgs = [
            ClientMsg::Hello { version: VERSION },
            ClientMsg::Request {
                id: 7,
                request: Request::Schools(DistrictCode::parse("017").unwrap()),
            },
        ];
        for m in &msgs {
            write_frame(&mut buf, m).unwrap();
        }
        let mut r = buf.as_slice();
        for m in &msgs {
            assert_eq!(read_frame::<ClientMsg>(&mut r).unwrap().as_ref(), Some(m));
        }
        assert_eq!(read_frame::<ClientMsg>(&mut r).unwrap(), None);
    }

    /// Counts the writes it is given.
    #[derive(Default)]
    struct Writes(Vec<usize>);

    impl io::Write for Writes {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.push(buf.len());
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_frame_bigger_than_a_buffer_goes_out_in_one_write_with_its_length() {
        let msg = ServerMsg::Refused("x".repeat(100_000));
        let frame = encode_frame(&msg).unwrap();
        let body = serde_json::to_vec(&msg).unwrap();
        assert_eq!(frame[..4], u32::try_from(body.len()).unwrap().to_be_bytes());
        assert_eq!(frame[4..], body[..]);
        let mut w = io::BufWriter::new(Writes::default());
        write_frame(&mut w, &msg).unwrap();
        assert_eq!(w.get_ref().0, vec![frame.len()]);
        assert_eq!(
            read_frame::<ServerMsg>(&mut frame.as_slice()).unwrap(),
            Some(msg)
        );
    }

    #[test]
    fn a_cut_or_oversized_frame_is_an_error_not_a_panic() {
        let mut buf = Vec::new();
        write_frame(&mut buf, &ClientMsg::Hello { version: 1 }).unwrap();
        for cut in 1..buf.len() {
            assert!(read_frame::<ClientMsg>(&mut &buf[..cut]).is_err(), "{cut}");
        }
        let huge = (MAX_FRAME + 1).to_be_bytes();
        assert!(read_frame::<ClientMsg>(&mut &huge[..]).is_err());
        let mut junk = 3u32.to_be_bytes().to_vec();
        junk.extend_from_slice(b"{{{");
        assert!(read_frame::<ClientMsg>(&mut junk.as_slice()).is_err());
    }
}
