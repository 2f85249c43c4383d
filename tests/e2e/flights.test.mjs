// End to end: records fly along the diagram's edges while the simulation runs (produced,
// fetched, committed), and not at all when the system asks for reduced motion.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, BASE_URL, linkFor } from "./browser.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function play(page) {
  await page.getByRole("slider", { name: "Speed" }).fill("5"); // 5×
  await page.getByRole("button", { name: "Play", exact: true }).click();
}

test("produced, fetched and committed records fly along the edges while the run plays", async () => {
  const { page, errors } = await openPage(browser);
  assert.equal(await page.locator(".flights-svg .flight").count(), 0, "nothing flies while paused");
  await play(page);
  for (const kind of ["produce", "fetch", "commit"]) {
    await page.locator(`.flights-svg .flight.${kind}`).first().waitFor({ state: "attached" });
  }
  // Read one flying dot in a single task of the page: a dot leaves the DOM when it lands, and
  // a detached element's computed style is empty.
  const dot = await page.waitForFunction(() => {
    const d = document.querySelector(".flights-svg .flight.produce");
    return d && { animation: getComputedStyle(d).animationName, path: d.style.getPropertyValue("--d") };
  });
  const { animation, path } = await dot.jsonValue();
  assert.equal(animation, "fly");
  assert.match(path, /^translate\(-?\d+(\.\d)?px,-?\d+(\.\d)?px\)$/);
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  assert.deepEqual(errors, []);
  await page.close();
});

test("with reduced motion nothing flies, and the simulation still runs", async () => {
  const { page, errors } = await openPage(browser);
  await page.emulateMedia({ reducedMotion: "reduce" });
  await play(page);
  await page.waitForFunction(() => document.querySelector('[role="timer"]').textContent >= "00:03.000");
  const shown = await page.locator(".flights-svg .flight").evaluateAll(
    (dots) => dots.filter((d) => getComputedStyle(d).display !== "none").length,
  );
  assert.equal(shown, 0);
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  assert.deepEqual(errors, []);
  await page.close();
});

test("a partition whose consumer is backing off on a failing record is marked as blocked", async () => {
  // The lesson's listener fails on some records and retries them with back-off.
  const { page, errors } = await openPage(browser, `${BASE_URL}#lesson=error-handling&step=1`);
  assert.equal(await page.locator(".diagram-svg .partition.blocked").count(), 0);
  await play(page);
  // Read the bands in one task of the page: they go when the record is recovered.
  const bands = await page.waitForFunction(
    () => {
      const blocked = [...document.querySelectorAll(".diagram-svg .partition.blocked")].map((p) => ({
        label: p.querySelector('[role="list"]')?.getAttribute("aria-label"),
        title: p.querySelector("title")?.textContent ?? "",
      }));
      return blocked.some((b) => b.title.includes("the listener failed on")) && blocked;
    },
    null,
    { timeout: 20_000 },
  );
  const blocked = await bands.jsonValue();
  // The failing record's partition names the record it waits behind; while the back-off
  // sleeps, the consumer's other partitions wait for that record too (N5).
  const own = blocked.find((b) => b.title.includes("the listener failed on"));
  assert.match(own.label, /^order-events-\d+$/);
  const [, record] = own.title.match(/^blocked: the listener failed on (order-events-\d+ @ \d+), which is retried with back-off/);
  assert.equal(record.split(" @ ")[0], own.label);
  for (const other of blocked.filter((b) => b !== own)) {
    assert.match(other.title, /^blocked: (the listener failed on|its consumer's thread sleeps in the back-off for) order-events-\d+ @ \d+/);
  }
  await page.locator(".diagram-wrap").screenshot({ path: "tests/e2e/output/blocked.png" });
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  assert.deepEqual(errors, []);
  await page.close();
});

test("a record every poll fails at keeps its place in the strip while newer records arrive", async () => {
  // Without ErrorHandlingDeserializer a value that is not JSON stops the consumer at offset 10
  // for good, while the producer goes on writing.
  const scenario = {
    version: 1,
    name: "a value that cannot be deserialized",
    seed: 3,
    topics: [{ name: "order-events", partitions: 1 }],
    producers: [
      { name: "order-service", topic: "order-events", keys: { type: "key_space", prefix: "order-", count: 20 }, rate_per_sec: 5 },
    ],
    groups: [
      {
        id: "inventory",
        topics: ["order-events"],
        consumers: 1,
        config: { auto_offset_reset: "earliest", processing_time_ms: 20, listener: { value_format: { type: "json" } } },
      },
    ],
    script: [{ at_ms: 2000, command: { type: "produce", topic: "order-events", key: "order-13", value: "not json" } }],
    open_at_ms: 8000,
  };
  const { page, errors } = await openPage(browser, `${BASE_URL}#${linkFor(scenario)}`);
  const strip = page.locator('.diagram-svg .partition.blocked');
  const cells = strip.locator('[role="list"][aria-label="order-events-0"] [role="listitem"]');
  await cells.first().waitFor({ state: "attached" });
  const labels = await cells.evaluateAll((items) => items.map((c) => [c.getAttribute("aria-label"), c.getAttribute("class")]));
  assert.equal(labels.length, 11, JSON.stringify(labels));
  assert.equal(labels[0][0], "offset 10 key order-13, the partition waits behind it");
  assert.match(labels[0][1], /\bblocking\b/);
  // The rest are the newest records, up to the one before the Log End Offset.
  const leo = Number((await strip.locator(".leo tspan").nth(1).textContent()).replace("LEO ", ""));
  assert.ok(leo > 30, `LEO ${leo}`);
  assert.match(labels[10][0], new RegExp(`^offset ${leo - 1} key `));
  assert.ok(labels.slice(1).every(([, c]) => !c.includes("blocking")));
  assert.equal(await strip.locator(".seam title").textContent(), `offsets 11 to ${leo - 11} not drawn`);
  await page.locator(".diagram-wrap").screenshot({ path: "tests/e2e/output/blocking-record.png" });
  // Picked, the record says who is stuck on it.
  await cells.first().click();
  const groups = page
    .getByRole("region", { name: "Inspector" })
    .locator("dt")
    .getByText("Groups", { exact: true })
    .locator("xpath=following-sibling::dd[1]");
  assert.equal(
    (await groups.textContent()).trim(),
    "inventory: not committed past yet (group offset 10); inventory-1 is stuck: every poll fails at it",
  );
  assert.deepEqual(errors, []);
  await page.close();
});

test("at 100× and faster the edges pulse instead of carrying records", async () => {
  const { page, errors } = await openPage(browser);
  await page.getByRole("slider", { name: "Speed" }).fill("8"); // 100×
  await page.getByRole("button", { name: "Play", exact: true }).click();
  const wrap = page.locator(".diagram-wrap");
  await page.waitForFunction(() => document.querySelector(".diagram-wrap").classList.contains("fast"));
  assert.equal(await page.locator(".flights-svg").evaluate((e) => getComputedStyle(e).display), "none");
  assert.equal(await page.locator(".diagram-svg .edge").first().evaluate((e) => getComputedStyle(e).animationName), "pulse");
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  assert.equal(await wrap.evaluate((e) => e.classList.contains("fast")), false, "paused, nothing pulses");
  assert.deepEqual(errors, []);
  await page.close();
});
