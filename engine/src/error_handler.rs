//! What happens when a listener fails: Spring Kafka's `DefaultErrorHandler` (blocking retries
//! with a back-off, seek-to-current), its recoverers (log, or `DeadLetterPublishingRecoverer`),
//! non-blocking retries through retry topics (`@RetryableTopic`), `ErrorHandlingDeserializer`,
//! and redriving records from a dead-letter topic.
//!
//! * E1/E2: a `FailedRecordTracker` per consumer and partition: a new back-off execution for a
//!   new offset or a new exception class; `N` back-off values give `N + 1` deliveries.
//! * E5: exceptions on Spring's fatal list (and `not_retryable`) are recovered at once.
//! * E6: the records processed before the failure are committed, the failed record and the
//!   rest of the batch are fetched again after the back-off; the consumer thread sleeps
//!   meanwhile, so its partitions are blocked and `max.poll.interval.ms` keeps running (N5).
//! * D1–D3: the dead-letter topic's name per spring-kafka version, the same partition when it
//!   exists (else Kafka's partitioner chooses), and the `kafka_dlt-*` headers. A missing
//!   dead-letter or retry topic is created as the broker's auto-creation would, with
//!   `num.partitions = 1` (R1).
//! * J1/J2: without `ErrorHandlingDeserializer` a bad value stops its partition for good; with
//!   it, the record goes to the recoverer after one delivery.
//! * N1–N4: retry topics consumed by their own groups (`<group>-retry…`), which wait until the
//!   `retry_topic-backoff-timestamp` header's time; the main partition is not blocked, so
//!   per-key order is lost for retried records.

use crate::vec_map::VecMap;

use crate::assignor::TopicPartition;
use crate::backoff::BackOffExecution;
use crate::dead_letter::{
    dead_letter_headers, dead_letter_partition, dead_letter_topic_name, is_retryable,
    FailedRecordInfo,
};
use crate::group::{Group, GroupRole};
use crate::listener::{FailureKind, DESERIALIZATION_EXCEPTION, LISTENER_EXECUTION_FAILED};
use crate::log::{Header, Record};
use crate::retry_topic::retry_topic_names;
use crate::sim::{CommandError, Event, Simulation};
use crate::topic::Topic;
use crate::trace::EventKind;

/// Header with the number of the next delivery attempt of a record in a retry topic.
pub const RETRY_ATTEMPTS_HEADER: &str = "retry_topic-attempts";
/// Header with the virtual time before which a retry topic's record must not be delivered.
pub const RETRY_BACKOFF_TIMESTAMP_HEADER: &str = "retry_topic-backoff-timestamp";
/// Header with the original record's timestamp.
pub const RETRY_ORIGINAL_TIMESTAMP_HEADER: &str = "retry_topic-original-timestamp";

/// What became of one delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// The listener succeeded.
    Processed,
    /// Handled without the listener succeeding (recovered, forwarded, or a duplicate the
    /// idempotent consumer ignored); acknowledged, and the batch goes on.
    Skipped,
    /// The listener failed and the error handler took the rest of the batch.
    Failed,
}

/// The `FailedRecordTracker` state of one partition (E1).
#[derive(Clone, Debug)]
pub struct FailedRecord {
    /// Offset of the failing record.
    pub offset: u64,
    /// Exception class of the last failure.
    pub exception: String,
    /// The back-off execution.
    pub execution: BackOffExecution,
    /// Failed deliveries so far.
    pub failures: u32,
}

/// An exception thrown for a record.
struct Failure {
    class: String,
    message: String,
    /// The delegate deserializer's exception class and message, when the failure is the
    /// `DeserializationException` an `ErrorHandlingDeserializer` stored (J2).
    deserialization: Option<(String, String)>,
}

/// Where a failed record is published: a dead-letter topic, or a retry topic (not counted as
/// a dead letter), with the headers added to it.
struct Destination {
    topic: String,
    headers: Vec<Header>,
    dead_letter: bool,
}

impl Destination {
    fn dead_letter(topic: String, headers: Vec<Header>) -> Self {
        Self {
            topic,
            headers,
            dead_letter: true,
        }
    }
}

