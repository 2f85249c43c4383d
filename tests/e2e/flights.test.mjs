// End to end: records fly along the diagram's edges while the simulation runs (produced,
// fetched, committed), and not at all when the system asks for reduced motion.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, BASE_URL } from "./browser.mjs";

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
  // Read the band in one task of the page: it goes when the back-off ends.
  const band = await page.waitForFunction(
    () => {
      const p = document.querySelector(".diagram-svg .partition.blocked");
      const records = p?.querySelector('[role="list"]');
      return p && { label: records?.getAttribute("aria-label"), title: p.querySelector("title")?.textContent ?? "" };
    },
    null,
    { timeout: 20_000 },
  );
  const { label, title } = await band.jsonValue();
  assert.match(label, /^order-events-\d+$/);
  // The band names the record the partition waits behind.
  assert.match(title, /^blocked: the listener failed on order-events-\d+ @ \d+, which is retried with back-off/);
  await page.locator(".diagram-wrap").screenshot({ path: "tests/e2e/output/blocked.png" });
  await page.getByRole("button", { name: "Pause", exact: true }).click();
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
