//! spring-kafka's non-blocking retries (`@RetryableTopic`): the back-off values
//! `retrytopic.BackOffValuesGenerator` produces and the retry and DLT topic names
//! `retrytopic.DestinationTopicPropertiesFactory` derives from them (statements N1–N3).
//!
//! Versions followed: spring-kafka 2.9.13 to main (4.x), keyed by [`SpringKafkaVersion`].
//! Naming follows `getTopicSuffix`/`reusableTopicAttempts` on main; 2.9.x and 3.0–3.1 are
//! structured differently but give the same names for the `MULTIPLE_TOPICS` strategy they
//! default to. Back-off values follow the annotation processors: spring-retry's
//! `ExponentialBackOffPolicy`/`FixedBackOffPolicy` up to 3.3.x (default maximum delay 30 s,
//! delays below 1 ms raised to 1 ms) and Spring Framework's `FixedBackOff`/`ExponentialBackOff`
//! via `RetryPolicy` from 4.0 (no maximum delay by default). The two exponential recurrences
//! give the same values, so both are computed with [`BackOff::Exponential`].
//!
//! Left out: random back-offs (`@Backoff(random=true)`, spring-retry's uniform random policy
//! for `maxDelay > delay` without a multiplier, 4.x `jitter`), 2.9's
//! `FixedDelayStrategy.SINGLE_TOPIC`, exception-based DLT routing, `DltStrategy.NO_DLT`,
//! `timeout`, and the topics' partition counts (N1: auto-created with 1 partition).

use serde::Serialize;

use crate::backoff::{BackOff, EXPONENTIAL_DEFAULT_MAX_INTERVAL_MS, INTERVAL_MS_LIMIT};
use crate::dead_letter::SpringKafkaVersion;
use crate::json_read::{Field, Obj};

/// `RetryTopicConstants.DEFAULT_MAX_ATTEMPTS`: 3, counting the first delivery (N1).
pub const DEFAULT_ATTEMPTS: u32 = 3;
/// `@BackOff`/`@Backoff` default delay: 1000 ms (N1).
pub const DEFAULT_DELAY_MS: u64 = 1_000;
/// `RetryTopicConstants.DEFAULT_RETRY_SUFFIX` (N1).
pub const DEFAULT_RETRY_SUFFIX: &str = "-retry";
/// `RetryTopicConstants.DEFAULT_DLT_SUFFIX` (N1). Unlike plain DLPR (D1) this has been
/// `-dlt` in every version.
pub const DEFAULT_DLT_SUFFIX: &str = "-dlt";
/// The largest `attempts` [`RetryTopicConfig::validate`] accepts: each retry is a topic or a
/// pass through one, so this bounds the topics a simulation shows.
pub const ATTEMPTS_LIMIT: u32 = 100;

/// Java's `Long.MAX_VALUE`: `RetryPolicy.Builder.DEFAULT_MAX_DELAY` in 4.x.
const JAVA_LONG_MAX: u64 = i64::MAX as u64;

/// `SameIntervalTopicReuseStrategy`: whether retries with the same delay share one topic (N2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum SameIntervalTopicReuseStrategy {
    /// One topic serves every retry with the final, repeated delay. Default from 3.2.0.
    SingleTopic,
    /// One topic per retry. Default in 2.9.x (as `fixedDelayTopicStrategy`) and 3.0–3.1.
    MultipleTopics,
}

impl SameIntervalTopicReuseStrategy {
    /// Each value's name in the scenario format, as read and as written (the first of
    /// a value's names is the one written).
    pub(crate) const NAMES: &'static [(&'static str, Self)] = &[
        ("SingleTopic", SameIntervalTopicReuseStrategy::SingleTopic),
        (
            "MultipleTopics",
            SameIntervalTopicReuseStrategy::MultipleTopics,
        ),
    ];

    /// Reads `"SingleTopic"` or `"MultipleTopics"` (see [`crate::json_read`]).
    pub fn read(f: &Field) -> Result<Self, String> {
        f.one_of(Self::NAMES)
    }

    /// The annotation default of a spring-kafka line (N2): `MULTIPLE_TOPICS` before 3.2,
    /// `SINGLE_TOPIC` from 3.2.0 (the 4.x reference says 4.1; the code says 3.2).
    pub fn default_for(version: SpringKafkaVersion) -> Self {
        if version >= SpringKafkaVersion::V3_2 {
            SameIntervalTopicReuseStrategy::SingleTopic
        } else {
            SameIntervalTopicReuseStrategy::MultipleTopics
        }
    }
}

