// End to end: the scenario editor checks JSON as it is typed, applies it, and imports and
// exports files.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launch, openPage } from "./browser.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function openEditor() {
  const opened = await openPage(browser);
  await opened.page.getByRole("tab", { name: "Scenario" }).click();
  return { ...opened, json: opened.page.getByRole("textbox", { name: "Scenario JSON" }) };
}

test("the editor shows the run as JSON and applies an edit", async () => {
  const { page, errors, json } = await openEditor();
  const scenario = JSON.parse(await json.inputValue());
  assert.equal(scenario.topics[0].name, "order-events");
  await page.getByText("Valid: 1 topic, 2 producers, 1 group, 0 scripted actions.").waitFor();
  scenario.topics[0].partitions = 5;
  await json.fill(JSON.stringify(scenario, null, 2));
  await page.getByRole("button", { name: "Apply" }).click();
  await page.getByRole("list", { name: "order-events-4", exact: true }).waitFor({ state: "attached" });
  await page.getByText(/^Applied/).waitFor();
  // The outcome was about the text applied: an edit after it takes it away.
  await json.fill(JSON.stringify({ ...scenario, seed: "abc" }));
  await page.locator(".editor [role=alert]").waitFor();
  assert.equal(await page.getByText(/^Applied/).count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test("invalid JSON or settings get a precise message in place and cannot be applied", async () => {
  const { page, errors, json } = await openEditor();
  const scenario = JSON.parse(await json.inputValue());
  scenario.topics[0].partitions = 500;
  await json.fill(JSON.stringify(scenario));
  const alert = page.locator(".editor [role=alert]");
  await alert.waitFor();
  assert.match(await alert.textContent(), /order-events.*500/);
  assert.equal(await page.getByRole("button", { name: "Apply" }).isDisabled(), true);
  assert.equal(await json.getAttribute("aria-invalid"), "true");
  await json.fill('{"version": 1, "topics": [');
  assert.match(await alert.textContent(), /line 1 column/);
  // Nothing was lost: the run is still the default one.
  await page.getByRole("list", { name: "order-events-2", exact: true }).waitFor({ state: "attached" });
  assert.deepEqual(errors, []);
  await page.close();
});

test("a scenario file imports into the editor and exports back", async () => {
  const { page, errors, json } = await openEditor();
  const file = readFileSync("engine/examples/scenarios/poison-to-dead-letter.json");
  await page.locator('.editor input[type="file"]').setInputFiles({
    name: "poison.json",
    mimeType: "application/json",
    buffer: file,
  });
  await page.getByText("Imported poison.json").waitFor();
  assert.equal(await json.inputValue(), file.toString());
  await page.getByText(/^Valid: /).waitFor();
  const href = await page.getByRole("link", { name: "Export file" }).getAttribute("href");
  const exported = decodeURIComponent(href.replace(/^data:application\/json;charset=utf-8,/, ""));
  assert.equal(exported, file.toString());
  await page.getByRole("button", { name: "Apply" }).click();
  await page.getByText(/^Applied/).waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test("the act panel follows the applied scenario's topics and can be pointed at any of them", async () => {
  const { page, errors, json } = await openEditor();
  const scenario = JSON.parse(await json.inputValue());
  scenario.topics = [{ ...scenario.topics[0], name: "payments" }];
  scenario.producers = [];
  scenario.groups = [{ ...scenario.groups[0], topics: ["payments"] }];
  await json.fill(JSON.stringify(scenario));
  await page.getByRole("button", { name: "Apply" }).click();
  await page.getByText(/^Applied/).waitFor();
  const heading = page.getByRole("heading", { name: /^Produce to / });
  assert.equal(await heading.textContent(), "Produce to payments");
  await page.getByRole("button", { name: "Produce", exact: true }).click();
  await page.getByText(/^Sent to topic=payments partition=\d offset=0$/).waitFor();
  // One topic: nothing to choose.
  assert.equal(await page.getByRole("combobox", { name: "Act on topic" }).count(), 0);

  // Two topics: a list picks one, and so does a click on a topic's name in the diagram.
  scenario.topics.push({ ...scenario.topics[0], name: "refunds", partitions: 4 });
  await json.fill(JSON.stringify(scenario));
  await page.getByRole("button", { name: "Apply" }).click();
  await page.getByText(/^Applied/).waitFor();
  const picker = page.getByRole("combobox", { name: "Act on topic" });
  assert.equal(await picker.inputValue(), "payments");
  await picker.selectOption("refunds");
  assert.equal(await heading.textContent(), "Produce to refunds");
  assert.equal(await page.getByRole("heading", { name: "Partitions of refunds" }).count(), 1);
  await page.getByRole("button", { name: "Topic payments" }).click();
  assert.equal(await heading.textContent(), "Produce to payments");
  assert.equal(await picker.inputValue(), "payments");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a record sent with acks=0 says in the event log that its producer never learns the offset", async () => {
  const { page, errors, json } = await openEditor();
  const scenario = JSON.parse(await json.inputValue());
  // Left out, idempotence gives way to acks=0, as Kafka's does (T2).
  delete scenario.producers[0].enable_idempotence;
  scenario.producers[0].acks = "zero";
  await json.fill(JSON.stringify(scenario, null, 2));
  await page.getByRole("button", { name: "Apply" }).click();
  await page.getByText(/^Applied/).waitFor();
  await page.getByRole("slider", { name: "Speed" }).fill("8"); // 100×
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.waitForTimeout(500);
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  await page.getByRole("tab", { name: "Event log" }).click();
  await page.getByRole("searchbox", { name: "Filter" }).fill(`[${scenario.producers[0].name}] Sent`);
  const line = page.getByRole("list", { name: "Event log" }).getByRole("listitem").first();
  await line.waitFor();
  assert.match(await line.textContent(), /offset=\d+ \(acks=0: the producer is not told; its callback gets offset -1\)$/);
  // The other producer keeps acks=all: its lines say nothing of the kind.
  await page.getByRole("searchbox", { name: "Filter" }).fill(`[${scenario.producers[1].name}] Sent`);
  await line.waitFor();
  assert.doesNotMatch(await line.textContent(), /acks=0/);
  assert.deepEqual(errors, []);
  await page.close();
});
