//! The engine as the page sees it: the simulation, the scenario it replays from, and the clock
//! that drives it from animation frames.
//!
//! Components read through [`Engine::read`] (which subscribes them to changes) and act through
//! [`Engine::apply`]; nothing else mutates the simulation.

use std::sync::Arc;

use kplay_engine::checkpoint::Checkpoints;
use kplay_engine::scenario::Scenario;
use kplay_engine::trace::{Milestone, TraceRetention};
use kplay_engine::{Command, CommandError, Outcome, Simulation};
use leptos::prelude::*;

/// Simulation speeds the Speed slider steps through: virtual ms per wall-clock ms.
pub const SPEEDS: [f64; 11] = [
    0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 100.0, 300.0, 1000.0,
];
/// Index of 1× in [`SPEEDS`].
pub const NORMAL_SPEED: usize = 3;
/// Wall-clock time one animation frame may spend simulating, ms. When the simulation cannot
/// keep up with the chosen speed, frames alternate: one simulates for this long without
/// drawing, the next only draws, so that neither outgrows a 60 Hz frame and the clock falls
/// behind the chosen speed instead.
pub const SIM_BUDGET_MS: f64 = 8.0;
/// Events run between two looks at the wall clock.
const EVENTS_PER_CHUNK: u64 = 500;
/// Events a link's replay runs between two counts of the records kept: a producer event
/// appends at most a few hundred records.
const OPEN_CHUNK_EVENTS: u64 = 10_000;
/// Longest wall-clock gap one frame accounts for (a backgrounded tab does not jump ahead).
const MAX_FRAME_MS: f64 = 100.0;
/// Most events one Step runs while looking for one that shows.
const STEP_EVENT_LIMIT: usize = 10_000;
/// Most events replayed when a link opens, so that a link to a very late moment of a busy run
/// cannot freeze the page.
pub const OPEN_EVENT_BUDGET: u64 = 2_000_000;
/// Trace events the page keeps for the event log.
pub const TRACE_WINDOW: usize = 2_000;
/// Most records the page keeps in its topics' logs, some hundreds of MB of the browser's
/// memory. A run that holds more (a fast producer and no retention, played for long) pauses
/// there with a notice, rather than growing until an allocation fails and the page stops.
pub const MAX_PAGE_RECORDS: u64 = 4_000_000;

/// Records in the topics' logs now (what retention has not deleted).
fn records_kept(sim: &Simulation) -> u64 {
    sim.topics()
        .flat_map(|t| t.partitions())
        .map(|p| p.len())
        .sum()
}

/// Why a run that holds [`MAX_PAGE_RECORDS`] records does not go on.
fn full_notice(at_ms: u64) -> String {
    format!(
        "At {} the run holds more than {MAX_PAGE_RECORDS} records, as many as this page keeps: it stops there. Give the topics a retention (Scenario tab) or lower the producers' rates to run further.",
        crate::format_clock(at_ms)
    )
}

/// A scenario built and replayed for the page.
struct Opened {
    /// The run at the moment to show.
    sim: Simulation,
    /// How far it was played: the timeline's end.
    horizon: u64,
    /// What to tell the user about the replay.
    notice: Option<String>,
    /// Copies made on the way.
    copies: Checkpoints,
    /// The timeline's marks up to `horizon`.
    marks: Arc<Vec<Milestone>>,
    /// The charts' samples up to `horizon`.
    history: crate::charts::History,
}

