//! The event log: the newest trace events, worded like the log lines of a Spring app's
//! producer callback and listener container.

use kplay_engine::trace::{EventKind, TraceEvent};
use leptos::prelude::*;

use crate::engine::Engine;
use crate::format_clock;

/// Lines shown.
const SHOWN: usize = 60;

/// One trace event as a log line.
pub fn describe(event: &TraceEvent) -> String {
    use EventKind::*;
    match &event.kind {
        TopicCreated { topic, partitions } => format!(
            "Created topic {topic} with {partitions} {}",
            if *partitions == 1 { "partition" } else { "partitions" }
        ),
        PartitionsAdded { topic, partitions } => format!("Topic {topic} now has {partitions} partitions"),
        ProducerAdded { producer, topic } => format!("Producer {producer} started, sending to {topic}"),
        ProducerRemoved { producer } => format!("Producer {producer} closed"),
        Produced { producer, topic, partition, offset, key } => format!(
            "{}Sent key={} to topic={topic} partition={partition} offset={offset}",
            producer.as_ref().map(|p| format!("[{p}] ")).unwrap_or_default(),
            key.as_ref().map_or("null".to_owned(), |k| k.to_string())
        ),
        GroupStateChanged { group, from, to, generation } => {
            format!("Group {group}: {} → {} (generation {generation})", from.name(), to.name())
        }
        MemberJoined { group, consumer, member_id } => format!("{consumer} joined group {group} as {member_id}"),
        MemberRemoved { group, consumer, reason, .. } => format!("{consumer} removed from group {group}: {reason}"),
        Assigned { group, consumer, generation, partitions } => format!(
            "{consumer} ({group}, generation {generation}) owns [{}]",
            partitions.join(", ")
        ),
        Revoked { consumer, partitions, .. } => format!("{consumer} revoked [{}]", partitions.join(", ")),
        PartitionsLost { consumer, partitions, .. } => {
            format!("{consumer} lost [{}]: its generation was reset, so nothing is committed and the next owner reads from the committed offsets", partitions.join(", "))
        }
        Fetched { consumer, partition, from_offset, count, .. } => {
            format!("{consumer} polled {count} record{} from {partition} at offset {from_offset}", if *count == 1 { "" } else { "s" })
        }
        Processed { consumer, partition, offset, .. } => format!("{consumer} processed {partition}@{offset}"),
        Committed { group, partition, offset, .. } => format!("Group {group} committed offset {offset} for {partition}"),
        CommitFailed { consumer, reason, .. } => format!("{consumer} commit failed: {reason}"),
        OffsetReset { group, partition, offset, reason } => format!("Group {group} reset {partition} to {offset}: {reason}"),
        ConsumerError { consumer, error, .. } => format!("{consumer}: {error}"),
        ConsumerCrashed { consumer, .. } => format!("{consumer} crashed (no commit, no LeaveGroup)"),
        ConsumerRestarted { consumer, .. } => format!("{consumer} restarted"),
        ConsumerPaused { consumer, paused, .. } => {
            // A listener stuck in one record, not the container's pause(): no poll() until
            // resumed, so max.poll.interval.ms runs out.
            format!(
                "{consumer} {}",
                if *paused {
                    "listener hangs: no poll() until resumed; heartbeats go on"
                } else {
                    "listener resumed: polling again"
                }
            )
        }
        // A static member (group.instance.id) sends no LeaveGroup: it stays until its session
        // times out, which the log then says.
        ConsumerRemoved { consumer, .. } => {
            format!("{consumer} closed: committed, then sent LeaveGroup unless it is a static member")
        }
        ListenerFailed { consumer, partition, offset, exception, attempt, .. } => {
            format!("{consumer} failed on {partition}@{offset} (delivery {attempt}): {exception}")
        }
        BackOff { group, consumer, partition, offset, back_off_ms } => format!(
            "{consumer} ({group}) backs off {back_off_ms} ms before {partition}@{offset} is delivered again; its other partitions wait too"
        ),
        DeadLettered { group, partition, offset, dead_letter_topic, dead_letter_partition, dead_letter_offset, .. } => format!(
            "{partition}@{offset} published to {dead_letter_topic}-{dead_letter_partition}@{dead_letter_offset} by {group}'s recoverer"
        ),
        GroupAdded { group } => format!("Group {group} created"),
        ConsumerAdded { group, consumer } => format!("{consumer} started in group {group}"),
        GroupConfigChanged { group, setting, value } => format!("Group {group}: {setting} = {value}"),
        RetentionDeleted { partition, log_start_offset, deleted } => {
            format!("Retention deleted {deleted} records of {partition}; log start offset now {log_start_offset}")
        }
        ProduceFailed { producer, topic, error } => format!("[{producer}] send to {topic} failed: {error}"),
        PollFailed { consumer, error, .. } => format!("{consumer}: {error}"),
        Recovered { how, .. } => how.to_string(),
        RetryScheduled { partition, offset, retry_topic, due_ms, attempt, .. } => format!(
            "{partition}@{offset} forwarded to {retry_topic} for attempt {attempt} at {}",
            format_clock(*due_ms)
        ),
        DuplicateSkipped { consumer, partition, offset, .. } => {
            format!("{consumer} skipped {partition}@{offset}: already processed (idempotent listener)")
        }
        Redriven { from, topic, partition, offset } => format!("Redrove {from} to {topic}-{partition}@{offset}"),
        AckLost { producer, partition, offset, .. } => {
            format!("[{producer}] acknowledgement for {partition}@{offset} lost on the way back")
        }
        ProduceRetried { producer, partition, attempt, .. } => {
            format!("[{producer}] request timed out; batch for {partition} sent again (attempt {attempt})")
        }
        DuplicateDropped { producer, partition, offset, .. } => {
            format!("Broker recognised a retried batch of {producer} on {partition} (offset {offset}) and did not append it")
        }
        DuplicateAppended { producer, partition, offset, original_offset } => {
            format!("[{producer}] retried batch appended again to {partition} at {offset} (first at {original_offset})")
        }
        ProducerIdInitialized { transactional_id, producer_id, epoch } => {
            format!("initTransactions({transactional_id}): producer id {producer_id}, epoch {epoch}")
        }
        TransactionEnded { transactional_id, committed, reason, markers, .. } => format!(
            "Transaction of {transactional_id} {} ({reason}); markers at [{}]",
            if *committed { "committed" } else { "aborted" },
            markers.join(", ")
        ),
        FetchSkipped { consumer, partition, markers, aborted, .. } => {
            use kplay_engine::lesson::plural;
            let (m, a) = (u64::from(*markers), u64::from(*aborted));
            format!(
                "{consumer} stepped over {markers} {} and {aborted} aborted {} in {partition}",
                plural(m, "marker", "markers"),
                plural(a, "record", "records")
            )
        }
        BatchRolledBack { consumer, reason, .. } => format!("{consumer} rolled its batch back: {reason}"),
    }
}

