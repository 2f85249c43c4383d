// The page's own figures, measured in headless Chromium on the served release build:
//
// * frame times (p50, p95, max) while a heavy run (12 partitions, 3 groups of 4 consumers,
//   more than 100,000 records) plays at top speed;
// * time from navigation to the first drawn diagram on the default page;
// * time to scrub a 10-minute run back to its middle and forward to its end.
//
//   BASE_URL=http://127.0.0.1:PORT/ node tests/bench/page.mjs
//
// Progress goes to stderr; stdout gets one tab-separated row per figure:
// name, value, goal, verdict ("ok" / "over" / "-" when there is no goal), runs.
// Exits 1 when a figure could not be measured (never because a figure misses its goal).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { launch, linkFor, BASE_URL } from "../e2e/browser.mjs";

const RUNS = {
  frames: Number(process.env.BENCH_FRAME_RUNS ?? 3),
  firstDiagram: Number(process.env.BENCH_LOAD_RUNS ?? 5),
  scrub: Number(process.env.BENCH_SCRUB_RUNS ?? 5),
};
/** Wall time each frame-time run records, after Play. */
const FRAME_WINDOW_MS = 5_000;
// The goal as the issue states it: one 60 Hz interval. Chromium coarsens timestamps to 0.1 ms,
// so an interval of one vsync (16.67 ms) reads 16.6, 16.7 or 16.8 ms, and a dropped frame 33.3
// or more; the verdict allows that resolution.
const FRAME_GOAL_MS = 16.7;
const TIMER_RESOLUTION_MS = 0.1;
// Timestamp differences are not exact decimals: 16.800000000000182 ms is the 16.8 ms reading.
const FLOAT_SLACK_MS = 1e-6;
const FIRST_DIAGRAM_GOAL_MS = 250;
const SCRUB_GOAL_MS = 50;
const HEAVY_RECORDS_AT_LEAST = 100_000;

const log = (...args) => console.error("   ", ...args);

/**
 * The heavy run, as a share link: the engine benchmark's shape (12 partitions, one producer of
 * 10,000 keyed records per second, three groups of four consumers reading from the earliest
 * offset), opened at 15 s of virtual time: 150,000 records, about 272,000 events to replay
 * (the page replays at most 2,000,000 when a link opens).
 */
const heavyOpenAtMs = 15_000;
const group = (id) => ({
  id,
  topics: ["order-events"],
  consumers: 4,
  config: { auto_offset_reset: "earliest" },
});
const heavy = {
  version: 1,
  name: "benchmark: 12 partitions, 3 groups of 4 consumers, 10,000 records/s",
  seed: 2026,
  topics: [{ name: "order-events", partitions: 12 }],
  producers: [
    {
      name: "order-service",
      topic: "order-events",
      keys: { type: "key_space", prefix: "order-", count: 10_000 },
      rate_per_sec: 10_000,
    },
  ],
  groups: [group("notification"), group("analytics"), group("inventory")],
  script: [],
  open_at_ms: heavyOpenAtMs,
};

/** The seed document's example run (two producers, group A, a crash and a restart), at 10 min. */
const TEN_MINUTES_MS = 600_000;
const example = JSON.parse(
  readFileSync(
    fileURLToPath(new URL("../../engine/examples/scenarios/order-events.json", import.meta.url)),
    "utf8",
  ),
);
const tenMinutes = { ...example, open_at_ms: TEN_MINUTES_MS };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
/** Nearest-rank percentile. */
const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
/** `mm:ss.mmm`, as the page's clock shows virtual time. */
const clock = (ms) =>
  `${String(Math.floor(ms / 60_000)).padStart(2, "0")}:${String(Math.floor(ms / 1000) % 60).padStart(2, "0")}.${String(ms % 1000).padStart(3, "0")}`;

const rows = [];
let unmeasured = 0;
const row = (name, value, goal, verdict, runs) => rows.push([name, value, goal, verdict, runs]);
const ms = (x) => `${x.toFixed(1)} ms`;
const against = (x, goal) => (x <= goal ? "ok" : "over");

/** A fresh context per run: nothing cached from the run before. */
async function freshPage(browser, init) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  return { context, page, errors };
}

