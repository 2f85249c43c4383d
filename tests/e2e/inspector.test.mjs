// End to end: the inspector shows whatever is picked in the diagram (or in a lesson's concept
// table) and offers the actions that apply to it now.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launch, openPage, linkFor, BASE_URL } from "./browser.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// The fact whose label is exactly `label` ("Group" is not "group.instance.id").
const fact = async (inspector, label) =>
  (await inspector.locator("dt").getByText(label, { exact: true }).locator("xpath=following-sibling::dd[1]").textContent()).trim();

test("a consumer, a partition, a group and a producer picked in the diagram show their details and actions", async () => {
  const { page, errors } = await openPage(browser);
  const inspector = page.getByRole("region", { name: "Inspector" });
  await page.getByRole("button", { name: "Step", exact: true }).click();
  await page.getByRole("button", { name: "Consumer group-a-1" }).click();
  await inspector.getByRole("heading", { name: "Consumer group-a-1" }).waitFor();
  assert.equal(await fact(inspector, "Group"), "group-a");
  await inspector.getByRole("button", { name: "Crash consumer" }).click();
  await inspector.getByRole("button", { name: "Restart consumer" }).waitFor();
  assert.equal(await fact(inspector, "Status"), "crashed");
  assert.match(await page.getByRole("button", { name: "Consumer group-a-1" }).textContent(), /crashed/);

  await page.getByRole("button", { name: "Partition order-events-0" }).click();
  await inspector.getByRole("heading", { name: "Partition order-events-0" }).waitFor();
  assert.match(await fact(inspector, "Log End Offset"), /^\d+$/);

  await page.getByRole("button", { name: "Group group-a" }).click();
  await inspector.getByRole("heading", { name: "Consumer group group-a" }).waitFor();
  await inspector.getByRole("button", { name: "Add a consumer" }).click();
  await page.getByRole("button", { name: "Consumer group-a-3" }).waitFor();

  // The keyboard picks too.
  const producer = page.getByRole("button", { name: /^Producer / }).first();
  const name = (await producer.getAttribute("aria-label")).replace(/^Producer /, "");
  await producer.focus();
  await page.keyboard.press("Enter");
  await inspector.getByRole("heading", { name: `Producer ${name}` }).waitFor();
  const sent = Number(await fact(inspector, "Records sent"));
  await inspector.getByRole("button", { name: "Send one record" }).click();
  await page.waitForFunction(
    (before) => [...document.querySelectorAll(".inspector dt")].some(
      (dt) => dt.textContent === "Records sent" && Number(dt.nextElementSibling.textContent) === before + 1,
    ),
    sent,
  );
  assert.deepEqual(errors, []);
  await page.close();
});

