// End to end: play, step, speed up, crash a consumer and watch the group rebalance, scrub
// the timeline back, all by role and accessible name, as a user would.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { launch, openPage, linkFor, BASE_URL } from "./browser.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const clockMs = async (page) => {
  const text = await page.getByRole("timer", { name: "Simulation time" }).textContent();
  const [, mm, ss, ms] = text.match(/^(\d\d):(\d\d)\.(\d{3})$/);
  return (Number(mm) * 60 + Number(ss)) * 1000 + Number(ms);
};

test("Play runs the clock and the producers; Pause stops it; Step runs one event", async () => {
  const { page, errors } = await openPage(browser);
  assert.equal(await clockMs(page), 0);
  await page.getByRole("slider", { name: "Speed" }).fill("6"); // 10×
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.waitForFunction(() => {
    const t = document.querySelector('[role="timer"]').textContent;
    return t >= "00:03.000";
  });
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  const paused = await clockMs(page);
  assert.ok(paused >= 3000, `clock at ${paused}`);
  await page.waitForTimeout(200);
  assert.equal(await clockMs(page), paused, "paused: the clock stands still");
  // Producers sent records: some partition has a listitem.
  assert.ok((await page.getByRole("listitem", { name: /^offset \d+ key / }).count()) > 0);
  await page.getByRole("button", { name: "Step", exact: true }).click();
  assert.ok((await clockMs(page)) >= paused);
  // The keyboard does the same: space plays, with no control focused.
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press("Space");
  await page.getByRole("button", { name: "Pause", exact: true }).waitFor();
  await page.keyboard.press("Space");
  await page.getByRole("button", { name: "Play", exact: true }).waitFor();
  // On a focused button, space presses that button and leaves the clock alone.
  await page.getByRole("button", { name: "Crash group-a-1" }).focus();
  const before = await clockMs(page);
  await page.keyboard.press("Space");
  await page.getByRole("button", { name: "Restart group-a-1" }).waitFor();
  await page.waitForTimeout(200);
  assert.equal(await clockMs(page), before, "the clock did not start");
  assert.equal(await page.getByRole("button", { name: "Play", exact: true }).count(), 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test("every press of Step shows something: a line in the event log or a later clock", async () => {
  const { page, errors } = await openPage(browser);
  await page.getByRole("tab", { name: "Event log" }).click();
  const lines = page.getByRole("tabpanel").getByRole("listitem");
  for (let press = 1; press <= 4; press++) {
    const before = [await clockMs(page), await lines.count()];
    await page.getByRole("button", { name: "Step", exact: true }).click();
    const after = [await clockMs(page), await lines.count()];
    assert.notDeepEqual(after, before, `press ${press} changed nothing (clock, log lines)`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test("crashing a consumer makes the group rebalance after the session timeout", async () => {
  const { page, errors } = await openPage(browser);
  await page.getByRole("slider", { name: "Speed" }).fill("8"); // 100×
  await page.getByRole("button", { name: "Play", exact: true }).click();
  const table = page.getByRole("table", { name: "Consumer group group-a" });
  await table.waitFor();
  // The first rebalance completes after the initial delay; both consumers own partitions.
  await page.getByText("Stable", { exact: true }).first().waitFor();
  await page.getByRole("button", { name: "Crash group-a-1" }).click();
  await page.getByRole("button", { name: "Restart group-a-1" }).waitFor();
  // Crash's button is replaced: the focus moves on to Restart, not to the page.
  await page.waitForFunction(() => document.activeElement?.textContent === "Restart group-a-1");
  // After session.timeout.ms (45 s) the coordinator removes it and group-a-2 owns everything.
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('table[aria-label="Consumer group group-a"] tbody tr')];
    return rows.length === 3 && rows.every((r) => r.children[1].textContent === "group-a-2");
  }, null, { timeout: 15000 });
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  mkdirSync("tests/e2e/output", { recursive: true });
  await page.screenshot({ path: "tests/e2e/output/rebalance.png", fullPage: true });
  // The timeline scrubs back to before the crash: group-a-1 owns partitions again.
  const timeline = page.getByRole("slider", { name: "Timeline" });
  await timeline.fill("20000");
  assert.equal(await clockMs(page), 20000);
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('table[aria-label="Consumer group group-a"] tbody tr')];
    return rows.some((r) => r.children[1].textContent === "group-a-1");
  });
  // The timeline marks the crash and the rebalances, also the part of the run ahead of the
  // scrubbed-to moment; clicking the crash's mark goes to it.
  const marks = page.getByRole("img", { name: /^Marks on the timeline/ });
  const crash = marks.locator("line.crash");
  const crashAt = Number(await crash.getAttribute("data-at"));
  await timeline.fill(String(crashAt - 1000));
  assert.equal(await clockMs(page), crashAt - 1000);
  assert.match(await marks.getAttribute("aria-label"), /: 1 crashed, [2-9] rebalancing, 0 dead-lettered$/);
  await crash.dispatchEvent("click");
  assert.equal(await clockMs(page), crashAt);
  // The legend says which mark the run is at.
  assert.match(await page.getByRole("status").filter({ hasText: /^At / }).textContent(), /^At \d+:\d\d\.\d{3}: group-a-1 crashed$/);
  assert.match(await crash.locator("title").textContent(), /group-a-1 crashed$/);
  // The same marks by keyboard: the buttons go to the mark before and after now, and the
  // one with nowhere to go is disabled.
  const times = await marks.locator("line").evaluateAll((lines) => lines.map((l) => Number(l.dataset.at)));
  const previous = page.getByRole("button", { name: "← Previous mark" });
  const next = page.getByRole("button", { name: "Next mark →" });
  await previous.focus();
  await page.keyboard.press("Enter");
  assert.equal(await clockMs(page), Math.max(...times.filter((t) => t < crashAt)));
  await next.focus();
  await page.keyboard.press("Enter");
  assert.equal(await clockMs(page), crashAt);
  // Back to the first mark by keyboard: Previous is then disabled, and keeps the focus.
  await previous.focus();
  for (let i = 0; i < times.length && (await clockMs(page)) > Math.min(...times); i++) {
    await page.keyboard.press("Enter");
  }
  assert.equal(await clockMs(page), Math.min(...times));
  assert.equal(await previous.getAttribute("aria-disabled"), "true");
  assert.equal(await next.getAttribute("aria-disabled"), "false");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent.trim()), "← Previous mark");
  // The arrow keys move the timeline by a hundredth of the run.
  const step = Math.max(1, Math.floor(Number(await timeline.getAttribute("max")) / 100));
  const from = await clockMs(page);
  await timeline.focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  assert.equal(await clockMs(page), from + 2 * step);
  await page.keyboard.press("ArrowLeft");
  assert.equal(await clockMs(page), from + step);
  // Latest goes back to the newest moment of the run, where it is disabled.
  const latest = page.getByRole("button", { name: "Latest →|" });
  const newest = Number(await timeline.getAttribute("max"));
  assert.ok(newest > Math.min(...times));
  assert.equal(await latest.getAttribute("aria-disabled"), "false");
  await latest.click();
  assert.equal(await clockMs(page), newest);
  assert.equal(await latest.getAttribute("aria-disabled"), "true");
  assert.deepEqual(errors, []);
  await page.close();
});

