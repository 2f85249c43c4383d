//! [`VecMap`] and [`VecSet`]: a map (a set) kept as a vector sorted by key, for the engine's
//! small maps (a consumer's positions, a group's members and committed offsets, a producer's
//! sequences …).
//!
//! Why not `BTreeMap`: the page links the B-tree's node code (search, split, merge, steal)
//! once for every key and value type, about 3–4 kB of wasm each, and the engine has dozens of
//! small maps. A sorted vector needs a search and `Vec::insert`, and for the few dozen entries
//! these maps hold it is as fast. Maps that grow with the keys or the records stay B-trees:
//! there `Vec::insert` would move O(n) entries (a queue's last record per key, the checker's
//! per-key order, deliveries of dead-lettered records, the idempotent consumer's processed ids).
//!
//! The methods are `BTreeMap`'s and `BTreeSet`'s, with the same meaning: iteration is in key
//! order, `insert` returns the value it replaced (whether the item is new, for a set),
//! collecting keeps the last value given for a key.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::ops::{Bound, RangeBounds};

/// Up to this many entries a lookup scans from the start instead of searching in halves.
const LINEAR_SCAN_MAX: usize = 16;

/// A map sorted by key, stored as one vector of entries.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K, V> VecMap<K, V> {
    /// An empty map.
    pub const fn new() -> Self {
        Self {
            entries: Vec::new(),
        }
    }

    /// How many entries the map holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map holds no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The entries in key order, values mutable.
    pub fn iter_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = (&K, &mut V)> + ExactSizeIterator {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The values in key order, mutable.
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// The values in key order, taken out of the map.
    pub fn into_values(self) -> impl DoubleEndedIterator<Item = V> + ExactSizeIterator {
        self.entries.into_iter().map(|(_, v)| v)
    }

    /// The keys in order, taken out of the map.
    pub fn into_keys(self) -> impl DoubleEndedIterator<Item = K> + ExactSizeIterator {
        self.entries.into_iter().map(|(k, _)| k)
    }

    /// The entry with the smallest key.
    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.entries.first().map(|(k, v)| (k, v))
    }

    /// The entry with the largest key.
    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.entries.last().map(|(k, v)| (k, v))
    }

    /// Keeps the entries for which `keep` returns true.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }
}

impl<K: Ord, V> VecMap<K, V> {
    /// Where `key` is (`Ok`) or would go (`Err`).
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        // Most maps hold a few entries: a forward scan predicts its branches, which a binary
        // search cannot (measured on the heavy benchmark: 5% faster than binary search alone).
        if self.entries.len() <= LINEAR_SCAN_MAX {
            for (i, (k, _)) in self.entries.iter().enumerate() {
                match k.borrow().cmp(key) {
                    Ordering::Less => {}
                    Ordering::Equal => return Ok(i),
                    Ordering::Greater => return Err(i),
                }
            }
            return Err(self.entries.len());
        }
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value for `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    /// The value for `key`, mutable.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    /// Whether the map holds `key`.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`; returns the value it replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Removes `key`; returns its value.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// The place of `key`, to read, change or fill.
    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        let at = self.find(&key);
        Entry { map: self, key, at }
    }

    /// The entries whose keys lie in `range`, in key order.
    pub fn range<Q: Ord + ?Sized, R: RangeBounds<Q>>(
        &self,
        range: R,
    ) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator
    where
        K: Borrow<Q>,
    {
        let start = match range.start_bound() {
            Bound::Included(b) => self.entries.partition_point(|(k, _)| k.borrow() < b),
            Bound::Excluded(b) => self.entries.partition_point(|(k, _)| k.borrow() <= b),
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(b) => self.entries.partition_point(|(k, _)| k.borrow() <= b),
            Bound::Excluded(b) => self.entries.partition_point(|(k, _)| k.borrow() < b),
            Bound::Unbounded => self.entries.len(),
        };
        self.entries[start..end.max(start)]
            .iter()
            .map(|(k, v)| (k, v))
    }

    /// Moves every entry of `other` into this map (`other`'s value wins for a key in both).
    pub fn append(&mut self, other: &mut Self) {
        for (k, v) in other.entries.drain(..) {
            self.insert(k, v);
        }
    }
}

/// A key's place in a [`VecMap`], from [`VecMap::entry`].
pub struct Entry<'a, K, V> {
    map: &'a mut VecMap<K, V>,
    key: K,
    at: Result<usize, usize>,
}

