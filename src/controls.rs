//! Time controls: Play/Pause, Step, Speed, the simulation clock, the timeline, and the
//! keyboard shortcuts (space, →, [ and ], ?) with their help overlay.

use leptos::ev;
use leptos::prelude::*;

use crate::engine::{Engine, SPEEDS};
use crate::format_clock;

/// `0.25×`, `1×`, `300×`.
fn speed_label(index: usize) -> String {
    let speed = SPEEDS[index];
    if speed < 1.0 {
        format!("{speed}×")
    } else {
        format!("{speed:.0}×")
    }
}

/// Play/Pause, Step, Speed and the clock, for the header.
#[component]
pub fn TimeControls() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let playing = engine.playing;
    let clock = move || engine.read(|sim| format_clock(sim.now_ms()));
    view! {
        <div class="time-controls">
            <button
                class="play"
                aria-keyshortcuts="Space"
                on:click=move |_| engine.toggle()
            >
                {move || if playing.get() { "Pause" } else { "Play" }}
            </button>
            <button aria-keyshortcuts="ArrowRight" on:click=move |_| engine.step()>"Step"</button>
            <label class="speed">
                <span class="visually-hidden">"Speed"</span>
                <input
                    type="range"
                    aria-label="Speed"
                    min="0"
                    max=SPEEDS.len() - 1
                    step="1"
                    prop:value=move || engine.speed.get().to_string()
                    aria-valuetext=move || speed_label(engine.speed.get())
                    on:input=move |ev| {
                        if let Ok(i) = event_target_value(&ev).parse::<usize>() {
                            engine.speed.set(i.min(SPEEDS.len() - 1));
                        }
                    }
                />
                <output class="speed-value">{move || speed_label(engine.speed.get())}</output>
            </label>
            <span class="clock" role="timer" aria-label="Simulation time" aria-live="off">
                {clock}
            </span>
            <Show when=move || engine.saturated.get() && playing.get()>
                <span class="saturated" title="The simulation runs as fast as this machine allows; the clock falls behind the chosen speed.">
                    "max speed"
                </span>
            </Show>
        </div>
    }
}

/// The timeline: scrub back and forth over the part of the run already simulated.
#[component]
pub fn Timeline() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let now = move || engine.read(|sim| sim.now_ms());
    view! {
        <div class="timeline">
            <input
                type="range"
                aria-label="Timeline"
                min="0"
                max=move || engine.horizon_ms.get().to_string()
                step="1"
                prop:value=move || now().to_string()
                aria-valuetext=move || format_clock(now())
                on:input=move |ev| {
                    if let Ok(t) = event_target_value(&ev).parse::<u64>() {
                        engine.playing.set(false);
                        engine.scrub_to(t);
                    }
                }
            />
            <span class="timeline-end">{move || format_clock(engine.horizon_ms.get())}</span>
        </div>
    }
}

/// Keyboard shortcuts and the help overlay they open.
#[component]
pub fn Shortcuts() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let help = RwSignal::new(false);
    let handle = window_event_listener(ev::keydown, move |ev| {
        // Typing in a field is not a shortcut.
        let typing = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if typing || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        match ev.key().as_str() {
            " " => {
                ev.prevent_default();
                engine.toggle();
            }
            "ArrowRight" => engine.step(),
            "[" => engine.nudge_speed(false),
            "]" => engine.nudge_speed(true),
            "?" => help.update(|h| *h = !*h),
            "Escape" => help.set(false),
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
    view! {
        <button class="help-button" aria-label="Keyboard shortcuts" aria-keyshortcuts="?" on:click=move |_| help.update(|h| *h = !*h)>
            "?"
        </button>
        <Show when=move || help.get()>
            <div class="help-overlay" role="dialog" aria-label="Keyboard shortcuts">
                <h2>"Keyboard shortcuts"</h2>
                <dl>
                    <dt><kbd>"Space"</kbd></dt><dd>"Play or pause"</dd>
                    <dt><kbd>"→"</kbd></dt><dd>"Step: run the next event"</dd>
                    <dt><kbd>"["</kbd>" "<kbd>"]"</kbd></dt><dd>"Slower, faster"</dd>
                    <dt><kbd>"?"</kbd></dt><dd>"This help"</dd>
                </dl>
                <button on:click=move |_| help.set(false)>"Close"</button>
            </div>
        </Show>
    }
}
