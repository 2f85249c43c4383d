//! The Spring Boot view: the `application.yml`, the Java `@Configuration` and listeners, and
//! the Kafka command-line calls that set up what a [`Scenario`] simulates (issue #6).
//!
//! The text follows the seed tutorial's setup (Spring Boot's `spring.kafka` properties,
//! `NewTopic` beans, `DefaultErrorHandler` with a back-off and a
//! `DeadLetterPublishingRecoverer`, `@KafkaListener`) and names every setting as Kafka,
//! Spring Kafka and Spring Boot name it. A setting is written only when the scenario differs
//! from the defaults the engine documents (C1, S1, P11, T1, T2, E3), except the keys the
//! tutorial always shows: `bootstrap-servers`, the key and value (de)serializers, `group-id`,
//! `auto-offset-reset` and `spring.json.trusted.packages`.
//!
//! Spring Boot has one `spring.kafka` section, so the first producer and the first group go
//! there; every further group gets `@KafkaListener(properties = …)` overrides (and its own
//! container factory when its ack mode or error handler differs), every further producer a
//! `KafkaTemplate` with configuration overrides.
//!
//! Free text (group ids, producer names, exception classes, messages, transactional ids) is
//! escaped for the place it lands in: YAML double-quoted scalars, Java string literals,
//! Spring's `${…}`/`#{…}` resolution of annotation attributes and property values, and POSIX
//! shell words. Left out: cluster settings (network latency, the log cleaner's check
//! interval), which are broker settings. A run's later changes (a new producer or group, a
//! changed group setting, grown topics) are folded into the setup by [`configured`] first, so
//! the text shows the application as it is configured now.

use crate::assignor::AssignorKind;
use crate::backoff::{BackOff, EXPONENTIAL_DEFAULT_MAX_INTERVAL_MS};
use crate::dead_letter::{dead_letter_topic_name, SpringKafkaVersion};
use crate::group::{CommitMode, GroupConfig};
use crate::listener::{ErrorHandlerConfig, FailureKind, FailureRule, ValueFormat};
use crate::partitioner::PartitionerKind;
use crate::producer::{Acks, KeySerializer, ProducerSpec};
use crate::retry_topic::{
    retry_topic_names, RetryTopicConfig, SameIntervalTopicReuseStrategy, TopicSuffixingStrategy,
    DEFAULT_DLT_SUFFIX, DEFAULT_RETRY_SUFFIX,
};
use crate::scenario::{GroupSpec, Scenario, TopicSpec};
use crate::sim::{Command, ResetTarget};

/// `scenario` as its application is configured after every action of its script: created
/// and grown topics, added and removed producers, changed rates, added groups and changed group
/// settings become part of the setup. Only offset resets stay in the script: they are commands
/// run against a group, not configuration.
pub fn configured(scenario: &Scenario) -> Scenario {
    let mut s = Scenario {
        script: Vec::new(),
        ..scenario.clone()
    };
    let mut removed: Vec<String> = Vec::new();
    for entry in &scenario.script {
        match &entry.command {
            Command::CreateTopic {
                name,
                partitions,
                retention_ms,
                retention_bytes,
            } => {
                s.topics.push(crate::scenario::TopicSpec {
                    name: name.clone(),
                    partitions: *partitions,
                    retention_ms: *retention_ms,
                    retention_bytes: *retention_bytes,
                });
            }
            Command::AddPartitions { topic, partitions } => {
                for t in s.topics.iter_mut().filter(|t| &t.name == topic) {
                    t.partitions = *partitions;
                }
            }
            Command::AddProducer(spec) => s.producers.push(spec.clone()),
            Command::RemoveProducer { name } => s.producers.retain(|p| &p.name != name),
            Command::SetProducerRate { name, rate_per_sec } => {
                for p in s.producers.iter_mut().filter(|p| &p.name == name) {
                    p.rate_per_sec = *rate_per_sec;
                }
            }
            Command::AddGroup {
                group,
                topics,
                config,
                consumers,
            } => s.groups.push(GroupSpec {
                id: group.clone(),
                topics: topics.clone(),
                config: config.clone(),
                consumers: *consumers,
            }),
            Command::SetGroupConfig { group, config } => {
                for g in s.groups.iter_mut().filter(|g| &g.id == group) {
                    g.config = config.clone();
                }
            }
            Command::ResetOffsets { .. } => s.script.push(entry.clone()),
            // The listener's concurrency follows the consumers added, removed and brought back.
            Command::AddConsumer { group } => {
                for g in s.groups.iter_mut().filter(|g| &g.id == group) {
                    g.consumers += 1;
                }
            }
            Command::RemoveConsumer { consumer } => {
                if let Some(g) = group_of(&mut s, consumer) {
                    g.consumers = g.consumers.saturating_sub(1);
                    removed.push(consumer.clone());
                }
            }
            Command::RestartConsumer { consumer } => {
                if let Some(at) = removed.iter().position(|c| c == consumer) {
                    removed.swap_remove(at);
                    if let Some(g) = group_of(&mut s, consumer) {
                        g.consumers += 1;
                    }
                }
            }
            _ => {}
        }
    }
    s
}

/// The group whose consumer is named `consumer` (`{group id}-{n}`).
fn group_of<'a>(s: &'a mut Scenario, consumer: &str) -> Option<&'a mut GroupSpec> {
    s.groups.iter_mut().find(|g| {
        consumer
            .strip_prefix(g.id.as_str())
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|n| n.parse::<u32>().is_ok())
    })
}

/// The broker address every output uses, as in the seed tutorial.
pub const BOOTSTRAP_SERVERS: &str = "localhost:9092";

const STRING_SERIALIZER: &str = "org.apache.kafka.common.serialization.StringSerializer";
const INTEGER_SERIALIZER: &str = "org.apache.kafka.common.serialization.IntegerSerializer";
const JSON_SERIALIZER: &str = "org.springframework.kafka.support.serializer.JsonSerializer";
const STRING_DESERIALIZER: &str = "org.apache.kafka.common.serialization.StringDeserializer";
const INTEGER_DESERIALIZER: &str = "org.apache.kafka.common.serialization.IntegerDeserializer";
const JSON_DESERIALIZER: &str = "org.springframework.kafka.support.serializer.JsonDeserializer";
const ERROR_HANDLING_DESERIALIZER: &str =
    "org.springframework.kafka.support.serializer.ErrorHandlingDeserializer";

/// The `partition.assignment.strategy` class of an assignor.
pub fn assignor_class(kind: AssignorKind) -> &'static str {
    match kind {
        AssignorKind::Range => "org.apache.kafka.clients.consumer.RangeAssignor",
        AssignorKind::RoundRobin => "org.apache.kafka.clients.consumer.RoundRobinAssignor",
        AssignorKind::Sticky => "org.apache.kafka.clients.consumer.StickyAssignor",
        AssignorKind::CooperativeSticky => {
            "org.apache.kafka.clients.consumer.CooperativeStickyAssignor"
        }
    }
}

/// The `partitioner.class` of a partitioner, or `None` for Kafka 3.3+'s built-in one (no
/// `partitioner.class`, P6).
pub fn partitioner_class(kind: PartitionerKind) -> Option<&'static str> {
    match kind {
        PartitionerKind::UniformSticky => None,
        // Kafka 2.4–3.2 (sticky) and ≤ 2.3 (round robin) both call it DefaultPartitioner;
        // deprecated in 3.3 and removed in 4.0.
        PartitionerKind::LegacySticky | PartitionerKind::LegacyRoundRobin => {
            Some("org.apache.kafka.clients.producer.internals.DefaultPartitioner")
        }
        PartitionerKind::RoundRobin => {
            Some("org.apache.kafka.clients.producer.RoundRobinPartitioner")
        }
    }
}

/// Spring's `ContainerProperties.AckMode` for a group's commits, or `None` when Kafka's auto
/// commit (`enable.auto.commit=true`) commits and the container's ack mode plays no part.
/// Committing before processing is `MANUAL_IMMEDIATE` with `acknowledge()` called first.
pub fn ack_mode(config: &GroupConfig) -> Option<&'static str> {
    if config.listener.commit_before_processing {
        return Some("MANUAL_IMMEDIATE");
    }
    match config.commit_mode {
        CommitMode::Auto => None,
        CommitMode::Batch => Some("BATCH"),
        CommitMode::Record => Some("RECORD"),
    }
}

// ---------------------------------------------------------------------------------------------
// Escaping
// ---------------------------------------------------------------------------------------------

/// Words a plain YAML 1.1 scalar (SnakeYAML, which Spring Boot uses) reads as booleans or null.
const YAML_RESERVED: &[&str] = &[
    "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
];

