// End to end: the charts draw each group's lag and the throughput over the run, and follow
// the timeline back.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { launch, openPage, BASE_URL } from "./browser.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const pointCount = (page, name) =>
  page
    .getByRole("img", { name })
    .locator("polyline")
    .first()
    .evaluate((p) => p.getAttribute("points").trim().split(/\s+/).length);

test("lag per group and throughput are charted over the run and follow a scrub back", async () => {
  const { page, errors } = await openPage(browser);
  await page.getByRole("slider", { name: "Speed" }).fill("8"); // 100×
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.waitForFunction(() => document.querySelector('[role="timer"]').textContent >= "00:30.000");
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  await page.getByRole("tab", { name: "Charts" }).click();
  const lag = page.getByRole("img", { name: /^Lag per consumer group \(records\): now group-a \d+/ });
  await lag.waitFor();
  const throughput = page.getByRole("img", { name: /^Throughput \(records\/s produced\): now all topics \d+/ });
  await throughput.waitFor();
  const perPartition = page.getByRole("img", {
    name: /^Lag per partition of group-a \(records\): now order-events-0 \d+, order-events-1 \d+, order-events-2 \d+;/,
  });
  await perPartition.waitFor();
  assert.equal(await perPartition.locator("polyline").count(), 3);
  assert.equal(await page.getByRole("combobox", { name: /Lag per partition of group/ }).inputValue(), "group-a");
  // On a wide screen the charts sit side by side, not in one narrow column.
  const [lagBox, partitionBox] = [await lag.boundingBox(), await perPartition.boundingBox()];
  assert.ok(partitionBox.x > lagBox.x + lagBox.width, "the second chart is right of the first");
  assert.ok(partitionBox.y < lagBox.y + lagBox.height, "the two share a row");
  // At 100× a frame covers more than a virtual second: at least one sample per frame.
  const before = await pointCount(page, /^Lag per consumer group/);
  assert.ok(before >= 15, `${before} samples over 30 s`);
  mkdirSync("tests/e2e/output", { recursive: true });
  await page.screenshot({ path: "tests/e2e/output/charts.png", fullPage: true });
  await page.getByRole("slider", { name: "Timeline" }).fill("10000");
  const after = await pointCount(page, /^Lag per consumer group/);
  assert.ok(after < before && after >= 3, `${after} of ${before} samples after scrubbing back to 10 s`);
  const axisEnd = await lag.locator("text").last().textContent();
  assert.ok(axisEnd <= "00:10.000", `the time axis ends at ${axisEnd}`);
  // Forward again to the newest moment, the samples come back with it.
  await page.getByRole("slider", { name: "Timeline" }).press("End");
  await page.waitForFunction((n) => {
    const line = [...document.querySelectorAll('[role="img"]')].find((e) => e.getAttribute("aria-label")?.startsWith("Lag per consumer group"))?.querySelector("polyline");
    return line && line.getAttribute("points").trim().split(/\s+/).length === n;
  }, before);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a run opened at a later moment has its charts from the start", async () => {
  // A lesson step opened by its address replays the run to its moment.
  const { page, errors } = await openPage(browser, `${BASE_URL}#lesson=interview-failures&step=2`);
  await page.getByRole("tab", { name: "Charts" }).click();
  const points = await pointCount(page, /^Lag per consumer group/);
  assert.ok(points >= 80, `${points} samples over the 90 s the step opens at`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a shared run opens on the sender's tab and draws the same charts, however its frames fell", async () => {
  const { page, errors } = await openPage(browser);
  await page.getByRole("slider", { name: "Speed" }).fill("6"); // 10×
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.waitForFunction(() => document.querySelector('[role="timer"]').textContent >= "00:12.000");
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  const charts = async (p) => {
    await p.getByRole("tab", { name: "Charts" }).click();
    await p.locator(".charts polyline").first().waitFor();
    return p.locator(".charts svg").evaluateAll((svgs) =>
      svgs.map((svg) => [...svg.querySelectorAll("polyline, text")].map((e) => e.getAttribute("points") ?? e.textContent)),
    );
  };
  const sent = await charts(page);
  await page.getByRole("button", { name: "Share link" }).click();
  const link = await page.getByRole("textbox", { name: "Share link address" }).inputValue();
  assert.match(link, /#k1\.[^&]+&tab=charts$/);
  const opened = await openPage(browser, link);
  const tab = opened.page.getByRole("tab", { name: "Charts" });
  await opened.page.locator(".charts polyline").first().waitFor();
  assert.equal(await tab.getAttribute("aria-selected"), "true", "the link opens on the Charts tab");
  assert.deepEqual(await charts(opened.page), sent);
  assert.deepEqual(errors, []);
  assert.deepEqual(opened.errors, []);
  await page.close();
  await opened.page.close();
});