/// `TopicSuffixingStrategy`: what follows the retry suffix in a topic name (N1, N3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum TopicSuffixingStrategy {
    /// `SUFFIX_WITH_DELAY_VALUE`, the default: `-retry-<delay ms>` (index for fixed delays).
    #[default]
    SuffixWithDelayValue,
    /// `SUFFIX_WITH_INDEX_VALUE`: `-retry-<0-based index>`.
    SuffixWithIndexValue,
}

impl TopicSuffixingStrategy {
    /// Each value's name in the scenario format, as read and as written (the first of
    /// a value's names is the one written).
    pub(crate) const NAMES: &'static [(&'static str, Self)] = &[
        (
            "SuffixWithDelayValue",
            TopicSuffixingStrategy::SuffixWithDelayValue,
        ),
        (
            "SuffixWithIndexValue",
            TopicSuffixingStrategy::SuffixWithIndexValue,
        ),
    ];

    /// Reads `"SuffixWithDelayValue"` or `"SuffixWithIndexValue"` (see [`crate::json_read`]).
    pub fn read(f: &Field) -> Result<Self, String> {
        f.one_of(Self::NAMES)
    }
}

/// A `@RetryableTopic` configuration, with the annotation's defaults (N1).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RetryTopicConfig {
    /// `attempts`, counting the first delivery on the main topic. Default 3.
    pub attempts: u32,
    /// `backoff.delay`: the first (or every) delay. Default 1000 ms.
    pub delay_ms: u64,
    /// `backoff.multiplier`, with at most three decimal places; 0 (the annotation default)
    /// means "not set": a fixed delay.
    #[serde(serialize_with = "crate::decimal::serialize")]
    pub multiplier: f64,
    /// `backoff.maxDelay`; `None` is the annotation's 0, "not set". Up to 3.3.x an unset or
    /// too small (≤ delay) value means spring-retry's 30 000 ms; from 4.0 an unset value means
    /// no cap.
    pub max_delay_ms: Option<u64>,
    /// `sameIntervalTopicReuseStrategy`; default per version (N2).
    pub reuse_strategy: SameIntervalTopicReuseStrategy,
    /// `topicSuffixingStrategy`. Default `SUFFIX_WITH_DELAY_VALUE`.
    pub suffixing_strategy: TopicSuffixingStrategy,
    /// `retryTopicSuffix`. Default `-retry`; blank means the default, as in Spring.
    pub retry_suffix: String,
    /// `dltTopicSuffix`. Default `-dlt`; blank means the default, as in Spring.
    pub dlt_suffix: String,
    /// The spring-kafka line whose back-off defaults apply.
    pub version: SpringKafkaVersion,
}

crate::json_read::deserialize_with_reader!(
    SameIntervalTopicReuseStrategy,
    TopicSuffixingStrategy,
    RetryTopicConfig
);

impl Default for RetryTopicConfig {
    /// The defaults of the newest modelled spring-kafka line.
    fn default() -> Self {
        Self::for_version(SpringKafkaVersion::newest())
    }
}

