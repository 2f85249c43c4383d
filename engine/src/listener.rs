//! The playground's `@KafkaListener`: what a group's listener does with each record, how
//! long it takes, when it fails, and how its error handler reacts.
//!
//! * Processing time: fixed ([`crate::group::GroupConfig::processing_time_ms`]) plus a seeded
//!   uniform jitter.
//! * Failure rules: a poison record (always fails), a transient error (the first N deliveries
//!   fail), a non-retryable exception, and values that fail to deserialize (not JSON, or a JSON
//!   type header whose package `spring.json.trusted.packages` does not trust, J3).
//! * [`ErrorHandlerConfig`]: Spring Kafka's `DefaultErrorHandler` with a back-off (E1–E6), a
//!   recoverer that logs or publishes to a dead-letter topic (D1–D3), or non-blocking retries
//!   through retry topics (`@RetryableTopic`, N1–N5).
//!
//! Follows spring-kafka 3.x/4.x and Spring Framework 6.x/7.x unless a version is selected.
//! Simplified: one listener thread per consumer; exceptions are named by class only.

use serde::Serialize;

use crate::backoff::BackOff;
use crate::dead_letter::SpringKafkaVersion;
use crate::json_read::{Field, Obj};
use crate::log::Record;
use crate::retry_topic::RetryTopicConfig;

/// The exception class a listener failure throws unless a rule names another one.
pub const DEFAULT_EXCEPTION: &str = "java.lang.IllegalStateException";
/// Spring wraps listener exceptions in this class before the error handler sees them.
pub const LISTENER_EXECUTION_FAILED: &str =
    "org.springframework.kafka.listener.ListenerExecutionFailedException";
/// What `ErrorHandlingDeserializer` turns a deserialization failure into (fatal by default, E5).
pub const DESERIALIZATION_EXCEPTION: &str =
    "org.springframework.kafka.support.serializer.DeserializationException";
/// Most failure rules a listener may have.
pub const MAX_FAILURE_RULES: usize = 16;

/// Which records a rule applies to. Both conditions left out: every record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct RecordMatch {
    /// The key equals this text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_equals: Option<String>,
    /// The value contains this text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_contains: Option<String>,
}

impl RecordMatch {
    /// Reads a record match from parsed JSON (see [`crate::json_read`]); a condition left out
    /// matches every record.
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        Ok(RecordMatch {
            key_equals: o.maybe("key_equals", Field::string)?,
            value_contains: o.maybe("value_contains", Field::string)?,
        })
    }

    /// Whether `record` matches.
    pub fn matches(&self, record: &Record) -> bool {
        let key_ok = self
            .key_equals
            .as_ref()
            .is_none_or(|k| record.key.as_deref() == Some(k.as_bytes()));
        let value_ok = self.value_contains.as_ref().is_none_or(|v| {
            record
                .value
                .as_deref()
                .is_some_and(|value| value.contains(v.as_str()))
        });
        key_ok && value_ok
    }
}

/// How a matching record fails.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FailureKind {
    /// Every delivery fails: a poison record.
    Poison,
    /// The first `failures` deliveries fail, later ones succeed: a transient error.
    Transient {
        /// Failing deliveries before success.
        failures: u32,
    },
    /// Every delivery fails with an exception the error handler does not retry (E5).
    NonRetryable,
}

impl FailureKind {
    /// Every failure kind's `"type"`, for messages.
    pub const TYPES: &'static [&'static str] = &["poison", "transient", "non_retryable"];

    /// Reads a failure kind from parsed JSON (see [`crate::json_read`]).
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        Ok(match o.tag("type")? {
            "poison" => FailureKind::Poison,
            "transient" => FailureKind::Transient {
                failures: o.req("failures")?.u32()?,
            },
            "non_retryable" => FailureKind::NonRetryable,
            other => return Err(o.unknown_variant("type", other, Self::TYPES)),
        })
    }
}

/// A listener failure rule.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct FailureRule {
    /// Records it applies to.
    #[serde(rename = "match")]
    pub matches: RecordMatch,
    /// How they fail.
    pub kind: FailureKind,
    /// The exception class thrown; defaults to `IllegalStateException`, or `ClassCastException`
    /// (on Spring's fatal list) for [`FailureKind::NonRetryable`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exception: Option<String>,
    /// The exception message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl FailureRule {
    /// Reads a failure rule from parsed JSON (see [`crate::json_read`]).
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        Ok(FailureRule {
            matches: o.or("match", RecordMatch::default(), RecordMatch::read)?,
            kind: FailureKind::read(&o.req("kind")?)?,
            exception: o.maybe("exception", Field::string)?,
            message: o.maybe("message", Field::string)?,
        })
    }

    /// The exception class this rule throws.
    pub fn exception_class(&self) -> &str {
        match (&self.exception, &self.kind) {
            (Some(class), _) => class,
            (None, FailureKind::NonRetryable) => "java.lang.ClassCastException",
            (None, _) => DEFAULT_EXCEPTION,
        }
    }
}

