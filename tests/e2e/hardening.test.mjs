// End to end: a page that never dies and never runs what users type. Markup and script
// payloads go through every input and through a link and must come out as text; a panic shows
// a panel with a link that replays the run; the page works under its Content-Security-Policy.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, openPage, linkFor, BASE_URL } from "./browser.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Payloads that would run script or add elements if the page ever treated text as HTML. */
const payloads = [
  `<img src=x onerror="window.__xss='img'">`,
  `<script>window.__xss='script'</script>`,
  `"><svg onload="window.__xss='svg'">`,
  `<b>bold</b>&amp;`,
];

/** Fails when any payload ran or turned into an element. */
async function assertInert(page) {
  assert.equal(await page.evaluate(() => window.__xss), undefined, "no payload ran");
  const injected = await page.evaluate(
    () => document.querySelectorAll("img, script:not([type=module]), b, svg svg").length,
  );
  assert.equal(injected, 0, "no payload became an element");
}

test("markup typed into every input is shown as text and never runs", async () => {
  const { page, errors } = await openPage(browser);
  for (const [i, payload] of payloads.entries()) {
    await page.getByRole("textbox", { name: "Key" }).fill(payload);
    await page.getByRole("textbox", { name: "Value" }).fill(payload);
    await page.getByText("Partition and headers").click();
    await page.getByRole("textbox", { name: /Headers/ }).fill(`h${i}=${payload}`);
    await page.getByText("Partition and headers").click();
    await page.getByRole("button", { name: "Produce", exact: true }).click();
  }
  // Every record is drawn with its key as text.
  const names = await page
    .getByRole("listitem", { name: /^offset \d+ key / })
    .evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")));
  assert.equal(names.length, payloads.length);
  // Cells are written as markup (src/markup.rs): each key reads back exactly as typed, in the
  // cell's name and in its tooltip.
  const keysOf = (texts) => texts.map((t) => t.replace(/^offset \d+\s+key /, "")).sort();
  assert.deepEqual(keysOf(names), [...payloads].sort());
  const tooltips = await page.locator(".diagram-svg .cell title").allTextContents();
  assert.deepEqual(keysOf(tooltips), [...payloads].sort());
  // The inspector shows key, value and headers of a record as text.
  await page.getByRole("listitem", { name: /^offset \d+ key / }).first().click();
  const inspector = await page.getByRole("region", { name: "Inspector" }).innerText();
  assert.ok(payloads.some((p) => inspector.includes(p)), inspector);
  // The partition field refuses markup with a message that quotes it as text.
  await page.getByText("Partition and headers").click();
  await page.getByRole("textbox", { name: "Partition (optional)" }).fill(payloads[2]);
  await page.getByRole("button", { name: "Produce", exact: true }).click();
  await page.locator(".produce-form [role=alert]").waitFor();
  await page.getByRole("textbox", { name: "Partition (optional)" }).fill("");
  // The filter gets markup too.
  await page.getByRole("tab", { name: "Event log" }).click();
  await page.getByRole("searchbox", { name: "Filter" }).fill(payloads[0]);
  await page.getByRole("tab", { name: "Partitions" }).click();
  await page.getByRole("tab", { name: "Event log" }).click();
  await assertInert(page);
  assert.deepEqual(errors, []);
  await page.close();
});

test("markup in a link's names, keys and values is shown as text and never runs", async () => {
  const link = linkFor({
    version: 1,
    name: payloads[1],
    seed: 1,
    topics: [{ name: "t", partitions: 2 }],
    producers: [
      {
        name: payloads[0],
        topic: "t",
        keys: { type: "fixed", keys: [payloads[2], payloads[3]] },
        value_template: payloads[0],
        rate_per_sec: 5,
      },
    ],
    groups: [{ id: payloads[3], topics: ["t"], consumers: 1 }],
    open_at_ms: 5000,
  });
  const { page, errors } = await openPage(browser, `${BASE_URL}#${link}`);
  await page.getByRole("list", { name: "t-1", exact: true }).waitFor({ state: "attached" });
  // Names appear literally in the diagram and the tables.
  await page.getByText(payloads[0], { exact: true }).first().waitFor();
  await page.getByRole("table", { name: `Consumer group ${payloads[3]}` }).waitFor();
  await page.getByRole("listitem", { name: /^offset \d+ key / }).first().click();
  await page.getByRole("tab", { name: "Event log" }).click();
  await assertInert(page);
  assert.equal(await page.getByRole("alert").count(), 0, "the link itself is valid");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a panic shows a panel with what happened and a link that replays the run", async () => {
  const { page } = await openPage(browser);
  await page.getByRole("slider", { name: "Speed" }).fill("8"); // 100×
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.getByText("Stable", { exact: true }).first().waitFor();
  await page.getByRole("button", { name: "Crash group-a-2" }).click();
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  const clock = await page.getByRole("timer").textContent();
  // The page's test hook panics inside the wasm module, with markup in the message.
  await page.evaluate(() => {
    try {
      window.wasmBindings.debug_panic("<img src=x onerror=\"window.__xss='panic'\"> boom");
    } catch {
      // The module aborts; the panel is what the user sees.
    }
  });
  const panel = page.getByRole("alert").filter({ hasText: "The playground stopped" });
  await panel.waitFor();
  assert.match(await panel.locator("pre").textContent(), /<img src=x .*> boom/);
  await assertInert(page);
  await page.screenshot({ path: "tests/e2e/output/panic-panel.png" });
  const link = await panel.getByRole("textbox", { name: "Link that replays the run" }).inputValue();
  assert.equal(await panel.getByRole("link", { name: "Replay this run" }).getAttribute("href"), link);
  // The link replays the run: the crashed consumer and the clock are back.
  const replay = await openPage(browser, link);
  assert.equal(await replay.page.getByRole("timer").textContent(), clock);
  await replay.page.getByRole("button", { name: "Restart group-a-2" }).waitFor();
  assert.deepEqual(replay.errors, []);
  await page.close();
  await replay.page.close();
});

test("the page runs under its Content-Security-Policy with no violation", async () => {
  const page = await browser.newPage();
  const violations = [];
  page.on("console", (msg) => {
    if (/Content.Security.Policy|Refused to/i.test(msg.text())) violations.push(msg.text());
  });
  await page.goto(BASE_URL);
  const policy = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute("content");
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
  assert.match(policy, /default-src 'none'/);
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.getByText("Stable", { exact: true }).first().waitFor();
  await page.getByRole("button", { name: "Share link" }).click();
  await page.getByRole("textbox", { name: "Share link address" }).waitFor();
  assert.deepEqual(violations, []);
  await page.close();
});