/** Records in order-events now: the sum over its partitions of LEO − LWM, as the diagram prints. */
const recordsInDiagram = (page) =>
  page.evaluate(() => {
    let total = 0;
    let partitions = 0;
    for (const list of document.querySelectorAll('[role="list"][aria-label^="order-events-"]')) {
      // The list holds the record cells; the watermarks are beside it in the partition's row.
      const m = list.closest(".partition")?.querySelector(".leo")?.textContent.match(/LWM (\d+)(?: · )?LEO (\d+)/);
      if (!m) return null;
      total += Number(m[2]) - Number(m[1]);
      partitions += 1;
    }
    return { total, partitions };
  });

/** Frame times while the heavy run plays at the top speed. */
async function frameTimes(browser) {
  const url = `${BASE_URL}#${linkFor(heavy)}`;
  const p50s = [];
  const p95s = [];
  const maxes = [];
  let evidence = "";
  for (let run = 1; run <= RUNS.frames; run++) {
    const { context, page, errors } = await freshPage(browser);
    const start = Date.now();
    await page.goto(url);
    await page.getByRole("list", { name: "order-events-0" }).waitFor({ timeout: 120_000 });
    const opened = Date.now() - start;
    const before = await recordsInDiagram(page);
    if (!before || before.partitions !== 12 || before.total < HEAVY_RECORDS_AT_LEAST) {
      throw new Error(`the heavy run opened with ${JSON.stringify(before)}, not 12 partitions and > ${HEAVY_RECORDS_AT_LEAST} records`);
    }
    const speed = page.getByRole("slider", { name: "Speed" });
    await speed.fill((await speed.getAttribute("max")) ?? "10");
    const speedText = await speed.getAttribute("aria-valuetext");
    await page.getByRole("button", { name: "Play", exact: true }).click();
    const stamps = await page.evaluate(
      (window) =>
        new Promise((resolve) => {
          const ts = [];
          const tick = (t) => {
            ts.push(t);
            if (t - ts[0] < window) requestAnimationFrame(tick);
            else resolve(ts);
          };
          requestAnimationFrame(tick);
        }),
      FRAME_WINDOW_MS,
    );
    await page.getByRole("button", { name: "Pause", exact: true }).click();
    const after = await recordsInDiagram(page);
    const simTime = await page.getByRole("timer", { name: "Simulation time" }).textContent();
    if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
    const deltas = stamps.slice(1).map((t, i) => t - stamps[i]);
    const p50 = percentile(deltas, 50);
    const p95 = percentile(deltas, 95);
    const max = Math.max(...deltas);
    log(
      `frames run ${run}: opened in ${opened} ms with ${before.total} records; ${speedText}, ` +
        `${deltas.length} frames: p50 ${p50.toFixed(1)}, p95 ${p95.toFixed(1)}, max ${max.toFixed(1)} ms; ` +
        `${after.total} records at ${simTime}`,
    );
    evidence = `${before.total.toLocaleString("en")}→${after.total.toLocaleString("en")} records`;
    p50s.push(p50);
    p95s.push(p95);
    maxes.push(max);
    await context.close();
  }
  const runs = String(RUNS.frames);
  row("frame time p50, heavy run at top speed", ms(median(p50s)), "-", "-", runs);
  row("frame time p95, heavy run at top speed", ms(median(p95s)), `≤ ${FRAME_GOAL_MS.toFixed(1)} ms`, against(median(p95s), FRAME_GOAL_MS + TIMER_RESOLUTION_MS + FLOAT_SLACK_MS), runs);
  row("frame time max, heavy run at top speed", ms(median(maxes)), "-", "-", runs);
  row("records in the heavy run (last run)", evidence, `> ${HEAVY_RECORDS_AT_LEAST.toLocaleString("en")}`, "ok", "1");
}

/** Navigation to the first order-events-0 partition in the DOM, on the default page. */
async function firstDiagram(browser) {
  const times = [];
  for (let run = 1; run <= RUNS.firstDiagram; run++) {
    const { context, page, errors } = await freshPage(browser, () => {
      const seen = () =>
        document.querySelector('[role="list"][aria-label="order-events-0"]') !== null;
      const observer = new MutationObserver(() => {
        if (seen()) {
          window.__firstDiagramMs = performance.now();
          observer.disconnect();
        }
      });
      observer.observe(document, { childList: true, subtree: true });
    });
    await page.goto(BASE_URL);
    const handle = await page.waitForFunction(() => window.__firstDiagramMs, null, { timeout: 30_000 });
    const t = await handle.jsonValue();
    if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
    log(`first diagram run ${run}: ${t.toFixed(1)} ms after navigation`);
    times.push(t);
    await context.close();
  }
  const m = median(times);
  row("navigation to first diagram, default page", ms(m), `≤ ${FIRST_DIAGRAM_GOAL_MS} ms`, against(m, FIRST_DIAGRAM_GOAL_MS), String(RUNS.firstDiagram));
}

