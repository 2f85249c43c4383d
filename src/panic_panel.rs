//! A page that never dies silently: a panic anywhere shows a panel that says what happened and
//! gives the link that replays the run to the moment it failed.
//!
//! A panic stops the wasm module for good (the release build aborts), so the panel is built
//! with plain DOM calls from the panic hook, not with Leptos. The run to reproduce is kept
//! outside the simulation's storage ([`remember_run`], [`remember_moment`]): the panic may
//! happen while the simulation is borrowed.

use std::cell::{Cell, RefCell};

use kplay_engine::link;
use kplay_engine::scenario::Scenario;
use wasm_bindgen::prelude::wasm_bindgen;

thread_local! {
    static RUN: RefCell<Option<Scenario>> = const { RefCell::new(None) };
    static MOMENT_MS: Cell<u64> = const { Cell::new(0) };
}

/// Remembers the scenario being run, with its script so far.
pub fn remember_run(scenario: Scenario) {
    RUN.with(|run| {
        if let Ok(mut run) = run.try_borrow_mut() {
            *run = Some(scenario);
        }
    });
}

/// Remembers the virtual time the run has reached.
pub fn remember_moment(ms: u64) {
    MOMENT_MS.with(|m| m.set(ms));
}

/// Installs the panic hook: the browser console gets the message as before, the page gets
/// the panel.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show(&info.to_string());
    }));
}

/// The link that replays the remembered run to the remembered moment, if there is a run.
fn reproduce_link() -> Option<String> {
    let scenario = RUN.with(|run| run.try_borrow().ok().and_then(|r| r.clone()))?;
    let at = MOMENT_MS.with(Cell::get);
    let scenario = Scenario {
        open_at_ms: Some(at).filter(|&t| t > 0),
        // No further: replaying past the failure would fail again while the link opens.
        played_to_ms: None,
        ..scenario
    };
    let href = web_sys::window()?.location().href().ok()?;
    let base = href.split_once('#').map_or(href.as_str(), |(base, _)| base);
    Some(format!("{base}#{}", link::encode(&scenario)))
}

/// Adds the panel to the page. Every text goes in as text, never as markup.
fn show(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else {
        return;
    };
    let element = |tag: &str, text: &str| {
        let e = document.create_element(tag).ok()?;
        e.set_text_content(Some(text));
        Some(e)
    };
    let Some(panel) = element("div", "") else {
        return;
    };
    let _ = panel.set_attribute("class", "panic-panel");
    let _ = panel.set_attribute("role", "alert");
    let link = reproduce_link();
    let parts = [
        element("h2", "The playground stopped"),
        element(
            "p",
            "The simulation hit an internal error and cannot go on in this page. Nothing is \
             sent anywhere. The link below replays this run to the moment it failed: open it \
             to see the problem again, or attach it to a bug report.",
        ),
        element("pre", message),
        link.as_deref().and_then(|link| {
            let a = element("a", "Replay this run")?;
            a.set_attribute("href", link).ok()?;
            Some(a)
        }),
        element("a", "Start a new playground").and_then(|a| {
            a.set_attribute("href", "./").ok()?;
            Some(a)
        }),
    ];
    for part in parts.into_iter().flatten() {
        let _ = panel.append_child(&part);
    }
    if let Some(link) = link {
        if let Some(input) = element("input", "") {
            let _ = input.set_attribute("readonly", "");
            let _ = input.set_attribute("aria-label", "Link that replays the run");
            let _ = input.set_attribute("value", &link);
            let _ = panel.append_child(&input);
        }
    }
    let _ = body.prepend_with_node_1(&panel);
}

/// Panics on purpose with `message`. The end-to-end tests call it (as
/// `wasmBindings.debug_panic`) to check the panel; it is not reachable from the page's UI.
#[wasm_bindgen]
pub fn debug_panic(message: String) {
    panic!("{message}");
}