/// Handle to the simulation and its playback state. Cheap to copy; every field is a signal or
/// a stored value.
#[derive(Clone, Copy)]
pub struct Engine {
    sim: StoredValue<Simulation>,
    scenario: StoredValue<Scenario>,
    version: RwSignal<u64>,
    /// Whether the clock runs.
    pub playing: RwSignal<bool>,
    /// Index into [`SPEEDS`].
    pub speed: RwSignal<usize>,
    /// The furthest virtual time reached; the timeline scrubs between 0 and this.
    pub horizon_ms: RwSignal<u64>,
    /// Whether the last frame used up [`SIM_BUDGET_MS`]: the simulation runs as fast as it can.
    pub saturated: RwSignal<bool>,
    /// The last error or notice for the user (shown with role `alert`).
    pub notice: RwSignal<Option<String>>,
    last_frame: StoredValue<Option<f64>>,
    /// The last frame simulated up to its budget without drawing: this one draws.
    draw_pending: StoredValue<bool>,
    /// Samples for the charts.
    history: StoredValue<crate::charts::History>,
    /// How many scenarios were loaded into this handle: views derived from the scenario's
    /// setup (not its clock) track it.
    pub loads: RwSignal<u64>,
    /// Copies of the run that scrubbing back replays from.
    checkpoints: StoredValue<Checkpoints>,
    /// The run as it was before the last action that forked it, until the next action.
    pub fork: RwSignal<Option<Fork>>,
    /// The timeline's marks as far as the last load played, for a run that opens before its
    /// newest moment (a link shared while scrubbed back).
    opened_marks: StoredValue<Arc<Vec<Milestone>>>,
}

/// An action taken at a moment before the newest one: it dropped what came after.
#[derive(Clone, PartialEq)]
pub struct Fork {
    /// The run before the action, open at its newest moment.
    before: Scenario,
    /// The moment the action was taken at.
    pub at_ms: u64,
    /// The newest moment the run had reached.
    pub dropped_to_ms: u64,
}

impl Engine {
    /// A handle for `scenario`, replayed to its `open_at_ms` (time 0 when it has none).
    pub fn new(scenario: Scenario) -> Result<Self, String> {
        let Opened {
            sim,
            horizon,
            notice,
            copies,
            marks,
            history,
        } = Self::open(&scenario)?;
        Ok(Self {
            sim: StoredValue::new(sim),
            scenario: StoredValue::new(Self::setup_of(scenario)),
            version: RwSignal::new(0),
            playing: RwSignal::new(false),
            speed: RwSignal::new(NORMAL_SPEED),
            horizon_ms: RwSignal::new(horizon),
            saturated: RwSignal::new(false),
            notice: RwSignal::new(notice),
            last_frame: StoredValue::new(None),
            draw_pending: StoredValue::new(false),
            history: StoredValue::new(history),
            loads: RwSignal::new(0),
            checkpoints: StoredValue::new(copies),
            fork: RwSignal::new(None),
            opened_marks: StoredValue::new(marks),
        })
    }

    /// Replaces the run with `scenario` (a lesson's preset), paused at its `open_at_ms`.
    pub fn load(&self, scenario: Scenario) -> Result<(), String> {
        let Opened {
            sim,
            horizon,
            notice,
            copies,
            marks,
            history,
        } = Self::open(&scenario)?;
        self.playing.set(false);
        self.opened_marks.set_value(marks);
        self.sim.set_value(sim);
        self.scenario.set_value(Self::setup_of(scenario));
        self.history.set_value(history);
        self.checkpoints.set_value(copies);
        self.loads.update(|n| *n += 1);
        self.horizon_ms.set(horizon);
        self.notice.set(notice);
        self.fork.set(None);
        self.version.update(|v| *v += 1);
        Ok(())
    }

