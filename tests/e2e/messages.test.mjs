// End to end: the message browser lists a partition's records from an offset or a time and
// filters them by key, value or header.
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

test("the message browser shows one partition's records, from an offset, filtered", async () => {
  const { page, errors } = await openPage(browser);
  // Three records with one key all land in one partition (murmur2); the form says which.
  for (let i = 0; i < 3; i++) {
    await page.getByRole("textbox", { name: "Key" }).fill("browse-me");
    await page.getByRole("textbox", { name: "Value" }).fill(`{"n":${i}}`);
    await page.getByRole("button", { name: "Produce", exact: true }).click();
  }
  const sent = await page.locator(".callback").textContent();
  const partition = Number(sent.match(/partition=(\d+)/)[1]);
  await page.getByRole("tab", { name: "Messages" }).click();
  await page.getByRole("combobox", { name: "Partition" }).selectOption(String(partition));
  const table = page.getByRole("table", { name: "Messages" });
  const values = () => table.locator("tbody td.value").allTextContents();
  await table.locator("tbody tr").nth(2).waitFor();
  assert.deepEqual(await values(), ['{"n":0}', '{"n":1}', '{"n":2}']);
  await page.getByRole("combobox", { name: "From" }).selectOption("offset");
  await page.getByRole("spinbutton", { name: "Offset or seconds" }).fill("1");
  assert.deepEqual(await values(), ['{"n":1}', '{"n":2}']);
  await page.getByRole("searchbox", { name: "Key, value or header contains" }).fill('"N":2');
  assert.deepEqual(await values(), ['{"n":2}']);
  const empty = page.locator(".messages p.empty");
  assert.equal(await empty.count(), 0, "no empty-state line while records show");
  await page.getByRole("searchbox", { name: "Key, value or header contains" }).fill("<b>none</b>");
  assert.deepEqual(await values(), []);
  assert.equal(await empty.textContent(), "No record of this partition from there has “<b>none</b>” in its key, value or headers.");
  await page.getByRole("searchbox", { name: "Key, value or header contains" }).fill("");
  await page.getByRole("spinbutton", { name: "Offset or seconds" }).fill("3");
  assert.match(await empty.textContent(), /^No records from there: the start is at or past the partition's Log End Offset/);
  // Another partition of the three has none of these records: it says it is empty.
  await page.getByRole("combobox", { name: "From" }).selectOption("oldest");
  await page.getByRole("combobox", { name: "Partition" }).selectOption(String((partition + 1) % 3));
  assert.equal(await empty.textContent(), "This partition holds no records now.");
  // A search there names the partition that has the records.
  await page.getByRole("searchbox", { name: "Key, value or header contains" }).fill("browse-me");
  assert.equal(
    await empty.textContent(),
    `This partition holds no records now. “browse-me” is in order-events-${partition}: pick it.`,
  );
  assert.deepEqual(errors, []);
  await page.close();
});
