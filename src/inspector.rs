//! The inspector: what the user clicked, in full. For a record: its partition and offset, key,
//! value, headers, timestamp, and which groups have committed past it.

use kplay_engine::assignor::TopicPartition;
use leptos::prelude::*;

use crate::engine::Engine;
use crate::format_clock;

/// What the inspector shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    /// One record of a partition log.
    Record {
        /// Topic.
        topic: String,
        /// Partition.
        partition: u32,
        /// Offset.
        offset: u64,
    },
}

#[derive(Clone, Debug, PartialEq)]
struct RecordDetails {
    partition: String,
    offset: u64,
    key: String,
    value: String,
    headers: Vec<(String, String)>,
    timestamp: String,
    groups: Vec<(String, String)>,
}

/// The inspector panel, named "Inspector".
#[component]
pub fn Inspector() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let selection = expect_context::<RwSignal<Option<Selection>>>();
    let details = Memo::new(move |_| {
        let Some(Selection::Record {
            topic,
            partition,
            offset,
        }) = selection.get()
        else {
            return None;
        };
        engine.read(|sim| {
            let log = sim.topic(&topic)?.partition(partition)?;
            let record = log.get(offset)?;
            let tp = TopicPartition {
                topic: topic.clone(),
                partition,
            };
            Some(RecordDetails {
                partition: tp.to_string(),
                offset,
                key: record.key_text().unwrap_or_else(|| "null".into()),
                value: record.value.clone().unwrap_or_else(|| "null".into()),
                headers: record
                    .headers
                    .iter()
                    .map(|h| (h.key.clone(), kplay_engine::log::bytes_to_text(&h.value)))
                    .collect(),
                timestamp: format_clock(record.timestamp_ms),
                groups: sim
                    .groups()
                    .iter()
                    .filter(|g| g.topics.contains(&topic))
                    .map(|g| {
                        let state = match g.committed.get(&tp) {
                            Some(&c) if c > offset => {
                                format!("committed past it (group offset {c})")
                            }
                            Some(&c) => format!("not yet consumed (group offset {c})"),
                            None => "no committed offset".to_owned(),
                        };
                        (g.id.clone(), state)
                    })
                    .collect(),
            })
        })
    });
    view! {
        <section class="panel inspector" aria-label="Inspector">
            <h2>"Inspector"</h2>
            {move || match details.get() {
                None => view! {
                    <p class="hint">"Click a record in the diagram to see it whole: key, value, headers and which groups have read it."</p>
                }.into_any(),
                Some(d) => view! {
                    <dl class="details">
                        <dt>"Partition"</dt><dd>{d.partition}</dd>
                        <dt>"Offset"</dt><dd>{d.offset}</dd>
                        <dt>"Key"</dt><dd class="mono">{d.key}</dd>
                        <dt>"Timestamp"</dt><dd>{d.timestamp}" (CreateTime)"</dd>
                        <dt>"Value"</dt><dd><pre>{d.value}</pre></dd>
                        <dt>"Headers"</dt>
                        <dd>
                            {if d.headers.is_empty() {
                                view! { <span class="hint">"none"</span> }.into_any()
                            } else {
                                view! {
                                    <ul>{d.headers.into_iter().map(|(k, v)| view! { <li class="mono">{k}" = "{v}</li> }).collect_view()}</ul>
                                }.into_any()
                            }}
                        </dd>
                        <dt>"Groups"</dt>
                        <dd><ul>{d.groups.into_iter().map(|(g, s)| view! { <li>{g}": "{s}</li> }).collect_view()}</ul></dd>
                    </dl>
                }.into_any(),
            }}
        </section>
    }
}
