//! Simulated producers: where their keys and values come from, how fast they send, and how
//! they pick a partition (the [`crate::partitioner`] module, Kafka's `KafkaProducer.partition`).
//!
//! Each producer draws from its own random stream, forked from the simulation's seed when it
//! is added, so adding a producer does not change what the others send.

use serde::{Deserialize, Serialize};

use crate::partitioner::{PartitionerConfig, ProducerPartitioner};
use crate::rng::SimRng;

/// Most keys a key space may have.
pub const MAX_KEY_SPACE: u32 = 1_000_000;
/// Highest send rate a producer may have, records per second of virtual time.
pub const MAX_RATE_PER_SEC: f64 = 100_000.0;

/// Where a producer's keys come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum KeyStream {
    /// These keys in turn, over and over.
    Fixed {
        /// The keys, sent in this order.
        keys: Vec<String>,
    },
    /// `prefix` + a number below `count`, drawn with a Zipf-like skew: `skew = 0` is uniform,
    /// larger values make low numbers (hot keys) more frequent.
    KeySpace {
        /// Text before the number, e.g. `order-`.
        prefix: String,
        /// How many distinct keys.
        count: u32,
        /// Zipf exponent, 0–4.
        #[serde(default)]
        skew: f64,
    },
    /// Null keys: the sticky partitioner decides (P6).
    Null,
}

/// How a key is serialized before it is hashed (P10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeySerializer {
    /// `StringSerializer`: UTF-8 bytes.
    #[default]
    String,
    /// `IntegerSerializer`: 4 big-endian bytes of the key parsed as a 32-bit integer.
    Integer,
}

impl KeySerializer {
    /// Serializes `key` as Kafka's serializer would, or says why it cannot.
    pub fn serialize(self, key: &str) -> Result<Vec<u8>, String> {
        match self {
            KeySerializer::String => Ok(key.as_bytes().to_vec()),
            KeySerializer::Integer => key
                .trim()
                .parse::<i32>()
                .map(|n| n.to_be_bytes().to_vec())
                .map_err(|_| {
                    format!("IntegerSerializer cannot serialize key {key:?}: not a 32-bit integer")
                }),
        }
    }
}

/// A producer as a scenario describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProducerSpec {
    /// Display name and `client.id`, e.g. `order-service`.
    pub name: String,
    /// Topic it sends to.
    pub topic: String,
    /// Its keys.
    pub keys: KeyStream,
    /// Value template: `{key}`, `{seq}` and `{time}` are replaced per record.
    #[serde(default = "default_value_template")]
    pub value_template: String,
    /// Records per second of virtual time; 0 sends only when told to.
    #[serde(default)]
    pub rate_per_sec: f64,
    /// Key serializer.
    #[serde(default)]
    pub key_serializer: KeySerializer,
    /// Partitioner settings.
    #[serde(default)]
    pub partitioner: PartitionerConfig,
}

/// The seed document's order-placed event, as a template.
pub fn default_value_template() -> String {
    r#"{"orderId":"{key}","seq":{seq},"status":"PLACED"}"#.to_owned()
}

