//! The cluster diagram: producers → the cluster's topics and partitions (offset-indexed logs)
//! → consumer groups and their consumers, with assignment edges. An SVG drawn from a small
//! model read off the simulation once per change; positions come from [`crate::layout`].

use kplay_engine::assignor::TopicPartition;
use kplay_engine::consumer::{ConsumerStatus, MemberPhase};
use kplay_engine::group::GroupState;
use kplay_engine::log::TransactionState;
use kplay_engine::Simulation;
use leptos::prelude::*;

use crate::engine::Engine;
use crate::inspector::{pick_code, pick_from, Selection};
use crate::layout::{
    self, num, Num, CELL_W, CLUSTER_W, CLUSTER_X, CONSUMER_H, GROUP_HEADER_H, GROUP_W, GROUP_X,
    PRODUCER_W, PRODUCER_X, ROW_H, WIDTH,
};

const TOP: f64 = 36.0;
/// Most of a consumer box's width its state (`◷ back-off`, `P0–3`) may take.
const STATE_W: f64 = 96.0;

#[derive(Clone, Debug, PartialEq)]
struct CellModel {
    offset: u64,
    key: Option<String>,
    /// Where the record stands in a transaction; `None` outside one.
    txn: Option<TransactionState>,
}

#[derive(Clone, Debug, PartialEq)]
struct PartitionModel {
    partition: u32,
    log_start: u64,
    log_end: u64,
    window: layout::Window,
    cells: Vec<CellModel>,
    /// (group index, committed offset)
    committed: Vec<(usize, u64)>,
    /// Why a running consumer cannot get past a record (poll failure or back-off): one of
    /// this partition's, or, when a poll fails, one of another partition the consumer owns.
    blocked: Option<String>,
    /// The offset of that record when it is this partition's.
    blocking: Option<u64>,
}

#[derive(Clone, Debug, PartialEq)]
struct TopicModel {
    name: String,
    dead_letter: bool,
    partitions: Vec<PartitionModel>,
}

#[derive(Clone, Debug, PartialEq)]
struct ConsumerModel {
    name: String,
    status: ConsumerStatus,
    phase: MemberPhase,
    assignment: Vec<TopicPartition>,
    backing_off: bool,
}

#[derive(Clone, Debug, PartialEq)]
struct GroupModel {
    id: String,
    state: GroupState,
    generation: i32,
    consumers: Vec<ConsumerModel>,
}

#[derive(Clone, Debug, PartialEq)]
struct Model {
    producers: Vec<(String, String, f64)>,
    topics: Vec<TopicModel>,
    groups: Vec<GroupModel>,
}

fn model(sim: &Simulation) -> Model {
    let groups: Vec<GroupModel> = sim
        .groups()
        .iter()
        .enumerate()
        .map(|(gi, g)| GroupModel {
            id: g.id.clone(),
            state: g.state,
            generation: g.generation,
            consumers: sim
                .consumers()
                .iter()
                .filter(|c| c.group == gi && c.status != ConsumerStatus::Stopped)
                .map(|c| ConsumerModel {
                    name: c.name.clone(),
                    status: c.status,
                    phase: c.phase,
                    assignment: c.assignment.clone(),
                    backing_off: c.backing_off_until.is_some_and(|t| t > sim.now_ms()),
                })
                .collect(),
        })
        .collect();
    let topics = sim
        .topics()
        .map(|t| TopicModel {
            name: t.name().to_owned(),
            dead_letter: t.name().ends_with("-dlt") || t.name().ends_with(".DLT"),
            partitions: t
                .partitions()
                .iter()
                .enumerate()
                .map(|(p, log)| {
                    let (start, end) = (log.log_start_offset(), log.log_end_offset());
                    let tp = TopicPartition {
                        topic: t.name().to_owned(),
                        partition: p as u32,
                    };
                    let blocking = sim
                        .consumers()
                        .iter()
                        .filter(|c| c.status == ConsumerStatus::Running)
                        .find_map(|c| c.blocked_on(&tp, sim.now_ms()));
                    let here = blocking
                        .as_ref()
                        .filter(|b| b.partition == tp)
                        .map(|b| b.offset);
                    let window = layout::Window::new(start, end, here);
                    PartitionModel {
                        partition: p as u32,
                        log_start: start,
                        log_end: end,
                        window,
                        cells: window
                            .pinned
                            .and_then(|pinned| log.get(pinned))
                            .into_iter()
                            .chain(log.range(window.from, end))
                            .map(|r| CellModel {
                                offset: r.offset,
                                key: r.key_text(),
                                txn: log.transaction_state(r),
                            })
                            .collect(),
                        committed: sim
                            .groups()
                            .iter()
                            .enumerate()
                            .filter_map(|(gi, g)| g.committed.get(&tp).map(|&o| (gi, o)))
                            .collect(),
                        blocked: blocking.map(|b| {
                            let record = format!("{} @ {}", b.partition, b.offset);
                            if b.poll_fails {
                                format!("blocked: {record} cannot be deserialized, so every poll of its consumer fails")
                            } else if b.partition == tp {
                                format!("blocked: the listener failed on {record}, which is retried with back-off; the partition waits behind it")
                            } else {
                                format!("blocked: its consumer's thread sleeps in the back-off for {record}")
                            }
                        }),
                        blocking: here,
                    }
                })
                .collect(),
        })
        .collect();
    let producers = sim
        .producers()
        .iter()
        .filter(|p| !p.removed)
        .map(|p| {
            (
                p.spec.name.clone(),
                p.spec.topic.clone(),
                p.spec.rate_per_sec,
            )
        })
        .collect();
    Model {
        producers,
        topics,
        groups,
    }
}

