//! The Produce form: key and value in, one record out through the engine's partitioner.

use kplay_engine::{Command, Outcome};
use leptos::prelude::*;

use crate::Engine;

/// A form that sends one record to `topic` and reports where it landed, as the producer's
/// send callback would (topic, partition, offset).
#[component]
pub fn ProduceForm(
    /// The topic records go to (the act panel's topic).
    topic: Memo<Option<String>>,
) -> impl IntoView {
    let engine = expect_context::<Engine>();
    let key = RwSignal::new(String::from("order-42"));
    let value = RwSignal::new(String::from(r#"{"orderId":"order-42","status":"PLACED"}"#));
    let result = RwSignal::new(None::<Result<String, String>>);
    let sent_in = RwSignal::new(0);

    let partition = RwSignal::new(String::new());
    let headers = RwSignal::new(String::new());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sent_in.set(engine.loads.get_untracked());
        let Some(topic) = topic.get_untracked() else {
            result.set(Some(Err(crate::NO_TOPIC.into())));
            return;
        };
        let key_text = key.get_untracked();
        let partition_text = partition.get_untracked();
        let explicit = match partition_text.trim() {
            "" => None,
            text => match text.parse::<u32>() {
                Ok(p) => Some(p),
                Err(_) => {
                    result.set(Some(Err(format!(
                        "partition: {text:?} is not a partition number"
                    ))));
                    return;
                }
            },
        };
        let parsed_headers = match parse_headers(&headers.get_untracked()) {
            Ok(h) => h,
            Err(e) => {
                result.set(Some(Err(e)));
                return;
            }
        };
        let command = Command::Produce {
            topic: topic.clone(),
            key: (!key_text.is_empty()).then_some(key_text),
            value: Some(value.get_untracked()),
            partition: explicit,
            headers: parsed_headers,
        };
        let message = match engine.apply(command) {
            Ok(Outcome::Produced(meta)) => Ok(format!(
                "Sent to topic={} partition={} offset={}",
                topic, meta.partition, meta.offset
            )),
            Ok(_) => Ok(String::from("Sent")),
            Err(err) => Err(err.to_string()),
        };
        result.set(Some(message));
    };

    view! {
        <form class="produce-form" novalidate="" on:submit=on_submit aria-labelledby="produce-heading">
            <h2 id="produce-heading">"Produce to " <code>{move || crate::topic_label(topic.get())}</code></h2>
            <label>
                "Key"
                <input type="text" name="key" autocomplete="off" spellcheck="false"
                    prop:value=move || key.get()
                    on:input=move |ev| key.set(event_target_value(&ev))/>
            </label>
            <label>
                "Value"
                <textarea name="value" rows="3" spellcheck="false"
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))></textarea>
            </label>
            <details class="more">
                <summary>"Partition and headers"</summary>
                <label>
                    "Partition (optional)"
                    <input type="text" name="partition" inputmode="numeric" autocomplete="off"
                        placeholder="chosen by murmur2(key)"
                        prop:value=move || partition.get()
                        on:input=move |ev| partition.set(event_target_value(&ev))/>
                </label>
                <label>
                    "Headers"
                    <textarea name="headers" rows="2" spellcheck="false" placeholder="name=value, one a line"
                        prop:value=move || headers.get()
                        on:input=move |ev| headers.set(event_target_value(&ev))></textarea>
                </label>
            </details>
            <div class="produce-buttons">
                <button type="submit">"Produce"</button>
                <button type="button" class="secondary"
                    title="Fills the value with a record that a group's listener fails on once its poison switch is on (Group settings)"
                    on:click=move |_| value.set(format!(
                        r#"{{"orderId":{},"status":"{}"}}"#,
                        kplay_engine::json_write::quoted(&key.get_untracked()),
                        crate::actions::POISON_MARKER
                    ))>
                    "Poison value"
                </button>
            </div>
            // About the run it was sent in: a load (a lesson step, Undo, Apply) makes it stale.
            {move || result.get().filter(|_| sent_in.get() == engine.loads.get()).map(|outcome| match outcome {
                Ok(text) => view! { <p class="callback" role="status">{text}</p> }.into_any(),
                Err(text) => view! { <p class="error" role="alert">{text}</p> }.into_any(),
            })}
        </form>
    }
}

/// Most headers one record may carry from the form.
const MAX_HEADERS: usize = 32;

/// `name=value` lines into record headers (values as UTF-8 bytes).
fn parse_headers(text: &str) -> Result<Vec<kplay_engine::log::Header>, String> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() > MAX_HEADERS {
        return Err(format!(
            "at most {MAX_HEADERS} headers, got {}",
            lines.len()
        ));
    }
    lines
        .into_iter()
        .map(|line| match line.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => Ok(kplay_engine::log::Header {
                key: name.trim().to_owned(),
                value: value.trim().as_bytes().to_vec(),
            }),
            _ => Err(format!("header {line:?} is not of the form name=value")),
        })
        .collect()
}
