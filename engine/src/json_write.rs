//! A lean writer of the scenario format's compact JSON: each scenario type writes itself
//! with a few non-generic calls, instead of serde's derived `Serialize`.
//!
//! Why not the derive: the page writes scenarios for share links and the editor, and the
//! derived serializers (one generic function per field type, the internally tagged enums
//! above all) cost the page about 6 kB compressed. The derives stay for everything else.
//!
//! The text is exactly what `serde_json::to_string` makes of the derives, field order,
//! omitted fields and all; tests compare the two on every example, every lesson and random
//! scenarios ([`crate::json_read`] is the other half, the reader).

use std::fmt::Write as _;

use crate::assignor::AssignorKind;
use crate::backoff::BackOff;
use crate::call_chain::{CallChainSpec, ServiceSpec};
use crate::group::GroupConfig;
use crate::listener::{ErrorHandlerConfig, FailureKind, FailureRule, ListenerConfig, ValueFormat};
use crate::log::Header;
use crate::producer::{KeyStream, ProducerSpec};
use crate::queue::{QueueSpec, WorkerSpec};
use crate::retry_topic::RetryTopicConfig;
use crate::scenario::{GroupSpec, Scenario, TopicSpec};
use crate::sim::{ClusterConfig, Command, ResetTarget, ScriptEntry};

/// Compact JSON being written: values, and objects whose fields are written by name.
#[derive(Debug, Default)]
pub struct Writer {
    out: String,
    /// No value has been written yet in the object or array open now.
    first: bool,
}

/// A value the writer can write.
pub trait WriteJson {
    /// Writes `self` as one JSON value.
    fn write_json(&self, w: &mut Writer);
}

/// `value` as compact JSON.
pub fn to_string(value: &impl WriteJson) -> String {
    let mut w = Writer::default();
    value.write_json(&mut w);
    w.out
}

/// `text` as a JSON string, escaped as serde_json escapes it.
pub fn quoted(text: &str) -> String {
    let mut w = Writer::default();
    w.string(text);
    w.out
}

/// The name a unit-like enum value is written with: the first of its names in `names`.
fn name_of<T: PartialEq>(names: &'static [(&'static str, T)], value: &T) -> &'static str {
    names
        .iter()
        .find(|(_, v)| v == value)
        .map_or("", |(name, _)| name)
}

