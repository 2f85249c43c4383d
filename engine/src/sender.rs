//! The producer's `Sender` and `NetworkClient`: batches in flight, their acknowledgements,
//! request timeouts and retries, for producers whose acknowledgements can get lost.
//!
//! * T1: with `acks=0` nothing is acknowledged, so nothing can be lost or retried.
//! * T3: an idempotent producer's retry is recognised by the broker and not appended again.
//! * T5: without idempotence a retry is appended again; with more than one request in flight
//!   it lands after records sent later.
//!
//! The model: each send is a one-record batch. At most
//! `max.in.flight.requests.per.connection` batches are in flight; more wait in the
//! accumulator. A batch reaches the broker one network latency after it is sent and is
//! appended there; the answer needs one more latency. The `LoseAcks` fault loses the next
//! answers. Answers on one connection arrive in request order (Kafka's `InFlightRequests`), so
//! after a lost answer no later answer on that connection gets through either, while requests
//! still reach the broker (a half-open connection). `request.timeout.ms` after the lost
//! request was sent, the client drops the connection and sends every batch still in flight
//! again, in order, after `retry.backoff.ms` (100).
//!
//! Only producers that have had a `LoseAcks` fault take this path; the others complete each
//! send at once, which is the same as this path with no answer lost, so runs without the
//! fault are unchanged. Follows the Kafka 3.x/4.x client. Not modelled: batching of several
//! records, `linger.ms`, `delivery.timeout.ms`, and the exponential retry backoff of Kafka
//! 3.7+ (KIP-580).

use std::collections::VecDeque;

use crate::assignor::TopicPartition;
use crate::log::{Appended, Header, ProducerBatch};
use crate::producer::Acks;
use crate::sim::{CommandError, Event, Simulation};
use crate::trace::EventKind;

/// `retry.backoff.ms` default, 100.
pub const RETRY_BACKOFF_MS: u64 = 100;
/// Most records a producer keeps waiting for an in-flight slot (a stand-in for
/// `buffer.memory`); a send beyond it fails.
pub const MAX_QUEUED_RECORDS: usize = 10_000;
/// Most answers one `LoseAcks` command (and a producer in all) may have pending to lose.
pub const MAX_LOST_ACKS: u32 = 1_000;

/// One one-record batch on its way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InFlightBatch {
    /// Number, unique within the producer.
    pub id: u64,
    /// Destination.
    pub tp: TopicPartition,
    /// Serialized key.
    pub key: Option<Vec<u8>>,
    /// Value.
    pub value: Option<String>,
    /// Headers.
    pub headers: Vec<Header>,
    /// CreateTime, kept by retries.
    pub timestamp_ms: u64,
    /// Producer id, epoch and sequence of an idempotent producer.
    pub producer_batch: Option<ProducerBatch>,
    /// How many times it was sent.
    pub attempts: u32,
    /// When it was last sent, ms.
    pub sent_ms: u64,
    /// Where the broker first appended it (what the simulation knows, not the producer).
    pub appended_offset: Option<u64>,
}

/// A producer's requests in flight and records waiting.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SenderState {
    /// Answers still to lose (the `LoseAcks` fault).
    pub lose_acks: u32,
    /// Sent and not acknowledged, oldest first.
    pub in_flight: VecDeque<InFlightBatch>,
    /// Waiting for an in-flight slot.
    pub queued: VecDeque<InFlightBatch>,
    /// Connection number: answers of an earlier connection are dropped.
    pub connection: u32,
    /// Whether an answer on this connection was lost, so later ones are stuck too.
    pub connection_stuck: bool,
    next_batch_id: u64,
}

impl Simulation {
    /// The `LoseAcks` fault: the next `count` answers to `producer` are lost.
    pub(crate) fn lose_acks(&mut self, index: usize, count: u32) -> Result<(), CommandError> {
        let producer = &self.producers[index];
        if producer.spec.acks == Acks::Zero {
            return Err(CommandError::NotAllowed(format!(
                "producer {} uses acks=0: it waits for no acknowledgement, so none can be lost",
                producer.spec.name
            )));
        }
        let pending = producer.sender.as_ref().map_or(0, |s| s.lose_acks);
        if count == 0 || pending + count > MAX_LOST_ACKS {
            return Err(CommandError::Limit(format!(
                "lose 1–{MAX_LOST_ACKS} acknowledgements at a time ({pending} still pending for producer {})",
                producer.spec.name
            )));
        }
        self.producers[index]
            .sender
            .get_or_insert_with(SenderState::default)
            .lose_acks += count;
        Ok(())
    }

