//! Share links in the page: the scenario in the address's fragment, and the Share link button.
//!
//! Opening the page with `#k1.…` replays that scenario, user actions included, to the moment it
//! was shared at. A link that cannot be opened (cut short, corrupted, from a newer playground,
//! too large) never leaves the page blank: the default scenario opens and an alert says why.

use kplay_engine::link;
use kplay_engine::scenario::Scenario;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::Engine;

/// What the page opens: the scenario of the address's link, or the default one and the reason
/// the link could not be used.
pub fn scenario_from_address(default: impl FnOnce() -> Scenario) -> (Scenario, Option<String>) {
    let fragment = window().location().hash().unwrap_or_default();
    let fragment = fragment.trim_start_matches('#');
    // Lessons have addresses of their own (see `lessons`).
    if fragment.is_empty() || crate::lessons::requested(fragment).is_some() {
        return (default(), None);
    }
    // A link made during a lesson names its step after the run (`lesson_of_link`), which
    // the decoder leaves out.
    match link::decode(fragment) {
        Ok(scenario) => match scenario.build() {
            Ok(_) => (scenario, None),
            Err(e) => (default(), Some(refused(&e.to_string()))),
        },
        Err(e) => (default(), Some(refused(&e.to_string()))),
    }
}

/// The lesson step a share link was made in (`#k1.…&lesson=<id>&step=<n>`), if any.
pub fn lesson_of_link(fragment: &str) -> Option<(String, Result<usize, String>)> {
    let fragment = fragment.trim_start_matches('#');
    let (run, rest) = fragment.split_once('&')?;
    run.starts_with("k1.")
        .then(|| crate::lessons::requested(rest))?
}

fn refused(reason: &str) -> String {
    format!("This link could not be opened: {reason}. The default scenario is shown instead.")
}

/// The address of the page without its fragment.
fn page_address() -> String {
    let href = window().location().href().unwrap_or_default();
    match href.split_once('#') {
        Some((base, _)) => base.to_owned(),
        None => href,
    }
}

/// The detail tab open now, which a link names after the run unless it is the first.
#[derive(Clone, Copy)]
pub struct LinkTab(pub(crate) RwSignal<crate::Tab>);

/// A link that opens the current run at the current moment, on the lesson step and the tab
/// open now, or why the run cannot be one (a run past the link's limits would make a link no
/// page opens).
pub fn current_link(engine: Engine) -> Result<String, String> {
    let fragment = link::encode(&engine.scenario());
    link::decode(&fragment).map_err(|e| format!("This run cannot be shared as a link: {e}"))?;
    let lesson = use_context::<crate::lessons::LessonState>().and_then(|l| l.link_suffix());
    let tab = use_context::<LinkTab>().map_or(0, |t| crate::tab_position(t.0.get_untracked()));
    let mut link = format!(
        "{}#{fragment}{}",
        page_address(),
        lesson.unwrap_or_default()
    );
    if tab > 0 {
        link.push_str("&tab=");
        link.push_str(crate::TABS[tab].2);
    }
    Ok(link)
}

/// After an action in a run opened from a link, the address follows the run: a reload, a
/// bookmark or a copied address then replays what the user did rather than the link as it was
/// first opened. Lesson addresses and the plain page are left alone.
pub fn keep_address_current(engine: Engine) {
    let fragment = window().location().hash().unwrap_or_default();
    if !fragment.starts_with("#k1.") {
        return;
    }
    if let Ok(url) = current_link(engine) {
        if let Some((_, fragment)) = url.split_once('#') {
            let _ = window().history().and_then(|h| {
                h.replace_state_with_url(&JsValue::NULL, "", Some(&format!("#{fragment}")))
            });
        }
    }
}

/// Reloads the page when the user pastes another link into the address bar of an open page
/// (the fragment changes without a navigation). The Share link button writes the fragment
/// with `history.replaceState`, which fires no `hashchange`.
pub fn reload_on_new_link() {
    let handle = window_event_listener(leptos::ev::hashchange, |_| {
        let _ = window().location().reload();
    });
    // The listener lives as long as the page.
    std::mem::forget(handle);
}

