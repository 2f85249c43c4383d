//! Kafka's 32-bit MurmurHash2, exactly as `org.apache.kafka.common.utils.Utils.murmur2`
//! computes it, and `Utils.toPositive`.
//!
//! * P2: seed `0x9747b28c`, `m = 0x5bd1e995`, `r = 24`, little-endian 4-byte blocks, a tail
//!   that falls through from 3 to 1 bytes, and the final mix `h ^= h >>> 13; h *= m; h ^= h >>> 15`.
//!   Java `int` arithmetic wraps, so the whole computation uses wrapping `u32` operations and the
//!   result is reinterpreted as a signed `i32`, as Java returns it.
//! * P3: `toPositive(n) = n & 0x7fffffff`, which is *not* `abs`: `to_positive(-1) == i32::MAX`.
//!
//! Follows Kafka 0.8.2 to 4.x: the function has not changed since it was introduced.

const SEED: u32 = 0x9747_b28c;
const M: u32 = 0x5bd1_e995;
const R: u32 = 24;

/// Hashes `data` with Kafka's murmur2 (P2) and returns the signed 32-bit result Java returns.
pub fn murmur2(data: &[u8]) -> i32 {
    let length = data.len();
    // Java computes `seed ^ length` on ints; the length is truncated the same way.
    let mut h = SEED ^ (length as u32);

    let mut blocks = data.chunks_exact(4);
    for block in &mut blocks {
        let mut k = u32::from_le_bytes([block[0], block[1], block[2], block[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }

    // Java's tail switch falls through: case 3 mixes byte 2, then case 2 byte 1, then case 1
    // byte 0 and multiplies. Bytes are sign-agnostic here because Java masks with 0xff.
    let tail = blocks.remainder();
    if tail.len() >= 3 {
        h ^= u32::from(tail[2]) << 16;
    }
    if tail.len() >= 2 {
        h ^= u32::from(tail[1]) << 8;
    }
    if !tail.is_empty() {
        h ^= u32::from(tail[0]);
        h = h.wrapping_mul(M);
    }

    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// Kafka's `Utils.toPositive` (P3): clears the sign bit, so negative hashes map to large
/// positive numbers rather than to their absolute value.
pub fn to_positive(n: i32) -> i32 {
    n & 0x7fff_ffff
}

#[cfg(test)]
mod tests {
    use super::*;

    /// P2: the vectors of Kafka's `UtilsTest.testMurmur2`.
    #[test]
    fn p2_murmur2_matches_kafka_utils_test_vectors() {
        let cases: [(&str, i32); 6] = [
            ("21", -973_932_308),
            ("foobar", -790_332_482),
            ("a-little-bit-long-string", -985_981_536),
            ("a-little-bit-longer-string", -1_486_304_829),
            (
                "lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8",
                -58_897_971,
            ),
            ("abc", 479_470_107),
        ];
        for (input, expected) in cases {
            assert_eq!(murmur2(input.as_bytes()), expected, "murmur2({input:?})");
        }
    }

    #[test]
    fn p2_murmur2_of_empty_input_only_mixes_the_seed() {
        // Computed by hand from the algorithm: no blocks, no tail, only the final mix of the seed.
        let mut h = SEED;
        h ^= h >> 13;
        h = h.wrapping_mul(M);
        h ^= h >> 15;
        assert_eq!(murmur2(&[]), h as i32);
        assert_eq!(murmur2(&[]), 275_646_681);
    }

    #[test]
    fn p3_to_positive_masks_the_sign_bit_instead_of_negating() {
        assert_eq!(to_positive(-1), i32::MAX);
        assert_eq!(to_positive(i32::MIN), 0);
        assert_eq!(to_positive(-973_932_308), 1_173_551_340);
        assert_eq!(to_positive(42), 42);
    }
}
