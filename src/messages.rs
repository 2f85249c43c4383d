//! The message browser, as Kafka UIs have it: one partition's records from an offset or a time,
//! filtered by text in the key, the value or a header.

use kplay_engine::dead_letter::header_value_text;
use kplay_engine::log::{PartitionLog, Record, TransactionState};
use kplay_engine::Simulation;
use leptos::prelude::*;

use crate::event_log::contains_ignoring_ascii_case;
use crate::Engine;

/// Most records the browser lists at once.
pub const PAGE: usize = 50;

/// Where to start reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum From {
    /// The oldest record still in the log (the Low Water Mark).
    Oldest,
    /// This offset.
    Offset(u64),
    /// The first record with a timestamp at or after this virtual time, ms.
    Time(u64),
}

/// One listed record, as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Its offset.
    pub offset: u64,
    /// CreateTime, virtual ms.
    pub timestamp_ms: u64,
    /// The key, or `null`.
    pub key: String,
    /// The value, or `null`.
    pub value: String,
    /// Headers as `name=value`, comma-separated.
    pub headers: String,
    /// Where the record stands in a transaction, if it was written in one (a marker has no
    /// key or value, only this).
    pub transaction: Option<TransactionState>,
}

fn row(log: &PartitionLog, record: &Record) -> Row {
    let transaction = log.transaction_state(record);
    let null = if record.control.is_some() { "" } else { "null" };
    Row {
        offset: record.offset,
        timestamp_ms: record.timestamp_ms,
        transaction,
        key: cell(record.key_text().unwrap_or_else(|| null.into())),
        value: cell(record.value.as_deref().unwrap_or(null).to_owned()),
        headers: cell(
            record
                .headers
                .iter()
                .map(|h| format!("{}={}", h.key, header_value_text(&h.key, &h.value)))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    }
}

/// Most characters of a key, a value or the headers a cell shows: a record of 64 KiB would
/// make the table pages long. The Inspector shows a record whole.
const CELL_CHARS: usize = 300;

/// `text` cut to [`CELL_CHARS`], saying how much was left out.
fn cell(text: String) -> String {
    match text.char_indices().nth(CELL_CHARS) {
        Some((end, _)) => {
            let more = text[end..].chars().count();
            format!("{}… ({more} more characters)", &text[..end])
        }
        None => text,
    }
}

/// Up to [`PAGE`] records of `topic`-`partition` from `from` whose key, value or a header
/// contains `filter` (ASCII case-insensitively; an empty filter keeps everything).
pub fn browse(sim: &Simulation, topic: &str, partition: u32, from: From, filter: &str) -> Vec<Row> {
    let Some(log) = sim
        .topics()
        .find(|t| t.name() == topic)
        .and_then(|t| t.partition(partition))
    else {
        return Vec::new();
    };
    let start = match from {
        From::Oldest => log.log_start_offset(),
        From::Offset(o) => o.max(log.log_start_offset()),
        From::Time(t) => log.offset_for_time(t),
    };
    log.range(start, log.log_end_offset())
        .map(|r| row(log, r))
        .filter(|r| {
            [&r.key, &r.value, &r.headers]
                .iter()
                .any(|text| contains_ignoring_ascii_case(text, filter))
        })
        .take(PAGE)
        .collect()
}

/// The partitions of `topic` other than `except` that hold a record matching `filter`, so
/// that a search of one partition can say where else to look.
pub fn partitions_holding(sim: &Simulation, topic: &str, except: u32, filter: &str) -> Vec<u32> {
    let count = sim.topic(topic).map_or(0, |t| t.partition_count());
    (0..count)
        .filter(|&p| p != except && !browse(sim, topic, p, From::Oldest, filter).is_empty())
        .collect()
}

/// The browser panel.
#[component]
pub fn MessageBrowser() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let partitions = Memo::new(move |_| {
        engine.read(|sim| {
            sim.topics()
                .flat_map(|t| (0..t.partition_count()).map(move |p| (t.name().to_owned(), p)))
                .collect::<Vec<_>>()
        })
    });
    let chosen = RwSignal::new(0usize);
    let from_kind = RwSignal::new(String::from("oldest"));
    let from_value = RwSignal::new(String::new());
    let filter = RwSignal::new(String::new());
    let from = Memo::new(move |_| start(&from_kind.get(), &from_value.get()));
    let rows = Memo::new(move |_| {
        let list = partitions.get();
        let (topic, partition) = list.get(chosen.get())?.clone();
        let from = from.get().ok()?;
        let filter = filter.get();
        Some(engine.read(|sim| browse(sim, &topic, partition, from, &filter)))
    });
    // A search that finds nothing here names the other partitions that hold a match. It reads
    // every partition, so it runs when the search or the partition changes, not every frame.
    let elsewhere = Memo::new(move |_| {
        let text = filter.get();
        if text.is_empty() || !rows.with(|r| r.as_ref().is_some_and(Vec::is_empty)) {
            return None;
        }
        partitions.with(|list| {
            let (topic, partition) = list.get(chosen.get())?;
            let found = engine.peek(|sim| partitions_holding(sim, topic, *partition, &text));
            let names: Vec<String> = found.iter().map(|p| format!("{topic}-{p}")).collect();
            let pick = if names.len() == 1 { "it" } else { "one" };
            (!names.is_empty())
                .then(|| format!(" “{text}” is in {}: pick {pick}.", names.join(", ")))
        })
    });
    view! {
        <div class="messages">
            <div class="message-controls">
                <label>
                    "Partition"
                    <select on:change=move |ev| chosen.set(event_target_value(&ev).parse().unwrap_or(0))>
                        {move || {
                            partitions
                                .get()
                                .into_iter()
                                .enumerate()
                                .map(|(i, (t, p))| view! { <option value=i.to_string()>{format!("{t}-{p}")}</option> })
                                .collect_view()
                        }}
                    </select>
                </label>
                <label>
                    "From"
                    <select on:change=move |ev| from_kind.set(event_target_value(&ev))>
                        <option value="oldest">"the oldest record"</option>
                        <option value="offset">"offset"</option>
                        <option value="time">"time (s)"</option>
                    </select>
                </label>
                <label>
                    "Offset or seconds"
                    <input type="number" min="0" prop:value=move || from_value.get()
                        on:input=move |ev| from_value.set(event_target_value(&ev))/>
                </label>
                <label>
                    "Key, value or header contains"
                    <input type="search" prop:value=move || filter.get()
                        on:input=move |ev| filter.set(event_target_value(&ev))/>
                </label>
            </div>
            <table class="data" aria-label="Messages">
                <thead>
                    <tr>
                        <th scope="col">"Offset"</th>
                        <th scope="col">"Timestamp"</th>
                        <th scope="col" class="text">"Key"</th>
                        <th scope="col" class="text">"Value"</th>
                        <th scope="col" class="text">"Headers"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        rows.get()
                            .unwrap_or_default()
                            .into_iter()
                            .map(|r| view! {
                                <tr>
                                    <th scope="row">{r.offset}</th>
                                    <td class="mono">{crate::format_clock(r.timestamp_ms)}</td>
                                    <td class="mono text">{r.key}</td>
                                    <td class="mono value text">
                                        {r.transaction.map(|t| view! { <span class="txn">{t.describe()}</span>" " })}
                                        {r.value}
                                    </td>
                                    <td class="mono text">{r.headers}</td>
                                </tr>
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
            {move || {
                rows.with(|r| r.as_ref().is_none_or(Vec::is_empty)).then(|| {
                    let end = partitions.with(|list| {
                        let (topic, partition) = list.get(chosen.get())?;
                        engine.read(|sim| {
                            let log = sim.topic(topic)?.partition(*partition)?;
                            Some(log.log_end_offset() - log.log_start_offset())
                        })
                    });
                    let text = filter.get();
                    let why = if let Err(why) = from.get() {
                        why
                    } else if end == Some(0) {
                        "This partition holds no records now.".to_owned()
                    } else if text.is_empty() {
                        "No records from there: the start is at or past the partition's Log End Offset.".to_owned()
                    } else {
                        format!("No record of this partition from there has “{text}” in its key, value or headers.")
                    } + &elsewhere.get().unwrap_or_default();
                    view! { <p class="empty">{why}</p> }
                })
            }}
            <p class="hint">{format!("At most {PAGE} records from the chosen offset; the Low Water Mark is the oldest record retention kept. Long fields are cut here: the Inspector shows a record picked in the diagram whole.")}</p>
        </div>
    }
}

/// Where the list starts, read from the form: the oldest record, an offset, or a time in
/// seconds (to the millisecond). An empty number field means 0; anything else that is not a
/// number gets a message instead of a list from somewhere else.
fn start(kind: &str, number: &str) -> Result<From, String> {
    let number = number.trim();
    match kind {
        "offset" if number.is_empty() => Ok(From::Offset(0)),
        "offset" => number
            .parse::<u64>()
            .map(From::Offset)
            .map_err(|_| format!("An offset is a whole number from 0, not “{number}”.")),
        "time" if number.is_empty() => Ok(From::Time(0)),
        "time" => kplay_engine::decimal::parse(number)
            .ok()
            .and_then(kplay_engine::decimal::units)
            .and_then(|ms| u64::try_from(ms).ok())
            .map(From::Time)
            .ok_or_else(|| {
                format!("A time is seconds from 0, to the millisecond (12 or 3.5), not “{number}”.")
            }),
        _ => Ok(From::Oldest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kplay_engine::log::Header;
    use kplay_engine::Command;

    fn sim_with_records() -> Simulation {
        let mut sim = kplay_engine::scenario::Scenario::from_json(
            r#"{"version": 1, "topics": [{"name": "t", "partitions": 1}]}"#,
        )
        .unwrap()
        .build()
        .unwrap();
        for (i, key) in ["alpha", "beta", "alpha", "gamma"].into_iter().enumerate() {
            sim.run_for(1_000);
            sim.apply(Command::Produce {
                topic: "t".into(),
                key: Some(key.into()),
                value: Some(format!("v{i}")),
                partition: None,
                headers: vec![Header {
                    key: "trace".into(),
                    value: format!("id-{i}").into_bytes(),
                }],
            })
            .unwrap();
            sim.run_for(100);
        }
        sim
    }

    #[test]
    fn browses_from_an_offset_or_a_time_with_a_filter() {
        let sim = sim_with_records();
        let all = browse(&sim, "t", 0, From::Oldest, "");
        assert_eq!(
            all.iter().map(|r| r.offset).collect::<Vec<_>>(),
            [0, 1, 2, 3]
        );
        assert_eq!(all[0].headers, "trace=id-0");
        let from_two = browse(&sim, "t", 0, From::Offset(2), "");
        assert_eq!(
            from_two.iter().map(|r| r.offset).collect::<Vec<_>>(),
            [2, 3]
        );
        let late = browse(&sim, "t", 0, From::Time(2_500), "");
        assert_eq!(late.first().map(|r| r.offset), Some(2));
        let keyed_a: Vec<u64> = browse(&sim, "t", 0, From::Oldest, "ALPHA")
            .iter()
            .map(|r| r.offset)
            .collect();
        assert_eq!(keyed_a, [0, 2]);
        assert_eq!(browse(&sim, "t", 0, From::Oldest, "ID-3").len(), 1);
        assert!(browse(&sim, "missing", 0, From::Oldest, "").is_empty());
    }

    #[test]
    fn transaction_markers_and_aborted_records_say_so() {
        use kplay_engine::log::TransactionState::*;
        let mut sim = kplay_engine::scenario::Scenario::from_json(include_str!(
            "../engine/examples/scenarios/transactions-read-committed.json"
        ))
        .unwrap()
        .build()
        .unwrap();
        sim.run_until(6_000);
        let rows = browse(&sim, "order-events", 0, From::Oldest, "");
        let marker = rows
            .iter()
            .find(|r| r.transaction == Some(AbortMarker))
            .unwrap();
        // A marker holds no key and no value: the row does not pretend they are null.
        assert_eq!((marker.key.as_str(), marker.value.as_str()), ("", ""));
        assert!(rows.iter().any(|r| r.transaction == Some(CommitMarker)));
        let aborted = rows
            .iter()
            .find(|r| r.transaction == Some(Aborted))
            .unwrap();
        assert!(aborted.key.starts_with("order-"), "{aborted:?}");
        assert!(rows.iter().all(|r| r.transaction.is_some()));
        // Records sent outside a transaction have no state.
        let plain = sim_with_records();
        assert!(browse(&plain, "t", 0, From::Oldest, "")
            .iter()
            .all(|r| r.transaction.is_none()));
    }

    #[test]
    fn a_long_cell_is_cut_and_says_how_much_is_left_out() {
        assert_eq!(cell("short".into()), "short");
        let exact = "é".repeat(CELL_CHARS);
        assert_eq!(cell(exact.clone()), exact);
        let long = cell(format!("{exact}abc"));
        assert_eq!(long, format!("{exact}… (3 more characters)"));
    }

    #[test]
    fn the_start_is_read_from_the_form_or_refused_with_a_reason() {
        assert_eq!(start("oldest", "junk"), Ok(From::Oldest));
        assert_eq!(start("offset", ""), Ok(From::Offset(0)));
        assert_eq!(start("offset", " 42 "), Ok(From::Offset(42)));
        assert_eq!(start("time", "3.7"), Ok(From::Time(3_700)));
        assert_eq!(start("time", "12"), Ok(From::Time(12_000)));
        for (kind, bad) in [
            ("offset", "-1"),
            ("offset", "1e9"),
            ("offset", "0.5"),
            ("time", "-5"),
            ("time", "1e12"),
            ("time", "0.0001"),
        ] {
            let why = start(kind, bad).unwrap_err();
            assert!(why.contains(bad), "{kind} {bad}: {why}");
        }
    }

    #[test]
    fn a_search_names_the_other_partitions_that_hold_a_match() {
        let mut sim = kplay_engine::scenario::Scenario::from_json(
            r#"{"version": 1, "topics": [{"name": "t", "partitions": 3}]}"#,
        )
        .unwrap()
        .build()
        .unwrap();
        for (partition, key) in [(0, "alpha"), (1, "beta"), (2, "alpha-2")] {
            sim.apply(Command::Produce {
                topic: "t".into(),
                key: Some(key.into()),
                value: None,
                partition: Some(partition),
                headers: Vec::new(),
            })
            .unwrap();
        }
        sim.run_for(100);
        assert_eq!(partitions_holding(&sim, "t", 1, "alpha"), [0, 2]);
        assert_eq!(partitions_holding(&sim, "t", 0, "alpha"), [2]);
        assert!(partitions_holding(&sim, "t", 0, "gamma").is_empty());
        assert!(partitions_holding(&sim, "missing", 0, "alpha").is_empty());
    }
}