impl ProducerSpec {
    /// Checks names, rates and key streams against the playground's limits.
    pub fn validate(&self) -> Result<(), String> {
        let who = format!("producer {}", self.name);
        if self.name.is_empty() || self.name.len() > 64 {
            return Err(format!("{who}: name must be 1–64 characters"));
        }
        if !(0.0..=MAX_RATE_PER_SEC).contains(&self.rate_per_sec) || self.rate_per_sec.is_nan() {
            return Err(format!(
                "{who}: rate must be 0–{MAX_RATE_PER_SEC} records/s, got {}",
                self.rate_per_sec
            ));
        }
        if self.value_template.len() > 4096 {
            return Err(format!("{who}: value template must be at most 4096 bytes"));
        }
        match &self.keys {
            KeyStream::Fixed { keys } if keys.is_empty() || keys.len() > 10_000 => {
                Err(format!("{who}: fixed keys must list 1–10000 keys"))
            }
            KeyStream::Fixed { keys } if keys.iter().any(|k| k.len() > 256) => {
                Err(format!("{who}: keys must be at most 256 bytes"))
            }
            KeyStream::KeySpace {
                count,
                skew,
                prefix,
            } => {
                if !(1..=MAX_KEY_SPACE).contains(count) {
                    Err(format!(
                        "{who}: key space must have 1–{MAX_KEY_SPACE} keys, got {count}"
                    ))
                } else if !(0.0..=4.0).contains(skew) || skew.is_nan() {
                    Err(format!("{who}: skew must be 0–4, got {skew}"))
                } else if prefix.len() > 128 {
                    Err(format!("{who}: key prefix must be at most 128 bytes"))
                } else {
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    }
}

/// A live producer.
#[derive(Clone, Debug)]
pub struct Producer {
    /// Its description.
    pub spec: ProducerSpec,
    /// Records sent so far; also the `{seq}` of the next one.
    pub sent: u64,
    /// Sends that failed (e.g. a key the serializer refused).
    pub errors: u64,
    /// Whether it was removed (kept so that names stay unique and traces readable).
    pub removed: bool,
    pub(crate) partitioner: ProducerPartitioner,
    pub(crate) rng: SimRng,
    /// Cumulative Zipf weights for a skewed key space, built once.
    zipf: Option<Vec<f64>>,
    /// Invalidates scheduled sends when the rate changes or the producer is removed.
    pub(crate) epoch: u32,
    /// When the current rate took effect.
    pub(crate) rate_start_ms: u64,
    /// Records sent at the current rate.
    pub(crate) sent_at_rate: u64,
}

impl Producer {
    pub(crate) fn new(spec: ProducerSpec, rng: SimRng) -> Self {
        let zipf = match &spec.keys {
            KeyStream::KeySpace { count, skew, .. } if *skew > 0.0 => {
                let mut total = 0.0;
                let cumulative = (1..=*count)
                    .map(|rank| {
                        total += 1.0 / f64::from(rank).powf(*skew);
                        total
                    })
                    .collect();
                Some(cumulative)
            }
            _ => None,
        };
        let partitioner = ProducerPartitioner::new(spec.partitioner);
        Self {
            spec,
            sent: 0,
            errors: 0,
            removed: false,
            partitioner,
            rng,
            zipf,
            epoch: 0,
            rate_start_ms: 0,
            sent_at_rate: 0,
        }
    }

    /// Interval between two sends at the current rate, in ms.
    pub fn interval_ms(&self) -> Option<f64> {
        (self.spec.rate_per_sec > 0.0).then(|| 1000.0 / self.spec.rate_per_sec)
    }

    /// Virtual time the `k`-th send at the current rate is due (k ≥ 1), `None` when the
    /// producer only sends when told to.
    pub(crate) fn due_ms(&self, k: u64) -> Option<u64> {
        self.interval_ms()
            .map(|interval| self.rate_start_ms + (k as f64 * interval).round() as u64)
    }

    /// Draws the next key as text (`None` for a null key).
    pub(crate) fn next_key(&mut self) -> Option<String> {
        match &self.spec.keys {
            KeyStream::Fixed { keys } => {
                Some(keys[(self.sent % keys.len() as u64) as usize].clone())
            }
            KeyStream::KeySpace { prefix, count, .. } => {
                let index = match &self.zipf {
                    Some(cumulative) => {
                        let total = *cumulative.last().expect("count >= 1");
                        let x = self.rng.unit_f64() * total;
                        cumulative
                            .partition_point(|&c| c <= x)
                            .min(cumulative.len() - 1) as u32
                    }
                    None => self.rng.below(u64::from(*count)) as u32,
                };
                Some(format!("{prefix}{index}"))
            }
            KeyStream::Null => None,
        }
    }

    /// Fills in the value template for one record.
    pub(crate) fn render_value(&self, key: Option<&str>, now_ms: u64) -> String {
        self.spec
            .value_template
            .replace("{key}", key.unwrap_or("null"))
            .replace("{seq}", &self.sent.to_string())
            .replace("{time}", &now_ms.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(keys: KeyStream) -> ProducerSpec {
        ProducerSpec {
            name: "order-service".into(),
            topic: "order-events".into(),
            keys,
            value_template: default_value_template(),
            rate_per_sec: 10.0,
            key_serializer: KeySerializer::String,
            partitioner: PartitionerConfig::default(),
        }
    }

    #[test]
    fn p10_integer_serializer_writes_four_big_endian_bytes() {
        assert_eq!(
            KeySerializer::Integer.serialize("258").unwrap(),
            vec![0, 0, 1, 2]
        );
        assert_eq!(
            KeySerializer::Integer.serialize("-1").unwrap(),
            vec![0xff; 4]
        );
        assert!(KeySerializer::Integer
            .serialize("abc")
            .unwrap_err()
            .contains("IntegerSerializer"));
        assert_eq!(
            KeySerializer::String.serialize("é").unwrap(),
            vec![0xc3, 0xa9]
        );
    }

    #[test]
    fn fixed_keys_cycle_and_templates_fill_in() {
        let mut p = Producer::new(
            spec(KeyStream::Fixed {
                keys: vec!["a".into(), "b".into()],
            }),
            SimRng::new(1),
        );
        let mut keys = vec![];
        for _ in 0..3 {
            keys.push(p.next_key().unwrap());
            p.sent += 1;
        }
        assert_eq!(keys, ["a", "b", "a"]);
        assert_eq!(
            p.render_value(Some("a"), 5),
            r#"{"orderId":"a","seq":3,"status":"PLACED"}"#
        );
    }

    #[test]
    fn skewed_key_spaces_favour_low_numbers() {
        let keys = KeyStream::KeySpace {
            prefix: "k".into(),
            count: 100,
            skew: 1.2,
        };
        let mut p = Producer::new(spec(keys), SimRng::new(9));
        let hot = (0..2000).filter(|_| p.next_key().unwrap() == "k0").count();
        assert!(hot > 300, "k0 should be hot, drawn {hot} times in 2000");
        let uniform = KeyStream::KeySpace {
            prefix: "k".into(),
            count: 100,
            skew: 0.0,
        };
        let mut q = Producer::new(spec(uniform), SimRng::new(9));
        let cold = (0..2000).filter(|_| q.next_key().unwrap() == "k0").count();
        assert!(cold < 60, "uniform draws k0 about 20 times, drew {cold}");
    }

    #[test]
    fn validation_names_the_producer_and_the_limit() {
        let mut s = spec(KeyStream::Null);
        s.rate_per_sec = 1e9;
        assert!(s
            .validate()
            .unwrap_err()
            .starts_with("producer order-service: rate must be"));
    }
}
