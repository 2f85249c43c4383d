// End to end: a user opens the release build, produces records and sees them land in the
// partition Kafka's murmur2 partitioner picks, at the next offset.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { launch, openPage } from "./browser.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("the page shows order-events with three partitions and the simulation clock", async () => {
  const { page, errors } = await openPage(browser);
  const timer = page.getByRole("timer", { name: "Simulation time" });
  await timer.waitFor();
  assert.match(await timer.textContent(), /^\d\d:\d\d\.\d{3}$/);
  for (const p of [0, 1, 2]) {
    // An empty partition's list of records has no size: wait for it to be in the page.
    await page.getByRole("list", { name: `order-events-${p}`, exact: true }).waitFor({ state: "attached" });
  }
  assert.equal(await page.getByRole("list", { name: "order-events-3", exact: true }).count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test("Produce appends keyed records to the murmur2 partition at the next offset", async () => {
  const { page, errors } = await openPage(browser);
  const key = page.getByRole("textbox", { name: "Key" });
  await key.fill("21");
  await page.getByRole("textbox", { name: "Value" }).fill('{"orderId":"21"}');
  const produce = page.getByRole("button", { name: "Produce", exact: true });
  await produce.click();
  await produce.click();
  // murmur2("21") = -973932308 (Kafka's UtilsTest); toPositive gives 1173551340, and
  // 1173551340 % 3 = 0, so key "21" lives in partition 0.
  const p0 = page.getByRole("list", { name: "order-events-0", exact: true });
  await p0.getByRole("listitem", { name: /^offset 1\b/ }).waitFor();
  assert.equal(await p0.getByRole("listitem", { name: /^offset \d+/ }).count(), 2);
  for (const other of [1, 2]) {
    const list = page.getByRole("list", { name: `order-events-${other}`, exact: true });
    assert.equal(await list.getByRole("listitem", { name: /^offset \d+/ }).count(), 0);
  }
  await page.getByText("partition=0 offset=1").waitFor();

  // A key with markup is shown as text, never interpreted as HTML.
  await key.fill("<img src=x onerror=alert(1)>");
  await produce.click();
  await page.getByRole("listitem", { name: /^offset \d+ key <img src=x/ }).waitFor();
  assert.equal(await page.locator("img, svg image").count(), 0);

  mkdirSync("tests/e2e/output", { recursive: true });
  await page.screenshot({ path: "tests/e2e/output/produce.png", fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test("an explicit partition wins over the key; bad partitions and headers get a clear message", async () => {
  const { page, errors } = await openPage(browser);
  await page.getByText("Partition and headers").click();
  await page.getByRole("textbox", { name: "Key" }).fill("21");
  await page.getByRole("textbox", { name: "Partition (optional)" }).fill("2");
  await page.getByRole("textbox", { name: "Headers" }).fill("trace-id=abc\n<script>x</script>=1");
  await page.getByRole("button", { name: "Produce", exact: true }).click();
  // Key "21" hashes to partition 0, but the explicit partition 2 wins (P5).
  await page.getByText("partition=2 offset=0").waitFor();
  await page.getByRole("list", { name: "order-events-2", exact: true }).getByRole("listitem", { name: /^offset 0 key 21/ }).waitFor();
  await page.getByRole("textbox", { name: "Partition (optional)" }).fill("7");
  await page.getByRole("button", { name: "Produce", exact: true }).click();
  assert.match(await page.getByRole("alert").first().textContent(), /has no partition 7/);
  await page.getByRole("textbox", { name: "Partition (optional)" }).fill("");
  await page.getByRole("textbox", { name: "Headers" }).fill("no equals sign");
  await page.getByRole("button", { name: "Produce", exact: true }).click();
  assert.match(await page.getByRole("alert").first().textContent(), /not of the form name=value/);
  assert.equal(await page.locator("script:not([type])").count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test("clicking a record shows it whole in the Inspector, markup as text", async () => {
  const { page, errors } = await openPage(browser);
  await page.getByText("Partition and headers").click();
  await page.getByRole("textbox", { name: "Key" }).fill("<b>bold</b>");
  await page.getByRole("textbox", { name: "Value" }).fill('{"note":"<script>alert(1)</script>"}');
  await page.getByRole("textbox", { name: "Headers" }).fill("trace-id=abc-123");
  await page.getByRole("button", { name: "Produce", exact: true }).click();
  await page.getByRole("listitem", { name: /^offset 0 key <b>bold<\/b>/ }).click();
  const inspector = page.getByRole("region", { name: "Inspector" });
  await inspector.getByText("<b>bold</b>", { exact: true }).waitFor();
  await inspector.getByText("trace-id = abc-123").waitFor();
  assert.match(await inspector.textContent(), /<script>alert\(1\)<\/script>/);
  assert.equal(await page.locator(".inspector b, .inspector script").count(), 0);
  assert.match(await inspector.textContent(), /group-a: no committed offset/);
  assert.deepEqual(errors, []);
  await page.close();
});