    /// A send of a producer with a sender: the record becomes a batch and waits for a slot.
    /// Returns false when the accumulator is full.
    pub(crate) fn enqueue_batch(
        &mut self,
        index: usize,
        tp: TopicPartition,
        key: Option<Vec<u8>>,
        value: Option<String>,
        headers: Vec<Header>,
    ) -> bool {
        let now = self.now_ms;
        let producer = &mut self.producers[index];
        let sender = producer.sender.get_or_insert_with(SenderState::default);
        if sender.queued.len() >= MAX_QUEUED_RECORDS {
            producer.errors += 1;
            let (name, topic) = (producer.spec.name.clone(), tp.topic.clone());
            self.emit(EventKind::ProduceFailed {
                producer: name.into(),
                topic: topic.into(),
                error: (format!("TimeoutException: {MAX_QUEUED_RECORDS} records already wait for a free in-flight slot (the accumulator is full)")).into(),
            });
            return false;
        }
        let in_transaction = producer.in_transaction;
        let producer_batch = producer.identity.as_mut().map(|id| ProducerBatch {
            producer_id: id.producer_id,
            epoch: id.epoch,
            sequence: id.next_sequence(&tp),
            transactional: in_transaction,
        });
        let sender = producer.sender.as_mut().expect("inserted above");
        sender.next_batch_id += 1;
        let size = crate::log::batch_size_bytes(
            key.as_ref().map(Vec::len),
            value.as_ref().map(String::len),
            &headers,
        );
        sender.queued.push_back(InFlightBatch {
            id: sender.next_batch_id,
            tp: tp.clone(),
            key,
            value,
            headers,
            timestamp_ms: now,
            producer_batch,
            attempts: 0,
            sent_ms: now,
            appended_offset: None,
        });
        producer
            .partitioner
            .on_append(&tp.topic, tp.partition, size as u32, &mut producer.rng);
        self.dispatch(index);
        true
    }

    /// Sends waiting batches while in-flight slots are free.
    fn dispatch(&mut self, index: usize) {
        let now = self.now_ms;
        let latency = self.config.network_latency_ms;
        let producer = &mut self.producers[index];
        let max = producer.spec.max_in_flight_requests_per_connection as usize;
        let Some(sender) = producer.sender.as_mut() else {
            return;
        };
        let mut sent = Vec::new();
        while sender.in_flight.len() < max {
            let Some(mut batch) = sender.queued.pop_front() else {
                break;
            };
            batch.attempts += 1;
            batch.sent_ms = now;
            sent.push(batch.id);
            sender.in_flight.push_back(batch);
        }
        for batch in sent {
            self.schedule_in(
                latency,
                Event::BatchArrives {
                    producer: index,
                    batch,
                },
            );
        }
    }

    /// A batch reaches the broker: append it (or recognise a duplicate), then answer.
    pub(crate) fn on_batch_arrives(&mut self, index: usize, batch_id: u64) {
        let Some(batch) = self.producers[index]
            .sender
            .as_ref()
            .and_then(|s| s.in_flight.iter().find(|b| b.id == batch_id))
            .cloned()
        else {
            return;
        };
        let name = self.producers[index].spec.name.clone();
        let tp = batch.tp.clone();
        let Some(log) = self
            .topics
            .get_mut(&tp.topic)
            .and_then(|t| t.partition_mut(tp.partition))
        else {
            return;
        };
        let key_text = batch.key.as_ref().map(|k| crate::log::bytes_to_text(k));
        let result = match batch.producer_batch {
            Some(pb) => log.append_idempotent(
                batch.key,
                batch.value,
                batch.headers,
                batch.timestamp_ms,
                pb,
            ),
            None => Ok(Appended::New(log.append(
                batch.key,
                batch.value,
                batch.headers,
                batch.timestamp_ms,
            ))),
        };
        let sequence = batch.producer_batch.map(|pb| pb.sequence);
        let offset = match result {
            Ok(Appended::New(offset)) => {
                self.counters.records_produced += 1;
                match batch.appended_offset {
                    Some(original_offset) => self.emit(EventKind::DuplicateAppended {
                        producer: name.into(),
                        partition: tp.to_string().into(),
                        offset,
                        original_offset,
                    }),
                    None => {
                        self.set_appended_offset(index, batch_id, offset);
                        self.emit(EventKind::Produced {
                            producer: Some(name.into()),
                            topic: tp.topic.clone().into(),
                            partition: tp.partition,
                            offset,
                            key: key_text.map(crate::trace::Name::from),
                        });
                    }
                }
                self.wake_consumers(&tp.topic, tp.partition);
                offset
            }
            Ok(Appended::Duplicate(offset)) => {
                self.emit(EventKind::DuplicateDropped {
                    producer: name.into(),
                    partition: tp.to_string().into(),
                    sequence: sequence.unwrap_or_default(),
                    offset,
                });
                offset
            }
            Err(error) => {
                self.fail_batch(index, batch_id, error.to_string());
                return;
            }
        };
        self.answer(index, batch_id, batch.sent_ms, offset, sequence);
    }

