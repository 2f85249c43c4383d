//! One topic's partitions, each drawn as a strip of offset cells, oldest left.

use leptos::prelude::*;

use crate::Engine;

/// How many of the newest records a partition strip shows; older ones are summarised.
pub const VISIBLE_RECORDS: u64 = 24;

/// A record cell as the view needs it: cheap to clone, compared by offset.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Cell {
    offset: u64,
    key: Option<String>,
    value: Option<String>,
}

/// The partitions of `topic`, each a list named as Kafka writes a topic-partition.
#[component]
pub fn TopicView(
    /// Name of the topic to draw.
    #[prop(into)]
    topic: String,
) -> impl IntoView {
    let engine = expect_context::<Engine>();
    let name = topic.clone();
    let partition_count =
        move || engine.read(|sim| sim.topic(&name).map_or(0, |t| t.partition_count()));
    let topic_for_rows = topic.clone();
    view! {
        <div class="topic">
            <h2 class="topic-name">"Topic " <code>{topic.clone()}</code></h2>
            <For
                each=move || 0..partition_count()
                key=|partition| *partition
                children=move |partition| {
                    view! { <PartitionStrip topic=topic_for_rows.clone() partition=partition/> }
                }
            />
        </div>
    }
}

#[component]
fn PartitionStrip(topic: String, partition: u32) -> impl IntoView {
    let engine = expect_context::<Engine>();
    let list_name = format!("{topic}-{partition}");
    let topic_for_cells = topic.clone();
    let cells = Memo::new(move |_| {
        engine.read(|sim| {
            let Some(log) = sim
                .topic(&topic_for_cells)
                .and_then(|t| t.partition(partition))
            else {
                return (0, 0, Vec::new());
            };
            let end = log.log_end_offset();
            let from = end
                .saturating_sub(VISIBLE_RECORDS)
                .max(log.log_start_offset());
            let cells = log
                .range(from, end)
                .map(|r| Cell {
                    offset: r.offset,
                    key: r.key_text(),
                    value: r.value.clone(),
                })
                .collect::<Vec<_>>();
            (log.log_start_offset(), end, cells)
        })
    });
    let hidden = move || {
        let (start, end, shown) = cells.get();
        end - start - shown.len() as u64
    };
    let log_end = move || cells.get().1;
    view! {
        <div class="partition">
            <span class="partition-label">"P" {partition}</span>
            <ol class="log" aria-label=list_name>
                <Show when=move || { hidden() > 0 }>
                    <li class="earlier" aria-hidden="true">"+" {hidden} " earlier"</li>
                </Show>
                <For
                    each=move || cells.get().2
                    key=|cell| cell.offset
                    children=move |cell| {
                        let key_label = cell.key.clone().unwrap_or_else(|| "null".into());
                        let label = format!("offset {} key {}", cell.offset, key_label);
                        let title = format!(
                            "offset {}\nkey {}\nvalue {}",
                            cell.offset,
                            key_label,
                            cell.value.clone().unwrap_or_else(|| "null".into())
                        );
                        view! {
                            <li class="record" aria-label=label title=title>
                                <span class="offset">{cell.offset}</span>
                                <span class="key">{key_label}</span>
                            </li>
                        }
                    }
                />
                <li class="next" aria-hidden="true" title="next offset">{log_end}</li>
            </ol>
            <span class="leo">"LEO " {log_end}</span>
        </div>
    }
}