/// `value` as a YAML scalar that Spring Boot reads back as exactly this text: plain when it is
/// a simple word, else double-quoted with escapes. `${` is written `\${`, Spring Framework
/// 6.2's escape for a literal placeholder (Spring Boot 3.4+).
fn yaml_str(value: &str) -> String {
    let word = value.starts_with(|c: char| c.is_ascii_alphabetic())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && !YAML_RESERVED.contains(&value.to_ascii_lowercase().as_str());
    // Booleans and decimal integers that read back as the same text.
    let literal = matches!(value, "true" | "false")
        || value == "0"
        || (value.starts_with(|c: char| ('1'..='9').contains(&c))
            && value.len() < 19
            && value.chars().all(|c| c.is_ascii_digit()));
    if word || literal {
        return value.to_owned();
    }
    let mut out = String::from("\"");
    for c in value.replace("${", "\\${").chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            ' '..='~' | '\u{A0}'..='\u{2027}' | '\u{202A}'..='\u{D7FF}' => out.push(c),
            '\u{E000}'..='\u{FFFD}' | '\u{10000}'.. => out.push(c),
            c => out.push_str(&format!("\\u{:04X}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// `text` made safe for a `#` (YAML, shell) or `//` (Java) comment: no line breaks or other
/// control characters, and no backslash that Java could read as a `\u` escape.
fn comment(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => ' ',
            c => c,
        })
        .collect::<String>()
        .replace('\\', "\\\\")
}

/// `value` as a Java string literal. Control characters become octal escapes: a `\u000a`
/// escape would be a line break before Java even reads the literal.
fn java_str(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\{:03o}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `value` as a Java string literal for an annotation attribute that Spring resolves
/// (`${…}` placeholders, then `#{…}` SpEL): text holding either is wrapped in a SpEL string
/// literal with the braces split off, so Spring hands the listener the text unchanged.
fn annotation_str(value: &str) -> String {
    if !value.contains("${") && !value.contains("#{") {
        return java_str(value);
    }
    let literal = value
        .replace('\'', "''")
        .replace("${", "$' + '{")
        .replace("#{", "#' + '{");
    java_str(&format!("#{{'{literal}'}}"))
}

/// A `java.util.Properties` line `key=value` (the format of `@KafkaListener(properties)`),
/// with the value's backslashes and leading blank escaped.
fn properties_line(key: &str, value: &str) -> String {
    let mut escaped = value.replace('\\', "\\\\");
    if escaped.starts_with([' ', '\t']) {
        escaped.insert(0, '\\');
    }
    format!("{key}={escaped}")
}

/// `value` as one POSIX shell word.
fn sh_word(value: &str) -> String {
    let safe = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':' | '/' | '='));
    if safe {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', "'\\''"))
    }
}

/// A `--name value` option; a value that starts with `-` is attached (`--name=value`) so the
/// tool cannot take it for an option.
fn sh_option(name: &str, value: &str) -> String {
    if value.starts_with('-') {
        format!("--{name}={}", sh_word(value))
    } else {
        format!("--{name} {}", sh_word(value))
    }
}

const JAVA_KEYWORDS: &[&str] = &[
    "abstract",
    "assert",
    "boolean",
    "break",
    "byte",
    "case",
    "catch",
    "char",
    "class",
    "const",
    "continue",
    "default",
    "do",
    "double",
    "else",
    "enum",
    "extends",
    "final",
    "finally",
    "float",
    "for",
    "goto",
    "if",
    "implements",
    "import",
    "instanceof",
    "int",
    "interface",
    "long",
    "native",
    "new",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "short",
    "static",
    "strictfp",
    "super",
    "switch",
    "synchronized",
    "this",
    "throw",
    "throws",
    "transient",
    "try",
    "void",
    "volatile",
    "while",
    "true",
    "false",
    "null",
    "var",
    "record",
    "yield",
];

/// Whether `name` is a (qualified) Java class name that can follow `new` or precede `.class`.
fn is_java_class_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|part| {
            part.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '$')
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
                && !JAVA_KEYWORDS.contains(&part)
        })
}

/// `text` in lower camel case from its ASCII letters and digits, starting with a letter.
fn camel(text: &str, fallback: &str) -> String {
    let mut out = String::new();
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            if out.is_empty() {
                out.push(first.to_ascii_lowercase());
            } else {
                out.push(first.to_ascii_uppercase());
            }
            out.extend(chars);
        }
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert_str(0, fallback);
    }
    out
}

/// Java identifiers for `names`, unique, each ending in `suffix` (which keeps them off
/// Java's keywords).
fn identifiers<'a>(
    names: impl Iterator<Item = &'a str>,
    fallback: &str,
    suffix: &str,
) -> Vec<String> {
    let mut used: Vec<String> = Vec::new();
    for name in names {
        let base = format!("{}{suffix}", camel(name, fallback));
        let mut candidate = base.clone();
        let mut n = 2;
        while used.contains(&candidate) {
            candidate = format!("{base}{n}");
            n += 1;
        }
        used.push(candidate);
    }
    used
}

/// A Java `double` literal: `2.0`, `1.5`.
fn java_double(value: f64) -> String {
    if value.is_finite() {
        let text = crate::decimal::text(value);
        if text.contains('.') {
            text
        } else {
            text + ".0"
        }
    } else {
        "Double.MAX_VALUE".to_owned()
    }
}

// ---------------------------------------------------------------------------------------------
// Settings as Kafka names them
// ---------------------------------------------------------------------------------------------

/// Whether any group reading `topic` deserializes JSON: then its producers use Spring's
/// `JsonSerializer`, as in the tutorial.
fn topic_is_json(s: &Scenario, topic: &str) -> bool {
    s.groups.iter().any(|g| {
        g.topics.iter().any(|t| t == topic)
            && matches!(g.config.listener.value_format, ValueFormat::Json { .. })
    })
}

fn key_serializer_class(kind: KeySerializer) -> &'static str {
    match kind {
        KeySerializer::String => STRING_SERIALIZER,
        KeySerializer::Integer => INTEGER_SERIALIZER,
    }
}

fn value_serializer_class(s: &Scenario, topic: &str) -> &'static str {
    if topic_is_json(s, topic) {
        JSON_SERIALIZER
    } else {
        STRING_SERIALIZER
    }
}

/// A producer's settings with their Kafka names and the values it uses (defaults included),
/// in the order they are written. An empty value means "not set".
fn producer_settings(s: &Scenario, p: &ProducerSpec) -> Vec<(&'static str, String)> {
    let acks = match p.acks {
        Acks::All => "all",
        Acks::One => "1",
        Acks::Zero => "0",
    };
    let partitioner = partitioner_class(p.partitioner.kind).unwrap_or("");
    vec![
        ("client.id", p.name.clone()),
        (
            "key.serializer",
            key_serializer_class(p.key_serializer).into(),
        ),
        (
            "value.serializer",
            value_serializer_class(s, &p.topic).into(),
        ),
        ("acks", acks.into()),
        ("enable.idempotence", p.enable_idempotence.to_string()),
        ("retries", p.retries.to_string()),
        (
            "max.in.flight.requests.per.connection",
            p.max_in_flight_requests_per_connection.to_string(),
        ),
        ("request.timeout.ms", p.request_timeout_ms.to_string()),
        ("batch.size", p.partitioner.batch_size.to_string()),
        ("partitioner.class", partitioner.into()),
        (
            "partitioner.ignore.keys",
            p.partitioner.ignore_keys.to_string(),
        ),
        (
            "partitioner.adaptive.partitioning.enable",
            p.partitioner.adaptive.to_string(),
        ),
        (
            "transactional.id",
            p.transactional_id.clone().unwrap_or_default(),
        ),
        (
            "transaction.timeout.ms",
            p.transaction_timeout_ms.to_string(),
        ),
    ]
}

/// The settings of a producer that differ from Kafka's defaults, plus the serializers.
fn producer_changes(s: &Scenario, p: &ProducerSpec) -> Vec<(&'static str, String)> {
    let defaults = producer_settings(
        s,
        &ProducerSpec {
            topic: p.topic.clone(),
            ..ProducerSpec::default()
        },
    );
    producer_settings(s, p)
        .into_iter()
        .zip(defaults)
        .filter(|((key, value), (_, default))| value != default || key.ends_with("serializer"))
        .map(|(setting, _)| setting)
        .collect()
}

