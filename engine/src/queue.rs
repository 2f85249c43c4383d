//! A message queue beside the Kafka cluster, for the Kafka-versus-RabbitMQ lesson: the same
//! records a producer sends to its topic are also published to a queue, so one workload runs on
//! a log and on a queue side by side.
//!
//! The model follows a RabbitMQ classic queue with manual acknowledgements and `basic.qos`
//! prefetch:
//! * messages wait in the queue in publish order and go to the workers (competing consumers)
//!   round-robin, each worker holding at most `prefetch` unacknowledged messages;
//! * a worker handles its messages one at a time, `process_ms` each, and acknowledges each
//!   when done: the broker then **deletes** it, so a consumed message cannot be read again;
//! * a worker that crashes loses its unacknowledged messages back to the queue, in their
//!   original place, marked redelivered;
//! * the queue holds at most [`MAX_QUEUE_DEPTH`] messages; further publishes are refused, as
//!   with `x-max-length` and `overflow: reject-publish`.
//!
//! What it leaves out: exchanges and routing keys (one queue, fed directly), broker throughput
//! limits, and persistence. Time is virtual and the model draws no random numbers, so it is as
//! deterministic as the simulation that feeds it.

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;

use crate::json_read::{Field, Obj};
use crate::timers::Timers;

/// Most workers a queue may have.
pub const MAX_WORKERS: usize = 16;
/// Most queues a scenario may have.
pub const MAX_QUEUES: usize = 4;
/// Longest `process_ms`: one minute.
pub const MAX_PROCESS_MS: u64 = 60_000;
/// Highest `prefetch`.
pub const MAX_PREFETCH: u32 = 1_000;
/// Most messages a queue holds (ready and unacknowledged); publishes beyond it are refused.
pub const MAX_QUEUE_DEPTH: usize = 100_000;
/// Longest name of a queue, worker, call chain or service, in bytes.
pub const MAX_NAME_LEN: usize = 64;

/// Whether `name` is 1–[`MAX_NAME_LEN`] bytes of `[a-zA-Z0-9._-]`.
pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

pub(crate) fn check_name(what: &str, name: &str) -> Result<(), String> {
    if is_valid_name(name) {
        Ok(())
    } else {
        Err(format!(
            "{what} name {name:?} must be 1–{MAX_NAME_LEN} characters of letters, digits, '.', '_' and '-'"
        ))
    }
}

/// A worker (a competing consumer) of a queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkerSpec {
    /// Its name, unique in the queue.
    pub name: String,
    /// How long it works on one message, virtual ms (0–[`MAX_PROCESS_MS`]).
    pub process_ms: u64,
}

/// A queue fed by one of the scenario's producers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QueueSpec {
    /// The queue's name.
    pub name: String,
    /// The producer whose records are also published here, by name.
    pub producer: String,
    /// `basic.qos` prefetch: unacknowledged messages one worker may hold (1–[`MAX_PREFETCH`]).
    pub prefetch: u32,
    /// The workers it starts with.
    pub workers: Vec<WorkerSpec>,
}

impl WorkerSpec {
    /// Reads a worker from parsed JSON (see [`crate::json_read`]).
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        Ok(WorkerSpec {
            name: o.req("name")?.string()?,
            process_ms: o.req("process_ms")?.u64()?,
        })
    }

    fn validate(&self) -> Result<(), String> {
        check_name("worker", &self.name)?;
        if self.process_ms > MAX_PROCESS_MS {
            return Err(format!(
                "worker {}: process_ms must be at most {MAX_PROCESS_MS}, got {}",
                self.name, self.process_ms
            ));
        }
        Ok(())
    }
}

impl QueueSpec {
    /// Reads a queue from parsed JSON (see [`crate::json_read`]).
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        Ok(QueueSpec {
            name: o.req("name")?.string()?,
            producer: o.req("producer")?.string()?,
            prefetch: o.or("prefetch", 1, Field::u32)?,
            workers: o.or("workers", Vec::new(), |f| f.list(WorkerSpec::read))?,
        })
    }

    /// Checks names, limits and that worker names are unique (not that the producer exists:
    /// the simulation checks that).
    pub fn validate(&self) -> Result<(), String> {
        check_name("queue", &self.name)?;
        if !(1..=MAX_PREFETCH).contains(&self.prefetch) {
            return Err(format!(
                "queue {}: prefetch must be 1–{MAX_PREFETCH}, got {}",
                self.name, self.prefetch
            ));
        }
        if self.workers.len() > MAX_WORKERS {
            return Err(format!(
                "queue {}: at most {MAX_WORKERS} workers, got {}",
                self.name,
                self.workers.len()
            ));
        }
        for (i, w) in self.workers.iter().enumerate() {
            w.validate()?;
            if self.workers[..i].iter().any(|o| o.name == w.name) {
                return Err(format!(
                    "queue {}: worker {} given twice",
                    self.name, w.name
                ));
            }
        }
        Ok(())
    }
}

