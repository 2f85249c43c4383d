// The parts of `./playground bench` that are not timings, and its table.
//
//   node tests/bench/figures.mjs sizes [dist]     release build sizes, from tests/size-report.mjs
//   node tests/bench/figures.mjs lesson-links     each built-in lesson's link length, made by kplay
//   node tests/bench/figures.mjs table ROWS       prints ROWS (the rows every part wrote) as a table
//
// `sizes` and `lesson-links` print tab-separated rows (name, value, goal, verdict, runs) on
// stdout and their details on stderr; they exit 1 only when a figure could not be measured.
// `table` exits 1 when a row says NOT MEASURED.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const row = (...cells) => console.log(cells.join("\t"));
const [command, arg] = process.argv.slice(2);

/** Runs the size report and sums its rows by kind (wasm, JS, CSS); their total against the goal. */
function sizes(dist = "dist") {
  const report = spawnSync(process.execPath, [join(root, "tests/size-report.mjs"), dist], {
    cwd: root,
    encoding: "utf8",
  });
  process.stderr.write(report.stdout + report.stderr);
  // Rows are `kind file raw gzip brotli` with sizes as `123.4 kB`; the report exits 1 above its
  // regression ceiling, which is a figure here, not a failure to measure.
  const kB = String.raw`([\d.]+) kB`;
  const byKind = new Map();
  for (const line of report.stdout.split("\n")) {
    const m = line.match(new RegExp(String.raw`^(\S+)\s+(\S*)\s+${kB}\s+${kB}\s+${kB}$`));
    if (!m) continue;
    const values = m.slice(3).map(Number);
    // A hidden folder (trunk's `.stage` while another build runs) is not part of the build.
    const hidden = m[2].split("/").some((part) => part.startsWith("."));
    if (m[1] === "kind" || m[1] === "total" || hidden) continue;
    const sum = byKind.get(m[1]) ?? [0, 0, 0];
    byKind.set(m[1], sum.map((v, i) => v + values[i]));
  }
  const goal = report.stdout.match(/goal ≤ ([\d.]+) kB/);
  const total = [...byKind.values()].reduce((t, v) => t.map((x, i) => x + v[i]), [0, 0, 0]);
  if (!goal || byKind.size === 0) {
    console.error("could not read the size report");
    process.exit(1);
  }
  const show = ([raw, gzip, brotli]) =>
    `${raw.toFixed(1)} / ${gzip.toFixed(1)} / ${brotli.toFixed(1)} kB`;
  for (const kind of ["wasm", "JS", "CSS"]) {
    if (byKind.has(kind)) row(`${kind}, raw / gzip / brotli`, show(byKind.get(kind)), "-", "-", "1");
  }
  row("release build, raw / gzip / brotli", show(total), "-", "-", "1");
  row("release build, brotli total", `${total[2].toFixed(1)} kB`, `≤ ${goal[1]} kB`, total[2] <= Number(goal[1]) ? "ok" : "over", "1");
}

const LINK_GOAL_CHARS = 1_500;
const chars = (n) => `${n.toLocaleString("en")} chars`;

/**
 * Each lesson's scenario (the "scenario" key of public/lessons/ID.json, in the index's order)
 * made into a link by `kplay link`, as the engine makes every link (its compact JSON, zlib).
 */
function lessonLinks() {
  const dir = join(root, "public/lessons");
  const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8"));
  const tmp = mkdtempSync(join(tmpdir(), "kplay-lessons-"));
  const kplay = (...args) =>
    execFileSync("cargo", ["run", "--quiet", "--profile", "fast", "-p", "kplay-engine", "--bin", "kplay", "--", ...args], {
      cwd: root,
      encoding: "utf8",
    });
  try {
    for (const { id } of index) {
      try {
        const lesson = JSON.parse(readFileSync(join(dir, `${id}.json`), "utf8"));
        const file = join(tmp, `${id}.json`);
        writeFileSync(file, JSON.stringify(lesson.scenario));
        const link = kplay("link", file).trim();
        if (!link.startsWith("k1.")) throw new Error(`kplay link printed ${link.slice(0, 80)}`);
        console.error(`    ${id}: ${link.length} characters`);
        const verdict = link.length <= LINK_GOAL_CHARS ? "ok" : "over";
        row(`lesson link: ${id}`, chars(link.length), `≤ ${chars(LINK_GOAL_CHARS)}`, verdict, "1");
      } catch (e) {
        console.error(`    ${id}: ${e.message}`);
        row(`lesson link: ${id}`, "n/a", `≤ ${chars(LINK_GOAL_CHARS)}`, "NOT MEASURED", "");
        process.exitCode = 1;
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The rows as a table, widths by characters; exit 1 when one could not be measured. */
function table(file) {
  const rows = readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => l.split("\t"));
  const header = ["figure", "value", "goal", "verdict", "runs (median of)"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells) => cells.map((c, i) => (c ?? "").padEnd(widths[i])).join("  ").trimEnd();
  console.log(line(header));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const r of rows) console.log(line(r));
  const missing = rows.filter((r) => r[3] === "NOT MEASURED").length;
  if (missing) {
    console.log(`\n${missing} figure(s) could not be measured`);
    process.exit(1);
  }
}

if (command === "sizes") sizes(arg);
else if (command === "lesson-links") lessonLinks();
else if (command === "table" && arg) table(arg);
else {
  console.error("usage: node tests/bench/figures.mjs sizes [dist] | lesson-links | table ROWS");
  process.exit(2);
}