/// The key deserializer matching the producers that write to a group's topics.
fn key_deserializer_class(s: &Scenario, g: &GroupSpec) -> &'static str {
    let mut writers = s
        .producers
        .iter()
        .filter(|p| g.topics.contains(&p.topic))
        .peekable();
    let integer =
        writers.peek().is_some() && writers.all(|p| p.key_serializer == KeySerializer::Integer);
    if integer {
        INTEGER_DESERIALIZER
    } else {
        STRING_DESERIALIZER
    }
}

fn value_deserializer_class(format: &ValueFormat) -> &'static str {
    match format {
        ValueFormat::String => STRING_DESERIALIZER,
        ValueFormat::Json { .. } => JSON_DESERIALIZER,
    }
}

/// A group's consumer settings with their Kafka (or Spring deserializer) names and the values
/// it uses, defaults included. An empty value means "not set". `group.instance.id` is not
/// here: it is set per listener.
fn consumer_settings(s: &Scenario, g: &GroupSpec) -> Vec<(&'static str, String)> {
    let c = &g.config;
    let l = &c.listener;
    let inner = value_deserializer_class(&l.value_format);
    let (value, delegate) = if l.error_handling_deserializer {
        (ERROR_HANDLING_DESERIALIZER, inner)
    } else {
        (inner, "")
    };
    // JsonDeserializer throws for a value without a __TypeId__ header unless a default type
    // is set; java.lang.Object reads any JSON (maps, lists, text, numbers), as the playground
    // does, and java.lang is trusted by default.
    let (trusted, default_type) = match &l.value_format {
        ValueFormat::Json { trusted_packages } => (trusted_packages.join(","), "java.lang.Object"),
        ValueFormat::String => (String::new(), ""),
    };
    vec![
        ("auto.offset.reset", c.auto_offset_reset.name().into()),
        (
            "enable.auto.commit",
            (c.commit_mode == CommitMode::Auto).to_string(),
        ),
        (
            "auto.commit.interval.ms",
            c.auto_commit_interval_ms.to_string(),
        ),
        ("max.poll.records", c.max_poll_records.to_string()),
        ("isolation.level", c.isolation_level.name().into()),
        ("key.deserializer", key_deserializer_class(s, g).into()),
        ("value.deserializer", value.into()),
        ("spring.deserializer.value.delegate.class", delegate.into()),
        ("spring.json.trusted.packages", trusted),
        ("spring.json.value.default.type", default_type.into()),
        ("session.timeout.ms", c.session_timeout_ms.to_string()),
        ("heartbeat.interval.ms", c.heartbeat_interval_ms.to_string()),
        ("max.poll.interval.ms", c.max_poll_interval_ms.to_string()),
        (
            "partition.assignment.strategy",
            assignor_class(c.assignor).into(),
        ),
    ]
}

/// Whether the listener can fail at all (a failure rule, or a deserializer that hands bad
/// values to the error handler): only then does its error handler matter.
fn can_fail(config: &GroupConfig) -> bool {
    !config.listener.failures.is_empty() || config.listener.error_handling_deserializer
}

/// The `DefaultErrorHandler` a group needs, or `None` for Spring's default one
/// (`FixedBackOff(0, 9)`, log) or when `@RetryableTopic` handles its failures.
fn custom_handler(config: &GroupConfig) -> Option<&ErrorHandlerConfig> {
    let h = &config.listener.error_handler;
    let default = h.back_off == BackOff::spring_kafka_default()
        && !h.dead_letter
        && h.not_retryable.is_empty();
    (h.retry_topic.is_none() && !default).then_some(h)
}

/// The group whose error handler becomes the `errorHandler` bean that Spring Boot puts on its
/// default container factory: the first that can fail (else the first group).
fn primary_handler_group(s: &Scenario) -> Option<usize> {
    let failing = s
        .groups
        .iter()
        .position(|g| can_fail(&g.config) && g.config.listener.error_handler.retry_topic.is_none());
    failing.or(if s.groups.is_empty() { None } else { Some(0) })
}

/// Whether group `i` needs its own container factory: its ack mode differs from the first
/// group's (which `spring.kafka.listener` sets), or it can fail and its error handler differs
/// from the default factory's.
fn needs_own_factory(s: &Scenario, i: usize) -> bool {
    if i == 0 {
        return false;
    }
    let config = &s.groups[i].config;
    ack_to_set(s, config).is_some() || handler_differs(s, config)
}

/// The ack mode a group's own factory must set: its own, when the container commits and the
/// default factory (`spring.kafka.listener.ack-mode`, from the first group) has another.
fn ack_to_set(s: &Scenario, config: &GroupConfig) -> Option<&'static str> {
    let default = s
        .groups
        .first()
        .and_then(|first| ack_mode(&first.config))
        .unwrap_or("BATCH");
    ack_mode(config).filter(|&mode| mode != default)
}

/// Whether a group can fail and handles failures unlike the default factory's error handler.
fn handler_differs(s: &Scenario, config: &GroupConfig) -> bool {
    let primary = primary_handler_group(s).and_then(|p| custom_handler(&s.groups[p].config));
    can_fail(config)
        && config.listener.error_handler.retry_topic.is_none()
        && custom_handler(config) != primary
}

/// Name of the Kafka transaction prefix Spring Boot's producer factory gets, if any: the first
/// producer's `transactional.id`, else `tx-` when a group is exactly-once. Other producers
/// whose transactions differ from it get a factory of their own (`java_templates`).
fn transaction_id_prefix(s: &Scenario) -> Option<String> {
    s.producers
        .first()
        .and_then(|p| p.transactional_id.clone())
        .or_else(|| {
            s.groups
                .iter()
                .any(|g| g.config.exactly_once)
                .then(|| "tx-".to_owned())
        })
}

// ---------------------------------------------------------------------------------------------
// application.yml
// ---------------------------------------------------------------------------------------------

/// The Spring Boot `application.yml` (`spring.kafka`) that configures the scenario's first
/// producer and first group, with a commented section for every further group and producer.
pub fn application_yml(s: &Scenario) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# application.yml for the playground scenario \"{}\"\n",
        comment(&s.name)
    ));
    out.push_str("spring:\n  kafka:\n");
    out.push_str(&format!("    bootstrap-servers: {BOOTSTRAP_SERVERS}\n"));
    out.push_str(&yml_producer(s));
    out.push_str(&yml_consumer(s));
    out.push_str(&yml_listener(s));
    for (i, g) in s.groups.iter().enumerate().skip(1) {
        out.push_str(&yml_other_group(s, i, g));
    }
    for p in s.producers.iter().skip(1) {
        out.push_str(&yml_other_producer(s, p));
    }
    out.push_str(&yml_beside(s));
    out
}

/// Comments on what the scenario runs beside Kafka: none of it is Spring Kafka configuration.
fn yml_beside(s: &Scenario) -> String {
    let mut out = String::new();
    for q in &s.queues {
        let name = comment(&q.name);
        out.push_str(&format!(
            "# {name} is a RabbitMQ-style queue, not Kafka: with Spring AMQP it would be set up under\n\
             # spring.rabbitmq (listener.simple.prefetch: {}, acknowledge-mode: manual) and read\n\
             # with @RabbitListener(queues = \"{name}\").\n",
            q.prefetch
        ));
    }
    for c in &s.call_chains {
        let path: Vec<&str> = c.services.iter().map(|x| x.name.as_str()).collect();
        out.push_str(&format!(
            "# {} is a chain of blocking REST calls ({}), not Kafka: each caller would wait\n\
             # with a {} ms timeout (e.g. RestClient or RestTemplate read timeouts).\n",
            comment(&c.name),
            comment(&path.join(" -> ")),
            c.timeout_ms
        ));
    }
    out
}

/// A Spring Boot key under `spring.kafka.producer` for a Kafka producer setting, if Boot has
/// one; the rest go under `properties`.
fn boot_producer_key(key: &str) -> Option<&'static str> {
    Some(match key {
        "client.id" => "client-id",
        "key.serializer" => "key-serializer",
        "value.serializer" => "value-serializer",
        "acks" => "acks",
        "retries" => "retries",
        "batch.size" => "batch-size",
        _ => return None,
    })
}

fn yml_producer(s: &Scenario) -> String {
    let mut out = String::from("    producer:\n");
    let Some(p) = s.producers.first() else {
        let topic = s.topics.first().map_or("", |t| t.name.as_str());
        out.push_str(
            "      # no producer in this scenario: the serializers a KafkaTemplate would use\n",
        );
        out.push_str(&format!("      key-serializer: {STRING_SERIALIZER}\n"));
        out.push_str(&format!(
            "      value-serializer: {}\n",
            value_serializer_class(s, topic)
        ));
        out.push_str(&yml_transaction_prefix(s));
        return out;
    };
    out.push_str(&format!(
        "      # producer \"{}\" sending to {}\n",
        comment(&p.name),
        p.topic
    ));
    let changes = producer_changes(s, p);
    let mut properties = Vec::new();
    for (key, value) in &changes {
        match boot_producer_key(key) {
            Some(boot) => out.push_str(&format!("      {boot}: {}\n", yaml_str(value))),
            None if *key == "transactional.id" => {}
            None => properties.push((*key, value.clone())),
        }
    }
    out.push_str(&yml_transaction_prefix(s));
    out.push_str(&yml_properties("      ", &properties));
    out.push_str(&yml_transaction_size(p));
    out
}

