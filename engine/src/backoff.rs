//! Spring's back-off policies: `org.springframework.util.backoff.FixedBackOff` and
//! `ExponentialBackOff` (Spring Framework), and spring-kafka's
//! `org.springframework.kafka.support.ExponentialBackOffWithMaxRetries`.
//!
//! These are the policies `DefaultErrorHandler` asks, after every failed delivery, how long to
//! sleep before the next one (statements E1–E4 in `spring_error_handling.md`). A policy that
//! hands out N intervals before `STOP` gives N + 1 deliveries (E2).
//!
//! Versions followed: Spring Framework 5.3.x, 6.0.x, 6.1.x, 6.2.x and 7.x (main); their
//! interval arithmetic is identical. `maxAttempts` on `ExponentialBackOff` exists since 6.1
//! (an `int` in 6.1/6.2, a `long` in 7.x); leaving it unset here (`None`) gives the behaviour
//! of every version. `ExponentialBackOffWithMaxRetries` follows spring-kafka 2.9.13 to 4.x,
//! which compute `maxElapsedTime` the same way.
//!
//! Left out:
//! * `jitter` (7.0+), which draws from `Math.random()` and so cannot be part of a
//!   deterministic simulation; the default jitter 0 is what is modelled.
//! * Java's wrap-around of `long` sums past `Long.MAX_VALUE`: sums saturate here instead.
//!   [`BackOff::validate`] keeps every value far below the point where this could matter.
//! * Negative intervals, which Java accepts but which mean nothing for a sleep.

use serde::Serialize;

use crate::json_read::{Field, Obj};

/// `FixedBackOff.DEFAULT_INTERVAL`: 5000 ms, used by `new FixedBackOff()`.
pub const FIXED_DEFAULT_INTERVAL_MS: u64 = 5_000;
/// `ExponentialBackOff.DEFAULT_INITIAL_INTERVAL`: 2000 ms.
pub const EXPONENTIAL_DEFAULT_INITIAL_INTERVAL_MS: u64 = 2_000;
/// `ExponentialBackOff.DEFAULT_MULTIPLIER`: 1.5.
pub const EXPONENTIAL_DEFAULT_MULTIPLIER: f64 = 1.5;
/// `ExponentialBackOff.DEFAULT_MAX_INTERVAL`: 30 000 ms. Intervals stop growing here, but the
/// back-off itself never stops unless a maximum elapsed time or attempt count is set (E4).
pub const EXPONENTIAL_DEFAULT_MAX_INTERVAL_MS: u64 = 30_000;
/// spring-kafka's `SeekUtils.DEFAULT_MAX_FAILURES`: 10 deliveries, so 9 back-offs (E3, E7).
pub const SPRING_KAFKA_DEFAULT_MAX_FAILURES: u64 = 10;

/// The largest interval, maximum interval or elapsed-time bound [`BackOff::validate`] accepts:
/// one day. Longer sleeps would only stall a simulation; `max.poll.interval.ms` (300 s by
/// default) evicts a consumer long before that.
pub const INTERVAL_MS_LIMIT: u64 = 86_400_000;
/// The largest attempt or retry count [`BackOff::validate`] accepts. Use `None` (unlimited) to
/// model Spring's `Long.MAX_VALUE` defaults.
pub const ATTEMPTS_LIMIT: u64 = 100_000;

crate::json_read::deserialize_with_reader!(BackOff);

/// Java's `Long.MAX_VALUE`, the saturation point of a `(long)` cast of a double.
const JAVA_LONG_MAX: u64 = i64::MAX as u64;

