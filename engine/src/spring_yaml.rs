//! Pasting an `application.yml`: the `spring.kafka` settings the seed tutorial uses configure
//! a scenario's first producer and first consumer group (the ones [`crate::spring`] writes into
//! that section). Settings the playground does not model are reported, never ignored silently.
//!
//! The reader understands the YAML Spring Boot files use for these settings: nested `key:`
//! mappings by indentation (spaces), `key: value` lines, dotted keys (`spring.kafka.consumer`,
//! `spring.json.trusted.packages` under `properties`), plain, single- and double-quoted
//! scalars, and `#` comments. Lists, anchors and multi-line scalars are refused with the line.

use crate::assignor::AssignorKind;
use crate::group::{CommitMode, OffsetResetPolicy};
use crate::listener::ValueFormat;
use crate::producer::{Acks, KeySerializer};
use crate::scenario::Scenario;
use crate::transaction::IsolationLevel;

/// Largest `application.yml` accepted, in bytes.
pub const MAX_YAML_BYTES: usize = 64 * 1024;

/// What pasting did: the configured scenario, and one line per setting it could not use.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    /// The scenario with the file's settings.
    pub scenario: Scenario,
    /// Settings found and applied, as `key = value`.
    pub applied: Vec<String>,
    /// Settings the playground does not model, with their line: reported, not applied.
    pub unknown: Vec<String>,
}

/// One `key: value` of the file, its key spelled out in full (`spring.kafka.consumer.group-id`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    /// 1-based line number.
    pub line: usize,
    /// The dotted key.
    pub key: String,
    /// The scalar, unquoted.
    pub value: String,
}

/// The settings of a YAML text, or the first line it cannot read.
pub fn settings(text: &str) -> Result<Vec<Setting>, String> {
    if text.len() > MAX_YAML_BYTES {
        return Err(format!(
            "the file is {} bytes; the limit is {MAX_YAML_BYTES}",
            text.len()
        ));
    }
    let mut out = Vec::new();
    // Open mappings: their indent, key so far, and the indent of their entries once seen.
    let mut open: Vec<(usize, String, Option<usize>)> = Vec::new();
    let mut top_indent = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let content = strip_comment(raw);
        if content.trim().is_empty() || content.trim() == "---" {
            continue;
        }
        let indent = content.len() - content.trim_start_matches(' ').len();
        let body = content.trim();
        if content.trim_start_matches(' ').starts_with('\t') {
            return Err(format!("line {line}: indent with spaces, not tabs"));
        }
        if body.starts_with("- ") || body == "-" {
            return Err(format!(
                "line {line}: lists are not settings the playground reads"
            ));
        }
        let Some((key, value)) = body.split_once(':') else {
            return Err(format!("line {line}: expected `key: value`, got {body:?}"));
        };
        let key = unquote(key.trim()).map_err(|e| format!("line {line}: {e}"))?;
        let key = key.as_str();
        if key.is_empty() {
            return Err(format!("line {line}: a key is missing before `:`"));
        }
        // Spring Boot's keys: letters, digits, `.`, `-`, `_`, and `[…]` for map entries.
        if !key
            .chars()
            .all(|c| c.is_alphanumeric() || ".-_[]".contains(c))
        {
            return Err(format!("line {line}: {key:?} is not a setting's name"));
        }
        while open.last().is_some_and(|(at, _, _)| *at >= indent) {
            open.pop();
        }
        // Entries of one mapping line up: a line between two levels belongs to neither.
        let level = match open.last_mut() {
            Some((_, _, entries)) => entries.get_or_insert(indent),
            None => top_indent.get_or_insert(indent),
        };
        if *level != indent {
            return Err(format!(
                "line {line}: its indentation lines up with no line above it"
            ));
        }
        let full = match open.last() {
            Some((_, parent, _)) => format!("{parent}.{key}"),
            None => key.to_owned(),
        };
        let value = value.trim();
        if value.is_empty() {
            open.push((indent, full, None));
        } else if value.starts_with(['|', '>', '&', '*', '[', '{']) {
            return Err(format!(
                "line {line}: {full}: only plain or quoted values are read, got {value:?}"
            ));
        } else {
            if let Some(first) = out.iter().find(|s: &&Setting| s.key == full) {
                return Err(format!(
                    "line {line}: {full} is given twice (first on line {})",
                    first.line
                ));
            }
            out.push(Setting {
                line,
                key: full,
                value: unquote(value).map_err(|e| format!("line {line}: {e}"))?,
            });
        }
    }
    Ok(out)
}

