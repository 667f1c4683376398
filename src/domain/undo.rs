//! Undo history: a bounded stack of changes that can be reverted, most recent first.

/// A bounded last-in-first-out history.
#[derive(Clone, Debug, PartialEq)]
pub struct UndoStack<T> {
    entries: Vec<T>,
    limit: usize,
}

impl<T> UndoStack<T> {
    /// An empty history keeping at most `limit` entries (the oldest are forgotten).
    pub fn new(limit: usize) -> Self {
        UndoStack { entries: Vec::new(), limit: limit.max(1) }
    }

    /// Records a change.
    pub fn push(&mut self, entry: T) {
        if self.entries.len() == self.limit {
            self.entries.remove(0);
        }
        self.entries.push(entry);
    }

    /// Takes the most recent change, to revert it.
    pub fn pop(&mut self) -> Option<T> {
        self.entries.pop()
    }

    /// Whether there is anything to undo.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Changes every remembered entry in place (for example when a record gets its final id).
    pub fn for_each_mut(&mut self, change: impl FnMut(&mut T)) {
        self.entries.iter_mut().for_each(change);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_most_recent_entries() {
        let mut stack = UndoStack::new(2);
        assert!(stack.is_empty());
        stack.push(1);
        stack.push(2);
        stack.push(3);
        assert_eq!(stack.pop(), Some(3));
        assert_eq!(stack.pop(), Some(2));
        assert_eq!(stack.pop(), None);
    }
}