fn header<'a>(record: &'a Record, name: &str) -> Option<&'a [u8]> {
    record.last_header(name)
}

/// A retry-topic time header, which Spring writes as `BigInteger.valueOf(ms).toByteArray()`.
fn header_time(record: &Record, name: &str) -> Option<u64> {
    crate::dead_letter::big_integer_value(header(record, name)?)
}

fn header_u32(record: &Record, name: &str) -> Option<u32> {
    let bytes: [u8; 4] = header(record, name)?.try_into().ok()?;
    Some(u32::from_be_bytes(bytes))
}

impl Simulation {
    fn record_at(&self, tp: &TopicPartition, offset: u64) -> Option<Record> {
        self.topics
            .get(&tp.topic)?
            .partition(tp.partition)?
            .get(offset)
            .cloned()
    }

    /// The user's group a (retry or DLT) group works for.
    pub(crate) fn main_group(&self, group: usize) -> usize {
        match self.groups[group].role {
            GroupRole::Main => group,
            GroupRole::RetryStage { main } | GroupRole::DeadLetterHandler { main } => main,
        }
    }

    /// Offset of the first record in `from..from + count` of `tp` whose value the consumer's
    /// deserializer rejects, when no `ErrorHandlingDeserializer` wraps it (J1).
    pub(crate) fn first_undeserializable(
        &self,
        index: usize,
        tp: &TopicPartition,
        from: u64,
        count: u64,
    ) -> Option<u64> {
        let listener = &self.groups[self.consumers[index].group].config.listener;
        if listener.error_handling_deserializer
            || listener.value_format == crate::listener::ValueFormat::String
        {
            return None;
        }
        let log = self.topics.get(&tp.topic)?.partition(tp.partition)?;
        log.range(from, from + count)
            .find(|r| listener.value_format.check(r).is_err())
            .map(|r| r.offset)
    }

    /// `poll()` threw at `offset` of `tp`: the position stays there and the container polls
    /// again, failing again (J1). Reported once per stuck record.
    pub(crate) fn poll_failed_at(&mut self, index: usize, tp: &TopicPartition, offset: u64) {
        if self.consumers[index].stuck.get(tp) == Some(&offset) {
            return;
        }
        self.consumers[index].stuck.insert(tp.clone(), offset);
        let record = self.record_at(tp, offset);
        let listener = &self.groups[self.consumers[index].group].config.listener;
        let cause = record
            .and_then(|r| listener.value_format.check(&r).err())
            .map(|(c, m)| format!("{c}: {m}"))
            .unwrap_or_default();
        let group = self.groups[self.consumers[index].group].id.clone();
        let consumer = self.consumers[index].name.clone();
        self.emit(EventKind::PollFailed {
            group: group.into(),
            consumer: consumer.into(),
            partition: tp.to_string().into(),
            offset,
            error: (format!(
                "RecordDeserializationException: Error deserializing value at offset {offset}; the position stays at the record and every poll fails again, so none of the consumer's partitions moves ({cause}). Without ErrorHandlingDeserializer the error handler cannot skip it"
            )).into(),
        });
    }

