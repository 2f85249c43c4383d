//! Time controls: Play/Pause, Step, Speed, the simulation clock, the timeline, and the
//! keyboard shortcuts (space, →, [ and ], ?) with their help overlay.

use std::sync::Arc;

use kplay_engine::trace::{Milestone, MilestoneKind};
use leptos::ev;
use leptos::prelude::*;

use crate::engine::{Engine, SPEEDS};
use crate::format_clock;

/// A panel the header opens over the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Popup {
    /// The keyboard shortcuts.
    Help,
    /// The list of lessons.
    Lessons,
    /// The share link's box.
    Share,
}

/// Which header panel is open: at most one at a time, and a press anywhere else, or Escape,
/// closes it.
#[derive(Clone, Copy)]
pub struct HeaderPopup(RwSignal<Option<Popup>>);

impl HeaderPopup {
    /// None open; listens for the presses and the Escape key that close one.
    pub fn new() -> Self {
        let open = RwSignal::new(None);
        // The panels and the buttons that open them (their own presses toggle them).
        const INSIDE: &str = ".share, .lesson-menu, .lessons-button, .help-overlay, .help-button";
        let press = window_event_listener(ev::pointerdown, move |ev| {
            let inside = ev
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                .and_then(|el| el.closest(INSIDE).ok().flatten())
                .is_some();
            if !inside {
                open.set(None);
            }
        });
        let escape = window_event_listener(ev::keydown, move |ev| {
            if ev.key() == "Escape" {
                open.set(None);
            }
        });
        on_cleanup(move || {
            press.remove();
            escape.remove();
        });
        Self(open)
    }

    /// Whether `popup` is the one open.
    pub fn is(self, popup: Popup) -> bool {
        self.0.get() == Some(popup)
    }

    /// Opens `popup`, closing any other.
    pub fn open(self, popup: Popup) {
        self.0.set(Some(popup));
    }

    /// Opens `popup`, or closes it when it is open.
    pub fn toggle(self, popup: Popup) {
        self.0
            .update(|open| *open = (*open != Some(popup)).then_some(popup));
    }

    /// Closes `popup` if it is the one open.
    pub fn close(self, popup: Popup) {
        self.0.update(|open| {
            if *open == Some(popup) {
                *open = None;
            }
        });
    }
}

impl Default for HeaderPopup {
    fn default() -> Self {
        Self::new()
    }
}

/// Puts the keyboard focus on the first element matching `selector` once the page has been
/// drawn again; with `only_if_lost`, only when the focus fell back to the page itself (the
/// element that had it was taken away).
pub fn focus_after_redraw(selector: &'static str, only_if_lost: bool) {
    request_animation_frame(move || {
        let doc = document();
        let lost = doc
            .active_element()
            .is_none_or(|e| e.tag_name().eq_ignore_ascii_case("body"));
        if only_if_lost && !lost {
            return;
        }
        let target = doc
            .query_selector(selector)
            .ok()
            .flatten()
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
        if let Some(target) = target {
            let _ = target.focus();
        }
    });
}

/// `0.25×`, `1×`, `300×`.
fn speed_label(index: usize) -> String {
    let speed = SPEEDS[index];
    format!("{}×", kplay_engine::decimal::text(speed))
}

/// Play/Pause, Step, Speed and the clock, for the header.
#[component]
pub fn TimeControls() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let playing = engine.playing;
    let clock = move || engine.read(|sim| format_clock(sim.now_ms()));
    let scrolled = RwSignal::new(false);
    let on_scroll = window_event_listener(ev::scroll, move |_| {
        let past_header = window().scroll_y().unwrap_or(0.0) > 200.0;
        if past_header != scrolled.get_untracked() {
            scrolled.set(past_header);
        }
    });
    on_cleanup(move || on_scroll.remove());
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
            // Below 1100px the header scrolls away with the page, and a lesson's controls can
            // be screens under it: this copy of Play floats at the screen's corner once the
            // header is out of sight. The header's button stays the one for keyboards and
            // screen readers.
            <button
                class="play-float"
                class:shown=scrolled
                tabindex="-1"
                aria-hidden="true"
                on:click=move |_| engine.toggle()
            >
                {move || if playing.get() { "Pause" } else { "Play" }}
            </button>
        </div>
    }
}

