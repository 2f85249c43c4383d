//! Guided lessons in the page: the lesson list, and the panel that narrates a lesson step by
//! step over its live preset.
//!
//! Lessons are files (`public/lessons/index.json` and `public/lessons/<id>.json`), fetched when needed, so
//! they add nothing to the page's download. Every lesson step has an address,
//! `#lesson=<id>&step=<n>`: opening it loads the lesson's preset with the earlier steps'
//! experiments done (their texts build on them) and runs it to the step's moment. Continue
//! runs on to the next step's moment and keeps what the user did, unless the step's goal was
//! not reached: then the step's solution is done, and a notice says so. Back replays the
//! earlier step as its address does. A step's "try this" is checked live against the
//! simulation; "Show me" performs it.

use std::sync::Arc;

use kplay_engine::lesson::{IndexEntry, Lesson, Try};
use kplay_engine::scenario::Scenario;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::controls::{focus_after_redraw, HeaderPopup, Popup};
use crate::Engine;

/// Where the lesson files are, relative to the page.
const LESSONS_DIR: &str = "public/lessons";

/// The lesson and step an address asks for: `#lesson=<id>&step=<n>` (steps count from 1 in
/// the address, from 0 here). A step that is not a number from 1 comes back as written.
pub fn requested(fragment: &str) -> Option<(String, Result<usize, String>)> {
    let rest = fragment.trim_start_matches('#').strip_prefix("lesson=")?;
    let (id, step) = match rest.split_once("&step=") {
        // Anything after the number (another parameter) is not part of it.
        Some((id, step)) => {
            let step = step.split('&').next().unwrap_or("");
            let number = step.parse::<usize>().ok().filter(|&n| n >= 1);
            (id, number.map(|n| n - 1).ok_or_else(|| step.to_owned()))
        }
        None => (rest.split('&').next().unwrap_or(rest), Ok(0)),
    };
    Some((id.to_owned(), step))
}

/// The address fragment of a lesson step (`step` counts from 0).
fn step_fragment(id: &str, step: usize) -> String {
    format!("#lesson={id}&step={}", step + 1)
}

/// A lesson id as a file name may hold it.
fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= kplay_engine::lesson::MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The text of a file next to the page.
async fn fetch_text(path: &str) -> Result<String, String> {
    let failed = |_| format!("{path} could not be loaded");
    let response = JsFuture::from(window().fetch_with_str(path))
        .await
        .map_err(failed)?;
    let response: web_sys::Response = response.dyn_into().map_err(failed)?;
    if !response.ok() {
        return Err(format!(
            "{path} could not be loaded (HTTP {})",
            response.status()
        ));
    }
    let text = JsFuture::from(response.text().map_err(failed)?)
        .await
        .map_err(failed)?;
    text.as_string()
        .ok_or_else(|| format!("{path} is not text"))
}

/// The lesson being followed and its step.
#[derive(Clone, Copy)]
pub struct LessonState {
    lesson: RwSignal<Option<Arc<Lesson>>>,
    step: RwSignal<usize>,
    /// The run as it stood when the step opened, with the user's actions from earlier steps
    /// and the lesson's scripted future: "Show me" starts from it.
    step_start: StoredValue<Option<Scenario>>,
    /// The speed Show me raised from, given back when its goal holds or the step is left.
    speed_before_show: StoredValue<Option<usize>>,
    /// Show me started the clock: it pauses it once the goal holds.
    showing: StoredValue<bool>,
    /// Why a lesson could not be opened.
    pub error: RwSignal<Option<String>>,
    /// Continue did the last step's solution, since its goal was not reached: the step open
    /// now says so.
    solved_for_you: RwSignal<bool>,
}

impl LessonState {
    /// No lesson.
    pub fn new() -> Self {
        Self {
            lesson: RwSignal::new(None),
            step: RwSignal::new(0),
            step_start: StoredValue::new(None),
            speed_before_show: StoredValue::new(None),
            showing: StoredValue::new(false),
            error: RwSignal::new(None),
            solved_for_you: RwSignal::new(false),
        }
    }