/// The line without its comment (a `#` at the start or after a space, outside quotes).
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '#') if previous == ' ' || previous == '\t' => return &line[..i],
            _ => {}
        }
        previous = c;
    }
    line
}

/// A plain or quoted scalar's text: `'it''s'` is `it's`; a quote opened and not closed is an
/// error (YAML refuses it).
fn unquote(text: &str) -> Result<String, String> {
    let Some(q) = text.chars().next().filter(|c| matches!(c, '"' | '\'')) else {
        return Ok(text.to_owned());
    };
    let inner = text
        .strip_prefix(q)
        .and_then(|t| t.strip_suffix(q))
        .filter(|_| text.len() >= 2)
        .ok_or_else(|| format!("{text} opens a quote it does not close"))?;
    Ok(if q == '\'' {
        inner.replace("''", "'")
    } else {
        inner.to_owned()
    })
}

/// Applies the `spring.kafka` settings of `text` to `scenario`'s first producer and first
/// group. A setting with a value the playground cannot use is an error that names its line; a
/// setting it does not model is listed in [`Applied::unknown`]. A text with no setting the
/// playground models is an error: there is nothing to apply.
pub fn apply(scenario: &Scenario, text: &str) -> Result<Applied, String> {
    let mut out = Applied {
        scenario: scenario.clone(),
        applied: Vec::new(),
        unknown: Vec::new(),
    };
    let settings = settings(text)?;
    for setting in &settings {
        let here = format!("line {}: {}", setting.line, setting.key);
        let known = apply_one(&mut out.scenario, setting).map_err(|e| format!("{here}: {e}"))?;
        if known {
            out.applied
                .push(format!("{} = {}", setting.key, setting.value));
        } else {
            out.unknown
                .push(format!("{here} is not a setting the playground models"));
        }
    }
    apply_retry_topics(&mut out, &settings)?;
    let explicit = settings
        .iter()
        .any(|s| s.key == "spring.kafka.producer.properties.enable.idempotence");
    if let (false, Some(producer)) = (explicit, out.scenario.producers.first_mut()) {
        // Not set in the file: a conflicting setting turns it off, as Kafka's default does
        // (T2); a producer whose idempotence was off stays so.
        producer.give_way_idempotence();
    }
    if out.applied.is_empty() {
        return Err(match out.unknown.len() {
            0 => "nothing to apply: the text has no settings".to_owned(),
            n => format!(
                "nothing to apply: none of its {n} settings is one the playground models, such as spring.kafka.consumer.group-id"
            ),
        });
    }
    Ok(out)
}