/// A back-off policy, as Spring configures one. Each delivery failure asks an execution
/// started from it for the next interval; `STOP` (here `None`) hands the record to the
/// recoverer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BackOff {
    /// `FixedBackOff(interval, maxAttempts)`: the same interval `max_attempts` times, then
    /// `STOP`.
    Fixed {
        /// The sleep between deliveries. Spring default 5000 ms.
        interval_ms: u64,
        /// How many intervals are handed out before `STOP`; `None` is Spring's
        /// `UNLIMITED_ATTEMPTS` (`Long.MAX_VALUE`), the default of `new FixedBackOff()`.
        max_attempts: Option<u64>,
    },
    /// `ExponentialBackOff`: intervals grow by `multiplier` up to `max_interval_ms`.
    Exponential {
        /// The first interval (capped by `max_interval_ms`). Spring default 2000 ms.
        initial_interval_ms: u64,
        /// The growth factor, at least 1, with at most three decimal places. Spring default 1.5.
        #[serde(serialize_with = "crate::decimal::serialize")]
        multiplier: f64,
        /// The cap on one interval. Spring default 30 000 ms.
        max_interval_ms: u64,
        /// `STOP` once the sum of the intervals handed out reaches this; `None` is Spring's
        /// default `Long.MAX_VALUE`, i.e. never.
        max_elapsed_time_ms: Option<u64>,
        /// `STOP` after this many intervals (Spring 6.1+); `None` is unlimited, the default.
        max_attempts: Option<u64>,
    },
    /// spring-kafka's `ExponentialBackOffWithMaxRetries(maxRetries)`: an `ExponentialBackOff`
    /// whose `maxElapsedTime` is the sum of its first `max_retries` intervals (E4). Note that
    /// the Java constructor starts from `ExponentialBackOff`'s defaults (2000 ms, ×1.5,
    /// 30 000 ms); here all values are explicit.
    ExponentialWithMaxRetries {
        /// The number of retries (deliveries after the first).
        max_retries: u32,
        /// The first interval (capped by `max_interval_ms`).
        initial_interval_ms: u64,
        /// The growth factor, at least 1, with at most three decimal places.
        #[serde(serialize_with = "crate::decimal::serialize")]
        multiplier: f64,
        /// The cap on one interval.
        max_interval_ms: u64,
    },
}

