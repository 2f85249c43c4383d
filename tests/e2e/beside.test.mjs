// End to end: the queue and the REST call chain that the comparison lessons run beside Kafka.
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

const stat = async (region, label) =>
  Number((await region.locator(".stat", { hasText: label }).locator("dd").textContent()).replace(/ ms$/, ""));

test("the Kafka-versus-queue lesson shows the queue deleting what Kafka keeps, and a crashed worker's message redelivered", async () => {
  const { page, errors } = await openPage(browser, `${BASE_URL}#lesson=kafka-vs-rabbitmq&step=2`);
  const queue = page.getByRole("region", { name: "Queue order-queue" });
  await queue.getByRole("heading", { name: /Queue order-queue/ }).waitFor();
  const published = await stat(queue, "Published");
  const deleted = await stat(queue, "Deleted on ack");
  assert.ok(published >= 190, `published ${published}`);
  assert.ok(deleted >= published - 3, `deleted ${deleted} of ${published}`);
  assert.match(await queue.textContent(), new RegExp(`Kafka keeps all ${published} records of order-events`));
  const workers = queue.getByRole("table", { name: "Workers of order-queue" });
  const slow = workers.getByRole("row", { name: /worker-2/ });
  // Prefetch 1: the slow worker holds exactly one unacknowledged message, shown by its id.
  assert.match((await slow.getByRole("cell").nth(2).textContent()).trim(), /^#\d+$/, "worker-2 holds one message");
  assert.equal(await stat(queue, "Redelivered"), 0);
  await queue.getByRole("button", { name: "Crash worker-2" }).click();
  await queue.getByRole("button", { name: "Restart worker-2" }).waitFor();
  assert.match(await slow.textContent(), /down/);
  assert.equal(await stat(queue, "Redelivered"), 1, "the unacknowledged message went to worker-1");
  assert.deepEqual(errors, []);
  await page.close();
});

test("the sync-versus-async lesson's call chain adds latencies up and fails its caller when a service is down", async () => {
  const { page, errors } = await openPage(browser, `${BASE_URL}#lesson=sync-vs-async&step=2`);
  const chain = page.getByRole("region", { name: "Call chain checkout" });
  await chain.getByRole("heading", { name: /REST call chain checkout/ }).waitFor();
  await chain.getByRole("figure", { name: /When to call synchronously/ }).waitFor();
  assert.equal(await stat(chain, "Last response"), 20 + 80 + 40 + 60);
  assert.equal(await stat(chain, "Failed (timeout)"), 0);
  await chain.getByRole("spinbutton", { name: "Latency of order-api in ms" }).fill("520");
  await chain.getByRole("spinbutton", { name: "Latency of order-api in ms" }).press("Enter");
  await chain.getByRole("button", { name: "Take down payment-service" }).click();
  await chain.getByRole("button", { name: "Bring up payment-service" }).waitFor();
  // The next step runs the same run on to 20 s, with these changes in it.
  await page.getByRole("region", { name: "Lesson" }).getByRole("button", { name: "Continue" }).click();
  await page.getByRole("timer").filter({ hasText: "00:20.000" }).waitFor();
  const failed = await stat(chain, "Failed (timeout)");
  assert.ok(failed >= 50, `failed ${failed}`);
  assert.equal(await stat(chain, "Slowest response"), 520 + 2000);
  assert.ok((await stat(chain, "Refused (client busy)")) > 0, "20 threads cannot wait 2.5 s on 10 requests a second");
  assert.match(await chain.locator(".service", { hasText: "payment-service" }).textContent(), /down/);
  assert.deepEqual(errors, []);
  await page.close();
});
