//! Fuzzy find over districts, schools and students (SPEC §6), with
//! `fuzzy-matcher`'s SkimMatcherV2. Pure: an [`Index`] of entries, a full
//! pass, and a re-score of earlier hits; [`narrow::Narrowing`] keeps the hits
//! per query length so typing narrows and backspace is free (STACK.md: one
//! full pass over 250,000 names costs 28–47 ms, a narrowing step a few).

pub mod narrow;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use crate::domain::{District, DistrictCode, School, SchoolCode, Student, StudentId};

pub use narrow::{Narrowing, Step};

/// What an entry opens.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// A district.
    District(DistrictCode),
    /// A school.
    School(SchoolCode),
    /// A student.
    Student(StudentId),
    /// A row of a list (a `/` filter over what is on screen).
    Row(usize),
}

impl Target {
    /// `district`, `school` or `student`.
    pub fn kind(&self) -> &'static str {
        match self {
            Target::District(_) => "district",
            Target::School(_) => "school",
            Target::Student(_) => "student",
            Target::Row(_) => "row",
        }
    }
}

/// One searchable thing: what it opens and the text matched against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// What Enter opens.
    pub target: Target,
    /// The text matched and shown: name plus code or ID.
    pub text: String,
}

impl Entry {
    /// `017 East Baton Rouge Parish School System`.
    pub fn district(d: &District) -> Entry {
        Entry {
            target: Target::District(d.code.clone()),
            text: format!("{} {}", d.code, d.name),
        }
    }

    /// `017004 Baton Rouge Magnet High School`.
    pub fn school(s: &School) -> Entry {
        Entry {
            target: Target::School(s.code.clone()),
            text: format!("{} {}", s.code, s.name),
        }
    }

    /// `Landry, Ava 1000000001`.
    pub fn student(s: &Student) -> Entry {
        Entry {
            target: Target::Student(s.id.clone()),
            text: format!("{}, {} {}", s.last_name, s.first_name, s.id),
        }
    }
}

/// One match: the entry's position in the index and its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Position in [`Index::entries`].
    pub entry: u32,
    /// Higher is better; 0 for the empty query.
    pub score: i64,
}

/// The entries searched, in a fixed order (ties keep it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Index {
    entries: Vec<Entry>,
}

/// A fresh matcher per choice. SkimMatcherV2 0.3.7 reuses its score matrix
/// between calls without resetting every cell, so a score depended on the
/// entry scored before it (", AAA aa,,Aaaa" scored 60 alone, 61 after
/// "A,,Aa,,a, ,AA") and a narrowed list differed from a full pass;
/// `use_cache(false)` panics (RefCell already borrowed). Fresh costs ~1.6×.
/// Case-insensitive: a capital typed by habit must not hide "landry", and a
/// match of "ab" + c is then always a match of "ab" (narrowing is sound).
fn matcher() -> SkimMatcherV2 {
    SkimMatcherV2::default().ignore_case()
}

fn score(text: &str, query: &str) -> Option<i64> {
    if let Some((q, n)) = short(query) {
        return align_short(text, &q[..n]).map(|(score, _)| score);
    }
    if !subsequence(text, query) {
        return None;
    }
    matcher().fuzzy_match(text, query)
}

/// Queries up to this many characters are ranked by [`best_short`].
const SHORT: usize = 3;

/// The query's characters when it has 1..=[`SHORT`] of them (no
/// allocation: this runs once per name scored).
fn short(query: &str) -> Option<([char; SHORT], usize)> {
    let mut q = ['\0'; SHORT];
    let mut n = 0;
    for c in query.chars() {
        *q.get_mut(n)? = c;
        n += 1;
    }
    (n > 0).then_some((q, n))
}

/// The first keys typed, ranked without the matrix scorer (they score
/// most names, so they must be cheap: one pass, no allocation): each matched
/// character earns more at the start of the text, then at the start of a
/// word, then on an inner capital, one more in the typed case, and a
/// character right after the previous one earns a bonus. The best alignment (the
/// earliest of equals) and its character positions.
fn best_short(text: &str, query: &[char]) -> Option<(i64, Vec<usize>)> {
    let (score, at) = align_short(text, query)?;
    Some((score, at[..query.len()].to_vec()))
}