impl RetryTopicConfig {
    /// Reads a `@RetryableTopic` configuration from parsed JSON (see [`crate::json_read`]).
    /// Every setting but `max_delay_ms` must be given.
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        let text = |name| o.req(name)?.string();
        Ok(RetryTopicConfig {
            attempts: o.req("attempts")?.u32()?,
            delay_ms: o.req("delay_ms")?.u64()?,
            multiplier: o.req("multiplier")?.decimal()?,
            max_delay_ms: o.maybe("max_delay_ms", Field::u64)?,
            reuse_strategy: SameIntervalTopicReuseStrategy::read(&o.req("reuse_strategy")?)?,
            suffixing_strategy: TopicSuffixingStrategy::read(&o.req("suffixing_strategy")?)?,
            retry_suffix: text("retry_suffix")?,
            dlt_suffix: text("dlt_suffix")?,
            version: SpringKafkaVersion::read(&o.req("version")?)?,
        })
    }

    /// The annotation defaults of a spring-kafka line: 3 attempts, fixed 1000 ms, the reuse
    /// strategy of that line (N2), suffixes `-retry` and `-dlt`.
    pub fn for_version(version: SpringKafkaVersion) -> Self {
        RetryTopicConfig {
            attempts: DEFAULT_ATTEMPTS,
            delay_ms: DEFAULT_DELAY_MS,
            multiplier: 0.0,
            max_delay_ms: None,
            reuse_strategy: SameIntervalTopicReuseStrategy::default_for(version),
            suffixing_strategy: TopicSuffixingStrategy::default(),
            retry_suffix: DEFAULT_RETRY_SUFFIX.to_owned(),
            dlt_suffix: DEFAULT_DLT_SUFFIX.to_owned(),
            version,
        }
    }

    fn is_exponential(&self) -> bool {
        self.multiplier > 0.0
    }

    /// The back-off the annotation processor of [`RetryTopicConfig::version`] builds.
    ///
    /// * Up to 3.3.x (spring-retry): a multiplier > 0 gives `ExponentialBackOffPolicy`
    ///   (initial interval at least 1, multiplier at least 1, max interval `max_delay_ms` when
    ///   it exceeds the delay, else 30 000); otherwise `FixedBackOffPolicy` (period at least 1).
    /// * From 4.0: no multiplier and no max delay give `FixedBackOff(delay)`; otherwise
    ///   `ExponentialBackOff(delay, multiplier or 1)` with max interval `max_delay_ms` or
    ///   `Long.MAX_VALUE`.
    ///
    /// The result is not bounded by [`BackOff::validate`]'s limits; only the first
    /// `attempts - 1` values are used.
    pub fn backoff(&self) -> BackOff {
        if self.version >= SpringKafkaVersion::V4_0 {
            if !self.is_exponential() && self.max_delay_ms.is_none() {
                return BackOff::Fixed {
                    interval_ms: self.delay_ms,
                    max_attempts: None,
                };
            }
            BackOff::Exponential {
                initial_interval_ms: self.delay_ms,
                multiplier: if self.is_exponential() {
                    self.multiplier
                } else {
                    1.0
                },
                max_interval_ms: self.max_delay_ms.unwrap_or(JAVA_LONG_MAX),
                max_elapsed_time_ms: None,
                max_attempts: None,
            }
        } else if self.is_exponential() {
            let max_interval_ms = match self.max_delay_ms {
                Some(max) if max > self.delay_ms => max,
                _ => EXPONENTIAL_DEFAULT_MAX_INTERVAL_MS,
            };
            BackOff::Exponential {
                initial_interval_ms: self.delay_ms.max(1),
                multiplier: self.multiplier.max(1.0),
                max_interval_ms,
                max_elapsed_time_ms: None,
                max_attempts: None,
            }
        } else {
            BackOff::Fixed {
                interval_ms: self.delay_ms.max(1),
                max_attempts: None,
            }
        }
    }

    /// `BackOffValuesGenerator.generateValues()`: the first `attempts - 1` intervals, one per
    /// retry.
    pub fn back_off_values(&self) -> Vec<u64> {
        let retries = self.attempts.saturating_sub(1) as usize;
        self.backoff().intervals(retries)
    }

    /// Checks what Spring rejects (attempts below 1; from 4.0 a multiplier between 0 and 1),
    /// what the playground does not model (spring-retry's random back-off for a max delay
    /// without a multiplier before 4.0) and the playground's limits ([`ATTEMPTS_LIMIT`],
    /// delays of at most [`INTERVAL_MS_LIMIT`]).
    pub fn validate(&self) -> Result<(), String> {
        if self.attempts == 0 || self.attempts > ATTEMPTS_LIMIT {
            return Err(format!(
                "attempts is {}; it counts the first delivery and must be between 1 and {ATTEMPTS_LIMIT}",
                self.attempts
            ));
        }
        if !self.multiplier.is_finite() || self.multiplier < 0.0 {
            return Err(format!(
                "multiplier is {}; use 0 for a fixed delay or a value of at least 1",
                crate::decimal::text(self.multiplier)
            ));
        }
        crate::decimal::check("multiplier", self.multiplier)?;
        if self.version >= SpringKafkaVersion::V4_0
            && self.is_exponential()
            && self.multiplier < 1.0
        {
            return Err(format!(
                "multiplier is {}; spring-kafka 4 requires at least 1 (or 0 for a fixed delay)",
                crate::decimal::text(self.multiplier)
            ));
        }
        if self.version < SpringKafkaVersion::V4_0
            && !self.is_exponential()
            && matches!(self.max_delay_ms, Some(max) if max > self.delay_ms)
        {
            return Err(
                "a max delay above the delay without a multiplier is spring-retry's random \
                 back-off, which the playground does not model; set a multiplier"
                    .to_owned(),
            );
        }
        if self.max_delay_ms == Some(0) {
            return Err("max_delay_ms must be positive; leave it unset for the default".to_owned());
        }
        if let Some(&too_long) = self
            .back_off_values()
            .iter()
            .find(|&&d| d > INTERVAL_MS_LIMIT)
        {
            return Err(format!(
                "a retry delay of {too_long} ms exceeds the playground's limit of \
                 {INTERVAL_MS_LIMIT} ms (one day); set max_delay_ms or fewer attempts"
            ));
        }
        Ok(())
    }
}

