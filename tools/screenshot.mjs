// Takes the README's screenshot (public/screenshot.png) from a served release build: the
// default scenario played for about 25 virtual seconds at 10×, a record picked for the
// inspector. Run it after the page changes visibly:
//
//   ./playground test build
//   python3 -m http.server 8080 --bind 127.0.0.1 --directory dist &
//   BASE_URL=http://127.0.0.1:8080/ node tools/screenshot.mjs [out.png]
import { launch, openPage } from "../tests/e2e/browser.mjs";

const out = process.argv[2] ?? "public/screenshot.png";
const browser = await launch();
try {
  const { page, errors } = await openPage(browser);
  await page.getByRole("slider", { name: "Speed" }).fill("6"); // 10×
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.waitForTimeout(2500);
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  await page.getByRole("listitem", { name: /^offset \d+ key / }).nth(4).click();
  await page.getByRole("region", { name: "Inspector" }).getByRole("heading").first().waitFor();
  await page.screenshot({ path: out });
  if (errors.length > 0) throw new Error(`the page logged errors: ${errors.join("; ")}`);
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
}