    /// Loads lesson `id` and opens its step `step` (from 0); a step it does not have opens
    /// the nearest one, and says so. `on_run`: a share link made during the lesson has
    /// opened its run, which the step shows as it is instead of from the step's start.
    pub fn open(self, engine: Engine, id: String, step: Result<usize, String>, on_run: bool) {
        // What the page shows when the lesson cannot be opened.
        let instead = if on_run {
            "The link's run is shown, without the lesson."
        } else {
            "The default scenario is shown instead."
        };
        if !valid_id(&id) {
            self.error
                .set(Some(format!("There is no lesson {id:?}. {instead}")));
            return;
        }
        leptos::task::spawn_local(async move {
            let loaded = fetch_text(&format!("{LESSONS_DIR}/{id}.json"))
                .await
                .and_then(|text| Lesson::from_json(&text));
            match loaded {
                Ok(lesson) => {
                    let count = lesson.steps.len();
                    let step = match step {
                        Ok(step) if step < count => step,
                        Ok(step) => {
                            self.error.set(Some(format!(
                                "{} has {count} steps, not {}: this is its last step.",
                                lesson.title,
                                step + 1
                            )));
                            count - 1
                        }
                        Err(written) => {
                            self.error.set(Some(format!(
                                "There is no step {written:?} in {}: this is its first step.",
                                lesson.title
                            )));
                            0
                        }
                    };
                    if on_run {
                        // Show me still starts from the step's own start.
                        self.step_start
                            .set_value(Some(lesson.scenario_for_step(step)));
                        self.step.set(step);
                        self.lesson.set(Some(Arc::new(lesson)));
                    } else {
                        self.lesson.set(Some(Arc::new(lesson)));
                        self.go_to(engine, step, true);
                    }
                    // A lesson picked from the menu reloads the page: the keyboard starts at
                    // the lesson's title, not at the top of the page.
                    focus_after_redraw("#lesson-title", false);
                }
                Err(e) if e.contains("(HTTP 404)") => self
                    .error
                    .set(Some(format!("There is no lesson {id:?}. {instead}"))),
                Err(e) => self.error.set(Some(format!(
                    "The lesson {id} could not be opened: {e}. {instead}"
                ))),
            }
        });
    }

    /// Opens step `step`: from the preset with the earlier steps' experiments done when
    /// `replay`, else on the learner's own run, running on to the step's moment or going back
    /// to it.
    fn go_to(self, engine: Engine, step: usize, replay: bool) {
        let Some(lesson) = self.lesson.get_untracked() else {
            return;
        };
        let moment = lesson.opening_ms(step);
        let now = engine.peek(kplay_engine::Simulation::now_ms);
        if replay {
            if let Err(e) = engine.load(lesson.scenario_for_step(step)) {
                self.error.set(Some(format!(
                    "The lesson's scenario could not be built: {e}"
                )));
                return;
            }
        } else if now > moment {
            // Played past the step's moment: back along the learner's own run, which keeps
            // what they did by hand before it.
            engine.scrub_to(moment);
        }
        engine.run_to(moment);
        self.open_step(engine, &lesson, step);
    }

    /// Continue: runs on to the next step. The next step's text tells what this step's
    /// experiment did, so when its goal has not been reached by then, the step is done again
    /// from its start with the solution, and the next step says so.
    fn advance(self, engine: Engine, step: usize) {
        let Some(lesson) = self.lesson.get_untracked() else {
            return;
        };
        let next = step + 1;
        let Some(try_this) = &lesson.steps[step].try_this else {
            return self.go_to(engine, next, false);
        };
        // Judged when the solution would have settled (see `Lesson::goal_judged_at_ms`), on
        // the learner's own run: played on past that moment, it goes back to it.
        let judged_at = lesson.goal_judged_at_ms(step);
        if engine.peek(kplay_engine::Simulation::now_ms) > judged_at {
            engine.scrub_to(judged_at);
        }
        engine.run_to(judged_at);
        let solved = !engine.read(|sim| try_this.check.holds(sim));
        if solved {
            perform_solution(engine, self, try_this);
        }
        self.go_to(engine, next, false);
        self.solved_for_you.set(solved);
    }

    /// The lesson step open now as a share link carries it after the run
    /// (`&lesson=<id>&step=<n>`), so that whoever opens the link follows the same step.
    pub fn link_suffix(self) -> Option<String> {
        let lesson = self.lesson.get_untracked()?;
        let fragment = step_fragment(&lesson.id, self.step.get_untracked());
        Some(fragment.replacen('#', "&", 1))
    }

    /// Marks step `step` as open at the run's current moment.
    fn open_step(self, engine: Engine, lesson: &Lesson, step: usize) {
        self.showing.set_value(false);
        if let Some(speed) = self.speed_before_show.get_value() {
            self.speed_before_show.set_value(None);
            engine.speed.set(speed);
        }
        self.step_start.set_value(Some(engine.scenario()));
        self.solved_for_you.set(false);
        self.step.set(step);
        let fragment = step_fragment(&lesson.id, step);
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&fragment));
        }
    }
}

impl Default for LessonState {
    fn default() -> Self {
        Self::new()
    }
}

