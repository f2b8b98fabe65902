//! Incremental narrowing: the hits of every query typed so far, kept per
//! length, so a longer query re-scores only the previous hits and
//! backspace reuses what was there. A step over more candidates than the
//! inline limit becomes a [`Job`] for a worker thread; its answer comes back
//! through [`Narrowing::supply`] (an answer for a query no longer typed is
//! dropped: the newest query wins).

use std::sync::Arc;

use super::{Hit, Index};

/// One kept query and its hits.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Level {
    query: String,
    hits: Arc<Vec<Hit>>,
}

/// A scoring step too big for the UI thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The query to score.
    pub query: String,
    /// The hits of a prefix of `query`: the only candidates.
    pub base: Arc<Vec<Hit>>,
}

impl Job {
    /// Runs the step (on any thread).
    pub fn run(&self, index: &Index) -> Vec<Hit> {
        index.rescore(&self.query, &self.base)
    }
}

/// What setting a query needs next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The hits for the query are here.
    Ready,
    /// Run this job and [`Narrowing::supply`] its answer.
    Pending(Job),
}

/// The hits per query prefix; the first level is the empty query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Narrowing {
    levels: Vec<Level>,
    query: String,
    inline_limit: usize,
}

impl Narrowing {
    /// Starts on the empty query (every entry). Steps over more than
    /// `inline_limit` candidates become jobs.
    pub fn new(index: &Index, inline_limit: usize) -> Narrowing {
        Narrowing {
            levels: vec![Level {
                query: String::new(),
                hits: Arc::new(index.all()),
            }],
            query: String::new(),
            inline_limit,
        }
    }

    /// The query as typed.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The newest hits: the query's own when [`Narrowing::is_current`],
    /// else those of its longest prefix scored so far.
    pub fn hits(&self) -> &[Hit] {
        self.levels.last().map_or(&[], |l| l.hits.as_slice())
    }

    /// The hits are the typed query's own (no job outstanding).
    pub fn is_current(&self) -> bool {
        self.levels.last().is_some_and(|l| l.query == self.query)
    }

    /// How many levels are kept (the empty query counts).
    pub fn depth(&self) -> usize {
        self.levels.len()
    }

    /// Sets the query: drops the levels that are not its prefixes, then
    /// narrows from the longest one left.
    pub fn set_query(&mut self, index: &Index, query: &str) -> Step {
        self.query = query.to_string();
        while self.levels.len() > 1
            && self
                .levels
                .last()
                .is_some_and(|l| !query.starts_with(l.query.as_str()))
        {
            self.levels.pop();
        }
        self.advance(index)
    }

    fn advance(&mut self, index: &Index) -> Step {
        let Some(top) = self.levels.last() else {
            return Step::Ready;
        };
        if top.query == self.query {
            return Step::Ready;
        }
        let job = Job {
            query: self.query.clone(),
            base: Arc::clone(&top.hits),
        };
        if job.base.len() > self.inline_limit {
            return Step::Pending(job);
        }
        let hits = job.run(index);
        self.levels.push(Level {
            query: job.query,
            hits: Arc::new(hits),
        });
        Step::Ready
    }

    /// A job's answer. Kept when its query still lies between the newest
    /// level and the typed query; then narrowing continues to the typed
    /// query (which may need another job).
    pub fn supply(&mut self, index: &Index, query: &str, hits: Vec<Hit>) -> Step {
        let fits = self.query.starts_with(query)
            && self
                .levels
                .last()
                .is_some_and(|l| query.starts_with(l.query.as_str()) && l.query != query);
        if !fits {
            return if self.is_current() {
                Step::Ready
            } else {
                self.advance(index)
            };
        }
        self.levels.push(Level {
            query: query.to_string(),
            hits: Arc::new(hits),
        });
        self.advance(index)
    }
}