    /// Runs the listener on one record and applies the error handling around it.
    pub(crate) fn deliver_to_listener(
        &mut self,
        index: usize,
        tp: &TopicPartition,
        offset: u64,
    ) -> Delivery {
        let group = self.consumers[index].group;
        let Some(record) = self.record_at(tp, offset) else {
            // Deleted by retention since the fetch: the consumer still holds the copy it
            // fetched and the listener processes it. Its content is gone from the log, so no
            // failure rule is checked against it.
            return Delivery::Processed;
        };
        // A retry topic's record waits until its back-off timestamp (KafkaBackoffException:
        // the partition is paused and the record fetched again when due, N4).
        if matches!(self.groups[group].role, GroupRole::RetryStage { .. }) {
            if let Some(due) = header_time(&record, RETRY_BACKOFF_TIMESTAMP_HEADER)
                .filter(|&due| due > self.now_ms)
            {
                self.seek_back(index, tp, offset);
                let incarnation = self.consumers[index].incarnation;
                self.consumers[index].backing_off_until = Some(due);
                self.schedule(
                    due,
                    Event::Poll {
                        consumer: index,
                        incarnation,
                    },
                );
                return Delivery::Failed;
            }
        }
        let listener = self.groups[group].config.listener.clone();
        let failure = self.listener_outcome(group, tp, offset, &record);
        let Some(failure) = failure else {
            self.consumers[index].failed.remove(tp);
            if listener.idempotent {
                let id = (record.key.clone(), record.value.clone());
                if !self.groups[group].processed_ids.insert(id) {
                    let (g, c) = (
                        self.groups[group].id.clone(),
                        self.consumers[index].name.clone(),
                    );
                    self.checker.on_duplicate_suppressed(&g);
                    self.emit(EventKind::DuplicateSkipped {
                        group: g.into(),
                        consumer: c.into(),
                        partition: tp.to_string().into(),
                        offset,
                    });
                    self.checker
                        .on_processed_quietly(&self.groups[group].id.clone(), tp, offset);
                    self.ack_offset(index, tp, offset);
                    return Delivery::Skipped;
                }
            }
            let main = self.main_group(group);
            if self.groups[main]
                .config
                .listener
                .error_handler
                .retry_topic
                .is_some()
            {
                let (main_id, own_id) =
                    (self.groups[main].id.clone(), self.groups[group].id.clone());
                self.checker.on_order(&main_id, &own_id, tp, &record);
            }
            return Delivery::Processed;
        };
        self.handle_failure(index, tp, &record, failure)
    }

    /// The exception the listener (or the deserializer in front of it) throws, if any.
    fn listener_outcome(
        &mut self,
        group: usize,
        tp: &TopicPartition,
        offset: u64,
        record: &Record,
    ) -> Option<Failure> {
        let listener = &self.groups[group].config.listener;
        if let GroupRole::DeadLetterHandler { .. } = self.groups[group].role {
            // The default @DltHandler logs the record and succeeds.
            return None;
        }
        if listener.error_handling_deserializer {
            if let Err((class, message)) = listener.value_format.check(record) {
                return Some(Failure {
                    class: DESERIALIZATION_EXCEPTION.into(),
                    message: format!("failed to deserialize; caused by {class}: {message}"),
                    deserialization: Some((class, message)),
                });
            }
        }
        let rule = listener.rule_for(record)?.clone();
        let class = rule.exception_class().to_owned();
        let message = rule
            .message
            .clone()
            .unwrap_or_else(|| format!("listener failed on {tp}@{offset}"));
        match rule.kind {
            FailureKind::Poison | FailureKind::NonRetryable => Some(Failure {
                class,
                message,
                deserialization: None,
            }),
            FailureKind::Transient { failures } => {
                let key = (tp.clone(), offset);
                let seen = self.groups[group]
                    .failure_deliveries
                    .get(&key)
                    .copied()
                    .unwrap_or(0);
                if seen < failures {
                    self.groups[group].failure_deliveries.insert(key, seen + 1);
                    Some(Failure {
                        class,
                        message,
                        deserialization: None,
                    })
                } else {
                    self.groups[group].failure_deliveries.remove(&key);
                    None
                }
            }
        }
    }