impl Writer {
    fn separate(&mut self) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
    }

    /// An object whose fields `fields` writes.
    pub fn object(&mut self, fields: impl FnOnce(&mut Writer)) {
        self.out.push('{');
        self.first = true;
        fields(self);
        self.out.push('}');
        self.first = false;
    }

    /// An array of `items`, each written by `item`.
    pub fn array<T>(&mut self, items: &[T], item: impl Fn(&mut Writer, &T)) {
        self.out.push('[');
        self.first = true;
        for value in items {
            self.separate();
            item(self, value);
        }
        self.out.push(']');
        self.first = false;
    }

    /// A string value: quote, backslash and the control characters below U+0020 escaped,
    /// the common ones by letter and the rest as `\u00XX`, as serde_json writes them.
    pub fn string(&mut self, text: &str) {
        self.out.push('"');
        for c in text.chars() {
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '\n' => self.out.push_str("\\n"),
                '\r' => self.out.push_str("\\r"),
                '\t' => self.out.push_str("\\t"),
                '\u{8}' => self.out.push_str("\\b"),
                '\u{c}' => self.out.push_str("\\f"),
                c if c < ' ' => {
                    let _ = write!(self.out, "\\u{:04x}", c as u32);
                }
                c => self.out.push(c),
            }
        }
        self.out.push('"');
    }

    /// The next field's name.
    pub fn key(&mut self, key: &str) -> &mut Self {
        self.separate();
        self.string(key);
        self.out.push(':');
        self
    }

    /// A string field.
    pub fn str(&mut self, key: &str, value: &str) {
        self.key(key).string(value);
    }

    /// An unsigned integer field.
    pub fn u64(&mut self, key: &str, value: u64) {
        let _ = write!(self.key(key).out, "{value}");
    }

    /// A signed integer field.
    pub fn i64(&mut self, key: &str, value: i64) {
        let _ = write!(self.key(key).out, "{value}");
    }

    /// A `true` or `false` field.
    pub fn bool(&mut self, key: &str, value: bool) {
        self.key(key)
            .out
            .push_str(if value { "true" } else { "false" });
    }

    /// A decimal setting, as [`crate::decimal::serialize`] writes it.
    pub fn decimal(&mut self, key: &str, value: f64) {
        let text = crate::decimal::json_number(value);
        self.key(key).out.push_str(&text);
    }

    /// An optional integer field, left out when `None`.
    pub fn some_u64(&mut self, key: &str, value: Option<u64>) {
        if let Some(value) = value {
            self.u64(key, value);
        }
    }

    /// An optional string field, left out when `None`.
    pub fn some_str(&mut self, key: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.str(key, value);
        }
    }

    /// An optional integer field, `null` when `None`.
    pub fn u64_or_null(&mut self, key: &str, value: Option<u64>) {
        match value {
            Some(value) => self.u64(key, value),
            None => self.key(key).out.push_str("null"),
        }
    }

    /// An optional string field, `null` when `None`.
    pub fn str_or_null(&mut self, key: &str, value: Option<&str>) {
        match value {
            Some(value) => self.str(key, value),
            None => self.key(key).out.push_str("null"),
        }
    }

    /// An array of strings field.
    pub fn strings(&mut self, key: &str, values: &[String]) {
        self.key(key).array(values, |w, s| w.string(s));
    }

    /// A field holding any value.
    pub fn value(&mut self, key: &str, value: &impl WriteJson) {
        value.write_json(self.key(key));
    }

    /// An array field of any values.
    pub fn list<T: WriteJson>(&mut self, key: &str, values: &[T]) {
        self.key(key).array(values, |w, v| v.write_json(w));
    }
}

impl WriteJson for Scenario {
    fn write_json(&self, w: &mut Writer) {
        w.object(|w| {
            w.u64("version", self.version.into());
            w.str("name", &self.name);
            w.u64("seed", self.seed);
            w.value("cluster", &self.cluster);
            w.list("topics", &self.topics);
            w.list("producers", &self.producers);
            w.list("groups", &self.groups);
            if !self.queues.is_empty() {
                w.list("queues", &self.queues);
            }
            if !self.call_chains.is_empty() {
                w.list("call_chains", &self.call_chains);
            }
            w.list("script", &self.script);
            w.some_u64("open_at_ms", self.open_at_ms);
            w.some_u64("played_to_ms", self.played_to_ms);
        });
    }
}

impl WriteJson for ClusterConfig {
    fn write_json(&self, w: &mut Writer) {
        w.object(|w| {
            w.u64("network_latency_ms", self.network_latency_ms);
            w.u64(
                "retention_check_interval_ms",
                self.retention_check_interval_ms,
            );
        });
    }
}

impl WriteJson for TopicSpec {
    fn write_json(&self, w: &mut Writer) {
        w.object(|w| {
            w.str("name", &self.name);
            w.u64("partitions", self.partitions.into());
            w.some_u64("retention_ms", self.retention_ms);
            w.some_u64("retention_bytes", self.retention_bytes);
        });
    }
}

impl WriteJson for GroupSpec {
    fn write_json(&self, w: &mut Writer) {
        w.object(|w| {
            w.str("id", &self.id);
            w.strings("topics", &self.topics);
            w.value("config", &self.config);
            w.u64("consumers", self.consumers.into());
        });
    }
}