/// A note on rate-driven transactions, which are code, not configuration.
fn yml_transaction_size(p: &ProducerSpec) -> String {
    let Some(size) = p.transaction_size else {
        return String::new();
    };
    let aborts = p.abort_every.map_or(String::new(), |k| {
        format!(", and one in every {k} is aborted (an exception thrown inside it)")
    });
    format!("      # each transaction sends {size} records in kafkaTemplate.executeInTransaction(…){aborts}\n")
}

fn yml_transaction_prefix(s: &Scenario) -> String {
    let Some(prefix) = transaction_id_prefix(s) else {
        return String::new();
    };
    let why = if s
        .producers
        .first()
        .is_some_and(|p| p.transactional_id.is_some())
    {
        "transactional producer"
    } else {
        "exactly-once listener: sends and offsets in one Kafka transaction per poll"
    };
    // Boot's KafkaTransactionManager goes on the default container factory too, so every
    // other listener also commits its offsets in a transaction, once per poll as BATCH does.
    let others = s.groups.iter().any(|g| !g.config.exactly_once);
    let also = if others {
        "\n      # with it set, Boot makes every listener container transactional: the other groups' offsets\n      # are committed in a transaction once per poll, as with ack-mode BATCH, and they send nothing"
    } else {
        ""
    };
    format!(
        "      # {why}; Spring appends a number per producer (transactional.id = prefix + n){also}\n      transaction-id-prefix: {}\n",
        yaml_str(&prefix)
    )
}

fn yml_properties(indent: &str, properties: &[(&str, String)]) -> String {
    if properties.is_empty() {
        return String::new();
    }
    let mut out = format!("{indent}properties:\n");
    for (key, value) in properties {
        out.push_str(&format!("{indent}  {key}: {}\n", yaml_str(value)));
    }
    out
}

/// A Spring Boot key under `spring.kafka.consumer` for a Kafka consumer setting, if Boot has
/// one; the rest go under `properties`.
fn boot_consumer_key(key: &str) -> Option<&'static str> {
    Some(match key {
        "auto.offset.reset" => "auto-offset-reset",
        "enable.auto.commit" => "enable-auto-commit",
        "max.poll.records" => "max-poll-records",
        "isolation.level" => "isolation-level",
        "key.deserializer" => "key-deserializer",
        "value.deserializer" => "value-deserializer",
        _ => return None,
    })
}

/// Consumer settings the tutorial always shows, whatever their value.
const ALWAYS_SHOWN: &[&str] = &[
    "auto.offset.reset",
    "key.deserializer",
    "value.deserializer",
    "spring.json.trusted.packages",
];

fn yml_consumer(s: &Scenario) -> String {
    let Some(g) = s.groups.first() else {
        return "    # no consumer group in this scenario\n".to_owned();
    };
    let mut out = String::from("    consumer:\n");
    out.push_str(&format!("      group-id: {}\n", yaml_str(&g.id)));
    let defaults = consumer_settings(
        s,
        &GroupSpec {
            config: GroupConfig::default(),
            ..g.clone()
        },
    );
    let mut properties = Vec::new();
    for ((key, value), (_, default)) in consumer_settings(s, g).into_iter().zip(defaults) {
        let shown = value != default || ALWAYS_SHOWN.contains(&key);
        match (boot_consumer_key(key), shown && !value.is_empty()) {
            (_, false) => {}
            (Some(boot), true) => out.push_str(&format!("      {boot}: {}\n", yaml_str(&value))),
            (None, true) if key == "auto.commit.interval.ms" => {}
            (None, true) => properties.push((key, value)),
        }
    }
    if g.config.commit_mode == CommitMode::Auto {
        out.push_str(&format!(
            "      auto-commit-interval: {}ms\n",
            g.config.auto_commit_interval_ms
        ));
    }
    if !matches!(g.config.listener.value_format, ValueFormat::Json { .. }) {
        out.push_str("      # spring.json.trusted.packages: only JsonDeserializer reads it; values here are strings\n");
    }
    out.push_str(&yml_properties("      ", &properties));
    if g.config.static_membership {
        out.push_str("      # group.instance.id (static membership) is set per listener: see @KafkaListener(properties);\n      # Spring adds -0, -1, ... for each consumer of the listener's container\n");
    }
    out
}

fn yml_listener(s: &Scenario) -> String {
    let Some(g) = s.groups.first() else {
        return String::new();
    };
    match ack_mode(&g.config) {
        None => "    # listener ack-mode plays no part: with enable-auto-commit the consumer commits every auto-commit-interval inside poll()\n".to_owned(),
        Some("BATCH") => String::new(),
        Some(mode) => {
            let why = if mode == "MANUAL_IMMEDIATE" {
                "      # at-most-once: the listener calls Acknowledgment.acknowledge() before processing\n"
            } else {
                ""
            };
            format!("    listener:\n{why}      ack-mode: {mode}\n")
        }
    }
}

/// The `@KafkaListener(properties = …)` overrides group `g` needs on top of the first
/// group's `spring.kafka.consumer`, plus its `group.instance.id` when static.
fn listener_overrides(s: &Scenario, g: &GroupSpec) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(first) = s.groups.first().filter(|first| first.id != g.id) {
        let base = consumer_settings(s, first);
        for ((key, value), (_, shared)) in consumer_settings(s, g).into_iter().zip(base) {
            if value != shared && !value.is_empty() {
                lines.push(properties_line(key, &value));
            }
        }
    }
    if g.config.static_membership {
        lines.push(properties_line("group.instance.id", &g.id));
    }
    lines
}

fn yml_other_group(s: &Scenario, i: usize, g: &GroupSpec) -> String {
    let mut out = format!(
        "\n# Group \"{}\": Spring Boot has one spring.kafka.consumer section, so this group's\n# @KafkaListener (see KafkaConfig.java) overrides what differs from the one above:\n",
        comment(&g.id)
    );
    let overrides = listener_overrides(s, g);
    if overrides.is_empty() {
        out.push_str("#   nothing: same consumer settings\n");
    }
    for line in overrides {
        out.push_str(&format!("#   {}\n", comment(&line)));
    }
    if needs_own_factory(s, i) {
        out.push_str("#   and its own container factory (ack mode or error handler differ)\n");
    }
    out
}

fn yml_other_producer(s: &Scenario, p: &ProducerSpec) -> String {
    let mut out = format!(
        "\n# Producer \"{}\" (to {}): a second KafkaTemplate with configuration overrides (see KafkaConfig.java):\n",
        comment(&p.name),
        p.topic
    );
    for (key, value) in producer_overrides(s, p) {
        out.push_str(&format!("#   {key}: {}\n", comment(&value)));
    }
    out
}

/// The producer settings `p` needs on top of the first producer's `spring.kafka.producer`.
fn producer_overrides(s: &Scenario, p: &ProducerSpec) -> Vec<(&'static str, String)> {
    let Some(first) = s.producers.first() else {
        return Vec::new();
    };
    producer_settings(s, p)
        .into_iter()
        .zip(producer_settings(s, first))
        .filter(|((_, value), (_, shared))| value != shared)
        .map(|(setting, _)| setting)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Java
// ---------------------------------------------------------------------------------------------

/// The Java side: a `@Configuration` with `NewTopic` beans, the `DefaultErrorHandler` (back-off,
/// dead-letter recoverer, not-retryable exceptions), container factories and templates where
/// groups or producers differ, and a `@Component` with one `@KafkaListener` per group.
pub fn java_config(s: &Scenario) -> String {
    let beans: Vec<String> = [
        java_topics(s),
        java_primary_handler(s),
        java_factories(s),
        java_templates(s),
    ]
    .concat();
    let config = format!(
        "@Configuration\npublic class KafkaConfig {{\n{}}}\n",
        beans.join("\n")
    );
    let listeners = java_listeners(s);
    // Each file imports what it mentions, so either can be copied on its own.
    let boot_4 = boot_4(s);
    format!(
        "// KafkaConfig.java and KafkaListeners.java for the playground scenario \"{}\"\n\n\
         // ---- KafkaConfig.java ----\n{}\n{config}\n\
         // ---- KafkaListeners.java ----\n{}\n{listeners}",
        comment(&s.name),
        java_imports(&config, boot_4),
        java_imports(&listeners, boot_4),
    )
}

/// Whether the run's spring-kafka (its first group's) is 4.x, which comes with Spring Boot 4.
fn boot_4(s: &Scenario) -> bool {
    let version = s.groups.first().map_or(SpringKafkaVersion::newest(), |g| {
        g.config.listener.error_handler.spring_kafka_version
    });
    version >= SpringKafkaVersion::V4_0
}

/// The import lines of the classes `body` mentions. Spring Boot 4 moved its Kafka
/// auto-configuration to a module of its own, `org.springframework.boot.kafka.autoconfigure`.
fn java_imports(body: &str, boot_4: bool) -> String {
    JAVA_IMPORTS
        .iter()
        .filter(|class| mentions(body, class.rsplit('.').next().unwrap_or(class)))
        .map(
            |class| match class.strip_prefix("org.springframework.boot.autoconfigure.kafka.") {
                Some(name) if boot_4 => {
                    format!("import org.springframework.boot.kafka.autoconfigure.{name};\n")
                }
                _ => format!("import {class};\n"),
            },
        )
        .collect()
}

/// Whether `word` occurs in `text` as a whole Java identifier.
fn mentions(text: &str, word: &str) -> bool {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(|c| is_ident(c) || c == '.') && !after.is_some_and(is_ident)
    })
}