/// The timeline: scrub back and forth over the part of the run already simulated.
#[component]
pub fn Timeline() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let now = move || engine.read(|sim| sim.now_ms());
    // The marks of the whole run: taken from the simulation while it is at its newest moment,
    // kept while the user scrubs back (the rest of the run is still ahead), and taken again
    // after a fork, whose future is new. A run loaded before its newest moment (a link shared
    // while scrubbed back) starts from the marks its loading played through.
    let marks = Memo::new(move |previous: Option<&(u64, Arc<Vec<Milestone>>)>| {
        let horizon = engine.horizon_ms.get();
        let loads = engine.loads.get();
        engine.read(|sim| {
            let behind = sim.now_ms() < horizon;
            let marks = match previous {
                Some((l, kept))
                    if *l == loads && (behind || kept.as_slice() == sim.milestones()) =>
                {
                    Arc::clone(kept)
                }
                _ if behind => engine.opened_marks(),
                _ => Arc::new(sim.milestones().to_vec()),
            };
            (loads, marks)
        })
    });
    let marks = Memo::new(move |_| marks.get().1);
    let summary = move || {
        let marks = marks.get();
        let count = |kind| marks.iter().filter(|m| m.kind == kind).count();
        format!(
            "Marks on the timeline: {} crashed, {} rebalancing, {} dead-lettered",
            count(MilestoneKind::Crash),
            count(MilestoneKind::Rebalance),
            count(MilestoneKind::DeadLetter)
        )
    };
    // The nearest mark before or after now, for the keyboard's way to the marks. A button with
    // no mark to go to is aria-disabled, not disabled: pressing it to the last mark keeps
    // the focus on it.
    let mark_beside = move |forward: bool| {
        let at = now();
        marks.with(|marks| {
            if forward {
                marks.iter().map(|m| m.at_ms).find(|&t| t > at)
            } else {
                marks.iter().rev().map(|m| m.at_ms).find(|&t| t < at)
            }
        })
    };
    // The mark the user went to, said while the run stays at its moment.
    let landed = RwSignal::new(None::<(u64, String)>);
    let go_to = move |at: u64| {
        engine.playing.set(false);
        engine.scrub_to(at);
        let what = marks.with(|marks| {
            marks
                .iter()
                .filter(|m| m.at_ms == at)
                .map(|m| m.what.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        });
        landed.set(Some((at, format!("At {}: {what}", format_clock(at)))));
    };
    let jump = move |forward: bool| {
        if let Some(at) = mark_beside(forward) {
            go_to(at);
        }
    };
    let go_to_mark = move |ev: ev::MouseEvent| {
        let at = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .and_then(|el| el.get_attribute("data-at"))
            .and_then(|at| at.parse::<u64>().ok());
        if let Some(at) = at {
            go_to(at);
        }
    };
    view! {
        <div class="timeline">
            <div class="timeline-track">
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
                    // The arrows move a hundredth of the run, not one millisecond of an hour;
                    // Page Up and Down, Home and End keep the browser's steps.
                    on:keydown=move |ev| {
                        let forward = match ev.key().as_str() {
                            "ArrowRight" | "ArrowUp" => true,
                            "ArrowLeft" | "ArrowDown" => false,
                            _ => return,
                        };
                        ev.prevent_default();
                        let step = (engine.horizon_ms.get_untracked() / 100).max(1);
                        let now = now();
                        engine.playing.set(false);
                        engine.scrub_to(if forward { now.saturating_add(step) } else { now.saturating_sub(step) });
                    }
                />
                // Marks are drawn in milliseconds: only the view box follows the run's length.
                <svg
                    class="timeline-marks"
                    viewBox=move || format!("0 0 {} 10", engine.horizon_ms.get().max(1))
                    preserveAspectRatio="none"
                    role="img"
                    aria-label=summary
                    on:click=go_to_mark
                >
                    {move || {
                        marks
                            .get()
                            .iter()
                            .map(|m| {
                                let class = match m.kind {
                                    MilestoneKind::Crash => "mark crash",
                                    MilestoneKind::Rebalance => "mark rebalance",
                                    MilestoneKind::DeadLetter => "mark dead-letter",
                                };
                                view! {
                                    <line class=class x1=m.at_ms x2=m.at_ms y1="0" y2="10" data-at=m.at_ms>
                                        <title>{format!("{} {}", format_clock(m.at_ms), m.what)}</title>
                                    </line>
                                }
                            })
                            .collect_view()
                    }}
                </svg>
            </div>
            <span class="timeline-end">{move || format_clock(engine.horizon_ms.get())}</span>
        </div>
        <p class="timeline-legend hint" class:hidden=move || marks.with(|m| m.is_empty())>
            <span class="mark-key crash" aria-hidden="true">"crash"</span>
            <span class="mark-key rebalance" aria-hidden="true">"rebalance"</span>
            <span class="mark-key dead-letter" aria-hidden="true">"dead letter"</span>
            <span aria-hidden="true">" (click a mark to go there)"</span>
            <span class="mark-nav">
                <button type="button" class="small secondary" aria-disabled=move || mark_beside(false).is_none().to_string() on:click=move |_| jump(false)>
                    "← Previous mark"
                </button>
                <button type="button" class="small secondary" aria-disabled=move || mark_beside(true).is_none().to_string() on:click=move |_| jump(true)>
                    "Next mark →"
                </button>
                <button
                    type="button"
                    class="small secondary"
                    title="The newest moment of the run (End on the timeline)"
                    aria-disabled=move || (now() >= engine.horizon_ms.get()).to_string()
                    on:click=move |_| {
                        engine.playing.set(false);
                        engine.scrub_to(engine.horizon_ms.get_untracked());
                    }
                >
                    "Latest →|"
                </button>
            </span>
            <span class="mark-landed" role="status">
                {move || landed.get().filter(|(at, _)| *at == now()).map(|(_, text)| text)}
            </span>
        </p>
    }
}