    fn set_appended_offset(&mut self, index: usize, batch_id: u64, offset: u64) {
        if let Some(b) = self.producers[index]
            .sender
            .as_mut()
            .and_then(|s| s.in_flight.iter_mut().find(|b| b.id == batch_id))
        {
            b.appended_offset = Some(offset);
        }
    }

    /// The broker's answer: lost (the fault), stuck behind a lost one, or on its way.
    fn answer(
        &mut self,
        index: usize,
        batch_id: u64,
        sent_ms: u64,
        offset: u64,
        sequence: Option<i32>,
    ) {
        let request_timeout = self.producers[index].spec.request_timeout_ms;
        let latency = self.config.network_latency_ms;
        let name = self.producers[index].spec.name.clone();
        let Some(sender) = self.producers[index].sender.as_mut() else {
            return;
        };
        if sender.connection_stuck {
            return;
        }
        let connection = sender.connection;
        if sender.lose_acks > 0 {
            sender.lose_acks -= 1;
            sender.connection_stuck = true;
            let partition = sender
                .in_flight
                .iter()
                .find(|b| b.id == batch_id)
                .map(|b| b.tp.to_string())
                .unwrap_or_default();
            self.emit(EventKind::AckLost {
                producer: name.into(),
                partition: partition.into(),
                offset,
                sequence,
            });
            let due = (sent_ms + request_timeout).max(self.now_ms);
            self.schedule(
                due,
                Event::RequestTimeout {
                    producer: index,
                    connection,
                },
            );
        } else {
            self.schedule_in(
                latency,
                Event::AckArrives {
                    producer: index,
                    connection,
                    batch: batch_id,
                },
            );
        }
    }

    /// The producer receives an answer: the batch is done.
    pub(crate) fn on_ack_arrives(&mut self, index: usize, connection: u32, batch_id: u64) {
        let Some(sender) = self.producers[index].sender.as_mut() else {
            return;
        };
        if sender.connection != connection {
            return;
        }
        sender.in_flight.retain(|b| b.id != batch_id);
        self.dispatch(index);
        self.maybe_end_pending_transaction(index);
    }

    /// `request.timeout.ms` expired: drop the connection and send every batch in flight again,
    /// or give it up once `retries` are used.
    pub(crate) fn on_request_timeout(&mut self, index: usize, connection: u32) {
        let now = self.now_ms;
        let latency = self.config.network_latency_ms;
        let retries = self.producers[index].spec.retries;
        let name = self.producers[index].spec.name.clone();
        let Some(sender) = self.producers[index].sender.as_mut() else {
            return;
        };
        if sender.connection != connection {
            return;
        }
        sender.connection += 1;
        sender.connection_stuck = false;
        let mut retried = Vec::new();
        let mut failed = Vec::new();
        for batch in sender.in_flight.iter_mut() {
            if batch.attempts > retries as u32 {
                failed.push(batch.id);
            } else {
                batch.attempts += 1;
                batch.sent_ms = now + RETRY_BACKOFF_MS;
                retried.push((
                    batch.id,
                    batch.tp.to_string(),
                    batch.producer_batch.map(|b| b.sequence),
                    batch.attempts,
                ));
            }
        }
        for (batch, partition, sequence, attempt) in retried {
            self.emit(EventKind::ProduceRetried {
                producer: name.clone().into(),
                partition: partition.into(),
                sequence,
                attempt,
            });
            self.schedule_in(
                RETRY_BACKOFF_MS + latency,
                Event::BatchArrives {
                    producer: index,
                    batch,
                },
            );
        }
        for batch in failed {
            self.fail_batch(
                index,
                batch,
                format!(
                    "TimeoutException: no answer within request.timeout.ms after {retries} retries"
                ),
            );
        }
    }

    /// Gives a batch up: the send's callback gets the error.
    fn fail_batch(&mut self, index: usize, batch_id: u64, error: String) {
        let producer = &mut self.producers[index];
        let Some(sender) = producer.sender.as_mut() else {
            return;
        };
        let Some(position) = sender.in_flight.iter().position(|b| b.id == batch_id) else {
            return;
        };
        let batch = sender.in_flight.remove(position).expect("found");
        producer.errors += 1;
        let name = producer.spec.name.clone();
        self.emit(EventKind::ProduceFailed {
            producer: name.into(),
            topic: batch.tp.topic.into(),
            error: error.into(),
        });
        self.dispatch(index);
        self.maybe_end_pending_transaction(index);
    }
}
