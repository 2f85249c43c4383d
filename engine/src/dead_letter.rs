//! spring-kafka's `DeadLetterPublishingRecoverer` (DLPR): where a record that exhausted its
//! retries is published and which headers it carries (statements D1–D3), and
//! `ExceptionClassifier`'s default list of fatal exceptions (E5).
//!
//! Versions followed: spring-kafka 2.9.13, 3.0.17, 3.1.x, 3.2.x, 3.3.0–3.3.16, 4.0.x, 4.1.x and
//! main (4.x), as listed in [`SpringKafkaVersion`]. In 4.x the header code moved to
//! `DeadLetterRecordManager`; names, order and encodings did not change.
//!
//! Left out: custom destination resolvers, `HeaderNames` overrides, `headersFunction`, the
//! `whichHeaders` filter, `appendOriginalHeaders=false`, key/value deserialization-exception
//! headers (`kafka_dlt-key-exception-*`), the send itself (timeouts, `failIfSendResultIsError`)
//! and the class hierarchy of exceptions: classification compares fully qualified class names
//! exactly, where Spring also matches subclasses and walks the cause chain.

use serde::{Deserialize, Serialize};

/// A spring-kafka release line. Only the differences the playground models are keyed on it:
/// the DLT name (D1), the `@RetryableTopic` topic-reuse default (N2) and the default maximum
/// retry-topic delay (see `retry_topic`).
///
/// Which Spring Boot line brings which spring-kafka (D1, from `spring-boot-dependencies`):
/// Boot 3.2.x → 3.1.10 and Boot 3.3.x → 3.2.10 (both `.DLT`); Boot 3.4.x → 3.3.11,
/// Boot 3.5.x → 3.3.16 and Boot 4.0.x → 4.0.7 (all `-dlt`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum SpringKafkaVersion {
    /// spring-kafka 2.9.x (Spring Boot 3.0.x). `.DLT`.
    V2_9,
    /// spring-kafka 3.0.x (Spring Boot 3.1.x). `.DLT`.
    V3_0,
    /// spring-kafka 3.1.x (Spring Boot 3.2.x). `.DLT`.
    V3_1,
    /// spring-kafka 3.2.x (Spring Boot 3.3.x). `.DLT`; retry topics reuse one topic by default.
    V3_2,
    /// spring-kafka 3.3.x (Spring Boot 3.4.x and 3.5.x). First line with `-dlt`.
    V3_3,
    /// spring-kafka 4.0.x (Spring Boot 4.0.x). `-dlt`; back-off from Spring Framework 7.
    V4_0,
    /// spring-kafka 4.1.x and main. `-dlt`. The default.
    #[default]
    V4_1,
}

impl SpringKafkaVersion {
    /// Each value's name in the scenario format, as read and as written (the first of
    /// a value's names is the one written).
    pub(crate) const NAMES: &'static [(&'static str, Self)] = &[
        ("V2_9", SpringKafkaVersion::V2_9),
        ("V3_0", SpringKafkaVersion::V3_0),
        ("V3_1", SpringKafkaVersion::V3_1),
        ("V3_2", SpringKafkaVersion::V3_2),
        ("V3_3", SpringKafkaVersion::V3_3),
        ("V4_0", SpringKafkaVersion::V4_0),
        ("V4_1", SpringKafkaVersion::V4_1),
    ];

    /// Reads a release line by its variant name, `"V2_9"` to `"V4_1"` (see
    /// [`crate::json_read`]).
    pub fn read(f: &crate::json_read::Field) -> Result<Self, String> {
        f.one_of(Self::NAMES)
    }

    /// Every modelled line, oldest first.
    pub const ALL: [SpringKafkaVersion; 7] = [
        SpringKafkaVersion::V2_9,
        SpringKafkaVersion::V3_0,
        SpringKafkaVersion::V3_1,
        SpringKafkaVersion::V3_2,
        SpringKafkaVersion::V3_3,
        SpringKafkaVersion::V4_0,
        SpringKafkaVersion::V4_1,
    ];

    /// The newest modelled line, [`SpringKafkaVersion::V4_1`].
    pub fn newest() -> Self {
        SpringKafkaVersion::V4_1
    }

    /// The DLT suffix DLPR's default destination resolver appends (D1): `.DLT` up to 3.2.x,
    /// `-dlt` from 3.3.0 (commit 5529cbb85, GH-3291).
    pub fn dead_letter_suffix(self) -> &'static str {
        if self >= SpringKafkaVersion::V3_3 {
            "-dlt"
        } else {
            ".DLT"
        }
    }
}