test("acting at an earlier moment says what it dropped, and Undo brings the run back", async () => {
  const { page, errors } = await openPage(browser);
  await page.getByRole("slider", { name: "Speed" }).fill("8"); // 100×
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.waitForFunction(() => document.querySelector('[role="timer"]').textContent >= "00:20.000");
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  const timeline = page.getByRole("slider", { name: "Timeline" });
  const newest = Number(await timeline.getAttribute("max"));
  await timeline.fill(String(Math.floor(newest / 2)));
  const at = await clockMs(page);
  await page.getByRole("button", { name: "Produce", exact: true }).click();
  const banner = page.locator(".notice .banner", { hasText: "started the run again" });
  await banner.waitFor();
  const text = await banner.textContent();
  assert.ok(text.includes(`Acting at ${await page.getByRole("timer").textContent()}`), text);
  assert.equal(Number(await timeline.getAttribute("max")), at, "the run now ends where the action was taken");
  await banner.getByRole("button", { name: "Undo" }).click();
  await banner.waitFor({ state: "detached" });
  assert.equal(Number(await timeline.getAttribute("max")), newest, "the dropped part is back");
  assert.equal(await clockMs(page), at);
  assert.deepEqual(errors, []);
  await page.close();
});

test("offsets reset only while the group is Empty, with a Before → After preview, to the earliest, an offset or a time", async () => {
  const { page, errors } = await openPage(browser);
  await page.getByRole("slider", { name: "Speed" }).fill("8"); // 100×
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.getByText("Stable", { exact: true }).first().waitFor();
  await page.waitForTimeout(300);
  await page.getByRole("tab", { name: "Group settings" }).click();
  const reset = page.getByRole("button", { name: "Reset offsets of group-a" });
  assert.equal(await reset.isDisabled(), true, "a Stable group cannot be reset");
  await page.getByText(/^Kafka resets offsets only while the group is Empty \(it is Stable now\)/).waitFor();
  await page.getByRole("tab", { name: "Consumer groups" }).click();
  await page.getByRole("button", { name: "Remove group-a-1" }).click();
  // Remove's button is replaced by Restart: the focus moves on to it, as after Crash.
  await page.waitForFunction(() => document.activeElement?.textContent === "Restart group-a-1");
  await page.getByRole("button", { name: "Remove group-a-2" }).click();
  await page.getByText("Empty", { exact: true }).first().waitFor();
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  await page.getByRole("tab", { name: "Group settings" }).click();
  await page.getByRole("combobox", { name: "Reset offsets of group-a to" }).selectOption("earliest");
  const preview = page.getByRole("table", { name: "Offset reset preview of group-a" });
  await preview.getByRole("row").nth(3).waitFor();
  const after = await preview.locator("tbody td:nth-child(3)").allTextContents();
  assert.deepEqual(after, ["0", "0", "0"], "--to-earliest goes to the log start offset");
  // --to-offset and --to-datetime take a number, and only they show its field; one that is
  // not a number says why.
  assert.equal(await page.locator(".reset input[type=number]").isVisible(), false);
  await page.getByRole("combobox", { name: "Reset offsets of group-a to" }).selectOption("time");
  const amount = page.getByRole("spinbutton", { name: "Virtual time, s" });
  await amount.fill("-1");
  await page.getByText("--to-datetime takes seconds of the run from 0, such as 12.5, not “-1”").waitFor();
  await page.getByRole("combobox", { name: "Reset offsets of group-a to" }).selectOption("offset");
  await page.getByRole("spinbutton", { name: "Offset" }).fill("2");
  await page.waitForFunction(
    () => [...document.querySelectorAll('table[aria-label="Offset reset preview of group-a"] tbody td:nth-child(3)')].map((td) => td.textContent).join() === "2,2,2",
  );
  await reset.click();
  await page.getByRole("tab", { name: "Consumer groups" }).click();
  const offsets = await page
    .getByRole("table", { name: "Consumer group group-a" })
    .locator("tbody td:nth-child(4)")
    .allTextContents();
  assert.deepEqual(offsets, ["2", "2", "2"]);
  assert.deepEqual(errors, []);
  await page.close();
});

