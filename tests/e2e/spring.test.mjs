// End to end: the Spring Boot view follows the run's settings.
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

test("the Spring Boot view shows the guide's settings and follows a changed assignor", async () => {
  const { page, errors } = await openPage(browser);
  await page.getByRole("tab", { name: "Spring Boot" }).click();
  const yml = page.getByRole("region", { name: "application.yml" });
  const text = await yml.textContent();
  for (const line of [
    "bootstrap-servers: localhost:9092",
    "group-id: group-a",
    "auto-offset-reset: earliest",
    "key-serializer: org.apache.kafka.common.serialization.StringSerializer",
  ]) {
    assert.ok(text.includes(line), `${line} in\n${text}`);
  }
  assert.match(
    await page.getByRole("region", { name: "Kafka command line" }).textContent(),
    /kafka-topics\.sh .*--create --topic order-events\s*\\?\s*--partitions 3/s,
  );
  mkdirSync("tests/e2e/output", { recursive: true });
  await page.screenshot({ path: "tests/e2e/output/spring-boot.png", fullPage: true });
  await page.getByRole("tab", { name: "Group settings" }).click();
  await page.getByRole("combobox", { name: "Assignor of group-a" }).selectOption("roundrobin");
  await page.getByRole("tab", { name: "Spring Boot" }).click();
  assert.match(await yml.textContent(), /org\.apache\.kafka\.clients\.consumer\.RoundRobinAssignor/);
  assert.deepEqual(errors, []);
  await page.close();
});