/// How record values are deserialized.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ValueFormat {
    /// `StringDeserializer`: never fails.
    #[default]
    String,
    /// `JsonDeserializer`: the value must be JSON, and a `__TypeId__` header's class must be in
    /// a trusted package (J3).
    Json {
        /// `spring.json.trusted.packages`; Spring's default is `java.util, java.lang`; `*`
        /// trusts all.
        trusted_packages: Vec<String>,
    },
}

fn default_trusted_packages_str() -> &'static [&'static str] {
    &["java.util", "java.lang"]
}

fn default_trusted_packages() -> Vec<String> {
    default_trusted_packages_str()
        .iter()
        .map(|p| (*p).to_owned())
        .collect()
}

/// Spring's `PatternMatchUtils.simpleMatch`: `*` stands for any run of characters, and
/// everything else matches itself.
pub fn simple_match(pattern: &str, text: &str) -> bool {
    let Some((head, rest)) = pattern.split_once('*') else {
        return pattern == text;
    };
    let Some(mut text) = text.strip_prefix(head) else {
        return false;
    };
    let mut parts: Vec<&str> = rest.split('*').collect();
    let last = parts.pop().unwrap_or("");
    for part in parts {
        match text.find(part) {
            Some(at) => text = &text[at + part.len()..],
            None => return false,
        }
    }
    text.len() >= last.len() && text.ends_with(last)
}

/// The JSON type header `JsonSerializer` writes (J3).
pub const TYPE_ID_HEADER: &str = "__TypeId__";

impl ValueFormat {
    /// Every format's `"type"`, for messages.
    pub const TYPES: &'static [&'static str] = &["string", "json"];

    /// Reads a value format from parsed JSON (see [`crate::json_read`]).
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        Ok(match o.tag("type")? {
            "string" => ValueFormat::String,
            "json" => ValueFormat::Json {
                trusted_packages: o.or("trusted_packages", default_trusted_packages(), |f| {
                    f.strings()
                })?,
            },
            other => return Err(o.unknown_variant("type", other, Self::TYPES)),
        })
    }

    /// Deserializes `record`'s value, or returns the exception class and message Kafka's
    /// deserializer would throw.
    pub fn check(&self, record: &Record) -> Result<(), (String, String)> {
        let ValueFormat::Json { trusted_packages } = self else {
            return Ok(());
        };
        if let Some(header) = record.headers.iter().find(|h| h.key == TYPE_ID_HEADER) {
            let class = String::from_utf8_lossy(&header.value).into_owned();
            let package = class.rsplit_once('.').map_or("", |(p, _)| p);
            // Configured packages are added to java.util and java.lang, and "*" trusts all
            // (DefaultJackson2JavaTypeMapper.addTrustedPackages); each is a pattern
            // (PatternMatchUtils.simpleMatch).
            let mut trusted: Vec<&str> = default_trusted_packages_str().to_vec();
            for t in trusted_packages {
                if !trusted.contains(&t.as_str()) {
                    trusted.push(t);
                }
            }
            let all = trusted.contains(&"*");
            if !all && !trusted.iter().any(|t| simple_match(t, package)) {
                return Err((
                    "java.lang.IllegalArgumentException".into(),
                    format!(
                        "The class '{class}' is not in the trusted packages: [{}]. If you believe this class is safe to deserialize, please provide its name. If the serialization is only done by a trusted source, you can also enable trust all (*).",
                        trusted.join(", ")
                    ),
                ));
            }
        }
        match record.value.as_deref() {
            None => Ok(()),
            Some(text) => crate::json_parse::parse(text, crate::json_parse::Strictness::Record)
                .map(drop)
                .map_err(|e| {
                    (
                        "com.fasterxml.jackson.core.JsonParseException".into(),
                        format!("Unexpected content in the value: {e}"),
                    )
                }),
        }
    }
}