impl<'a, K, V> Entry<'a, K, V> {
    /// The value, inserting `make()` first if the key is absent.
    pub fn or_insert_with(self, make: impl FnOnce() -> V) -> &'a mut V {
        let i = match self.at {
            Ok(i) => i,
            Err(i) => {
                self.map.entries.insert(i, (self.key, make()));
                i
            }
        };
        &mut self.map.entries[i].1
    }

    /// The value, inserting `value` first if the key is absent.
    pub fn or_insert(self, value: V) -> &'a mut V {
        self.or_insert_with(|| value)
    }

    /// The value, inserting the default first if the key is absent.
    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }

    /// Changes the value if the key is present.
    pub fn and_modify(self, change: impl FnOnce(&mut V)) -> Self {
        if let Ok(i) = self.at {
            change(&mut self.map.entries[i].1);
        }
        self
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(items: I) -> Self {
        let mut map = Self::new();
        map.extend(items);
        map
    }
}

impl<K: Ord, V> Extend<(K, V)> for VecMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, items: I) {
        for (k, v) in items {
            self.insert(k, v);
        }
    }
}

impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for VecMap<K, V> {
    fn from(entries: [(K, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for VecMap<K, V> {
    type Output = V;

    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry for this key in the map")
    }
}

impl<K: serde::Serialize, V: serde::Serialize> serde::Serialize for VecMap<K, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.entries.iter().map(|(k, v)| (k, v)))
    }
}

/// A set kept sorted, stored as one vector (a [`VecMap`] with no values).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct VecSet<T> {
    map: VecMap<T, ()>,
}

impl<T> Default for VecSet<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> VecSet<T> {
    /// An empty set.
    pub const fn new() -> Self {
        Self { map: VecMap::new() }
    }

    /// How many items the set holds.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether the set holds no item.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The items in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.map.keys()
    }

    /// The smallest item.
    pub fn first(&self) -> Option<&T> {
        self.map.first_key_value().map(|(k, _)| k)
    }

    /// The largest item.
    pub fn last(&self) -> Option<&T> {
        self.map.last_key_value().map(|(k, _)| k)
    }
}

impl<T: Ord> VecSet<T> {
    /// Adds `item`; whether it was new.
    pub fn insert(&mut self, item: T) -> bool {
        self.map.insert(item, ()).is_none()
    }

    /// Removes `item`; whether it was there.
    pub fn remove<Q: Ord + ?Sized>(&mut self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.map.remove(item).is_some()
    }

    /// Whether the set holds `item`.
    pub fn contains<Q: Ord + ?Sized>(&self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.map.contains_key(item)
    }
}

impl<T: Ord> FromIterator<T> for VecSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut set = Self::new();
        set.extend(items);
        set
    }
}

impl<T: Ord> Extend<T> for VecSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for item in items {
            self.insert(item);
        }
    }
}

impl<T> IntoIterator for VecSet<T> {
    type Item = T;
    type IntoIter = std::iter::Map<std::vec::IntoIter<(T, ())>, fn((T, ())) -> T>;

    fn into_iter(self) -> Self::IntoIter {
        self.map.into_iter().map(|(k, ())| k)
    }
}