/// `DestinationTopicSuffixes`: a suffix without text falls back to the default.
fn suffix_or_default<'a>(suffix: &'a str, default: &'a str) -> &'a str {
    if suffix.trim().is_empty() {
        default
    } else {
        suffix
    }
}

/// N3: the retry topics and the DLT of a `@RetryableTopic` listener on `main`.
///
/// The first value has one entry per retry attempt, in order: the topic the record is
/// published to for that retry and the delay before it is consumed there. With
/// `SINGLE_TOPIC`, the retries that share the final, repeated delay share its topic, so that
/// topic appears once per retry. The second value is the DLT. Distinct topic names can be
/// taken from the entries in order of first appearance.
///
/// Rule (`DestinationTopicPropertiesFactory.getTopicSuffix`): with reuse and a single retry
/// topic, just the retry suffix; else for a fixed delay (all values equal, more than one) or
/// the index strategy, `-retry-<index>`; else `-retry-<delay>`, plus `-<n>` for a repeated
/// delay when topics are not reused.
pub fn retry_topic_names(main: &str, cfg: &RetryTopicConfig) -> (Vec<(String, u64)>, String) {
    let retry_suffix = suffix_or_default(&cfg.retry_suffix, DEFAULT_RETRY_SUFFIX);
    let dlt_suffix = suffix_or_default(&cfg.dlt_suffix, DEFAULT_DLT_SUFFIX);
    let dlt = format!("{main}{dlt_suffix}");

    let values = cfg.back_off_values();
    let reuse = cfg.reuse_strategy == SameIntervalTopicReuseStrategy::SingleTopic;
    let count_of = |v: u64| values.iter().filter(|&&x| x == v).count();
    let is_fixed_delay = cfg.suffixing_strategy == TopicSuffixingStrategy::SuffixWithIndexValue
        || (values.len() > 1 && values.iter().all(|&v| v == values[0]));
    // `reusableTopicAttempts`: Spring assumes the duplicates are at the end of the list, which
    // holds for every back-off it builds (a truncated product that repeats keeps repeating).
    let reusable_attempts = match values.last() {
        Some(&last) if reuse && values.len() > 1 => count_of(last) - 1,
        _ => 0,
    };
    let retry_topics_amount = values.len() - reusable_attempts;

    let topics: Vec<String> = (0..retry_topics_amount)
        .map(|index| {
            let delay = values[index];
            let suffix = if reuse && retry_topics_amount == 1 {
                retry_suffix.to_owned()
            } else if is_fixed_delay {
                format!("{retry_suffix}-{index}")
            } else if !reuse && count_of(delay) > 1 {
                let first = values.iter().position(|&v| v == delay).unwrap_or(index);
                format!("{retry_suffix}-{delay}-{}", index - first)
            } else {
                format!("{retry_suffix}-{delay}")
            };
            format!("{main}{suffix}")
        })
        .collect();

    let entries = values
        .iter()
        .enumerate()
        .map(|(attempt, &delay)| {
            let topic = &topics[attempt.min(retry_topics_amount - 1)];
            (topic.clone(), delay)
        })
        .collect();
    (entries, dlt)
}

