//! The few pieces of `java.lang` and `java.util` behaviour that Kafka's assignors leak into their
//! results, reproduced so that the Rust assignors return what the Java client returns.
//!
//! * `String.compareTo`: lexicographic over UTF-16 code units (C13). Rust's `str` ordering is over
//!   code points, which differs for characters above U+FFFF against U+E000..U+FFFF.
//! * `String.hashCode` and `TopicPartition.hashCode`.
//! * The iteration order of `java.util.HashMap` / `HashSet` (OpenJDK 8 and later): a key lives in
//!   bucket `(h ^ (h >>> 16)) & (capacity - 1)`; buckets are visited in index order and, within a
//!   bucket, keys in list order: `put` appends to the bucket, `computeIfAbsent` prepends (a resize
//!   splits a bucket but keeps the relative order). The table starts at 16 buckets (or the requested initial capacity rounded up to a power
//!   of two), doubles when the size passes 0.75 × capacity, and also doubles when one bucket
//!   already holds 8 keys while the table has fewer than 64 buckets.
//!
//! Left out: a bucket that grows past 8 keys in a table of 64 or more buckets becomes a red-black
//! tree in Java, which can change the order inside that one bucket. That needs eight colliding
//! keys and does not happen for the member ids and topic names a playground produces.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::Hash;

use super::TopicPartition;

/// Java's `String.compareTo`: compares UTF-16 code units, so `"C10" < "C2"` and `"B" < "a"`.
pub fn compare_str(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Java's `String.hashCode`: `s[0]*31^(n-1) + … + s[n-1]` over UTF-16 code units, wrapping at
/// 32 bits.
pub fn string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, unit| {
        h.wrapping_mul(31).wrapping_add(i32::from(unit))
    })
}

/// Kafka's `TopicPartition.hashCode`: `31 * (31 + partition) + topic.hashCode()`.
pub fn topic_partition_hash(tp: &TopicPartition) -> i32 {
    // Kafka stores the partition as a Java int; counts are capped far below i32::MAX.
    let partition = tp.partition as i32;
    31i32
        .wrapping_add(partition)
        .wrapping_mul(31)
        .wrapping_add(string_hash(&tp.topic))
}

/// A key whose Java `hashCode()` is known.
pub trait JavaHash {
    /// The value Java's `hashCode()` returns for the equal Java object.
    fn java_hash(&self) -> i32;
}

impl JavaHash for String {
    fn java_hash(&self) -> i32 {
        string_hash(self)
    }
}

impl JavaHash for TopicPartition {
    fn java_hash(&self) -> i32 {
        topic_partition_hash(self)
    }
}

/// `HashMap.hash()`: the high half is folded into the low half before masking.
fn spread(h: i32) -> u32 {
    let h = h as u32;
    h ^ (h >> 16)
}

/// `HashMap.tableSizeFor`: the smallest power of two at or above `cap` (at least 1).
fn table_size_for(cap: usize) -> usize {
    cap.max(1).next_power_of_two()
}

/// The key set of a `java.util.HashMap` (or `HashSet`), kept only to know its iteration order.
///
/// Values, where a caller needs them, live in an ordinary map next to it; this type answers
/// "in which order would Java visit these keys".
#[derive(Clone, Debug)]
pub struct JavaHashSet<K: JavaHash + Eq + Hash + Clone> {
    /// Live keys with their spread hash and position key inside their bucket (appended keys get
    /// increasing positive numbers, prepended keys decreasing negative ones).
    slots: HashMap<K, (u32, i64)>,
    /// Number of live keys per bucket, `table_len` long (empty before the first insert).
    bucket_len: Vec<usize>,
    /// `threshold` field: before the table exists it holds the initial capacity.
    threshold: usize,
    next_seq: i64,
}

impl<K: JavaHash + Eq + Hash + Clone> Default for JavaHashSet<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: JavaHash + Eq + Hash + Clone> JavaHashSet<K> {
    /// `new HashMap<>()`: 16 buckets on first insert.
    pub fn new() -> Self {
        JavaHashSet {
            slots: HashMap::new(),
            bucket_len: Vec::new(),
            threshold: 0,
            next_seq: 1,
        }
    }

    /// `new HashMap<>(initialCapacity)`.
    pub fn with_capacity(initial_capacity: usize) -> Self {
        let mut set = Self::new();
        set.threshold = table_size_for(initial_capacity);
        set
    }

