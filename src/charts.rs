//! Charts over virtual time: each consumer group's lag, one group's lag per partition, and the
//! records produced per second.
//!
//! The page samples the simulation at most once per virtual second ([`History::record`]); a
//! scrub back or a new scenario drops the samples after the new moment, so the charts always
//! show the run that is on screen. The sampling and the scaling are pure and tested natively;
//! [`Charts`] draws them as SVG.

use kplay_engine::assignor::TopicPartition;
use kplay_engine::group::GroupRole;
use kplay_engine::Simulation;
use leptos::prelude::*;

/// Virtual time between two samples, ms.
pub const SAMPLE_EVERY_MS: u64 = 1_000;
/// Most samples kept; older ones are thinned out, so a long run keeps its whole shape.
pub const MAX_SAMPLES: usize = 600;

/// One moment of the run.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// Virtual time, ms.
    pub t_ms: u64,
    /// Records ever appended to the user's topics (log end offsets summed).
    pub produced: u64,
    /// Each user group's total lag, in the order of [`History::groups`].
    pub lags: Vec<u64>,
    /// Each group's lag per partition, in the order of [`History::partitions`].
    pub partition_lags: Vec<u64>,
}

/// The samples of the run on screen.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// The user's groups, by id, in the order they appeared.
    pub groups: Vec<String>,
    /// (group, partition as `topic-N`) pairs, in the order they appeared.
    pub partitions: Vec<(String, String)>,
    /// Samples in time order.
    pub samples: Vec<Sample>,
}

/// The next moment a sample is due after `now_ms`: the next whole virtual second.
pub fn next_sample_ms(now_ms: u64) -> u64 {
    (now_ms / SAMPLE_EVERY_MS + 1) * SAMPLE_EVERY_MS
}

impl History {
    /// Adds a sample of `sim` when it stands at a whole virtual second not sampled yet.
    /// Samples only there, whatever moments the page stops at, make the charts of a run the
    /// same however it was cut into frames: a shared link's charts are the sender's.
    pub fn record(&mut self, sim: &Simulation) {
        let now = sim.now_ms();
        if !now.is_multiple_of(SAMPLE_EVERY_MS)
            || self.samples.last().is_some_and(|last| now <= last.t_ms)
        {
            return;
        }
        let (produced, lags) = measure(sim);
        for (id, _, per_partition) in &lags {
            if !self.groups.contains(id) {
                self.groups.push(id.clone());
            }
            for (tp, _) in per_partition {
                let key = (id.clone(), tp.clone());
                if !self.partitions.contains(&key) {
                    self.partitions.push(key);
                }
            }
        }
        let group_lags = self
            .groups
            .iter()
            .map(|id| {
                lags.iter()
                    .find(|(g, _, _)| g == id)
                    .map_or(0, |(_, l, _)| *l)
            })
            .collect();
        let partition_lags = self
            .partitions
            .iter()
            .map(|(id, tp)| {
                lags.iter()
                    .find(|(g, _, _)| g == id)
                    .and_then(|(_, _, per)| per.iter().find(|(p, _)| p == tp))
                    .map_or(0, |(_, l)| *l)
            })
            .collect();
        self.samples.push(Sample {
            t_ms: now,
            produced,
            lags: group_lags,
            partition_lags,
        });
        if self.samples.len() > MAX_SAMPLES {
            // Keep every other sample: the same span at half the resolution.
            let mut keep = false;
            self.samples.retain(|_| {
                keep = !keep;
                keep
            });
        }
    }

    /// Runs `sim` to `target_ms`, stopping at each whole second on the way for its sample.
    /// Runs at most `chunk_events` events at a time; after a chunk that did not get to the
    /// next stop, or past a stop short of the target, `keep_going` may end the run early:
    /// then it returns `false`.
    pub fn run_sampled(
        &mut self,
        sim: &mut Simulation,
        target_ms: u64,
        chunk_events: u64,
        mut keep_going: impl FnMut(&Simulation) -> bool,
    ) -> bool {
        self.record(sim);
        loop {
            let stop = target_ms.min(next_sample_ms(sim.now_ms()));
            if sim.run_until_bounded(stop, chunk_events) {
                self.record(sim);
                if stop >= target_ms {
                    return true;
                }
            }
            if !keep_going(sim) {
                return false;
            }
        }
    }

    /// Before a step to the next event (the Step button): runs to each whole second before
    /// it and takes its sample, as playing would have.
    pub fn sample_up_to_next_event(&mut self, sim: &mut Simulation) {
        // A day of seconds at most: a step past a longer quiet spell leaves a gap.
        for _ in 0..86_400 {
            let due = next_sample_ms(sim.now_ms());
            if sim.next_event_ms().is_none_or(|at| at <= due) {
                return;
            }
            sim.run_until(due);
            self.record(sim);
        }
    }