/// Applies one setting; `Ok(false)` when the playground does not model it.
fn apply_one(s: &mut Scenario, setting: &Setting) -> Result<bool, String> {
    let Some(key) = setting.key.strip_prefix("spring.kafka.") else {
        return Ok(false);
    };
    let v = setting.value.as_str();
    if key == "bootstrap-servers" {
        // The playground is one simulated broker, whatever its address.
        return Ok(true);
    }
    if let Some(key) = key.strip_prefix("producer.") {
        return producer_setting(s, key, v);
    }
    if let Some(key) = key.strip_prefix("consumer.") {
        return consumer_setting(s, key, v);
    }
    if key == "listener.concurrency" {
        // One consumer per listener thread (ConcurrentMessageListenerContainer).
        let n = v
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=crate::sim::MAX_CONSUMERS as u32).contains(n))
            .ok_or_else(|| {
                format!(
                    "expected a number of consumers from 1 to {}, got {v:?}",
                    crate::sim::MAX_CONSUMERS
                )
            })?;
        return with_group(s, |g| g.consumers = n);
    }
    if let Some(key) = key.strip_prefix("retry.topic.") {
        // Checked here, applied together once the whole file is read (see `apply`).
        let mut scratch = crate::retry_topic::RetryTopicConfig::default();
        return retry_topic_setting(&mut scratch, key, v);
    }
    if key == "listener.ack-mode" {
        let mode = match v.to_ascii_uppercase().as_str() {
            "BATCH" => CommitMode::Batch,
            "RECORD" => CommitMode::Record,
            _ => return Err(format!("the playground models BATCH and RECORD, got {v:?}")),
        };
        return with_group(s, |g| g.config.commit_mode = mode);
    }
    Ok(false)
}

fn producer_setting(s: &mut Scenario, key: &str, v: &str) -> Result<bool, String> {
    let producer = s
        .producers
        .first_mut()
        .ok_or("the scenario has no producer to configure")?;
    match key {
        "key-serializer" => {
            producer.key_serializer = match class_name(v) {
                "StringSerializer" => KeySerializer::String,
                "IntegerSerializer" => KeySerializer::Integer,
                _ => {
                    return Err(format!(
                        "expected StringSerializer or IntegerSerializer, got {v:?}"
                    ))
                }
            }
        }
        "value-serializer" => match class_name(v) {
            "StringSerializer" | "JsonSerializer" => {}
            _ => {
                return Err(format!(
                    "expected StringSerializer or JsonSerializer, got {v:?}"
                ))
            }
        },
        "acks" => {
            producer.acks = match v {
                "all" | "-1" => Acks::All,
                "1" => Acks::One,
                "0" => Acks::Zero,
                _ => return Err(format!("expected all, -1, 1 or 0, got {v:?}")),
            }
        }
        "client-id" => producer.name = v.to_owned(),
        "properties.enable.idempotence" => producer.enable_idempotence = boolean(v)?,
        "transaction-id-prefix" => producer.transactional_id = Some(format!("{v}0")),
        _ => return Ok(false),
    }
    Ok(true)
}