/// The fill of a transaction marker's cell: no key colours it.
const MARKER_FILL: &str = "#E0E0E0";

/// Group flag colours for committed-offset markers (distinct from the key palette's order).
const GROUP_COLOURS: [&str; 6] = [
    "#2E7D32", "#6A1B9A", "#00838F", "#AD1457", "#4E342E", "#283593",
];

/// The SVG diagram of the whole cluster.
#[component]
pub fn Diagram() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let model = Memo::new(move |_| engine.read(model));
    let traced = expect_context::<crate::inspector::Traced>().0;
    let flights = flights(engine, model);
    let drawing = move || {
        let m = model.get();
        let traced = traced.get();
        if FOCUSED.with_borrow(Option::is_some) {
            request_animation_frame(refocus);
        }
        let counts: Vec<u32> = m.topics.iter().map(|t| t.partitions.len() as u32).collect();
        let topics = layout::topic_boxes(TOP + 20.0, &counts);
        let consumer_counts: Vec<usize> = m.groups.iter().map(|g| g.consumers.len()).collect();
        let groups = layout::group_boxes(TOP, &consumer_counts);
        let height = layout::diagram_height(&topics, &groups, m.producers.len(), TOP);
        let cluster_bottom = topics.last().map_or(TOP + 60.0, |b| b.y + b.h) + 6.0;

        // Where each partition's row is, for edges.
        let mut row_of = kplay_engine::vec_map::VecMap::new();
        for (t, tb) in m.topics.iter().zip(&topics) {
            for (p, y) in t.partitions.iter().zip(&tb.rows) {
                row_of.insert((t.name.clone(), p.partition), *y);
            }
        }
        let topic_y = kplay_engine::order::map_of(
            m.topics
                .iter()
                .zip(&topics)
                .map(|(t, b)| (t.name.clone(), b.y + 14.0)),
        );

        let producer_views = m
            .producers
            .iter()
            .enumerate()
            .map(|(i, (name, topic, rate))| {
                let y = layout::producer_y(TOP + 20.0, i);
                let target = topic_y.get(topic).copied().unwrap_or(y);
                let rate_text = match *rate {
                    1.0 => "1 record/s".to_owned(),
                    r if r > 0.0 => format!("{} records/s", kplay_engine::decimal::text(r)),
                    _ => "manual sends".to_owned(),
                };
                let shown = layout::fit(name, PRODUCER_W - 16.0, 12.0, true);
                // The edge is drawn outside the focusable box: the focus ring outlines the box.
                view! {
                    <path class="edge produce-edge" d=layout::edge_path(PRODUCER_X + PRODUCER_W, y + 17.0, CLUSTER_X, target)/>
                    <g class="producer pick" role="button" tabindex="0" aria-label=format!("Producer {name}") data-pick=pick_code(&Selection::Producer { name: name.clone() })>
                        <rect x=num(PRODUCER_X) y=num(y) width=num(PRODUCER_W) height="34" rx="6"/>
                        <title>{name.clone()}</title>
                        <text x=num(PRODUCER_X + 8.0) y=num(y + 14.0) class="title">{shown}</text>
                        <text x=num(PRODUCER_X + 8.0) y=num(y + 27.0) class="sub">{rate_text}</text>
                    </g>
                }
            })
            .collect_view();

        let topic_views = m
            .topics
            .iter()
            .zip(topics.iter())
            .map(|(t, tb)| {
                let rows = t
                    .partitions
                    .iter()
                    .zip(tb.rows.iter())
                    .map(|(p, &y)| partition_view(t, p, y, &traced))
                    .collect_view();
                view! {
                    <g class="topic" class:dead-letter=t.dead_letter>
                        <rect class="topic-box" x=num(CLUSTER_X + 10.0) y=num(tb.y) width=num(CLUSTER_W - 20.0) height=num(tb.h) rx="6"/>
                        <text x=num(CLUSTER_X + 20.0) y=num(tb.y + 17.0) class="title pick" role="button" tabindex="0" aria-label=format!("Topic {}", t.name) data-pick=pick_code(&Selection::Topic { name: t.name.clone() })>
                            "Topic " {layout::fit(&t.name, CLUSTER_W - 90.0, 12.0, true)}
                            <title>{t.name.clone()}</title>
                        </text>
                        {rows}
                    </g>
                }
            })
            .collect_view();

        let group_views = m
            .groups
            .iter()
            .zip(groups.iter())
            .enumerate()
            .map(|(gi, (g, gb))| {
                let consumers = g
                    .consumers
                    .iter()
                    .zip(gb.consumers.iter())
                    .map(|(c, &y)| {
                        let edges = c
                            .assignment
                            .iter()
                            .filter_map(|tp| row_of.get(&(tp.topic.clone(), tp.partition)))
                            .map(|&ry| {
                                view! {
                                    <path
                                        class="edge assign-edge"
                                        d=layout::edge_path(CLUSTER_X + CLUSTER_W - 14.0, ry, GROUP_X + 8.0, y + CONSUMER_H / 2.0)
                                        style=format!("stroke:{}", GROUP_COLOURS[gi % GROUP_COLOURS.len()])
                                    />
                                }
                            })
                            .collect_view();
                        let idle = c.status == ConsumerStatus::Running && c.phase == MemberPhase::Active && c.assignment.is_empty();
                        let crashed = matches!(c.status, ConsumerStatus::Crashed | ConsumerStatus::Failed);
                        let state = match (c.status, c.phase) {
                            (ConsumerStatus::Crashed, _) => "✖ crashed".to_owned(),
                            (ConsumerStatus::Failed, _) => "✖ failed".to_owned(),
                            (ConsumerStatus::Paused, _) => "⏸ paused".to_owned(),
                            _ if c.backing_off => "◷ back-off".to_owned(),
                            (_, MemberPhase::Joining) => "joining".to_owned(),
                            (_, MemberPhase::Unjoined) => "not a member".to_owned(),
                            _ if idle => "idle".to_owned(),
                            _ => layout::owned_partitions(&c.assignment, layout::chars_in(STATE_W, 11.0, false)),
                        };
                        // The state keeps its room at the right; the name gets what is left.
                        let state_w = layout::text_width(&state, 11.0, false).min(STATE_W);
                        let shown = layout::fit(&c.name, GROUP_W - 36.0 - state_w, 12.0, true);
                        let consumer_pick = pick_code(&Selection::Consumer { name: c.name.clone() });
                        view! {
                            {edges}
                            <g role="button" tabindex="0" aria-label=format!("Consumer {}", c.name) data-pick=consumer_pick.clone() class:traced=traced.contains(&consumer_pick) class="consumer pick" class:idle=idle class:crashed=crashed class:paused=c.status == ConsumerStatus::Paused>
                                <rect x=num(GROUP_X + 8.0) y=num(y) width=num(GROUP_W - 16.0) height=num(CONSUMER_H) rx="5"/>
                                <title>{c.name.clone()}</title>
                                <text x=num(GROUP_X + 14.0) y=num(y + 17.0) class="title">{shown}</text>
                                <text x=num(GROUP_X + GROUP_W - 14.0) y=num(y + 17.0) class="sub end">{state}</text>
                            </g>
                        }
                    })
                    .collect_view();
                let rebalancing = matches!(g.state, GroupState::PreparingRebalance | GroupState::CompletingRebalance);
                view! {
                    <g class="group" class:rebalancing=rebalancing>
                        <rect class="group-box" x=num(GROUP_X) y=num(gb.y) width=num(GROUP_W) height=num(gb.h) rx="8"/>
                        <g class="pick" role="button" tabindex="0" aria-label=format!("Group {}", g.id) data-pick=pick_code(&Selection::Group { id: g.id.clone() })>
                            <rect class="hit" x=num(GROUP_X) y=num(gb.y) width=num(GROUP_W) height=num(GROUP_HEADER_H - 2.0) rx="8"/>
                            <circle cx=num(GROUP_X + 12.0) cy=num(gb.y + 14.0) r="5" style=format!("fill:{}", GROUP_COLOURS[gi % GROUP_COLOURS.len()])/>
                            <text x=num(GROUP_X + 22.0) y=num(gb.y + 18.0) class="title">
                                {layout::fit(&g.id, GROUP_W - 30.0, 12.0, true)}
                                <title>{g.id.clone()}</title>
                            </text>
                            // The state has a line of its own: CompletingRebalance is long.
                            <text x=num(GROUP_X + 22.0) y=num(gb.y + 32.0) class="badge">
                                {layout::fit(
                                    &format!("{} · gen {}", g.state.name(), g.generation),
                                    GROUP_W - 30.0,
                                    10.0,
                                    false,
                                )}
                                <title>{g.state.explanation()}</title>
                            </text>
                        </g>
                        {g.consumers.is_empty().then(|| view! {
                            <text x=num(GROUP_X + 14.0) y=num(gb.y + GROUP_HEADER_H + 17.0) class="sub">"no consumers"</text>
                        })}
                        {consumers}
                    </g>
                }
            })
            .collect_view();

        view! {
            <svg
                class="diagram-svg"
                viewBox=format!("0 0 {} {}", Num(WIDTH), Num(height.round()))
                role="group"
                on:click=|ev| pick_from(&ev)
                on:keydown=|ev| {
                    if ev.key() == "Enter" || ev.key() == " " {
                        pick_from(&ev);
                    }
                }
                aria-label="Cluster diagram: producers, topics and partitions, consumer groups"
                preserveAspectRatio="xMinYMin meet"
            >
                <text x=num(PRODUCER_X) y="20" class="column">"Producers"</text>
                <text x=num(CLUSTER_X) y="20" class="column">"Kafka cluster"</text>
                <text x=num(GROUP_X) y="20" class="column">"Consumer groups"</text>
                <rect class="cluster" x=num(CLUSTER_X) y=num(TOP) width=num(CLUSTER_W) height=num(cluster_bottom - TOP) rx="10"/>
                {producer_views}
                {topic_views}
                {group_views}
            </svg>
        }
    };
    view! {
        // At 100× and faster single records are a blur: the edges pulse instead.
        <div
            class="diagram-wrap"
            on:focusin=|ev| FOCUSED.set(focused_cell(&ev))
            on:focusout=|ev| forget_on_blur(&ev)
            class:fast=move || {
                engine.playing.get() && crate::engine::SPEEDS[engine.speed.get()] >= FAST_SPEED
            }
        >
            {drawing}
            <svg
                class="flights-svg"
                viewBox=move || format!("0 0 {} {}", Num(WIDTH), Num(anchors(&model.get()).height.round()))
                preserveAspectRatio="xMinYMin meet"
                aria-hidden="true"
            >
                <For each=move || flights.get().list key=|f| f.id let:f>
                    <circle class=format!("flight {}", f.class) cx=num(f.from.0) cy=num(f.from.1) r="4" style=flight_style(&f)/>
                </For>
            </svg>
        </div>
    }
}