    /// Forgets the samples after `t_ms` (the timeline moved back).
    pub fn truncate_after(&mut self, t_ms: u64) {
        self.samples.retain(|s| s.t_ms <= t_ms);
    }

    /// Records per second between consecutive samples, at the later sample's time, rounded
    /// to the nearest whole record (samples may be more than a second apart: after a long run
    /// is thinned, or a step over an hour-long quiet spell).
    pub fn throughput(&self) -> Vec<(u64, u64)> {
        self.samples
            .windows(2)
            .map(|w| {
                let dt = (w[1].t_ms - w[0].t_ms).max(1);
                let records = w[1].produced.saturating_sub(w[0].produced);
                (w[1].t_ms, (records * 1000 + dt / 2) / dt)
            })
            .collect()
    }

    /// One group's lag over time.
    pub fn lag_series(&self, group: usize) -> Vec<(u64, u64)> {
        self.samples
            .iter()
            .map(|s| (s.t_ms, s.lags.get(group).copied().unwrap_or(0)))
            .collect()
    }

    /// Each partition's lag over time for `group`, named by partition.
    pub fn partition_series(&self, group: &str) -> Vec<(String, Vec<(u64, u64)>)> {
        self.partitions
            .iter()
            .enumerate()
            .filter(|(_, (g, _))| g == group)
            .map(|(i, (_, tp))| {
                let series = self
                    .samples
                    .iter()
                    .map(|s| (s.t_ms, s.partition_lags.get(i).copied().unwrap_or(0)))
                    .collect();
                (tp.clone(), series)
            })
            .collect()
    }
}

/// A group's id, its total lag, and its lag per partition (`topic-N`).
pub type GroupLag = (String, u64, Vec<(String, u64)>);

/// Records appended so far, and each user group's lag, in total and per partition: the end
/// offset minus the committed offset, a partition without a committed offset counting from
/// its log start ([`Simulation::backlog`]).
pub fn measure(sim: &Simulation) -> (u64, Vec<GroupLag>) {
    let produced = sim
        .topics()
        .filter(|t| !t.name().starts_with("__"))
        .flat_map(|t| t.partitions())
        .map(|log| log.log_end_offset())
        .sum();
    let lags = sim
        .groups()
        .iter()
        .filter(|g| g.role == GroupRole::Main)
        .map(|g| {
            let per_partition: Vec<(String, u64)> = g
                .topics
                .iter()
                .filter_map(|name| sim.topics().find(|t| t.name() == name))
                .flat_map(|t| (0..t.partition_count()).map(move |p| (t, p)))
                .map(|(t, p)| {
                    let tp = TopicPartition::new(t.name(), p);
                    let lag = sim.backlog(g, &tp).unwrap_or(0);
                    (tp.to_string(), lag)
                })
                .collect();
            let total = per_partition.iter().map(|(_, l)| l).sum();
            (g.id.clone(), total, per_partition)
        })
        .collect();
    (produced, lags)
}

/// Chart size in SVG units.
const W: u64 = 600;
const H: u64 = 140;
const PAD: u64 = 34;

/// SVG polyline points for `series`, scaled to the plot with time from 0 to `t_max` and values
/// from 0 to `v_max`; integer coordinates.
pub fn points(series: &[(u64, u64)], t_max: u64, v_max: u64) -> String {
    let (t_max, v_max) = (t_max.max(1), v_max.max(1));
    let plot_w = W - PAD - 8;
    let plot_h = H - 20 - 8;
    let mut points = series
        .iter()
        .map(|&(t, v)| {
            let x = PAD + t.min(t_max) * plot_w / t_max;
            let y = 8 + plot_h - v.min(v_max) * plot_h / v_max;
            format!("{x},{y}")
        })
        .collect::<Vec<_>>();
    // One sample (just after a scrub back) is a line of no length: its round caps draw a dot.
    if let [only] = points.as_slice() {
        points.push(only.clone());
    }
    points.join(" ")
}

/// A round axis maximum at or above `v`: 1, 2 or 5 times a power of ten.
pub fn nice_max(v: u64) -> u64 {
    let mut scale = 1;
    loop {
        for step in [1, 2, 5] {
            if step * scale >= v {
                return step * scale;
            }
        }
        scale *= 10;
    }
}

const COLOURS: [&str; 6] = [
    "#2E7D32", "#6A1B9A", "#00838F", "#AD1457", "#4E342E", "#283593",
];