/// Classes the Java text may use, imported when it mentions them.
const JAVA_IMPORTS: &[&str] = &[
    "java.util.HashMap",
    "java.util.LinkedHashMap",
    "java.util.List",
    "java.util.Map",
    "java.util.Set",
    "java.util.concurrent.ConcurrentHashMap",
    "org.apache.kafka.clients.admin.NewTopic",
    "org.apache.kafka.clients.consumer.ConsumerRecord",
    "org.apache.kafka.common.serialization.ByteArraySerializer",
    "org.apache.kafka.common.config.TopicConfig",
    "org.springframework.boot.autoconfigure.kafka.ConcurrentKafkaListenerContainerFactoryConfigurer",
    "org.springframework.context.annotation.Bean",
    "org.springframework.context.annotation.Configuration",
    "org.springframework.context.annotation.Primary",
    "org.springframework.kafka.annotation.BackOff",
    "org.springframework.kafka.annotation.DltHandler",
    "org.springframework.kafka.annotation.KafkaListener",
    "org.springframework.kafka.annotation.RetryableTopic",
    "org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory",
    "org.springframework.kafka.config.TopicBuilder",
    "org.springframework.kafka.core.ConsumerFactory",
    "org.springframework.kafka.core.DefaultKafkaProducerFactory",
    "org.springframework.kafka.core.KafkaOperations",
    "org.springframework.kafka.core.KafkaTemplate",
    "org.springframework.kafka.core.ProducerFactory",
    "org.springframework.kafka.listener.ContainerProperties",
    "org.springframework.kafka.listener.DeadLetterPublishingRecoverer",
    "org.springframework.kafka.listener.DefaultErrorHandler",
    "org.springframework.kafka.retrytopic.DltStrategy",
    "org.springframework.kafka.retrytopic.SameIntervalTopicReuseStrategy",
    "org.springframework.kafka.retrytopic.TopicSuffixingStrategy",
    "org.springframework.kafka.support.Acknowledgment",
    "org.springframework.kafka.support.ExponentialBackOffWithMaxRetries",
    "org.springframework.stereotype.Component",
    "org.springframework.util.backoff.ExponentialBackOff",
    "org.springframework.util.backoff.FixedBackOff",
];

/// The dead-letter topics the run creates at its start for groups that dead-letter without
/// retry topics, and that the scenario does not declare itself. A Spring application would
/// declare them as well: otherwise the broker creates one, with `num.partitions` (1), only
/// when the first record is dead-lettered.
fn created_dead_letter_topics(s: &Scenario) -> Vec<TopicSpec> {
    let mut out: Vec<TopicSpec> = Vec::new();
    for g in &s.groups {
        let handler = &g.config.listener.error_handler;
        if !handler.dead_letter || handler.retry_topic.is_some() {
            continue;
        }
        for topic in &g.topics {
            let name = dead_letter_topic_name(topic, handler.spring_kafka_version);
            let known = s.topics.iter().chain(&out).any(|t| t.name == name);
            if !known {
                out.push(TopicSpec {
                    name,
                    partitions: 1,
                    retention_ms: None,
                    retention_bytes: None,
                });
            }
        }
    }
    out
}

fn java_topics(s: &Scenario) -> Vec<String> {
    let dead_letter = created_dead_letter_topics(s);
    let topics: Vec<&TopicSpec> = s.topics.iter().chain(&dead_letter).collect();
    let names = identifiers(topics.iter().map(|t| t.name.as_str()), "topic", "Topic");
    topics
        .into_iter()
        .zip(names)
        .map(|(t, bean)| {
            let mut b = String::new();
            if dead_letter.iter().any(|d| d.name == t.name) {
                b.push_str("    // The dead-letter topic, one partition, as the playground creates it at the start
    // (without this bean the broker creates it on the first dead letter).
");
            }
            b += &format!(
                "    @Bean\n    public NewTopic {bean}() {{\n        return TopicBuilder.name({})\n                .partitions({})\n                .replicas(1)\n",
                java_str(&t.name),
                t.partitions
            );
            if let Some(ms) = t.retention_ms {
                b.push_str(&format!("                .config(TopicConfig.RETENTION_MS_CONFIG, \"{ms}\")\n"));
            }
            if let Some(bytes) = t.retention_bytes {
                b.push_str(&format!("                .config(TopicConfig.RETENTION_BYTES_CONFIG, \"{bytes}\")\n"));
            }
            b.push_str("                .build();\n    }\n");
            b
        })
        .collect()
}

/// The back-off as Java: set-up statements (declaring `backOff`) and the expression to pass.
pub fn back_off_java(back_off: &BackOff) -> (Vec<String>, String) {
    match *back_off {
        BackOff::Fixed {
            interval_ms,
            max_attempts,
        } => {
            let attempts = max_attempts.map_or("FixedBackOff.UNLIMITED_ATTEMPTS".to_owned(), |n| {
                format!("{n}L")
            });
            (
                Vec::new(),
                format!("new FixedBackOff({interval_ms}L, {attempts})"),
            )
        }
        BackOff::Exponential {
            initial_interval_ms,
            multiplier,
            max_interval_ms,
            max_elapsed_time_ms,
            max_attempts,
        } => {
            let mut lines = vec![format!(
                "ExponentialBackOff backOff = new ExponentialBackOff({initial_interval_ms}L, {});",
                java_double(multiplier)
            )];
            if max_interval_ms != EXPONENTIAL_DEFAULT_MAX_INTERVAL_MS {
                lines.push(format!("backOff.setMaxInterval({max_interval_ms}L);"));
            }
            if let Some(elapsed) = max_elapsed_time_ms {
                lines.push(format!("backOff.setMaxElapsedTime({elapsed}L);"));
            }
            if let Some(attempts) = max_attempts {
                lines.push(format!(
                    "backOff.setMaxAttempts({attempts}); // Spring Framework 6.1+"
                ));
            }
            if max_elapsed_time_ms.is_none() && max_attempts.is_none() {
                lines.push("// no maxElapsedTime or maxAttempts: the back-off never stops".into());
            }
            (lines, "backOff".to_owned())
        }
        BackOff::ExponentialWithMaxRetries {
            max_retries,
            initial_interval_ms,
            multiplier,
            max_interval_ms,
        } => {
            let lines = vec![
                format!("ExponentialBackOffWithMaxRetries backOff = new ExponentialBackOffWithMaxRetries({max_retries});"),
                format!("backOff.setInitialInterval({initial_interval_ms}L);"),
                format!("backOff.setMultiplier({});", java_double(multiplier)),
                format!("backOff.setMaxInterval({max_interval_ms}L);"),
            ];
            (lines, "backOff".to_owned())
        }
    }
}

/// The body of a method that builds a group's `DefaultErrorHandler` from `template`.
fn handler_body(g: &GroupSpec, h: &ErrorHandlerConfig) -> String {
    let mut lines = Vec::new();
    let (setup, back_off) = back_off_java(&h.back_off);
    lines.extend(setup);
    if h.dead_letter {
        for topic in &g.topics {
            lines.push(format!(
                "// failed records of {topic} go to {} (spring-kafka {}), same partition when it exists",
                dead_letter_topic_name(topic, h.spring_kafka_version),
                version_name(h.spring_kafka_version)
            ));
        }
        if g.config.listener.error_handling_deserializer {
            // D3: a value that failed to deserialize is published as its raw bytes, which
            // the template's JSON serializer would write as a base64 string.
            lines.extend(
                [
                    "// values that failed to deserialize are republished as their raw bytes: a byte[] template first",
                    "Map<Class<?>, KafkaOperations<?, ?>> templates = new LinkedHashMap<>();",
                    "templates.put(byte[].class, new KafkaTemplate<>(new DefaultKafkaProducerFactory<Object, byte[]>(",
                    "        template.getProducerFactory().getConfigurationProperties(), null, new ByteArraySerializer())));",
                    "templates.put(Object.class, template);",
                    "DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(templates);",
                ]
                .map(String::from),
            );
        } else {
            lines.push("DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(template);".into());
        }
        lines.push(format!(
            "DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, {back_off});"
        ));
    } else {
        lines.push("// after the last retry the record is logged and skipped".into());
        lines.push(format!(
            "DefaultErrorHandler handler = new DefaultErrorHandler({back_off});"
        ));
    }
    lines.extend(not_retryable_lines(&h.not_retryable));
    lines.push("return handler;".into());
    lines.iter().map(|l| format!("        {l}\n")).collect()
}

fn not_retryable_lines(classes: &[String]) -> Vec<String> {
    let (valid, invalid): (Vec<&String>, Vec<&String>) =
        classes.iter().partition(|c| is_java_class_name(c));
    let mut lines = Vec::new();
    if !valid.is_empty() {
        let list: Vec<String> = valid.iter().map(|c| format!("{c}.class")).collect();
        lines.push(format!(
            "handler.addNotRetryableExceptions({});",
            list.join(", ")
        ));
    }
    for class in invalid {
        lines.push(format!(
            "// not retryable, but not a Java class name: {}",
            comment(class)
        ));
    }
    lines
}

fn version_name(v: SpringKafkaVersion) -> &'static str {
    match v {
        SpringKafkaVersion::V2_9 => "2.9",
        SpringKafkaVersion::V3_0 => "3.0",
        SpringKafkaVersion::V3_1 => "3.1",
        SpringKafkaVersion::V3_2 => "3.2",
        SpringKafkaVersion::V3_3 => "3.3",
        SpringKafkaVersion::V4_0 => "4.0",
        SpringKafkaVersion::V4_1 => "4.1",
    }
}

