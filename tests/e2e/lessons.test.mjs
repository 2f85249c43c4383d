// End to end: guided lessons. The list comes from public/lessons/index.json; each step has an
// address; a step's "try this" is checked live and "Show me" performs it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launch, openPage, BASE_URL } from "./browser.mjs";

const lessonFile = (id) => JSON.parse(readFileSync(`public/lessons/${id}.json`, "utf8"));
const index = JSON.parse(readFileSync("public/lessons/index.json", "utf8"));

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const clock = (ms) => {
  const pad = (n, w) => String(n).padStart(w, "0");
  return `${pad(Math.floor(ms / 60000), 2)}:${pad(Math.floor(ms / 1000) % 60, 2)}.${pad(ms % 1000, 3)}`;
};

test("the Lessons menu lists every lesson and opens one at its first step", async () => {
  const { page, errors } = await openPage(browser);
  await page.getByRole("button", { name: "Lessons" }).click();
  const menu = page.getByRole("dialog", { name: "Lessons" });
  await menu.getByRole("link").first().waitFor();
  const titles = await menu.getByRole("link").allTextContents();
  assert.deepEqual(titles, index.map((e) => e.title));
  // Escape closes the list, as Close does; the button opens it again.
  await page.keyboard.press("Escape");
  await menu.waitFor({ state: "detached" });
  await page.getByRole("button", { name: "Lessons" }).click();
  await menu.getByRole("link", { name: index[0].title }).click();
  const panel = page.getByRole("region", { name: "Lesson" });
  await panel.waitFor();
  const first = lessonFile(index[0].id);
  assert.match(await panel.textContent(), new RegExp(`Step 1 of ${first.steps.length}`));
  assert.ok(page.url().endsWith(`#lesson=${index[0].id}&step=1`), page.url());
  assert.equal(await panel.getByRole("button", { name: "Back" }).isDisabled(), true);
  // The keyboard starts at the lesson, not at the top of the reloaded page.
  await page.waitForFunction(() => document.activeElement?.id === "lesson-title");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), index[0].title);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a step's address opens that step at its moment; Back and Continue move between steps", async () => {
  const lesson = lessonFile("ordering");
  const step = lesson.steps.findIndex((s, i) => i > 0 && s.run_to_ms);
  const { page, errors } = await openPage(browser, `${BASE_URL}#lesson=ordering&step=${step + 1}`);
  const panel = page.getByRole("region", { name: "Lesson" });
  await panel.getByRole("heading", { name: lesson.steps[step].title }).waitFor();
  assert.equal(await page.getByRole("timer").textContent(), clock(lesson.steps[step].run_to_ms));
  // The keyboard follows the step: the new step's title takes the focus (pressed with the
  // keyboard, Back and Continue are redrawn with the panel).
  const focused = () => page.evaluate(() => `${document.activeElement.id}: ${document.activeElement.textContent}`);
  await panel.getByRole("button", { name: "Back" }).focus();
  await page.keyboard.press("Enter");
  await panel.getByRole("heading", { name: lesson.steps[step - 1].title }).waitFor();
  assert.ok(page.url().endsWith(`#lesson=ordering&step=${step}`), page.url());
  await page.waitForFunction(() => document.activeElement?.id === "step-title");
  assert.equal(await focused(), `step-title: ${lesson.steps[step - 1].title}`);
  await panel.getByRole("button", { name: "Continue" }).focus();
  await page.keyboard.press("Enter");
  await panel.getByRole("heading", { name: lesson.steps[step].title }).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === "step-title");
  assert.equal(await focused(), `step-title: ${lesson.steps[step].title}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a lesson's last step leads on to the list of lessons", async () => {
  const lesson = lessonFile("ordering");
  const { page, errors } = await openPage(browser, `${BASE_URL}#lesson=ordering&step=${lesson.steps.length}`);
  const panel = page.getByRole("region", { name: "Lesson" });
  await panel.getByRole("heading", { name: lesson.steps.at(-1).title }).waitFor();
  assert.equal(await panel.getByRole("button", { name: "Continue" }).count(), 0);
  await panel.getByRole("button", { name: "Finish: choose the next lesson" }).click();
  const menu = page.getByRole("dialog", { name: "Lessons" });
  await menu.getByRole("link", { name: index[0].title }).waitFor();
  assert.equal(await menu.getByRole("link").count(), index.length);
  // The menu takes the keyboard focus, and Close gives it back to the Lessons button.
  await page.waitForFunction(() => document.activeElement?.closest(".lesson-menu"));
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Close");
  await page.keyboard.press("Enter");
  await menu.waitFor({ state: "detached" });
  await page.waitForFunction(() => document.activeElement?.classList.contains("lessons-button"));
  assert.deepEqual(errors, []);
  await page.close();
});

