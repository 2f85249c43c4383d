//! Acting on the cluster, live: add partitions (and watch keys move), change a producer's
//! rate, change a group's assignor, commit mode and `auto.offset.reset`, and reset a group's
//! offsets with a Before → After preview (only while the group is Empty, as Kafka requires).

use kplay_engine::assignor::AssignorKind;
use kplay_engine::backoff::BackOff;
use kplay_engine::group::{CommitMode, GroupConfig, GroupRole, GroupState, OffsetResetPolicy};
use kplay_engine::listener::{FailureKind, FailureRule, RecordMatch};
use kplay_engine::producer::{default_value_template, KeyStream, ProducerSpec};
use kplay_engine::sim::ResetTarget;
use kplay_engine::Command;
use leptos::prelude::*;

use crate::engine::Engine;

/// Grows a topic: Kafka only ever adds partitions, and keyed records then move.
#[component]
pub fn AddPartitions(
    /// The topic to grow (the act panel's topic).
    topic: Memo<Option<String>>,
) -> impl IntoView {
    let engine = expect_context::<Engine>();
    let current = Memo::new(move |_| {
        let topic = topic.get();
        engine.read(|sim| {
            topic
                .and_then(|name| sim.topic(&name).map(|t| t.partition_count()))
                .unwrap_or(0)
        })
    });
    // What the user typed; until then (and after an add) the field offers one partition more.
    let wanted = RwSignal::new(None::<String>);
    let shown = move || {
        wanted
            .get()
            .unwrap_or_else(|| (current.get() + 1).to_string())
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(topic) = topic.get_untracked() else {
            return engine.notice.set(Some(crate::NO_TOPIC.into()));
        };
        let count = match read_partition_count(&shown()) {
            Ok(n) => n,
            Err(why) => {
                engine.notice.set(Some(why));
                return;
            }
        };
        let result = engine.apply(Command::AddPartitions {
            topic,
            partitions: count,
        });
        if result.is_ok() {
            wanted.set(None);
        }
        engine.report(result);
    };
    view! {
        <form class="action-form" novalidate="" on:submit=submit>
            <h2>"Partitions of " <code>{move || crate::topic_label(topic.get())}</code></h2>
            <label>
                // The field holds the count asked for (one more by default): say what it is now.
                {move || format!("Partitions (now {})", current.get())}
                // Text, not a number field: a number field reports a half-typed "-" as empty,
                // and the count offered back would then run into what is typed next.
                <input
                    type="text"
                    inputmode="numeric"
                    autocomplete="off"
                    prop:value=shown
                    on:input=move |ev| wanted.set(Some(event_target_value(&ev)))
                />
            </label>
            <button type="submit">"Add partitions"</button>
            <p class="hint">"Keyed records move: murmur2(key) % partitions changes with the count."</p>
        </form>
    }
}