fn java_primary_handler(s: &Scenario) -> Vec<String> {
    let Some(i) = primary_handler_group(s) else {
        return Vec::new();
    };
    let g = &s.groups[i];
    let Some(h) = custom_handler(&g.config) else {
        return Vec::new();
    };
    vec![format!(
        "    // Spring Boot puts this bean on its default container factory: every @KafkaListener\n    // without its own containerFactory uses it (written for group \"{}\").\n    @Bean\n    public DefaultErrorHandler errorHandler({}) {{\n{}    }}\n",
        comment(&g.id),
        template_parameter(h),
        handler_body(g, h)
    )]
}

/// The parameter of a method building `h`: the template a dead-letter recoverer publishes with.
fn template_parameter(h: &ErrorHandlerConfig) -> &'static str {
    if h.dead_letter {
        "KafkaTemplate<String, Object> template"
    } else {
        ""
    }
}

fn group_identifiers(s: &Scenario) -> Vec<String> {
    identifiers(s.groups.iter().map(|g| g.id.as_str()), "group", "")
}

fn java_factories(s: &Scenario) -> Vec<String> {
    let names = group_identifiers(s);
    let mut beans = Vec::new();
    for (i, g) in s.groups.iter().enumerate() {
        if needs_own_factory(s, i) {
            beans.push(java_factory(s, g, &names[i]));
        }
    }
    beans
}

fn java_factory(s: &Scenario, g: &GroupSpec, name: &str) -> String {
    let mut body = String::from(
        "        ConcurrentKafkaListenerContainerFactory<Object, Object> factory =\n                new ConcurrentKafkaListenerContainerFactory<>();\n        configurer.configure(factory, consumerFactory);\n",
    );
    if let Some(mode) = ack_to_set(s, &g.config) {
        body.push_str(&format!(
            "        factory.getContainerProperties().setAckMode(ContainerProperties.AckMode.{mode});\n"
        ));
    }
    let mut helper = String::new();
    let mut template = "";
    if handler_differs(s, &g.config) {
        match custom_handler(&g.config) {
            Some(h) => {
                let argument = if h.dead_letter { "template" } else { "" };
                template = if h.dead_letter { ",\n            KafkaTemplate<String, Object> template" } else { "" };
                body.push_str(&format!("        factory.setCommonErrorHandler({name}ErrorHandler({argument}));\n"));
                helper = format!(
                    "\n    private DefaultErrorHandler {name}ErrorHandler({}) {{\n{}    }}\n",
                    template_parameter(h),
                    handler_body(g, h)
                );
            }
            None => body.push_str("        factory.setCommonErrorHandler(new DefaultErrorHandler()); // Spring's default: 10 deliveries, then log\n"),
        }
    }
    format!(
        "    // Group \"{}\": its own container factory (ack mode or error handler differ).\n    @Bean\n    public ConcurrentKafkaListenerContainerFactory<Object, Object> {name}ContainerFactory(\n            ConcurrentKafkaListenerContainerFactoryConfigurer configurer,\n            ConsumerFactory<Object, Object> consumerFactory{template}) {{\n{body}        return factory;\n    }}\n{helper}",
        comment(&g.id)
    )
}

fn java_templates(s: &Scenario) -> Vec<String> {
    let names = identifiers(
        s.producers.iter().map(|p| p.name.as_str()),
        "producer",
        "Template",
    );
    // Whether the auto-configured producer factory is transactional (see `yml_producer`).
    let default_transactional = transaction_id_prefix(s).is_some();
    let mut beans: Vec<String> = s
        .producers
        .iter()
        .zip(names)
        .enumerate()
        // The first producer uses Spring Boot's template, unless its transactions differ.
        .filter(|(i, (p, _))| *i > 0 || p.transactional_id.is_some() != default_transactional)
        .map(|(_, (p, name))| {
            let entries: Vec<String> = producer_overrides(s, p)
                .into_iter()
                .filter(|(key, value)| *key != "transactional.id" || !value.is_empty())
                .map(|(key, value)| format!("                Map.entry({}, {})", java_str(key), java_str(&value)))
                .collect();
            let head = format!(
                "    // Producer \"{}\" (to {})",
                comment(&p.name),
                p.topic
            );
            if p.transactional_id.is_some() == default_transactional {
                return format!(
                    "{head}: the auto-configured producer factory with overrides.\n    @Bean\n    public KafkaTemplate<String, Object> {name}(ProducerFactory<String, Object> producerFactory) {{\n        return new KafkaTemplate<>(producerFactory, Map.ofEntries(\n{}));\n    }}\n",
                    entries.join(",\n")
                );
            }
            // A copy of the auto-configured factory would keep its transactions (or lack them):
            // a factory of its own, from the same settings, is transactional exactly when its
            // settings hold a transactional.id.
            let why = if default_transactional {
                "not transactional, unlike the auto-configured factory"
            } else {
                "transactional, unlike the auto-configured factory"
            };
            format!(
                "{head}: a producer factory of its own, {why}.\n    @Bean\n    public KafkaTemplate<String, Object> {name}(ProducerFactory<String, Object> producerFactory) {{\n        Map<String, Object> config = new HashMap<>(producerFactory.getConfigurationProperties());\n        config.putAll(Map.ofEntries(\n{}));\n        return new KafkaTemplate<>(new DefaultKafkaProducerFactory<String, Object>(config));\n    }}\n",
                entries.join(",\n")
            )
        })
        .collect();
    if !beans.is_empty() {
        // Spring Boot makes its KafkaTemplate only when the application declares none.
        beans.insert(0, "    // The first producer's template: declaring other KafkaTemplates turns Spring Boot's own off.\n    @Bean\n    @Primary\n    public KafkaTemplate<String, Object> kafkaTemplate(ProducerFactory<String, Object> producerFactory) {\n        return new KafkaTemplate<>(producerFactory);\n    }\n".to_owned());
    }
    beans
}

