//! Checkpoints for scrubbing back: copies of the simulation taken as a run moves forward, so
//! that going back to a moment replays from the latest copy before it instead of from time 0.
//!
//! A copy is only valid for the run it was taken from: its applied commands must begin the
//! run's script. Restoring one gives it the rest of the script to replay (a fork may have
//! replaced the future it was taken with), then runs it to the moment asked for. Since the
//! simulation is deterministic, the result is the same simulation a replay from the start
//! reaches, event for event.
//!
//! A copy holds every record of the run, so copies are spaced out in virtual time, few, and
//! not taken at all once the run holds more than [`MAX_RECORDS`] records.

use crate::sim::{ScriptEntry, Simulation};

/// Virtual time between two copies.
pub const EVERY_MS: u64 = 30_000;
/// Copies kept; when full, every other one is dropped so the rest spread over the run.
pub const MAX_KEPT: usize = 8;
/// Runs holding more records than this are not copied (memory).
pub const MAX_RECORDS: u64 = 50_000;

/// The copies of one run, oldest first.
#[derive(Clone, Debug, Default)]
pub struct Checkpoints {
    kept: Vec<Simulation>,
}

fn records(sim: &Simulation) -> u64 {
    sim.topics()
        .flat_map(|t| t.partitions())
        .map(|p| p.len())
        .sum()
}

impl Checkpoints {
    /// Takes a copy of `sim` if the last one is [`EVERY_MS`] behind it (the page calls this
    /// whenever the run has moved forward).
    pub fn offer(&mut self, sim: &Simulation) {
        let last = self.kept.last().map_or(0, Simulation::now_ms);
        if sim.now_ms() < last.saturating_add(EVERY_MS) || records(sim) > MAX_RECORDS {
            return;
        }
        if self.kept.len() == MAX_KEPT {
            let mut i = 0;
            self.kept.retain(|_| {
                i += 1;
                i % 2 == 0
            });
        }
        self.kept.push(sim.clone());
    }

    /// Drops the copies taken after `t_ms`: the run forked there.
    pub fn forget_after(&mut self, t_ms: u64) {
        self.kept.retain(|c| c.now_ms() < t_ms);
    }

    /// Drops every copy: another scenario was loaded.
    pub fn clear(&mut self) {
        self.kept.clear();
    }

    /// How many copies are kept.
    pub fn len(&self) -> usize {
        self.kept.len()
    }

    /// Whether no copy is kept.
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// The latest copy at or before `t_ms` of the run whose whole script is `script`.
    fn best(&self, t_ms: u64, script: &[ScriptEntry]) -> Option<&Simulation> {
        self.kept
            .iter()
            .rev()
            .find(|c| c.now_ms() <= t_ms && script.starts_with(c.script()))
    }

    /// The moment of the copy [`Checkpoints::restore`] would start from, if any.
    pub fn best_ms(&self, t_ms: u64, script: &[ScriptEntry]) -> Option<u64> {
        self.best(t_ms, script).map(Simulation::now_ms)
    }

    /// The run whose whole script is `script`, at `t_ms`: the latest valid copy at or before
    /// `t_ms`, given the rest of the script and run forward. `None` when no copy fits (then
    /// replay from the start).
    pub fn restore(&self, t_ms: u64, script: &[ScriptEntry]) -> Option<Simulation> {
        let copy = self.best(t_ms, script)?;
        let mut sim = copy.clone();
        sim.replace_pending_script(script[copy.script().len()..].to_vec());
        sim.run_until(t_ms);
        Some(sim)
    }
}