test("adding partitions grows the topic; Kafka never shrinks one", async () => {
  const { page, errors } = await openPage(browser);
  assert.equal(await page.getByRole("textbox", { name: "Partitions (now 3)" }).inputValue(), "4");
  await page.getByRole("textbox", { name: "Partitions" }).fill("5");
  await page.getByRole("button", { name: "Add partitions" }).click();
  await page.getByRole("list", { name: "order-events-4", exact: true }).waitFor({ state: "attached" });
  await page.getByRole("textbox", { name: "Partitions (now 5)" }).waitFor();
  await page.getByRole("textbox", { name: "Partitions" }).fill("2");
  await page.getByRole("button", { name: "Add partitions" }).click();
  const alert = page.getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.textContent(), /can only add partitions/);
  // Past the field's maximum the page answers itself (no browser tooltip beside an old alert).
  await page.getByRole("textbox", { name: "Partitions" }).fill("65");
  await page.getByRole("button", { name: "Add partitions" }).click();
  await page.getByRole("alert").filter({ hasText: "65" }).waitFor();
  assert.doesNotMatch(await alert.textContent(), /can only add partitions/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the event log filters its lines", async () => {
  const { page, errors } = await openPage(browser);
  await page.getByRole("slider", { name: "Speed" }).fill("8"); // 100×
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.getByText("Stable", { exact: true }).first().waitFor();
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  await page.getByRole("tab", { name: "Event log" }).click();
  const log = page.getByRole("list", { name: "Event log" });
  await log.getByRole("listitem").first().waitFor();
  await page.getByRole("searchbox", { name: "Filter" }).fill("group-a-2 joined");
  const lines = await log.getByRole("listitem").allTextContents();
  assert.ok(lines.length >= 1, "the join is in the log");
  assert.ok(lines.every((l) => l.includes("group-a-2 joined")), lines.join("\n"));
  assert.deepEqual(errors, []);
  await page.close();
});