impl ProducerSpec {
    /// The fields alone: a producer is also written inside an `add_producer` command.
    fn write_fields(&self, w: &mut Writer) {
        w.str("name", &self.name);
        w.str("topic", &self.topic);
        w.value("keys", &self.keys);
        w.str("value_template", &self.value_template);
        w.decimal("rate_per_sec", self.rate_per_sec);
        w.str(
            "key_serializer",
            name_of(crate::producer::KeySerializer::NAMES, &self.key_serializer),
        );
        let p = &self.partitioner;
        w.key("partitioner").object(|w| {
            w.str(
                "kind",
                name_of(crate::partitioner::PartitionerKind::NAMES, &p.kind),
            );
            w.u64("batch_size", p.batch_size.into());
            w.bool("ignore_keys", p.ignore_keys);
            w.bool("adaptive", p.adaptive);
        });
        w.bool("enable_idempotence", self.enable_idempotence);
        w.str("acks", name_of(crate::producer::Acks::NAMES, &self.acks));
        w.u64(
            "max_in_flight_requests_per_connection",
            self.max_in_flight_requests_per_connection.into(),
        );
        w.u64("request_timeout_ms", self.request_timeout_ms);
        w.i64("retries", self.retries.into());
        w.some_str("transactional_id", self.transactional_id.as_deref());
        w.u64("transaction_timeout_ms", self.transaction_timeout_ms);
        w.some_u64("transaction_size", self.transaction_size.map(u64::from));
        w.some_u64("abort_every", self.abort_every.map(u64::from));
    }
}

impl WriteJson for ProducerSpec {
    fn write_json(&self, w: &mut Writer) {
        w.object(|w| self.write_fields(w));
    }
}

impl WriteJson for KeyStream {
    fn write_json(&self, w: &mut Writer) {
        w.object(|w| match self {
            KeyStream::Fixed { keys } => {
                w.str("type", "fixed");
                w.strings("keys", keys);
            }
            KeyStream::KeySpace {
                prefix,
                count,
                skew,
            } => {
                w.str("type", "key_space");
                w.str("prefix", prefix);
                w.u64("count", (*count).into());
                w.decimal("skew", *skew);
            }
            KeyStream::Null => w.str("type", "null"),
        });
    }
}

impl WriteJson for GroupConfig {
    fn write_json(&self, w: &mut Writer) {
        use crate::group::{CommitMode, OffsetResetPolicy};
        use crate::transaction::IsolationLevel;
        w.object(|w| {
            w.str("assignor", name_of(AssignorKind::NAMES, &self.assignor));
            w.u64("session_timeout_ms", self.session_timeout_ms);
            w.u64("heartbeat_interval_ms", self.heartbeat_interval_ms);
            w.u64("max_poll_interval_ms", self.max_poll_interval_ms);
            w.u64("max_poll_records", self.max_poll_records.into());
            w.str("commit_mode", name_of(CommitMode::NAMES, &self.commit_mode));
            w.u64("auto_commit_interval_ms", self.auto_commit_interval_ms);
            w.str(
                "auto_offset_reset",
                name_of(OffsetResetPolicy::NAMES, &self.auto_offset_reset),
            );
            w.u64(
                "initial_rebalance_delay_ms",
                self.initial_rebalance_delay_ms,
            );
            w.u64("processing_time_ms", self.processing_time_ms);
            w.bool("static_membership", self.static_membership);
            w.value("listener", &self.listener);
            w.str(
                "isolation_level",
                name_of(IsolationLevel::NAMES, &self.isolation_level),
            );
            w.some_str("forward_to", self.forward_to.as_deref());
            if self.exactly_once {
                w.bool("exactly_once", true);
            }
        });
    }
}

impl WriteJson for ListenerConfig {
    fn write_json(&self, w: &mut Writer) {
        w.object(|w| {
            w.u64("processing_jitter_ms", self.processing_jitter_ms);
            w.list("failures", &self.failures);
            w.value("value_format", &self.value_format);
            w.bool(
                "error_handling_deserializer",
                self.error_handling_deserializer,
            );
            w.value("error_handler", &self.error_handler);
            w.bool("idempotent", self.idempotent);
            w.bool("commit_before_processing", self.commit_before_processing);
        });
    }
}

