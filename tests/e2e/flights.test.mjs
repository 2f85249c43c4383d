// End to end: records fly along the diagram's edges while the simulation runs (produced,
// fetched, committed), and not at all when the system asks for reduced motion.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage } from "./browser.mjs";

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
  const dot = page.locator(".flights-svg .flight.produce").first();
  assert.equal(await dot.evaluate((e) => getComputedStyle(e).animationName), "fly");
  assert.match(await dot.evaluate((e) => e.style.getPropertyValue("--d")), /^translate\(-?\d+(\.\d)?px,-?\d+(\.\d)?px\)$/);
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
