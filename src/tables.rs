//! Kafka-UI panels read off the same simulation: the partition table, one table per consumer
//! group (as `kafka-consumer-groups --describe` shows it), and the consumers' actions.

use kplay_engine::consumer::ConsumerStatus;
use kplay_engine::{Command, Simulation};
use leptos::prelude::*;

use crate::engine::Engine;

#[derive(Clone, Debug, PartialEq)]
struct PartitionRow {
    name: String,
    low: u64,
    high: u64,
    end: u64,
    messages: u64,
}

fn partition_rows(sim: &Simulation) -> Vec<PartitionRow> {
    sim.topics()
        .flat_map(|t| {
            t.partitions()
                .iter()
                .enumerate()
                .map(move |(p, log)| PartitionRow {
                    name: format!("{}-{p}", t.name()),
                    low: log.log_start_offset(),
                    high: log.high_watermark(),
                    end: log.log_end_offset(),
                    messages: log.len(),
                })
        })
        .collect()
}

/// Partition, Low Water Mark, High Water Mark, Log End Offset, Messages.
#[component]
pub fn PartitionTable() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let rows = Memo::new(move |_| engine.read(partition_rows));
    view! {
        <table class="data" aria-label="Partitions">
            <thead>
                <tr>
                    <th scope="col">"Partition"</th>
                    <th scope="col">"Low Water Mark"</th>
                    <th scope="col">"High Water Mark"</th>
                    <th scope="col">"Log End Offset"</th>
                    <th scope="col">"Messages"</th>
                    <th scope="col"><span class="sr-only">"Actions"</span></th>
                </tr>
            </thead>
            <tbody>
                {move || {
                    rows.get()
                        .into_iter()
                        .map(|row| {
                            let redrive = redrive_button(engine, &row);
                            view! {
                                <tr>
                                    <th scope="row">{row.name}</th>
                                    <td>{row.low}</td>
                                    <td>{row.high}</td>
                                    <td>{row.end}</td>
                                    <td>{row.messages}</td>
                                    <td>{redrive}</td>
                                </tr>
                            }
                        })
                        .collect_view()
                }}
            </tbody>
        </table>
    }
}

/// A dead-letter partition's Redrive button: sends its records back to their original topic.
fn redrive_button(engine: Engine, row: &PartitionRow) -> Option<impl IntoView> {
    let (topic, partition) = row.name.rsplit_once('-')?;
    let dead_letter = topic.ends_with(".DLT") || topic.ends_with("-dlt");
    if !dead_letter || row.messages == 0 {
        return None;
    }
    let command = Command::Redrive {
        topic: topic.to_owned(),
        partition: partition.parse().ok()?,
        from_offset: row.low,
        count: row.messages.min(10_000) as u32,
    };
    Some(view! {
        <button type="button" class="small" aria-label=format!("Redrive {}", row.name)
            title="Send these records back to their original topic"
            on:click=move |_| engine.report(engine.apply(command.clone()))>
            "Redrive"
        </button>
    })
}

#[derive(Clone, Debug, PartialEq)]
struct GroupView {
    id: String,
    state: &'static str,
    explanation: &'static str,
    generation: i32,
    protocol: String,
    rows: Vec<(String, String, u64, String, String)>,
    consumers: Vec<(String, ConsumerStatus)>,
    allowed: Vec<String>,
}

fn group_views(sim: &Simulation) -> Vec<GroupView> {
    let snapshot_groups = sim.snapshot(0).groups;
    sim.groups()
        .iter()
        .enumerate()
        .zip(snapshot_groups)
        .map(|((gi, g), snap)| GroupView {
            id: g.id.clone(),
            state: g.state.name(),
            explanation: g.state.explanation(),
            generation: g.generation,
            protocol: g
                .protocol
                .map_or("—".into(), |p| p.protocol_name().to_owned()),
            rows: snap
                .offsets
                .iter()
                .map(|o| {
                    (
                        o.partition.clone(),
                        o.assigned.clone().unwrap_or_else(|| "—".into()),
                        o.log_end_offset,
                        o.group_offset.map_or("—".into(), |v| v.to_string()),
                        o.lag.map_or("—".into(), |v| v.to_string()),
                    )
                })
                .collect(),
            consumers: sim
                .consumers()
                .iter()
                .filter(|c| c.group == gi)
                .map(|c| (c.name.clone(), c.status))
                .collect(),
            allowed: snap.allowed,
        })
        .collect()
}

