//! The scenario editor: the whole run as JSON (the format of `docs/scenario-format.md`),
//! checked as it is typed, applied on request, and imported from or exported to a file.

use kplay_engine::scenario::Scenario;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::Engine;

/// Largest file the editor imports; scenarios are refused above this size anyway.
const MAX_IMPORT_BYTES: u64 = kplay_engine::scenario::MAX_SCENARIO_BYTES as u64;

/// What a scenario text amounts to: a summary when it is valid, the reason when not.
fn check(text: &str) -> Result<String, String> {
    let scenario = Scenario::from_json(text).map_err(|e| e.to_string())?;
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    Ok(format!(
        "Valid: {}, {}, {}, {}.",
        count(scenario.topics.len(), "topic", "topics"),
        count(scenario.producers.len(), "producer", "producers"),
        count(scenario.groups.len(), "group", "groups"),
        count(scenario.script.len(), "scripted action", "scripted actions"),
    ))
}

/// The editor panel.
#[component]
pub fn ScenarioEditor() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let text = RwSignal::new(engine.scenario().to_json());
    let verdict = Memo::new(move |_| check(&text.get()));
    let applied = RwSignal::new(None::<String>);
    let apply = move |_| match Scenario::from_json(&text.get_untracked()) {
        Ok(scenario) => {
            let outcome = engine.load(scenario);
            applied.set(Some(match outcome {
                Ok(()) => "Applied: the run starts again from this scenario.".into(),
                Err(e) => format!("Not applied: {e}"),
            }));
        }
        Err(e) => applied.set(Some(format!("Not applied: {e}"))),
    };
    let reload = move |_| {
        text.set(engine.scenario().to_json());
        applied.set(None);
    };
    let import = move |ev: leptos::ev::Event| {
        let Some(file) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
        else {
            return;
        };
        // File sizes are whole bytes; the float only comes from the DOM.
        let size = file.size() as u64;
        if size > MAX_IMPORT_BYTES {
            applied.set(Some(format!(
                "{} is {} bytes; scenarios are at most {} bytes.",
                file.name(),
                size,
                MAX_IMPORT_BYTES
            )));
            return;
        }
        let name = file.name();
        leptos::task::spawn_local(async move {
            match JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|t| t.as_string())
            {
                Some(contents) => {
                    text.set(contents);
                    applied.set(Some(format!("Imported {name}: check it, then Apply.")));
                }
                None => applied.set(Some(format!("{name} could not be read as text."))),
            }
        });
    };
    let export_href = move || {
        let encoded = js_sys::encode_uri_component(&text.get());
        format!(
            "data:application/json;charset=utf-8,{}",
            String::from(encoded)
        )
    };
    view! {
        <div class="editor">
            <p class="hint">
                "The whole run as JSON: cluster, topics, producers, groups, the seed and every action with its time (see docs/scenario-format.md). Apply starts the run again from it."
            </p>
            <textarea
                class="mono"
                rows="18"
                spellcheck="false"
                aria-label="Scenario JSON"
                aria-invalid=move || verdict.get().is_err().to_string()
                prop:value=move || text.get()
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    // The last outcome was about the text before this edit.
                    applied.set(None);
                }
            ></textarea>
            {move || match verdict.get() {
                Ok(summary) => view! { <p class="ok" role="status">{summary}</p> }.into_any(),
                Err(reason) => view! { <p class="error" role="alert">{reason}</p> }.into_any(),
            }}
            <div class="editor-actions">
                <button type="button" on:click=apply disabled=move || verdict.get().is_err()>
                    "Apply"
                </button>
                <button type="button" on:click=reload>"Show the current run"</button>
                <label class="file-button">
                    "Import file…"
                    <input type="file" accept=".json,application/json" on:change=import/>
                </label>
                <a class="button" download="scenario.json" href=export_href>"Export file"</a>
            </div>
            {move || applied.get().map(|m| view! { <p role="status">{m}</p> })}
        </div>
    }
}
