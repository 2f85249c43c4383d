// End to end in Firefox (Debian's Firefox ESR through geckodriver; see webdriver.mjs): the
// release build plays, steps, produces, crashes a consumer and rebalances, scrubs, opens a
// lesson with its queue, picks in the diagram for the inspector, animates records, and
// replays a shared link.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { BASE_URL, linkFor } from "./browser.mjs";
import { firefox } from "./webdriver.mjs";

let ff;
before(async () => {
  ff = await firefox();
});
after(async () => {
  await ff?.close();
});

const clock = () => ff.run(`return document.querySelector('[role="timer"]').textContent`);
async function press(name) {
  const index = await ff.until(
    `const i = [...document.querySelectorAll("button")].findIndex(b => (b.getAttribute("aria-label") ?? b.textContent.trim()) === arguments[0]); return i >= 0 ? i + 1 : 0`,
    15_000,
    name,
  );
  const buttons = await ff.all("button");
  await ff.click(buttons[index - 1]);
}
const noPanic = () => ff.run(`return !document.querySelector(".panic-panel")`);

async function open(url) {
  // From a blank page, so that a link's hash is a navigation and not a hash change.
  await ff.go("about:blank");
  await ff.go(url);
  await ff.until(`return document.querySelectorAll('[role="list"][aria-label^="order-events-"]').length >= 1`);
}

test("Firefox: the page draws the cluster, steps, produces by murmur2 and plays", async () => {
  await open(BASE_URL);
  assert.equal(await clock(), "00:00.000");
  assert.equal(await ff.run(`return document.querySelectorAll('[role="list"][aria-label^="order-events-"]').length`), 3);
  for (let i = 0; i < 40; i++) await press("Step");
  assert.notEqual(await clock(), "00:00.000");
  await ff.run(`
    const key = document.querySelector('input[name="key"]');
    key.value = "firefox-key";
    key.dispatchEvent(new Event("input", { bubbles: true }));`);
  await press("Produce");
  const cell = await ff.until(
    `return document.querySelector('[role="listitem"][aria-label*="key firefox-key"]')?.getAttribute("aria-label")`,
  );
  assert.match(cell, /^offset \d+ key firefox-key$/);
  await press("Play");
  // One script finds a flying dot and reads it: a dot leaves the DOM when it lands.
  const animation = await ff.until(
    `const dot = document.querySelector(".flights-svg .flight");
     return dot && getComputedStyle(dot).animationName;`,
  );
  assert.equal(animation, "fly");
  await press("Pause");
  assert.ok(await noPanic());
});

test("Firefox: crashing a consumer rebalances its group; the timeline scrubs back", async () => {
  await open(BASE_URL);
  await ff.run(`const s = document.querySelector('input[aria-label="Speed"]'); s.value = "7"; s.dispatchEvent(new Event("input", { bubbles: true }));`);
  await press("Play");
  await ff.until(`return document.querySelector('[role="timer"]').textContent >= "00:05.000"`);
  await press("Crash group-a-1");
  await ff.until(`return document.querySelectorAll(".diagram-svg .consumer.crashed").length === 1`);
  // After the session timeout the group rebalances to the one live consumer, generation 2.
  await ff.until(`return /Stable · gen 2/.test(document.querySelector(".diagram-svg").textContent)`, 30_000);
  await press("Pause");
  const before = await clock();
  await ff.run(`const t = document.querySelector('input[aria-label="Timeline"]'); t.value = "2000"; t.dispatchEvent(new Event("input", { bubbles: true })); t.dispatchEvent(new Event("change", { bubbles: true }));`);
  await ff.until(`return document.querySelector('[role="timer"]').textContent === "00:02.000"`);
  assert.ok(before > "00:02.000");
  assert.ok(await noPanic());
});

test("Firefox: a lesson opens with its queue beside Kafka, and the inspector shows what is picked", async () => {
  await open(`${BASE_URL}#lesson=kafka-vs-rabbitmq&step=2`);
  const deleted = await ff.until(
    `const s = [...document.querySelectorAll('[aria-label="Queue order-queue"] .stat')].find(d => d.querySelector("dt").textContent === "Deleted on ack"); return s && Number(s.querySelector("dd").textContent)`,
  );
  assert.ok(deleted >= 150, `deleted ${deleted}`);
  await ff.run(`document.querySelector('[data-pick="c|fulfilment-1"]').dispatchEvent(new MouseEvent("click", { bubbles: true }))`);
  const heading = await ff.until(`return document.querySelector(".inspector h3")?.textContent`);
  assert.equal(heading, "Consumer fulfilment-1");
  assert.ok(await noPanic());
});