impl WriteJson for FailureRule {
    fn write_json(&self, w: &mut Writer) {
        w.object(|w| {
            let m = &self.matches;
            w.key("match").object(|w| {
                w.some_str("key_equals", m.key_equals.as_deref());
                w.some_str("value_contains", m.value_contains.as_deref());
            });
            w.key("kind").object(|w| match self.kind {
                FailureKind::Poison => w.str("type", "poison"),
                FailureKind::Transient { failures } => {
                    w.str("type", "transient");
                    w.u64("failures", failures.into());
                }
                FailureKind::NonRetryable => w.str("type", "non_retryable"),
            });
            w.some_str("exception", self.exception.as_deref());
            w.some_str("message", self.message.as_deref());
        });
    }
}

impl WriteJson for ValueFormat {
    fn write_json(&self, w: &mut Writer) {
        w.object(|w| match self {
            ValueFormat::String => w.str("type", "string"),
            ValueFormat::Json { trusted_packages } => {
                w.str("type", "json");
                w.strings("trusted_packages", trusted_packages);
            }
        });
    }
}

impl WriteJson for ErrorHandlerConfig {
    fn write_json(&self, w: &mut Writer) {
        use crate::dead_letter::SpringKafkaVersion;
        w.object(|w| {
            w.value("back_off", &self.back_off);
            w.bool("dead_letter", self.dead_letter);
            w.str(
                "spring_kafka_version",
                name_of(SpringKafkaVersion::NAMES, &self.spring_kafka_version),
            );
            w.strings("not_retryable", &self.not_retryable);
            if let Some(retry) = &self.retry_topic {
                w.value("retry_topic", retry);
            }
        });
    }
}

impl WriteJson for BackOff {
    fn write_json(&self, w: &mut Writer) {
        w.object(|w| match *self {
            BackOff::Fixed {
                interval_ms,
                max_attempts,
            } => {
                w.str("type", "fixed");
                w.u64("interval_ms", interval_ms);
                w.u64_or_null("max_attempts", max_attempts);
            }
            BackOff::Exponential {
                initial_interval_ms,
                multiplier,
                max_interval_ms,
                max_elapsed_time_ms,
                max_attempts,
            } => {
                w.str("type", "exponential");
                w.u64("initial_interval_ms", initial_interval_ms);
                w.decimal("multiplier", multiplier);
                w.u64("max_interval_ms", max_interval_ms);
                w.u64_or_null("max_elapsed_time_ms", max_elapsed_time_ms);
                w.u64_or_null("max_attempts", max_attempts);
            }
            BackOff::ExponentialWithMaxRetries {
                max_retries,
                initial_interval_ms,
                multiplier,
                max_interval_ms,
            } => {
                w.str("type", "exponential_with_max_retries");
                w.u64("max_retries", max_retries.into());
                w.u64("initial_interval_ms", initial_interval_ms);
                w.decimal("multiplier", multiplier);
                w.u64("max_interval_ms", max_interval_ms);
            }
        });
    }
}

impl WriteJson for RetryTopicConfig {
    fn write_json(&self, w: &mut Writer) {
        use crate::dead_letter::SpringKafkaVersion;
        use crate::retry_topic::{SameIntervalTopicReuseStrategy, TopicSuffixingStrategy};
        w.object(|w| {
            w.u64("attempts", self.attempts.into());
            w.u64("delay_ms", self.delay_ms);
            w.decimal("multiplier", self.multiplier);
            w.u64_or_null("max_delay_ms", self.max_delay_ms);
            w.str(
                "reuse_strategy",
                name_of(SameIntervalTopicReuseStrategy::NAMES, &self.reuse_strategy),
            );
            w.str(
                "suffixing_strategy",
                name_of(TopicSuffixingStrategy::NAMES, &self.suffixing_strategy),
            );
            w.str("retry_suffix", &self.retry_suffix);
            w.str("dlt_suffix", &self.dlt_suffix);
            w.str("version", name_of(SpringKafkaVersion::NAMES, &self.version));
        });
    }
}

impl QueueSpec {
    fn write_fields(&self, w: &mut Writer) {
        w.str("name", &self.name);
        w.str("producer", &self.producer);
        w.u64("prefetch", self.prefetch.into());
        w.list("workers", &self.workers);
    }
}

