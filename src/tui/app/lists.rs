//! A list screen's state: rows, selection, sort column and the `/` filter.

use std::cmp::Ordering;

use crate::domain::Date;
use crate::search::{Entry, Index, Narrowing, Step, Target};
use crate::tui::action::Action;

use super::{Loadable, moved};

/// A row type a list can show, sort and filter.
pub trait ListItem {
    /// The sort columns `sort` cycles through; the first is the load order.
    const SORTS: &'static [&'static str];
    /// The cells, in column order (grade needs `today`).
    fn cells(&self, today: Date) -> Vec<String>;
    /// Which cells the filter matches, joined by one space.
    const SEARCHABLE: &'static [usize];
    /// Compares two rows by sort column `sort` (> 0).
    fn compare(a: &Self, b: &Self, sort: usize) -> Ordering;
}

/// A shared row lists as the row does (the findings list shares its rows
/// with the policy's view instead of copying them).
impl<T: ListItem> ListItem for std::sync::Arc<T> {
    const SORTS: &'static [&'static str] = T::SORTS;
    const SEARCHABLE: &'static [usize] = T::SEARCHABLE;
    fn cells(&self, today: Date) -> Vec<String> {
        (**self).cells(today)
    }
    fn compare(a: &Self, b: &Self, sort: usize) -> Ordering {
        T::compare(a, b, sort)
    }
}

/// The text the filter matches for `item`: its searchable cells joined.
pub fn search_text<T: ListItem>(item: &T, today: Date) -> String {
    let cells = item.cells(today);
    T::SEARCHABLE
        .iter()
        .filter_map(|i| cells.get(*i).map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A `/` filter over a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// The rows' search texts, in row order.
    pub index: Index,
    /// The query and its hits.
    pub narrowing: Narrowing,
    /// Keys go to the query (until Enter or Esc).
    pub editing: bool,
}

/// A list with a selected row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListView<T> {
    /// The rows.
    pub items: Loadable<Vec<T>>,
    /// The selected position among the visible rows (0 when empty).
    pub selected: usize,
    /// The sort column (index into [`ListItem::SORTS`]).
    pub sort: usize,
    /// The `/` filter, when one is set.
    pub filter: Option<Filter>,
}

impl<T> ListView<T> {
    /// A list waiting for its rows.
    pub fn loading() -> Self {
        ListView {
            items: Loadable::Loading,
            selected: 0,
            sort: 0,
            filter: None,
        }
    }

    fn all(&self) -> &[T] {
        match &self.items {
            Loadable::Ready(v) => v,
            _ => &[],
        }
    }

    /// All rows, filtered or not.
    pub fn total(&self) -> usize {
        self.all().len()
    }

    /// The rows shown (after the filter).
    pub fn len(&self) -> usize {
        match &self.filter {
            Some(f) => f.narrowing.hits().len(),
            None => self.total(),
        }
    }

    /// No rows shown.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The row shown at `pos`.
    pub fn row(&self, pos: usize) -> Option<&T> {
        match &self.filter {
            Some(f) => {
                let hit = f.narrowing.hits().get(pos)?;
                self.all().get(hit.entry as usize)
            }
            None => self.all().get(pos),
        }
    }

    /// The selected row, if any.
    pub fn current(&self) -> Option<&T> {
        self.row(self.selected)
    }

    /// The filter's query, when a filter is set.
    pub fn query(&self) -> Option<&str> {
        self.filter.as_ref().map(|f| f.narrowing.query())
    }

    /// Is the filter taking keys?
    pub fn is_editing(&self) -> bool {
        self.filter.as_ref().is_some_and(|f| f.editing)
    }

    /// Moves the selection.
    pub fn move_by(&mut self, action: Action, page: usize) {
        self.selected = moved(self.selected, action, page, self.len());
    }

    /// Drops the filter.
    pub fn clear_filter(&mut self) {
        self.filter = None;
        self.selected = 0;
    }

    /// Sets the query as typed (lists are small: narrowed inline).
    pub fn set_query(&mut self, query: &str) {
        if let Some(f) = self.filter.as_mut() {
            // The limit is usize::MAX: a list's filter never needs a job.
            if let Step::Pending(job) = f.narrowing.set_query(&f.index, query) {
                let hits = job.run(&f.index);
                f.narrowing.supply(&f.index, &job.query, hits);
            }
        }
        self.selected = 0;
    }
}

impl<T: ListItem> ListView<T> {
    /// Starts (or resumes) editing the filter.
    pub fn start_filter(&mut self, today: Date) {
        if let Some(f) = self.filter.as_mut() {
            f.editing = true;
            return;
        }
        let index = Index::new(
            self.all()
                .iter()
                .enumerate()
                .map(|(i, item)| Entry {
                    target: Target::Row(i),
                    text: search_text(item, today),
                })
                .collect(),
        );
        let narrowing = Narrowing::new(&index, usize::MAX);
        self.filter = Some(Filter {
            index,
            narrowing,
            editing: true,
        });
        self.selected = 0;
    }

    /// Sorts by the next column (the filter is rebuilt over the new order).
    pub fn cycle_sort(&mut self, today: Date) {
        if T::SORTS.is_empty() {
            return;
        }
        self.sort = (self.sort + 1) % T::SORTS.len();
        let sort = self.sort;
        if let Loadable::Ready(v) = &mut self.items {
            if sort == 0 {
                return self.resort_first(today);
            }
            v.sort_by(|a, b| T::compare(a, b, sort));
        }
        self.refilter(today);
    }

    fn resort_first(&mut self, today: Date) {
        if let Loadable::Ready(v) = &mut self.items {
            v.sort_by(|a, b| T::compare(a, b, 0));
        }
        self.refilter(today);
    }

    fn refilter(&mut self, today: Date) {
        if let Some(f) = self.filter.take() {
            let query = f.narrowing.query().to_string();
            self.start_filter(today);
            self.set_query(&query);
            if let Some(g) = self.filter.as_mut() {
                g.editing = f.editing;
            }
        }
        self.selected = 0;
    }
}

/// A list of any row type, as key handling sees it.
pub trait ListOps {
    /// Moves the selection.
    fn move_by(&mut self, action: Action, page: usize);
    /// Sorts by the next column.
    fn cycle_sort(&mut self, today: Date);
    /// Starts or resumes typing the filter.
    fn start_filter(&mut self, today: Date);
    /// The filter's query, if set.
    fn query(&self) -> Option<String>;
    /// Sets the filter's query.
    fn set_query(&mut self, query: &str);
    /// Stops typing, keeping the filter.
    fn stop_editing(&mut self);
    /// Drops the filter.
    fn clear_filter(&mut self);
}

impl<T: ListItem> ListOps for ListView<T> {
    fn move_by(&mut self, action: Action, page: usize) {
        ListView::move_by(self, action, page);
    }
    fn cycle_sort(&mut self, today: Date) {
        ListView::cycle_sort(self, today);
    }
    fn start_filter(&mut self, today: Date) {
        ListView::start_filter(self, today);
    }
    fn query(&self) -> Option<String> {
        ListView::query(self).map(str::to_string)
    }
    fn set_query(&mut self, query: &str) {
        ListView::set_query(self, query);
    }
    fn stop_editing(&mut self) {
        if let Some(f) = self.filter.as_mut() {
            f.editing = false;
        }
    }
    fn clear_filter(&mut self) {
        ListView::clear_filter(self);
    }
}