    /// Number of live keys.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True when no key is present.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// True when `key` is present.
    pub fn contains(&self, key: &K) -> bool {
        self.slots.contains_key(key)
    }

    fn table_len(&self) -> usize {
        self.bucket_len.len()
    }

    /// `HashMap.resize()`.
    fn resize(&mut self) {
        let old_cap = self.table_len();
        let old_thr = self.threshold;
        let (new_cap, mut new_thr) = if old_cap > 0 {
            let new_thr = if old_cap >= 16 { old_thr * 2 } else { 0 };
            (old_cap * 2, new_thr)
        } else if old_thr > 0 {
            (old_thr, 0)
        } else {
            (16, 12)
        };
        if new_thr == 0 {
            // (int) (newCap * 0.75f), exact for powers of two.
            new_thr = new_cap * 3 / 4;
        }
        self.threshold = new_thr;
        let mask = (new_cap - 1) as u32;
        let mut bucket_len = vec![0usize; new_cap];
        for (hash, _) in self.slots.values() {
            bucket_len[(hash & mask) as usize] += 1;
        }
        self.bucket_len = bucket_len;
    }

    /// `put` / `add`: a new key goes to the end of its bucket; an existing key keeps its place.
    /// Returns true if the key was new.
    pub fn insert(&mut self, key: K) -> bool {
        if self.slots.contains_key(&key) {
            return false;
        }
        if self.table_len() == 0 {
            self.resize();
        }
        let already_in_bucket = self.place(key, false);
        // treeifyBin: a ninth key in one bucket of a small table resizes instead.
        if already_in_bucket >= 8 && self.table_len() < 64 {
            self.resize();
        }
        if self.slots.len() > self.threshold {
            self.resize();
        }
        true
    }

    /// `computeIfAbsent`: a new key goes to the *front* of its bucket, and the table grows
    /// before an insert that finds it already over the threshold rather than after.
    /// Returns true if the key was new.
    pub fn compute_if_absent(&mut self, key: K) -> bool {
        if self.slots.contains_key(&key) {
            return false;
        }
        if self.slots.len() > self.threshold || self.table_len() == 0 {
            self.resize();
        }
        let already_in_bucket = self.place(key, true);
        if already_in_bucket >= 7 && self.table_len() < 64 {
            self.resize();
        }
        true
    }

    /// Stores a new key at the back (or front) of its bucket; returns how many keys the bucket
    /// held before.
    fn place(&mut self, key: K, at_front: bool) -> usize {
        let hash = spread(key.java_hash());
        let bucket = (hash & (self.table_len() as u32 - 1)) as usize;
        let before = self.bucket_len[bucket];
        let position = if at_front {
            -self.next_seq
        } else {
            self.next_seq
        };
        self.next_seq += 1;
        self.slots.insert(key, (hash, position));
        self.bucket_len[bucket] += 1;
        before
    }

    /// `remove`: the table never shrinks. Returns true if the key was present.
    pub fn remove(&mut self, key: &K) -> bool {
        match self.slots.remove(key) {
            Some((hash, _)) => {
                let bucket = (hash & (self.table_len() as u32 - 1)) as usize;
                self.bucket_len[bucket] -= 1;
                true
            }
            None => false,
        }
    }

    fn order_key(&self, slot: &(u32, i64)) -> (u32, i64) {
        let mask = self.table_len().saturating_sub(1) as u32;
        (slot.0 & mask, slot.1)
    }

    /// The key `iterator().next()` returns, if any.
    pub fn first(&self) -> Option<&K> {
        self.slots
            .iter()
            .min_by_key(|(_, slot)| self.order_key(slot))
            .map(|(k, _)| k)
    }

    /// All keys in Java's iteration order.
    pub fn iter_order(&self) -> Vec<K> {
        let mut keys: Vec<(&K, (u32, i64))> = self
            .slots
            .iter()
            .map(|(k, slot)| (k, self.order_key(slot)))
            .collect();
        crate::order::sort_by(&mut keys, |a, b| a.1.cmp(&b.1));
        keys.into_iter().map(|(k, _)| k.clone()).collect()
    }
}

/// The order in which a default-constructed Java `HashMap` would iterate `keys` after they are
/// `put` in the given order (duplicates keep their first place).
pub fn hash_map_order<K: JavaHash + Eq + Hash + Clone>(
    keys: impl IntoIterator<Item = K>,
) -> Vec<K> {
    let mut set = JavaHashSet::new();
    for key in keys {
        set.insert(key);
    }
    set.iter_order()
}