/// The moment step `step` opens at: its own `run_to_ms`, or the latest one before it.
/// Performs a step's experiment from the step's start: each command at its moment, as a
/// user would. After a half-done attempt, the whole solution on top would overshoot (a fifth
/// consumer where four were asked for).
fn perform_solution(engine: Engine, state: LessonState, try_this: &Try) {
    if let Some(start) = state.step_start.get_value() {
        if let Err(e) = engine.load(start) {
            engine
                .notice
                .set(Some(format!("cannot go back to the step's start: {e}")));
            return;
        }
    }
    for entry in &try_this.solution {
        if engine.peek(kplay_engine::Simulation::now_ms) < entry.at_ms {
            engine.run_to(entry.at_ms);
        }
        let result = engine.apply(entry.command.clone());
        engine.report(result);
    }
}

/// Show me: performs the step's experiment, then starts the clock, since most checks hold
/// only once the cluster has reacted (a rebalance, a back-off): the learner watches that
/// happen instead of a waiting "Not yet".
fn show_me(engine: Engine, state: LessonState, try_this: &Try, done: Memo<bool>) {
    perform_solution(engine, state, try_this);
    if done.get_untracked() {
        return;
    }
    // A goal that takes the cluster a minute (a session timeout) would keep the learner
    // waiting: play at least fast enough to reach it in about five seconds.
    let fast_enough = crate::engine::SPEEDS
        .iter()
        .position(|&speed| try_this.settle_ms as f64 / speed <= SHOW_ME_WAIT_MS)
        .unwrap_or(crate::engine::SPEEDS.len() - 1);
    let speed = engine.speed.get_untracked();
    if speed < fast_enough {
        if state.speed_before_show.get_value().is_none() {
            state.speed_before_show.set_value(Some(speed));
        }
        engine.speed.set(fast_enough);
    }
    if !engine.playing.get_untracked() {
        engine.toggle();
    }
    state.showing.set_value(true);
}

/// After Show me, the moment its goal holds: the clock stops there, at the speed the learner
/// had, rather than running on past the next step's moment.
fn end_show(engine: Engine, state: LessonState) {
    if !state.showing.get_value() {
        return;
    }
    state.showing.set_value(false);
    if engine.playing.get_untracked() {
        engine.toggle();
    }
    if let Some(speed) = state.speed_before_show.get_value() {
        state.speed_before_show.set_value(None);
        engine.speed.set(speed);
    }
}

/// Longest wall-clock wait, in ms, that Show me leaves before a goal can be reached.
const SHOW_ME_WAIT_MS: f64 = 5_000.0;