/// A message in the queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Publish number, from 1: the queue's order.
    pub id: u64,
    /// The record's key, if it had one.
    pub key: Option<String>,
    /// When it was published, virtual ms.
    pub published_ms: u64,
    /// Whether it was delivered before to a worker that crashed.
    pub redelivered: bool,
}

/// A worker as the queue sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Worker {
    /// Its name.
    pub name: String,
    /// Virtual ms per message.
    pub process_ms: u64,
    /// Whether it runs (a crashed worker is down until restarted).
    pub up: bool,
    /// Messages delivered to it and not acknowledged yet, the first being worked on.
    pub unacked: VecDeque<Message>,
    /// Messages it acknowledged.
    pub acked: u64,
    incarnation: u32,
    busy: bool,
}

/// Why a queue command was refused.
pub type QueueError = String;

/// A queue and its workers.
#[derive(Clone, Debug)]
pub struct Queue {
    /// The queue's name.
    pub name: String,
    /// The producer feeding it.
    pub producer: String,
    /// `basic.qos` prefetch per worker.
    pub prefetch: u32,
    /// Messages waiting for a worker, in queue order.
    pub ready: VecDeque<Message>,
    /// The workers, in the order they were added.
    pub workers: Vec<Worker>,
    /// Messages published (accepted).
    pub published: u64,
    /// Publishes refused because the queue was full.
    pub refused: u64,
    /// Messages acknowledged, and so deleted from the queue.
    pub deleted: u64,
    /// Deliveries of messages that had been delivered before.
    pub redelivered: u64,
    /// Acknowledged messages that finished after a later message with the same key: with
    /// competing workers, order holds in the queue but not in processing.
    pub out_of_order: u64,
    // A B-tree: a producer may cycle through up to a million keys.
    last_done_by_key: BTreeMap<String, u64>,
    next_worker: usize,
    timers: Timers<(usize, u32)>,
}

impl Queue {
    /// A queue as `spec` describes it, with nothing published yet.
    pub fn new(spec: &QueueSpec) -> Self {
        Queue {
            name: spec.name.clone(),
            producer: spec.producer.clone(),
            prefetch: spec.prefetch,
            ready: VecDeque::new(),
            workers: spec.workers.iter().map(Worker::new).collect(),
            published: 0,
            refused: 0,
            deleted: 0,
            redelivered: 0,
            out_of_order: 0,
            last_done_by_key: BTreeMap::new(),
            next_worker: 0,
            timers: Timers::default(),
        }
    }

    /// Messages on the broker: ready plus delivered and not yet acknowledged.
    pub fn depth(&self) -> usize {
        self.ready.len() + self.workers.iter().map(|w| w.unacked.len()).sum::<usize>()
    }

    /// Runs every acknowledgement due at or before `t_ms`.
    pub fn advance_to(&mut self, t_ms: u64) {
        while let Some((at, (worker, incarnation))) = self.timers.pop_due(t_ms) {
            self.finish(worker, incarnation, at);
        }
    }

    /// Publishes a message with `key` at `now_ms` (after [`Queue::advance_to`] `now_ms`).
    pub fn publish(&mut self, key: Option<String>, now_ms: u64) {
        if self.depth() >= MAX_QUEUE_DEPTH {
            self.refused += 1;
            return;
        }
        self.published += 1;
        self.ready.push_back(Message {
            id: self.published,
            key,
            published_ms: now_ms,
            redelivered: false,
        });
        self.dispatch(now_ms);
    }

    /// Adds a worker, which starts taking messages at once.
    pub fn add_worker(&mut self, spec: &WorkerSpec, now_ms: u64) -> Result<(), QueueError> {
        spec.validate()?;
        if self.workers.len() >= MAX_WORKERS {
            return Err(format!(
                "queue {}: at most {MAX_WORKERS} workers",
                self.name
            ));
        }
        if self.workers.iter().any(|w| w.name == spec.name) {
            return Err(format!(
                "queue {} already has a worker {}",
                self.name, spec.name
            ));
        }
        self.workers.push(Worker::new(spec));
        self.dispatch(now_ms);
        Ok(())
    }