// Cells are rewritten as markup on every change, which drops a focused cell from the page:
// after each redraw the same record, or the cell now in its place, gets focus back.
thread_local! {
    /// The record cell that has keyboard focus: its pick code, the label of its partition's
    /// list and its place in the row.
    static FOCUSED: std::cell::RefCell<Option<(String, String, u32)>> = const { std::cell::RefCell::new(None) };
}

/// The cell a focus event landed on, if it landed on a record cell.
fn focused_cell(ev: &web_sys::FocusEvent) -> Option<(String, String, u32)> {
    use wasm_bindgen::JsCast;
    let cell = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    if !cell.matches(".cell").ok()? {
        return None;
    }
    let list = cell.closest("[role=list]").ok()??;
    let cells = list.query_selector_all(".cell").ok()?;
    let place =
        (0..cells.length()).find(|&i| cells.get(i).is_some_and(|n| n.is_same_node(Some(&cell))))?;
    Some((
        cell.get_attribute("data-pick")?,
        list.get_attribute("aria-label")?,
        place,
    ))
}

/// Forgets the focused cell when focus really left it. Chromium also sends `focusout`, with
/// no element gaining focus, when a redraw removes the focused cell; the cell is still on the
/// page during that event, so the check waits for a microtask: a cell that is gone was
/// redrawn, one that is still there was left.
fn forget_on_blur(ev: &web_sys::FocusEvent) {
    use wasm_bindgen::JsCast;
    let left = ev.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
    match left {
        Some(left) if ev.related_target().is_none() => queue_microtask(move || {
            if left.is_connected() {
                FOCUSED.set(None);
            }
        }),
        _ => FOCUSED.set(None),
    }
}