/// The Lessons button and the list of lessons it opens.
#[component]
pub fn LessonMenu() -> impl IntoView {
    let popup = expect_context::<HeaderPopup>();
    let open = move || popup.is(Popup::Lessons);
    let index = RwSignal::new(None::<Result<Vec<IndexEntry>, String>>);
    // The list is fetched the first time it opens, from this button or from a lesson's end.
    Effect::new(move |_| {
        if open() && index.get_untracked().is_none() {
            leptos::task::spawn_local(async move {
                let loaded = fetch_text(&format!("{LESSONS_DIR}/index.json"))
                    .await
                    .and_then(|text| {
                        IndexEntry::list_from_json(&text)
                            .map_err(|e| format!("the lesson list is not valid: {e}"))
                    });
                index.set(Some(loaded));
            });
        }
    });
    let toggle = move |_| popup.toggle(Popup::Lessons);
    // Opened, the menu takes the keyboard focus; closed, it gives it back to the button
    // when the focus was inside it.
    Effect::new(move |was_open: Option<bool>| {
        let is_open = open();
        match (was_open, is_open) {
            (Some(false), true) => focus_after_redraw(".lesson-menu h2", false),
            (Some(true), false) => focus_after_redraw(".lessons-button", true),
            _ => {}
        }
        is_open
    });
    view! {
        <button type="button" class="lessons-button" aria-expanded=move || open().to_string() on:click=toggle>
            "Lessons"
        </button>
        <Show when=open>
            <div class="lesson-menu" role="dialog" aria-label="Lessons">
                <div class="menu-head">
                    <h2 tabindex="-1">"Lessons"</h2>
                    <button type="button" class="small secondary" on:click=move |_| popup.close(Popup::Lessons)>"Close"</button>
                </div>
                {move || match index.get() {
                    None => view! { <p class="hint">"Loading the lessons…"</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                    Some(Ok(entries)) => view! {
                        <ol>
                            {entries
                                .into_iter()
                                .map(|e| {
                                    view! {
                                        <li>
                                            <a href=step_fragment(&e.id, 0)>{e.title}</a>
                                            <span class="hint">{e.summary}</span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ol>
                    }
                    .into_any(),
                }}
            </div>
        </Show>
    }
}

/// The lesson's concept table: each term, its meaning, and a button that shows the live entity
/// in the inspector.
fn concept_table(concepts: &[kplay_engine::lesson::Concept]) -> impl IntoView {
    let rows = concepts
        .iter()
        .map(|c| {
            let selection = crate::inspector::selection();
            let entity = c.entity.clone();
            view! {
                <tr>
                    <th scope="row">{c.term.clone()}</th>
                    <td class="text">{c.meaning.clone()}</td>
                    <td><button type="button" on:click=move |_| selection.set(Some(entity.clone()))>{format!("Show the {}", c.term.to_ascii_lowercase())}</button></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <details class="concepts">
            <summary>"Concepts, live in this run"</summary>
            <table class="data" aria-label="Concepts">
                <tbody>{rows}</tbody>
            </table>
        </details>
    }
}

/// The lesson panel: the step's narration, its experiment with a live check, Back and
/// Continue.
#[component]
pub fn LessonPanel() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let state = expect_context::<LessonState>();
    move || {
        let lesson = state.lesson.get()?;
        let step = state.step.get();
        let count = lesson.steps.len();
        let current = lesson.steps[step].clone();
        let paragraphs = current
            .text
            .split("\n\n")
            .map(|p| view! { <p>{p.to_owned()}</p> })
            .collect_view();
        let try_view = current.try_this.map(|try_this| {
            let try_this = Arc::new(try_this);
            let check = try_this.check.clone();
            let done = Memo::new(move |_| engine.read(|sim| check.holds(sim)));
            Effect::new(move |_| {
                if done.get() {
                    end_show(engine, state);
                }
            });
            let describe = try_this.check.describe();
            let perform = Arc::clone(&try_this);
            view! {
                <div class="try" class:done=done>
                    <h4>"Try this"</h4>
                    <p>{try_this.prompt.clone()}</p>
                    <p class="check" id="step-check" tabindex="-1" role="status">
                        {move || if done.get() { "Done: " } else { "Goal, not reached yet: " }}
                        {describe}
                    </p>
                    // Once the goal holds there is nothing left to show.
                    <button type="button" hidden=move || done.get() title="Back to where this step started, then the solution" on:click=move |_| {
                        show_me(engine, state, &perform, done);
                        focus_after_redraw("#step-check", false);
                    }>"Show me"</button>
                </div>
            }
        });
        let back_lesson = Arc::clone(&lesson);
        let concepts = (!lesson.concepts.is_empty()).then(|| concept_table(&lesson.concepts));
        Some(view! {
            <section class="panel lesson" aria-label="Lesson">
                <header class="lesson-head">
                    <h2 id="lesson-title" tabindex="-1">{lesson.title.clone()}</h2>
                    <span class="hint">{format!("Step {} of {count}", step + 1)}</span>
                    <button type="button" disabled={step == 0}
                        on:click=move |_| {
                            state.go_to(engine, step.saturating_sub(1), true);
                            focus_after_redraw("#step-title", false);
                        }>
                        "Back"
                    </button>
                    {if step + 1 < count {
                        view! {
                            <button type="button" on:click=move |_| {
                                state.advance(engine, step);
                                focus_after_redraw("#step-title", false);
                            }>"Continue"</button>
                        }.into_any()
                    } else {
                        // The last step: the way on is another lesson.
                        let popup = expect_context::<HeaderPopup>();
                        view! {
                            <button type="button" on:click=move |_| popup.open(Popup::Lessons)>"Finish: choose the next lesson"</button>
                        }.into_any()
                    }}
                    <a href="./" class="close-lesson">"Leave the lesson"</a>
                </header>
                <h3 id="step-title" tabindex="-1">{current.title}</h3>
                <p class="solved hint" role="status" hidden=move || !state.solved_for_you.get()>
                    "The last step's goal was not reached, so the lesson did its solution: this step goes on from there."
                </p>
                <div class="lesson-text">{paragraphs}</div>
                {try_view}
                {concepts}
                <p class="hint">{format!("From the guide's section “{}”.", back_lesson.section)}</p>
            </section>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::requested;

    #[test]
    fn a_step_address_is_read_up_to_its_number() {
        assert_eq!(
            requested("#lesson=ordering&step=2"),
            Some(("ordering".into(), Ok(1)))
        );
        assert_eq!(
            requested("#lesson=ordering&step=2&x=1"),
            Some(("ordering".into(), Ok(1)))
        );
        assert_eq!(
            requested("#lesson=ordering&x=1"),
            Some(("ordering".into(), Ok(0)))
        );
        assert_eq!(
            requested("#lesson=ordering"),
            Some(("ordering".into(), Ok(0)))
        );
        // Not a step: said so when the lesson has loaded.
        for written in ["0", "-1", "two", ""] {
            assert_eq!(
                requested(&format!("#lesson=ordering&step={written}")),
                Some(("ordering".into(), Err(written.to_owned())))
            );
        }
        assert_eq!(requested("#k1.abc"), None);
    }
}