impl BackOff {
    /// Every back-off's `"type"`, for messages.
    pub const TYPES: &'static [&'static str] =
        &["fixed", "exponential", "exponential_with_max_retries"];

    /// Reads a back-off from parsed JSON (see [`crate::json_read`]). Every setting but the
    /// optional limits must be given.
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        let ms = |name| o.req(name)?.u64();
        let multiplier = || o.req("multiplier")?.decimal();
        Ok(match o.tag("type")? {
            "fixed" => BackOff::Fixed {
                interval_ms: ms("interval_ms")?,
                max_attempts: o.maybe("max_attempts", Field::u64)?,
            },
            "exponential" => BackOff::Exponential {
                initial_interval_ms: ms("initial_interval_ms")?,
                multiplier: multiplier()?,
                max_interval_ms: ms("max_interval_ms")?,
                max_elapsed_time_ms: o.maybe("max_elapsed_time_ms", Field::u64)?,
                max_attempts: o.maybe("max_attempts", Field::u64)?,
            },
            "exponential_with_max_retries" => BackOff::ExponentialWithMaxRetries {
                max_retries: o.req("max_retries")?.u32()?,
                initial_interval_ms: ms("initial_interval_ms")?,
                multiplier: multiplier()?,
                max_interval_ms: ms("max_interval_ms")?,
            },
            other => return Err(o.unknown_variant("type", other, Self::TYPES)),
        })
    }

    /// The back-off of `new DefaultErrorHandler()`: `FixedBackOff(0, 9)`
    /// (`SeekUtils.DEFAULT_BACK_OFF`), i.e. ten deliveries with no pause (E3, E7).
    pub fn spring_kafka_default() -> Self {
        BackOff::Fixed {
            interval_ms: 0,
            max_attempts: Some(SPRING_KAFKA_DEFAULT_MAX_FAILURES - 1),
        }
    }

    /// `new FixedBackOff()`: 5000 ms, forever (E3).
    pub fn fixed_default() -> Self {
        BackOff::Fixed {
            interval_ms: FIXED_DEFAULT_INTERVAL_MS,
            max_attempts: None,
        }
    }

    /// `FixedBackOff(interval, maxAttempts)`.
    pub fn fixed(interval_ms: u64, max_attempts: u64) -> Self {
        BackOff::Fixed {
            interval_ms,
            max_attempts: Some(max_attempts),
        }
    }

    /// `new ExponentialBackOff()`: 2000 ms, ×1.5, capped at 30 000 ms, never stopping.
    pub fn exponential_default() -> Self {
        Self::exponential(
            EXPONENTIAL_DEFAULT_INITIAL_INTERVAL_MS,
            EXPONENTIAL_DEFAULT_MULTIPLIER,
        )
    }

    /// `new ExponentialBackOff(initialInterval, multiplier)`, other settings at Spring's
    /// defaults (max interval 30 000 ms, no elapsed-time or attempt limit: it never stops, E4).
    pub fn exponential(initial_interval_ms: u64, multiplier: f64) -> Self {
        BackOff::Exponential {
            initial_interval_ms,
            multiplier,
            max_interval_ms: EXPONENTIAL_DEFAULT_MAX_INTERVAL_MS,
            max_elapsed_time_ms: None,
            max_attempts: None,
        }
    }

    /// Starts a new execution, as `BackOff.start()` does for each failing record (E1).
    pub fn start(&self) -> BackOffExecution {
        let state = match *self {
            BackOff::Fixed {
                interval_ms,
                max_attempts,
            } => State::Fixed {
                interval_ms,
                max_attempts: max_attempts.unwrap_or(u64::MAX),
                current_attempts: 0,
            },
            BackOff::Exponential {
                initial_interval_ms,
                multiplier,
                max_interval_ms,
                max_elapsed_time_ms,
                max_attempts,
            } => State::Exponential(ExponentialState::new(
                initial_interval_ms,
                multiplier,
                max_interval_ms,
                max_elapsed_time_ms.unwrap_or(u64::MAX),
                max_attempts.unwrap_or(u64::MAX),
            )),
            BackOff::ExponentialWithMaxRetries {
                max_retries,
                initial_interval_ms,
                multiplier,
                max_interval_ms,
            } => State::Exponential(ExponentialState::new(
                initial_interval_ms,
                multiplier,
                max_interval_ms,
                max_elapsed_for_retries(
                    max_retries,
                    initial_interval_ms,
                    multiplier,
                    max_interval_ms,
                ),
                u64::MAX,
            )),
        };
        BackOffExecution { state }
    }

    /// The intervals an execution hands out before `STOP`, at most `limit` of them.
    pub fn intervals(&self, limit: usize) -> Vec<u64> {
        let mut execution = self.start();
        let mut out = Vec::new();
        while out.len() < limit {
            match execution.next_back_off() {
                Some(interval) => out.push(interval),
                None => break,
            }
        }
        out
    }

    /// Checks the rules Spring enforces (a multiplier of at least 1, as
    /// `ExponentialBackOff.checkMultiplier` asserts) and the playground's size limits
    /// ([`INTERVAL_MS_LIMIT`], [`ATTEMPTS_LIMIT`]).
    pub fn validate(&self) -> Result<(), String> {
        match *self {
            BackOff::Fixed {
                interval_ms,
                max_attempts,
            } => {
                check_interval("interval_ms", interval_ms)?;
                check_attempts("max_attempts", max_attempts)
            }
            BackOff::Exponential {
                initial_interval_ms,
                multiplier,
                max_interval_ms,
                max_elapsed_time_ms,
                max_attempts,
            } => {
                check_interval("initial_interval_ms", initial_interval_ms)?;
                check_multiplier(multiplier)?;
                check_interval("max_interval_ms", max_interval_ms)?;
                if let Some(elapsed) = max_elapsed_time_ms {
                    check_interval("max_elapsed_time_ms", elapsed)?;
                }
                check_attempts("max_attempts", max_attempts)
            }
            BackOff::ExponentialWithMaxRetries {
                max_retries,
                initial_interval_ms,
                multiplier,
                max_interval_ms,
            } => {
                check_interval("initial_interval_ms", initial_interval_ms)?;
                check_multiplier(multiplier)?;
                check_interval("max_interval_ms", max_interval_ms)?;
                check_attempts("max_retries", Some(u64::from(max_retries)))
            }
        }
    }
}

fn check_interval(name: &str, value_ms: u64) -> Result<(), String> {
    if value_ms > INTERVAL_MS_LIMIT {
        return Err(format!(
            "{name} is {value_ms} ms; the playground allows at most {INTERVAL_MS_LIMIT} ms (one day)"
        ));
    }
    Ok(())
}

fn check_attempts(name: &str, value: Option<u64>) -> Result<(), String> {
    match value {
        Some(n) if n > ATTEMPTS_LIMIT => Err(format!(
            "{name} is {n}; the playground allows at most {ATTEMPTS_LIMIT} (leave it unset for unlimited)"
        )),
        _ => Ok(()),
    }
}