/// A CSS string holding `text`, for an attribute selector.
fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\a "),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// After a redraw, focuses the focused cell's record again if the redraw dropped the focus
/// (it is on the page's body): the same record if it is still drawn, else the cell now in its
/// place in the same partition.
fn refocus() {
    use wasm_bindgen::JsCast;
    let Some((pick, partition, place)) = FOCUSED.with_borrow(Clone::clone) else {
        return;
    };
    let document = document();
    if document
        .active_element()
        .is_some_and(|e| e.tag_name() != "BODY")
    {
        return;
    }
    let same_record = document
        .query_selector(&format!(
            ".diagram-svg .cell[data-pick={}]",
            css_string(&pick)
        ))
        .ok()
        .flatten()
        .map(web_sys::Node::from);
    let in_place = || {
        let selector = format!(".diagram-svg [aria-label={}] .cell", css_string(&partition));
        let cells = document.query_selector_all(&selector).ok()?;
        cells.get(place.min(cells.length().checked_sub(1)?))
    };
    if let Some(cell) = same_record
        .or_else(in_place)
        .and_then(|n| n.dyn_into::<web_sys::SvgElement>().ok())
    {
        let _ = cell.focus();
    }
}

/// Where records fly from and to: each producer's box, each partition row (`topic-N`), each
/// consumer's box, by name; and the diagram's height. The same layout as the drawing.
#[derive(Clone, Debug, Default, PartialEq)]
struct Anchors {
    producers: Vec<(String, f64)>,
    rows: Vec<(String, f64)>,
    consumers: Vec<(String, f64)>,
    height: f64,
}