test("a try-this check turns Done when the experiment is performed", async () => {
  const lesson = lessonFile("partition-pitfall");
  const step = lesson.steps.findIndex((s) => s.try_this);
  const { page, errors } = await openPage(
    browser,
    `${BASE_URL}#lesson=partition-pitfall&step=${step + 1}`,
  );
  const status = page.locator(".try .check");
  await status.waitFor();
  assert.match(await status.textContent(), /^Goal, not reached yet: /);
  await page.getByRole("slider", { name: "Speed" }).fill("8"); // 100×
  await page.getByRole("button", { name: "Show me" }).click();
  // The keyboard goes to the goal, which says when it is reached.
  await page.waitForFunction(() => document.activeElement?.id === "step-check");
  // The check holds once the group has settled: Show me plays the clock until then, and
  // stops it there.
  await page.waitForFunction(() => document.querySelector(".try .check").textContent.startsWith("Done: "));
  await page.getByRole("button", { name: "Play", exact: true }).waitFor({ timeout: 2_000 });
  // A reached goal leaves nothing to show.
  await page.getByRole("button", { name: "Show me" }).waitFor({ state: "hidden", timeout: 2_000 });
  assert.deepEqual(errors, []);
  await page.close();
});

test("Show me plays fast enough to reach a goal that takes a minute of the run", async () => {
  const lesson = lessonFile("interview-failures");
  const settle = lesson.steps[0].try_this.settle_ms;
  const speeds = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 100, 300, 1000];
  const { page, errors } = await openPage(browser, `${BASE_URL}#lesson=interview-failures&step=1`);
  const speed = page.getByRole("slider", { name: "Speed" });
  assert.equal(speeds[Number(await speed.inputValue())], 1);
  await page.getByRole("button", { name: "Show me" }).click();
  const index = Number(await speed.inputValue());
  assert.ok(settle / speeds[index] <= 5000 && settle / speeds[index - 1] > 5000, `speed ${speeds[index]}× for ${settle} ms`);
  await page.waitForFunction(() => document.querySelector(".try .check").textContent.startsWith("Done: "), null, { timeout: 15_000 });
  // The goal reached, the clock stops there and the speed is given back.
  await page.getByRole("button", { name: "Play", exact: true }).waitFor({ timeout: 2_000 });
  assert.equal(speeds[Number(await speed.inputValue())], 1);
  assert.ok(
    (await page.getByRole("timer").textContent()) < clock(lesson.steps[1].run_to_ms),
    "short of step 2's moment",
  );
  await page.getByRole("region", { name: "Lesson" }).getByRole("button", { name: "Continue" }).click();
  await page.getByRole("heading", { name: lesson.steps[1].title }).waitFor();
  assert.equal(speeds[Number(await speed.inputValue())], 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test("Show me after a half-done attempt goes back to the step's start instead of overshooting", async () => {
  const lesson = lessonFile("interview-questions");
  const step = lesson.steps.findIndex((s) => s.try_this?.check.type === "idle_consumers");
  const { page, errors } = await openPage(
    browser,
    `${BASE_URL}#lesson=interview-questions&step=${step + 1}`,
  );
  const status = page.locator(".try .check");
  await status.waitFor();
  // Half of the experiment: one of the two consumers it asks for.
  await page.getByRole("button", { name: "Add consumer to notification" }).click();
  await page.getByRole("slider", { name: "Speed" }).fill("8"); // 100×
  await page.getByRole("button", { name: "Show me" }).click();
  await page.waitForFunction(() => document.querySelector(".try .check").textContent.startsWith("Done: "));
  // Show me stops the clock where the goal holds, at the speed the learner had.
  await page.getByRole("button", { name: "Play", exact: true }).waitFor({ timeout: 2_000 });
  assert.equal(await page.getByRole("slider", { name: "Speed" }).inputValue(), "8");
  assert.equal(await page.getByRole("button", { name: /^Remove notification-/ }).count(), 4, "four consumers, not five");
  assert.deepEqual(errors, []);
  await page.close();
});

test("a step builds on the earlier steps' experiments, by its address or by Continue without them", async () => {
  // interview-failures: step 1 asks to crash notification-1; steps 2 and 3 tell what followed.
  const lesson = lessonFile("interview-failures");
  assert.equal(lesson.steps[0].try_this.solution[0].command.consumer, "notification-1");
  const restart = (page) => page.getByRole("button", { name: "Restart notification-1" });
  const byAddress = await openPage(browser, `${BASE_URL}#lesson=interview-failures&step=3`);
  const panel = byAddress.page.getByRole("region", { name: "Lesson" });
  await panel.getByRole("heading", { name: lesson.steps[2].title }).waitFor();
  await restart(byAddress.page).waitFor();
  assert.deepEqual(byAddress.errors, []);
  await byAddress.page.close();

  const { page, errors } = await openPage(browser, `${BASE_URL}#lesson=interview-failures&step=1`);
  await page.getByRole("region", { name: "Lesson" }).getByRole("button", { name: "Continue" }).click();
  await page.getByRole("heading", { name: lesson.steps[1].title }).waitFor();
  const said = page.getByRole("region", { name: "Lesson" }).locator(".solved");
  assert.match(await said.textContent(), /goal was not reached, so the lesson did its solution/);
  assert.ok(await said.isVisible(), "the step says the lesson did the last step's solution");
  await restart(page).waitFor();
  assert.equal(await page.getByRole("timer").textContent(), clock(lesson.steps[1].run_to_ms));
  await page.getByRole("region", { name: "Lesson" }).getByRole("button", { name: "Back" }).click();
  await page.getByRole("heading", { name: lesson.steps[0].title }).waitFor();
  assert.ok(!(await said.isVisible()), "another step does not repeat it");
  assert.deepEqual(errors, []);
  await page.close();
});

test("Continue after playing past the next step keeps what the learner did by hand", async () => {
  // produce-consume step 2 asks for a record keyed order-42; step 3 opens at 15 s.
  const lesson = lessonFile("produce-consume");
  const { page, errors } = await openPage(browser, `${BASE_URL}#lesson=produce-consume&step=2`);
  const panel = page.getByRole("region", { name: "Lesson" });
  await panel.getByRole("heading", { name: lesson.steps[1].title }).waitFor();
  for (const key of ["order-42", "by-hand"]) {
    await page.getByRole("textbox", { name: "Key" }).fill(key);
    await page.getByRole("button", { name: "Produce", exact: true }).click();
  }
  await page.getByRole("slider", { name: "Speed" }).fill("7"); // 30×
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.waitForFunction(() => document.querySelector('[role="timer"]').textContent >= "00:20.000");
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  await panel.getByRole("button", { name: "Continue" }).click();
  await panel.getByRole("heading", { name: lesson.steps[2].title }).waitFor();
  assert.equal(await page.getByRole("timer").textContent(), clock(lesson.steps[2].run_to_ms));
  assert.ok(!(await panel.locator(".solved").isVisible()), "the learner reached the goal");
  // Both records are still in the run, sent when the learner sent them.
  await page.getByRole("tab", { name: "Event log" }).click();
  const log = page.getByRole("list", { name: "Event log" }).getByRole("listitem");
  for (const key of ["order-42", "by-hand"]) {
    await page.getByRole("searchbox", { name: "Filter" }).fill(`key=${key} `);
    await log.first().waitFor();
    assert.match(await log.first().textContent(), /^00:05\.000 /);
  }
  assert.deepEqual(errors, []);
  await page.close();
});

test("the exactly-once lesson's transactions are drawn: markers, aborted records, the Last Stable Offset", async () => {
  const { page, errors } = await openPage(browser, `${BASE_URL}#lesson=interview-exactly-once&step=4`);
  await page.locator(".lesson h3").waitFor();
  const cells = page.locator('[role="list"][aria-label="ledger-0"] [role="listitem"]');
  await cells.first().waitFor({ state: "attached" });
  const drawn = await cells.evaluateAll((c) => c.map((e) => [e.getAttribute("aria-label"), e.getAttribute("class")]));
  // Step 3's solution: three committed records and their marker, then three aborted and theirs.
  assert.deepEqual(
    drawn.map(([label]) => label.replace(/ key account-1/, "")),
    [0, 1, 2].map((o) => `offset ${o}, in a committed transaction`)
      .concat(["offset 3, commit marker"], [4, 5, 6].map((o) => `offset ${o}, in an aborted transaction`), ["offset 7, abort marker"]),
  );
  assert.match(drawn[3][1], /\bmarker\b/);
  assert.match(drawn[4][1], /\baborted\b/);
  // Faded, an aborted record's text still reads (WCAG AA, 4.5:1), in both colour schemes:
  // its fill is blended over the topic's box.
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    const ratios = await cells.evaluateAll((items) => {
      const rgb = (c) => c.match(/[\d.]+/g).slice(0, 3).map(Number);
      const lum = (c) => {
        const [r, g, b] = c.map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const back = rgb(getComputedStyle(document.querySelector(".diagram-svg .topic-box")).fill);
      return items.map((cell) => {
        const rect = getComputedStyle(cell.querySelector("rect"));
        const alpha = Number(rect.fillOpacity);
        const fill = rgb(rect.fill).map((v, i) => v * alpha + back[i] * (1 - alpha));
        const ink = rgb(getComputedStyle(cell.querySelector("text")).fill);
        const [hi, lo] = [lum(fill), lum(ink)].sort((a, b) => b - a);
        return (hi + 0.05) / (lo + 0.05);
      });
    });
    for (const [i, ratio] of ratios.entries()) {
      assert.ok(ratio >= 4.5, `${scheme}: cell ${i} text at ${ratio.toFixed(2)}:1`);
    }
  }
  await page.emulateMedia({ colorScheme: "light" });
  const inspector = page.getByRole("region", { name: "Inspector" });
  // A marker is never sent or consumed: nothing to trace. A record of the aborted
  // transaction has a journey.
  await cells.nth(3).click();
  await inspector.getByRole("heading", { name: "Record ledger-0 @ 3" }).waitFor();
  assert.equal(await inspector.getByRole("button", { name: "Trace this record" }).count(), 0);
  await cells.nth(4).click();
  await inspector.getByRole("button", { name: "Trace this record" }).waitFor();
  await page.getByRole("button", { name: "Partition ledger-0" }).click();
  const lso = inspector.locator("dt").getByText("Last Stable Offset", { exact: true }).locator("xpath=following-sibling::dd[1]");
  assert.equal((await lso.textContent()).trim(), "8 (no open transaction)");
  assert.deepEqual(errors, []);
  await page.close();
});

test("on a phone a lesson's text leaves the diagram on the first screen", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(`${BASE_URL}#lesson=interview-failures&step=2`);
  await page.getByRole("region", { name: "Lesson" }).getByRole("heading", { level: 3 }).waitFor();
  const diagram = await page.getByRole("region", { name: "Cluster" }).boundingBox();
  assert.ok(diagram.y < 700, `the diagram starts at ${diagram.y} px`);
  await page.close();
});

test("an unknown lesson shows an alert and the default scenario", async () => {
  const { page, errors } = await openPage(browser, `${BASE_URL}#lesson=no-such-lesson`);
  const alert = page.getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.textContent(), /There is no lesson "no-such-lesson"/);
  await page.getByRole("list", { name: "order-events-0", exact: true }).waitFor({ state: "attached" });
  assert.equal(await page.getByRole("region", { name: "Lesson" }).count(), 0);
  // The missing file is a failed fetch the browser logs; nothing else may go wrong.
  assert.deepEqual(errors.filter((e) => !/404|Failed to load resource/.test(e)), []);
  await page.close();
});

test("a step the lesson does not have opens the nearest one and says so", async () => {
  const lesson = lessonFile("ordering");
  const count = lesson.steps.length;
  for (const [step, shown, said] of [
    ["999", count, new RegExp(`has ${count} steps, not 999: this is its last step`)],
    ["-1", 1, /There is no step "-1" in .*: this is its first step/],
  ]) {
    const { page, errors } = await openPage(browser, `${BASE_URL}#lesson=ordering&step=${step}`);
    await page.getByRole("heading", { name: lesson.steps[shown - 1].title }).waitFor();
    assert.match(await page.getByRole("alert").textContent(), said);
    assert.deepEqual(errors, []);
    await page.close();
  }
});