/// One chart: a line per series, a legend, the time axis.
fn chart(title: String, lines: Vec<(String, Vec<(u64, u64)>)>, t_max: u64) -> impl IntoView {
    let v_max = nice_max(
        lines
            .iter()
            .flat_map(|(_, s)| s.iter().map(|&(_, v)| v))
            .max()
            .unwrap_or(0),
    );
    let summary = lines
        .iter()
        .map(|(name, s)| format!("{name} {}", s.last().map_or(0, |&(_, v)| v)))
        .collect::<Vec<_>>()
        .join(", ");
    let label = format!("{title}: now {summary}; axis up to {v_max}");
    let legend = lines
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            view! { <span class="legend-item"><span class="swatch" style=format!("background:{}", COLOURS[i % COLOURS.len()])></span>{name.clone()}</span> }
        })
        .collect_view();
    let polylines = lines
        .iter()
        .enumerate()
        .map(|(i, (_, s))| {
            view! { <polyline class="series" points=points(s, t_max, v_max) style=format!("stroke:{}", COLOURS[i % COLOURS.len()])/> }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <figcaption>{title}" "{legend}</figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=label>
                <line class="axis" x1=PAD y1="8" x2=PAD y2=H - 20/>
                <line class="axis" x1=PAD y1=H - 20 x2=W - 8 y2=H - 20/>
                <text class="tick end" x=PAD - 4 y="14">{v_max.to_string()}</text>
                <text class="tick end" x=PAD - 4 y=H - 20>"0"</text>
                <text class="tick" x=PAD y=H - 6>"0:00"</text>
                <text class="tick end" x=W - 8 y=H - 6>{crate::format_clock(t_max)}</text>
                {polylines}
            </svg>
        </figure>
    }
}