    /// Kills a worker: its unacknowledged messages go back to the queue in their original
    /// place, marked redelivered, and the other workers take them.
    pub fn crash_worker(&mut self, name: &str, now_ms: u64) -> Result<(), QueueError> {
        let index = self.worker_index(name)?;
        let worker = &mut self.workers[index];
        if !worker.up {
            return Err(format!("worker {name} is already down"));
        }
        worker.up = false;
        worker.busy = false;
        worker.incarnation += 1;
        let returned: Vec<Message> = worker.unacked.drain(..).collect();
        for mut message in returned {
            message.redelivered = true;
            let at = self.ready.partition_point(|m| m.id < message.id);
            self.ready.insert(at, message);
        }
        self.dispatch(now_ms);
        Ok(())
    }

    /// Starts a crashed worker again.
    pub fn restart_worker(&mut self, name: &str, now_ms: u64) -> Result<(), QueueError> {
        let index = self.worker_index(name)?;
        if self.workers[index].up {
            return Err(format!("worker {name} is already running"));
        }
        self.workers[index].up = true;
        self.dispatch(now_ms);
        Ok(())
    }

    fn worker_index(&self, name: &str) -> Result<usize, QueueError> {
        self.workers
            .iter()
            .position(|w| w.name == name)
            .ok_or_else(|| format!("queue {} has no worker {name}", self.name))
    }

    /// Hands ready messages to workers with room under the prefetch, round-robin, and starts
    /// idle workers on their next message.
    fn dispatch(&mut self, now_ms: u64) {
        let n = self.workers.len();
        while !self.ready.is_empty() {
            let Some(offset) = (0..n).find(|i| {
                let w = &self.workers[(self.next_worker + i) % n];
                w.up && w.unacked.len() < self.prefetch as usize
            }) else {
                break;
            };
            let index = (self.next_worker + offset) % n;
            self.next_worker = (index + 1) % n;
            let message = self.ready.pop_front().expect("not empty");
            if message.redelivered {
                self.redelivered += 1;
            }
            self.workers[index].unacked.push_back(message);
        }
        for (index, worker) in self.workers.iter_mut().enumerate() {
            if worker.up && !worker.busy && !worker.unacked.is_empty() {
                worker.busy = true;
                self.timers.push(
                    now_ms.saturating_add(worker.process_ms),
                    (index, worker.incarnation),
                );
            }
        }
    }

    /// A worker finished its first message: it acknowledges it and the broker deletes it.
    fn finish(&mut self, index: usize, incarnation: u32, now_ms: u64) {
        let worker = &mut self.workers[index];
        if worker.incarnation != incarnation || !worker.busy {
            return;
        }
        worker.busy = false;
        let Some(message) = worker.unacked.pop_front() else {
            return;
        };
        worker.acked += 1;
        self.deleted += 1;
        if let Some(key) = message.key {
            let last = self.last_done_by_key.entry(key).or_insert(0);
            if *last > message.id {
                self.out_of_order += 1;
            } else {
                *last = message.id;
            }
        }
        self.dispatch(now_ms);
    }
}

impl Worker {
    fn new(spec: &WorkerSpec) -> Self {
        Worker {
            name: spec.name.clone(),
            process_ms: spec.process_ms,
            up: true,
            unacked: VecDeque::new(),
            acked: 0,
            incarnation: 0,
            busy: false,
        }
    }
}