#[cfg(test)]
mod tests {
    use super::*;
    use SameIntervalTopicReuseStrategy::{MultipleTopics, SingleTopic};

    fn names(entries: &[(String, u64)]) -> Vec<&str> {
        entries.iter().map(|(t, _)| t.as_str()).collect()
    }

    fn delays(entries: &[(String, u64)]) -> Vec<u64> {
        entries.iter().map(|&(_, d)| d).collect()
    }

    fn exponential(attempts: u32, multiplier: f64, max_delay_ms: Option<u64>) -> RetryTopicConfig {
        RetryTopicConfig {
            attempts,
            multiplier,
            max_delay_ms,
            ..RetryTopicConfig::default()
        }
    }

    #[test]
    fn n1_defaults() {
        let cfg = RetryTopicConfig::default();
        assert_eq!(cfg.attempts, 3);
        assert_eq!(cfg.delay_ms, 1000);
        assert_eq!(cfg.retry_suffix, "-retry");
        assert_eq!(cfg.dlt_suffix, "-dlt");
        assert_eq!(
            cfg.suffixing_strategy,
            TopicSuffixingStrategy::SuffixWithDelayValue
        );
        assert_eq!(cfg.version, SpringKafkaVersion::newest());
        assert_eq!(cfg.back_off_values(), vec![1000, 1000]);
        assert!(cfg.validate().is_ok());
    }

    #[test]
    fn n2_single_topic_is_the_default_from_3_2() {
        use SpringKafkaVersion::*;
        for v in [V2_9, V3_0, V3_1] {
            assert_eq!(
                RetryTopicConfig::for_version(v).reuse_strategy,
                MultipleTopics
            );
        }
        for v in [V3_2, V3_3, V4_0, V4_1] {
            assert_eq!(RetryTopicConfig::for_version(v).reuse_strategy, SingleTopic);
        }
    }

    #[test]
    fn n3_defaults_from_3_2_use_one_retry_topic_twice() {
        for v in [SpringKafkaVersion::V3_2, SpringKafkaVersion::V4_1] {
            let (entries, dlt) = retry_topic_names("orders", &RetryTopicConfig::for_version(v));
            assert_eq!(names(&entries), ["orders-retry", "orders-retry"]);
            assert_eq!(delays(&entries), [1000, 1000]);
            assert_eq!(dlt, "orders-dlt");
        }
    }

    #[test]
    fn n3_defaults_3_0_and_3_1_use_index_suffixed_topics() {
        for v in [SpringKafkaVersion::V3_0, SpringKafkaVersion::V3_1] {
            let (entries, dlt) = retry_topic_names("orders", &RetryTopicConfig::for_version(v));
            assert_eq!(names(&entries), ["orders-retry-0", "orders-retry-1"]);
            assert_eq!(delays(&entries), [1000, 1000]);
            assert_eq!(dlt, "orders-dlt");
        }
    }

