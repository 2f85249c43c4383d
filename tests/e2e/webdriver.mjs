// A small W3C WebDriver client for the end-to-end tests in Firefox: Playwright drives only its
// own Firefox build, which these machines cannot download, while geckodriver drives Debian's
// Firefox ESR (the same pair the wasm component tests use).
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:net";

// The W3C web element identifier.
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts geckodriver and a headless Firefox session; returns the session's commands. */
export async function firefox() {
  const geckodriver = process.env.GECKODRIVER
    ?? execFileSync("sh", ["-c", "command -v geckodriver"]).toString().trim();
  const port = await freePort();
  const driver = spawn(geckodriver, ["--port", String(port)], { stdio: "ignore" });
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, path, body) => {
    const res = await fetch(base + path, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${json.value?.message ?? res.status}`);
    return json.value;
  };
  for (let i = 0; ; i++) {
    try {
      if ((await call("GET", "/status")).ready) break;
    } catch (e) {
      if (i > 100) throw e;
    }
    await sleep(100);
  }
  const { sessionId } = await call("POST", "/session", {
    capabilities: {
      alwaysMatch: {
        browserName: "firefox",
        "moz:firefoxOptions": { args: ["-headless", "--width=1280", "--height=800"] },
      },
    },
  });
  const s = `/session/${sessionId}`;
  const session = {
    /** Opens `url`. */
    go: (url) => call("POST", `${s}/url`, { url }),
    /** Runs `script` (a function body; `arguments` are `args`) in the page and returns its value. */
    run: (script, ...args) => call("POST", `${s}/execute/sync`, { script, args }),
    /** Every element matching the CSS `selector`. */
    all: async (selector) =>
      (await call("POST", `${s}/elements`, { using: "css selector", value: selector })).map((e) => e[ELEMENT]),
    /** Clicks an element found by `all`, as the user would. */
    click: (id) => call("POST", `${s}/element/${id}/click`, {}),
    /** Waits until `predicate` (a function body returning a truthy value) holds, and returns its value. */
    async until(predicate, timeoutMs = 15_000, ...args) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const value = await session.run(predicate, ...args);
        if (value) return value;
        if (Date.now() > end) throw new Error(`timed out waiting for: ${predicate}`);
        await sleep(100);
      }
    },
    async close() {
      try {
        await call("DELETE", s);
      } finally {
        driver.kill();
      }
    },
  };
  return session;
}