crate::json_read::deserialize_with_reader!(SpringKafkaVersion);

/// D1: the topic DLPR's default destination resolver publishes to: `<t>.DLT` in spring-kafka
/// ≤ 3.2.x, `<t>-dlt` from 3.3.0.
pub fn dead_letter_topic_name(original: &str, version: SpringKafkaVersion) -> String {
    format!("{original}{}", version.dead_letter_suffix())
}

/// D2: the DLT partition: Some(original partition) if the DLT has it, else None (= let Kafka's partitioner choose)
///
/// This is the default resolver (`cr.partition()`) followed by the `verifyPartition=true` check
/// (default since at least 2.9.13), which logs a warning and publishes with no partition when
/// the DLT has fewer partitions than the original topic.
pub fn dead_letter_partition(original_partition: u32, dlt_partition_count: u32) -> Option<u32> {
    (original_partition < dlt_partition_count).then_some(original_partition)
}

/// `KafkaHeaders.DLT_EXCEPTION_FQCN`.
pub const HEADER_EXCEPTION_FQCN: &str = "kafka_dlt-exception-fqcn";
/// `KafkaHeaders.DLT_EXCEPTION_CAUSE_FQCN` (since 2.8).
pub const HEADER_EXCEPTION_CAUSE_FQCN: &str = "kafka_dlt-exception-cause-fqcn";
/// `KafkaHeaders.DLT_EXCEPTION_MESSAGE`.
pub const HEADER_EXCEPTION_MESSAGE: &str = "kafka_dlt-exception-message";
/// `KafkaHeaders.DLT_EXCEPTION_STACKTRACE`.
pub const HEADER_EXCEPTION_STACKTRACE: &str = "kafka_dlt-exception-stacktrace";
/// `KafkaHeaders.DLT_ORIGINAL_TOPIC`.
pub const HEADER_ORIGINAL_TOPIC: &str = "kafka_dlt-original-topic";
/// `KafkaHeaders.DLT_ORIGINAL_PARTITION`.
pub const HEADER_ORIGINAL_PARTITION: &str = "kafka_dlt-original-partition";
/// `KafkaHeaders.DLT_ORIGINAL_OFFSET`.
pub const HEADER_ORIGINAL_OFFSET: &str = "kafka_dlt-original-offset";
/// `KafkaHeaders.DLT_ORIGINAL_TIMESTAMP`.
pub const HEADER_ORIGINAL_TIMESTAMP: &str = "kafka_dlt-original-timestamp";
/// `KafkaHeaders.DLT_ORIGINAL_TIMESTAMP_TYPE`.
pub const HEADER_ORIGINAL_TIMESTAMP_TYPE: &str = "kafka_dlt-original-timestamp-type";
/// `KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP` (since 2.8).
pub const HEADER_ORIGINAL_CONSUMER_GROUP: &str = "kafka_dlt-original-consumer-group";

/// Kafka's `TimestampType` of the failed record, written as its `toString()` in
/// `kafka_dlt-original-timestamp-type`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimestampType {
    /// The producer's timestamp (`message.timestamp.type=CreateTime`, Kafka's default).
    #[default]
    CreateTime,
    /// The broker's append time (`message.timestamp.type=LogAppendTime`).
    LogAppendTime,
}