fn consumer_setting(s: &mut Scenario, key: &str, v: &str) -> Result<bool, String> {
    match key {
        "group-id" => {
            let id = v.to_owned();
            with_group(s, move |g| g.id = id)
        }
        "auto-offset-reset" => {
            let policy = match v {
                "earliest" => OffsetResetPolicy::Earliest,
                "latest" => OffsetResetPolicy::Latest,
                "none" => OffsetResetPolicy::None,
                _ => return Err(format!("expected earliest, latest or none, got {v:?}")),
            };
            with_group(s, |g| g.config.auto_offset_reset = policy)
        }
        "enable-auto-commit" => {
            let auto = boolean(v)?;
            with_group(s, |g| {
                g.config.commit_mode = if auto {
                    CommitMode::Auto
                } else if g.config.commit_mode == CommitMode::Auto {
                    CommitMode::Batch
                } else {
                    g.config.commit_mode
                }
            })
        }
        "auto-commit-interval" => {
            let ms = duration_ms(v)?;
            with_group(s, |g| g.config.auto_commit_interval_ms = ms)
        }
        "max-poll-records" => {
            let n = v
                .parse::<u32>()
                .map_err(|_| format!("expected a whole number, got {v:?}"))?;
            with_group(s, |g| g.config.max_poll_records = n)
        }
        "isolation-level" => {
            let level = match v.to_ascii_lowercase().replace('-', "_").as_str() {
                "read_committed" => IsolationLevel::ReadCommitted,
                "read_uncommitted" => IsolationLevel::ReadUncommitted,
                _ => {
                    return Err(format!(
                        "expected read_committed or read_uncommitted, got {v:?}"
                    ))
                }
            };
            with_group(s, |g| g.config.isolation_level = level)
        }
        "key-deserializer" => Ok(matches!(
            class_name(v),
            "StringDeserializer" | "IntegerDeserializer" | "ErrorHandlingDeserializer"
        )),
        "value-deserializer" | "properties.spring.deserializer.value.delegate.class" => {
            value_deserializer(s, key, v)
        }
        "properties.spring.json.trusted.packages" => {
            let packages: Vec<String> = v.split(',').map(|p| p.trim().to_owned()).collect();
            with_group(s, |g| {
                g.config.listener.value_format = ValueFormat::Json {
                    trusted_packages: packages,
                }
            })
        }
        "properties.group.instance.id" => {
            // Static membership; the playground names each consumer's instance itself.
            let on = !v.trim().is_empty();
            with_group(s, |g| g.config.static_membership = on)
        }
        "properties.session.timeout.ms" => {
            let ms = whole(v)?;
            with_group(s, |g| g.config.session_timeout_ms = ms)
        }
        "properties.heartbeat.interval.ms" => {
            let ms = whole(v)?;
            with_group(s, |g| g.config.heartbeat_interval_ms = ms)
        }
        "properties.max.poll.interval.ms" => {
            let ms = whole(v)?;
            with_group(s, |g| g.config.max_poll_interval_ms = ms)
        }
        "properties.partition.assignment.strategy" => {
            let kind = match class_name(v) {
                "RangeAssignor" => AssignorKind::Range,
                "RoundRobinAssignor" => AssignorKind::RoundRobin,
                "StickyAssignor" => AssignorKind::Sticky,
                "CooperativeStickyAssignor" => AssignorKind::CooperativeSticky,
                _ => return Err(format!("expected one of Kafka's four assignors, got {v:?}")),
            };
            with_group(s, |g| g.config.assignor = kind)
        }
        _ => Ok(false),
    }
}

/// Spring Boot's non-blocking retries (`spring.kafka.retry.topic.*`): only
/// `enabled: true` creates them (`@ConditionalOnProperty`), with the builder Boot uses (topics
/// suffixed with index values, one topic for repeated intervals), and the other settings
/// change that configuration wherever they stand in the file. `enabled: false` removes them.
/// Without `enabled`, the other settings change nothing and are listed as such.
fn apply_retry_topics(out: &mut Applied, settings: &[Setting]) -> Result<(), String> {
    use crate::retry_topic::{
        RetryTopicConfig, SameIntervalTopicReuseStrategy, TopicSuffixingStrategy,
    };
    let retry: Vec<&Setting> = settings
        .iter()
        .filter(|s| s.key.starts_with("spring.kafka.retry.topic."))
        .collect();
    if retry.is_empty() {
        return Ok(());
    }
    let enabled = retry
        .iter()
        .rev()
        .find(|s| s.key == "spring.kafka.retry.topic.enabled")
        .map(|s| boolean(&s.value))
        .transpose()?;
    let Some(enabled) = enabled else {
        for s in &retry {
            out.applied
                .retain(|a| !a.starts_with(&format!("{} = ", s.key)));
            out.unknown.push(format!(
                "line {}: {} applies only with spring.kafka.retry.topic.enabled: true",
                s.line, s.key
            ));
        }
        return Ok(());
    };
    with_group(&mut out.scenario, |g| {
        let handler = &mut g.config.listener.error_handler;
        handler.retry_topic = None;
        if !enabled {
            return;
        }
        let mut config = RetryTopicConfig::for_version(handler.spring_kafka_version);
        config.suffixing_strategy = TopicSuffixingStrategy::SuffixWithIndexValue;
        config.reuse_strategy = SameIntervalTopicReuseStrategy::SingleTopic;
        for s in &retry {
            let key = s.key.trim_start_matches("spring.kafka.retry.topic.");
            // Each value was checked when it was read.
            let _ = retry_topic_setting(&mut config, key, &s.value);
        }
        handler.retry_topic = Some(config);
    })
    .map(drop)
}

