//! A list filled page by page from the store (keyset pagination): rows loaded so far, the
//! cursor of the next page, a selection that stays on screen, and a generation number so
//! a page that arrives after the filters changed is dropped.

use crate::store::PageCursor;

/// Rows from the selection to the end of what is loaded below which the next page is
/// fetched.
const PREFETCH_ROWS: usize = 10;

pub struct Paged<T> {
    pub rows: Vec<T>,
    pub selected: usize,
    pub offset: usize,
    pub next: Option<PageCursor>,
    pub loading: bool,
    pub generation: u64,
    /// True once the first page has arrived.
    pub loaded: bool,
}

impl<T> Default for Paged<T> {
    fn default() -> Self {
        Paged {
            rows: Vec::new(),
            selected: 0,
            offset: 0,
            next: None,
            loading: false,
            generation: 0,
            loaded: false,
        }
    }
}

impl<T> Paged<T> {
    /// Forgets every row and starts a new generation; returns it.
    pub fn restart(&mut self) -> u64 {
        self.rows.clear();
        self.selected = 0;
        self.offset = 0;
        self.next = None;
        self.loading = true;
        self.generation += 1;
        self.generation
    }

    /// Adds a page; false (and nothing changes) when it belongs to an older generation.
    pub fn receive(&mut self, generation: u64, rows: Vec<T>, next: Option<PageCursor>) -> bool {
        if generation != self.generation {
            return false;
        }
        self.rows.extend(rows);
        self.next = next;
        self.loading = false;
        self.loaded = true;
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
        true
    }

    pub fn selected_row(&self) -> Option<&T> {
        self.rows.get(self.selected)
    }

    /// Whether the next page should be fetched now.
    pub fn wants_more(&self) -> bool {
        !self.loading && self.next.is_some() && self.selected + PREFETCH_ROWS >= self.rows.len()
    }

    /// The cursor and generation of the next page when it should be fetched now (or,
    /// with `now`, whenever there is one); the list counts as loading from here.
    pub fn request_more(&mut self, now: bool) -> Option<(Option<PageCursor>, u64)> {
        let due = if now {
            !self.loading && self.next.is_some()
        } else {
            self.wants_more()
        };
        if !due {
            return None;
        }
        self.loading = true;
        Some((self.next.clone(), self.generation))
    }

    pub fn move_by(&mut self, delta: isize, page_rows: usize) {
        if self.rows.is_empty() {
            return;
        }
        self.selected = self
            .selected
            .saturating_add_signed(delta)
            .min(self.rows.len() - 1);
        self.keep_visible(page_rows);
    }

    pub fn select(&mut self, index: usize, page_rows: usize) {
        if index < self.rows.len() {
            self.selected = index;
            self.keep_visible(page_rows);
        }
    }

    pub fn keep_visible(&mut self, page_rows: usize) {
        self.offset = scrolled(self.selected, self.offset, page_rows);
    }
}

/// The first row to show so that `selected` is on screen, moving `offset` as little as
/// possible.
pub fn scrolled(selected: usize, offset: usize, page_rows: usize) -> usize {
    let rows = page_rows.max(1);
    if selected < offset {
        selected
    } else if selected >= offset + rows {
        selected + 1 - rows
    } else {
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_of_an_old_generation_are_dropped_and_more_is_asked_for_near_the_end() {
        let mut list: Paged<u32> = Paged::default();
        let first = list.restart();
        let second = list.restart();
        assert!(!list.receive(first, vec![1, 2, 3], None));
        assert!(list.rows.is_empty());
        assert!(list.receive(second, (0..30).collect(), Some(PageCursor::at(vec![9]))));
        assert!(!list.wants_more());
        list.move_by(25, 10);
        assert_eq!(list.selected, 25);
        assert_eq!(list.offset, 16);
        assert!(list.wants_more());
        list.move_by(100, 10);
        assert_eq!(list.selected, 29);
    }
}