/// Keyboard shortcuts and the help overlay they open.
#[component]
pub fn Shortcuts() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let popup = expect_context::<HeaderPopup>();
    let handle = window_event_listener(ev::keydown, move |ev| {
        // Typing in a field is not a shortcut.
        let target = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok());
        let typing = target
            .as_ref()
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if typing || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        // Space presses a focused button, link or diagram shape, and → belongs to it too:
        // those two keys are shortcuts only when no control has the focus.
        let on_control = target.as_ref().is_some_and(|el| {
            el.closest("button, a[href], summary, [tabindex], [role=tab]")
                .ok()
                .flatten()
                .is_some()
        });
        if on_control && matches!(ev.key().as_str(), " " | "ArrowRight") {
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
            "?" => popup.toggle(Popup::Help),
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
    view! {
        <button class="help-button" aria-label="Keyboard shortcuts" aria-keyshortcuts="?" on:click=move |_| popup.toggle(Popup::Help)>
            "?"
        </button>
        <Show when=move || popup.is(Popup::Help)>
            <div class="help-overlay" role="dialog" aria-label="Keyboard shortcuts">
                <h2>"Keyboard shortcuts"</h2>
                <dl>
                    <dt><kbd>"Space"</kbd></dt><dd>"Play or pause"</dd>
                    <dt><kbd>"→"</kbd></dt><dd>"Step: run to the next event that shows"</dd>
                    <dt><kbd>"["</kbd>" "<kbd>"]"</kbd></dt><dd>"Slower, faster"</dd>
                    <dt><kbd>"?"</kbd></dt><dd>"This help"</dd>
                </dl>
                <button on:click=move |_| popup.close(Popup::Help)>"Close"</button>
            </div>
        </Show>
    }
}