    /// Builds `scenario` and replays it to its `played_to_ms` (or its `open_at_ms`), within
    /// [`OPEN_EVENT_BUDGET`], copying the run on the way; then goes back to `open_at_ms`.
    fn open(scenario: &Scenario) -> Result<Opened, String> {
        let mut sim = scenario.build().map_err(|e| e.to_string())?;
        sim.set_trace_retention(TraceRetention::Newest(TRACE_WINDOW));
        let open_at = scenario.open_at_ms.unwrap_or(0);
        let mut horizon = scenario.played_to_ms.unwrap_or(0).max(open_at);
        let mut notice = None;
        // Copies made on the way let scrubbing back (and going back to `open_at`) start
        // from a copy.
        let mut copies = Checkpoints::default();
        let mut budget = OPEN_EVENT_BUDGET;
        let mut reached;
        let mut full;
        let mut history = crate::charts::History::default();
        history.record(&sim);
        // At least once: a run opened at 0 has run the events of time 0, as one scrubbed or
        // stepped there has.
        loop {
            // A second at a time: the charts get a sample for each, as if it had played.
            let step_to = horizon.min(crate::charts::next_sample_ms(sim.now_ms()));
            // In chunks, so that the records are counted before they can outgrow the page.
            let before = sim.counters().events;
            let done = sim.run_until_bounded(step_to, budget.min(OPEN_CHUNK_EVENTS));
            budget -= (sim.counters().events - before).min(budget);
            reached = done || budget > 0;
            copies.offer(&sim);
            history.record(&sim);
            full = records_kept(&sim) > MAX_PAGE_RECORDS;
            if sim.now_ms() >= horizon || !reached || full {
                break;
            }
        }
        if full && sim.now_ms() < horizon {
            horizon = sim.now_ms();
            notice = Some(full_notice(horizon));
        } else if !reached {
            let wanted = horizon;
            horizon = sim.now_ms();
            notice = Some(if open_at > horizon {
                format!(
                    "This link's moment needs more than {OPEN_EVENT_BUDGET} events to replay; the run stops at {} instead. Press Play to go on.",
                    crate::format_clock(horizon)
                )
            } else {
                format!(
                    "This link's run went on to {}, but replaying that far takes more than {OPEN_EVENT_BUDGET} events: the timeline ends at {}.",
                    crate::format_clock(wanted),
                    crate::format_clock(horizon)
                )
            });
        }
        let marks = Arc::new(sim.milestones().to_vec());
        let shown = open_at.min(horizon);
        if shown < sim.now_ms() {
            sim = match copies.restore(shown, &sim.full_script()) {
                Some(copy) => copy,
                None => {
                    let mut again = scenario.build().map_err(|e| e.to_string())?;
                    again.set_trace_retention(TraceRetention::Newest(TRACE_WINDOW));
                    again.run_until(shown);
                    again
                }
            };
        }
        crate::panic_panel::remember_run(scenario.clone());
        crate::panic_panel::remember_moment(shown);
        Ok(Opened {
            sim,
            horizon,
            notice,
            copies,
            marks,
            history,
        })
    }

    /// The scenario without its script and opening moment: what replays start from.
    fn setup_of(scenario: Scenario) -> Scenario {
        Scenario {
            script: Vec::new(),
            open_at_ms: None,
            played_to_ms: None,
            ..scenario
        }
    }

    /// Runs forward to virtual time `t_ms` (a lesson step's moment), extending the timeline.
    pub fn run_to(&self, t_ms: u64) {
        // A second at a time, so that the charts have the same samples as if it had played.
        self.sim.update_value(|sim| {
            self.history.update_value(|h| {
                h.run_sampled(sim, t_ms, u64::MAX, |_| true);
            });
        });
        self.changed();
    }

    /// Reads the simulation and subscribes the caller to its changes.
    pub fn read<T>(&self, f: impl FnOnce(&Simulation) -> T) -> T {
        self.version.track();
        self.sim.with_value(f)
    }

    /// Reads the simulation without subscribing.
    pub fn peek<T>(&self, f: impl FnOnce(&Simulation) -> T) -> T {
        self.sim.with_value(f)
    }

    /// The charts' samples, subscribing the caller to changes.
    pub fn history(&self) -> crate::charts::History {
        self.version.track();
        // Samples past the moment on screen are kept for going forward again (the run ahead is
        // the same until an action forks it), but not shown.
        let mut history = self.history.get_value();
        history.truncate_after(self.peek(Simulation::now_ms));
        history
    }