fn align_short(text: &str, query: &[char]) -> Option<(i64, [usize; SHORT])> {
    const ADJACENT: i64 = 24;
    /// A scored prefix of the query and where its characters matched.
    type State = Option<(i64, [usize; SHORT])>;
    let n = query.len();
    if n == 0 || n > SHORT {
        return None;
    }
    let bonus = |prev: Option<char>, t: char, q: char| -> Option<i64> {
        if !same_char(t, q) {
            return None;
        }
        let boundary = match prev {
            None => 3,
            Some(p) if !p.is_alphanumeric() => 2,
            Some(p) if p.is_lowercase() && t.is_uppercase() => 1,
            Some(_) => 0,
        };
        Some(16 + 8 * boundary + i64::from(t == q))
    };
    let better = |a: State, b: State| match (a, b) {
        (Some(x), Some(y)) if y.0 > x.0 => b,
        (None, _) => b,
        _ => a,
    };
    // Per query prefix k: the best match of q[..=k] ending two or more
    // places back (`far`), and the one ending just before (`last`).
    let mut far: [State; SHORT] = [None; SHORT];
    let mut last: [State; SHORT] = [None; SHORT];
    let mut best: State = None;
    let mut prev = None;
    // Whether some `last` is set (else a character matching no query
    // character changes nothing: the common case, kept cheap).
    let mut pending = false;
    for (j, t) in text.chars().enumerate() {
        if !query.iter().any(|&q| same_char(t, q)) {
            if pending {
                for k in 0..n {
                    far[k] = better(far[k], last[k]);
                    last[k] = None;
                }
                pending = false;
            }
            prev = Some(t);
            continue;
        }
        let mut cur: [State; SHORT] = [None; SHORT];
        for k in 0..n {
            let Some(b) = bonus(prev, t, query[k]) else {
                continue;
            };
            cur[k] = if k == 0 {
                let mut at = [0; SHORT];
                at[0] = j;
                Some((b, at))
            } else {
                let adjacent = last[k - 1].map(|(s, at)| (s + ADJACENT, at));
                better(adjacent, far[k - 1]).map(|(s, mut at)| {
                    at[k] = j;
                    (s + b, at)
                })
            };
        }
        best = better(best, cur[n - 1]);
        for k in 0..n {
            far[k] = better(far[k], last[k]);
            last[k] = cur[k];
        }
        pending = cur[..n].iter().any(Option::is_some);
        prev = Some(t);
    }
    best
}

/// The same character, case ignored (ASCII or Unicode).
fn same_char(a: char, b: char) -> bool {
    a == b || a.eq_ignore_ascii_case(&b) || (!a.is_ascii() && a.to_lowercase().eq(b.to_lowercase()))
}

/// Whether `query`'s characters occur in `text` in order, case ignored
/// (ASCII or Unicode): every match of the scorer is one, and the test is
/// many times cheaper than scoring, so most entries are ruled out by it.
fn subsequence(text: &str, query: &str) -> bool {
    let mut chars = text.chars();
    query.chars().all(|q| chars.any(|t| same_char(t, q)))
}

/// Candidates above this are scored on two threads.
const PARALLEL_FROM: usize = 16_384;

/// Best score first, then index order: a total order, so a narrowed list
/// and a full pass come out identical.
fn sort_hits(hits: &mut [Hit]) {
    hits.sort_unstable_by(|a, b| b.score.cmp(&a.score).then(a.entry.cmp(&b.entry)));
}

impl Index {
    /// An index over `entries` (kept in this order).
    pub fn new(entries: Vec<Entry>) -> Index {
        Index { entries }
    }

    /// The entries.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// No entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry a hit points at.
    pub fn get(&self, hit: Hit) -> Option<&Entry> {
        self.entries.get(hit.entry as usize)
    }

    /// Every entry, unscored, in index order: the empty query's hits.
    pub fn all(&self) -> Vec<Hit> {
        (0..self.entries.len())
            .map(|i| Hit {
                entry: u32::try_from(i).unwrap_or(u32::MAX),
                score: 0,
            })
            .collect()
    }

    /// Scores every entry against `query` (the empty query: [`Index::all`]).
    pub fn full_pass(&self, query: &str) -> Vec<Hit> {
        self.rescore(query, &self.all())
    }

    /// Scores only `candidates` against `query`. When `candidates` are the
    /// hits of a prefix of `query`, this equals [`Index::full_pass`]: an
    /// entry that matches `query` as a subsequence matches every prefix.
    pub fn rescore(&self, query: &str, candidates: &[Hit]) -> Vec<Hit> {
        if query.is_empty() {
            let mut v: Vec<Hit> = candidates.iter().map(|h| Hit { score: 0, ..*h }).collect();
            sort_hits(&mut v);
            return v;
        }
        let pass = |part: &[Hit]| -> Vec<Hit> {
            part.iter()
                .filter_map(|h| {
                    let e = self.entries.get(h.entry as usize)?;
                    let score = score(&e.text, query)?;
                    Some(Hit {
                        entry: h.entry,
                        score,
                    })
                })
                .collect()
        };
        if candidates.len() < PARALLEL_FROM {
            let mut v = pass(candidates);
            sort_hits(&mut v);
            return v;
        }
        // Each half scored and sorted on its own core, then merged.
        let (a, b) = candidates.split_at(candidates.len() / 2);
        let sorted = |part: &[Hit]| {
            let mut v = pass(part);
            sort_hits(&mut v);
            v
        };
        std::thread::scope(|s| {
            let other = s.spawn(|| sorted(b));
            let mine = sorted(a);
            match other.join() {
                Ok(theirs) => merge_hits(mine, theirs),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    }
}

/// Two lists sorted by [`sort_hits`]'s order, merged into one.
fn merge_hits(a: Vec<Hit>, b: Vec<Hit>) -> Vec<Hit> {
    let before = |x: &Hit, y: &Hit| (y.score, x.entry) < (x.score, y.entry);
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if before(y, x) => b.next(),
            (Some(_), _) => a.next(),
            (None, _) => b.next(),
        };
        match next {
            Some(h) => out.push(h),
            None => return out,
        }
    }
}

/// The character positions of `text` that `query` matches, for
/// highlighting (empty when it does not match or the query is empty).
pub fn positions(query: &str, text: &str) -> Vec<usize> {
    if query.is_empty() {
        return Vec::new();
    }
    if let Some((q, n)) = short(query) {
        return best_short(text, &q[..n])
            .map(|(_, p)| p)
            .unwrap_or_default();
    }
    matcher()
        .fuzzy_indices(text, query)
        .map(|(_, p)| p)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
