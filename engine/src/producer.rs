//! Simulated producers: where their keys and values come from, how fast they send, and how
//! they pick a partition (the [`crate::partitioner`] module, Kafka's `KafkaProducer.partition`).
//!
//! Each producer draws from its own random stream, forked from the simulation's seed when it
//! is added, so adding a producer does not change what the others send.
//!
//! Delivery settings follow Kafka 3.x/4.x `ProducerConfig` (P11, T1, T2): `acks=all`,
//! `enable.idempotence=true`, `max.in.flight.requests.per.connection=5`,
//! `request.timeout.ms=30000`, `retries=2147483647`, `transaction.timeout.ms=60000`. How a
//! send travels when acknowledgements get lost is in [`crate::sender`]; transactions are in
//! [`crate::transaction`].

use serde::Serialize;

use crate::decimal;
use crate::json_read::{Field, Obj};
use crate::partitioner::{PartitionerConfig, ProducerPartitioner};
use crate::producer_state::ProducerIdentity;
use crate::rng::SimRng;
use crate::sender::SenderState;
use crate::transaction::{
    DEFAULT_TRANSACTION_TIMEOUT_MS, MAX_TRANSACTIONAL_ID_LEN, MAX_TRANSACTION_TIMEOUT_MS,
};

/// Most keys a key space may have.
pub const MAX_KEY_SPACE: u32 = 1_000_000;
/// Highest send rate a producer may have, records per second of virtual time.
pub const MAX_RATE_PER_SEC: f64 = 100_000.0;

/// Where a producer's keys come from.
#[derive(Clone, Debug, PartialEq, Serialize)]
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
        /// Zipf exponent, 0–4, with at most three decimal places.
        #[serde(serialize_with = "decimal::serialize")]
        skew: f64,
    },
    /// Null keys: the sticky partitioner decides (P6).
    Null,
}

impl KeyStream {
    /// Every key stream's `"type"`, for messages.
    pub const TYPES: &'static [&'static str] = &["fixed", "key_space", "null"];

    /// Reads a key stream from parsed JSON (see [`crate::json_read`]).
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        Ok(match o.tag("type")? {
            "fixed" => KeyStream::Fixed {
                keys: o.req("keys")?.strings()?,
            },
            "key_space" => KeyStream::KeySpace {
                prefix: o.req("prefix")?.string()?,
                count: o.req("count")?.u32()?,
                skew: o.or("skew", 0.0, Field::decimal)?,
            },
            "null" => KeyStream::Null,
            other => return Err(o.unknown_variant("type", other, Self::TYPES)),
        })
    }
}

/// How a key is serialized before it is hashed (P10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeySerializer {
    /// `StringSerializer`: UTF-8 bytes.
    #[default]
    String,
    /// `IntegerSerializer`: 4 big-endian bytes of the key parsed as a 32-bit integer.
    Integer,
}

impl KeySerializer {
    /// Each value's name in the scenario format, as read and as written (the first of
    /// a value's names is the one written).
    pub(crate) const NAMES: &'static [(&'static str, Self)] = &[
        ("string", KeySerializer::String),
        ("integer", KeySerializer::Integer),
    ];

    /// Reads `"string"` or `"integer"` (see [`crate::json_read`]).
    pub fn read(f: &Field) -> Result<Self, String> {
        f.one_of(Self::NAMES)
    }

    /// Like [`KeySerializer::serialize`], taking the text: StringSerializer's bytes are then
    /// the text's own buffer, not a copy.
    pub fn serialize_owned(self, key: String) -> Result<Vec<u8>, String> {
        match self {
            KeySerializer::String => Ok(key.into_bytes()),
            KeySerializer::Integer => self.serialize(&key),
        }
    }

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