/** Scrubbing a 10-minute run: end → middle (a replay from the start) and middle → end. */
async function scrub(browser) {
  const { context, page, errors } = await freshPage(browser);
  await page.goto(`${BASE_URL}#${linkFor(tenMinutes)}`);
  await page.getByRole("list", { name: "order-events-0" }).waitFor({ timeout: 60_000 });
  const timer = page.getByRole("timer", { name: "Simulation time" });
  if ((await timer.textContent()) !== clock(TEN_MINUTES_MS)) {
    throw new Error(`the 10-minute run opened at ${await timer.textContent()}`);
  }
  // From the input event (window, capture phase: before the page's own handler) to the end of
  // the next rendered frame (a task queued from the next animation frame runs after its paint).
  await page.evaluate(() => {
    window.__scrubs = [];
    window.addEventListener(
      "input",
      (ev) => {
        if (ev.target.getAttribute("aria-label") !== "Timeline") return;
        const t0 = performance.now();
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => {
            window.__scrubs.push({
              ms: performance.now() - t0,
              clock: document.querySelector('[role="timer"][aria-label="Simulation time"]').textContent,
            });
          };
          channel.port2.postMessage(null);
        });
      },
      true,
    );
  });
  const slider = page.getByRole("slider", { name: "Timeline" });
  const max = Number(await slider.getAttribute("max"));
  if (max !== TEN_MINUTES_MS) throw new Error(`the timeline ends at ${max} ms, not ${TEN_MINUTES_MS}`);
  const middle = max / 2;
  const toMiddle = [];
  const toEnd = [];
  for (let run = 1; run <= RUNS.scrub; run++) {
    for (const [target, into] of [[middle, toMiddle], [max, toEnd]]) {
      const n = await page.evaluate(() => window.__scrubs.length);
      await slider.fill(String(target));
      const handle = await page.waitForFunction((n) => window.__scrubs[n], n, { timeout: 30_000 });
      const { ms: took, clock: shown } = await handle.jsonValue();
      if (shown !== clock(target)) {
        throw new Error(`after scrubbing to ${clock(target)} the clock shows ${shown}`);
      }
      into.push(took);
    }
    log(`scrub run ${run}: end → middle ${toMiddle.at(-1).toFixed(1)} ms, middle → end ${toEnd.at(-1).toFixed(1)} ms`);
  }
  if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
  await context.close();
  const runs = String(RUNS.scrub);
  row("scrub 10-min run, end → middle (replay)", ms(median(toMiddle)), `≤ ${SCRUB_GOAL_MS} ms`, against(median(toMiddle), SCRUB_GOAL_MS), runs);
  row("scrub 10-min run, middle → end", ms(median(toEnd)), `≤ ${SCRUB_GOAL_MS} ms`, against(median(toEnd), SCRUB_GOAL_MS), runs);
}

const browser = await launch();
for (const [name, measure, names] of [
  ["frame times", frameTimes, ["frame time p50, heavy run at top speed", "frame time p95, heavy run at top speed", "frame time max, heavy run at top speed", "records in the heavy run (last run)"]],
  ["first diagram", firstDiagram, ["navigation to first diagram, default page"]],
  ["scrubbing", scrub, ["scrub 10-min run, end → middle (replay)", "scrub 10-min run, middle → end"]],
]) {
  console.error(`==> page: ${name}`);
  try {
    await measure(browser);
  } catch (e) {
    console.error(`    could not measure ${name}: ${e.message}`);
    for (const n of names) row(n, "n/a", "", "NOT MEASURED", "");
    unmeasured += 1;
  }
}
await browser.close();
for (const r of rows) console.log(r.join("\t"));
process.exit(unmeasured ? 1 : 0);