impl<'a, T> IntoIterator for &'a VecSet<T> {
    type Item = &'a T;
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (T, ())>, fn(&'a (T, ())) -> &'a T>;

    fn into_iter(self) -> Self::IntoIter {
        self.map.entries.iter().map(|(k, ())| k)
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for VecSet<T> {
    fn from(items: [T; N]) -> Self {
        items.into_iter().collect()
    }
}

impl<T: serde::Serialize> serde::Serialize for VecSet<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

/// Read as a JSON object (native tools and tests; the page's reader is [`crate::json_read`]).
impl<'de, K: Ord + serde::Deserialize<'de>, V: serde::Deserialize<'de>> serde::Deserialize<'de>
    for VecMap<K, V>
{
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        std::collections::BTreeMap::<K, V>::deserialize(deserializer)
            .map(|m| m.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::{VecMap, VecSet};
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// One change to a map, applied to a `VecMap` and a `BTreeMap` alike.
    #[derive(Clone, Debug)]
    enum Op {
        Insert(u8, u32),
        Remove(u8),
        Entry(u8, u32),
        Retain(u8),
        Append(Vec<(u8, u32)>),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (any::<u8>(), any::<u32>()).prop_map(|(k, v)| Op::Insert(k % 40, v)),
            any::<u8>().prop_map(|k| Op::Remove(k % 40)),
            (any::<u8>(), any::<u32>()).prop_map(|(k, v)| Op::Entry(k % 40, v)),
            any::<u8>().prop_map(|m| Op::Retain(m % 5 + 2)),
            proptest::collection::vec((any::<u8>(), any::<u32>()), 0..5)
                .prop_map(|v| Op::Append(v.into_iter().map(|(k, v)| (k % 40, v)).collect())),
        ]
    }

    proptest! {
        /// Every change gives the same answers and the same entries in the same order as a
        /// `BTreeMap`, and every lookup and range agrees afterwards.
        #[test]
        fn behaves_as_a_btree_map(ops in proptest::collection::vec(op(), 0..60), lo in 0u8..45, hi in 0u8..45) {
            let mut ours = VecMap::new();
            let mut theirs = BTreeMap::new();
            for op in ops {
                match op {
                    Op::Insert(k, v) => prop_assert_eq!(ours.insert(k, v), theirs.insert(k, v)),
                    Op::Remove(k) => prop_assert_eq!(ours.remove(&k), theirs.remove(&k)),
                    Op::Entry(k, v) => {
                        let a = *ours.entry(k).and_modify(|x: &mut u32| *x = x.wrapping_add(v)).or_insert(v);
                        let b = *theirs.entry(k).and_modify(|x: &mut u32| *x = x.wrapping_add(v)).or_insert(v);
                        prop_assert_eq!(a, b);
                    }
                    Op::Retain(m) => {
                        ours.retain(|k, _| k % m != 0);
                        theirs.retain(|k, _| k % m != 0);
                    }
                    Op::Append(entries) => {
                        let mut a: VecMap<u8, u32> = entries.iter().copied().collect();
                        let mut b: BTreeMap<u8, u32> = entries.iter().copied().collect();
                        prop_assert!(a.iter().eq(b.iter()));
                        ours.append(&mut a);
                        theirs.append(&mut b);
                        prop_assert!(a.is_empty() && b.is_empty());
                    }
                }
                prop_assert!(ours.iter().eq(theirs.iter()));
                prop_assert_eq!(ours.len(), theirs.len());
            }
            for k in 0..45u8 {
                prop_assert_eq!(ours.get(&k), theirs.get(&k));
                prop_assert_eq!(ours.contains_key(&k), theirs.contains_key(&k));
            }
            if lo <= hi {
                prop_assert!(ours.range(lo..hi).eq(theirs.range(lo..hi)));
                prop_assert!(ours.range(lo..=hi).eq(theirs.range(lo..=hi)));
                prop_assert!(ours.range(..hi).eq(theirs.range(..hi)));
                prop_assert!(ours.range(lo..).eq(theirs.range(lo..)));
            }
            prop_assert_eq!(ours.first_key_value(), theirs.first_key_value());
            prop_assert_eq!(ours.last_key_value(), theirs.last_key_value());
        }
    }

    proptest! {
        /// A `VecSet` holds what a `BTreeSet` holds, in the same order, with the same answers.
        #[test]
        fn sets_behave_as_btree_sets(ops in proptest::collection::vec((any::<bool>(), 0u8..30), 0..80)) {
            let mut ours = VecSet::new();
            let mut theirs = std::collections::BTreeSet::new();
            for (add, item) in ops {
                if add {
                    prop_assert_eq!(ours.insert(item), theirs.insert(item));
                } else {
                    prop_assert_eq!(ours.remove(&item), theirs.remove(&item));
                }
                prop_assert!(ours.iter().eq(theirs.iter()));
                prop_assert_eq!(ours.first(), theirs.first());
                prop_assert_eq!(ours.last(), theirs.last());
            }
            for item in 0..30u8 {
                prop_assert_eq!(ours.contains(&item), theirs.contains(&item));
            }
            prop_assert!(ours.into_iter().eq(theirs.into_iter()));
        }
    }

    #[test]
    fn string_keys_are_found_by_str() {
        let mut map: VecMap<String, u32> = [("b".to_owned(), 2), ("a".to_owned(), 1)].into();
        assert_eq!(map.get("a"), Some(&1));
        assert_eq!(map["b"], 2);
        *map.entry("c".to_owned()).or_default() += 3;
        assert_eq!(map.keys().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(map.remove("b"), Some(2));
        assert_eq!(serde_json::to_string(&map).unwrap(), r#"{"a":1,"c":3}"#);
    }
}