impl TimestampType {
    /// Kafka's `TimestampType.toString()`: `CreateTime` or `LogAppendTime`.
    pub fn as_str(self) -> &'static str {
        match self {
            TimestampType::CreateTime => "CreateTime",
            TimestampType::LogAppendTime => "LogAppendTime",
        }
    }
}

/// What DLPR knows about a failed record and its exception: the input of
/// [`dead_letter_headers`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedRecordInfo {
    /// The original topic.
    pub topic: String,
    /// The original partition.
    pub partition: u32,
    /// The original offset.
    pub offset: u64,
    /// The original record timestamp (not copied to the DLT record, only to a header).
    pub timestamp_ms: u64,
    /// The original timestamp type. Not in the brief's field list; added because Spring writes
    /// `kafka_dlt-original-timestamp-type` for every record.
    pub timestamp_type: TimestampType,
    /// The group id, present when the exception is a `ListenerExecutionFailedException`
    /// carrying one (since 2.8).
    pub consumer_group: Option<String>,
    /// The class of the exception handed to the recoverer, usually
    /// `org.springframework.kafka.listener.ListenerExecutionFailedException`.
    pub exception_fqcn: String,
    /// The cause class. Since 3.0.7 Spring always writes one: the root cause after unwrapping
    /// `ListenerExecutionFailedException`/`TimestampedException`, or the exception itself when
    /// it is not wrapped. 2.9.x writes the direct cause only when there is one.
    pub cause_fqcn: Option<String>,
    /// The header text; see [`dead_letter_exception_message`] for how Spring builds it.
    pub message: Option<String>,
    /// The exception's stack trace as `printStackTrace` prints it.
    pub stacktrace: String,
}

/// The `kafka_dlt-exception-message` text as spring-kafka 3.0.7+ builds it
/// (`buildMessage`): the exception's message and the root cause's message joined by `"; "`
/// when the exception is a wrapper. For an unwrapped exception (`exception_is_root_cause`) it
/// is the exception's own message. 2.9.x and 3.0.0–3.0.6 use the exception's message alone.
pub fn dead_letter_exception_message(
    exception_message: Option<&str>,
    root_cause_message: Option<&str>,
    exception_is_root_cause: bool,
) -> Option<String> {
    if exception_is_root_cause {
        return exception_message.map(str::to_owned);
    }
    match (exception_message, root_cause_message) {
        (Some(m), Some(c)) => Some(format!("{m}; {c}")),
        (Some(m), None) => Some(format!("{m}; ")),
        (None, Some(c)) => Some(c.to_owned()),
        (None, None) => None,
    }
}

