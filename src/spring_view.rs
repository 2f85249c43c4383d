//! The Spring Boot view: what a Spring Boot application would configure to behave like the
//! run on screen (`application.yml`, the Java configuration and listeners), and the Kafka
//! command-line calls that create its topics and inspect its groups. Generated from the
//! scenario by [`kplay_engine::spring`], so it follows every change made in the playground.

use kplay_engine::{spring, spring_yaml};
use leptos::prelude::*;

use crate::Engine;

/// The three files, regenerated when the run's settings change.
#[component]
pub fn SpringView() -> impl IntoView {
    let engine = expect_context::<Engine>();
    // The scenario's setup and script, not its clock: the text changes only when an action
    // changes what the application would configure.
    let actions = Memo::new(move |_| (engine.loads.get(), engine.read(|sim| sim.script().len())));
    let texts = Memo::new(move |_| {
        let _ = actions.get();
        let scenario = spring::configured(&engine.scenario());
        [
            ("application.yml", spring::application_yml(&scenario)),
            ("KafkaConfig.java", spring::java_config(&scenario)),
            ("Kafka command line", spring::cli_commands(&scenario)),
        ]
    });
    let pasted = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<Vec<String>, String>>);
    let apply = move |_| {
        let result =
            spring_yaml::apply(&engine.scenario(), &pasted.get_untracked()).and_then(|applied| {
                engine.load(applied.scenario)?;
                let count = applied.applied.len();
                let mut lines = vec![format!(
                    "Applied {count} setting{}; the run starts again with {}.",
                    if count == 1 { "" } else { "s" },
                    if count == 1 { "it" } else { "them" },
                )];
                lines.extend(applied.unknown);
                Ok(lines)
            });
        outcome.set(Some(result));
    };
    view! {
        <div class="spring">
            <details class="more paste-yml">
                <summary>"Paste an application.yml"</summary>
                <p class="hint">
                    "Its spring.kafka settings configure the first producer and the first consumer group; settings the playground does not model are listed, not ignored."
                </p>
                <textarea class="mono" rows="10" spellcheck="false" aria-label="application.yml to apply"
                    placeholder="spring:\n  kafka:\n    consumer:\n      group-id: order-service-group"
                    prop:value=move || pasted.get()
                    on:input=move |ev| pasted.set(event_target_value(&ev))></textarea>
                <button type="button" on:click=apply>"Apply application.yml"</button>
                {move || outcome.get().map(|result| match result {
                    Ok(lines) => view! {
                        <ul class="yml-outcome" role="status">
                            {lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                })}
            </details>
            <p class="hint">
                "The Spring Boot configuration that matches this run, following the guide's setup: change a group's assignor, commit mode or offset reset, add a topic or a dead-letter topic, and the text follows."
            </p>
            {move || {
                texts
                    .get()
                    .into_iter()
                    .map(|(title, text)| {
                        let copied = RwSignal::new("");
                        let copy = {
                            let text = text.clone();
                            move |_| {
                                let text = text.clone();
                                leptos::task::spawn_local(async move {
                                    copied.set(if crate::share::write_clipboard(&text).await {
                                        "Copied"
                                    } else {
                                        "The clipboard is not available: select the text to copy it"
                                    });
                                });
                            }
                        };
                        view! {
                            <section aria-label=title>
                                <div class="code-head">
                                    <h3>{title}</h3>
                                    <button type="button" class="small secondary" aria-label=format!("Copy {title}") on:click=copy>"Copy"</button>
                                    <span class="hint" role="status">{move || copied.get()}</span>
                                </div>
                                <pre class="code"><code>{text}</code></pre>
                            </section>
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}
