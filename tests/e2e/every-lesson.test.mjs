// End to end: every built-in lesson plays in the release build. Each step opens at its
// address, and each experiment's "Show me" makes its check turn Done.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launch, openPage, BASE_URL } from "./browser.mjs";

const index = JSON.parse(readFileSync("public/lessons/index.json", "utf8"));

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

for (const { id } of index) {
  test(`lesson ${id}: every step opens and every experiment succeeds`, async () => {
    const lesson = JSON.parse(readFileSync(`public/lessons/${id}.json`, "utf8"));
    for (const [i, step] of lesson.steps.entries()) {
      const { page, errors } = await openPage(browser, `${BASE_URL}#lesson=${id}&step=${i + 1}`);
      const panel = page.getByRole("region", { name: "Lesson" });
      await panel.getByRole("heading", { name: step.title, exact: true }).waitFor();
      if (step.try_this) {
        const status = page.locator(".try .check");
        assert.match(await status.textContent(), /^Goal, not reached yet: /, `${id} step ${i + 1}`);
        await page.getByRole("slider", { name: "Speed" }).fill("8"); // 100×
        await page.getByRole("button", { name: "Show me" }).click();
        // Show me starts the clock itself when its check does not hold at once, and stops it
        // where the check holds.
        await page.waitForFunction(
          () => document.querySelector(".try .check").textContent.startsWith("Done: "),
          null,
          { timeout: 20_000 },
        );
        await page.getByRole("button", { name: "Play", exact: true }).waitFor({ timeout: 2_000 });
      }
      assert.deepEqual(errors, [], `${id} step ${i + 1}`);
      await page.close();
    }
  });
}
