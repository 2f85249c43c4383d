//! Property checks over many generated groups (a fixed-seed loop, so every run checks the same
//! cases): eager assignors hand out every partition of a subscribed topic exactly once (C12),
//! sticky results pass the balance oracle (C14 a), survivors keep their partitions across a
//! membership change, and cooperative rounds never move a partition directly (C14 c).

use std::collections::BTreeSet;

use crate::vec_map::VecMap;

use super::cooperative_sticky::settle;
use super::oracle::{is_fully_balanced, verify_validity_and_balance};
use super::{next_generation, run};
use crate::assignor::{assign_in_join_order, AssignorKind, Subscription};

/// SplitMix64: tiny, seedable, and the same everywhere.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const TOPIC_NAMES: [&str; 8] = ["t0", "t1", "t10", "t2", "Aa", "BB", "orders", "a-b"];
const MEMBER_NAMES: [&str; 10] = [
    "c0",
    "c1",
    "C10",
    "C2",
    "Aa",
    "BB",
    "consumer1",
    "m-5",
    "z",
    "AaAa",
];

fn random_group(g: &mut Gen) -> (VecMap<String, u32>, Vec<Subscription>) {
    let topic_count = 1 + g.below(4) as usize;
    let counts: VecMap<String, u32> = TOPIC_NAMES[..topic_count]
        .iter()
        .map(|t| (t.to_string(), 1 + g.below(9) as u32))
        .collect();
    let names: Vec<&String> = counts.keys().collect();
    let same = g.chance(40);
    let pick = |g: &mut Gen| -> Vec<String> {
        let mut t: Vec<String> = names
            .iter()
            .filter(|_| g.chance(60))
            .map(|s| s.to_string())
            .collect();
        if t.is_empty() {
            t.push(names[g.below(names.len() as u64) as usize].clone());
        }
        t
    };
    let common = pick(g);
    let member_count = 1 + g.below(7) as usize;
    let members = MEMBER_NAMES[..member_count]
        .iter()
        .map(|id| {
            let topics = if same { common.clone() } else { pick(g) };
            Subscription {
                member_id: id.to_string(),
                group_instance_id: g.chance(20).then(|| format!("i-{id}")),
                topics,
                owned_partitions: Vec::new(),
                generation: None,
            }
        })
        .collect();
    (counts, members)
}

fn check_exactly_once(
    counts: &VecMap<String, u32>,
    members: &[Subscription],
    out: &VecMap<String, Vec<crate::assignor::TopicPartition>>,
) -> Result<(), String> {
    let subscribed: BTreeSet<&String> = members.iter().flat_map(|m| &m.topics).collect();
    let mut seen = BTreeSet::new();
    for (m, list) in out {
        for tp in list {
            if !seen.insert(tp.clone()) {
                return Err(format!("{tp} assigned twice"));
            }
            let member = members.iter().find(|s| &s.member_id == m).unwrap();
            if !member.topics.contains(&tp.topic) {
                return Err(format!("{tp} given to {m}, which does not subscribe to it"));
            }
        }
    }
    for (t, n) in counts {
        if subscribed.contains(t) {
            for p in 0..*n {
                if !seen.iter().any(|tp| &tp.topic == t && tp.partition == p) {
                    return Err(format!("{t}-{p} not assigned"));
                }
            }
        }
    }
    if out.len() != members.len() {
        return Err("a member is missing from the result".into());
    }
    Ok(())
}

#[test]
fn c12_property_eager_assignors_assign_every_partition_exactly_once() {
    let mut g = Gen(12);
    for case in 0..400 {
        let (counts, members) = random_group(&mut g);
        for kind in [
            AssignorKind::Range,
            AssignorKind::RoundRobin,
            AssignorKind::Sticky,
        ] {
            let out = run(kind, &counts, &members);
            check_exactly_once(&counts, &members, &out)
                .unwrap_or_else(|e| panic!("case {case} {kind:?}: {e}\n{counts:?}\n{members:?}"));
        }
    }
}

#[test]
fn c14_property_sticky_balance_and_stickiness_across_membership_changes() {
    let mut g = Gen(14);
    for case in 0..250 {
        let (counts, members) = random_group(&mut g);
        let r1 = run(AssignorKind::Sticky, &counts, &members);
        verify_validity_and_balance(&members, &r1).unwrap_or_else(|e| panic!("case {case}: {e}"));
        if members.iter().all(|m| m.topics == members[0].topics) {
            assert!(
                is_fully_balanced(&r1),
                "case {case}: equal subscriptions must be balanced"
            );
        }
        // One member leaves; nobody else loses a partition they held (C14 b).
        let mut next = next_generation(&members, &r1, 1);
        if next.len() > 1 {
            let gone = g.below(next.len() as u64) as usize;
            next.remove(gone);
        }
        let r2 = run(AssignorKind::Sticky, &counts, &next);
        verify_validity_and_balance(&next, &r2)
            .unwrap_or_else(|e| panic!("case {case} round 2: {e}"));
        if next.iter().all(|m| m.topics == next[0].topics) {
            for m in &next {
                let kept = m
                    .owned_partitions
                    .iter()
                    .all(|tp| r2[&m.member_id].contains(tp));
                assert!(
                    kept,
                    "case {case}: {} lost a partition when another member left",
                    m.member_id
                );
            }
        }
    }
}

#[test]
fn c14_property_cooperative_never_moves_a_partition_directly() {
    let mut g = Gen(1414);
    for case in 0..200 {
        let (counts, members) = random_group(&mut g);
        let r1 = run(AssignorKind::CooperativeSticky, &counts, &members);
        let r1 =
            settle(&counts, members.clone(), r1).unwrap_or_else(|e| panic!("case {case}: {e}"));
        // A new member joins the settled group.
        let mut next = next_generation(&members, &r1, 2);
        let mut newcomer = Subscription::new("newcomer", &[]);
        newcomer.topics = members[0].topics.clone();
        next.push(newcomer);
        let r2 = run(AssignorKind::CooperativeSticky, &counts, &next);
        settle(&counts, next, r2).unwrap_or_else(|e| panic!("case {case} after join: {e}"));
    }
}

#[test]
fn c13_property_results_do_not_depend_on_map_key_order_for_distinct_hashes() {
    // Member ids with distinct hash buckets: the join order cannot matter.
    let mut g = Gen(13);
    for _ in 0..100 {
        let (counts, members) = random_group(&mut g);
        let members: Vec<Subscription> = members
            .into_iter()
            .filter(|m| m.member_id != "BB")
            .collect();
        let mut reversed = members.clone();
        reversed.reverse();
        for kind in AssignorKind::ALL {
            assert_eq!(
                assign_in_join_order(kind, &counts, &members),
                assign_in_join_order(kind, &counts, &reversed),
                "{kind:?}"
            );
        }
    }
}
