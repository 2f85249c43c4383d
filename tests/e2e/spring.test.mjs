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
  // Each block copies as it reads.
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await yml.getByRole("button", { name: "Copy application.yml" }).click();
  await yml.getByRole("status").filter({ hasText: "Copied" }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await yml.locator("pre").textContent());
  mkdirSync("tests/e2e/output", { recursive: true });
  await page.screenshot({ path: "tests/e2e/output/spring-boot.png", fullPage: true });
  await page.getByRole("tab", { name: "Group settings" }).click();
  await page.getByRole("combobox", { name: "Assignor of group-a" }).selectOption("roundrobin");
  await page.getByRole("tab", { name: "Spring Boot" }).click();
  assert.match(await yml.textContent(), /org\.apache\.kafka\.clients\.consumer\.RoundRobinAssignor/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a pasted application.yml configures the run and reports what it does not model", async () => {
  const { page, errors } = await openPage(browser);
  await page.getByRole("tab", { name: "Spring Boot" }).click();
  await page.getByText("Paste an application.yml").click();
  const yml = page.getByRole("textbox", { name: "application.yml to apply" });
  await yml.fill(
    [
      "spring:",
      "  kafka:",
      "    bootstrap-servers: localhost:9092",
      "    consumer:",
      "      group-id: order-service-group",
      "      auto-offset-reset: earliest",
      "      fetch-min-size: 1",
      "      properties:",
      '        spring.json.trusted.packages: "*"',
    ].join("\n"),
  );
  await page.getByRole("button", { name: "Apply application.yml" }).click();
  const outcome = page.locator(".yml-outcome");
  await outcome.waitFor();
  assert.match(await outcome.textContent(), /Applied 4 settings/);
  assert.match(await outcome.textContent(), /line 7: spring\.kafka\.consumer\.fetch-min-size is not a setting/);
  // The view shows the configuration it was given.
  await page
    .getByRole("region", { name: "application.yml" })
    .getByText(/group-id: order-service-group/)
    .waitFor({ timeout: 5000 });
  await page.getByRole("tab", { name: "Consumer groups" }).click();
  await page.getByRole("table", { name: "Consumer group order-service-group" }).waitFor();
  // A value the playground cannot use is refused with its line; the run stays as it was.
  await page.getByRole("tab", { name: "Spring Boot" }).click();
  await page.getByText("Paste an application.yml").click();
  await yml.fill("spring.kafka.consumer.auto-offset-reset: sometimes");
  await page.getByRole("button", { name: "Apply application.yml" }).click();
  assert.match(await page.locator(".paste-yml [role=alert]").textContent(), /line 1: .*sometimes/);
  // Text that is not Spring Boot YAML applies nothing and says so.
  await yml.fill("{{{{ ::: ]]]");
  await page.getByRole("button", { name: "Apply application.yml" }).click();
  await page.locator(".paste-yml [role=alert]", { hasText: "is not a setting's name" }).waitFor();
  assert.equal(await page.locator(".yml-outcome").count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});
