//! Kafka Playground: the Leptos front end of the simulator.
//!
//! # Layout
//!
//! * [`App`]: the page: header with the time controls, the act panel, the diagram, the panels.
//! * [`engine`]: the simulation as the page drives it (animation-frame clock, timeline, forks).
//! * [`beside`]: the queue and the REST call chain that the comparison lessons run beside Kafka.
//! * [`charts`]: lag per group and throughput over virtual time.
//! * [`controls`]: Play/Pause, Step, Speed, the clock, the timeline, keyboard shortcuts.
//! * [`diagram`]: the SVG of producers, topics and partitions, groups and consumers.
//! * [`layout`]: the diagram's layout math (pure, tested natively).
//! * [`tables`]: the partition table and the consumer-group tables with their actions.
//! * [`actions`]: adding partitions, producer rates, group settings and offset resets.
//! * [`editor`]: the scenario as JSON: checked while typed, applied, imported and exported.
//! * [`event_log`]: the newest trace events as log lines.
//! * [`inspector`]: the details of what the user clicked in the diagram.
//! * `produce_form`: the form that sends one record through the engine's partitioner.
//! * [`markup`]: escaped markup for the diagram's record cells, redrawn as text.
//! * [`lessons`]: the lesson list and the panel that narrates a lesson over its preset.
//! * [`messages`]: the message browser: a partition's records from an offset or a time.
//! * [`panic_panel`]: the panel a panic leaves instead of a frozen page.
//! * [`spring_view`]: the Spring Boot configuration and Kafka commands matching the run.
//! * [`share`]: share links: opening the scenario in the address, the Share link button.
//!
//! The engine ([`kplay_engine`]) owns all state; components read it and send it commands.

pub mod actions;
pub mod beside;
pub mod charts;
pub mod controls;
pub mod diagram;
pub mod editor;
pub mod engine;
pub mod event_log;
pub mod inspector;
pub mod layout;
pub mod lessons;
pub mod markup;
pub mod messages;
pub mod panic_panel;
mod produce_form;
pub mod share;
pub mod spring_view;
pub mod tables;

use kplay_engine::scenario::Scenario;

/// The page's allocator (single-threaded wasm): Talc instead of Rust's default dlmalloc.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
use leptos::prelude::*;

pub use engine::Engine;
pub use produce_form::ProduceForm;

/// The topic every new playground starts with, as in the seed document's architecture.
pub const DEFAULT_TOPIC: &str = "order-events";

/// What the act panel's forms say when the run has no topic to act on.
pub(crate) const NO_TOPIC: &str = "This run has no topic: add one in the Scenario tab.";

/// The act panel's topic as its headings show it.
pub(crate) fn topic_label(topic: Option<String>) -> String {
    topic.unwrap_or_else(|| "(no topic)".into())
}

/// The starting scenario, the seed document's architecture: topic `order-events` with three
/// partitions, an order service and a payment service producing, and consumer group A with
/// two consumers. The clock starts paused.
///
/// Built in code rather than parsed from JSON, so the page does not carry a JSON deserializer
/// for every scenario type until links need one.
pub fn default_scenario(seed: u64) -> Scenario {
    use kplay_engine::group::{GroupConfig, OffsetResetPolicy};
    use kplay_engine::producer::{default_value_template, KeyStream, ProducerSpec};
    use kplay_engine::scenario::{GroupSpec, TopicSpec, SCENARIO_VERSION};
    let producer = |name: &str, keys: KeyStream, rate_per_sec: f64| ProducerSpec {
        name: name.into(),
        topic: DEFAULT_TOPIC.into(),
        keys,
        value_template: default_value_template(),
        rate_per_sec,
        ..ProducerSpec::default()
    };
    Scenario {
        version: SCENARIO_VERSION,
        name: "order-events: two producers, consumer group A with two consumers".into(),
        seed,
        cluster: Default::default(),
        topics: vec![TopicSpec {
            name: DEFAULT_TOPIC.into(),
            partitions: 3,
            retention_ms: None,
            retention_bytes: None,
        }],
        producers: vec![
            producer(
                "order-service",
                KeyStream::KeySpace {
                    prefix: "order-".into(),
                    count: 50,
                    skew: 0.0,
                },
                2.0,
            ),
            producer(
                "payment-service",
                KeyStream::Fixed {
                    keys: vec![
                        "customer-1".into(),
                        "customer-2".into(),
                        "customer-3".into(),
                    ],
                },
                1.0,
            ),
        ],
        groups: vec![GroupSpec {
            id: "group-a".into(),
            topics: vec![DEFAULT_TOPIC.into()],
            config: GroupConfig {
                auto_offset_reset: OffsetResetPolicy::Earliest,
                processing_time_ms: 300,
                ..GroupConfig::default()
            },
            consumers: 2,
        }],
        queues: Vec::new(),
        call_chains: Vec::new(),
        script: Vec::new(),
        open_at_ms: None,
        played_to_ms: None,
    }
}

