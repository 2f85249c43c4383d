//! What runs beside the Kafka cluster in the comparison lessons: a RabbitMQ-style queue fed by
//! the same producer (Kafka versus a queue), and a chain of synchronous REST calls fed by it
//! (synchronous versus asynchronous). Nothing shows when the scenario has neither.
//!
//! The models live in the engine ([`kplay_engine::queue`], [`kplay_engine::call_chain`]);
//! this module only reads them into small view values and sends their commands.

use kplay_engine::call_chain::CallChain;
use kplay_engine::queue::Queue;
use kplay_engine::{Command, Simulation};
use leptos::prelude::*;

use crate::engine::Engine;

/// Ready messages drawn as cells before the rest are summed up.
const CELLS_SHOWN: usize = 24;

#[derive(Clone, Debug, PartialEq)]
struct WorkerView {
    name: String,
    up: bool,
    holding: Vec<u64>,
    acked: u64,
    process_ms: u64,
}

#[derive(Clone, Debug, PartialEq)]
struct QueueView {
    name: String,
    producer: String,
    topic: String,
    kept_by_kafka: u64,
    published: u64,
    deleted: u64,
    depth: usize,
    redelivered: u64,
    out_of_order: u64,
    refused: u64,
    prefetch: u32,
    /// Ids of the first ready messages, and whether each was delivered before.
    ready: Vec<(u64, bool)>,
    more_ready: usize,
    workers: Vec<WorkerView>,
}

fn queue_view(sim: &Simulation, q: &Queue) -> QueueView {
    let topic = sim
        .producers()
        .iter()
        .find(|p| p.spec.name == q.producer)
        .map(|p| p.spec.topic.clone())
        .unwrap_or_default();
    let kept_by_kafka = sim
        .topic(&topic)
        .map_or(0, |t| t.partitions().iter().map(|p| p.len()).sum());
    QueueView {
        name: q.name.clone(),
        producer: q.producer.clone(),
        topic,
        kept_by_kafka,
        published: q.published,
        deleted: q.deleted,
        depth: q.depth(),
        redelivered: q.redelivered,
        out_of_order: q.out_of_order,
        refused: q.refused,
        prefetch: q.prefetch,
        ready: q
            .ready
            .iter()
            .take(CELLS_SHOWN)
            .map(|m| (m.id, m.redelivered))
            .collect(),
        more_ready: q.ready.len().saturating_sub(CELLS_SHOWN),
        workers: q
            .workers
            .iter()
            .map(|w| WorkerView {
                name: w.name.clone(),
                up: w.up,
                holding: w.unacked.iter().map(|m| m.id).collect(),
                acked: w.acked,
                process_ms: w.process_ms,
            })
            .collect(),
    }
}

#[derive(Clone, Debug, PartialEq)]
struct ServiceView {
    name: String,
    latency_ms: u64,
    up: bool,
    in_flight: u32,
    calls: u64,
    missed: u64,
}

#[derive(Clone, Debug, PartialEq)]
struct ChainView {
    name: String,
    producer: String,
    timeout_ms: u64,
    max_in_flight: u32,
    started: u64,
    succeeded: u64,
    failed: u64,
    refused: u64,
    in_flight: u32,
    last_ms: Option<u64>,
    mean_ms: Option<u64>,
    max_ms: u64,
    sum_ms: u64,
    /// What a send costs the producer on the Kafka side: one round trip to the broker.
    kafka_send_ms: u64,
    services: Vec<ServiceView>,
}

fn chain_view(sim: &Simulation, c: &CallChain) -> ChainView {
    ChainView {
        name: c.name.clone(),
        producer: c.producer.clone(),
        timeout_ms: c.timeout_ms,
        max_in_flight: c.max_in_flight,
        started: c.started,
        succeeded: c.succeeded,
        failed: c.failed,
        refused: c.refused,
        in_flight: c.in_flight,
        last_ms: c.last_response_ms,
        mean_ms: c.mean_response_ms(),
        max_ms: c.max_response_ms,
        sum_ms: c.sum_of_latencies_ms(),
        kafka_send_ms: 2 * sim.cluster_config().network_latency_ms,
        services: c
            .services
            .iter()
            .map(|s| ServiceView {
                name: s.name.clone(),
                latency_ms: s.latency_ms,
                up: s.up,
                in_flight: s.in_flight,
                calls: s.calls,
                missed: s.missed,
            })
            .collect(),
    }
}

