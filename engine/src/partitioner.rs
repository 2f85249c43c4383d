//! The producer's choice of partition, as Kafka's `KafkaProducer.partition()` and
//! `BuiltInPartitioner` make it.
//!
//! * P1: a keyed record goes to `toPositive(murmur2(serializedKey)) % numPartitions`.
//! * P4: `numPartitions` counts every partition of the topic, available or not.
//! * P10: the hash is over the *serialized* key bytes (UTF-8 for `StringSerializer`).
//!
//! Follows the Kafka 3.3+ client (the keyed formula is the same back to 0.8.2).

use crate::murmur2::{murmur2, to_positive};

/// The partition Kafka's producer picks for a record whose serialized key is `key` (P1).
///
/// # Panics
///
/// Panics if `num_partitions` is zero: a topic always has at least one partition.
pub fn partition_for_key(key: &[u8], num_partitions: u32) -> u32 {
    assert!(num_partitions > 0, "a topic has at least one partition");
    // to_positive never returns a negative number, so the cast is lossless.
    (to_positive(murmur2(key)) as u32) % num_partitions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p1_keyed_partition_is_positive_murmur2_modulo_partition_count() {
        // murmur2("21") = -973932308, toPositive = 1173551340; 1173551340 % 3 = 0.
        assert_eq!(partition_for_key(b"21", 3), 1_173_551_340 % 3);
        assert_eq!(partition_for_key(b"abc", 7), 479_470_107 % 7);
    }

    #[test]
    fn p10_string_keys_hash_their_utf8_bytes() {
        // murmur2([0xc3, 0xa9]) = 186971271, from an independent port of Utils.murmur2.
        assert_eq!(partition_for_key("é".as_bytes(), 1_000_000_000), 186_971_271);
    }

    #[test]
    fn p1_same_key_always_lands_on_the_same_partition() {
        for n in 1..=64 {
            let p = partition_for_key(b"order-42", n);
            assert!(p < n);
            assert_eq!(p, partition_for_key(b"order-42", n));
        }
    }
}