/// A fresh random seed for a new scenario, from the browser's crypto source. The engine
/// itself never reads OS randomness: it only receives seeds.
pub fn random_seed() -> u64 {
    let mut bytes = [0u8; 8];
    // Without a random source the playground still works, just always from seed 0.
    getrandom::fill(&mut bytes).map_or(0, |()| u64::from_le_bytes(bytes))
}

pub use kplay_engine::inspect::format_clock;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tab {
    Groups,
    Settings,
    Partitions,
    Messages,
    Charts,
    Events,
    Scenario,
    Spring,
}

/// The detail tabs in their order, with their labels and the names links give them
/// (`&tab=charts`).
pub(crate) const TABS: [(Tab, &str, &str); 8] = [
    (Tab::Groups, "Consumer groups", "consumer-groups"),
    (Tab::Settings, "Group settings", "group-settings"),
    (Tab::Partitions, "Partitions", "partitions"),
    (Tab::Messages, "Messages", "messages"),
    (Tab::Charts, "Charts", "charts"),
    (Tab::Events, "Event log", "event-log"),
    (Tab::Scenario, "Scenario", "scenario"),
    (Tab::Spring, "Spring Boot", "spring-boot"),
];

/// The tab a share link names after its run (`#k1.…&tab=charts`); the first tab when it names
/// none, or one there is not.
fn tab_of_link(fragment: &str) -> Tab {
    let named = fragment
        .split('&')
        .skip(1)
        .find_map(|p| p.strip_prefix("tab="));
    TABS.iter()
        .find(|(_, _, slug)| named == Some(*slug))
        .map_or(Tab::Groups, |&(tab, _, _)| tab)
}

/// Where `which` is in [`TABS`].
pub(crate) fn tab_position(which: Tab) -> usize {
    TABS.iter().position(|&(t, _, _)| t == which).unwrap_or(0)
}

/// The tab a key moves to from tab `current`, as the WAI-ARIA tabs pattern has it: the arrows
/// step (and wrap), Home and End go to the ends.
fn tab_after_key(key: &str, current: usize) -> Option<usize> {
    let last = TABS.len() - 1;
    match key {
        "ArrowRight" => Some(if current == last { 0 } else { current + 1 }),
        "ArrowLeft" => Some(if current == 0 { last } else { current - 1 }),
        "Home" => Some(0),
        "End" => Some(last),
        _ => None,
    }
}