/** Boxes of the diagram's group column: each group's frame and the texts drawn in it. */
const groupColumn = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll(".diagram-svg g.group")].map((g) => {
      const box = (el) => {
        const r = el.getBoundingClientRect();
        // The drawn text only: a <title> child is the tooltip.
        const text = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.data).join("");
        return { text, left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      };
      return {
        frame: box(g.querySelector("rect.group-box")),
        header: [...g.querySelectorAll(":scope > g.pick > text")].map(box),
        note: [...g.querySelectorAll(":scope > text")].map(box),
        consumers: [...g.querySelectorAll("g.consumer")].map((c) => ({
          frame: box(c.querySelector("rect")),
          texts: [...c.querySelectorAll(":scope > text")].map(box),
          name: c.getAttribute("aria-label"),
        })),
      };
    }),
  );

const inside = (a, b) =>
  a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
const apart = (a, b) =>
  a.right <= b.left + 0.5 || b.right <= a.left + 0.5 || a.bottom <= b.top + 0.5 || b.bottom <= a.top + 0.5;

test("long names and a group's state stay inside their boxes without overlapping", async () => {
  const topic = "customer-order-lifecycle-events-v2-production";
  const scenario = {
    version: 1,
    name: "long names",
    seed: 7,
    topics: [{ name: topic, partitions: 12 }],
    producers: [{ name: "checkout-orchestrator-service-eu-west", topic, keys: { type: "key_space", prefix: "order-", count: 50 }, rate_per_sec: 1 }],
    groups: [
      { id: "payments-reconciliation-consumer-group", topics: [topic], consumers: 1 },
      { id: "g2", topics: [topic], consumers: 2 },
      { id: "standby", topics: [topic], consumers: 0 },
    ],
    script: [],
  };
  const { page, errors } = await openPage(browser, `${BASE_URL}#${linkFor(scenario)}`);
  const check = async (when) => {
    for (const g of await groupColumn(page)) {
      for (const t of [...g.header, ...g.note]) assert.ok(inside(t, g.frame), `${when}: "${t.text}" inside its group's box`);
      assert.deepEqual(g.note.map((t) => t.text), g.consumers.length ? [] : ["no consumers"], `${when}: an empty group says so`);
      assert.ok(apart(g.header[0], g.header[1]), `${when}: the group's name and "${g.header[1].text}" apart`);
      for (const c of g.consumers) {
        for (const t of c.texts) assert.ok(inside(t, c.frame), `${when}: "${t.text}" inside ${c.name}'s box`);
        assert.ok(apart(c.texts[0], c.texts[1]), `${when}: ${c.name}: "${c.texts[0].text}" and "${c.texts[1].text}" apart`);
      }
    }
  };
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.getByText("PreparingRebalance · gen 0").first().waitFor();
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  await check("rebalancing");
  const [first] = await groupColumn(page);
  assert.equal(first.header[0].text, "payments-…er-group", "the long group name is cut in the middle");
  assert.match(first.consumers[0].texts[0].text, /^paymen.*….*-1$/, "and so is its consumer's, keeping its number");
  await page.getByRole("slider", { name: "Speed" }).fill("8"); // 100×
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.getByText("Stable · gen 1").first().waitFor();
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  await check("stable");
  const owner = (await groupColumn(page))[0].consumers[0];
  assert.equal(owner.texts[1].text, "P0–11", "one consumer's twelve partitions as a run");
  assert.deepEqual(errors, []);
  await page.close();
});