fn anchors(m: &Model) -> Anchors {
    let counts: Vec<u32> = m.topics.iter().map(|t| t.partitions.len() as u32).collect();
    let topics = layout::topic_boxes(TOP + 20.0, &counts);
    let consumer_counts: Vec<usize> = m.groups.iter().map(|g| g.consumers.len()).collect();
    let groups = layout::group_boxes(TOP, &consumer_counts);
    Anchors {
        producers: m
            .producers
            .iter()
            .enumerate()
            .map(|(i, (name, _, _))| (name.clone(), layout::producer_y(TOP + 20.0, i) + 17.0))
            .collect(),
        rows: m
            .topics
            .iter()
            .zip(&topics)
            .flat_map(|(t, b)| {
                t.partitions
                    .iter()
                    .zip(&b.rows)
                    .map(|(p, &y)| (format!("{}-{}", t.name, p.partition), y))
            })
            .collect(),
        consumers: m
            .groups
            .iter()
            .zip(&groups)
            .flat_map(|(g, b)| {
                g.consumers
                    .iter()
                    .zip(&b.consumers)
                    .map(|(c, &y)| (c.name.clone(), y + CONSUMER_H / 2.0))
            })
            .collect(),
        height: layout::diagram_height(&topics, &groups, m.producers.len(), TOP),
    }
}

/// Speed from which the edges pulse instead of carrying records.
const FAST_SPEED: f64 = 100.0;

/// How long a record's flight lasts, wall-clock ms.
const FLIGHT_MS: f64 = 650.0;
/// Most flights started per update, and alive at once: at high speed the dots stay a sample.
const NEW_FLIGHTS: usize = 12;
const LIVE_FLIGHTS: usize = 40;

/// A record moving along an edge: produced (producer → partition), fetched (partition →
/// consumer), committed (consumer → partition), dead-lettered or sent to a retry topic
/// (partition → partition).
#[derive(Clone, Debug, PartialEq)]
struct Flight {
    id: u64,
    class: &'static str,
    from: (f64, f64),
    to: (f64, f64),
    born_ms: f64,
}

#[derive(Clone, Debug, Default, PartialEq)]
struct Flights {
    /// Trace events seen so far.
    seen: u64,
    list: Vec<Flight>,
}

fn wall_ms() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// The flights of the newest trace events, started as the simulation moves on and dropped
/// when over. A run that moved back (or a new one) starts with none.
fn flights(engine: Engine, model: Memo<Model>) -> Memo<Flights> {
    Memo::new(move |prev: Option<&Flights>| {
        let a = anchors(&model.get());
        let now = wall_ms();
        let total = engine.read(|sim| sim.trace().total());
        let Some(prev) = prev.filter(|p| p.seen <= total) else {
            return Flights {
                seen: total,
                list: Vec::new(),
            };
        };
        let mut next = prev.clone();
        next.list.retain(|f| now - f.born_ms < FLIGHT_MS);
        let fresh = (total - prev.seen) as usize;
        next.seen = total;
        let y = |list: &[(String, f64)], name: &str| {
            list.iter().find(|(n, _)| n == name).map(|&(_, y)| y)
        };
        let out_x = CLUSTER_X + CLUSTER_W - 14.0;
        let consumer_x = GROUP_X + 8.0;
        engine.peek(|sim| {
            use kplay_engine::trace::EventKind::*;
            let events = sim.trace().events();
            let kept = events.len();
            let newest = events
                .enumerate()
                .skip(kept.saturating_sub(fresh))
                .filter_map(|(i, e)| {
                    let (class, from, to) = match &e.kind {
                        Produced {
                            producer: Some(p),
                            topic,
                            partition,
                            ..
                        } => (
                            "produce",
                            (PRODUCER_X + PRODUCER_W, y(&a.producers, p.as_str())?),
                            (
                                CLUSTER_X + 20.0,
                                y(&a.rows, &format!("{topic}-{partition}"))?,
                            ),
                        ),
                        Fetched {
                            consumer,
                            partition,
                            ..
                        } => (
                            "fetch",
                            (out_x, y(&a.rows, partition.as_str())?),
                            (consumer_x, y(&a.consumers, consumer.as_str())?),
                        ),
                        Committed {
                            consumer,
                            partition,
                            ..
                        } => (
                            "commit",
                            (consumer_x, y(&a.consumers, consumer.as_str())?),
                            (out_x, y(&a.rows, partition.as_str())?),
                        ),
                        DeadLettered {
                            partition,
                            dead_letter_topic,
                            dead_letter_partition,
                            ..
                        } => (
                            "dead",
                            (out_x, y(&a.rows, partition.as_str())?),
                            (
                                out_x,
                                y(
                                    &a.rows,
                                    &format!("{dead_letter_topic}-{dead_letter_partition}"),
                                )?,
                            ),
                        ),
                        RetryScheduled {
                            partition,
                            retry_topic,
                            retry_partition,
                            ..
                        } => (
                            "retry",
                            (out_x, y(&a.rows, partition.as_str())?),
                            (
                                out_x,
                                y(&a.rows, &format!("{retry_topic}-{retry_partition}"))?,
                            ),
                        ),
                        _ => return None,
                    };
                    let id = total - (kept - i) as u64;
                    Some(Flight {
                        id,
                        class,
                        from,
                        to,
                        born_ms: now,
                    })
                })
                .collect::<Vec<_>>();
            let start = newest.len().saturating_sub(NEW_FLIGHTS);
            next.list.extend(newest.into_iter().skip(start));
        });
        let over = next.list.len().saturating_sub(LIVE_FLIGHTS);
        next.list.drain(..over);
        next
    })
}