/// D3: the headers DLPR adds, as (name, bytes) in Spring's order with Spring's encodings (4-byte BE int partition, 8-byte BE long offset and timestamp, UTF-8 strings)
///
/// Spring adds the exception headers first (`addExceptionInfoHeaders`: class, cause class,
/// message, stack trace) and then the original-record headers (`maybeAddOriginalHeaders`:
/// topic, partition, offset, timestamp, timestamp type, consumer group). They follow the
/// original record's own headers, which DLPR keeps (`appendOriginalHeaders=true`); with the
/// default `stripPreviousExceptionHeaders=true` older exception headers of the same names are
/// removed first, while older `kafka_dlt-original-*` headers stay and the new ones are added
/// after them.
pub fn dead_letter_headers(info: &FailedRecordInfo) -> Vec<(String, Vec<u8>)> {
    let mut headers: Vec<(String, Vec<u8>)> = Vec::with_capacity(10);
    let mut add = |name: &str, value: Vec<u8>| headers.push((name.to_owned(), value));
    add(
        HEADER_EXCEPTION_FQCN,
        info.exception_fqcn.as_bytes().to_vec(),
    );
    if let Some(cause) = &info.cause_fqcn {
        add(HEADER_EXCEPTION_CAUSE_FQCN, cause.as_bytes().to_vec());
    }
    if let Some(message) = &info.message {
        add(HEADER_EXCEPTION_MESSAGE, message.as_bytes().to_vec());
    }
    add(
        HEADER_EXCEPTION_STACKTRACE,
        info.stacktrace.as_bytes().to_vec(),
    );
    add(HEADER_ORIGINAL_TOPIC, info.topic.as_bytes().to_vec());
    // Java's `int` and `long`: the values are written as their signed two's-complement bits.
    add(
        HEADER_ORIGINAL_PARTITION,
        (info.partition as i32).to_be_bytes().to_vec(),
    );
    add(
        HEADER_ORIGINAL_OFFSET,
        (info.offset as i64).to_be_bytes().to_vec(),
    );
    add(
        HEADER_ORIGINAL_TIMESTAMP,
        (info.timestamp_ms as i64).to_be_bytes().to_vec(),
    );
    add(
        HEADER_ORIGINAL_TIMESTAMP_TYPE,
        info.timestamp_type.as_str().as_bytes().to_vec(),
    );
    if let Some(group) = &info.consumer_group {
        add(HEADER_ORIGINAL_CONSUMER_GROUP, group.as_bytes().to_vec());
    }
    headers
}

/// The record a dead-letter or retry copy was made from, as its `kafka_dlt-original-topic`,
/// `-partition` and `-offset` headers name it; `None` for a record that is no copy.
pub fn original_of(record: &crate::log::Record) -> Option<(String, u32, u64)> {
    let topic = record.last_header(HEADER_ORIGINAL_TOPIC)?;
    let partition = <[u8; 4]>::try_from(record.last_header(HEADER_ORIGINAL_PARTITION)?).ok()?;
    let offset = <[u8; 8]>::try_from(record.last_header(HEADER_ORIGINAL_OFFSET)?).ok()?;
    Some((
        String::from_utf8_lossy(topic).into_owned(),
        u32::from_be_bytes(partition),
        u64::from_be_bytes(offset),
    ))
}

/// `BigInteger.valueOf(n).toByteArray()`: the shortest big-endian two's complement bytes of
/// `n`, as Spring writes the retry topics' time headers.
pub fn big_integer_bytes(n: u64) -> Vec<u8> {
    let bytes = n.to_be_bytes();
    // Drop leading zero bytes while the next byte keeps the number positive.
    let skip = (0..7)
        .take_while(|&i| bytes[i] == 0 && bytes[i + 1] < 0x80)
        .count();
    let mut out = bytes[skip..].to_vec();
    if out[0] >= 0x80 {
        out.insert(0, 0);
    }
    out
}

/// The value of [`big_integer_bytes`] (`new BigInteger(bytes).longValue()` for a
/// non-negative number); `None` for bytes that are empty, negative or too long.
pub fn big_integer_value(bytes: &[u8]) -> Option<u64> {
    if bytes.is_empty() || bytes.len() > 9 || bytes[0] >= 0x80 {
        return None;
    }
    if bytes.len() == 9 && bytes[0] != 0 {
        return None;
    }
    Some(bytes.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b)))
}

