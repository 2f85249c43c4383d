// End to end: acting on the cluster from the act panel and the settings: add and remove a
// producer, add a group, poison a record and redrive it from the dead-letter topic.
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

test("a producer and a consumer group are added and a producer removed from the page", async () => {
  const { page, errors } = await openPage(browser);
  await page.getByText("Add a producer").click();
  await page.getByRole("form", { name: "Add a producer" }).getByRole("button", { name: "Add", exact: true }).click();
  await page.getByRole("spinbutton", { name: "Rate of producer-3" }).waitFor();
  await page.getByRole("button", { name: "Remove payment-service" }).click();
  assert.equal(await page.getByRole("spinbutton", { name: "Rate of payment-service" }).count(), 0);
  await page.getByText("Add a consumer group").click();
  await page.getByRole("button", { name: "Add group" }).click();
  await page.getByRole("table", { name: "Consumer group group-b" }).waitFor();
  // A second "Add group" with the same id is refused with Kafka's reason.
  await page.getByRole("button", { name: "Add group" }).click();
  assert.match(await page.locator(".notice").textContent(), /group-b/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a group added from the form processes as fast as the run's first group, as the lessons' groups do", async () => {
  const { page, errors } = await openPage(browser, `${BASE_URL}#lesson=kafka-vs-rabbitmq&step=3`);
  await page.getByRole("heading", { name: "Replay: read it again" }).waitFor();
  await page.locator("summary", { hasText: "Add a consumer group" }).click();
  await page.getByRole("textbox", { name: "group.id" }).fill("audit");
  await page.getByRole("button", { name: "Add group" }).click();
  await page.getByRole("table", { name: "Consumer group audit" }).waitFor();
  await page.getByRole("tab", { name: "Scenario" }).click();
  const scenario = JSON.parse(await page.getByRole("textbox", { name: "Scenario JSON" }).inputValue());
  const fulfilment = scenario.groups.find((g) => g.id === "fulfilment");
  const added = scenario.script.find((e) => e.command.type === "add_group" && e.command.group === "audit");
  assert.equal(added.command.config.processing_time_ms, fulfilment.config.processing_time_ms);
  assert.equal(added.command.config.processing_time_ms, 60);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a poison record is dead-lettered and redriven back to its topic", async () => {
  const { page, errors } = await openPage(browser);
  await page.getByRole("tab", { name: "Group settings" }).click();
  await page.getByRole("checkbox", { name: "Poison records fail in group-a" }).check();
  await page.getByRole("checkbox", { name: "Dead-letter failed records of group-a" }).check();
  await page.getByRole("button", { name: "Poison value" }).click();
  assert.match(await page.getByRole("textbox", { name: "Value" }).inputValue(), /POISON/);
  await page.getByRole("button", { name: "Produce", exact: true }).click();
  await page.getByRole("slider", { name: "Speed" }).fill("8"); // 100×
  await page.getByRole("button", { name: "Play", exact: true }).click();
  // Spring's default back-off retries 9 times, then the recoverer publishes to the DLT.
  await page.getByRole("tab", { name: "Partitions" }).click();
  const redrive = page.getByRole("button", { name: /^Redrive order-events-dlt-\d+$/ });
  await redrive.first().waitFor({ timeout: 20000 });
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  await redrive.first().click();
  await page.getByRole("tab", { name: "Event log" }).click();
  await page.getByRole("searchbox", { name: "Filter" }).fill("redrove");
  await page.getByRole("list", { name: "Event log" }).getByRole("listitem").first().waitFor();
  assert.deepEqual(errors, []);
  await page.close();
});

test("Group settings set the back-off, non-blocking retries and static membership", async () => {
  const { page, errors } = await openPage(browser);
  await page.getByRole("tab", { name: "Group settings" }).click();
  const backOff = page.getByRole("combobox", { name: "Back-off of group-a" });
  assert.equal(await backOff.inputValue(), "default");
  await backOff.selectOption("fixed");
  await page.getByRole("checkbox", { name: "Non-blocking retries in group-a" }).check();
  await page.getByRole("checkbox", { name: "Static membership in group-a" }).check();
  // The scenario now says so: the group's settings are those of the run.
  await page.getByRole("tab", { name: "Scenario" }).click();
  const text = await page.getByRole("textbox", { name: "Scenario JSON" }).inputValue();
  const scenario = JSON.parse(text);
  const config = scenario.script.filter((e) => e.command.type === "set_group_config").at(-1).command.config;
  assert.deepEqual(config.listener.error_handler.back_off, { type: "fixed", interval_ms: 1000, max_attempts: 3 });
  assert.equal(config.listener.error_handler.retry_topic.attempts, 3);
  assert.equal(config.static_membership, true);
  // Taken off again, non-blocking retries are gone.
  await page.getByRole("tab", { name: "Group settings" }).click();
  await page.getByRole("checkbox", { name: "Non-blocking retries in group-a" }).uncheck();
  assert.equal(await page.getByRole("checkbox", { name: "Static membership in group-a" }).isChecked(), true);
  assert.equal(await backOff.inputValue(), "fixed");
  assert.deepEqual(errors, []);
  await page.close();
});

test("the detail tabs move with the arrow keys, Home and End, with one of them in the Tab order", async () => {
  const { page, errors } = await openPage(browser);
  const tab = (name) => page.getByRole("tab", { name, exact: true });
  const selected = () => page.locator('[role="tab"][aria-selected="true"]').textContent();
  const focused = () => page.evaluate(() => document.activeElement?.textContent);
  await tab("Consumer groups").focus();
  await page.keyboard.press("ArrowRight");
  assert.equal(await selected(), "Group settings");
  assert.equal(await focused(), "Group settings");
  await page.getByRole("tabpanel").getByRole("checkbox").first().waitFor();
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  assert.equal(await selected(), "Spring Boot", "ArrowLeft wraps from the first tab to the last");
  await page.keyboard.press("Home");
  assert.equal(await focused(), "Consumer groups");
  await page.keyboard.press("End");
  assert.equal(await selected(), "Spring Boot");
  assert.deepEqual(
    await page.locator('[role="tab"]').evaluateAll((tabs) => tabs.map((t) => t.tabIndex)),
    [-1, -1, -1, -1, -1, -1, -1, 0],
  );
  assert.equal(
    await page.getByRole("tabpanel").getAttribute("aria-labelledby"),
    await tab("Spring Boot").getAttribute("id"),
  );
  // The arrows did not reach the clock: it stayed at 0:00.
  assert.match(await page.locator(".clock").textContent(), /0:00/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a rate with more than three decimal places is refused with a notice", async () => {
  const { page, errors } = await openPage(browser);
  const rate = page.getByRole("spinbutton", { name: "Rate of payment-service" });
  await rate.fill("0.1234");
  await rate.dispatchEvent("change");
  const notice = page.getByRole("alert");
  assert.equal(
    await notice.locator("span").textContent(),
    "producer payment-service: rate 0.1234 has more than 3 decimal places",
  );
  assert.equal(await rate.inputValue(), "1", "the field shows the rate still in force");
  // The notice stays in view however far the page is scrolled, until dismissed.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  const box = await notice.boundingBox();
  assert.ok(box.y >= 0 && box.y < 100, `the notice is at ${box.y} px`);
  await notice.getByRole("button", { name: "Dismiss" }).click();
  assert.equal(await page.getByRole("alert").count(), 0);
  await rate.fill("2.5");
  await rate.dispatchEvent("change");
  await page.getByRole("tab", { name: "Scenario" }).click();
  assert.match(await page.getByRole("tabpanel").getByRole("textbox").first().inputValue(), /"rate_per_sec": 2\.5/);
  assert.deepEqual(errors, []);
  await page.close();
});