fn check_multiplier(multiplier: f64) -> Result<(), String> {
    // NaN is not finite, so it is rejected here as Java's `multiplier >= 1` assertion does.
    if !multiplier.is_finite() || multiplier < 1.0 {
        return Err(format!(
            "multiplier is {}; Spring requires a multiplier of at least 1 \
             (1 gives a fixed interval)",
            crate::decimal::text(multiplier)
        ));
    }
    crate::decimal::check("multiplier", multiplier)
}

/// `(long) (current * multiplier)`: Java truncates toward zero and saturates at
/// `Long.MAX_VALUE`.
fn java_multiply(current: u64, multiplier: f64) -> u64 {
    ((current as f64 * multiplier) as u64).min(JAVA_LONG_MAX)
}

/// `ExponentialBackOffWithMaxRetries.calculateMaxElapsed`: the first interval capped by the
/// max interval, plus `max_retries - 1` further intervals. For `max_retries` 0 the loop does
/// not run, so the bound is still one interval and Spring hands out one retry; with a first
/// interval of 0 the bound is 0 and Spring stops at once. Both quirks are reproduced.
fn max_elapsed_for_retries(
    max_retries: u32,
    initial_interval_ms: u64,
    multiplier: f64,
    max_interval_ms: u64,
) -> u64 {
    let mut current = initial_interval_ms.min(max_interval_ms);
    let mut max_elapsed = current;
    for _ in 1..max_retries {
        current = java_multiply(current, multiplier).min(max_interval_ms);
        max_elapsed = max_elapsed.saturating_add(current);
    }
    max_elapsed
}

/// One running back-off: Spring's `BackOffExecution`, started by [`BackOff::start`] for each
/// failing record.
#[derive(Clone, Debug, PartialEq)]
pub struct BackOffExecution {
    state: State,
}

#[derive(Clone, Debug, PartialEq)]
enum State {
    Fixed {
        interval_ms: u64,
        max_attempts: u64,
        current_attempts: u64,
    },
    Exponential(ExponentialState),
}

#[derive(Clone, Debug, PartialEq)]
struct ExponentialState {
    initial_interval_ms: u64,
    multiplier: f64,
    max_interval_ms: u64,
    max_elapsed_time_ms: u64,
    max_attempts: u64,
    /// `currentInterval`; Java's `-1` ("not started") is `None`.
    current_interval_ms: Option<u64>,
    current_elapsed_time_ms: u64,
    attempts: u64,
}

impl ExponentialState {
    fn new(
        initial_interval_ms: u64,
        multiplier: f64,
        max_interval_ms: u64,
        max_elapsed_time_ms: u64,
        max_attempts: u64,
    ) -> Self {
        ExponentialState {
            initial_interval_ms,
            multiplier,
            max_interval_ms,
            max_elapsed_time_ms,
            max_attempts,
            current_interval_ms: None,
            current_elapsed_time_ms: 0,
            attempts: 0,
        }
    }

    fn next_back_off(&mut self) -> Option<u64> {
        // The stop test looks at the time already spent, before the next interval is added,
        // so the interval that crosses the bound is still handed out (E4).
        if self.current_elapsed_time_ms >= self.max_elapsed_time_ms
            || self.attempts >= self.max_attempts
        {
            return None;
        }
        let next = match self.current_interval_ms {
            None => self.initial_interval_ms.min(self.max_interval_ms),
            Some(current) if current >= self.max_interval_ms => self.max_interval_ms,
            Some(current) => java_multiply(current, self.multiplier).min(self.max_interval_ms),
        };
        self.current_interval_ms = Some(next);
        self.current_elapsed_time_ms = self.current_elapsed_time_ms.saturating_add(next);
        self.attempts += 1;
        Some(next)
    }
}

impl BackOffExecution {
    /// The next interval in ms, or `None` for Spring's `BackOffExecution.STOP` (-1): no more
    /// retries, call the recoverer.
    pub fn next_back_off(&mut self) -> Option<u64> {
        match &mut self.state {
            State::Fixed {
                interval_ms,
                max_attempts,
                current_attempts,
            } => {
                // `FixedBackOffExecution`: `currentAttempts++` then `<= maxAttempts`.
                *current_attempts = current_attempts.saturating_add(1);
                (*current_attempts <= *max_attempts).then_some(*interval_ms)
            }
            State::Exponential(state) => state.next_back_off(),
        }
    }
}