/// `acks` (T1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Acks {
    /// `acks=all` (`-1`), the default since Kafka 3.0: the leader answers once the whole ISR
    /// has the batch. With one replica per partition it behaves like `acks=1`.
    #[default]
    All,
    /// `acks=1`: the leader answers after writing to its own log.
    One,
    /// `acks=0`: no answer at all; `retries` has no effect and the callback's offset is -1.
    Zero,
}

impl Acks {
    /// Each value's name in the scenario format, as read and as written (the first of
    /// a value's names is the one written).
    pub(crate) const NAMES: &'static [(&'static str, Self)] =
        &[("all", Acks::All), ("one", Acks::One), ("zero", Acks::Zero)];

    /// Reads `"all"`, `"one"` or `"zero"` (see [`crate::json_read`]).
    pub fn read(f: &Field) -> Result<Self, String> {
        f.one_of(Self::NAMES)
    }
}

/// Most `max.in.flight.requests.per.connection` the playground accepts.
pub const MAX_IN_FLIGHT_LIMIT: u32 = 100;
/// Most records a rate-driven transaction may hold (`transaction_size`).
pub const MAX_TRANSACTION_SIZE: u32 = 10_000;

fn default_max_in_flight() -> u32 {
    5
}
fn default_request_timeout_ms() -> u64 {
    30_000
}
fn default_retries() -> i32 {
    i32::MAX
}

/// A producer as a scenario describes it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProducerSpec {
    /// Display name and `client.id`, e.g. `order-service`.
    pub name: String,
    /// Topic it sends to.
    pub topic: String,
    /// Its keys.
    pub keys: KeyStream,
    /// Value template: `{key}`, `{seq}` and `{time}` are replaced per record.
    pub value_template: String,
    /// Records per second of virtual time, with at most three decimal places; 0 sends only
    /// when told to.
    #[serde(serialize_with = "decimal::serialize")]
    pub rate_per_sec: f64,
    /// Key serializer.
    pub key_serializer: KeySerializer,
    /// Partitioner settings.
    pub partitioner: PartitionerConfig,
    /// `enable.idempotence`, `true` by default since Kafka 3.0 (T2). Requires `acks=all`,
    /// `retries > 0` and at most 5 requests in flight. Left out of a scenario, it is turned
    /// off by a conflicting setting, as Kafka turns it off silently when it was not set
    /// explicitly; set to true, a conflict is refused with Kafka's `ConfigException`.
    pub enable_idempotence: bool,
    /// `acks`, `all` by default since Kafka 3.0 (T1).
    pub acks: Acks,
    /// `max.in.flight.requests.per.connection`, 5 (P11).
    pub max_in_flight_requests_per_connection: u32,
    /// `request.timeout.ms`, 30 000 (P11): how long the producer waits for an answer before it
    /// reconnects and retries.
    pub request_timeout_ms: u64,
    /// `retries`, `i32::MAX` (P11).
    pub retries: i32,
    /// `transactional.id`: makes the producer transactional (and idempotent, T6).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transactional_id: Option<String>,
    /// `transaction.timeout.ms`, 60 000 (T6).
    pub transaction_timeout_ms: u64,
    /// Rate-driven transactions: begin one before the first record and commit after this many
    /// records, so a scenario need not script every transaction. Needs a `transactional_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_size: Option<u32>,
    /// With `transaction_size`: abort every k-th transaction instead of committing it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abort_every: Option<u32>,
}

impl Default for ProducerSpec {
    /// Kafka's producer defaults with the playground's order template; the name and topic are
    /// empty and must be filled in.
    fn default() -> Self {
        Self {
            name: String::new(),
            topic: String::new(),
            keys: KeyStream::Null,
            value_template: default_value_template(),
            rate_per_sec: 0.0,
            key_serializer: KeySerializer::default(),
            partitioner: PartitionerConfig::default(),
            enable_idempotence: true,
            acks: Acks::All,
            max_in_flight_requests_per_connection: default_max_in_flight(),
            request_timeout_ms: default_request_timeout_ms(),
            retries: default_retries(),
            transactional_id: None,
            transaction_timeout_ms: DEFAULT_TRANSACTION_TIMEOUT_MS,
            transaction_size: None,
            abort_every: None,
        }
    }
}