/// A header's value as the page and `kplay` show it. The headers Spring writes as Java `int`
/// or `long` bytes (the dead-letter topic's original partition, offset and timestamp, the
/// retry topics' attempt and times) read as their number; other values as text when they are
/// UTF-8 without control characters, and as hex otherwise (a raw `int` would be invisible).
pub fn header_value_text(name: &str, value: &[u8]) -> String {
    use crate::error_handler::{
        RETRY_ATTEMPTS_HEADER, RETRY_BACKOFF_TIMESTAMP_HEADER, RETRY_ORIGINAL_TIMESTAMP_HEADER,
    };
    let ints = [HEADER_ORIGINAL_PARTITION, RETRY_ATTEMPTS_HEADER];
    let longs = [HEADER_ORIGINAL_OFFSET];
    let times = [HEADER_ORIGINAL_TIMESTAMP];
    if [
        RETRY_BACKOFF_TIMESTAMP_HEADER,
        RETRY_ORIGINAL_TIMESTAMP_HEADER,
    ]
    .contains(&name)
    {
        if let Some(ms) = big_integer_value(value) {
            return format!("{ms} ms (BigInteger)");
        }
    }
    if let Ok(bytes) = <[u8; 4]>::try_from(value) {
        if ints.contains(&name) {
            return format!("{} (int)", i32::from_be_bytes(bytes));
        }
    }
    if let Ok(bytes) = <[u8; 8]>::try_from(value) {
        let n = i64::from_be_bytes(bytes);
        if longs.contains(&name) {
            return format!("{n} (long)");
        }
        if times.contains(&name) {
            return format!("{n} ms (long)");
        }
    }
    match std::str::from_utf8(value) {
        Ok(text)
            if !text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) =>
        {
            text.to_owned()
        }
        _ => value.iter().map(|b| format!("{b:02x}")).collect(),
    }
}

/// E5: `ExceptionClassifier.defaultFatalExceptionsList()`, the same in 2.9.13, 3.0.17, 3.3.16,
/// 4.0.7 and main. A record failing with one of these is recovered on its first failure
/// (`FixedBackOff(0, 0)`): exactly one delivery.
pub const DEFAULT_FATAL_EXCEPTIONS: &[&str] = &[
    "org.springframework.kafka.support.serializer.DeserializationException",
    "org.springframework.messaging.converter.MessageConversionException",
    "org.springframework.kafka.support.converter.ConversionException",
    "org.springframework.messaging.handler.invocation.MethodArgumentResolutionException",
    "java.lang.NoSuchMethodException",
    "java.lang.ClassCastException",
];