    /// The error handler's reaction to a failed delivery.
    fn handle_failure(
        &mut self,
        index: usize,
        tp: &TopicPartition,
        record: &Record,
        failure: Failure,
    ) -> Delivery {
        let group = self.consumers[index].group;
        let offset = record.offset;
        let handler = self.groups[group].config.listener.error_handler.clone();
        let fatal = failure.deserialization.is_some()
            || !is_retryable(&failure.class, &handler.not_retryable);
        let main = self.main_group(group);
        let non_blocking = self.groups[main]
            .config
            .listener
            .error_handler
            .retry_topic
            .is_some();

        let tracker = self.consumers[index]
            .failed
            .entry(tp.clone())
            .or_insert_with(|| FailedRecord {
                offset,
                exception: failure.class.clone(),
                execution: handler.back_off.start(),
                failures: 0,
            });
        if tracker.offset != offset || tracker.exception != failure.class {
            // E1: another record or another exception class starts a new back-off.
            *tracker = FailedRecord {
                offset,
                exception: failure.class.clone(),
                execution: handler.back_off.start(),
                failures: 0,
            };
        }
        tracker.failures += 1;
        let attempt = tracker.failures;
        let (g, c) = (
            self.groups[group].id.clone(),
            self.consumers[index].name.clone(),
        );
        let main_id = self.groups[main].id.clone();
        self.checker.on_failed_delivery(&main_id);
        self.checker.on_key(&main_id, record.key.as_deref(), |k| {
            k.failed_deliveries += 1
        });
        self.emit(EventKind::ListenerFailed {
            group: g.clone().into(),
            consumer: c.clone().into(),
            partition: tp.to_string().into(),
            offset,
            exception: failure.class.clone().into(),
            message: failure.message.clone().into(),
            attempt,
        });

        if non_blocking && !matches!(self.groups[group].role, GroupRole::DeadLetterHandler { .. }) {
            // @RetryableTopic: forward and go on; the partition is never blocked (N5).
            self.consumers[index].failed.remove(tp);
            self.forward_to_retry_or_dlt(group, tp, record, &failure, fatal);
            self.checker.on_processed_quietly(&g, tp, offset);
            self.ack_offset(index, tp, offset);
            return Delivery::Skipped;
        }

        let next = if fatal {
            None
        } else {
            self.consumers[index]
                .failed
                .get_mut(tp)
                .and_then(|t| t.execution.next_back_off())
        };
        match next {
            Some(back_off_ms) => {
                // Not recovered: commit what was processed, seek the failed record and the
                // rest of the batch back, and sleep on the consumer thread (E6).
                self.commit_processed(index);
                self.seek_back(index, tp, offset);
                let incarnation = self.consumers[index].incarnation;
                self.consumers[index].backing_off_until =
                    Some(self.now_ms.saturating_add(back_off_ms));
                self.emit(EventKind::BackOff {
                    group: g.into(),
                    consumer: c.into(),
                    partition: tp.to_string().into(),
                    offset,
                    back_off_ms,
                });
                self.schedule_in(
                    back_off_ms,
                    Event::Poll {
                        consumer: index,
                        incarnation,
                    },
                );
                Delivery::Failed
            }
            None => {
                self.consumers[index].failed.remove(tp);
                self.recover(group, record, tp, &failure, attempt, fatal);
                // The recovered record is committed (ackAfterHandle); the batch goes on.
                self.ack_offset(index, tp, offset);
                self.checker.on_processed_quietly(&g, tp, offset);
                Delivery::Skipped
            }
        }
    }

    /// Puts `offset` of `tp` and every later record of the batch back: their partitions'
    /// positions return to the first of them, so the next poll fetches them again (E6).
    fn seek_back(&mut self, index: usize, tp: &TopicPartition, offset: u64) {
        let c = &mut self.consumers[index];
        let mut first: VecMap<TopicPartition, u64> = VecMap::new();
        first.insert(tp.clone(), offset);
        for (t, o) in c.batch.drain(..) {
            first
                .entry(TopicPartition::clone(&t))
                .and_modify(|f| *f = (*f).min(o))
                .or_insert(o);
        }
        for (t, o) in first {
            c.positions.insert(t.clone(), o);
            self.checker.on_position(index, &t, o);
        }
    }

    /// The recoverer: log and skip (Spring's default), or publish to the dead-letter topic.
    fn recover(
        &mut self,
        group: usize,
        record: &Record,
        tp: &TopicPartition,
        failure: &Failure,
        attempts: u32,
        fatal: bool,
    ) {
        let handler = self.groups[group].config.listener.error_handler.clone();
        let g = self.groups[group].id.clone();
        if !handler.dead_letter {
            let offset = record.offset;
            let how = if fatal {
                format!(
                    "{} is not retryable, so {tp}@{offset} was not retried: logged at ERROR and skipped after one delivery",
                    failure.class
                )
            } else {
                format!(
                    "Backoff exhausted for {tp}@{offset} after {attempts} deliveries: logged at ERROR and skipped"
                )
            };
            self.emit(EventKind::Recovered {
                group: g.into(),
                partition: tp.to_string().into(),
                offset,
                how: how.into(),
            });
            self.checker
                .on_recovered(&self.groups[self.main_group(group)].id.clone());
            return;
        }
        let dlt = dead_letter_topic_name(&tp.topic, handler.spring_kafka_version);
        self.publish_dead_letter(
            group,
            record,
            tp,
            failure,
            Destination::dead_letter(dlt, Vec::new()),
        );
    }

