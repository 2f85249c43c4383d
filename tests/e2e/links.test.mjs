// End to end: share links. "Share link" puts the run into the address and copies it; opening
// the link replays the same run, actions included, to the same moment. A link that cannot be
// opened shows an alert and the default scenario, never a blank page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { launch, openPage, linkFor, BASE_URL } from "./browser.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** What a user sees of the run: the clock, every drawn record, the group table. */
const visibleRun = (page) =>
  page.evaluate(() => ({
    clock: document.querySelector('[role="timer"]').textContent,
    records: [...document.querySelectorAll('svg [role="listitem"]')].map((e) =>
      e.getAttribute("aria-label"),
    ),
    group: document.querySelector('table[aria-label="Consumer group group-a"]')?.innerText,
  }));

test("Share link replays the same run, actions included, to the same moment", async () => {
  const { page, errors } = await openPage(browser);
  await page.getByRole("slider", { name: "Speed" }).fill("8"); // 100×
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.getByText("Stable", { exact: true }).first().waitFor();
  await page.waitForTimeout(300);
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  // Two actions the link must carry: a crash and a hand-made record.
  await page.getByRole("button", { name: "Crash group-a-1" }).click();
  await page.getByRole("textbox", { name: "Key" }).fill("shared-key");
  await page.getByRole("button", { name: "Produce", exact: true }).click();
  for (let i = 0; i < 5; i++) await page.getByRole("button", { name: "Step", exact: true }).click();
  const before = await visibleRun(page);
  assert.ok(before.records.some((r) => r.includes("key shared-key")), "the record is drawn");

  await page.getByRole("button", { name: "Share link" }).click();
  const link = await page.getByRole("textbox", { name: "Share link address" }).inputValue();
  assert.ok(link.startsWith(`${BASE_URL}#k1.`), link.slice(0, 60));
  assert.match(await page.locator(".share-box [role=status]").textContent(), /Link copied|Copy the link/);
  assert.equal(await page.evaluate(() => location.href), link, "the address holds the link");

  const opened = await openPage(browser, link);
  await opened.page.getByRole("timer", { name: "Simulation time" }).waitFor();
  assert.deepEqual(await visibleRun(opened.page), before);
  assert.equal(await opened.page.getByRole("alert").count(), 0, "no error for a good link");
  assert.deepEqual(errors, []);
  assert.deepEqual(opened.errors, []);

  // A lesson that is not there leaves the run shown, and the alert says that is what it is.
  const unknown = await openPage(browser, `${link}&lesson=no-such-lesson&step=2`);
  const alert = unknown.page.getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.textContent(), /no lesson "no-such-lesson"\. The link's run is shown, without the lesson\./);
  assert.deepEqual(await visibleRun(unknown.page), before);
  await page.close();
  await opened.page.close();
  await unknown.page.close();
});