/// The error handler of a group's listener container.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ErrorHandlerConfig {
    /// The `DefaultErrorHandler`'s back-off; Spring's default is `FixedBackOff(0, 9)`: 10
    /// deliveries (E3, E7).
    pub back_off: BackOff,
    /// Recover with a `DeadLetterPublishingRecoverer` instead of the default, which only logs.
    pub dead_letter: bool,
    /// The spring-kafka line, which decides the dead-letter topic's name (D1).
    pub spring_kafka_version: SpringKafkaVersion,
    /// Extra exception classes not to retry (`addNotRetryableExceptions`).
    pub not_retryable: Vec<String>,
    /// Non-blocking retries (`@RetryableTopic`) instead of blocking ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_topic: Option<RetryTopicConfig>,
}

impl Default for ErrorHandlerConfig {
    fn default() -> Self {
        Self {
            back_off: BackOff::spring_kafka_default(),
            dead_letter: false,
            spring_kafka_version: SpringKafkaVersion::newest(),
            not_retryable: Vec::new(),
            retry_topic: None,
        }
    }
}

impl ErrorHandlerConfig {
    /// Reads an error handler from parsed JSON (see [`crate::json_read`]); settings left out
    /// keep Spring's defaults, as [`ErrorHandlerConfig::default`] has them.
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        let d = ErrorHandlerConfig::default();
        Ok(ErrorHandlerConfig {
            back_off: o.or("back_off", d.back_off, BackOff::read)?,
            dead_letter: o.or("dead_letter", d.dead_letter, Field::bool)?,
            spring_kafka_version: o.or(
                "spring_kafka_version",
                d.spring_kafka_version,
                SpringKafkaVersion::read,
            )?,
            not_retryable: o.or("not_retryable", d.not_retryable, |f| f.strings())?,
            retry_topic: o.maybe("retry_topic", RetryTopicConfig::read)?,
        })
    }
}

crate::json_read::deserialize_with_reader!(
    RecordMatch,
    FailureKind,
    FailureRule,
    ValueFormat,
    ErrorHandlerConfig,
    ListenerConfig
);

/// A group's listener.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ListenerConfig {
    /// Up to this many extra ms per record, drawn uniformly from the simulation's generator.
    pub processing_jitter_ms: u64,
    /// Failure rules, checked in order; the first that matches decides.
    pub failures: Vec<FailureRule>,
    /// The value deserializer.
    pub value_format: ValueFormat,
    /// Wrap the deserializer in Spring's `ErrorHandlingDeserializer` (J2).
    pub error_handling_deserializer: bool,
    /// The container's error handler.
    pub error_handler: ErrorHandlerConfig,
    /// Store the ids of processed records (key and value) and skip records seen before: an
    /// idempotent consumer, which turns redeliveries into no-ops.
    pub idempotent: bool,
    /// Commit each poll's positions before processing it: at-most-once delivery (a crash loses
    /// the batch instead of repeating it).
    pub commit_before_processing: bool,
}