    /// Sends `record` to `target` with the `kafka_dlt-*` headers (D2, D3). Returns the
    /// partition and offset it got. Only a true dead letter is counted as one, not a forward
    /// to a retry topic.
    fn publish_dead_letter(
        &mut self,
        group: usize,
        record: &Record,
        tp: &TopicPartition,
        failure: &Failure,
        to: Destination,
    ) -> (u32, u64) {
        let Destination {
            topic: target,
            headers: extra_headers,
            dead_letter: count_as_dead_letter,
        } = to;
        let target = target.as_str();
        self.ensure_topic(target);
        let main = self.main_group(group);
        // Retry topics' recoverers keep the first original-* headers (appendOriginalHeaders is
        // false there); a plain DeadLetterPublishingRecoverer appends the failed record's own
        // (appendOriginalHeaders defaults to true).
        let keep_first_original = self.groups[main]
            .config
            .listener
            .error_handler
            .retry_topic
            .is_some();
        let info = FailedRecordInfo {
            topic: tp.topic.clone(),
            partition: tp.partition,
            offset: record.offset,
            timestamp_ms: record.timestamp_ms,
            consumer_group: Some(self.groups[main].id.clone()),
            ..Default::default()
        };
        // A deserialization failure's headers describe the DeserializationException the
        // ErrorHandlingDeserializer stored (DeadLetterPublishingRecoverer.addAndEnhanceHeaders):
        // its "root cause", as findRootCause unwraps only listener-failed and timestamped
        // exceptions, is itself, and its message is its own, "failed to deserialize"; the
        // delegate's exception is only in the stack trace. Any other failure's describe the
        // ListenerExecutionFailedException around the listener's exception.
        let info = match &failure.deserialization {
            Some((class, message)) => FailedRecordInfo {
                exception_fqcn: DESERIALIZATION_EXCEPTION.into(),
                cause_fqcn: Some(DESERIALIZATION_EXCEPTION.into()),
                message: Some("failed to deserialize".into()),
                stacktrace: format!(
                    "{DESERIALIZATION_EXCEPTION}: failed to deserialize\nCaused by: {class}: {message}"
                ),
                ..info
            },
            None => FailedRecordInfo {
                exception_fqcn: LISTENER_EXECUTION_FAILED.into(),
                cause_fqcn: Some(failure.class.clone()),
                message: Some(format!("Listener failed; {}", failure.message)),
                stacktrace: format!(
                    "{LISTENER_EXECUTION_FAILED}: Listener failed\nCaused by: {}: {}",
                    failure.class, failure.message
                ),
                ..info
            },
        };
        // The original headers stay; earlier kafka_dlt-* and retry headers are replaced.
        let mut headers: Vec<Header> = record
            .headers
            .iter()
            .filter(|h| {
                !h.key.starts_with("kafka_dlt-exception") && !h.key.starts_with("retry_topic-")
            })
            .cloned()
            .collect();
        let original_known = keep_first_original
            && header(record, crate::dead_letter::HEADER_ORIGINAL_TOPIC).is_some();
        for (key, value) in dead_letter_headers(&info) {
            if original_known && key.starts_with("kafka_dlt-original") {
                continue;
            }
            headers.push(Header { key, value });
        }
        headers.extend(extra_headers);
        let dlt_count = self.topics[target].partition_count();
        let partition = dead_letter_partition(tp.partition, dlt_count);
        let meta = self.send_internal(
            target,
            record.key.clone(),
            record.value.clone(),
            partition,
            headers,
        );
        if count_as_dead_letter {
            let g = self.groups[main].id.clone();
            self.checker.on_dead_letter(&g);
            self.checker
                .on_key(&g, record.key.as_deref(), |k| k.dead_lettered += 1);
            self.emit_milestone(EventKind::DeadLettered {
                group: g.into(),
                partition: tp.to_string().into(),
                offset: record.offset,
                dead_letter_topic: target.to_owned().into(),
                dead_letter_partition: meta.partition,
                dead_letter_offset: meta.offset,
                exception: failure.class.clone().into(),
            });
        }
        (meta.partition, meta.offset)
    }