    fn changed(&self) {
        self.sim.with_value(|sim| {
            self.history.update_value(|h| h.record(sim));
            self.checkpoints.update_value(|c| c.offer(sim));
        });
        let now = self.peek(Simulation::now_ms);
        crate::panic_panel::remember_moment(now);
        self.horizon_ms.update(|h| *h = (*h).max(now));
        self.version.update(|v| *v += 1);
    }

    /// Applies a user action at the current moment. Acting in the past forks the run: the
    /// actions that came later are dropped, and the timeline ends here.
    pub fn apply(&self, command: Command) -> Result<Outcome, CommandError> {
        let horizon = self.horizon_ms.get_untracked();
        let now = self.peek(Simulation::now_ms);
        let before = (now < horizon).then(|| Scenario {
            open_at_ms: Some(horizon),
            played_to_ms: None,
            ..self.scenario()
        });
        let result = self
            .sim
            .try_update_value(|sim| {
                // Acting in the past forks the run; at the newest moment, the scenario's own
                // later actions (a lesson's scripted crash) still happen.
                let forked = sim.now_ms() < self.horizon_ms.get_untracked();
                let result = sim.apply(command);
                if result.is_ok() && forked {
                    sim.discard_pending_script();
                    self.checkpoints
                        .update_value(|c| c.forget_after(sim.now_ms()));
                    self.history
                        .update_value(|h| h.truncate_after(sim.now_ms()));
                }
                result
            })
            .expect("the simulation lives as long as the page");
        if result.is_ok() {
            let now = self.peek(Simulation::now_ms);
            self.horizon_ms.set(now);
            self.notice.set(None);
            self.fork.set(before.map(|before| Fork {
                before,
                at_ms: now,
                dropped_to_ms: horizon,
            }));
            crate::panic_panel::remember_run(self.scenario());
            crate::panic_panel::remember_moment(now);
            crate::share::keep_address_current(*self);
        }
        self.version.update(|v| *v += 1);
        result
    }

    /// Takes back the last action that forked the run: the run is as it was, at the moment
    /// the action was taken.
    pub fn undo_fork(&self) {
        let Some(fork) = self.fork.get_untracked() else {
            return;
        };
        match self.load(fork.before) {
            Ok(()) => self.scrub_to(fork.at_ms),
            Err(e) => self
                .notice
                .set(Some(format!("the run could not be restored: {e}"))),
        }
    }

    /// The timeline's marks as far as the last load played.
    pub fn opened_marks(&self) -> Arc<Vec<Milestone>> {
        self.opened_marks.get_value()
    }

    /// Shows a refused action's reason to the user; success needs no message.
    pub fn report<T>(&self, result: Result<T, CommandError>) {
        if let Err(e) = result {
            self.notice.set(Some(e.to_string()));
        }
    }

    /// Runs events (or script entries) up to the next one that shows and the rest of its
    /// millisecond, the Step button.
    pub fn step(&self) {
        self.playing.set(false);
        self.sim.update_value(|sim| {
            self.history
                .update_value(|h| h.sample_up_to_next_event(sim));
            sim.step_to_visible(STEP_EVENT_LIMIT);
        });
        self.changed();
    }

    /// Starts or stops the clock.
    pub fn toggle(&self) {
        let playing = !self.playing.get_untracked();
        if playing {
            let at = self.peek(|sim| (records_kept(sim) > MAX_PAGE_RECORDS).then(|| sim.now_ms()));
            if let Some(at) = at {
                self.notice.set(Some(full_notice(at)));
                return;
            }
        }
        self.playing.set(playing);
        self.last_frame.set_value(None);
        if playing {
            self.schedule_frame();
        }
    }

    /// One step slower or faster.
    pub fn nudge_speed(&self, faster: bool) {
        self.speed.update(|s| {
            *s = if faster {
                (*s + 1).min(SPEEDS.len() - 1)
            } else {
                s.saturating_sub(1)
            };
        });
    }