impl ListenerConfig {
    /// Reads a listener from parsed JSON (see [`crate::json_read`]); settings left out keep
    /// their defaults.
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        let d = ListenerConfig::default();
        let flag = |name, default| o.or(name, default, Field::bool);
        Ok(ListenerConfig {
            processing_jitter_ms: o.or(
                "processing_jitter_ms",
                d.processing_jitter_ms,
                Field::u64,
            )?,
            failures: o.or("failures", d.failures, |f| f.list(FailureRule::read))?,
            value_format: o.or("value_format", d.value_format, ValueFormat::read)?,
            error_handling_deserializer: flag(
                "error_handling_deserializer",
                d.error_handling_deserializer,
            )?,
            error_handler: o.or("error_handler", d.error_handler, ErrorHandlerConfig::read)?,
            idempotent: flag("idempotent", d.idempotent)?,
            commit_before_processing: flag("commit_before_processing", d.commit_before_processing)?,
        })
    }

    /// Checks the rules and the error handler's settings.
    pub fn validate(&self) -> Result<(), String> {
        if self.failures.len() > MAX_FAILURE_RULES {
            return Err(format!(
                "a listener may have at most {MAX_FAILURE_RULES} failure rules"
            ));
        }
        if self.processing_jitter_ms > 3_600_000 {
            return Err(format!(
                "processing jitter must be at most 3600000 ms, got {}",
                self.processing_jitter_ms
            ));
        }
        for rule in &self.failures {
            if let FailureKind::Transient { failures } = rule.kind {
                if failures > 1_000 {
                    return Err(format!(
                        "a transient failure may fail at most 1000 deliveries, got {failures}"
                    ));
                }
            }
        }
        self.error_handler.back_off.validate()?;
        if let Some(retry) = &self.error_handler.retry_topic {
            retry.validate()?;
        }
        Ok(())
    }

    /// The first failure rule that matches `record`, if any.
    pub fn rule_for(&self, record: &Record) -> Option<&FailureRule> {
        self.failures
            .iter()
            .find(|rule| rule.matches.matches(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::Header;

    fn record(key: &str, value: &str, headers: Vec<Header>) -> Record {
        Record {
            offset: 0,
            key: Some(key.as_bytes().to_vec()),
            value: Some(value.into()),
            headers,
            timestamp_ms: 0,
            producer_id: None,
            sequence: None,
            transactional: false,
            control: None,
        }
    }

    #[test]
    fn rules_match_on_key_and_value() {
        let rule = RecordMatch {
            key_equals: Some("order-13".into()),
            value_contains: None,
        };
        assert!(rule.matches(&record("order-13", "{}", vec![])));
        assert!(!rule.matches(&record("order-14", "{}", vec![])));
        let rule = RecordMatch {
            key_equals: None,
            value_contains: Some("POISON".into()),
        };
        assert!(rule.matches(&record("k", r#"{"status":"POISON"}"#, vec![])));
        assert!(RecordMatch::default().matches(&record("k", "v", vec![])));
    }

    #[test]
    fn j3_untrusted_type_headers_and_invalid_json_fail_to_deserialize() {
        let json = ValueFormat::Json {
            trusted_packages: default_trusted_packages(),
        };
        assert!(json.check(&record("k", r#"{"a":1}"#, vec![])).is_ok());
        let (class, _) = json.check(&record("k", "not json", vec![])).unwrap_err();
        assert_eq!(class, "com.fasterxml.jackson.core.JsonParseException");
        let typed = vec![Header {
            key: TYPE_ID_HEADER.into(),
            value: b"com.example.OrderEvent".to_vec(),
        }];
        let (class, message) = json.check(&record("k", "{}", typed.clone())).unwrap_err();
        assert_eq!(class, "java.lang.IllegalArgumentException");
        assert!(message.starts_with("The class 'com.example.OrderEvent' is not in the trusted packages: [java.util, java.lang]"));
        let trusting = ValueFormat::Json {
            trusted_packages: vec!["com.example".into()],
        };
        assert!(trusting.check(&record("k", "{}", typed.clone())).is_ok());
        let all = ValueFormat::Json {
            trusted_packages: vec!["*".into()],
        };
        assert!(all.check(&record("k", "{}", typed)).is_ok());
        let typed = |class: &str| {
            vec![Header {
                key: TYPE_ID_HEADER.into(),
                value: class.as_bytes().to_vec(),
            }]
        };
        // Configured packages add to java.util and java.lang, and are patterns.
        let check = |packages: &[&str], class: &str| {
            let format = ValueFormat::Json {
                trusted_packages: packages.iter().map(|p| (*p).to_owned()).collect(),
            };
            format.check(&record("k", "{}", typed(class)))
        };
        assert!(check(&["com.example"], "java.util.HashMap").is_ok());
        assert!(check(&["com.example.*"], "com.example.sub.Order").is_ok());
        assert!(check(&["com.*.events"], "com.shop.events.Order").is_ok());
        assert!(check(&["com.example"], "com.example.sub.Order").is_err());
        let (_, message) = check(&["com.example.*"], "com.example.Order").unwrap_err();
        assert!(
            message.contains("trusted packages: [java.util, java.lang, com.example.*]."),
            "{message}"
        );
        assert!(ValueFormat::String
            .check(&record("k", "not json", vec![]))
            .is_ok());
    }

    #[test]
    fn simple_match_is_springs_pattern_match() {
        for (pattern, text, matches) in [
            ("com.example", "com.example", true),
            ("com.example", "com.example.sub", false),
            ("*", "", true),
            ("*", "anything", true),
            ("com.*", "com.a.b", true),
            ("*.events", "com.shop.events", true),
            ("*.events", "events", false),
            ("com.*.events", "com.shop.events", true),
            ("com.*.events", "com.events", false),
            ("a*b*c", "aXbYc", true),
            ("a*b*c", "acb", false),
            ("*ab*", "xxabyy", true),
        ] {
            assert_eq!(simple_match(pattern, text), matches, "{pattern} ~ {text}");
        }
    }

    #[test]
    fn e5_non_retryable_rules_throw_a_class_on_springs_fatal_list() {
        let rule = FailureRule {
            matches: RecordMatch::default(),
            kind: FailureKind::NonRetryable,
            exception: None,
            message: None,
        };
        assert!(!crate::dead_letter::is_retryable(
            rule.exception_class(),
            &[]
        ));
    }
}
