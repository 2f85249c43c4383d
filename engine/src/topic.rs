//! A topic: a name and its partitions' logs.
//!
//! Partitions can be added to a live topic but never removed, as in Kafka
//! (`kafka-topics --alter --partitions` only grows a topic).

use crate::log::PartitionLog;

/// Most partitions a simulated topic may have. Real clusters allow far more; a playground
/// cannot draw them.
pub const MAX_PARTITIONS: u32 = 64;

/// A topic and its partitions.
#[derive(Clone, Debug)]
pub struct Topic {
    name: String,
    /// The name as a shared trace name.
    pub(crate) label: crate::trace::Name,
    partitions: Vec<PartitionLog>,
    /// `retention.ms`: records older than this are deleted by the log cleaner.
    pub retention_ms: Option<u64>,
    /// `retention.bytes`, per partition.
    pub retention_bytes: Option<u64>,
}

impl Topic {
    /// A topic with `partitions` empty partitions. The caller validates the count.
    pub(crate) fn new(name: String, partitions: u32) -> Self {
        Self {
            label: crate::trace::Name::from(name.as_str()),
            name,
            partitions: (0..partitions).map(|_| PartitionLog::new()).collect(),
            retention_ms: None,
            retention_bytes: None,
        }
    }

    /// The topic's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Number of partitions (P4: all of them, whatever their state).
    pub fn partition_count(&self) -> u32 {
        self.partitions.len() as u32
    }

    /// The log of partition `index`.
    pub fn partition(&self, index: u32) -> Option<&PartitionLog> {
        self.partitions.get(index as usize)
    }

    /// All partition logs, by partition number.
    pub fn partitions(&self) -> &[PartitionLog] {
        &self.partitions
    }

    pub(crate) fn partition_mut(&mut self, index: u32) -> Option<&mut PartitionLog> {
        self.partitions.get_mut(index as usize)
    }

    /// Grows the topic to `count` partitions; the new ones start empty.
    pub(crate) fn grow_to(&mut self, count: u32) {
        while self.partitions.len() < count as usize {
            self.partitions.push(PartitionLog::new());
        }
    }
}