/// [`describe`], and for a record sent with `acks=0` that its producer never learns the offset
/// the broker gave it (T1).
fn line_of(sim: &kplay_engine::Simulation, event: &TraceEvent) -> String {
    let mut line = describe(event);
    if let EventKind::Produced {
        producer: Some(name),
        ..
    } = &event.kind
    {
        let unacknowledged = sim.producers().iter().any(|p| {
            p.spec.name == name.as_str() && p.spec.acks == kplay_engine::producer::Acks::Zero
        });
        if unacknowledged {
            line.push_str(" (acks=0: the producer is not told; its callback gets offset -1)");
        }
    }
    line
}

/// Whether `haystack` contains `needle`, ignoring ASCII case (no Unicode case tables in the page).
pub fn contains_ignoring_ascii_case(haystack: &str, needle: &str) -> bool {
    needle.is_empty()
        || haystack
            .to_ascii_lowercase()
            .contains(&needle.to_ascii_lowercase())
}

/// `line` with each control or text-direction character written as its code point
/// (`<U+202E>`): a key holding a right-to-left override would otherwise turn the rest of its
/// log line back to front, and a newline would break it in two.
fn plain(line: String) -> String {
    use kplay_engine::sim::is_hidden_control;
    if !line.chars().any(is_hidden_control) {
        return line;
    }
    line.chars()
        .map(|c| match c {
            c if is_hidden_control(c) => format!("<U+{:04X}>", u32::from(c)),
            c => c.to_string(),
        })
        .collect()
}

/// The newest events, newest first, optionally only those whose line contains a filter text.
#[component]
pub fn EventLog() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let filter = RwSignal::new(String::new());
    // One more line than is shown tells whether older ones are left out.
    let found = Memo::new(move |_| {
        let needle = filter.get();
        engine.read(|sim| {
            let total = sim.trace().total();
            sim.trace()
                .events()
                .rev()
                .enumerate()
                .map(|(i, e)| {
                    (
                        total - i as u64,
                        format_clock(e.at_ms),
                        plain(line_of(sim, e)),
                    )
                })
                .filter(|(_, _, line)| contains_ignoring_ascii_case(line, &needle))
                .take(SHOWN + 1)
                .collect::<Vec<_>>()
        })
    });
    let lines = move || found.with(|f| f.iter().take(SHOWN).cloned().collect::<Vec<_>>());
    let more = move || found.with(|f| f.len() > SHOWN);
    view! {
        <label class="log-filter">
            "Filter"
            <input
                type="search"
                placeholder="e.g. group-a-1, offset, rebalance"
                prop:value=move || filter.get()
                on:input=move |ev| filter.set(event_target_value(&ev))
            />
        </label>
        <ol class="event-log" aria-label="Event log">
            <For each=lines key=|(n, _, _)| *n let:line>
                <li><time>{line.1}</time>" "{line.2}</li>
            </For>
        </ol>
        <p class="hint" hidden=move || !more()>
            {format!("The newest {SHOWN} lines. For older ones, narrow the filter or move the Timeline back.")}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::{describe, plain};
    use kplay_engine::trace::{EventKind, TraceEvent};

    #[test]
    fn a_fetch_that_stepped_over_one_marker_says_marker() {
        let skipped = |markers, aborted| {
            describe(&TraceEvent {
                at_ms: 0,
                kind: EventKind::FetchSkipped {
                    group: "g".into(),
                    consumer: "c".into(),
                    partition: "t-0".into(),
                    markers,
                    aborted,
                },
            })
        };
        assert_eq!(
            skipped(1, 0),
            "c stepped over 1 marker and 0 aborted records in t-0"
        );
        assert_eq!(
            skipped(2, 1),
            "c stepped over 2 markers and 1 aborted record in t-0"
        );
    }

    #[test]
    fn hidden_and_reordering_characters_are_shown_as_code_points() {
        assert_eq!(plain("Sent key=order-1".into()), "Sent key=order-1");
        assert_eq!(plain("Sent key=مرحبا".into()), "Sent key=مرحبا");
        assert_eq!(
            plain("Sent key=a\u{202e}b to topic=t\n".into()),
            "Sent key=a<U+202E>b to topic=t<U+000A>"
        );
    }
}
