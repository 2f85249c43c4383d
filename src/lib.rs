//! Kafka Playground: the Leptos front end of the simulator.
//!
//! # Layout
//!
//! * [`App`]: the page: header with the simulation clock, the topic view, the produce form.
//! * `topic_view`: one topic's partitions drawn as offset-indexed logs.
//! * `produce_form`: the form that sends one record through the engine's partitioner.
//!
//! The engine ([`kplay_engine`]) owns all state; components read it and send it commands.

mod produce_form;
mod topic_view;

use kplay_engine::{Command, Simulation};
use leptos::prelude::*;

pub use produce_form::ProduceForm;
pub use topic_view::TopicView;

/// The topic every new playground starts with, as in the seed document's architecture.
pub const DEFAULT_TOPIC: &str = "order-events";
/// Its partition count.
pub const DEFAULT_PARTITIONS: u32 = 3;

/// The engine as the view sees it: the simulation plus a version that changes on every
/// command, so that views re-read what they show.
#[derive(Clone, Copy)]
pub struct Engine {
    sim: StoredValue<Simulation>,
    version: RwSignal<u64>,
}

impl Engine {
    /// Wraps a simulation for the view.
    pub fn new(sim: Simulation) -> Self {
        Self {
            sim: StoredValue::new(sim),
            version: RwSignal::new(0),
        }
    }

    /// Reads the simulation and subscribes the caller to its changes.
    pub fn read<T>(&self, f: impl FnOnce(&Simulation) -> T) -> T {
        self.version.track();
        self.sim.with_value(f)
    }

    /// Applies a command and notifies readers.
    pub fn apply(
        &self,
        command: Command,
    ) -> Result<kplay_engine::Outcome, kplay_engine::CommandError> {
        let result = self
            .sim
            .try_update_value(|sim| sim.apply(command))
            .expect("engine alive");
        self.version.update(|v| *v += 1);
        result
    }
}

/// The starting scenario: topic `order-events` with three partitions.
pub fn default_simulation(seed: u64) -> Simulation {
    let mut sim = Simulation::new(seed);
    sim.apply(Command::CreateTopic {
        name: DEFAULT_TOPIC.into(),
        partitions: DEFAULT_PARTITIONS,
        retention_ms: None,
        retention_bytes: None,
    })
    .expect("the default topic is valid");
    sim
}

/// A fresh random seed for a new scenario, from the browser's crypto source. The engine
/// itself never reads OS randomness: it only receives seeds.
pub fn random_seed() -> u64 {
    let mut bytes = [0u8; 8];
    // Without a random source the playground still works, just always from seed 0.
    getrandom::fill(&mut bytes).map_or(0, |()| u64::from_le_bytes(bytes))
}

/// Formats virtual milliseconds as `mm:ss.mmm`.
pub fn format_clock(ms: u64) -> String {
    format!(
        "{:02}:{:02}.{:03}",
        ms / 60_000,
        (ms / 1000) % 60,
        ms % 1000
    )
}

/// The whole playground page.
#[component]
pub fn App() -> impl IntoView {
    let engine = Engine::new(default_simulation(random_seed()));
    provide_context(engine);
    let clock = move || engine.read(|sim| format_clock(sim.now_ms()));
    view! {
        <header class="app-header">
            <h1>"Kafka Playground"</h1>
            <span class="clock" role="timer" aria-label="Simulation time">{clock}</span>
        </header>
        <main class="app-main">
            <aside class="panel act">
                <ProduceForm topic=DEFAULT_TOPIC/>
            </aside>
            <section class="panel diagram" aria-label="Cluster">
                <TopicView topic=DEFAULT_TOPIC/>
            </section>
        </main>
    }
}
