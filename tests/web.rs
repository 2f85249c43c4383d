//! Component tests: mount the playground in a real browser, act as a user, check the DOM.
#![cfg(target_arch = "wasm32")]

use kafka_playground::App;
use kplay_engine::partitioner::partition_for_key;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Mounts the app in a fresh container and returns the container.
fn mount() -> HtmlElement {
    let container: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&container).unwrap();
    let handle = leptos::mount::mount_to(container.clone(), App);
    // Keep the app alive for the rest of the test run.
    std::mem::forget(handle);
    container
}

fn query(root: &HtmlElement, selector: &str) -> Vec<web_sys::Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().unchecked_into())
        .collect()
}

fn log_items(root: &HtmlElement, list_name: &str) -> Vec<String> {
    query(
        root,
        &format!(
            r#"[role="list"][aria-label="{list_name}"] [role="listitem"][aria-label^="offset "]"#
        ),
    )
    .iter()
    .map(|li| li.get_attribute("aria-label").unwrap())
    .collect()
}

#[wasm_bindgen_test]
async fn shows_three_partitions_of_order_events_and_the_clock() {
    let root = mount();
    leptos::task::tick().await;
    for p in 0..3 {
        assert_eq!(
            query(
                &root,
                &format!(r#"[role="list"][aria-label="order-events-{p}"]"#)
            )
            .len(),
            1
        );
    }
    assert!(query(&root, r#"[role="list"][aria-label="order-events-3"]"#).is_empty());
    let timer = query(&root, r#"[role="timer"][aria-label="Simulation time"]"#);
    assert_eq!(timer[0].text_content().unwrap(), "00:00.000");
}

#[wasm_bindgen_test]
async fn produce_appends_to_the_murmur2_partition_at_the_next_offset() {
    let root = mount();
    leptos::task::tick().await;
    let key: HtmlInputElement = query(&root, r#"input[name="key"]"#)[0]
        .clone()
        .unchecked_into();
    key.set_value("customer-7");
    key.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    let button: HtmlElement = query(&root, "button[type=submit]")[0]
        .clone()
        .unchecked_into();
    button.click();
    button.click();
    leptos::task::tick().await;

    let expected = partition_for_key(b"customer-7", 3);
    let items = log_items(&root, &format!("order-events-{expected}"));
    assert_eq!(
        items,
        vec!["offset 0 key customer-7", "offset 1 key customer-7"]
    );
    for other in (0..3).filter(|p| *p != expected) {
        assert!(log_items(&root, &format!("order-events-{other}")).is_empty());
    }
    // A list holds list items only (ARIA's required children), so that a screen reader
    // counts records, not the partition's label or its next-offset slot.
    for list in query(&root, r#".diagram-svg [role="list"]"#) {
        let children = list.children();
        for i in 0..children.length() {
            let child = children.item(i).unwrap();
            assert_eq!(
                child.get_attribute("role").as_deref(),
                Some("listitem"),
                "{}",
                child.outer_html()
            );
        }
    }
    let status = query(&root, r#"[role="status"]"#)[0]
        .text_content()
        .unwrap();
    assert_eq!(
        status,
        format!("Sent to topic=order-events partition={expected} offset=1")
    );
}

fn button(root: &HtmlElement, text: &str) -> HtmlElement {
    query(root, "button")
        .into_iter()
        .find(|b| b.text_content().as_deref() == Some(text))
        .unwrap_or_else(|| panic!("no button {text:?}"))
        .unchecked_into()
}

fn clock(root: &HtmlElement) -> String {
    query(root, r#"[role="timer"]"#)[0].text_content().unwrap()
}

#[wasm_bindgen_test]
async fn step_runs_events_and_the_clock_follows() {
    let root = mount();
    leptos::task::tick().await;
    assert_eq!(clock(&root), "00:00.000");
    let step = button(&root, "Step");
    // The first events happen at time 0 (consumers start); keep stepping until time moves.
    for _ in 0..50 {
        step.click();
    }
    leptos::task::tick().await;
    assert_ne!(
        clock(&root),
        "00:00.000",
        "fifty events move the clock past zero"
    );
    assert_eq!(
        button(&root, "Play").text_content().unwrap(),
        "Play",
        "Step pauses"
    );
}

#[wasm_bindgen_test]
async fn group_tables_use_kafkas_columns_and_crash_marks_the_consumer() {
    let root = mount();
    leptos::task::tick().await;
    let table = query(&root, r#"table[aria-label="Consumer group group-a"]"#);
    assert_eq!(table.len(), 1);
    let headers: Vec<String> = query(
        &root,
        r#"table[aria-label="Consumer group group-a"] th[scope="col"]"#,
    )
    .iter()
    .map(|th| th.text_content().unwrap())
    .collect();
    assert_eq!(
        headers,
        [
            "Partition",
            "Assigned member",
            "Log End Offset",
            "Group Offset",
            "Lag"
        ]
    );
    button(&root, "Crash group-a-1").click();
    leptos::task::tick().await;
    assert_eq!(query(&root, ".consumer.crashed").len(), 1);
    // A crashed consumer offers Restart instead.
    button(&root, "Restart group-a-1").click();
    leptos::task::tick().await;
    assert!(query(&root, ".consumer.crashed").is_empty());
}

/// Clicks `element` with a bubbling event, as a pointer would (SVG shapes have no `click()`).
fn click(element: &web_sys::Element) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("click", &init).unwrap();
    element.dispatch_event(&event).unwrap();
}

/// The inspector's value for `label`.
fn fact(root: &HtmlElement, label: &str) -> String {
    query(root, ".inspector dt")
        .into_iter()
        .find(|dt| dt.text_content().as_deref() == Some(label))
        .and_then(|dt| dt.next_element_sibling())
        .and_then(|dd| dd.text_content())
        .unwrap_or_else(|| panic!("no fact {label:?}"))
}

#[wasm_bindgen_test]
async fn the_inspector_shows_what_is_picked_in_the_diagram_and_acts_on_it() {
    let root = mount();
    leptos::task::tick().await;
    let consumer = query(&root, r#"[data-pick="c|group-a-1"]"#);
    assert_eq!(consumer.len(), 1);
    click(&consumer[0]);
    leptos::task::tick().await;
    assert_eq!(
        query(&root, ".inspector h3")[0].text_content().unwrap(),
        "Consumer group-a-1"
    );
    assert_eq!(fact(&root, "Group"), "group-a");
    assert_eq!(fact(&root, "Status"), "running");
    button(&root, "Crash consumer").click();
    leptos::task::tick().await;
    assert_eq!(fact(&root, "Status"), "crashed");
    button(&root, "Restart consumer");
    // A partition row's label picks the partition.
    click(&query(&root, r#"[data-pick="p|1|order-events"]"#)[0]);
    leptos::task::tick().await;
    assert_eq!(
        query(&root, ".inspector h3")[0].text_content().unwrap(),
        "Partition order-events-1"
    );
    assert_eq!(fact(&root, "Low Water Mark"), "0");
}