/// The flight's path as CSS custom properties: where the dot is a quarter, half, three
/// quarters of the way and at the end, relative to where it starts (see `@keyframes fly`).
fn flight_style(f: &Flight) -> String {
    let ((x1, y1), (x2, y2)) = (f.from, f.to);
    let mut style = String::new();
    for (name, t) in [("a", 0.25), ("b", 0.5), ("c", 0.75), ("d", 1.0)] {
        let (x, y) = layout::edge_point(x1, y1, x2, y2, t);
        style.push_str(&format!(
            "--{name}:translate({}px,{}px);",
            Num(x - x1),
            Num(y - y1)
        ));
    }
    style
}

/// A partition's record cells as SVG markup: one `<g role="listitem">` per drawn record with
/// its offset, an abbreviation of its key in the key's colour, and a tooltip. Keys and the
/// topic's name are escaped ([`crate::markup`]).
fn cells_markup(topic: &str, p: &PartitionModel, top: f64, traced: &[String]) -> String {
    use crate::markup::push_escaped;
    use std::fmt::Write as _;

    let mut out = String::new();
    let (width, height) = (Num(CELL_W - 2.0), Num(ROW_H - 8.0));
    for c in &p.cells {
        let x = p.window.x(c.offset);
        let mid = Num(x + CELL_W / 2.0 - 1.0);
        let (x, top) = (Num(x), Num(top));
        let marker = matches!(
            c.txn,
            Some(TransactionState::CommitMarker | TransactionState::AbortMarker)
        );
        let key = c.key.as_deref().unwrap_or("null");
        let pick = pick_code(&Selection::Record {
            topic: topic.to_owned(),
            partition: p.partition,
            offset: c.offset,
        });
        let traced = if traced.contains(&pick) {
            " traced"
        } else {
            ""
        };
        let (blocking, stuck) = if p.blocking == Some(c.offset) {
            (" blocking", ", the partition waits behind it")
        } else {
            ("", "")
        };
        let offset = c.offset;
        let colour = if marker {
            MARKER_FILL
        } else {
            layout::key_colour(c.key.as_deref())
        };
        let ink = if layout::needs_light_text(colour) {
            " light-text"
        } else {
            ""
        };
        let txn = match c.txn {
            Some(TransactionState::Open) => " open",
            Some(TransactionState::Aborted) => " aborted",
            _ if marker => " marker",
            _ => "",
        };
        // What the label and the tooltip add: the transaction, then what blocks.
        let about = c
            .txn
            .map_or(String::new(), |t| format!(", {}", t.describe()));
        let _ = write!(
            out,
            r#"<g class="cell{traced}{ink}{blocking}{txn}" role="listitem" tabindex="0" aria-label="offset {offset}"#
        );
        if !marker {
            out.push_str(" key ");
            push_escaped(&mut out, key);
        }
        out.push_str(&about);
        out.push_str(stuck);
        out.push_str(r#"" data-pick=""#);
        push_escaped(&mut out, &pick);
        let _ = write!(
            out,
            r#""><rect x="{x}" y="{top}" width="{width}" height="{height}" rx="3" style="fill:{colour}"></rect><text x="{mid}" y="{}" class="offset mid">{offset}</text><text x="{mid}" y="{}" class="key mid">"#,
            Num(top.0 + 11.0),
            Num(top.0 + 22.0),
        );
        match c.txn {
            Some(TransactionState::CommitMarker) => out.push('✓'),
            Some(TransactionState::AbortMarker) => out.push('✗'),
            _ => push_escaped(&mut out, &layout::key_abbrev(c.key.as_deref())),
        }
        let _ = write!(out, "</text><title>offset {offset}");
        if !marker {
            out.push_str("\nkey ");
            push_escaped(&mut out, key);
        }
        out.push_str(&about);
        out.push_str(stuck);
        out.push_str("</title></g>");
    }
    // The break between a pinned blocking record and the newest records (not a list item).
    if let Some(pinned) = p.window.pinned {
        let (x, y1, y2) = (
            Num(layout::cell_x(1) - 1.0),
            Num(top - 7.0),
            Num(top + ROW_H - 1.0),
        );
        let (first, last) = (pinned + 1, p.window.from - 1);
        let _ = write!(
            out,
            r#"<line class="seam" aria-hidden="true" x1="{x}" x2="{x}" y1="{y1}" y2="{y2}"><title>offsets {first} to {last} not drawn</title></line>"#
        );
    }
    out
}

fn partition_view(
    topic: &TopicModel,
    p: &PartitionModel,
    y: f64,
    traced: &[String],
) -> impl IntoView {
    let label = format!("{}-{}", topic.name, p.partition);
    let top = y - ROW_H / 2.0 + 4.0;
    let cells = cells_markup(&topic.name, p, top, traced);
    let next_x = p.window.x(p.log_end);
    let markers = p
        .committed
        .iter()
        .map(|&(gi, offset)| {
            let x = p.window.x(offset);
            view! {
                <path class="commit-marker" d=format!("M{},{} l4,6 l-8,0 z", Num(x), Num(y + ROW_H / 2.0 - 8.0))
                    style=format!("fill:{}", GROUP_COLOURS[gi % GROUP_COLOURS.len()])>
                    <title>{format!("committed offset {offset}")}</title>
                </path>
            }
        })
        .collect_view();
    let pick = pick_code(&Selection::Partition {
        topic: topic.name.clone(),
        partition: p.partition,
    });
    let partition_name = format!("Partition {label}");
    view! {
        <g class="partition" class:blocked=p.blocked.is_some()>
            {p.blocked.clone().map(|why| view! {
                // Around the cells and the next-offset slot; the LWM / LEO lines stay clear of it.
                <rect class="blocked-band" x=num(CLUSTER_X + 44.0) y=num(top - 2.0) width=num(layout::cell_x(layout::VISIBLE_CELLS) + CELL_W - CLUSTER_X - 40.0) height=num(ROW_H - 4.0) rx="4">
                    <title>{why}</title>
                </rect>
            })}
            <text x=num(CLUSTER_X + 20.0) y=num(y - 1.0) class="partition-label pick" role="button" tabindex="0" aria-label=partition_name data-pick=pick>{format!("P{}", p.partition)}</text>
            {(p.window.hidden > 0).then(|| {
                let text = format!("+{}", p.window.hidden);
                view! {
                    <text x=num(CLUSTER_X + 20.0) y=num(y + 13.0) class="earlier">
                        {text}
                        <title>"older offsets not drawn"</title>
                    </text>
                }
            })}
            // The list holds the record cells only: a screen reader counts records.
            <g class="cells" role="list" aria-label=label inner_html=cells></g>
            <rect class="next-cell" x=num(next_x) y=num(top) width=num(CELL_W - 2.0) height=num(ROW_H - 8.0) rx="3">
                <title>{format!("next offset {} (Log End Offset)", p.log_end)}</title>
            </rect>
            {markers}
            // Two short lines rather than one: with five-digit offsets one line ran into the
            // next-offset slot.
            <text class="leo end">
                <tspan x=num(CLUSTER_X + CLUSTER_W - 20.0) y=num(y - 2.0)>{format!("LWM {}", p.log_start)}</tspan>
                <tspan x=num(CLUSTER_X + CLUSTER_W - 20.0) y=num(y + 10.0)>{format!("LEO {}", p.log_end)}</tspan>
            </text>
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_strings_escape_quotes_backslashes_and_newlines() {
        assert_eq!(css_string("r|0|4|orders"), r#""r|0|4|orders""#);
        assert_eq!(css_string("a\"b\\c\nd"), r#""a\"b\\c\a d""#);
    }

    #[test]
    fn cells_are_list_items_with_escaped_user_text() {
        let cell = |offset, key: Option<&str>| CellModel {
            offset,
            key: key.map(str::to_owned),
            txn: None,
        };
        let p = PartitionModel {
            partition: 2,
            log_start: 0,
            log_end: 12,
            window: layout::Window::new(0, 12, None),
            cells: vec![cell(1, Some(r#"<b>"x"</b>"#)), cell(2, None)],
            committed: vec![],
            blocked: None,
            blocking: None,
        };
        let traced = [pick_code(&Selection::Record {
            topic: "t&t".into(),
            partition: 2,
            offset: 2,
        })];
        let m = cells_markup("t&t", &p, 5.0, &traced);
        assert_eq!(m.matches(r#"role="listitem""#).count(), 2, "{m}");
        assert!(!m.contains("<b>"), "{m}");
        assert!(
            m.contains(r#"aria-label="offset 1 key &lt;b&gt;&quot;x&quot;&lt;/b&gt;""#),
            "{m}"
        );
        assert!(m.contains("<title>offset 1\nkey &lt;b&gt;&quot;x&quot;&lt;/b&gt;</title>"));
        assert!(
            m.contains(r#"<g class="cell traced" role="listitem" tabindex="0" aria-label="offset 2 key null" data-pick="r|2|2|t&amp;t">"#),
            "{m}"
        );
        // The second cell sits one cell width right of the first.
        let first_x = layout::cell_x(0);
        assert!(m.contains(&format!(r#"<rect x="{first_x}" y="5""#)));
        assert!(m.contains(&format!(r#"<rect x="{}" y="5""#, first_x + CELL_W)));
    }

    #[test]
    fn transaction_markers_aborted_and_open_records_are_drawn_as_such() {
        use TransactionState::*;
        let cell = |offset, txn| CellModel {
            offset,
            key: (offset % 2 == 0).then(|| "acct".to_owned()),
            txn,
        };
        let p = PartitionModel {
            partition: 0,
            log_start: 0,
            log_end: 5,
            window: layout::Window::new(0, 5, None),
            cells: vec![
                cell(0, Some(Aborted)),
                cell(1, Some(AbortMarker)),
                cell(2, Some(Committed)),
                cell(3, Some(CommitMarker)),
                cell(4, Some(Open)),
            ],
            committed: vec![],
            blocked: None,
            blocking: None,
        };
        let m = cells_markup("t", &p, 0.0, &[]);
        let items: Vec<&str> = m.split("<g ").skip(1).collect();
        assert_eq!(items.len(), 5, "{m}");
        assert!(items[0].starts_with(r#"class="cell aborted" role="listitem" tabindex="0" aria-label="offset 0 key acct, in an aborted transaction""#), "{}", items[0]);
        assert!(items[1].starts_with(r#"class="cell marker" role="listitem" tabindex="0" aria-label="offset 1, abort marker""#), "{}", items[1]);
        assert!(
            items[1].contains(&format!("fill:{MARKER_FILL}")),
            "{}",
            items[1]
        );
        assert!(
            items[1].contains(r#"class="key mid">✗</text><title>offset 1, abort marker</title>"#),
            "{}",
            items[1]
        );
        assert!(items[2].starts_with(r#"class="cell" role="listitem" tabindex="0" aria-label="offset 2 key acct, in a committed transaction""#), "{}", items[2]);
        assert!(
            items[3].contains(r#"class="key mid">✓</text>"#),
            "{}",
            items[3]
        );
        assert!(items[4].starts_with(r#"class="cell open" role="listitem" tabindex="0" aria-label="offset 4 key acct, in an open transaction""#), "{}", items[4]);
    }

    #[test]
    fn a_pinned_blocking_record_is_drawn_first_and_marked() {
        let cell = |offset| CellModel {
            offset,
            key: Some("k".into()),
            txn: None,
        };
        let p = PartitionModel {
            partition: 0,
            log_start: 0,
            log_end: 50,
            window: layout::Window::new(0, 50, Some(7)),
            cells: [7].into_iter().chain(40..50).map(cell).collect(),
            committed: vec![],
            blocked: Some("blocked".into()),
            blocking: Some(7),
        };
        let m = cells_markup("t", &p, 0.0, &[]);
        assert_eq!(m.matches(r#"role="listitem""#).count(), 11, "{m}");
        assert_eq!(m.matches("blocking").count(), 1, "{m}");
        assert!(m.contains(&format!(
            r#"<g class="cell blocking" role="listitem" tabindex="0" aria-label="offset 7 key k, the partition waits behind it" data-pick="r|0|7|t"><rect x="{}""#,
            layout::cell_x(0)
        )), "{m}");
        // The newest ten follow it, the last in the last slot.
        assert!(
            m.contains(&format!(
                r#"aria-label="offset 49 key k" data-pick="r|0|49|t"><rect x="{}""#,
                layout::cell_x(layout::VISIBLE_CELLS - 1)
            )),
            "{m}"
        );
    }
}
