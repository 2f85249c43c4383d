//! The inspector: what the user clicked, in full, with the actions that apply to it now. A
//! record shows its partition and offset, key, value, headers, timestamp and which groups have
//! committed past it; a topic, partition, producer, group, consumer or the broker shows its
//! state in Kafka's vocabulary. The content comes from [`kplay_engine::inspect`].

use kplay_engine::inspect::{inspect, Details};
use leptos::prelude::*;

use crate::engine::Engine;

/// What the inspector shows: any entity of the simulation.
pub type Selection = kplay_engine::inspect::Entity;

/// The diagram's highlighted shapes, by `data-pick` code: the traced record, its copies and the
/// consumers that processed it (provided by the page).
#[derive(Clone, Copy)]
pub struct Traced(pub RwSignal<Vec<String>>);

/// A traced record's journey as the inspector lists it.
#[derive(Clone, Debug, PartialEq)]
struct Journey {
    of: Selection,
    lines: Vec<String>,
    complete: bool,
}

/// Replays the run to now and lists the record's events; returns the shapes to highlight.
fn trace_record(engine: Engine, entity: &Selection) -> Option<(Journey, Vec<String>)> {
    let Selection::Record {
        topic,
        partition,
        offset,
    } = entity
    else {
        return None;
    };
    let now = engine.peek(kplay_engine::Simulation::now_ms);
    // A dead-letter or retry copy is traced from its original, whose journey includes it.
    let (topic, partition, offset) =
        engine.peek(|sim| kplay_engine::journey::origin(sim, topic, *partition, *offset));
    let (events, complete) = kplay_engine::journey::record_journey(
        &engine.scenario(),
        now,
        &topic,
        partition,
        offset,
        crate::engine::OPEN_EVENT_BUDGET,
    )
    .ok()?;
    let mut shapes = vec![pick_code(entity)];
    let original = pick_code(&Selection::Record {
        topic: topic.clone(),
        partition,
        offset,
    });
    if !shapes.contains(&original) {
        shapes.push(original);
    }
    for event in &events {
        use kplay_engine::trace::EventKind::*;
        let shape = match &event.kind {
            Processed { consumer, .. } | ListenerFailed { consumer, .. } => {
                pick_code(&Selection::Consumer {
                    name: consumer.as_str().to_owned(),
                })
            }
            DeadLettered {
                dead_letter_topic,
                dead_letter_partition,
                dead_letter_offset,
                ..
            } => pick_code(&Selection::Record {
                topic: dead_letter_topic.as_str().to_owned(),
                partition: *dead_letter_partition,
                offset: *dead_letter_offset,
            }),
            _ => continue,
        };
        if !shapes.contains(&shape) {
            shapes.push(shape);
        }
    }
    let lines = events
        .iter()
        .map(|e| {
            format!(
                "{}  {}",
                crate::format_clock(e.at_ms),
                crate::event_log::describe(e)
            )
        })
        .collect();
    Some((
        Journey {
            of: entity.clone(),
            lines,
            complete,
        },
        shapes,
    ))
}

/// The selection every view shares (provided by the page).
pub fn selection() -> RwSignal<Option<Selection>> {
    expect_context::<RwSignal<Option<Selection>>>()
}

/// The `data-pick` code of an entity in the diagram: a kind letter, numbers, and the name last
/// (topic names never hold `|`; group and consumer names may hold anything, so they end the code).
pub fn pick_code(entity: &Selection) -> String {
    match entity {
        Selection::Record {
            topic,
            partition,
            offset,
        } => format!("r|{partition}|{offset}|{topic}"),
        Selection::Partition { topic, partition } => format!("p|{partition}|{topic}"),
        Selection::Topic { name } => format!("t|{name}"),
        Selection::Producer { name } => format!("P|{name}"),
        Selection::Group { id } => format!("g|{id}"),
        Selection::Consumer { name } => format!("c|{name}"),
        Selection::Broker => "b|".to_owned(),
    }
}

/// The entity a `data-pick` code names, if it is one.
pub fn parse_pick(code: &str) -> Option<Selection> {
    let (kind, rest) = code.split_once('|')?;
    let name = || rest.to_owned();
    Some(match kind {
        "r" => {
            let mut parts = rest.splitn(3, '|');
            let partition = parts.next()?.parse().ok()?;
            let offset = parts.next()?.parse().ok()?;
            Selection::Record {
                topic: parts.next()?.to_owned(),
                partition,
                offset,
            }
        }
        "p" => {
            let (partition, topic) = rest.split_once('|')?;
            Selection::Partition {
                topic: topic.to_owned(),
                partition: partition.parse().ok()?,
            }
        }
        "t" => Selection::Topic { name: name() },
        "P" => Selection::Producer { name: name() },
        "g" => Selection::Group { id: name() },
        "c" => Selection::Consumer { name: name() },
        "b" => Selection::Broker,
        _ => return None,
    })
}