/// Each producer's rate, and a pause (rate 0).
#[component]
pub fn ProducerRates() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let producers = Memo::new(move |_| {
        engine.read(|sim| {
            sim.producers()
                .iter()
                .filter(|p| !p.removed)
                .map(|p| (p.spec.name.clone(), p.spec.rate_per_sec))
                .collect::<Vec<_>>()
        })
    });
    let rows = move || {
        producers
            .get()
            .into_iter()
            .map(|(name, rate)| {
                let set_rate = {
                    let name = name.clone();
                    move |ev: leptos::ev::Event| {
                        let applied = read_rate(&event_target_value(&ev))
                            .map_err(|why| format!("producer {name}: {why}"))
                            .and_then(|rate_per_sec| {
                                engine
                                    .apply(Command::SetProducerRate { name: name.clone(), rate_per_sec })
                                    .map_err(|e| e.to_string())
                            });
                        if let Err(why) = applied {
                            engine.notice.set(Some(why));
                            // The refused text goes: the field shows the rate still in force.
                            event_target::<web_sys::HtmlInputElement>(&ev)
                                .set_value(&kplay_engine::decimal::text(rate));
                        }
                    }
                };
                let remove = {
                    let name = name.clone();
                    move |_| engine.report(engine.apply(Command::RemoveProducer { name: name.clone() }))
                };
                view! {
                    <li class="producer-row">
                        <code class="producer-name" title=name.clone()>{name.clone()}</code>
                        <input
                            type="number"
                            min="0"
                            max="100000"
                            step="0.5"
                            aria-label=format!("Rate of {name}")
                            prop:value=kplay_engine::decimal::text(rate)
                            on:change=set_rate
                        />
                        <button type="button" class="small secondary" aria-label=format!("Remove {name}") on:click=remove>"Remove"</button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="action-form producer-rates" aria-labelledby="producers-heading">
            <h2 id="producers-heading">"Producers"</h2>
            <p class="hint">
                {move || {
                    if producers.with(Vec::is_empty) {
                        "None: records are sent with Produce only."
                    } else {
                        "Records per second each one sends; 0 pauses it."
                    }
                }}
            </p>
            <ul>{rows}</ul>
        </section>
    }
}

/// The value marker of a poison record: the produce form's "Produce a poison record" sends it.
pub const POISON_MARKER: &str = "POISON";

/// One back-off the Group settings tab offers: its value, its label, and the back-off.
type BackOffChoice = (&'static str, &'static str, fn() -> BackOff);

/// The back-offs the Group settings tab offers.
const BACK_OFFS: &[BackOffChoice] = &[
    (
        "default",
        "FixedBackOff(0, 9): Spring's default, ten deliveries at once",
        BackOff::spring_kafka_default,
    ),
    (
        "fixed",
        "FixedBackOff(1000, 3): four deliveries, 1 s apart",
        || BackOff::fixed(1_000, 3),
    ),
    (
        "exponential",
        "ExponentialBackOffWithMaxRetries(3): 1, 2 and 4 s",
        || BackOff::ExponentialWithMaxRetries {
            max_retries: 3,
            initial_interval_ms: 1_000,
            multiplier: 2.0,
            max_interval_ms: 10_000,
        },
    ),
];

/// A checkbox that turns one group setting on or off, with its name and what it does.
fn setting_box(
    label: String,
    checked: impl Fn() -> bool + Send + Sync + 'static,
    toggle: impl Fn(bool) + 'static,
    name: &'static str,
    explain: &'static str,
) -> impl IntoView {
    view! {
        <label class="check">
            <input
                type="checkbox"
                aria-label=label
                prop:checked=checked
                on:change=move |ev| toggle(event_target_checked(&ev))
            />
            <span><strong>{name}</strong>{explain}</span>
        </label>
    }
}

/// The failure rule the "poison records fail" switch adds: every delivery of a record whose
/// value contains [`POISON_MARKER`] fails.
fn poison_rule() -> FailureRule {
    FailureRule {
        matches: RecordMatch {
            key_equals: None,
            value_contains: Some(POISON_MARKER.into()),
        },
        kind: FailureKind::Poison,
        exception: None,
        message: None,
    }
}

fn is_poison_rule(rule: &FailureRule) -> bool {
    *rule == poison_rule()
}

fn assignor_name(kind: AssignorKind) -> &'static str {
    kind.protocol_name()
}

fn parse_assignor(text: &str) -> Option<AssignorKind> {
    [
        AssignorKind::Range,
        AssignorKind::RoundRobin,
        AssignorKind::Sticky,
        AssignorKind::CooperativeSticky,
    ]
    .into_iter()
    .find(|k| k.protocol_name() == text)
}

/// A group's settings (assignor, commit mode, `auto.offset.reset`) and its offset reset.
#[component]
pub fn GroupSettings(
    /// `group.id`.
    #[prop(into)]
    group: String,
) -> impl IntoView {
    let engine = expect_context::<Engine>();
    let id = group.clone();
    let config =
        Memo::new(move |_| engine.read(|sim| sim.group(&id).map(|g| (g.config.clone(), g.state))));
    let change = {
        let group = group.clone();
        move |edit: Box<dyn Fn(&mut GroupConfig)>| {
            let Some((mut config, _)) = config.get_untracked() else {
                return;
            };
            edit(&mut config);
            engine.report(engine.apply(Command::SetGroupConfig {
                group: group.clone(),
                config,
            }));
        }
    };
    let change_assignor = change.clone();
    let change_commit = change.clone();
    let change_poison = change.clone();
    let change_dead_letter = change.clone();
    let change_back_off = change.clone();
    let change_retry_topic = change.clone();
    let change_static = change.clone();
    let change_reset = change;
    let back_off = move || {
        config.get().map_or("default", |(c, _)| {
            let b = &c.listener.error_handler.back_off;
            BACK_OFFS
                .iter()
                .find(|(_, _, make)| make() == *b)
                .map_or("custom", |(value, _, _)| value)
        })
    };
    let retry_topic = move || {
        config
            .get()
            .is_some_and(|(c, _)| c.listener.error_handler.retry_topic.is_some())
    };
    let static_membership = move || config.get().is_some_and(|(c, _)| c.static_membership);
    let poisoned = move || {
        config
            .get()
            .is_some_and(|(c, _)| c.listener.failures.iter().any(is_poison_rule))
    };
    let dead_letter = move || {
        config
            .get()
            .is_some_and(|(c, _)| c.listener.error_handler.dead_letter)
    };
    let target = RwSignal::new(String::from("earliest"));
    // The offset of --to-offset, or the virtual time of --to-datetime in seconds.
    let amount = RwSignal::new(String::from("0"));
    let group_for_preview = group.clone();
    let preview = Memo::new(move |_| {
        let to = parse_target(&target.get(), &amount.get());
        to.and_then(|to| {
            engine.read(|sim| {
                sim.preview_reset(&group_for_preview, to)
                    .map_err(|e| e.to_string())
            })
        })
    });
    let group_for_apply = group.clone();
    let apply_reset = move |_| match parse_target(&target.get_untracked(), &amount.get_untracked())
    {
        Ok(to) => engine.report(engine.apply(Command::ResetOffsets {
            group: group_for_apply.clone(),
            to,
        })),
        Err(why) => engine.notice.set(Some(why)),
    };
    let amount_label = move || match target.get().as_str() {
        "offset" => Some("Offset"),
        "time" => Some("Virtual time, s"),
        _ => None,
    };
    let empty = move || {
        config
            .get()
            .is_some_and(|(_, state)| state == GroupState::Empty)
    };
    view! {
        <div class="action-form group-settings">
            <h2>"Group " <code>{group.clone()}</code></h2>
            <label>
                "Assignor"
                <select
                    aria-label=format!("Assignor of {group}")
                    prop:value=move || config.get().map_or("range", |(c, _)| assignor_name(c.assignor)).to_string()
                    on:change=move |ev| {
                        if let Some(kind) = parse_assignor(&event_target_value(&ev)) {
                            change_assignor(Box::new(move |c| c.assignor = kind));
                        }
                    }
                >
                    <option value="range">"RangeAssignor"</option>
                    <option value="roundrobin">"RoundRobinAssignor"</option>
                    <option value="sticky">"StickyAssignor"</option>
                    <option value="cooperative-sticky">"CooperativeStickyAssignor"</option>
                </select>
            </label>
            <label>
                "Commit mode"
                <select
                    aria-label=format!("Commit mode of {group}")
                    prop:value=move || config.get().map_or("batch", |(c, _)| match c.commit_mode {
                        CommitMode::Auto => "auto",
                        CommitMode::Batch => "batch",
                        CommitMode::Record => "record",
                    }).to_string()
                    on:change=move |ev| {
                        let mode = match event_target_value(&ev).as_str() {
                            "auto" => CommitMode::Auto,
                            "record" => CommitMode::Record,
                            _ => CommitMode::Batch,
                        };
                        change_commit(Box::new(move |c| c.commit_mode = mode));
                    }
                >
                    <option value="batch">"after each poll (AckMode.BATCH)"</option>
                    <option value="record">"after each record (AckMode.RECORD)"</option>
                    <option value="auto">"enable.auto.commit"</option>
                </select>
            </label>
            <label>
                "auto.offset.reset"
                <select
                    aria-label=format!("auto.offset.reset of {group}")
                    prop:value=move || config.get().map_or("latest", |(c, _)| match c.auto_offset_reset {
                        OffsetResetPolicy::Earliest => "earliest",
                        OffsetResetPolicy::Latest => "latest",
                        OffsetResetPolicy::None => "none",
                    }).to_string()
                    on:change=move |ev| {
                        let policy = match event_target_value(&ev).as_str() {
                            "earliest" => OffsetResetPolicy::Earliest,
                            "none" => OffsetResetPolicy::None,
                            _ => OffsetResetPolicy::Latest,
                        };
                        change_reset(Box::new(move |c| c.auto_offset_reset = policy));
                    }
                >
                    <option value="earliest">"earliest"</option>
                    <option value="latest">"latest"</option>
                    <option value="none">"none"</option>
                </select>
            </label>
            {setting_box(
                format!("Poison records fail in {group}"),
                poisoned,
                move |on| change_poison(Box::new(move |c| {
                    c.listener.failures.retain(|r| !is_poison_rule(r));
                    if on {
                        c.listener.failures.push(poison_rule());
                    }
                })),
                "Poison records fail",
                ": the listener throws on every value containing POISON",
            )}
            {setting_box(
                format!("Dead-letter failed records of {group}"),
                dead_letter,
                move |on| change_dead_letter(Box::new(move |c| c.listener.error_handler.dead_letter = on)),
                "Dead-letter failed records",
                ": DeadLetterPublishingRecoverer publishes them to a dead-letter topic",
            )}
            <label>
                "Back-off between deliveries"
                <select
                    aria-label=format!("Back-off of {group}")
                    prop:value=back_off
                    on:change=move |ev| {
                        let chosen = event_target_value(&ev);
                        if let Some((_, _, make)) = BACK_OFFS.iter().find(|(v, _, _)| *v == chosen) {
                            let b = make();
                            change_back_off(Box::new(move |c| c.listener.error_handler.back_off = b.clone()));
                        }
                    }
                >
                    {BACK_OFFS.iter().map(|(value, label, _)| view! { <option value=*value>{*label}</option> }).collect_view()}
                    <option value="custom" disabled>"as set in the Scenario tab"</option>
                </select>
            </label>
            {setting_box(
                format!("Non-blocking retries in {group}"),
                retry_topic,
                move |on| change_retry_topic(Box::new(move |c| {
                    let h = &mut c.listener.error_handler;
                    h.retry_topic = on.then(|| kplay_engine::retry_topic::RetryTopicConfig::for_version(h.spring_kafka_version));
                })),
                "Non-blocking retries",
                ": @RetryableTopic forwards a failed record to retry topics (3 attempts, 1 s apart, then the -dlt topic) and the partition goes on",
            )}
            {setting_box(
                format!("Static membership in {group}"),
                static_membership,
                move |on| change_static(Box::new(move |c| c.static_membership = on)),
                "Static membership",
                ": consumers not yet in the group, started or restarted from now on have a group.instance.id, so a restart within session.timeout.ms moves no partition",
            )}
            <p class="hint">"Settings apply at once, static membership from a consumer's next (re)start or first join. A new assignor makes every member rejoin with it at once, as if all restarted together: in Kafka a member that shares no assignor with the group is refused (INCONSISTENT_GROUP_PROTOCOL), so moving to cooperative-sticky takes two rolling restarts, the first listing both assignors."</p>
            <fieldset class="reset">
                <legend>"Reset offsets"</legend>
                <label>
                    "To"
                    <select aria-label=format!("Reset offsets of {group} to") on:change=move |ev| target.set(event_target_value(&ev))>
                        <option value="earliest">"--to-earliest"</option>
                        <option value="latest">"--to-latest"</option>
                        <option value="shift:-10">"--shift-by -10"</option>
                        <option value="shift:10">"--shift-by 10"</option>
                        <option value="offset">"--to-offset …"</option>
                        <option value="time">"--to-datetime …"</option>
                    </select>
                </label>
                <label hidden=move || amount_label().is_none()>
                    {move || amount_label().unwrap_or_default()}
                    <input type="number" min="0" prop:value=move || amount.get()
                        on:input=move |ev| amount.set(event_target_value(&ev))/>
                </label>
                <table class="data" aria-label=format!("Offset reset preview of {group}")>
                    <thead>
                        <tr><th scope="col">"Partition"</th><th scope="col">"Before"</th><th scope="col">"After"</th></tr>
                    </thead>
                    <tbody>
                        {move || preview.get().ok().unwrap_or_default().into_iter().map(|(tp, before, after)| view! {
                            <tr>
                                <th scope="row">{tp.to_string()}</th>
                                <td>{before.map_or("—".into(), |b| b.to_string())}</td>
                                <td>{after}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                // What kafka-consumer-groups would refuse, said before the button is pressed.
                {move || preview.get().err().map(|why| view! { <p class="hint error">{why}</p> })}
                <button on:click=apply_reset disabled=move || !empty()>{format!("Reset offsets of {group}")}</button>
                <Show when=move || !empty()>
                    <p class="hint">{move || format!(
                        "Kafka resets offsets only while the group is Empty (it is {} now): remove its consumers, or crash them and wait out the session timeout, with the clock running.",
                        config.get().map_or("gone", |(_, state)| state.name())
                    )}</p>
                </Show>
            </fieldset>
        </div>
    }
}

fn parse_target(kind: &str, amount: &str) -> Result<ResetTarget, String> {
    let amount = amount.trim();
    match kind {
        "earliest" => Ok(ResetTarget::Earliest),
        "latest" => Ok(ResetTarget::Latest),
        "offset" => amount
            .parse()
            .map(|offset| ResetTarget::ToOffset { offset })
            .map_err(|_| format!("--to-offset takes a whole number from 0, not “{amount}”")),
        // A moment of the run, to the millisecond, as the timeline shows it.
        "time" => kplay_engine::decimal::parse(amount)
            .ok()
            .and_then(kplay_engine::decimal::units)
            .and_then(|ms| u64::try_from(ms).ok())
            .map(|at_ms| ResetTarget::ToTime { at_ms })
            .ok_or_else(|| {
                format!(
                    "--to-datetime takes seconds of the run from 0, such as 12.5, not “{amount}”"
                )
            }),
        other => other
            .strip_prefix("shift:")
            .and_then(|by| by.parse().ok())
            .map(|by| ResetTarget::ShiftBy { by })
            .ok_or_else(|| "choose where to reset the offsets to".to_owned()),
    }
}

/// Adds a producer to `topic`: a name, its keys (a comma-separated list, or none for null
/// keys and the sticky partitioner) and a rate.
#[component]
pub fn AddProducer(
    /// The topic it sends to (the act panel's topic).
    topic: Memo<Option<String>>,
) -> impl IntoView {
    let engine = expect_context::<Engine>();
    let name = RwSignal::new(String::from("producer-3"));
    let keys = RwSignal::new(String::from("customer-7, customer-8"));
    let rate = RwSignal::new(String::from("1"));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(topic) = topic.get_untracked() else {
            return engine.notice.set(Some(crate::NO_TOPIC.into()));
        };
        let rate_per_sec = match read_rate(&rate.get_untracked()) {
            Ok(rate_per_sec) => rate_per_sec,
            Err(why) => return engine.notice.set(Some(why)),
        };
        let listed: Vec<String> = keys
            .get_untracked()
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(String::from)
            .collect();
        let keys = if listed.is_empty() {
            KeyStream::Null
        } else {
            KeyStream::Fixed { keys: listed }
        };
        engine.report(engine.apply(Command::AddProducer(ProducerSpec {
            name: name.get_untracked().trim().to_owned(),
            topic,
            keys,
            value_template: default_value_template(),
            rate_per_sec,
            ..ProducerSpec::default()
        })));
    };
    view! {
        // Folded away, and the button says "Add": the page keeps exactly one visible button
        // named "Produce" and one text field named "Key".
        <details class="more add">
        <summary>"Add a producer"</summary>
        <form class="action-form" aria-label="Add a producer" novalidate="" on:submit=submit>
            <label>"Name" <input type="text" autocomplete="off" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/></label>
            <label>
                "Keys (comma-separated; none: null keys)"
                <input type="text" autocomplete="off" spellcheck="false" prop:value=move || keys.get() on:input=move |ev| keys.set(event_target_value(&ev))/>
            </label>
            <label>"Records/s" <input type="text" inputmode="decimal" autocomplete="off" prop:value=move || rate.get() on:input=move |ev| rate.set(event_target_value(&ev))/></label>
            <button type="submit">"Add"</button>
        </form>
        </details>
    }
}

/// Which topic the act panel works on, when the run has more than one: a list of the run's
/// topics (a click on a topic's name in the diagram picks it too).
#[component]
pub fn TopicPicker(
    /// The act panel's topic.
    topic: Memo<Option<String>>,
    /// The topic picked last, which `topic` follows while the run has it.
    picked: RwSignal<Option<String>>,
) -> impl IntoView {
    let engine = expect_context::<Engine>();
    let names = Memo::new(move |_| {
        engine.read(|sim| {
            sim.topics()
                .map(|t| t.name().to_owned())
                .collect::<Vec<_>>()
        })
    });
    move || {
        let names = names.get();
        (names.len() > 1).then(|| {
            // The options as escaped markup: a view per option costs the page more code.
            let current = topic.get();
            let mut options = String::new();
            for name in &names {
                options.push_str(if current.as_ref() == Some(name) {
                    "<option selected>"
                } else {
                    "<option>"
                });
                crate::markup::push_escaped(&mut options, name);
                options.push_str("</option>");
            }
            view! {
                <label class="act-topic">
                    "Act on topic"
                    <select on:change=move |ev| picked.set(Some(event_target_value(&ev))) inner_html=options></select>
                </label>
            }
        })
    }
}

/// Adds a consumer group subscribed to `topic`.
#[component]
pub fn AddGroup(
    /// The topic it subscribes to (the act panel's topic).
    topic: Memo<Option<String>>,
) -> impl IntoView {
    let engine = expect_context::<Engine>();
    let id = RwSignal::new(String::from("group-b"));
    let consumers = RwSignal::new(String::from("1"));
    let reset = RwSignal::new(String::from("earliest"));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(topic) = topic.get_untracked() else {
            return engine.notice.set(Some(crate::NO_TOPIC.into()));
        };
        let text = consumers.get_untracked();
        let Ok(count) = text.trim().parse::<u32>() else {
            engine.notice.set(Some(match text.trim().parse::<i64>() {
                Ok(n) => format!("consumers: a group starts with 0 or more consumers, not {n}"),
                Err(_) => format!("consumers: {:?} is not a whole number", text.trim()),
            }));
            return;
        };
        let auto_offset_reset = if reset.get_untracked() == "latest" {
            OffsetResetPolicy::Latest
        } else {
            OffsetResetPolicy::Earliest
        };
        // Its listener takes as long per record as the run's first group's, so that a group
        // added here keeps up as the lessons' own added groups do.
        let processing_time_ms = engine.peek(|sim| {
            sim.groups()
                .iter()
                .find(|g| g.role == GroupRole::Main)
                .map_or(300, |g| g.config.processing_time_ms)
        });
        engine.report(engine.apply(Command::AddGroup {
            group: id.get_untracked().trim().to_owned(),
            topics: vec![topic],
            config: GroupConfig {
                auto_offset_reset,
                processing_time_ms,
                ..GroupConfig::default()
            },
            consumers: count,
        }));
    };
    view! {
        <details class="more add">
        <summary>"Add a consumer group"</summary>
        <form class="action-form" aria-label="Add a consumer group" novalidate="" on:submit=submit>
            <label>"group.id" <input type="text" autocomplete="off" prop:value=move || id.get() on:input=move |ev| id.set(event_target_value(&ev))/></label>
            <label>"Consumers" <input type="text" inputmode="numeric" autocomplete="off" prop:value=move || consumers.get() on:input=move |ev| consumers.set(event_target_value(&ev))/></label>
            <label>
                "auto.offset.reset"
                <select on:change=move |ev| reset.set(event_target_value(&ev))>
                    <option value="earliest">"earliest: read the backlog"</option>
                    <option value="latest">"latest: only new records"</option>
                </select>
            </label>
            <button type="submit">"Add group"</button>
            <p class="hint">"Its listener takes as long per record as the first group's."</p>
        </form>
        </details>
    }
}

/// A rate as typed into a form: records per second, a decimal with at most three places
/// (`kplay_engine::decimal`). A number input whose text the browser cannot read hands over
/// an empty value.
fn read_rate(text: &str) -> Result<f64, String> {
    if text.trim().is_empty() {
        return Err("rate must be a number of records per second".into());
    }
    kplay_engine::decimal::parse(text).map_err(|why| format!("rate {why}"))
}

/// A partition count as typed: a whole number; a negative one is a number, only not a count.
fn read_partition_count(text: &str) -> Result<u32, String> {
    let text = text.trim();
    match (text.parse::<u32>(), text.parse::<i64>()) {
        (Ok(n), _) => Ok(n),
        (Err(_), Ok(n)) => Err(format!(
            "partitions: a topic has 1 to {} partitions, not {n}",
            kplay_engine::topic::MAX_PARTITIONS
        )),
        (Err(_), Err(_)) => Err(format!("partitions: {text:?} is not a whole number")),
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_target, read_partition_count, read_rate};
    use kplay_engine::sim::ResetTarget;

    #[test]
    fn a_reset_target_is_read_from_the_form_or_refused_with_a_reason() {
        assert_eq!(parse_target("earliest", "x"), Ok(ResetTarget::Earliest));
        assert_eq!(
            parse_target("shift:-10", ""),
            Ok(ResetTarget::ShiftBy { by: -10 })
        );
        assert_eq!(
            parse_target("offset", " 7 "),
            Ok(ResetTarget::ToOffset { offset: 7 })
        );
        assert_eq!(
            parse_target("time", "12.5"),
            Ok(ResetTarget::ToTime { at_ms: 12_500 })
        );
        for (kind, bad) in [
            ("offset", "-1"),
            ("offset", "2.5"),
            ("time", "-1"),
            ("time", "1e3"),
        ] {
            let why = parse_target(kind, bad).unwrap_err();
            assert!(why.contains(bad), "{kind} {bad}: {why}");
        }
    }

    #[test]
    fn a_typed_partition_count_is_a_whole_number() {
        assert_eq!(read_partition_count(" 6 "), Ok(6));
        assert_eq!(
            read_partition_count("-5"),
            Err("partitions: a topic has 1 to 64 partitions, not -5".into())
        );
        assert_eq!(
            read_partition_count("2.5"),
            Err("partitions: \"2.5\" is not a whole number".into())
        );
    }

    #[test]
    fn a_typed_rate_is_a_decimal_with_at_most_three_places() {
        assert_eq!(read_rate(" 2.5 "), Ok(2.5));
        assert_eq!(read_rate("0.125"), Ok(0.125));
        assert_eq!(
            read_rate(""),
            Err("rate must be a number of records per second".into())
        );
        assert_eq!(
            read_rate("0.1234"),
            Err("rate 0.1234 has more than 3 decimal places".into())
        );
        assert_eq!(
            read_rate("fast"),
            Err("rate \"fast\" is not a number".into())
        );
        assert_eq!(
            read_rate("1e20"),
            Err("rate 1e20 has an exponent: write the number out in digits, such as 2.5".into())
        );
        assert_eq!(read_rate("e5"), Err("rate \"e5\" is not a number".into()));
    }
}