    /// Non-blocking retries: the next retry topic, or the chain's dead-letter topic once the
    /// attempts are used up or for a fatal exception (N4).
    fn forward_to_retry_or_dlt(
        &mut self,
        group: usize,
        tp: &TopicPartition,
        record: &Record,
        failure: &Failure,
        fatal: bool,
    ) {
        let main = self.main_group(group);
        let config = self.groups[main]
            .config
            .listener
            .error_handler
            .retry_topic
            .clone()
            .expect("non-blocking");
        let original_topic = header(record, crate::dead_letter::HEADER_ORIGINAL_TOPIC)
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_else(|| tp.topic.clone());
        let (retries, dlt) = retry_topic_names(&original_topic, &config);
        // Attempt numbers count deliveries: the main topic's is 1.
        let attempt = header_u32(record, RETRY_ATTEMPTS_HEADER).unwrap_or(1);
        let tp = tp.clone();
        let original_ts =
            header_time(record, RETRY_ORIGINAL_TIMESTAMP_HEADER).unwrap_or(record.timestamp_ms);
        // DeadLetterPublishingRecovererFactory adds these to every forward, the one to the
        // dead-letter topic too (whose delay is 0): the attempt, the time the next delivery is
        // due and the first failure's record time, the times as Java BigInteger bytes.
        let retry_headers = |due: u64| {
            vec![
                Header {
                    key: RETRY_ATTEMPTS_HEADER.into(),
                    value: (attempt + 1).to_be_bytes().to_vec(),
                },
                Header {
                    key: RETRY_BACKOFF_TIMESTAMP_HEADER.into(),
                    value: crate::dead_letter::big_integer_bytes(due),
                },
                Header {
                    key: RETRY_ORIGINAL_TIMESTAMP_HEADER.into(),
                    value: crate::dead_letter::big_integer_bytes(original_ts),
                },
            ]
        };
        if fatal || attempt as usize > retries.len() {
            let headers = retry_headers(self.now_ms);
            self.publish_dead_letter(
                group,
                record,
                &tp,
                failure,
                Destination::dead_letter(dlt, headers),
            );
            return;
        }
        let (retry_topic, delay_ms) = retries[attempt as usize - 1].clone();
        let due = self.now_ms.saturating_add(delay_ms);
        let retry_headers = retry_headers(due);
        let (partition, offset) = self.publish_dead_letter(
            group,
            record,
            &tp,
            failure,
            Destination {
                topic: retry_topic.clone(),
                headers: retry_headers,
                dead_letter: false,
            },
        );
        let g = self.groups[main].id.clone();
        self.emit(EventKind::RetryScheduled {
            group: g.into(),
            partition: tp.to_string().into(),
            offset: record.offset,
            retry_topic: retry_topic.into(),
            retry_partition: partition,
            retry_offset: offset,
            due_ms: due,
            attempt: attempt + 1,
        });
    }

    /// Creates `name` as the broker's auto-creation would (`num.partitions = 1`) if missing.
    pub(crate) fn ensure_topic(&mut self, name: &str) {
        if !self.topics.contains_key(name) {
            self.topics
                .insert(name.to_owned(), Topic::new(name.to_owned(), 1));
            self.emit(EventKind::TopicCreated {
                topic: name.to_owned().into(),
                partitions: 1,
            });
        }
    }