    #[test]
    fn n3_attempts_4_multiplier_2_suffixes_delays() {
        let (entries, dlt) = retry_topic_names("orders", &exponential(4, 2.0, None));
        assert_eq!(
            names(&entries),
            [
                "orders-retry-1000",
                "orders-retry-2000",
                "orders-retry-4000"
            ]
        );
        assert_eq!(delays(&entries), [1000, 2000, 4000]);
        assert_eq!(dlt, "orders-dlt");
    }

    #[test]
    fn n3_max_delay_3000_single_topic_reuses_the_last_topic() {
        let cfg = RetryTopicConfig {
            reuse_strategy: SingleTopic,
            ..exponential(5, 2.0, Some(3000))
        };
        let (entries, dlt) = retry_topic_names("orders", &cfg);
        assert_eq!(
            names(&entries),
            [
                "orders-retry-1000",
                "orders-retry-2000",
                "orders-retry-3000",
                "orders-retry-3000"
            ]
        );
        assert_eq!(delays(&entries), [1000, 2000, 3000, 3000]);
        assert_eq!(dlt, "orders-dlt");
    }

    #[test]
    fn n3_max_delay_3000_multiple_topics_numbers_repeated_delays() {
        let cfg = RetryTopicConfig {
            reuse_strategy: MultipleTopics,
            ..exponential(5, 2.0, Some(3000))
        };
        let (entries, dlt) = retry_topic_names("orders", &cfg);
        assert_eq!(
            names(&entries),
            [
                "orders-retry-1000",
                "orders-retry-2000",
                "orders-retry-3000-0",
                "orders-retry-3000-1"
            ]
        );
        assert_eq!(delays(&entries), [1000, 2000, 3000, 3000]);
        assert_eq!(dlt, "orders-dlt");
    }

    #[test]
    fn n3_index_suffixing_strategy() {
        let cfg = RetryTopicConfig {
            suffixing_strategy: TopicSuffixingStrategy::SuffixWithIndexValue,
            ..exponential(4, 2.0, None)
        };
        let (entries, dlt) = retry_topic_names("orders", &cfg);
        assert_eq!(
            names(&entries),
            ["orders-retry-0", "orders-retry-1", "orders-retry-2"]
        );
        assert_eq!(delays(&entries), [1000, 2000, 4000]);
        assert_eq!(dlt, "orders-dlt");
    }

    #[test]
    fn n3_reference_example_max_delay_16000() {
        let (entries, _) = retry_topic_names("t", &exponential(6, 2.0, Some(16_000)));
        assert_eq!(
            names(&entries),
            [
                "t-retry-1000",
                "t-retry-2000",
                "t-retry-4000",
                "t-retry-8000",
                "t-retry-16000"
            ]
        );
    }

    #[test]
    fn n3_same_rows_hold_for_every_version() {
        for v in SpringKafkaVersion::ALL {
            let cfg = RetryTopicConfig {
                reuse_strategy: MultipleTopics,
                ..RetryTopicConfig {
                    version: v,
                    ..exponential(5, 2.0, Some(3000))
                }
            };
            let (entries, _) = retry_topic_names("o", &cfg);
            assert_eq!(
                names(&entries),
                [
                    "o-retry-1000",
                    "o-retry-2000",
                    "o-retry-3000-0",
                    "o-retry-3000-1"
                ],
                "{v:?}"
            );
        }
    }

    #[test]
    fn n3_single_retry_with_reuse_is_the_bare_suffix() {
        // One back-off value and SINGLE_TOPIC: `retryTopicsAmount == 1`, so no delay suffix.
        let (entries, _) = retry_topic_names("o", &exponential(2, 2.0, None));
        assert_eq!(names(&entries), ["o-retry"]);
        let multiple = RetryTopicConfig {
            reuse_strategy: MultipleTopics,
            ..exponential(2, 2.0, None)
        };
        assert_eq!(
            names(&retry_topic_names("o", &multiple).0),
            ["o-retry-1000"]
        );
    }

    #[test]
    fn n3_one_attempt_has_no_retry_topics() {
        let cfg = RetryTopicConfig {
            attempts: 1,
            ..RetryTopicConfig::default()
        };
        assert_eq!(retry_topic_names("o", &cfg), (vec![], "o-dlt".to_owned()));
    }