/// The `@Component` holding one `@KafkaListener` method per group.
fn java_listeners(s: &Scenario) -> String {
    let names = group_identifiers(s);
    let mut out = String::from("@Component\npublic class KafkaListeners {\n");
    out.push_str(&java_listener_fields(s, &names));
    let methods: Vec<String> = s
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| listener_method(s, i, g, &names[i]))
        .collect();
    out.push_str(&methods.join("\n"));
    if s.groups
        .iter()
        .any(|g| g.config.listener.error_handler.retry_topic.is_some())
    {
        out.push_str("\n    // The @RetryableTopic listeners' dead-letter topic: log the record and go on.\n    @DltHandler\n    public void onDeadLetter(ConsumerRecord<?, ?> record) {\n        System.err.println(\"dead letter: \" + record);\n    }\n");
    }
    out.push_str("}\n");
    out
}

fn java_listener_fields(s: &Scenario, names: &[String]) -> String {
    let mut out = String::new();
    if s.groups.iter().any(|g| g.config.forward_to.is_some()) {
        out.push_str("    private final KafkaTemplate<String, Object> template;\n\n    public KafkaListeners(KafkaTemplate<String, Object> template) {\n        this.template = template;\n    }\n\n");
    }
    if s.groups.iter().any(|g| has_transient(&g.config)) {
        out.push_str("    // Deliveries per record, to fail only the first ones as the playground's transient rules do.\n    private final Map<String, Integer> deliveries = new ConcurrentHashMap<>();\n\n");
    }
    for (g, name) in s.groups.iter().zip(names) {
        if g.config.listener.idempotent {
            out.push_str(&format!(
                "    // Idempotent consumer for \"{}\": ids of processed records (a database table in production).\n    private final Set<String> {name}Processed = ConcurrentHashMap.newKeySet();\n\n",
                comment(&g.id)
            ));
        }
    }
    out
}

fn has_transient(c: &GroupConfig) -> bool {
    c.listener
        .failures
        .iter()
        .any(|r| matches!(r.kind, FailureKind::Transient { .. }))
}

/// The `@KafkaListener` (and `@RetryableTopic`) method of the group with id `group_id`, or
/// `None` if the scenario has no such group.
pub fn listener_java(s: &Scenario, group_id: &str) -> Option<String> {
    let i = s.groups.iter().position(|g| g.id == group_id)?;
    Some(listener_method(
        s,
        i,
        &s.groups[i],
        &group_identifiers(s)[i],
    ))
}

fn listener_method(s: &Scenario, i: usize, g: &GroupSpec, name: &str) -> String {
    let mut out = String::new();
    if let Some(retry) = &g.config.listener.error_handler.retry_topic {
        out.push_str(&retryable_topic(g, retry));
    }
    out.push_str(&kafka_listener_annotation(s, i, g, name));
    let manual = ack_mode(&g.config) == Some("MANUAL_IMMEDIATE");
    let ack = if manual { ", Acknowledgment ack" } else { "" };
    // A rule's exception may be a checked one.
    let throws = if g.config.listener.failures.is_empty() {
        ""
    } else {
        " throws Exception"
    };
    let method = format!("on{}{}", name[..1].to_ascii_uppercase(), &name[1..]);
    if g.config.exactly_once {
        // A batch listener: the container runs each poll's records in one transaction, as
        // the playground does (a record listener would get a transaction per record).
        out.push_str(&format!(
            "    public void {method}(List<ConsumerRecord<?, ?>> records{ack}){throws} {{\n        for (ConsumerRecord<?, ?> record : records) {{\n"
        ));
        for line in listener_body(g, name, manual).lines() {
            out.push_str("    ");
            out.push_str(line);
            out.push('\n');
        }
        out.push_str("        }\n    }\n");
        return out;
    }
    out.push_str(&format!(
        "    public void {method}(ConsumerRecord<?, ?> record{ack}){throws} {{\n"
    ));
    out.push_str(&listener_body(g, name, manual));
    out.push_str("    }\n");
    out
}

fn kafka_listener_annotation(s: &Scenario, i: usize, g: &GroupSpec, name: &str) -> String {
    let topics: Vec<String> = g.topics.iter().map(|t| annotation_str(t)).collect();
    let topics = if topics.len() == 1 {
        topics[0].clone()
    } else {
        format!("{{{}}}", topics.join(", "))
    };
    let mut attributes = vec![
        format!("topics = {topics}"),
        format!("groupId = {}", annotation_str(&g.id)),
    ];
    if g.consumers == 0 {
        attributes.push("autoStartup = \"false\"".into());
    } else {
        attributes.push(format!("concurrency = \"{}\"", g.consumers));
    }
    if needs_own_factory(s, i) {
        attributes.push(format!("containerFactory = \"{name}ContainerFactory\""));
    }
    if g.config.exactly_once {
        attributes.push("batch = \"true\"".into());
    }
    let overrides: Vec<String> = listener_overrides(s, g)
        .iter()
        .map(|l| annotation_str(l))
        .collect();
    if !overrides.is_empty() {
        attributes.push(format!(
            "properties = {{\n                    {}}}",
            overrides.join(",\n                    ")
        ));
    }
    format!(
        "    @KafkaListener({})\n",
        attributes.join(",\n            ")
    )
}

fn retryable_topic(g: &GroupSpec, r: &RetryTopicConfig) -> String {
    let mut out: String = g
        .topics
        .iter()
        .map(|t| retry_topics_comment(t, r))
        .collect();
    out.push_str(&format!(
        "    @RetryableTopic(\n            {})\n",
        retryable_attributes(r).join(",\n            ")
    ));
    out
}

/// The `@RetryableTopic` attributes: attempts, back-off (spring-retry's `@Backoff` up to 3.3,
/// spring-kafka's `@BackOff` from 4.0), strategies, and suffixes that differ from the defaults.
fn retryable_attributes(r: &RetryTopicConfig) -> Vec<String> {
    let mut backoff = vec![format!("delay = {}", r.delay_ms)];
    if r.multiplier > 0.0 {
        backoff.push(format!("multiplier = {}", java_double(r.multiplier)));
    }
    if let Some(max) = r.max_delay_ms {
        backoff.push(format!("maxDelay = {max}"));
    }
    let (attribute, annotation) = if r.version >= SpringKafkaVersion::V4_0 {
        ("backOff", "BackOff")
    } else {
        ("backoff", "org.springframework.retry.annotation.Backoff")
    };
    let mut attributes = vec![
        format!("attempts = \"{}\"", r.attempts),
        format!("{attribute} = @{annotation}({})", backoff.join(", ")),
        format!(
            "topicSuffixingStrategy = TopicSuffixingStrategy.{}",
            suffixing_name(r.suffixing_strategy)
        ),
        format!(
            "sameIntervalTopicReuseStrategy = SameIntervalTopicReuseStrategy.{}",
            reuse_name(r.reuse_strategy)
        ),
        "dltStrategy = DltStrategy.ALWAYS_RETRY_ON_ERROR".to_owned(),
    ];
    let suffixes = [
        ("retryTopicSuffix", &r.retry_suffix, DEFAULT_RETRY_SUFFIX),
        ("dltTopicSuffix", &r.dlt_suffix, DEFAULT_DLT_SUFFIX),
    ];
    for (name, suffix, default) in suffixes {
        // A blank suffix means the default, as in Spring.
        if !suffix.trim().is_empty() && suffix != default {
            attributes.push(format!("{name} = {}", annotation_str(suffix)));
        }
    }
    attributes
}

/// A comment naming the retry topics and the DLT Spring creates for `topic` (N3).
fn retry_topics_comment(topic: &str, r: &RetryTopicConfig) -> String {
    let (retries, dlt) = retry_topic_names(topic, r);
    let mut distinct: Vec<&str> = Vec::new();
    for (name, _) in &retries {
        if !distinct.contains(&name.as_str()) {
            distinct.push(name);
        }
    }
    let chain = if distinct.is_empty() {
        "no retry topic".to_owned()
    } else {
        distinct.join(", ")
    };
    format!(
        "    // Non-blocking retries of {topic} (spring-kafka {}): {chain} -> {}\n",
        version_name(r.version),
        comment(&dlt)
    )
}

fn suffixing_name(s: TopicSuffixingStrategy) -> &'static str {
    match s {
        TopicSuffixingStrategy::SuffixWithDelayValue => "SUFFIX_WITH_DELAY_VALUE",
        TopicSuffixingStrategy::SuffixWithIndexValue => "SUFFIX_WITH_INDEX_VALUE",
    }
}

fn reuse_name(s: SameIntervalTopicReuseStrategy) -> &'static str {
    match s {
        SameIntervalTopicReuseStrategy::SingleTopic => "SINGLE_TOPIC",
        SameIntervalTopicReuseStrategy::MultipleTopics => "MULTIPLE_TOPICS",
    }
}