/// One `spring.kafka.retry.topic.*` setting applied to `config`; `enabled` is handled by
/// [`apply_retry_topics`]. The back-off settings are read under both their names (`delay`,
/// and `backoff.delay` since Spring Boot 3.4).
fn retry_topic_setting(
    config: &mut crate::retry_topic::RetryTopicConfig,
    key: &str,
    v: &str,
) -> Result<bool, String> {
    let key = key.strip_prefix("backoff.").unwrap_or(key);
    match key {
        "enabled" => {
            boolean(v)?;
        }
        "attempts" => {
            config.attempts =
                v.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                    format!("expected a number of attempts of 1 or more, got {v:?}")
                })?;
        }
        "delay" => config.delay_ms = duration_ms(v)?,
        "max-delay" => {
            let ms = duration_ms(v)?;
            config.max_delay_ms = (ms > 0).then_some(ms);
        }
        "multiplier" => config.multiplier = crate::decimal::parse(v)?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// `JsonDeserializer` switches the group to JSON values (keeping trusted packages already
/// set); `ErrorHandlingDeserializer` wraps the delegate; `StringDeserializer` reads strings.
fn value_deserializer(s: &mut Scenario, key: &str, v: &str) -> Result<bool, String> {
    match class_name(v) {
        "ErrorHandlingDeserializer" if key == "value-deserializer" => {
            with_group(s, |g| g.config.listener.error_handling_deserializer = true)
        }
        "JsonDeserializer" => with_group(s, |g| {
            if !matches!(g.config.listener.value_format, ValueFormat::Json { .. }) {
                g.config.listener.value_format = ValueFormat::Json {
                    trusted_packages: vec!["java.util".into(), "java.lang".into()],
                };
            }
        }),
        "StringDeserializer" => {
            with_group(s, |g| g.config.listener.value_format = ValueFormat::String)
        }
        _ => Err(format!(
            "expected StringDeserializer, JsonDeserializer or ErrorHandlingDeserializer, got {v:?}"
        )),
    }
}

fn with_group(
    s: &mut Scenario,
    edit: impl FnOnce(&mut crate::scenario::GroupSpec),
) -> Result<bool, String> {
    let group = s
        .groups
        .first_mut()
        .ok_or("the scenario has no consumer group to configure")?;
    edit(group);
    Ok(true)
}

/// The simple name of a Java class: `org.apache…StringSerializer` → `StringSerializer`.
fn class_name(v: &str) -> &str {
    v.rsplit('.').next().unwrap_or(v)
}

fn boolean(v: &str) -> Result<bool, String> {
    match v {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("expected true or false, got {v:?}")),
    }
}

fn whole(v: &str) -> Result<u64, String> {
    v.parse::<u64>()
        .map_err(|_| format!("expected a whole number of milliseconds, got {v:?}"))
}

/// A Spring Boot duration: milliseconds, or a number with `ms`, `s` or `m`.
fn duration_ms(v: &str) -> Result<u64, String> {
    let (number, unit) = match v.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => v.split_at(i),
        None => (v, "ms"),
    };
    let n = number
        .parse::<u64>()
        .map_err(|_| format!("expected a duration such as 5000, 5000ms or 5s, got {v:?}"))?;
    match unit {
        "ms" => Ok(n),
        "s" => Ok(n.saturating_mul(1000)),
        "m" => Ok(n.saturating_mul(60_000)),
        _ => Err(format!(
            "expected a duration such as 5000, 5000ms or 5s, got {v:?}"
        )),
    }
}