impl WriteJson for QueueSpec {
    fn write_json(&self, w: &mut Writer) {
        w.object(|w| self.write_fields(w));
    }
}

impl WriteJson for WorkerSpec {
    fn write_json(&self, w: &mut Writer) {
        w.object(|w| {
            w.str("name", &self.name);
            w.u64("process_ms", self.process_ms);
        });
    }
}

impl CallChainSpec {
    fn write_fields(&self, w: &mut Writer) {
        w.str("name", &self.name);
        w.str("producer", &self.producer);
        w.u64("timeout_ms", self.timeout_ms);
        w.u64("max_in_flight", self.max_in_flight.into());
        w.list("services", &self.services);
    }
}

impl WriteJson for CallChainSpec {
    fn write_json(&self, w: &mut Writer) {
        w.object(|w| self.write_fields(w));
    }
}

impl WriteJson for ServiceSpec {
    fn write_json(&self, w: &mut Writer) {
        w.object(|w| {
            w.str("name", &self.name);
            w.u64("latency_ms", self.latency_ms);
        });
    }
}

impl WriteJson for ScriptEntry {
    fn write_json(&self, w: &mut Writer) {
        w.object(|w| {
            w.u64("at_ms", self.at_ms);
            w.some_u64("after_events", self.after_events);
            w.value("command", &self.command);
        });
    }
}

impl WriteJson for Header {
    fn write_json(&self, w: &mut Writer) {
        w.object(|w| {
            w.str("key", &self.key);
            w.key("value").array(&self.value, |w, b| {
                let _ = write!(w.out, "{b}");
            });
        });
    }
}

impl WriteJson for ResetTarget {
    fn write_json(&self, w: &mut Writer) {
        w.object(|w| match *self {
            ResetTarget::Earliest => w.str("type", "earliest"),
            ResetTarget::Latest => w.str("type", "latest"),
            ResetTarget::ToOffset { offset } => {
                w.str("type", "to_offset");
                w.u64("offset", offset);
            }
            ResetTarget::ShiftBy { by } => {
                w.str("type", "shift_by");
                w.i64("by", by);
            }
            ResetTarget::ToTime { at_ms } => {
                w.str("type", "to_time");
                w.u64("at_ms", at_ms);
            }
        });
    }
}