crate::json_read::deserialize_with_reader!(KeyStream, KeySerializer, Acks, ProducerSpec);

/// The seed document's order-placed event, as a template.
pub fn default_value_template() -> String {
    r#"{"orderId":"{key}","seq":{seq},"status":"PLACED"}"#.to_owned()
}

impl ProducerSpec {
    /// Reads a producer from parsed JSON (see [`crate::json_read`]); settings left out take
    /// Kafka's defaults, as [`ProducerSpec::default`] has them.
    pub fn read(f: &Field) -> Result<Self, String> {
        let o = Obj::new(f)?;
        let d = ProducerSpec::default();
        let mut spec = ProducerSpec {
            name: o.req("name")?.string()?,
            topic: o.req("topic")?.string()?,
            keys: KeyStream::read(&o.req("keys")?)?,
            value_template: o.or("value_template", d.value_template, Field::string)?,
            rate_per_sec: o.or("rate_per_sec", d.rate_per_sec, Field::decimal)?,
            key_serializer: o.or("key_serializer", d.key_serializer, KeySerializer::read)?,
            partitioner: o.or("partitioner", d.partitioner, PartitionerConfig::read)?,
            enable_idempotence: o.or("enable_idempotence", d.enable_idempotence, Field::bool)?,
            acks: o.or("acks", d.acks, Acks::read)?,
            max_in_flight_requests_per_connection: o.or(
                "max_in_flight_requests_per_connection",
                d.max_in_flight_requests_per_connection,
                Field::u32,
            )?,
            request_timeout_ms: o.or("request_timeout_ms", d.request_timeout_ms, Field::u64)?,
            retries: o.or("retries", d.retries, Field::i32)?,
            transactional_id: o.maybe("transactional_id", Field::string)?,
            transaction_timeout_ms: o.or(
                "transaction_timeout_ms",
                d.transaction_timeout_ms,
                Field::u64,
            )?,
            transaction_size: o.maybe("transaction_size", Field::u32)?,
            abort_every: o.maybe("abort_every", Field::u32)?,
        };
        if o.get("enable_idempotence").is_none() {
            spec.default_idempotence();
        }
        Ok(spec)
    }

    /// Idempotence as Kafka settles it when `enable.idempotence` was not set explicitly: on,
    /// unless another setting conflicts with it, which turns it off without an error
    /// (`ProducerConfig.postProcessAndValidateIdempotenceConfigs`, T2).
    pub fn default_idempotence(&mut self) {
        self.enable_idempotence = true;
        self.give_way_idempotence();
    }

    /// Turns idempotence off if another setting conflicts with it (T2), as Kafka does when
    /// `enable.idempotence` was not set explicitly; never turns it on.
    pub fn give_way_idempotence(&mut self) {
        if self.idempotence_conflict().is_some() {
            self.enable_idempotence = false;
        }
    }

    /// The setting that idempotence cannot go with, if idempotence is on and one does.
    fn idempotence_conflict(&self) -> Option<&'static str> {
        if !self.enable_idempotence {
            None
        } else if self.acks != Acks::All {
            Some("acks must be all")
        } else if self.retries == 0 {
            Some("retries must be above 0")
        } else if self.max_in_flight_requests_per_connection > 5 {
            Some("max.in.flight.requests.per.connection must be at most 5")
        } else {
            None
        }
    }
}