/// The charts tab: lag per group, one group's lag per partition, and throughput, over the
/// run so far.
#[component]
pub fn Charts() -> impl IntoView {
    let engine = expect_context::<crate::Engine>();
    let picked = RwSignal::new(None::<String>);
    move || {
        let history = engine.history();
        let group = picked
            .get()
            .filter(|g| history.groups.contains(g))
            .or_else(|| history.groups.first().cloned());
        let per_partition = group.clone().map(|g| {
            let options = history
                .groups
                .iter()
                .map(|id| view! { <option value=id.clone() selected=Some(id) == group.as_ref()>{id.clone()}</option> })
                .collect_view();
            // One grid cell: the picker stays above the chart it picks for.
            view! {
                <div>
                    <label class="chart-pick">
                        "Lag per partition of group "
                        <select on:change=move |ev| picked.set(Some(event_target_value(&ev)))>{options}</select>
                    </label>
                    {chart(format!("Lag per partition of {g} (records)"), history.partition_series(&g), history.samples.last().map_or(0, |s| s.t_ms))}
                </div>
            }
        });
        let t_max = history.samples.last().map_or(0, |s| s.t_ms);
        let lags = history
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| (g.clone(), history.lag_series(i)))
            .collect();
        view! {
            <div class="charts">
                {chart("Lag per consumer group (records)".into(), lags, t_max)}
                {per_partition}
                {chart(
                    "Throughput (records/s produced)".into(),
                    vec![("all topics".into(), history.throughput())],
                    t_max,
                )}
                <p class="hint">
                    "Sampled once per virtual second, up to the moment on screen. A partition the group has not committed on yet counts here from its log start; kafka-consumer-groups, the Consumer groups table and the Inspector's Lag leave it out."
                </p>
            </div>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kplay_engine::scenario::Scenario;

    fn run(seconds: u64) -> (Simulation, History) {
        let mut sim = crate::default_scenario(7).build().unwrap();
        let mut history = History::default();
        for _ in 0..seconds * 4 {
            sim.run_for(250);
            history.record(&sim);
        }
        (sim, history)
    }

    #[test]
    fn one_sample_per_virtual_second_with_each_groups_lag() {
        let (mut sim, mut history) = run(20);
        assert_eq!(history.groups, ["group-a"]);
        assert!(
            (20..=21).contains(&history.samples.len()),
            "{}",
            history.samples.len()
        );
        // A second later a sample is due: it holds what the simulation says now.
        sim.run_for(SAMPLE_EVERY_MS);
        history.record(&sim);
        let last = history.samples.last().unwrap();
        assert_eq!(last.t_ms, sim.now_ms());
        let (produced, lags) = measure(&sim);
        assert_eq!(last.produced, produced);
        assert_eq!(last.lags, [lags[0].1]);
        // Per partition, the same lag split three ways, named as Kafka names partitions.
        let parts = history.partition_series("group-a");
        assert_eq!(
            parts.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(),
            ["order-events-0", "order-events-1", "order-events-2"]
        );
        let now: u64 = parts.iter().map(|(_, s)| s.last().unwrap().1).sum();
        assert_eq!(now, lags[0].1);
        assert_eq!(lags[0].2.iter().map(|(_, l)| l).sum::<u64>(), lags[0].1);
        // The producers send 3 records/s in all: throughput says so once the run is going.
        let rates: Vec<u64> = history.throughput().iter().map(|&(_, r)| r).collect();
        let mean = rates.iter().sum::<u64>() / rates.len() as u64;
        assert!((2..=4).contains(&mean), "{rates:?}");
    }

    /// The page stops at each whole virtual second for its sample, whatever its frames: a
    /// run cut into frames of any size, a run opened from a link (one call) and a run stepped
    /// event by event have the same samples, and throughput is the producers' 3 records a second.
    #[test]
    fn samples_fall_on_whole_seconds_however_the_run_is_cut() {
        let frames = |sizes: &[u64]| {
            let mut sim = crate::default_scenario(7).build().unwrap();
            let mut history = History::default();
            for &size in sizes.iter().cycle() {
                let target = (sim.now_ms() + size).min(30_000);
                assert!(history.run_sampled(&mut sim, target, 50, |_| true));
                if target == 30_000 {
                    break;
                }
            }
            history
        };
        let at_10x = frames(&[167]);
        assert_eq!(at_10x, frames(&[1, 999, 1_536, 17, 4_000]));
        assert_eq!(at_10x, frames(&[30_000]));
        let mut sim = crate::default_scenario(7).build().unwrap();
        let mut stepped = History::default();
        stepped.record(&sim);
        while sim.now_ms() < 30_000 {
            stepped.sample_up_to_next_event(&mut sim);
            sim.step_to_visible(1_000);
            stepped.record(&sim);
        }
        stepped.truncate_after(30_000);
        assert_eq!(stepped, at_10x);
        let times: Vec<u64> = at_10x.samples.iter().map(|s| s.t_ms).collect();
        assert_eq!(times, (0..=30).map(|s| s * 1_000).collect::<Vec<_>>());
        let rates: Vec<u64> = at_10x
            .throughput()
            .iter()
            .map(|&(_, r)| r)
            .skip(5)
            .collect();
        assert!(rates.iter().all(|&r| r == 3), "{rates:?}");
    }

    /// A step over a quiet spell (nothing happens for seconds) takes the samples on the way.
    #[test]
    fn a_step_over_quiet_seconds_samples_each_of_them() {
        let quiet = r#"{"version": 1, "script": [{"at_ms": 5500,
            "command": {"type": "create_topic", "name": "t", "partitions": 1}}]}"#;
        let mut sim = Scenario::from_json(quiet).unwrap().build().unwrap();
        let next = sim.next_event_ms().expect("the scripted topic");
        assert!(next > 3 * SAMPLE_EVERY_MS, "{next}");
        let mut history = History::default();
        history.record(&sim);
        history.sample_up_to_next_event(&mut sim);
        let times: Vec<u64> = history.samples.iter().map(|s| s.t_ms).collect();
        let due: Vec<u64> = (0..=(next - 1) / SAMPLE_EVERY_MS)
            .map(|s| s * SAMPLE_EVERY_MS)
            .collect();
        assert_eq!(times, due);
    }

    #[test]
    fn scrubbing_back_drops_later_samples_and_long_runs_are_thinned() {
        let (_, mut history) = run(10);
        history.truncate_after(4_000);
        assert!(history.samples.iter().all(|s| s.t_ms <= 4_000));
        let mut sim = Scenario::from_json(r#"{"version": 1}"#)
            .unwrap()
            .build()
            .unwrap();
        let mut long = History::default();
        for _ in 0..(MAX_SAMPLES as u64 + 50) {
            sim.run_for(SAMPLE_EVERY_MS);
            long.record(&sim);
        }
        assert!(long.samples.len() <= MAX_SAMPLES);
        assert!(long.samples.first().unwrap().t_ms <= 2 * SAMPLE_EVERY_MS);
    }

    #[test]
    fn points_scale_into_the_plot_and_axes_are_round() {
        assert_eq!(points(&[(0, 0), (100, 10)], 100, 10), "34,120 592,8");
        assert_eq!(points(&[(0, 5)], 100, 10), "34,64 34,64");
        assert_eq!(nice_max(0), 1);
        assert_eq!(nice_max(7), 10);
        assert_eq!(nice_max(130), 200);
        assert_eq!(nice_max(500), 500);
    }
}