impl WriteJson for Command {
    fn write_json(&self, w: &mut Writer) {
        w.object(|w| {
            // The tag first, then the command's fields, as the derive writes them.
            w.str("type", Command::TYPES[command_index(self)]);
            match self {
                Command::CreateTopic {
                    name,
                    partitions,
                    retention_ms,
                    retention_bytes,
                } => {
                    w.str("name", name);
                    w.u64("partitions", (*partitions).into());
                    w.some_u64("retention_ms", *retention_ms);
                    w.some_u64("retention_bytes", *retention_bytes);
                }
                Command::AddPartitions { topic, partitions } => {
                    w.str("topic", topic);
                    w.u64("partitions", (*partitions).into());
                }
                Command::AddProducer(spec) => spec.write_fields(w),
                Command::RemoveProducer { name } => w.str("name", name),
                Command::SetProducerRate { name, rate_per_sec } => {
                    w.str("name", name);
                    w.decimal("rate_per_sec", *rate_per_sec);
                }
                Command::Produce {
                    topic,
                    key,
                    value,
                    partition,
                    headers,
                } => {
                    w.str("topic", topic);
                    w.str_or_null("key", key.as_deref());
                    w.str_or_null("value", value.as_deref());
                    w.some_u64("partition", partition.map(u64::from));
                    if !headers.is_empty() {
                        w.list("headers", headers);
                    }
                }
                Command::AddGroup {
                    group,
                    topics,
                    config,
                    consumers,
                } => {
                    w.str("group", group);
                    w.strings("topics", topics);
                    w.value("config", config);
                    w.u64("consumers", (*consumers).into());
                }
                Command::AddConsumer { group } => w.str("group", group),
                Command::RemoveConsumer { consumer }
                | Command::CrashConsumer { consumer }
                | Command::RestartConsumer { consumer } => w.str("consumer", consumer),
                Command::PauseConsumer { consumer, paused } => {
                    w.str("consumer", consumer);
                    w.bool("paused", *paused);
                }
                Command::SetGroupConfig { group, config } => {
                    w.str("group", group);
                    w.value("config", config);
                }
                Command::Redrive {
                    topic,
                    partition,
                    from_offset,
                    count,
                } => {
                    w.str("topic", topic);
                    w.u64("partition", (*partition).into());
                    w.u64("from_offset", *from_offset);
                    w.u64("count", (*count).into());
                }
                Command::ResetOffsets { group, to } => {
                    w.str("group", group);
                    w.value("to", to);
                }
                Command::LoseAcks { producer, count }
                | Command::ProducerSend { producer, count } => {
                    w.str("producer", producer);
                    w.u64("count", (*count).into());
                }
                Command::BeginTransaction { producer }
                | Command::CommitTransaction { producer }
                | Command::AbortTransaction { producer } => w.str("producer", producer),
                Command::AddQueue(spec) => spec.write_fields(w),
                Command::AddQueueWorker { queue, worker } => {
                    w.str("queue", queue);
                    w.value("worker", worker);
                }
                Command::CrashQueueWorker { queue, worker }
                | Command::RestartQueueWorker { queue, worker } => {
                    w.str("queue", queue);
                    w.str("worker", worker);
                }
                Command::AddCallChain(spec) => spec.write_fields(w),
                Command::SetService {
                    chain,
                    service,
                    latency_ms,
                    up,
                } => {
                    w.str("chain", chain);
                    w.str("service", service);
                    w.some_u64("latency_ms", *latency_ms);
                    if let Some(up) = up {
                        w.bool("up", *up);
                    }
                }
            }
        });
    }
}

/// Where a command's `"type"` is in [`Command::TYPES`].
fn command_index(command: &Command) -> usize {
    match command {
        Command::CreateTopic { .. } => 0,
        Command::AddPartitions { .. } => 1,
        Command::AddProducer(_) => 2,
        Command::RemoveProducer { .. } => 3,
        Command::SetProducerRate { .. } => 4,
        Command::Produce { .. } => 5,
        Command::AddGroup { .. } => 6,
        Command::AddConsumer { .. } => 7,
        Command::RemoveConsumer { .. } => 8,
        Command::CrashConsumer { .. } => 9,
        Command::RestartConsumer { .. } => 10,
        Command::PauseConsumer { .. } => 11,
        Command::SetGroupConfig { .. } => 12,
        Command::Redrive { .. } => 13,
        Command::ResetOffsets { .. } => 14,
        Command::LoseAcks { .. } => 15,
        Command::BeginTransaction { .. } => 16,
        Command::CommitTransaction { .. } => 17,
        Command::AbortTransaction { .. } => 18,
        Command::ProducerSend { .. } => 19,
        Command::AddQueue(_) => 20,
        Command::AddQueueWorker { .. } => 21,
        Command::CrashQueueWorker { .. } => 22,
        Command::RestartQueueWorker { .. } => 23,
        Command::AddCallChain(_) => 24,
        Command::SetService { .. } => 25,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let all: String = (0u8..0x80)
            .map(char::from)
            .chain("é ✓ 🦀".chars())
            .collect();
        assert_eq!(quoted(&all), serde_json::to_string(&all).unwrap());
        assert_eq!(quoted(""), "\"\"");
    }

    #[test]
    fn unit_values_are_written_by_their_first_name() {
        assert_eq!(
            name_of(AssignorKind::NAMES, &AssignorKind::RoundRobin),
            "roundrobin"
        );
        for (_, kind) in AssignorKind::NAMES {
            assert_eq!(
                serde_json::to_string(kind).unwrap(),
                quoted(name_of(AssignorKind::NAMES, kind))
            );
        }
    }
}