/// The delivery timeline E3 uses: delivery #1 at t=0, zero processing time; returns (delivery times ms, recoverer time ms or None when it never stops within `limit` deliveries)
///
/// Every delivery fails. After each failure the execution is asked for the next interval: an
/// interval schedules the next delivery that much later, `STOP` calls the recoverer at once.
/// When `limit` deliveries have been made, the execution is asked once more so that a policy
/// that stops exactly there still reports its recoverer time.
pub fn delivery_timeline(backoff: &BackOff, limit: usize) -> (Vec<u64>, Option<u64>) {
    let mut times = Vec::new();
    if limit == 0 {
        return (times, None);
    }
    let mut execution = backoff.start();
    let mut now_ms = 0u64;
    times.push(now_ms);
    loop {
        match execution.next_back_off() {
            None => return (times, Some(now_ms)),
            Some(_) if times.len() >= limit => return (times, None),
            Some(interval) => {
                now_ms = now_ms.saturating_add(interval);
                times.push(now_ms);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1_000;

    fn seconds(values: &[u64]) -> Vec<u64> {
        values.iter().map(|v| v * S).collect()
    }

    #[test]
    fn e3_fixed_1000_3_gives_four_deliveries_at_0_1_2_3_s() {
        let b = BackOff::fixed(1000, 3);
        assert_eq!(b.intervals(100), vec![1000, 1000, 1000]);
        let mut execution = b.start();
        for _ in 0..3 {
            assert_eq!(execution.next_back_off(), Some(1000));
        }
        assert_eq!(execution.next_back_off(), None);
        assert_eq!(
            delivery_timeline(&b, 100),
            (seconds(&[0, 1, 2, 3]), Some(3 * S))
        );
    }

    #[test]
    fn e3_default_error_handler_is_fixed_0_9_ten_deliveries() {
        let b = BackOff::spring_kafka_default();
        assert_eq!(b, BackOff::fixed(0, 9));
        assert_eq!(b.intervals(100), vec![0; 9]);
        assert_eq!(delivery_timeline(&b, 100), (vec![0; 10], Some(0)));
    }

    #[test]
    fn e3_fixed_0_0_for_fatal_exceptions_gives_one_delivery() {
        let b = BackOff::fixed(0, 0);
        assert_eq!(b.intervals(100), Vec::<u64>::new());
        assert_eq!(delivery_timeline(&b, 100), (vec![0], Some(0)));
    }

    #[test]
    fn e3_fixed_2000_5_gives_six_deliveries_recovered_at_10_s() {
        let b = BackOff::fixed(2000, 5);
        assert_eq!(b.intervals(100), vec![2000; 5]);
        assert_eq!(
            delivery_timeline(&b, 100),
            (seconds(&[0, 2, 4, 6, 8, 10]), Some(10 * S))
        );
    }

    #[test]
    fn e3_new_fixed_backoff_is_5_s_forever() {
        let b = BackOff::fixed_default();
        assert_eq!(b.intervals(1000), vec![5000; 1000]);
        assert_eq!(
            delivery_timeline(&b, 5),
            (seconds(&[0, 5, 10, 15, 20]), None)
        );
    }

    #[test]
    fn e4_exponential_1000_x2_never_stops_and_caps_at_30_s() {
        let b = BackOff::exponential(1000, 2.0);
        assert_eq!(
            b.intervals(8),
            vec![1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]
        );
        assert!(b.intervals(10_000).iter().skip(5).all(|&i| i == 30_000));
        assert_eq!(b.intervals(10_000).len(), 10_000);
        assert_eq!(
            delivery_timeline(&b, 8),
            (seconds(&[0, 1, 3, 7, 15, 31, 61, 91]), None)
        );
    }

    #[test]
    fn e3_new_exponential_backoff_defaults_sequence() {
        let b = BackOff::exponential_default();
        assert_eq!(
            b.intervals(10),
            vec![2000, 3000, 4500, 6750, 10125, 15187, 22780, 30000, 30000, 30000]
        );
        assert_eq!(delivery_timeline(&b, 50).1, None);
    }

    #[test]
    fn e3_exponential_max_elapsed_10000_gives_five_deliveries_recovered_at_15_s() {
        let b = BackOff::Exponential {
            initial_interval_ms: 1000,
            multiplier: 2.0,
            max_interval_ms: EXPONENTIAL_DEFAULT_MAX_INTERVAL_MS,
            max_elapsed_time_ms: Some(10_000),
            max_attempts: None,
        };
        assert_eq!(b.intervals(100), vec![1000, 2000, 4000, 8000]);
        assert_eq!(
            delivery_timeline(&b, 100),
            (seconds(&[0, 1, 3, 7, 15]), Some(15 * S))
        );
    }

    #[test]
    fn e3_exponential_max_interval_10000_max_elapsed_60000_gives_ten_deliveries() {
        let b = BackOff::Exponential {
            initial_interval_ms: 1000,
            multiplier: 2.0,
            max_interval_ms: 10_000,
            max_elapsed_time_ms: Some(60_000),
            max_attempts: None,
        };
        assert_eq!(
            b.intervals(100),
            vec![1000, 2000, 4000, 8000, 10000, 10000, 10000, 10000, 10000]
        );
        assert_eq!(
            delivery_timeline(&b, 100),
            (seconds(&[0, 1, 3, 7, 15, 25, 35, 45, 55, 65]), Some(65 * S))
        );
    }

    #[test]
    fn e3_exponential_with_max_retries_3() {
        let b = BackOff::ExponentialWithMaxRetries {
            max_retries: 3,
            initial_interval_ms: 1000,
            multiplier: 2.0,
            max_interval_ms: EXPONENTIAL_DEFAULT_MAX_INTERVAL_MS,
        };
        assert_eq!(max_elapsed_for_retries(3, 1000, 2.0, 30_000), 7000);
        assert_eq!(b.intervals(100), vec![1000, 2000, 4000]);
        assert_eq!(
            delivery_timeline(&b, 100),
            (seconds(&[0, 1, 3, 7]), Some(7 * S))
        );
    }

    #[test]
    fn e4_exponential_with_max_retries_counts_capped_intervals() {
        // 1000, 2000, 3000 (cap), 3000, 3000: five retries, bound 12 000 ms.
        let b = BackOff::ExponentialWithMaxRetries {
            max_retries: 5,
            initial_interval_ms: 1000,
            multiplier: 2.0,
            max_interval_ms: 3000,
        };
        assert_eq!(max_elapsed_for_retries(5, 1000, 2.0, 3000), 12_000);
        assert_eq!(b.intervals(100), vec![1000, 2000, 3000, 3000, 3000]);
    }

    #[test]
    fn e4_exponential_with_max_retries_keeps_springs_edge_cases() {
        // maxRetries 0 still allows one retry: the bound is the first interval.
        let zero = BackOff::ExponentialWithMaxRetries {
            max_retries: 0,
            initial_interval_ms: 1000,
            multiplier: 2.0,
            max_interval_ms: 30_000,
        };
        assert_eq!(zero.intervals(100), vec![1000]);
        // A first interval of 0 makes the bound 0: no retries at all.
        let no_interval = BackOff::ExponentialWithMaxRetries {
            max_retries: 3,
            initial_interval_ms: 0,
            multiplier: 2.0,
            max_interval_ms: 30_000,
        };
        assert_eq!(no_interval.intervals(100), Vec::<u64>::new());
    }

    #[test]
    fn e4_interval_recurrence_truncates() {
        // 10125 × 1.5 = 15187.5 → 15187; 15187 × 1.5 = 22780.5 → 22780.
        assert_eq!(java_multiply(10_125, 1.5), 15_187);
        assert_eq!(java_multiply(15_187, 1.5), 22_780);
        assert_eq!(java_multiply(u64::MAX / 2, 4.0), JAVA_LONG_MAX);
        let b = BackOff::exponential(3, 1.5);
        // 3, 4 (4.5), 6, 9, 13 (13.5), 19 (19.5)
        assert_eq!(b.intervals(6), vec![3, 4, 6, 9, 13, 19]);
    }

    #[test]
    fn e4_initial_interval_is_capped_by_max_interval() {
        // Spring's ExponentialBackOffTests.maxIntervalReachedImmediately.
        let b = BackOff::Exponential {
            initial_interval_ms: 1000,
            multiplier: 2.0,
            max_interval_ms: 50,
            max_elapsed_time_ms: None,
            max_attempts: None,
        };
        assert_eq!(b.intervals(3), vec![50, 50, 50]);
    }

    #[test]
    fn e4_stop_is_checked_before_adding_the_next_interval() {
        // Spring's ExponentialBackOffTests.maxAttemptsReached: 2000 + 4000 reaches 4000.
        let b = BackOff::Exponential {
            initial_interval_ms: 2000,
            multiplier: 2.0,
            max_interval_ms: 30_000,
            max_elapsed_time_ms: Some(4000),
            max_attempts: None,
        };
        assert_eq!(b.intervals(100), vec![2000, 4000]);
        // Multiplier 1 with bound 300: exactly three intervals of 100.
        let fixed = BackOff::Exponential {
            initial_interval_ms: 100,
            multiplier: 1.0,
            max_interval_ms: 30_000,
            max_elapsed_time_ms: Some(300),
            max_attempts: None,
        };
        assert_eq!(fixed.intervals(100), vec![100, 100, 100]);
    }

    #[test]
    fn e4_max_attempts_stops_exponential() {
        // Spring's ExponentialBackOffTests.maxAttempts (6.1+).
        let b = BackOff::Exponential {
            initial_interval_ms: 1000,
            multiplier: 2.0,
            max_interval_ms: 10_000,
            max_elapsed_time_ms: None,
            max_attempts: Some(6),
        };
        assert_eq!(b.intervals(100), vec![1000, 2000, 4000, 8000, 10000, 10000]);
        assert_eq!(delivery_timeline(&b, 100).0.len(), 7);
    }

    #[test]
    fn e1_each_start_is_a_fresh_execution() {
        let b = BackOff::fixed(10, 1);
        let mut first = b.start();
        assert_eq!(first.next_back_off(), Some(10));
        assert_eq!(first.next_back_off(), None);
        let mut second = b.start();
        assert_eq!(second.next_back_off(), Some(10));
    }

    #[test]
    fn e3_timeline_reports_a_stop_found_exactly_at_the_limit() {
        let b = BackOff::fixed(1000, 3);
        assert_eq!(
            delivery_timeline(&b, 4),
            (seconds(&[0, 1, 2, 3]), Some(3 * S))
        );
        assert_eq!(delivery_timeline(&b, 3), (seconds(&[0, 1, 2]), None));
        assert_eq!(delivery_timeline(&b, 0), (vec![], None));
    }

    #[test]
    fn e4_validate_rejects_small_multipliers_and_huge_values() {
        assert!(BackOff::exponential(1000, 0.9).validate().is_err());
        assert!(BackOff::exponential(1000, f64::NAN).validate().is_err());
        assert!(BackOff::exponential(1000, f64::INFINITY)
            .validate()
            .is_err());
        assert!(BackOff::exponential(1000, 1.0).validate().is_ok());
        assert!(BackOff::fixed(INTERVAL_MS_LIMIT + 1, 1).validate().is_err());
        assert!(BackOff::fixed(0, ATTEMPTS_LIMIT + 1).validate().is_err());
        assert!(BackOff::fixed_default().validate().is_ok());
        assert!(BackOff::spring_kafka_default().validate().is_ok());
        let retries = BackOff::ExponentialWithMaxRetries {
            max_retries: 3,
            initial_interval_ms: 1000,
            multiplier: 0.5,
            max_interval_ms: 30_000,
        };
        let message = retries.validate().unwrap_err();
        assert!(message.contains("at least 1"), "{message}");
    }

    #[test]
    fn serde_shape_is_tagged_snake_case() {
        let json = serde_json::to_string(&BackOff::fixed(1000, 3)).unwrap();
        assert_eq!(
            json,
            r#"{"type":"fixed","interval_ms":1000,"max_attempts":3}"#
        );
        let b = BackOff::ExponentialWithMaxRetries {
            max_retries: 3,
            initial_interval_ms: 1000,
            multiplier: 2.0,
            max_interval_ms: 30_000,
        };
        let json = serde_json::to_string(&b).unwrap();
        assert!(json.starts_with(r#"{"type":"exponential_with_max_retries""#));
        assert_eq!(serde_json::from_str::<BackOff>(&json).unwrap(), b);
    }
}