crate::json_read::deserialize_with_reader!(WorkerSpec, QueueSpec);

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(prefetch: u32, workers: &[(&str, u64)]) -> QueueSpec {
        QueueSpec {
            name: "orders".into(),
            producer: "order-service".into(),
            prefetch,
            workers: workers
                .iter()
                .map(|(name, process_ms)| WorkerSpec {
                    name: (*name).into(),
                    process_ms: *process_ms,
                })
                .collect(),
        }
    }

    fn publish_at(q: &mut Queue, t: u64, key: &str) {
        q.advance_to(t);
        q.publish(Some(key.into()), t);
    }

    #[test]
    fn workers_compete_round_robin_and_acknowledged_messages_are_deleted() {
        let mut q = Queue::new(&spec(1, &[("w1", 10), ("w2", 10)]));
        for i in 0..4 {
            publish_at(&mut q, 0, &format!("k{i}"));
        }
        // One unacknowledged message each (prefetch 1), two waiting.
        assert_eq!(q.workers[0].unacked.front().map(|m| m.id), Some(1));
        assert_eq!(q.workers[1].unacked.front().map(|m| m.id), Some(2));
        assert_eq!(q.ready.len(), 2);
        q.advance_to(10);
        assert_eq!((q.deleted, q.depth()), (2, 2));
        q.advance_to(20);
        assert_eq!((q.deleted, q.depth()), (4, 0));
        // Each message went to exactly one worker.
        assert_eq!((q.workers[0].acked, q.workers[1].acked), (2, 2));
        assert_eq!(q.redelivered, 0);
    }

    #[test]
    fn prefetch_bounds_the_unacknowledged_messages_of_a_worker() {
        let mut q = Queue::new(&spec(3, &[("w1", 100)]));
        for _ in 0..5 {
            publish_at(&mut q, 0, "k");
        }
        assert_eq!(q.workers[0].unacked.len(), 3);
        assert_eq!(q.ready.len(), 2);
    }

    #[test]
    fn a_crash_returns_unacknowledged_messages_to_their_place_as_redeliveries() {
        let mut q = Queue::new(&spec(2, &[("w1", 100), ("w2", 1_000)]));
        for i in 0..6 {
            publish_at(&mut q, 0, &format!("k{i}"));
        }
        // w1 holds 1 and 3, w2 holds 2 and 4; 5 and 6 wait.
        q.advance_to(50);
        q.crash_worker("w2", 50).unwrap();
        let ready: Vec<u64> = q.ready.iter().map(|m| m.id).collect();
        assert_eq!(ready, [2, 4, 5, 6]);
        assert!(q.ready[0].redelivered && !q.ready[2].redelivered);
        q.advance_to(10_000);
        assert_eq!(q.deleted, 6);
        assert_eq!(q.redelivered, 2);
        assert_eq!(q.workers[1].acked, 0);
        assert_eq!(
            q.crash_worker("w2", 10_000).unwrap_err(),
            "worker w2 is already down"
        );
        q.restart_worker("w2", 10_000).unwrap();
        publish_at(&mut q, 10_000, "k");
        publish_at(&mut q, 10_000, "k");
        q.advance_to(20_000);
        assert_eq!(
            q.workers[1].acked, 1,
            "the restarted worker takes its turn again"
        );
    }

    #[test]
    fn competing_workers_finish_a_key_out_of_order() {
        // A slow and a fast worker share one key's messages: the fast one overtakes.
        let mut q = Queue::new(&spec(1, &[("slow", 500), ("fast", 10)]));
        for t in 0..4 {
            publish_at(&mut q, t, "order-1");
        }
        q.advance_to(5_000);
        assert_eq!(q.deleted, 4);
        assert!(q.out_of_order >= 1, "{}", q.out_of_order);
        // One worker alone keeps the key's order.
        let mut q = Queue::new(&spec(5, &[("only", 10)]));
        for t in 0..4 {
            publish_at(&mut q, t, "order-1");
        }
        q.advance_to(5_000);
        assert_eq!((q.deleted, q.out_of_order), (4, 0));
    }

    #[test]
    fn a_full_queue_refuses_publishes() {
        let mut q = Queue::new(&spec(1, &[]));
        for _ in 0..MAX_QUEUE_DEPTH + 3 {
            q.publish(None, 0);
        }
        assert_eq!((q.depth(), q.refused), (MAX_QUEUE_DEPTH, 3));
    }

    #[test]
    fn specs_are_validated_with_clear_messages() {
        assert!(spec(1, &[("w1", 10)]).validate().is_ok());
        assert_eq!(
            spec(0, &[]).validate().unwrap_err(),
            "queue orders: prefetch must be 1–1000, got 0"
        );
        assert_eq!(
            spec(1, &[("w1", 10), ("w1", 20)]).validate().unwrap_err(),
            "queue orders: worker w1 given twice"
        );
        assert_eq!(
            spec(1, &[("w<b>", 10)]).validate().unwrap_err(),
            "worker name \"w<b>\" must be 1–64 characters of letters, digits, '.', '_' and '-'"
        );
        assert!(spec(1, &[("w1", MAX_PROCESS_MS + 1)]).validate().is_err());
    }
}