    #[test]
    fn n3_custom_and_blank_suffixes() {
        let cfg = RetryTopicConfig {
            retry_suffix: "_r".into(),
            dlt_suffix: "  ".into(),
            ..RetryTopicConfig::default()
        };
        let (entries, dlt) = retry_topic_names("o", &cfg);
        assert_eq!(names(&entries), ["o_r", "o_r"]);
        assert_eq!(dlt, "o-dlt");
    }

    #[test]
    fn n1_default_max_delay_is_30_s_up_to_3_3_and_unbounded_from_4_0() {
        let old = RetryTopicConfig {
            version: SpringKafkaVersion::V3_3,
            ..exponential(8, 2.0, None)
        };
        assert_eq!(
            old.back_off_values(),
            [1000, 2000, 4000, 8000, 16000, 30000, 30000]
        );
        let new = RetryTopicConfig {
            version: SpringKafkaVersion::V4_0,
            ..exponential(8, 2.0, None)
        };
        assert_eq!(
            new.back_off_values(),
            [1000, 2000, 4000, 8000, 16000, 32000, 64000]
        );
        // Up to 3.3 a max delay not above the delay falls back to 30 s.
        let small_max = RetryTopicConfig {
            version: SpringKafkaVersion::V3_1,
            delay_ms: 5000,
            ..exponential(4, 3.0, Some(5000))
        };
        assert_eq!(small_max.back_off_values(), [5000, 15000, 30000]);
    }

    /// spring-retry's `ExponentialBackOffContext.getSleepAndIncrement`, written out to check
    /// that computing 3.x values with Spring Framework's recurrence gives the same numbers.
    fn spring_retry_values(initial: u64, multiplier: f64, max: u64, n: usize) -> Vec<u64> {
        let mut interval = initial;
        (0..n)
            .map(|_| {
                if interval > max {
                    max
                } else {
                    let sleep = interval;
                    interval = (interval as f64 * multiplier) as u64;
                    sleep
                }
            })
            .collect()
    }

    #[test]
    fn n1_spring_retry_and_spring_framework_recurrences_agree() {
        for initial in [1u64, 3, 7, 100, 999, 1000, 2500] {
            for multiplier in [1.0, 1.1, 1.5, 1.9, 2.0, 2.5, 3.7] {
                for max in [1u64, 5, 1000, 3000, 16_000, 30_000] {
                    let cfg = RetryTopicConfig {
                        version: SpringKafkaVersion::V3_3,
                        delay_ms: initial,
                        ..exponential(21, multiplier, Some(max))
                    };
                    let effective_max = if max > initial { max } else { 30_000 };
                    assert_eq!(
                        cfg.back_off_values(),
                        spring_retry_values(initial, multiplier, effective_max, 20),
                        "{initial} {multiplier} {max}"
                    );
                }
            }
        }
    }

    #[test]
    fn n1_validate_limits() {
        let ok = RetryTopicConfig::default();
        assert!(ok.validate().is_ok());
        assert!(RetryTopicConfig {
            attempts: 0,
            ..ok.clone()
        }
        .validate()
        .is_err());
        assert!(RetryTopicConfig {
            attempts: ATTEMPTS_LIMIT + 1,
            ..ok.clone()
        }
        .validate()
        .is_err());
        assert!(exponential(3, 0.5, None).validate().is_err());
        assert!(exponential(3, f64::NAN, None).validate().is_err());
        let random = RetryTopicConfig {
            version: SpringKafkaVersion::V3_1,
            max_delay_ms: Some(5000),
            ..ok.clone()
        };
        assert!(random.validate().is_err());
        // 4.x with no cap: 1000 × 2^27 ms is far beyond a day.
        let message = exponential(30, 2.0, None).validate().unwrap_err();
        assert!(message.contains("max_delay_ms"), "{message}");
        assert!(exponential(30, 2.0, Some(60_000)).validate().is_ok());
    }
}
