//! Scrubbing back from checkpoints reaches exactly the simulation a replay from the start
//! reaches, also after the run forked.

mod common;

use kplay_engine::checkpoint::{Checkpoints, EVERY_MS, MAX_KEPT};
use kplay_engine::group::GroupConfig;
use kplay_engine::scenario::Scenario;
use kplay_engine::trace::MilestoneKind;
use kplay_engine::{Command, Simulation};

fn scenario() -> Scenario {
    common::orders(21, 3, 5.0, 2, GroupConfig::default())
}

/// A fresh replay of `script` to `t_ms`.
fn replay(script: &[kplay_engine::sim::ScriptEntry], t_ms: u64) -> Simulation {
    let mut s = scenario();
    s.script = script.to_vec();
    let mut sim = s.build().unwrap();
    sim.run_until(t_ms);
    sim
}

fn same(a: &Simulation, b: &Simulation) {
    assert_eq!(a.now_ms(), b.now_ms());
    assert_eq!(a.trace().total(), b.trace().total());
    assert_eq!(a.trace().hash(), b.trace().hash());
    assert_eq!(a.counters().events, b.counters().events);
    assert_eq!(a.milestones(), b.milestones());
}

#[test]
fn restoring_a_checkpoint_reaches_the_replayed_simulation() {
    let mut live = scenario().build().unwrap();
    let mut copies = Checkpoints::default();
    live.run_until(40_000);
    live.apply(Command::CrashConsumer {
        consumer: "group-a-1".into(),
    })
    .unwrap();
    for t in (1..=300).map(|s| s * 1_000) {
        live.run_until(t);
        copies.offer(&live);
        if t == 150_000 {
            live.apply(Command::RestartConsumer {
                consumer: "group-a-1".into(),
            })
            .unwrap();
        }
    }
    assert!(
        copies.len() >= 4 && copies.len() <= MAX_KEPT,
        "{}",
        copies.len()
    );
    let script = live.full_script();
    assert!(
        copies.restore(29_999, &script).is_none(),
        "no copy before {EVERY_MS} ms"
    );
    let mut restored_at = 0;
    for t in (0..300_000)
        .step_by(7_500)
        .chain([150_000, 151_000, 299_999])
    {
        if let Some(restored) = copies.restore(t, &script) {
            same(&restored, &replay(&script, t));
            restored_at += 1;
        }
    }
    assert!(restored_at >= 30, "{restored_at}");
    // The timeline's marks: the first rebalance, the crash, the rebalances it and the
    // restart cause.
    let marks: Vec<_> = live
        .milestones()
        .iter()
        .map(|m| (m.kind, m.what.as_str()))
        .collect();
    assert!(
        marks.contains(&(MilestoneKind::Crash, "group-a-1 crashed")),
        "{marks:?}"
    );
    let crash = live
        .milestones()
        .iter()
        .find(|m| m.kind == MilestoneKind::Crash)
        .unwrap();
    assert_eq!(crash.at_ms, 40_000);
    let rebalances = marks
        .iter()
        .filter(|(k, _)| *k == MilestoneKind::Rebalance)
        .count();
    assert!(rebalances >= 3, "{marks:?}");
    // Going on from a restored copy gives the live run.
    let mut restored = copies.restore(200_000, &script).unwrap();
    restored.run_until(300_000);
    same(&restored, &live);
}

#[test]
fn a_fork_drops_the_copies_after_it_and_restores_with_the_new_future() {
    let mut live = scenario().build().unwrap();
    let mut copies = Checkpoints::default();
    for t in (1..=200).map(|s| s * 1_000) {
        live.run_until(t);
        copies.offer(&live);
        if t == 120_000 {
            live.apply(Command::CrashConsumer {
                consumer: "group-a-2".into(),
            })
            .unwrap();
        }
    }
    // Back to 70 s and act differently there: the crash at 120 s is discarded.
    let script = live.full_script();
    let mut forked = copies.restore(70_000, &script).unwrap();
    forked
        .apply(Command::AddConsumer {
            group: "group-a".into(),
        })
        .unwrap();
    forked.discard_pending_script();
    copies.forget_after(70_000);
    assert!(copies.len() >= 2, "copies before the fork stay");
    for t in (71..=200).map(|s| s * 1_000) {
        forked.run_until(t);
        copies.offer(&forked);
    }
    let new_script = forked.full_script();
    assert_ne!(new_script, script);
    for t in [30_000, 69_000, 70_000, 130_000, 190_000] {
        same(
            &copies.restore(t, &new_script).unwrap(),
            &replay(&new_script, t),
        );
    }
    // A copy of the old future is never used for the new one.
    assert!(copies
        .restore(130_000, &script)
        .is_none_or(|s| s.now_ms() == 130_000));
}

#[test]
fn copies_are_spaced_and_big_runs_are_not_copied() {
    let mut sim = scenario().build().unwrap();
    let mut copies = Checkpoints::default();
    for t in (1..=100).map(|s| s * 1_000) {
        sim.run_until(t);
        copies.offer(&sim);
    }
    assert_eq!(copies.len() as u64, 100_000 / EVERY_MS);
    let mut big = common::orders(3, 3, 20_000.0, 1, GroupConfig::default())
        .build()
        .unwrap();
    let mut none = Checkpoints::default();
    big.run_until(EVERY_MS);
    none.offer(&big);
    assert!(none.is_empty(), "600 000 records are not copied");
}