/// Like [`hash_map_order`] for a map filled with `computeIfAbsent`, as Kafka's
/// `CollectionUtils.groupPartitionsByTopic` fills it.
pub fn compute_if_absent_order<K: JavaHash + Eq + Hash + Clone>(
    keys: impl IntoIterator<Item = K>,
) -> Vec<K> {
    let mut set = JavaHashSet::new();
    for key in keys {
        set.compute_if_absent(key);
    }
    set.iter_order()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c13_java_string_compare_uses_utf16_code_units() {
        assert_eq!(compare_str("C10", "C2"), Ordering::Less);
        assert_eq!(compare_str("B", "a"), Ordering::Less);
        assert_eq!(compare_str("consumer", "consumer1"), Ordering::Less);
        // U+1F600 is the surrogate pair D83D DE00, which sorts below U+FF21 in UTF-16.
        assert_eq!(compare_str("\u{1F600}", "\u{FF21}"), Ordering::Less);
        assert_eq!("\u{1F600}".cmp("\u{FF21}"), Ordering::Greater);
    }

    #[test]
    fn assignor_java_string_hash_code_matches_known_values() {
        // Values from the Java Language Specification's String.hashCode formula.
        assert_eq!(string_hash(""), 0);
        assert_eq!(string_hash("a"), 97);
        assert_eq!(string_hash("topic"), 110_546_223);
        assert_eq!(string_hash("consumer1"), -421_004_549);
        assert_eq!(string_hash("\u{1F600}"), 0xD83D * 31 + 0xDE00);
    }

    #[test]
    fn assignor_topic_partition_hash_code_formula() {
        let tp = TopicPartition {
            topic: "topic".into(),
            partition: 2,
        };
        assert_eq!(topic_partition_hash(&tp), 31 * (31 + 2) + 110_546_223);
    }

    #[test]
    fn assignor_java_hash_map_order_buckets_then_insertion() {
        // "a".."e" hash to 97..101 and sit in buckets 1..5 of 16 whatever the insertion order.
        let order = hash_map_order(["e", "a", "c", "b", "d"].map(String::from));
        assert_eq!(order, ["a", "b", "c", "d", "e"].map(String::from));
        // "Aa" and "BB" share hash 2112, so they keep insertion order.
        assert_eq!(
            hash_map_order(["BB", "Aa"].map(String::from)),
            ["BB", "Aa"].map(String::from)
        );
        // 13 keys: the table grows to 32 buckets; "q" (113) then lands after "a" (97).
        let keys: Vec<String> = "qabcdefghijkl".chars().map(String::from).collect();
        let order = hash_map_order(keys.clone());
        assert_eq!(order[0], "a");
        assert_eq!(order.last().unwrap(), "q");
        // With only 12 keys the table stays at 16 buckets and "q" (bucket 1) comes first.
        let order = hash_map_order(keys[..12].to_vec());
        assert_eq!(order[0], "q");
    }

    #[test]
    fn assignor_java_compute_if_absent_prepends_and_grows_late() {
        // "Aa" and "BB" collide: computeIfAbsent puts the newer one first.
        assert_eq!(
            compute_if_absent_order(["Aa", "BB"].map(String::from)),
            ["BB", "Aa"].map(String::from)
        );
        // 13 keys stay in 16 buckets until a 14th insert, so "q" (113) shares bucket 1 with "a"
        // (97) and, inserted last, goes in front; `put` grows to 32 buckets and splits them.
        let keys: Vec<String> = "abcdefghijklq".chars().map(String::from).collect();
        assert_eq!(compute_if_absent_order(keys.clone())[0], "q");
        assert_eq!(hash_map_order(keys)[0], "a");
    }

    #[test]
    fn assignor_java_hash_set_remove_and_reinsert_goes_to_bucket_end() {
        let mut set = JavaHashSet::new();
        for k in ["Aa", "BB"] {
            set.insert(k.to_string());
        }
        assert_eq!(set.first().unwrap(), "Aa");
        set.remove(&"Aa".to_string());
        set.insert("Aa".to_string());
        assert_eq!(set.first().unwrap(), "BB");
        assert_eq!(set.len(), 2);
    }
}