test("a link shared during a lesson opens the same run at the same lesson step", async () => {
  const { page, errors } = await openPage(browser, `${BASE_URL}#lesson=produce-consume&step=4`);
  const title = await page.locator(".lesson h3").textContent();
  await page.getByRole("slider", { name: "Speed" }).fill("8"); // 100×
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.waitForTimeout(300);
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  await page.getByRole("textbox", { name: "Key" }).fill("teacher-key");
  await page.getByRole("button", { name: "Produce", exact: true }).click();
  const before = await visibleRun(page);
  await page.getByRole("button", { name: "Share link" }).click();
  const link = await page.getByRole("textbox", { name: "Share link address" }).inputValue();
  assert.match(link, /#k1\.[^&]+&lesson=produce-consume&step=4$/);

  const opened = await openPage(browser, link);
  await opened.page.getByRole("heading", { name: title }).waitFor();
  assert.match(await opened.page.locator(".lesson-head .hint").textContent(), /^Step 4 of \d+$/);
  assert.deepEqual(await visibleRun(opened.page), before, "the run as shared, not the step's start");
  assert.equal(await opened.page.getByRole("alert").count(), 0);
  // The student's actions keep both the run and the step in the address.
  await opened.page.getByRole("button", { name: "Step", exact: true }).click();
  await opened.page.getByRole("textbox", { name: "Key" }).fill("student-key");
  await opened.page.getByRole("button", { name: "Produce", exact: true }).click();
  assert.match(await opened.page.evaluate(() => location.hash), /^#k1\.[^&]+&lesson=produce-consume&step=4$/);
  assert.deepEqual(errors, []);
  assert.deepEqual(opened.errors, []);
  await page.close();
  await opened.page.close();
});

test("a link shared at 00:00.000 opens the same moment: what happened at time 0 has happened", async () => {
  // A lesson's first step runs the events of time 0 (the consumers' first JoinGroup); the
  // link it shares must show them too, as must a scrub back to the start.
  const { page, errors } = await openPage(browser, `${BASE_URL}#lesson=produce-consume&step=1`);
  await page.locator(".lesson h3").waitFor();
  const seen = (p) =>
    p.evaluate(() => ({
      clock: document.querySelector('[role="timer"]').textContent,
      consumers: [...document.querySelectorAll(".diagram-svg .consumer")].map((c) => c.textContent),
      tables: [...document.querySelectorAll('table[aria-label^="Consumer group "]')].map((t) => t.innerText),
    }));
  const before = await seen(page);
  assert.equal(before.clock, "00:00.000");
  assert.ok(before.consumers.length > 0 && before.consumers.every((c) => c.includes("joining")), before.consumers.join(" | "));
  await page.getByRole("button", { name: "Share link" }).click();
  const link = await page.getByRole("textbox", { name: "Share link address" }).inputValue();
  const opened = await openPage(browser, link);
  await opened.page.locator(".lesson h3").waitFor();
  assert.deepEqual(await seen(opened.page), before);
  assert.deepEqual(errors, []);
  assert.deepEqual(opened.errors, []);
  await page.close();
  await opened.page.close();
});

test("a link shared while scrubbed back opens at that moment with the whole timeline after it", async () => {
  const { page, errors } = await openPage(browser);
  await page.getByRole("slider", { name: "Speed" }).fill("8"); // 100×
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.getByText("Stable", { exact: true }).first().waitFor();
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  await page.getByRole("button", { name: "Crash group-a-1" }).click();
  for (let i = 0; i < 20; i++) await page.getByRole("button", { name: "Step", exact: true }).click();
  const timeline = page.getByRole("slider", { name: "Timeline" });
  const newest = await timeline.getAttribute("max");
  const marks = page.getByRole("img", { name: /^Marks on the timeline/ });
  const crashAt = Number(await marks.locator("line.crash").getAttribute("data-at"));
  await timeline.fill(String(crashAt - 500));
  const before = await visibleRun(page);
  await page.getByRole("button", { name: "Share link" }).click();
  const link = await page.getByRole("textbox", { name: "Share link address" }).inputValue();

  const opened = await openPage(browser, link);
  await opened.page.getByRole("timer", { name: "Simulation time" }).waitFor();
  assert.deepEqual(await visibleRun(opened.page), before);
  assert.equal(await opened.page.getByRole("slider", { name: "Timeline" }).getAttribute("max"), newest);
  assert.match(
    await opened.page.getByRole("img", { name: /^Marks on the timeline/ }).getAttribute("aria-label"),
    /: 1 crashed,/,
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(opened.errors, []);
  await page.close();
  await opened.page.close();
});

test("a link to a run bigger than the page keeps opens at its moment; Play says why it stops", async () => {
  // 100 000 records a second and no retention: past 4 000 000 records the page stops the run
  // instead of growing until the browser refuses memory.
  const link = linkFor({
    version: 1,
    seed: 5,
    topics: [{ name: "t", partitions: 1 }],
    producers: [{ name: "p", topic: "t", keys: { type: "null" }, rate_per_sec: 100000 }],
    open_at_ms: 1000,
    played_to_ms: 86_400_000,
  });
  const { page, errors } = await openPage(browser, `${BASE_URL}#${link}`);
  const alert = page.getByRole("alert").filter({ hasText: "as many as this page keeps" });
  await alert.waitFor();
  assert.match(await alert.textContent(), /the run holds more than 4000000 records/);
  assert.equal(await page.getByRole("timer", { name: "Simulation time" }).textContent(), "00:01.000");
  const end = Number(await page.getByRole("slider", { name: "Timeline" }).getAttribute("max"));
  assert.ok(end > 1000 && end < 86_400_000, `the timeline ends at ${end}`);
  // From the end of the timeline, Play says the same and does not start.
  await page.getByRole("slider", { name: "Timeline" }).press("End");
  assert.equal(Number(await page.getByRole("slider", { name: "Timeline" }).inputValue()), end);
  await page.getByRole("button", { name: "Dismiss" }).click();
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await alert.waitFor();
  assert.equal(await page.getByRole("button", { name: "Pause", exact: true }).count(), 0);
  assert.equal(await page.locator(".panic-panel").count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a link to another scenario opens it: its own topic and group", async () => {
  const link = linkFor({
    version: 1,
    name: "payments",
    seed: 7,
    topics: [{ name: "payments", partitions: 2 }],
    producers: [
      { name: "checkout", topic: "payments", keys: { type: "fixed", keys: ["p-1"] }, rate_per_sec: 4 },
    ],
    groups: [{ id: "ledger", topics: ["payments"], consumers: 1 }],
    open_at_ms: 20000,
  });
  const { page, errors } = await openPage(browser, `${BASE_URL}#${link}`);
  await page.getByRole("list", { name: "payments-1", exact: true }).waitFor({ state: "attached" });
  assert.equal(await page.getByRole("timer").textContent(), "00:20.000");
  await page.getByRole("table", { name: "Consumer group ledger" }).waitFor();
  assert.match(await page.getByRole("heading", { name: /Produce to/ }).textContent(), /payments/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("acting in a run opened from a link keeps the address on the run: a reload shows the action", async () => {
  const link = linkFor({
    version: 1,
    name: "ledger",
    seed: 7,
    topics: [{ name: "payments", partitions: 2 }],
    groups: [{ id: "ledger", topics: ["payments"], consumers: 1 }],
    open_at_ms: 5000,
  });
  const { page, errors } = await openPage(browser, `${BASE_URL}#${link}`);
  await page.getByRole("list", { name: "payments-1", exact: true }).waitFor({ state: "attached" });
  await page.getByRole("textbox", { name: "Key" }).fill("after-opening");
  await page.getByRole("button", { name: "Produce", exact: true }).click();
  const cell = page.locator('svg [role="listitem"][aria-label$="key after-opening"]');
  await cell.waitFor();
  const address = await page.evaluate(() => location.hash);
  assert.ok(address.startsWith("#k1.") && address !== `#${link}`, "the address holds the run as it is now");
  await page.reload();
  await page.getByRole("list", { name: "payments-1", exact: true }).waitFor({ state: "attached" });
  assert.equal(await cell.count(), 1, "the reloaded page replays the action");
  // A lesson's address is its own: acting in a lesson leaves it alone.
  const lesson = await openPage(browser, `${BASE_URL}#lesson=ordering&step=1`);
  await lesson.page.getByRole("region", { name: "Lesson" }).waitFor();
  await lesson.page.getByRole("button", { name: "Produce", exact: true }).click();
  assert.equal(await lesson.page.evaluate(() => location.hash), "#lesson=ordering&step=1");
  assert.deepEqual(errors, []);
  assert.deepEqual(lesson.errors, []);
  await page.close();
  await lesson.page.close();
});

const good = linkFor({ version: 1, seed: 3, topics: [{ name: "t", partitions: 1 }] });
const bomb = "k1." + deflateSync(Buffer.alloc(3 << 20, 0x20), { level: 9 }).toString("base64url");
const broken = [
  ["a link cut short", good.slice(0, Math.floor(good.length / 2)), /cut short/],
  ["a corrupted link", good.slice(0, 20) + (good[20] === "A" ? "B" : "A") + good.slice(21), /corrupted|damaged|cut short/],
  ["a link from a newer playground", "k9.eJwrSS0uAQAEXQHB", /newer version of the playground/],
  ["text that is not a link", "hello", /not a playground link/],
  ["an oversized link", "k1." + "A".repeat(40000), /characters long; the limit is/],
  ["a decompression bomb", bomb, /inflates to more than/],
  ["a link to an invalid scenario", linkFor({ version: 1, topics: [{ name: "t", partitions: 500 }] }), /partitions/],
];

for (const [what, fragment, message] of broken) {
  test(`${what} shows an alert and the default scenario`, async () => {
    const { page, errors } = await openPage(browser, `${BASE_URL}#${fragment}`);
    const alert = page.getByRole("alert");
    await alert.waitFor();
    const text = await alert.textContent();
    assert.match(text, /could not be opened/);
    assert.match(text, message);
    assert.match(text, /default scenario is shown instead/);
    await page.getByRole("list", { name: "order-events-0", exact: true }).waitFor({ state: "attached" });
    // The page works: Play runs the default scenario.
    await page.getByRole("button", { name: "Play", exact: true }).click();
    await page.getByRole("button", { name: "Pause", exact: true }).waitFor();
    await page.getByRole("button", { name: "Dismiss" }).click();
    assert.equal(await page.getByRole("alert").count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test("a run past a link's limits is not shared: an alert says why", async () => {
  // One record every 1,000 s, opened at the one-day limit: one Step goes past it.
  const link = linkFor({
    version: 1,
    seed: 5,
    topics: [{ name: "t", partitions: 1 }],
    producers: [{ name: "slow", topic: "t", keys: { type: "null" }, rate_per_sec: 0.001 }],
    open_at_ms: 86400000,
  });
  const { page, errors } = await openPage(browser, `${BASE_URL}#${link}`);
  await page.getByRole("list", { name: "t-0", exact: true }).waitFor({ state: "attached" });
  await page.getByRole("button", { name: "Step", exact: true }).click();
  await page.getByRole("button", { name: "Share link" }).click();
  const alert = page.getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.textContent(), /cannot be shared as a link: .*past the limit/);
  assert.equal(await page.getByRole("textbox", { name: "Share link address" }).count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});