test("a lesson's concept table shows each concept's live entity in the inspector", async () => {
  const { page, errors } = await openPage(browser, `${BASE_URL}#lesson=architecture&step=2`);
  const lesson = page.getByRole("region", { name: "Lesson" });
  await lesson.getByText("Concepts, live in this run").click();
  const inspector = page.getByRole("region", { name: "Inspector" });
  await lesson.getByRole("button", { name: "Show the broker" }).click();
  await inspector.getByRole("heading", { name: "Broker", exact: true }).waitFor();
  await lesson.getByRole("button", { name: "Show the consumer group" }).click();
  await inspector.getByRole("heading", { name: "Consumer group group-a" }).waitFor();
  assert.equal(await fact(inspector, "State"), "Stable");
  await lesson.getByRole("button", { name: "Show the offset" }).click();
  await inspector.getByRole("heading", { name: "Record order-events-0 @ 0" }).waitFor();
  assert.match(await fact(inspector, "Groups"), /^group-a: committed past it/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("Trace this record lists the record's journey and highlights it in the diagram", async () => {
  const { page, errors } = await openPage(browser, `${BASE_URL}#lesson=architecture&step=3`);
  const inspector = page.getByRole("region", { name: "Inspector" });
  const cell = page.getByRole("list", { name: "order-events-2", exact: true }).getByRole("listitem").first();
  const offset = (await cell.getAttribute("aria-label")).match(/^offset (\d+)/)[1];
  await cell.click();
  await inspector.getByRole("button", { name: "Trace this record" }).click();
  const journey = inspector.getByRole("list", { name: "Journey of the record" });
  await journey.waitFor();
  const lines = await journey.getByRole("listitem").allTextContents();
  assert.match(lines[0], new RegExp(`Sent key=\\S+ to topic=order-events partition=2 offset=${offset}$`));
  assert.ok(lines.some((l) => new RegExp(`processed order-events-2@${offset}$`).test(l)), lines.join("\n"));
  assert.ok(lines.some((l) => /Group group-a committed offset \d+ for order-events-2$/.test(l)), lines.join("\n"));
  assert.equal(await page.locator(".diagram-svg .cell.traced").count(), 1);
  assert.equal(await page.locator(".diagram-svg .consumer.traced").count(), 1);
  // Before the record was produced, the inspector says so instead of its old journey.
  await page.getByRole("slider", { name: "Timeline" }).fill("0");
  await inspector.getByText(/^What you picked does not exist at 00:00\.000/).waitFor();
  assert.equal(await journey.count(), 0);
  assert.equal(await inspector.getByRole("button", { name: "Trace this record" }).count(), 0);
  await page.getByRole("button", { name: "Latest →|" }).click();
  await inspector.getByRole("button", { name: "Trace this record" }).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test("keyboard focus on a record cell stays on that record while the run plays, until the user moves it", async () => {
  const { page, errors } = await openPage(browser);
  const cells = page.getByRole("list", { name: "order-events-0", exact: true }).getByRole("listitem");
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await cells.nth(1).waitFor();
  // Focus the newest cell in one page task: cells are rewritten on every change.
  const label = await page.evaluate(() => {
    const all = document.querySelectorAll('[role="list"][aria-label="order-events-0"] .cell');
    window.__focusedCell = all[all.length - 1];
    window.__focusedCell.focus();
    return window.__focusedCell.getAttribute("aria-label");
  });
  // Wait for a redraw that replaced the focused cell, then for focus to be back on a cell.
  await page.waitForFunction(() => !window.__focusedCell.isConnected, null, { timeout: 10_000 });
  await page.waitForTimeout(300);
  const now = await page.evaluate(() => {
    const e = document.activeElement;
    return {
      cell: e.classList.contains("cell"),
      partition: e.closest('[role="list"]')?.getAttribute("aria-label"),
      label: e.getAttribute("aria-label"),
      drawn: [...document.querySelectorAll('[role="list"][aria-label="order-events-0"] .cell')].map((c) => c.getAttribute("aria-label")),
    };
  });
  assert.ok(now.cell, `focus is on a cell, not ${JSON.stringify(now)}`);
  assert.equal(now.partition, "order-events-0");
  if (now.drawn.includes(label)) assert.equal(now.label, label, "the same record keeps focus");

  // Focus the user moves away stays away.
  await page.getByRole("heading", { name: "Inspector" }).click();
  await page.waitForTimeout(1_500);
  assert.equal(await page.evaluate(() => document.activeElement.classList.contains("cell")), false);
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  assert.deepEqual(errors, []);
  await page.close();
});

test("tracing a dead-letter copy tells its original's whole journey", async () => {
  const scenario = JSON.parse(readFileSync("engine/examples/scenarios/poison-to-dead-letter.json", "utf8"));
  const { page, errors } = await openPage(browser, `${BASE_URL}#${linkFor({ ...scenario, open_at_ms: 60000 })}`);
  const inspector = page.getByRole("region", { name: "Inspector" });
  const copy = page.locator('[role="list"][aria-label^="order-events-dlt-"] [role="listitem"]').first();
  await copy.click();
  await inspector.getByRole("button", { name: "Trace this record" }).click();
  const journey = inspector.getByRole("list", { name: "Journey of the record" });
  await journey.waitFor();
  const lines = await journey.getByRole("listitem").allTextContents();
  assert.match(lines[0], /Sent key=\S+ to topic=order-events partition=\d+ offset=\d+$/, lines.join("\n"));
  assert.ok(lines.some((l) => /published to order-events-dlt-\d+@0 by /.test(l)), lines.join("\n"));
  // The original has scrolled out of its strip by now; the copy stays outlined.
  assert.match(await copy.getAttribute("class"), /\btraced\b/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a record with a huge key and value keeps the inspector in bounds and its cell marks the cut key", async () => {
  const { page, errors } = await openPage(browser);
  const key = `${"k".repeat(5_000)}1234567`;
  await page.getByRole("textbox", { name: "Key" }).fill(key);
  await page.getByRole("textbox", { name: "Value" }).fill("v".repeat(60_000));
  await page.getByRole("button", { name: "Produce", exact: true }).click();
  const sent = await page.getByText(/^Sent to topic=order-events/).textContent();
  const [, partition, offset] = sent.match(/partition=(\d+) offset=(\d+)/);
  const cell = page.locator(`[data-pick="r|${partition}|${offset}|order-events"]`);
  assert.equal(await cell.locator("text.key").textContent(), "…567");
  await cell.click();
  const inspector = page.getByRole("region", { name: "Inspector" });
  await inspector.getByText(key).waitFor();
  const { height } = await inspector.boundingBox();
  assert.ok(height < 1_200, `inspector ${height} px high`);
  assert.deepEqual(errors, []);
  await page.close();
});
