//! The Spring Boot view: what a Spring Boot application would configure to behave like the
//! run on screen (`application.yml`, the Java configuration and listeners), and the Kafka
//! command-line calls that create its topics and inspect its groups. Generated from the
//! scenario by [`kplay_engine::spring`], so it follows every change made in the playground.

use kplay_engine::spring;
use leptos::prelude::*;

use crate::Engine;

/// The three files, regenerated when the run's settings change.
#[component]
pub fn SpringView() -> impl IntoView {
    let engine = expect_context::<Engine>();
    // The scenario's setup and script, not its clock: the text changes only when an action
    // changes what the application would configure.
    let actions = Memo::new(move |_| engine.read(|sim| sim.script().len()));
    let texts = Memo::new(move |_| {
        actions.track();
        let scenario = spring::configured(&engine.scenario());
        [
            ("application.yml", spring::application_yml(&scenario)),
            ("KafkaConfig.java", spring::java_config(&scenario)),
            ("Kafka command line", spring::cli_commands(&scenario)),
        ]
    });
    view! {
        <div class="spring">
            <p class="hint">
                "The Spring Boot configuration that matches this run, following the guide's setup: change a group's assignor, commit mode or offset reset, add a topic or a dead-letter topic, and the text follows."
            </p>
            {move || {
                texts
                    .get()
                    .into_iter()
                    .map(|(title, text)| {
                        view! {
                            <section aria-label=title>
                                <h3>{title}</h3>
                                <pre class="code"><code>{text}</code></pre>
                            </section>
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}