test("Firefox: a shared link replays the same run to the same moment", async () => {
  const scenario = {
    version: 1,
    name: "firefox link",
    seed: 5,
    topics: [{ name: "order-events", partitions: 2 }],
    producers: [{ name: "p", topic: "order-events", keys: { type: "fixed", keys: ["a", "b", "c"] }, rate_per_sec: 4 }],
    groups: [{ id: "g", topics: ["order-events"] }],
    open_at_ms: 5000,
  };
  await open(`${BASE_URL}#${linkFor(scenario)}`);
  assert.equal(await clock(), "00:05.000");
  const cells = await ff.run(
    `return [...document.querySelectorAll('[role="list"][aria-label="order-events-0"] [role="listitem"]')].map(c => c.getAttribute("aria-label"))`,
  );
  assert.ok(cells.length >= 5, cells.join(", "));
  // The same link again gives the same log, cell for cell.
  await ff.go("about:blank");
  await open(`${BASE_URL}#${linkFor(scenario)}`);
  assert.deepEqual(
    await ff.run(`return [...document.querySelectorAll('[role="list"][aria-label="order-events-0"] [role="listitem"]')].map(c => c.getAttribute("aria-label"))`),
    cells,
  );
  assert.ok(await noPanic());
});

test("Firefox: the tabs show the group tables, partitions, messages, charts, event log, scenario and Spring Boot", async () => {
  await open(BASE_URL);
  await press("Play");
  await ff.until(`return document.querySelector('[role="timer"]').textContent >= "00:06.000"`);
  await press("Pause");
  const tab = async (name, ready) => {
    const tabs = await ff.all('[role="tab"]');
    const index = await ff.run(`return [...document.querySelectorAll('[role="tab"]')].findIndex(t => t.textContent === arguments[0])`, name);
    assert.ok(index >= 0, name);
    await ff.click(tabs[index]);
    return ff.until(ready);
  };
  assert.ok(await tab("Consumer groups", `return document.querySelector('table[aria-label="Consumer group group-a"] tbody tr')`));
  assert.ok(await tab("Partitions", `return document.querySelector('table[aria-label="Partitions"] tbody tr')`));
  const rows = await tab("Messages", `return document.querySelectorAll('table[aria-label="Messages"] tbody tr').length`);
  assert.ok(rows >= 1, `${rows} messages`);
  const points = await tab(
    "Charts",
    `const l = document.querySelector('.charts svg polyline'); return l && l.getAttribute("points").trim().split(/\\s+/).length`,
  );
  assert.ok(points >= 3, `${points} chart points`);
  const lines = await tab("Event log", `return [...document.querySelectorAll(".event-log li, .event-log tr")].length`);
  assert.ok(lines >= 5, `${lines} log lines`);
  const json = await tab("Scenario", `return document.querySelector('textarea[aria-label="Scenario JSON"]')?.value`);
  assert.match(json, /"version": 1/);
  const yml = await tab("Spring Boot", `return document.querySelector('[aria-label="application.yml"]')?.textContent`);
  assert.match(yml, /bootstrap-servers: localhost:9092/);
  assert.ok(await noPanic());
});

test("Firefox: keyboard focus on a record cell stays on that record while the run plays", async () => {
  await open(BASE_URL);
  await press("Play");
  await ff.until(`return document.querySelectorAll('[role="list"][aria-label="order-events-0"] .cell').length >= 2`);
  // Cells are rewritten on every change: focus the newest one in the same script.
  const label = await ff.run(`
    const all = document.querySelectorAll('[role="list"][aria-label="order-events-0"] .cell');
    window.__focusedCell = all[all.length - 1];
    window.__focusedCell.focus();
    return window.__focusedCell.getAttribute("aria-label");`);
  await ff.until(`return !window.__focusedCell.isConnected`);
  const focused = await ff.until(
    `const e = document.activeElement;
     return e.classList.contains("cell") && [e.closest('[role="list"]').getAttribute("aria-label"), e.getAttribute("aria-label")];`,
    5_000,
  );
  assert.equal(focused[0], "order-events-0");
  const drawn = await ff.run(
    `return [...document.querySelectorAll('[role="list"][aria-label="order-events-0"] .cell')].map((c) => c.getAttribute("aria-label"))`,
  );
  if (drawn.includes(label)) assert.equal(focused[1], label);
  await press("Pause");
  assert.ok(await noPanic());
});