test("on a phone the diagram comes first and nothing but the diagram and tabs scroll sideways", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const errors = [];
  page.on("pageerror", (err) => errors.push(String(err)));
  await page.goto(BASE_URL);
  const diagram = page.getByRole("region", { name: "Cluster" });
  await diagram.getByRole("list", { name: "order-events-0", exact: true }).waitFor({ state: "attached" });
  const top = async (locator) => (await locator.boundingBox()).y;
  assert.ok(
    (await top(diagram)) < (await top(page.getByRole("complementary", { name: "Act" }))),
    "the diagram is above the act panel",
  );
  const pageWidth = await page.evaluate(() => document.scrollingElement.scrollWidth);
  assert.ok(pageWidth <= 390, `the page itself is ${pageWidth} px wide`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("on a phone what a lesson asks for is in reach: Play floats, a pick shows the Inspector, targets fit a finger", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const errors = [];
  page.on("pageerror", (err) => errors.push(String(err)));
  await page.goto(`${BASE_URL}#lesson=sync-vs-async&step=2`);
  const latency = page.getByRole("spinbutton", { name: "Latency of inventory-service in ms" });
  await latency.waitFor();
  // Play floats at the corner only once the header has scrolled away, and only for fingers:
  // keyboards and screen readers have the header's one.
  const float = page.locator(".play-float");
  assert.equal(await float.isVisible(), false, "at the top the header's Play is in view");
  await latency.scrollIntoViewIfNeeded();
  await float.waitFor({ state: "visible" });
  const box = await float.boundingBox();
  assert.ok(box.y + box.height <= 844 && box.x + box.width <= 390, "in the screen's corner");
  const clock = page.getByRole("timer");
  const before = await clock.textContent();
  await float.tap();
  await page.waitForFunction((b) => document.querySelector("[role=timer]").textContent !== b, before);
  assert.equal((await float.textContent()).trim(), "Pause");
  await float.tap();
  assert.equal(await page.getByRole("button", { name: /^(Play|Pause)$/ }).count(), 1);
  // The chain runs down the screen, inside it.
  const cards = await page.locator(".chain .service").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right));
  assert.ok(cards.length >= 4 && cards.every((r) => r <= 390), `chain cards end at ${cards}`);
  // Every visible control is at least 36 px tall, sliders included.
  const small = await page.evaluate(() =>
    [...document.querySelectorAll("button, select, input:not([type=checkbox], [type=radio])")]
      .filter((e) => e.getClientRects().length && e.getBoundingClientRect().height < 35.5)
      .map((e) => e.outerHTML.slice(0, 80)),
  );
  assert.deepEqual(small, []);
  // A consumer tapped in the diagram brings the Inspector, far below, into view.
  await page.evaluate(() => window.scrollTo(0, 0));
  const consumer = page.getByRole("button", { name: "Consumer inventory-1" });
  await consumer.scrollIntoViewIfNeeded();
  await consumer.tap();
  const heading = page.getByRole("region", { name: "Inspector" }).getByRole("heading", { name: "Consumer inventory-1" });
  await heading.waitFor();
  await page.waitForFunction(() => {
    const top = document.querySelector(".inspector").getBoundingClientRect().top;
    return top >= -1 && top < innerHeight / 2;
  });
  // The share box opens inside the screen.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.getByRole("button", { name: "Share link" }).tap();
  const share = await page.locator(".share-box").boundingBox();
  assert.ok(share.x >= 0 && share.x + share.width <= 390, `the share box spans ${share.x}–${share.x + share.width}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a line says the diagram scrolls sideways exactly when its panel is too narrow for it", async () => {
  const { page, errors } = await openPage(browser);
  const cue = page.getByText("Scroll sideways for the whole diagram →");
  // From a 1024 px tablet up, the page gives the diagram its least width: only a phone scrolls.
  for (const width of [390, 1000, 1100, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    const panel = page.getByRole("region", { name: "Cluster" });
    const wide = (el) => el.scrollWidth > el.clientWidth + 1;
    const scrolls = await panel.locator(".diagram-wrap").evaluate(wide);
    assert.equal(await cue.isVisible(), scrolls, `at ${width} px the diagram ${scrolls ? "scrolls" : "does not scroll"}`);
    assert.equal(scrolls, width === 390, `at ${width} px`);
    // Only the drawing scrolls: the timeline and the cards under it stay where they are.
    assert.equal(await panel.evaluate(wide), false, `at ${width} px the whole panel scrolls`);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test("a partition count typed key by key is read as typed: -5 is refused, not 45", async () => {
  const { page, errors } = await openPage(browser);
  const field = page.getByRole("textbox", { name: "Partitions (now 3)" });
  await field.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.press("Backspace");
  assert.equal(await field.inputValue(), "", "a cleared field stays empty");
  await page.keyboard.type("-5");
  assert.equal(await field.inputValue(), "-5");
  await page.keyboard.press("Enter");
  await page.getByRole("alert").filter({ hasText: "a topic has 1 to 64 partitions, not -5" }).waitFor();
  assert.equal(await page.getByRole("list", { name: /^order-events-\d+$/ }).count(), 3);
  // Untouched, the field offers one partition more, and Add takes it.
  await page.reload();
  await page.getByRole("button", { name: "Add partitions" }).click();
  await page.getByRole("list", { name: "order-events-3", exact: true }).waitFor({ state: "attached" });
  await page.getByRole("textbox", { name: "Partitions (now 4)" }).waitFor();
  assert.equal(await page.getByRole("textbox", { name: "Partitions (now 4)" }).inputValue(), "5");
  assert.deepEqual(errors, []);
  await page.close();
});

test("on a wide screen the header stays in view while the tabs are read", async () => {
  const { page, errors } = await openPage(browser);
  await page.getByRole("tab", { name: "Event log" }).click();
  await page.getByRole("tabpanel").scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollTo(0, document.scrollingElement.scrollHeight));
  assert.ok(await page.evaluate(() => window.scrollY) > 200, "the page scrolled");
  const play = await page.getByRole("button", { name: "Play", exact: true }).boundingBox();
  assert.ok(play.y >= 0 && play.y < 60, `Play is at ${play.y}`);
  // A notice sticks under the header, not behind it.
  await page.getByRole("textbox", { name: "Partitions" }).fill("-5");
  await page.getByRole("button", { name: "Add partitions" }).click();
  const banner = page.locator(".notice .banner");
  await banner.waitFor();
  await page.evaluate(() => window.scrollTo(0, document.scrollingElement.scrollHeight));
  const header = await page.locator(".app-header").boundingBox();
  const notice = await banner.boundingBox();
  assert.equal(header.y, 0);
  assert.ok(notice.y >= header.y + header.height - 1, `notice at ${notice.y}, header ends at ${header.y + header.height}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a producer's focus ring outlines its box, not its edge to the cluster", async () => {
  const { page, errors } = await openPage(browser);
  const producer = page.getByRole("button", { name: "Producer order-service" });
  const [shape, box] = await Promise.all([producer.boundingBox(), producer.locator("rect").boundingBox()]);
  assert.ok(Math.abs(shape.width - box.width) < 1, `${shape.width} wide around a ${box.width} box`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the header's panels open one at a time and close on a press elsewhere or Escape", async () => {
  const { page, errors } = await openPage(browser);
  const shareBox = page.getByRole("textbox", { name: "Share link address" });
  const lessons = page.getByRole("dialog", { name: "Lessons" });
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await page.getByRole("button", { name: "Share link" }).click();
  await shareBox.waitFor();
  await page.getByRole("button", { name: "Lessons" }).click();
  await lessons.waitFor();
  assert.equal(await shareBox.count(), 0, "opening the lessons closed the share box");
  await page.getByRole("region", { name: "Cluster" }).click({ position: { x: 5, y: 5 } });
  await lessons.waitFor({ state: "detached" });
  await page.getByRole("button", { name: "Keyboard shortcuts" }).click();
  await help.waitFor();
  await page.keyboard.press("Escape");
  await help.waitFor({ state: "detached" });
  // The share box opens again, and a press inside it leaves it open.
  await page.getByRole("button", { name: "Share link" }).click();
  await shareBox.click();
  assert.equal(await shareBox.count(), 1);
  assert.deepEqual(errors, []);
  await page.close();
});