/// The whole playground page.
#[component]
pub fn App() -> impl IntoView {
    let (scenario, link_error) = share::scenario_from_address(|| default_scenario(random_seed()));
    // The act panel works on one topic: the one picked last (in its list, or by a click on a
    // topic in the diagram) while the run has it, else the run's first topic. An applied
    // scenario, a lesson or a link may name other topics than the page opened with.
    let picked = RwSignal::new(scenario.topics.first().map(|t| t.name.clone()));
    let engine = Engine::new(scenario)
        .or_else(|_| Engine::new(default_scenario(random_seed())))
        .expect("the built-in scenario builds");
    share::reload_on_new_link();
    provide_context(engine);
    provide_context(controls::HeaderPopup::new());
    let lesson = lessons::LessonState::new();
    provide_context(lesson);
    let fragment = window().location().hash().unwrap_or_default();
    if let Some((id, step)) = lessons::requested(&fragment) {
        lesson.open(engine, id, step, false);
    } else if let Some((id, step)) = share::lesson_of_link(&fragment) {
        if link_error.is_none() {
            lesson.open(engine, id, step, true);
        }
    }
    let topic = Memo::new(move |_| {
        let picked = picked.get();
        engine.read(|sim| match picked {
            Some(name) if sim.topic(&name).is_some() => Some(name),
            _ => sim.topics().next().map(|t| t.name().to_owned()),
        })
    });
    let link_error = RwSignal::new(link_error);
    let selection = RwSignal::new(None::<inspector::Selection>);
    provide_context(selection);
    Effect::new(move |_| {
        if let Some(inspector::Selection::Topic { name }) = selection.get() {
            picked.set(Some(name));
        }
    });
    provide_context(inspector::Traced(RwSignal::new(Vec::new())));
    // A share link names the tab it was made on (`&tab=charts`): whoever opens it sees it.
    let tab = RwSignal::new(tab_of_link(&fragment));
    provide_context(share::LinkTab(tab));
    let tab_index = move || tab_position(tab.get());
    // Only the selected tab is in the Tab order; the arrow keys move between tabs (roving
    // tabindex).
    let on_tab_key = move |ev: leptos::ev::KeyboardEvent| {
        let Some(next) = tab_after_key(&ev.key(), tab_position(tab.get_untracked())) else {
            return;
        };
        ev.prevent_default();
        tab.set(TABS[next].0);
        let button = document().get_element_by_id(&format!("tab-{next}"));
        if let Some(button) =
            button.and_then(|b| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(b).ok())
        {
            let _ = button.focus();
        }
    };
    let tab_buttons = TABS
        .iter()
        .enumerate()
        .map(|(i, &(which, label, _))| {
            view! {
                <button
                    role="tab"
                    id=format!("tab-{i}")
                    aria-controls="tab-panel"
                    tabindex=move || if tab.get() == which { "0" } else { "-1" }
                    aria-selected=move || (tab.get() == which).to_string()
                    class:active=move || tab.get() == which
                    on:click=move |_| tab.set(which)
                >
                    {label}
                </button>
            }
        })
        .collect_view();
    view! {
        <header class="app-header">
            <h1>"Kafka Playground"</h1>
            <controls::TimeControls/>
            <controls::Shortcuts/>
            <lessons::LessonMenu/>
            <share::ShareLink/>
        </header>
        <share::Banner message=link_error/>
        <share::Banner message=lesson.error/>
        <lessons::LessonPanel/>
        // Why an action was refused: it stays in view while the page scrolls (on a phone the
        // act panel is far below the top), until dismissed or the next action succeeds.
        <div class="notice">
            <share::Banner message=engine.notice/>
            <share::ForkBanner/>
        </div>
        <main class="app-main">
            <aside class="panel act" aria-label="Act">
                <actions::TopicPicker topic picked/>
                <ProduceForm topic/>
                <actions::ProducerRates/>
                <actions::AddProducer topic/>
                <actions::AddPartitions topic/>
                <actions::AddGroup topic/>
                <p class="hint">
                    "Press " <kbd>"Space"</kbd> " to play or pause the producers; " <kbd>"?"</kbd>
                    " lists the shortcuts."
                </p>
            </aside>
            <section class="panel diagram" aria-label="Cluster">
                <p class="scroll-cue hint" aria-hidden="true">"Scroll sideways for the whole diagram →"</p>
                <diagram::Diagram/>
                <controls::Timeline/>
                <beside::Beside/>
            </section>
            <inspector::Inspector/>
        </main>
        <section class="panel panels" aria-label="Details">
            <div role="tablist" class="tabs" aria-label="Details" on:keydown=on_tab_key>
                {tab_buttons}
            </div>
            <div role="tabpanel" id="tab-panel" aria-labelledby=move || format!("tab-{}", tab_index())>
                {move || match tab.get() {
                    Tab::Groups => view! { <tables::GroupTables/> }.into_any(),
                    Tab::Settings => {
                        let groups = engine.peek(|sim| {
                            sim.groups()
                                .iter()
                                .filter(|g| g.role == kplay_engine::group::GroupRole::Main)
                                .map(|g| g.id.clone())
                                .collect::<Vec<_>>()
                        });
                        groups
                            .into_iter()
                            .map(|g| view! { <actions::GroupSettings group=g/> })
                            .collect_view()
                            .into_any()
                    }
                    Tab::Partitions => view! { <tables::PartitionTable/> }.into_any(),
                    Tab::Messages => view! { <messages::MessageBrowser/> }.into_any(),
                    Tab::Charts => view! { <charts::Charts/> }.into_any(),
                    Tab::Events => view! { <event_log::EventLog/> }.into_any(),
                    Tab::Scenario => view! { <editor::ScenarioEditor/> }.into_any(),
                    Tab::Spring => view! { <spring_view::SpringView/> }.into_any(),
                }}
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::{tab_after_key, tab_of_link, Tab, TABS};

    #[test]
    fn a_link_names_its_tab_by_label() {
        assert!(tab_of_link("#k1.abc&tab=charts") == Tab::Charts);
        assert!(tab_of_link("#k1.abc&lesson=ordering&step=2&tab=event-log") == Tab::Events);
        assert!(tab_of_link("#k1.abc&tab=spring-boot") == Tab::Spring);
        for other in [
            "#k1.abc",
            "#k1.abc&tab=nope",
            "#k1.abc&tab=",
            "#tab=charts",
            "",
        ] {
            assert!(tab_of_link(other) == Tab::Groups, "{other}");
        }
    }

    #[test]
    fn arrow_keys_step_through_the_tabs_and_wrap() {
        let last = TABS.len() - 1;
        assert_eq!(tab_after_key("ArrowRight", 0), Some(1));
        assert_eq!(tab_after_key("ArrowRight", last), Some(0));
        assert_eq!(tab_after_key("ArrowLeft", 0), Some(last));
        assert_eq!(tab_after_key("ArrowLeft", 3), Some(2));
        assert_eq!(tab_after_key("Home", 5), Some(0));
        assert_eq!(tab_after_key("End", 0), Some(last));
        assert_eq!(tab_after_key("Enter", 2), None);
    }
}