/// A banner for what could not be opened (a link, a lesson): role `alert`, dismissable.
#[component]
pub fn Banner(message: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        message.get().map(|text| {
            view! {
                <div class="banner" role="alert">
                    <span>{text}</span>
                    <button type="button" on:click=move |_| message.set(None)>"Dismiss"</button>
                </div>
            }
        })
    }
}

/// Said after an action taken at an earlier moment than the newest: what it dropped, and
/// Undo to get it back.
#[component]
pub fn ForkBanner() -> impl IntoView {
    let engine = expect_context::<Engine>();
    move || {
        engine.fork.get().map(|fork| {
            let text = format!(
                "Acting at {} started the run again from there: what followed, up to {}, was dropped.",
                crate::format_clock(fork.at_ms),
                crate::format_clock(fork.dropped_to_ms)
            );
            view! {
                <div class="banner info" role="status">
                    <span>{text}</span>
                    <button type="button" on:click=move |_| engine.undo_fork()>"Undo"</button>
                    <button type="button" class="secondary" on:click=move |_| engine.fork.set(None)>"Dismiss"</button>
                </div>
            }
        })
    }
}

/// The Share link button: puts the run into the address, copies the link, and shows it in a
/// field to copy by hand where the clipboard is not available.
#[component]
pub fn ShareLink() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let popup = expect_context::<crate::controls::HeaderPopup>();
    let shared = RwSignal::new(None::<String>);
    let status = RwSignal::new(String::new());
    let share = move |_| {
        let url = match current_link(engine) {
            Ok(url) => url,
            Err(reason) => {
                shared.set(None);
                engine.notice.set(Some(reason));
                return;
            }
        };
        if let Some((_, fragment)) = url.split_once('#') {
            let _ = window().history().and_then(|h| {
                h.replace_state_with_url(&JsValue::NULL, "", Some(&format!("#{fragment}")))
            });
        }
        let chars = url.chars().count();
        status.set(format!("Link to this moment ({chars} characters)"));
        copy_to_clipboard(url.clone(), status, chars);
        shared.set(Some(url));
        popup.open(crate::controls::Popup::Share);
    };
    // Closed, the share box gives the keyboard focus back to its button when it had it.
    Effect::new(move |was_open: Option<bool>| {
        let is_open = popup.is(crate::controls::Popup::Share);
        if was_open == Some(true) && !is_open {
            crate::controls::focus_after_redraw(".share > button", true);
        }
        is_open
    });
    view! {
        <div class="share">
            <button type="button" on:click=share>"Share link"</button>
            {move || {
                shared
                    .get()
                    .filter(|_| popup.is(crate::controls::Popup::Share))
                    .map(|url| {
                        view! {
                            <div class="share-box">
                                <input
                                    type="text"
                                    readonly
                                    aria-label="Share link address"
                                    prop:value=url
                                    on:focus=move |ev| {
                                        use wasm_bindgen::JsCast;
                                        if let Some(input) = ev
                                            .target()
                                            .and_then(|t| {
                                                t.dyn_into::<web_sys::HtmlInputElement>().ok()
                                            })
                                        {
                                            input.select();
                                        }
                                    }
                                />
                                <span role="status">{move || status.get()}</span>
                                <button type="button" on:click=move |_| popup.close(crate::controls::Popup::Share)>
                                    "Close"
                                </button>
                            </div>
                        }
                    })
            }}
        </div>
    }
}

/// Puts `text` on the clipboard; whether the browser allowed it.
pub async fn write_clipboard(text: &str) -> bool {
    let promise = window().navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

/// Copies `text` and reports the outcome in `status`.
fn copy_to_clipboard(text: String, status: RwSignal<String>, chars: usize) {
    leptos::task::spawn_local(async move {
        let copied = write_clipboard(&text).await;
        status.set(if copied {
            format!("Link copied ({chars} characters)")
        } else {
            format!("Copy the link above ({chars} characters); the clipboard was not available")
        });
    });
}