/// E5: whether `DefaultErrorHandler` retries an exception with the given (root-cause) class:
/// false for the default fatal list and for `extra_not_retryable`
/// (`addNotRetryableExceptions`), true for everything else. Names are compared exactly;
/// Spring also matches subclasses, which the playground does not model.
pub fn is_retryable(exception_fqcn: &str, extra_not_retryable: &[String]) -> bool {
    !DEFAULT_FATAL_EXCEPTIONS.contains(&exception_fqcn)
        && !extra_not_retryable.iter().any(|e| e == exception_fqcn)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEFE: &str = "org.springframework.kafka.listener.ListenerExecutionFailedException";

    #[test]
    fn retry_times_are_written_as_java_big_integer_bytes() {
        // BigInteger.valueOf(n).toByteArray(), as Spring's own tests build these headers.
        for (n, bytes) in [
            (0u64, vec![0u8]),
            (127, vec![0x7f]),
            (128, vec![0x00, 0x80]),
            (5_000, vec![0x13, 0x88]),
            (1_700_000_000_000, vec![0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00]),
            (
                u64::MAX,
                vec![0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            ),
        ] {
            assert_eq!(big_integer_bytes(n), bytes, "{n}");
            assert_eq!(big_integer_value(&bytes), Some(n), "{n}");
        }
        assert_eq!(big_integer_value(&[]), None);
        assert_eq!(big_integer_value(&[0xff]), None, "negative");
    }

    #[test]
    fn header_values_show_java_numbers_as_numbers_and_binary_as_hex() {
        use crate::error_handler::{RETRY_ATTEMPTS_HEADER, RETRY_BACKOFF_TIMESTAMP_HEADER};
        let text = header_value_text;
        assert_eq!(
            text(HEADER_ORIGINAL_PARTITION, &2i32.to_be_bytes()),
            "2 (int)"
        );
        assert_eq!(
            text(HEADER_ORIGINAL_OFFSET, &123i64.to_be_bytes()),
            "123 (long)"
        );
        assert_eq!(
            text(HEADER_ORIGINAL_TIMESTAMP, &193_650i64.to_be_bytes()),
            "193650 ms (long)"
        );
        assert_eq!(text(RETRY_ATTEMPTS_HEADER, &3u32.to_be_bytes()), "3 (int)");
        assert_eq!(
            text(RETRY_BACKOFF_TIMESTAMP_HEADER, &big_integer_bytes(5_000)),
            "5000 ms (BigInteger)"
        );
        // A known name with the wrong width, and unknown binary, fall back to hex.
        assert_eq!(text(HEADER_ORIGINAL_PARTITION, &[0, 2]), "0002");
        assert_eq!(text("trace", &[0, 0, 0, 7]), "00000007");
        assert_eq!(text("trace", &[0xff, 0x41]), "ff41");
        assert_eq!(text("trace", "id-7\tok".as_bytes()), "id-7\tok");
        assert_eq!(text(HEADER_ORIGINAL_TOPIC, b"orders"), "orders");
    }

    #[test]
    fn d1_dot_dlt_up_to_3_2() {
        for v in [
            SpringKafkaVersion::V2_9,
            SpringKafkaVersion::V3_0,
            SpringKafkaVersion::V3_1,
            SpringKafkaVersion::V3_2,
        ] {
            assert_eq!(dead_letter_topic_name("orders", v), "orders.DLT", "{v:?}");
        }
    }

    #[test]
    fn d1_dash_dlt_from_3_3() {
        for v in [
            SpringKafkaVersion::V3_3,
            SpringKafkaVersion::V4_0,
            SpringKafkaVersion::V4_1,
        ] {
            assert_eq!(dead_letter_topic_name("orders", v), "orders-dlt", "{v:?}");
        }
    }

    #[test]
    fn d1_default_version_is_the_newest() {
        assert_eq!(SpringKafkaVersion::default(), SpringKafkaVersion::newest());
        assert_eq!(
            SpringKafkaVersion::ALL.last().copied(),
            Some(SpringKafkaVersion::newest())
        );
        assert!(SpringKafkaVersion::ALL.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(
            dead_letter_topic_name("t", SpringKafkaVersion::default()),
            "t-dlt"
        );
    }

    #[test]
    fn d2_same_partition_when_the_dlt_has_it() {
        assert_eq!(dead_letter_partition(0, 1), Some(0));
        assert_eq!(dead_letter_partition(2, 3), Some(2));
        assert_eq!(dead_letter_partition(5, 6), Some(5));
    }

    #[test]
    fn d2_no_partition_when_the_dlt_is_smaller() {
        assert_eq!(dead_letter_partition(3, 3), None);
        assert_eq!(dead_letter_partition(1, 1), None);
        assert_eq!(dead_letter_partition(0, 0), None);
    }

    fn sample() -> FailedRecordInfo {
        FailedRecordInfo {
            topic: "orders".into(),
            partition: 2,
            offset: 258,
            timestamp_ms: 1_700_000_000_123,
            timestamp_type: TimestampType::CreateTime,
            consumer_group: Some("billing".into()),
            exception_fqcn: LEFE.into(),
            cause_fqcn: Some("java.lang.IllegalStateException".into()),
            message: Some("Listener failed; boom".into()),
            stacktrace: "trace".into(),
        }
    }

    #[test]
    fn d3_headers_in_springs_order_and_encodings() {
        let headers = dead_letter_headers(&sample());
        let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "kafka_dlt-exception-fqcn",
                "kafka_dlt-exception-cause-fqcn",
                "kafka_dlt-exception-message",
                "kafka_dlt-exception-stacktrace",
                "kafka_dlt-original-topic",
                "kafka_dlt-original-partition",
                "kafka_dlt-original-offset",
                "kafka_dlt-original-timestamp",
                "kafka_dlt-original-timestamp-type",
                "kafka_dlt-original-consumer-group",
            ]
        );
        let value = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        assert_eq!(value(HEADER_EXCEPTION_FQCN), LEFE.as_bytes());
        assert_eq!(
            value(HEADER_EXCEPTION_CAUSE_FQCN),
            b"java.lang.IllegalStateException"
        );
        assert_eq!(value(HEADER_EXCEPTION_MESSAGE), b"Listener failed; boom");
        assert_eq!(value(HEADER_EXCEPTION_STACKTRACE), b"trace");
        assert_eq!(value(HEADER_ORIGINAL_TOPIC), b"orders");
        assert_eq!(value(HEADER_ORIGINAL_PARTITION), [0, 0, 0, 2]);
        assert_eq!(value(HEADER_ORIGINAL_OFFSET), [0, 0, 0, 0, 0, 0, 1, 2]);
        // 1_700_000_000_123 = 0x0000_018B_CFE5_687B
        assert_eq!(
            value(HEADER_ORIGINAL_TIMESTAMP),
            [0x00, 0x00, 0x01, 0x8B, 0xCF, 0xE5, 0x68, 0x7B]
        );
        assert_eq!(value(HEADER_ORIGINAL_TIMESTAMP_TYPE), b"CreateTime");
        assert_eq!(value(HEADER_ORIGINAL_CONSUMER_GROUP), b"billing");
    }

    #[test]
    fn d3_optional_headers_are_left_out() {
        let info = FailedRecordInfo {
            consumer_group: None,
            cause_fqcn: None,
            message: None,
            timestamp_type: TimestampType::LogAppendTime,
            ..sample()
        };
        let headers = dead_letter_headers(&info);
        let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                HEADER_EXCEPTION_FQCN,
                HEADER_EXCEPTION_STACKTRACE,
                HEADER_ORIGINAL_TOPIC,
                HEADER_ORIGINAL_PARTITION,
                HEADER_ORIGINAL_OFFSET,
                HEADER_ORIGINAL_TIMESTAMP,
                HEADER_ORIGINAL_TIMESTAMP_TYPE,
            ]
        );
        assert_eq!(headers[6].1, b"LogAppendTime");
    }

    #[test]
    fn d3_exception_message_joins_wrapper_and_root_cause() {
        assert_eq!(
            dead_letter_exception_message(Some("Listener failed"), Some("boom"), false),
            Some("Listener failed; boom".to_owned())
        );
        assert_eq!(
            dead_letter_exception_message(Some("Listener failed"), None, false),
            Some("Listener failed; ".to_owned())
        );
        assert_eq!(
            dead_letter_exception_message(None, Some("boom"), false),
            Some("boom".to_owned())
        );
        assert_eq!(
            dead_letter_exception_message(Some("boom"), Some("ignored"), true),
            Some("boom".to_owned())
        );
        assert_eq!(dead_letter_exception_message(None, None, true), None);
    }

    #[test]
    fn e5_default_fatal_exceptions_are_not_retryable() {
        assert_eq!(DEFAULT_FATAL_EXCEPTIONS.len(), 6);
        for fqcn in DEFAULT_FATAL_EXCEPTIONS {
            assert!(!is_retryable(fqcn, &[]), "{fqcn}");
        }
        assert!(!is_retryable(
            "org.springframework.kafka.support.serializer.DeserializationException",
            &[]
        ));
    }

    #[test]
    fn e5_everything_else_is_retryable_unless_added() {
        assert!(is_retryable("java.lang.IllegalStateException", &[]));
        assert!(is_retryable("java.lang.RuntimeException", &[]));
        let extra = vec!["com.example.PoisonPill".to_owned()];
        assert!(!is_retryable("com.example.PoisonPill", &extra));
        assert!(is_retryable("com.example.Other", &extra));
        assert!(!is_retryable("java.lang.ClassCastException", &extra));
    }
}
