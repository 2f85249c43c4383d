//! A small timer queue for the models that run beside the cluster ([`crate::queue`],
//! [`crate::call_chain`]): events ordered by virtual time, ties broken by the order they were
//! scheduled in, as in the simulation's own event queue.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Events of type `E`, each due at a virtual time.
#[derive(Clone, Debug)]
pub struct Timers<E> {
    seq: u64,
    heap: BinaryHeap<Reverse<(u64, u64, E)>>,
}

impl<E: Ord> Default for Timers<E> {
    fn default() -> Self {
        Self {
            seq: 0,
            heap: BinaryHeap::new(),
        }
    }
}

impl<E: Ord> Timers<E> {
    /// Schedules `event` at `at_ms`.
    pub fn push(&mut self, at_ms: u64, event: E) {
        self.seq += 1;
        self.heap.push(Reverse((at_ms, self.seq, event)));
    }

    /// Removes and returns the earliest event due at or before `t_ms`, with its time.
    pub fn pop_due(&mut self, t_ms: u64) -> Option<(u64, E)> {
        if self.heap.peek()?.0 .0 > t_ms {
            return None;
        }
        self.heap.pop().map(|Reverse((at, _, event))| (at, event))
    }

    /// How many events are scheduled.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether nothing is scheduled.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_events_come_out_by_time_then_by_scheduling_order() {
        let mut t = Timers::default();
        t.push(20, 'c');
        t.push(10, 'b');
        t.push(10, 'a');
        t.push(30, 'd');
        assert_eq!(t.pop_due(5), None);
        assert_eq!(t.pop_due(25), Some((10, 'b')));
        assert_eq!(t.pop_due(25), Some((10, 'a')));
        assert_eq!(t.pop_due(25), Some((20, 'c')));
        assert_eq!(t.pop_due(25), None);
        assert_eq!(t.len(), 1);
    }
}