/// One table per group: Partition, Assigned member, Log End Offset, Group Offset, Lag; the
/// state with Kafka's name, generation and protocol; and actions on its consumers.
#[component]
pub fn GroupTables() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let groups = Memo::new(move |_| engine.read(group_views));
    move || {
        groups.get().into_iter().map(|g| view! {
            <section class="group-panel">
                <h3>
                    {g.id.clone()}
                    " "
                    <span class="state-badge" data-state=g.state title=g.explanation>{g.state}</span>
                    <span class="meta">{format!(" generation {} · {}", g.generation, g.protocol)}</span>
                </h3>
                <table class="data" aria-label=format!("Consumer group {}", g.id)>
                    <thead>
                        <tr>
                            <th scope="col">"Partition"</th>
                            <th scope="col" class="text">"Assigned member"</th>
                            <th scope="col">"Log End Offset"</th>
                            <th scope="col">"Group Offset"</th>
                            <th scope="col">"Lag"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {g.rows.iter().map(|(p, member, end, offset, lag)| view! {
                            <tr>
                                <th scope="row">{p.clone()}</th>
                                <td class="text">{member.clone()}</td>
                                <td>{*end}</td>
                                <td>{offset.clone()}</td>
                                <td>{lag.clone()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <div class="consumer-actions">
                    {g.consumers.iter().map(|(name, status)| consumer_actions(engine, name.clone(), *status)).collect_view()}
                    <button on:click={
                        let id = g.id.clone();
                        move |_| engine.report(engine.apply(Command::AddConsumer { group: id.clone() }).map(|_| ()))
                    }>{format!("Add consumer to {}", g.id)}</button>
                </div>
                {(!g.allowed.is_empty()).then(|| view! {
                    <ul class="allowed">{g.allowed.iter().map(|a| view! { <li>{a.clone()}</li> }).collect_view()}</ul>
                })}
            </section>
        }).collect_view()
    }
}

fn consumer_actions(engine: Engine, name: String, status: ConsumerStatus) -> impl IntoView {
    let running = matches!(status, ConsumerStatus::Running | ConsumerStatus::Paused);
    let act =
        move |command: Command| move |_| engine.report(engine.apply(command.clone()).map(|_| ()));
    // Crash, Remove and Restart replace the buttons they are pressed on: the keyboard focus
    // goes on to the button that takes the pressed one's place.
    let swap = move |command: Command, then: String| {
        move |_| match engine.apply(command.clone()) {
            Ok(_) => focus_button_after_redraw(then.clone()),
            Err(e) => engine.report::<()>(Err(e)),
        }
    };
    view! {
        <span class="consumer-action-set">
            <span class="consumer-name">{name.clone()}</span>
            {if running {
                view! {
                    <button on:click=swap(Command::CrashConsumer { consumer: name.clone() }, format!("Restart {name}"))>{format!("Crash {name}")}</button>
                    <button
                        title="Pause makes the listener hang: it stops calling poll() while its heartbeats go on, so after max.poll.interval.ms it leaves the group. (Spring's container pause() keeps polling.)"
                        on:click=act(Command::PauseConsumer { consumer: name.clone(), paused: status == ConsumerStatus::Running })>
                        {if status == ConsumerStatus::Running { format!("Pause {name}") } else { format!("Resume {name}") }}
                    </button>
                    <button on:click=swap(Command::RemoveConsumer { consumer: name.clone() }, format!("Restart {name}"))>{format!("Remove {name}")}</button>
                }.into_any()
            } else {
                view! {
                    <button on:click=swap(Command::RestartConsumer { consumer: name.clone() }, format!("Crash {name}"))>{format!("Restart {name}")}</button>
                }.into_any()
            }}
        </span>
    }
}

/// Puts the keyboard focus on the consumer action labelled `label` once the tables have been
/// drawn again.
fn focus_button_after_redraw(label: String) {
    request_animation_frame(move || {
        let Ok(buttons) = document().query_selector_all(".consumer-actions button") else {
            return;
        };
        let found = (0..buttons.length())
            .filter_map(|i| buttons.item(i))
            .filter_map(|node| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(node).ok())
            .find(|button| button.text_content().as_deref() == Some(label.as_str()));
        if let Some(button) = found {
            let _ = button.focus();
        }
    });
}