fn listener_body(g: &GroupSpec, name: &str, manual: bool) -> String {
    let c = &g.config;
    let mut lines: Vec<String> = Vec::new();
    if manual {
        lines.push("ack.acknowledge(); // at-most-once: commit before processing".into());
    }
    if c.listener.idempotent {
        lines.push(format!(
            "if (!{name}Processed.add(record.key() + \"|\" + record.value())) {{\n            return; // seen before: a redelivery, already processed\n        }}"
        ));
    }
    for rule in &c.listener.failures {
        lines.push(failure_rule_java(rule));
    }
    if c.processing_time_ms > 0 || c.listener.processing_jitter_ms > 0 {
        let jitter = match c.listener.processing_jitter_ms {
            0 => String::new(),
            ms => format!(" (+ up to {ms} ms)"),
        };
        lines.push(format!(
            "// the playground spends {} ms{jitter} on each record",
            c.processing_time_ms
        ));
    }
    match &c.forward_to {
        Some(out) => lines.extend(forward_lines(out, c.exactly_once)),
        None => lines.push("// process the record".into()),
    }
    lines.iter().map(|l| format!("        {l}\n")).collect()
}

fn forward_lines(topic: &str, exactly_once: bool) -> Vec<String> {
    let mut lines = Vec::new();
    if exactly_once {
        lines.push("// exactly-once: with spring.kafka.producer.transaction-id-prefix set, the container runs".into());
        lines.push("// each poll's batch in a Kafka transaction: these sends and the consumed offsets commit together".into());
    }
    lines.push(format!(
        "template.send({}, String.valueOf(record.key()),\n                \"{{\\\"from\\\":\\\"\" + record.topic() + \"-\" + record.partition() + \"@\" + record.offset()\n                + \"\\\",\\\"value\\\":\" + record.value() + \"}}\");",
        java_str(topic)
    ));
    lines
}

/// A failure rule as the Java that would fail the same way.
fn failure_rule_java(rule: &FailureRule) -> String {
    let mut conditions = Vec::new();
    if let Some(key) = &rule.matches.key_equals {
        conditions.push(format!(
            "{}.equals(String.valueOf(record.key()))",
            java_str(key)
        ));
    }
    if let Some(text) = &rule.matches.value_contains {
        conditions.push(format!(
            "String.valueOf(record.value()).contains({})",
            java_str(text)
        ));
    }
    let what = match rule.kind {
        FailureKind::Poison => "a poison record: every delivery fails".to_owned(),
        FailureKind::NonRetryable => {
            "fails with an exception the error handler does not retry".to_owned()
        }
        FailureKind::Transient { failures } => {
            conditions.push(format!(
                "deliveries.merge(record.topic() + \"-\" + record.partition() + \"@\" + record.offset(), 1, Integer::sum) <= {failures}"
            ));
            format!("a transient error: the first {failures} deliveries of a record fail")
        }
    };
    let condition = if conditions.is_empty() {
        "true".to_owned()
    } else {
        conditions.join("\n                && ")
    };
    let message = rule
        .message
        .clone()
        .unwrap_or_else(|| "listener failed".to_owned());
    let class = rule.exception_class();
    let throw = if is_java_class_name(class) {
        format!("throw new {class}({});", java_str(&message))
    } else {
        format!("// throws {} (not a Java class name)\n            throw new IllegalStateException({});", comment(class), java_str(&message))
    };
    format!("// {what}\n        if ({condition}) {{\n            {throw}\n        }}")
}

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

/// The Kafka command-line calls: `kafka-topics.sh --create` per topic (and for topics the
/// script creates or grows), `kafka-consumer-groups.sh --describe` per group, and the
/// `--reset-offsets` call for every offset reset in the script.
pub fn cli_commands(s: &Scenario) -> String {
    let mut out = format!(
        "# Kafka command-line tools for the playground scenario \"{}\"\n# (bin/ of the Kafka distribution; the playground has one broker, so replication factor 1)\n\n",
        comment(&s.name)
    );
    for t in &s.topics {
        out.push_str(&create_topic(
            &t.name,
            t.partitions,
            t.retention_ms,
            t.retention_bytes,
        ));
    }
    for t in created_dead_letter_topics(s) {
        out.push_str(
            "# the dead-letter topic, which the playground creates at the start
",
        );
        out.push_str(&create_topic(&t.name, t.partitions, None, None));
    }
    out.push_str(&cli_script_topics(s));
    for g in &s.groups {
        out.push_str(&describe_group(&g.id));
    }
    out.push_str(&cli_resets(s));
    out
}

fn create_topic(
    name: &str,
    partitions: u32,
    retention_ms: Option<u64>,
    retention_bytes: Option<u64>,
) -> String {
    let mut line = format!(
        "kafka-topics.sh --bootstrap-server {BOOTSTRAP_SERVERS} --create {} \\\n  --partitions {partitions} --replication-factor 1",
        sh_option("topic", name)
    );
    if let Some(ms) = retention_ms {
        line.push_str(&format!(" --config retention.ms={ms}"));
    }
    if let Some(bytes) = retention_bytes {
        line.push_str(&format!(" --config retention.bytes={bytes}"));
    }
    line.push_str("\n\n");
    line
}

fn describe_group(id: &str) -> String {
    format!(
        "kafka-consumer-groups.sh --bootstrap-server {BOOTSTRAP_SERVERS} --describe {}\n\n",
        sh_option("group", id)
    )
}

fn seconds(ms: u64) -> String {
    format!("{}.{:03} s", ms / 1000, ms % 1000)
}

fn cli_script_topics(s: &Scenario) -> String {
    let mut out = String::new();
    for entry in &s.script {
        match &entry.command {
            Command::CreateTopic { name, partitions, retention_ms, retention_bytes } => {
                out.push_str(&format!("# at {} the script creates a topic\n", seconds(entry.at_ms)));
                out.push_str(&create_topic(name, *partitions, *retention_ms, *retention_bytes));
            }
            Command::AddPartitions { topic, partitions } => out.push_str(&format!(
                "# at {} the script grows a topic (keys may move to other partitions)\nkafka-topics.sh --bootstrap-server {BOOTSTRAP_SERVERS} --alter {} --partitions {partitions}\n\n",
                seconds(entry.at_ms),
                sh_option("topic", topic)
            )),
            Command::AddGroup { group, .. } => {
                out.push_str(&format!("# at {} the script adds a group\n", seconds(entry.at_ms)));
                out.push_str(&describe_group(group));
            }
            _ => {}
        }
    }
    out
}

fn cli_resets(s: &Scenario) -> String {
    let mut out = String::new();
    for entry in &s.script {
        let Command::ResetOffsets { group, to } = &entry.command else {
            continue;
        };
        let topics = group_topics(s, group);
        let topic_options: Vec<String> = topics.iter().map(|t| sh_option("topic", t)).collect();
        out.push_str(&format!(
            "# at {} the script resets the offsets of group \"{}\" (it must be Empty: stop its consumers first)\n",
            seconds(entry.at_ms),
            comment(group)
        ));
        if let ResetTarget::ToTime { at_ms } = to {
            out.push_str(&format!(
                "# the playground's clock starts at 1970-01-01T00:00:00Z: virtual time {} is the datetime below (UTC)\n",
                seconds(*at_ms)
            ));
        }
        out.push_str(&format!(
            "kafka-consumer-groups.sh --bootstrap-server {BOOTSTRAP_SERVERS} --reset-offsets {} \\\n  {} {} --execute\n\n",
            sh_option("group", group),
            topic_options.join(" "),
            reset_option(to)
        ));
    }
    out
}

/// The topics a group subscribes to: from the setup, or from the script's `AddGroup`.
fn group_topics(s: &Scenario, id: &str) -> Vec<String> {
    if let Some(g) = s.groups.iter().find(|g| g.id == id) {
        return g.topics.clone();
    }
    s.script
        .iter()
        .find_map(|e| match &e.command {
            Command::AddGroup { group, topics, .. } if group == id => Some(topics.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

/// The `kafka-consumer-groups.sh --reset-offsets` option for a reset target.
pub fn reset_option(to: &ResetTarget) -> String {
    match *to {
        ResetTarget::Earliest => "--to-earliest".into(),
        ResetTarget::Latest => "--to-latest".into(),
        ResetTarget::ToOffset { offset } => format!("--to-offset {offset}"),
        ResetTarget::ShiftBy { by } => format!("--shift-by {by}"),
        ResetTarget::ToTime { at_ms } => format!("--to-datetime {}", datetime(at_ms)),
    }
}

/// Virtual time as `YYYY-MM-DDTHH:mm:SS.sss` (UTC from the epoch), the format
/// `--to-datetime` reads.
fn datetime(ms: u64) -> String {
    let days = ms / 86_400_000;
    let in_day = ms % 86_400_000;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}