impl ProducerSpec {
    /// Checks names, rates and key streams against the playground's limits.
    pub fn validate(&self) -> Result<(), String> {
        let who = format!("producer {}", crate::sim::cut_for_message(&self.name));
        if self.name.is_empty() || self.name.len() > 64 {
            return Err(format!("{who}: name must be 1–64 characters"));
        }
        if self.name.chars().any(crate::sim::is_hidden_control) {
            return Err(format!(
                "{who}: name must have no control or text-direction characters"
            ));
        }
        if !(0.0..=MAX_RATE_PER_SEC).contains(&self.rate_per_sec) || self.rate_per_sec.is_nan() {
            return Err(format!(
                "{who}: rate must be 0–{} records/s, got {}",
                decimal::text(MAX_RATE_PER_SEC),
                decimal::text(self.rate_per_sec)
            ));
        }
        decimal::check(&format!("{who}: rate"), self.rate_per_sec)?;
        if self.value_template.len() > 4096 {
            return Err(format!("{who}: value template must be at most 4096 bytes"));
        }
        self.validate_delivery(&who)?;
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
                    Err(format!(
                        "{who}: skew must be 0–4, got {}",
                        decimal::text(*skew)
                    ))
                } else if !decimal::is_exact(*skew) {
                    decimal::check(&format!("{who}: skew"), *skew)
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

impl ProducerSpec {
    /// `postProcessAndValidateIdempotenceConfigs` (T2) and the transaction settings (T6).
    fn validate_delivery(&self, who: &str) -> Result<(), String> {
        let in_flight = self.max_in_flight_requests_per_connection;
        if !(1..=MAX_IN_FLIGHT_LIMIT).contains(&in_flight) {
            return Err(format!(
                "{who}: max.in.flight.requests.per.connection must be 1–{MAX_IN_FLIGHT_LIMIT}, got {in_flight}"
            ));
        }
        if !(1..=3_600_000).contains(&self.request_timeout_ms) {
            return Err(format!(
                "{who}: request.timeout.ms must be 1–3600000, got {}",
                self.request_timeout_ms
            ));
        }
        if self.retries < 0 {
            return Err(format!(
                "{who}: retries must be 0 or more, got {}",
                self.retries
            ));
        }
        if let Some(conflict) = self.idempotence_conflict() {
            return Err(format!(
                "{who}: ConfigException: with enable.idempotence=true {conflict}; set enable_idempotence to false, or leave it out, to use these settings"
            ));
        }
        if let Some(id) = &self.transactional_id {
            if id.is_empty() || id.len() > MAX_TRANSACTIONAL_ID_LEN {
                return Err(format!(
                    "{who}: transactional.id must be 1–{MAX_TRANSACTIONAL_ID_LEN} bytes"
                ));
            }
            if id.chars().any(crate::sim::is_hidden_control) {
                return Err(format!(
                    "{who}: transactional.id must have no control or text-direction characters"
                ));
            }
            if !self.enable_idempotence {
                return Err(format!(
                    "{who}: ConfigException: cannot set a transactional.id without also enabling idempotence"
                ));
            }
        }
        if !(1..=MAX_TRANSACTION_TIMEOUT_MS).contains(&self.transaction_timeout_ms) {
            return Err(format!(
                "{who}: transaction.timeout.ms must be 1–{MAX_TRANSACTION_TIMEOUT_MS} (the broker's transaction.max.timeout.ms), got {}",
                self.transaction_timeout_ms
            ));
        }
        match (self.transaction_size, self.abort_every) {
            (Some(_), _) if self.transactional_id.is_none() => {
                Err(format!("{who}: transaction_size needs a transactional_id"))
            }
            (Some(n), _) if !(1..=MAX_TRANSACTION_SIZE).contains(&n) => Err(format!(
                "{who}: transaction_size must be 1–{MAX_TRANSACTION_SIZE}, got {n}"
            )),
            (None, Some(_)) => Err(format!("{who}: abort_every needs a transaction_size")),
            (_, Some(k)) if !(1..=1_000).contains(&k) => {
                Err(format!("{who}: abort_every must be 1–1000, got {k}"))
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
    /// Its name as a shared trace name.
    pub(crate) label: crate::trace::Name,
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
    /// Producer id, epoch and sequence numbers of an idempotent or transactional producer.
    pub identity: Option<ProducerIdentity>,
    /// Whether a transaction is open (between `BeginTransaction` and its end).
    pub in_transaction: bool,
    /// Records sent in the open transaction.
    pub transaction_records: u32,
    /// Transactions begun so far (numbers them for `abort_every`).
    pub transactions_begun: u64,
    /// A commit (`true`) or abort waiting for batches still in flight.
    pub(crate) pending_end: Option<bool>,
    /// Requests in flight and records waiting, once a `LoseAcks` fault made this producer's
    /// acknowledgements matter; `None` until then (sends complete at once).
    pub(crate) sender: Option<SenderState>,
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
            label: crate::trace::Name::from(spec.name.as_str()),
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
            identity: None,
            in_transaction: false,
            transaction_records: 0,
            transactions_begun: 0,
            pending_end: None,
            sender: None,
        }
    }

    /// Batches sent and not yet acknowledged.
    pub fn in_flight(&self) -> usize {
        self.sender.as_ref().map_or(0, |s| s.in_flight.len())
    }

    /// Records waiting for a free in-flight slot.
    pub fn queued(&self) -> usize {
        self.sender.as_ref().map_or(0, |s| s.queued.len())
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
                // `format!("{prefix}{index}")` without the formatting machinery: this runs
                // for every record, and formatting is slow in wasm.
                let mut digits = [0; 20];
                let index = decimal(u64::from(index), &mut digits);
                let mut key = String::with_capacity(prefix.len() + index.len());
                key.push_str(prefix);
                key.push_str(index);
                Some(key)
            }
            KeyStream::Null => None,
        }
    }

    /// Fills in the value template for one record.
    /// One pass over the template, so a key that itself contains `{seq}` stays as it is.
    /// Numbers are written with [`decimal`] and `{` found byte-wise: this runs for every
    /// record, and both `write!` and `str::find` are slow in wasm.
    pub(crate) fn render_value(&self, key: Option<&str>, now_ms: u64) -> String {
        let template = self.spec.value_template.as_str();
        let mut out = String::with_capacity(template.len() + 24);
        let mut rest = template;
        let mut digits = [0; 20];
        // `{` is ASCII, so its byte position is a char boundary.
        while let Some(start) = rest.bytes().position(|b| b == b'{') {
            out.push_str(&rest[..start]);
            let tail = &rest[start..];
            if let Some(after) = tail.strip_prefix("{key}") {
                out.push_str(key.unwrap_or("null"));
                rest = after;
            } else if let Some(after) = tail.strip_prefix("{seq}") {
                out.push_str(decimal(self.sent, &mut digits));
                rest = after;
            } else if let Some(after) = tail.strip_prefix("{time}") {
                out.push_str(decimal(now_ms, &mut digits));
                rest = after;
            } else {
                out.push('{');
                rest = &tail[1..];
            }
        }
        out.push_str(rest);
        out
    }
}

/// `n` in decimal, as `n.to_string()` writes it, in `buf`.
fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &str {
    let mut start = buf.len();
    loop {
        start -= 1;
        buf[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[start..]).expect("ASCII digits")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_writes_numbers_as_to_string_does() {
        let mut buf = [0; 20];
        for n in [0, 7, 10, 99, 100, 12_345, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(decimal(n, &mut buf), n.to_string());
        }
    }

    fn spec(keys: KeyStream) -> ProducerSpec {
        ProducerSpec {
            name: "order-service".into(),
            topic: "order-events".into(),
            keys,
            value_template: default_value_template(),
            rate_per_sec: 10.0,
            key_serializer: KeySerializer::String,
            partitioner: PartitionerConfig::default(),
            ..ProducerSpec::default()
        }
    }

    #[test]
    fn names_with_hidden_or_reordering_characters_are_refused_and_long_ones_cut_in_messages() {
        let with = |name: &str, id: Option<&str>| ProducerSpec {
            name: name.into(),
            transactional_id: id.map(Into::into),
            ..spec(KeyStream::Null)
        };
        assert!(with("order-service", None).validate().is_ok());
        assert!(with("مرحبا-service", Some("tx-1")).validate().is_ok());
        for name in ["a\u{202e}evil", "a\u{2066}b", "a\u{200f}b", "a\nb"] {
            let why = with(name, None).validate().unwrap_err();
            assert!(why.contains("text-direction"), "{name:?}: {why}");
            let why = with("p", Some(name)).validate().unwrap_err();
            assert!(why.contains("transactional.id"), "{name:?}: {why}");
        }
        let why = with(&"x".repeat(100_000), None).validate().unwrap_err();
        assert!(why.len() < 120, "{why}");
        assert!(
            why.starts_with(&format!("producer {}…", "x".repeat(40))),
            "{why}"
        );
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
            p.render_value(Some("{seq}"), 5),
            r#"{"orderId":"{seq}","seq":3,"status":"PLACED"}"#,
            "a placeholder inside the key is not expanded again"
        );
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

    #[test]
    fn t2_idempotence_is_the_default_and_refuses_conflicting_settings() {
        let s = spec(KeyStream::Null);
        assert!(s.enable_idempotence);
        assert_eq!(s.acks, Acks::All);
        assert_eq!(s.max_in_flight_requests_per_connection, 5);
        assert_eq!(s.request_timeout_ms, 30_000);
        assert_eq!(s.retries, i32::MAX);
        assert_eq!(s.transaction_timeout_ms, 60_000);
        let parsed: ProducerSpec =
            serde_json::from_str(r#"{"name":"p","topic":"t","keys":{"type":"null"}}"#).unwrap();
        assert!(parsed.enable_idempotence);
        let acks_one = ProducerSpec {
            acks: Acks::One,
            ..s.clone()
        };
        assert!(acks_one
            .validate()
            .unwrap_err()
            .contains("acks must be all"));
        let six = ProducerSpec {
            max_in_flight_requests_per_connection: 6,
            ..s.clone()
        };
        assert!(six.validate().unwrap_err().contains("at most 5"));
        let plain = ProducerSpec {
            enable_idempotence: false,
            ..six
        };
        assert!(plain.validate().is_ok());
        let txn_without_idempotence = ProducerSpec {
            transactional_id: Some("tx".into()),
            ..plain
        };
        assert!(txn_without_idempotence
            .validate()
            .unwrap_err()
            .contains("transactional.id"));
    }

    #[test]
    fn t2_idempotence_left_out_gives_way_to_a_conflicting_setting_and_set_explicitly_refuses_it() {
        let read = |extra: &str| -> ProducerSpec {
            serde_json::from_str(&format!(
                r#"{{"name":"p","topic":"t","keys":{{"type":"null"}}{extra}}}"#
            ))
            .unwrap()
        };
        for conflict in [
            r#","acks":"one""#,
            r#","acks":"zero""#,
            r#","retries":0"#,
            r#","max_in_flight_requests_per_connection":6"#,
        ] {
            let quiet = read(conflict);
            assert!(!quiet.enable_idempotence, "{conflict}");
            assert!(quiet.validate().is_ok(), "{conflict}");
            let explicit = read(&format!(r#"{conflict},"enable_idempotence":true"#));
            let why = explicit.validate().unwrap_err();
            assert!(why.contains("ConfigException"), "{conflict}: {why}");
        }
        assert!(read("").enable_idempotence);
        // Turned off, it cannot carry a transactional.id.
        let why = read(r#","acks":"one","transactional_id":"tx""#)
            .validate()
            .unwrap_err();
        assert!(
            why.contains("transactional.id without also enabling idempotence"),
            "{why}"
        );
    }
}
