//! The Produce form: key and value in, one record out through the engine's partitioner.

use kplay_engine::{Command, Outcome};
use leptos::prelude::*;

use crate::Engine;

/// A form that sends one record to `topic` and reports where it landed, as the producer's
/// send callback would (topic, partition, offset).
#[component]
pub fn ProduceForm(
    /// The topic records go to.
    #[prop(into)]
    topic: String,
) -> impl IntoView {
    let engine = expect_context::<Engine>();
    let key = RwSignal::new(String::from("order-42"));
    let value = RwSignal::new(String::from(r#"{"orderId":"order-42","status":"PLACED"}"#));
    let result = RwSignal::new(None::<Result<String, String>>);

    let topic_for_send = topic.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let key_text = key.get_untracked();
        let command = Command::Produce {
            topic: topic_for_send.clone(),
            key: (!key_text.is_empty()).then_some(key_text),
            value: Some(value.get_untracked()),
            partition: None,
            headers: Vec::new(),
        };
        let message = match engine.apply(command) {
            Ok(Outcome::Produced(meta)) => Ok(format!(
                "Sent to topic={} partition={} offset={}",
                topic_for_send, meta.partition, meta.offset
            )),
            Ok(_) => Ok(String::from("Sent")),
            Err(err) => Err(err.to_string()),
        };
        result.set(Some(message));
    };

    view! {
        <form class="produce-form" on:submit=on_submit aria-labelledby="produce-heading">
            <h2 id="produce-heading">"Produce to " <code>{topic}</code></h2>
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
            <button type="submit">"Produce"</button>
            {move || result.get().map(|outcome| match outcome {
                Ok(text) => view! { <p class="callback" role="status">{text}</p> }.into_any(),
                Err(text) => view! { <p class="error" role="alert">{text}</p> }.into_any(),
            })}
        </form>
    }
}