/// Selects what the event happened on: the nearest element with a `data-pick` code around its
/// target. One listener on the diagram serves every shape in it.
pub fn pick_from(ev: &web_sys::Event) {
    use wasm_bindgen::JsCast;
    let code = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("[data-pick]").ok().flatten())
        .and_then(|e| e.get_attribute("data-pick"));
    if let Some(entity) = code.as_deref().and_then(parse_pick) {
        ev.prevent_default();
        selection().set(Some(entity));
    }
}

/// The inspector panel, named "Inspector".
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pick_codes_round_trip_whatever_the_names_hold() {
        for entity in [
            Selection::Record {
                topic: "order-events".into(),
                partition: 2,
                offset: 41,
            },
            Selection::Partition {
                topic: "a.b_c-d".into(),
                partition: 63,
            },
            Selection::Topic { name: "t".into() },
            Selection::Producer { name: "p|x".into() },
            Selection::Group {
                id: "<b>|g|</b>".into(),
            },
            Selection::Consumer { name: "g|1".into() },
            Selection::Broker,
        ] {
            assert_eq!(parse_pick(&pick_code(&entity)), Some(entity));
        }
        for bad in ["", "x|y", "r|1|z|t", "p|one|t", "r|1"] {
            assert_eq!(parse_pick(bad), None, "{bad}");
        }
    }
}

#[component]
pub fn Inspector() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let selection = selection();
    let details = Memo::new(move |_| {
        let entity = selection.get()?;
        engine.read(|sim| inspect(sim, &entity))
    });
    let traced = expect_context::<Traced>().0;
    let journey = RwSignal::new(None::<Journey>);
    let trace = move |_| {
        let Some(entity) = selection.get_untracked() else {
            return;
        };
        match trace_record(engine, &entity) {
            Some((j, shapes)) => {
                journey.set(Some(j));
                traced.set(shapes);
            }
            None => engine
                .notice
                .set(Some("This record could not be traced.".into())),
        }
    };
    // What is selected may not exist at the moment scrubbed to (a record produced later, a
    // consumer added later): then nothing about it is shown but that.
    let exists = move || details.with(Option::is_some);
    let journey_view = move || {
        let j = journey
            .get()
            .filter(|j| exists() && selection.get().as_ref() == Some(&j.of))?;
        let note =
            (!j.complete).then_some("The replay stopped early: later events are not listed.");
        Some(view! {
            <h3 class="journey-title">"Journey"</h3>
            <ol class="journey" aria-label="Journey of the record">
                {j.lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
            </ol>
            <p class="hint">{note}</p>
        })
    };
    // A transaction marker is never sent or consumed: it has no journey to trace.
    let can_trace = move || match selection.get() {
        Some(Selection::Record {
            topic,
            partition,
            offset,
        }) => engine.read(|sim| {
            let log = sim.topic(&topic).and_then(|t| t.partition(partition));
            log.and_then(|l| l.get(offset))
                .is_some_and(|r| r.control.is_none())
        }),
        _ => false,
    };
    // On a narrow screen the Inspector sits under the diagram, often below the screen's edge:
    // something newly picked brings it into view, or a tap on the diagram would seem to do
    // nothing. Not on the page's first showing (a link's selection).
    Effect::new(move |shown_before: Option<bool>| {
        let picked = selection.with(Option::is_some);
        let panel = document().query_selector(".inspector").ok().flatten();
        let screen = window().inner_height().ok().and_then(|h| h.as_f64());
        if let (true, Some(true), Some(el), Some(h)) = (picked, shown_before, panel, screen) {
            if el.get_bounding_client_rect().top() > h - 48.0 {
                el.scroll_into_view();
            }
        }
        true
    });
    view! {
        <section class="panel inspector" aria-label="Inspector">
            <h2>"Inspector"</h2>
            {move || match (details.get(), selection.with(Option::is_some)) {
                (Some(d), _) => details_view(engine, d).into_any(),
                (None, true) => view! {
                    <p class="hint" role="status">{format!(
                        "What you picked does not exist at {}: it came later in the run or is gone. Go to a later moment to see it again.",
                        crate::format_clock(engine.read(|sim| sim.now_ms()))
                    )}</p>
                }.into_any(),
                (None, false) => view! {
                    <p class="hint">"Click a record, partition, producer, group or consumer in the diagram to see it whole, with what you can do to it."</p>
                }.into_any(),
            }}
            <Show when=can_trace>
                <button class="trace" on:click=trace>"Trace this record"</button>
            </Show>
            {journey_view}
        </section>
    }
}

fn details_view(engine: Engine, d: Details) -> impl IntoView {
    let facts = d
        .facts
        .into_iter()
        .map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> })
        .collect_view();
    let actions = d
        .actions
        .into_iter()
        .map(|a| {
            let command = a.command;
            view! {
                <button on:click=move |_| engine.report(engine.apply(command.clone()))>{a.label}</button>
            }
        })
        .collect_view();
    view! {
        <h3>{d.heading}</h3>
        <dl class="details">{facts}</dl>
        <div class="actions">{actions}</div>
    }
}