    /// Moves to virtual time `t_ms` (clamped to the part already simulated): forward by
    /// running, backward by replaying from the latest checkpoint before `t_ms` (from the start
    /// of the scenario when there is none).
    pub fn scrub_to(&self, t_ms: u64) {
        let t_ms = t_ms.min(self.horizon_ms.get_untracked());
        let now = self.peek(Simulation::now_ms);
        let script = self.peek(Simulation::full_script);
        // A copy helps going back, and going forward past it.
        let restored = self.checkpoints.with_value(|c| {
            let from = c.best_ms(t_ms, &script)?;
            (t_ms < now || from > now).then(|| c.restore(t_ms, &script))?
        });
        if let Some(sim) = restored {
            self.sim.set_value(sim);
        } else if t_ms < now {
            let scenario = Scenario {
                script,
                ..self.scenario.get_value()
            };
            match scenario.build() {
                Ok(mut sim) => {
                    sim.set_trace_retention(TraceRetention::Newest(TRACE_WINDOW));
                    sim.run_until(t_ms);
                    self.sim.set_value(sim);
                }
                Err(e) => self
                    .notice
                    .set(Some(format!("cannot replay this run: {e}"))),
            }
        } else {
            self.sim.update_value(|sim| sim.run_until(t_ms));
        }
        let now = self.peek(Simulation::now_ms);
        crate::panic_panel::remember_moment(now);
        self.version.update(|v| *v += 1);
    }

    /// The scenario being run, with every action taken so far as its script, opening at the
    /// current moment: what a share link carries.
    pub fn scenario(&self) -> Scenario {
        Scenario {
            script: self.peek(Simulation::full_script),
            open_at_ms: Some(self.peek(Simulation::now_ms)).filter(|&t| t > 0),
            // Shared while scrubbed back, the link keeps the rest of the timeline.
            played_to_ms: Some(self.horizon_ms.get_untracked())
                .filter(|&t| t > self.peek(Simulation::now_ms)),
            ..self.scenario.get_value()
        }
    }

    fn schedule_frame(&self) {
        let engine = *self;
        let _ = request_animation_frame_with_handle(move || engine.frame());
    }

    /// One animation frame: virtual time advances by wall time × speed, within a work budget.
    fn frame(&self) {
        if !self.playing.get_untracked() {
            return;
        }
        let wall = window().performance().map_or(0.0, |p| p.now());
        let elapsed = self
            .last_frame
            .get_value()
            .map_or(0.0, |last| (wall - last).clamp(0.0, MAX_FRAME_MS));
        self.last_frame.set_value(Some(wall));
        let speed = SPEEDS[self.speed.get_untracked()];
        let advance = (elapsed * speed).round() as u64;
        if self.draw_pending.get_value() {
            self.draw_pending.set_value(false);
            self.changed();
        } else if advance > 0 {
            let performance = window().performance();
            let mut reached = true;
            self.sim.update_value(|sim| {
                let target = sim.now_ms() + advance;
                self.history.update_value(|h| {
                    reached = h.run_sampled(sim, target, EVENTS_PER_CHUNK, |sim| {
                        let now = performance.as_ref().map_or(f64::INFINITY, |p| p.now());
                        now - wall < SIM_BUDGET_MS && records_kept(sim) <= MAX_PAGE_RECORDS
                    });
                });
            });
            self.saturated.set(!reached);
            let at = self.peek(|sim| (records_kept(sim) > MAX_PAGE_RECORDS).then(|| sim.now_ms()));
            if let Some(at) = at {
                self.playing.set(false);
                self.notice.set(Some(full_notice(at)));
            }
            if reached {
                self.changed();
            } else {
                self.draw_pending.set_value(true);
            }
        }
        self.schedule_frame();
    }
}