/// The queues and call chains of the scenario, under the diagram.
#[component]
pub fn Beside() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let queues = Memo::new(move |_| {
        engine.read(|sim| {
            sim.queues()
                .iter()
                .map(|q| queue_view(sim, q))
                .collect::<Vec<_>>()
        })
    });
    let chains = Memo::new(move |_| {
        engine.read(|sim| {
            sim.call_chains()
                .iter()
                .map(|c| chain_view(sim, c))
                .collect::<Vec<_>>()
        })
    });
    // One card per name, drawn again only when the names change; each card follows its own
    // figures.
    let chain_names =
        Memo::new(move |_| chains.with(|c| c.iter().map(|c| c.name.clone()).collect::<Vec<_>>()));
    let queue_names =
        Memo::new(move |_| queues.with(|q| q.iter().map(|q| q.name.clone()).collect::<Vec<_>>()));
    view! {
        {move || chain_names.get().into_iter().map(|name| view! { <ChainCard name chains/> }).collect_view()}
        {move || queue_names.get().into_iter().map(|name| view! { <QueueCard name queues/> }).collect_view()}
    }
}

fn stat(label: &'static str, value: String) -> impl IntoView {
    view! {
        <div class="stat">
            <dt>{label}</dt>
            <dd>{value}</dd>
        </div>
    }
}

fn ms(value: Option<u64>) -> String {
    value.map_or("–".into(), |v| format!("{v} ms"))
}

#[component]
fn QueueCard(name: String, queues: Memo<Vec<QueueView>>) -> impl IntoView {
    let engine = expect_context::<Engine>();
    let label = format!("Queue {name}");
    let this = {
        let name = name.clone();
        Memo::new(move |_| queues.get().into_iter().find(|q| q.name == name))
    };
    let worker_action = move |worker: String, up: bool| {
        let queue = name.clone();
        move |_| {
            let command = if up {
                Command::CrashQueueWorker {
                    queue: queue.clone(),
                    worker: worker.clone(),
                }
            } else {
                Command::RestartQueueWorker {
                    queue: queue.clone(),
                    worker: worker.clone(),
                }
            };
            engine.report(engine.apply(command));
        }
    };
    view! {
        <section class="beside queue-card" aria-label=label>
            {move || this.get().map(|q| {
                let heading = format!("Queue {} (RabbitMQ-style), fed by {}", q.name, q.producer);
                let contrast = format!(
                    "Kafka keeps all {} records of {}; the queue holds {} and deleted {} on acknowledgement. Consumed messages cannot be read again.",
                    q.kept_by_kafka, q.topic, q.depth, q.deleted
                );
                let cells = q.ready.iter().map(|&(id, again)| view! {
                    <span class="msg" class:again=again title=format!("message {id}{}", if again { ", redelivered" } else { "" })>{id}</span>
                }).collect_view();
                let more = (q.more_ready > 0).then(|| view! { <span class="hint">{format!("+{} more", q.more_ready)}</span> });
                let empty = q.ready.is_empty().then(|| view! { <span class="hint">"empty: every message is with a worker or deleted"</span> });
                let rows = q.workers.into_iter().map(|w| {
                    let action = if w.up { "Crash" } else { "Restart" };
                    let aria = format!("{action} {}", w.name);
                    let holding = if w.holding.is_empty() {
                        "–".to_owned()
                    } else {
                        w.holding.iter().map(|id| format!("#{id}")).collect::<Vec<_>>().join(", ")
                    };
                    view! {
                        <tr class:down=!w.up>
                            <th scope="row">{w.name.clone()}</th>
                            <td class="text">{if w.up { "running" } else { "down" }}</td>
                            <td>{format!("{} ms", w.process_ms)}</td>
                            <td class="mono">{holding}</td>
                            <td>{w.acked}</td>
                            <td><button aria-label=aria on:click=worker_action(w.name, w.up)>{action}</button></td>
                        </tr>
                    }
                }).collect_view();
                view! {
                    <h2>{heading}</h2>
                    <dl class="stats">
                        {stat("Published", q.published.to_string())}
                        {stat("Deleted on ack", q.deleted.to_string())}
                        {stat("On the broker", q.depth.to_string())}
                        {stat("Redelivered", q.redelivered.to_string())}
                        {stat("Finished out of key order", q.out_of_order.to_string())}
                        {(q.refused > 0).then(|| stat("Refused (queue full)", q.refused.to_string()))}
                    </dl>
                    <div class="ready" aria-label="Ready messages">
                        <span class="ready-label">"Ready"</span>
                        {cells}
                        {more}
                        {empty}
                    </div>
                    <table class="data" aria-label=format!("Workers of {}", q.name)>
                        <thead>
                            <tr>
                                <th scope="col">"Worker"</th>
                                <th scope="col" class="text">"Status"</th>
                                <th scope="col">"Per message"</th>
                                <th scope="col">{format!("Holding, unacked (prefetch {})", q.prefetch)}</th>
                                <th scope="col">"Acked"</th>
                                <th scope="col"><span class="sr-only">"Actions"</span></th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                    <p class="hint">{contrast}</p>
                }
            })}
        </section>
    }
}