    /// Spring creates a listener container (and so a group) for each retry topic and one for
    /// the dead-letter topic, named after the main group and the topic suffix (N1, N3).
    pub(crate) fn create_retry_groups(&mut self, main: usize) -> Result<(), CommandError> {
        let Some(config) = self.groups[main]
            .config
            .listener
            .error_handler
            .retry_topic
            .clone()
        else {
            return Ok(());
        };
        let topics = self.groups[main].topics.clone();
        let main_id = self.groups[main].id.clone();
        let mut stage_topics: VecMap<String, Vec<String>> = VecMap::new();
        let mut dlt_topics: Vec<String> = Vec::new();
        for topic in &topics {
            let (retries, dlt) = retry_topic_names(topic, &config);
            for (retry, _) in retries {
                let suffix = retry
                    .strip_prefix(topic.as_str())
                    .unwrap_or(&retry)
                    .to_owned();
                let entry = stage_topics.entry(suffix).or_default();
                if !entry.contains(&retry) {
                    entry.push(retry);
                }
            }
            dlt_topics.push(dlt);
        }
        let mut base_config = self.groups[main].config.clone();
        base_config.listener.error_handler.retry_topic = None;
        base_config.initial_rebalance_delay_ms = 0;
        for (suffix, stage) in stage_topics {
            for t in &stage {
                self.ensure_topic(t);
            }
            self.add_support_group(
                format!("{main_id}{suffix}"),
                stage,
                base_config.clone(),
                GroupRole::RetryStage { main },
            )?;
        }
        for t in &dlt_topics {
            self.ensure_topic(t);
        }
        let dlt_suffix = dlt_topics
            .first()
            .and_then(|d| {
                topics
                    .first()
                    .and_then(|t| d.strip_prefix(t.as_str()))
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| "-dlt".into());
        self.add_support_group(
            format!("{main_id}{dlt_suffix}"),
            dlt_topics,
            base_config,
            GroupRole::DeadLetterHandler { main },
        )
    }

    fn add_support_group(
        &mut self,
        id: String,
        topics: Vec<String>,
        config: crate::group::GroupConfig,
        role: GroupRole,
    ) -> Result<(), CommandError> {
        if self.groups.iter().any(|g| g.id == id) {
            return Ok(());
        }
        self.emit(EventKind::GroupAdded {
            group: id.clone().into(),
        });
        if config.listener.commit_before_processing {
            self.checker.set_at_most_once(&id);
        }
        let mut group = Group::new(id, config, topics);
        group.role = role;
        self.groups.push(group);
        let index = self.groups.len() - 1;
        self.add_consumer(index).map(|_| ())
    }

    /// Sends records of a dead-letter topic back to the topic they came from (their
    /// `kafka_dlt-original-topic` header), without the dead-letter headers: a redrive.
    pub(crate) fn redrive(
        &mut self,
        topic: &str,
        partition: u32,
        from_offset: u64,
        count: u32,
    ) -> Result<u32, CommandError> {
        let log = self
            .topics
            .get(topic)
            .ok_or_else(|| CommandError::UnknownTopic(topic.to_owned()))?
            .partition(partition)
            .ok_or_else(|| CommandError::UnknownPartition {
                topic: topic.to_owned(),
                partition,
            })?;
        let records: Vec<Record> = log
            .range(from_offset, from_offset.saturating_add(u64::from(count)))
            .cloned()
            .collect();
        if records.is_empty() {
            return Err(CommandError::NotAllowed(format!(
                "{topic}-{partition} has no records from offset {from_offset} to redrive"
            )));
        }
        let mut sent = 0;
        for record in records {
            let Some(target) = header(&record, crate::dead_letter::HEADER_ORIGINAL_TOPIC)
                .map(|b| String::from_utf8_lossy(b).into_owned())
            else {
                continue;
            };
            if !self.topics.contains_key(&target) {
                continue;
            }
            let headers: Vec<Header> = record
                .headers
                .iter()
                .filter(|h| !h.key.starts_with("kafka_dlt-") && !h.key.starts_with("retry_topic-"))
                .cloned()
                .collect();
            let meta = self.send_internal(
                &target,
                record.key.clone(),
                record.value.clone(),
                None,
                headers,
            );
            self.emit(EventKind::Redriven {
                from: (format!("{topic}-{partition}@{}", record.offset)).into(),
                topic: target.into(),
                partition: meta.partition,
                offset: meta.offset,
            });
            sent += 1;
        }
        Ok(sent)
    }
}
