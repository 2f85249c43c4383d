// Launches Debian's Chromium through playwright-core (Playwright's own browser download
// does not work on machines that reach only package registries).
import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import { deflateSync } from "node:zlib";

/** Path of the system Chromium, or CHROMIUM_PATH when set. */
export function chromiumPath() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  return execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser"])
    .toString()
    .trim();
}

/** A headless Chromium with the flags this network-less machine needs. */
export function launch() {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-quic",
    ],
  });
}

/** The served release build's URL (set by ./playground test e2e). */
export const BASE_URL = process.env.BASE_URL ?? "http://127.0.0.1:8080/";

/** Opens a page and collects console errors and uncaught exceptions. */
export async function openPage(browser, url = BASE_URL) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(String(err)));
  await page.goto(url);
  return { page, errors };
}

/** A `k1.` share-link payload for `scenario`, made as the engine makes one (zlib, base64url). */
export const linkFor = (scenario) =>
  "k1." + deflateSync(Buffer.from(JSON.stringify(scenario)), { level: 9 }).toString("base64url");