#[component]
fn ChainCard(name: String, chains: Memo<Vec<ChainView>>) -> impl IntoView {
    let engine = expect_context::<Engine>();
    let label = format!("Call chain {name}");
    let this = {
        let name = name.clone();
        Memo::new(move |_| chains.get().into_iter().find(|c| c.name == name))
    };
    let chain = StoredValue::new(name);
    // Whether the change was made; a refusal is shown as the page's notice.
    let set = move |service: String, latency_ms: Option<u64>, up: Option<bool>| {
        let result = engine.apply(Command::SetService {
            chain: chain.get_value(),
            service,
            latency_ms,
            up,
        });
        let applied = result.is_ok();
        engine.report(result);
        applied
    };
    view! {
        <section class="beside chain-card" aria-label=label>
            <DecisionChart/>
            {move || this.get().map(|c| {
                let heading = format!("REST call chain {}, fed by {}", c.name, c.producer);
                let boxes = c.services.into_iter().map(|s| {
                    let toggle = if s.up { "Take down" } else { "Bring up" };
                    let aria = format!("{toggle} {}", s.name);
                    let latency_label = format!("Latency of {} in ms", s.name);
                    let (name_up, name_latency) = (s.name.clone(), s.name.clone());
                    let (up, latency) = (s.up, s.latency_ms);
                    view! {
                        <span class="arrow" aria-hidden="true">"→"</span>
                        <div class="service" class:down=!s.up>
                            <strong>{s.name.clone()}</strong>
                            <span>{if s.up { "up" } else { "down" }}</span>
                            <label>
                                <span class="sr-only">{latency_label}</span>
                                <input
                                    type="number"
                                    min="0"
                                    max="60000"
                                    step="10"
                                    prop:value=s.latency_ms.to_string()
                                    on:change=move |ev| {
                                        let applied = match event_target_value(&ev).trim().parse::<u64>() {
                                            Ok(v) => set(name_latency.clone(), Some(v), None),
                                            Err(_) => {
                                                engine.notice.set(Some("Latency must be a whole number of milliseconds, 0–60000.".into()));
                                                false
                                            }
                                        };
                                        if !applied {
                                            // The refused text goes: the field shows the latency in force.
                                            event_target::<web_sys::HtmlInputElement>(&ev)
                                                .set_value(&latency.to_string());
                                        }
                                    }
                                />
                                " ms"
                            </label>
                            <span class="hint">{format!("{} waiting · {} calls · {} missed", s.in_flight, s.calls, s.missed)}</span>
                            <button aria-label=aria on:click=move |_| { set(name_up.clone(), None, Some(!up)); }>{toggle}</button>
                        </div>
                    }
                }).collect_view();
                let contrast = format!(
                    "With every service up a request takes the sum of the latencies, {} ms, and a dead service makes callers wait {} ms before failing. On Kafka, {} does not wait for any consumer: a send completes when the broker acknowledges it, about {} ms.",
                    c.sum_ms, c.timeout_ms, c.producer, c.kafka_send_ms
                );
                view! {
                    <h2>{heading}</h2>
                    <div class="chain">
                        <div class="service client">
                            <strong>"client"</strong>
                            <span class="hint">{format!("{} of {} threads waiting", c.in_flight, c.max_in_flight)}</span>
                        </div>
                        {boxes}
                    </div>
                    <dl class="stats">
                        {stat("Requests", c.started.to_string())}
                        {stat("Succeeded", c.succeeded.to_string())}
                        {stat("Failed (timeout)", c.failed.to_string())}
                        {stat("Refused (client busy)", c.refused.to_string())}
                        {stat("Last response", ms(c.last_ms))}
                        {stat("Mean response", ms(c.mean_ms))}
                        {stat("Slowest response", ms(Some(c.max_ms)))}
                    </dl>
                    <p class="hint">{contrast}</p>
                }
            })}
        </section>
    }
}

/// The seed document's decision flowchart: does the caller need an immediate response?
#[component]
fn DecisionChart() -> impl IntoView {
    view! {
        <figure class="decision" aria-label="When to call synchronously and when to send an event">
            <div class="question">"Does the caller need an immediate response?"</div>
            <div class="branches">
                <div class="branch sync">
                    <span class="answer">"Yes"</span>
                    <strong>"Synchronous (REST, gRPC)"</strong>
                    <span>"payment validation · user authentication"</span>
                </div>
                <div class="branch async">
                    <span class="answer">"No"</span>
                    <strong>"Asynchronous (Kafka, RabbitMQ)"</strong>
                    <span>"notifications · analytics · background work"</span>
                </div>
            </div>
        </figure>
    }
}
