// Adds the Content-Security-Policy to a release build: a <meta> element at the top of
// dist/index.html, so the policy holds on any static host, even one that cannot send headers.
// trunk writes one inline module script (the loader); the policy allows exactly that script
// by its SHA-256 hash, so the hash is computed here, after every build.
//
//   node tools/csp.mjs [dist-dir]      prints the policy it wrote
import { readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";

const dist = process.argv[2] ?? "dist";
const path = join(dist, "index.html");
let html = readFileSync(path, "utf8").replace(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/, "");

const hashes = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)]
  .filter(([, body]) => body.trim() !== "")
  .map(([, body]) => `'sha256-${createHash("sha256").update(body, "utf8").digest("base64")}'`);

export const policy = [
  "default-src 'none'",
  // The loader (by hash), the wasm-bindgen glue, and compiling the wasm module.
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(" ")}`.trim(),
  // Fetching the wasm module and, on demand, lesson files.
  "connect-src 'self'",
  // The stylesheet; the diagram sets colours in style attributes (no <style> elements).
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}">`;
html = html.replace(/(<meta charset="utf-8">)/, `$1\n    ${meta}`);
writeFileSync(path, html);
console.log(policy);
