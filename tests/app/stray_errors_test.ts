/** A promise rejection nobody handled is logged with the mark while `run` supervises. */

import assert from "node:assert/strict";
import { addSecret, clearSecrets, setupLogging } from "../../lib/log.ts";
import { catchStrayRejections, STRAY_ERROR_MARK } from "../../lib/app/stray_errors.ts";
import { pollUntil } from "../support/poll.ts";

Deno.test("a stray rejection is logged (secrets redacted), not fatal; release restores the default", async () => {
  const lines: string[] = [];
  setupLogging({ level: "info", format: "text", write: (l) => lines.push(l) });
  clearSecrets();
  addSecret("hunter2-secret");
  const release = catchStrayRejections();
  try {
    Promise.reject(new Error("the dialog did not appear (password hunter2-secret)"));
    // Unhandled rejections are reported once the microtask queue has drained: wait for the line.
    await pollUntil(() => lines.some((l) => l.includes(STRAY_ERROR_MARK)), {
      deadlineMs: 5_000,
      name: "deadlineMs",
      what: "the stray rejection logged",
    });
    const stray = lines.filter((l) => l.includes(STRAY_ERROR_MARK));
    assert.equal(stray.length, 1, lines.join(""));
    assert.match(stray[0], /\[ERR\].*the dialog did not appear/);
    assert.doesNotMatch(stray[0], /hunter2-secret/);
  } finally {
    release();
    clearSecrets();
  }
  // Released: a new listener sees the next rejection and nothing more is logged by ours.
  let seen = 0;
  const other = (e: PromiseRejectionEvent) => {
    seen++;
    e.preventDefault();
  };
  globalThis.addEventListener("unhandledrejection", other);
  try {
    Promise.reject(new Error("after release"));
    // Every listener hears the same event: once the other one has, ours would have too.
    await pollUntil(() => seen > 0, { deadlineMs: 5_000, name: "deadlineMs", what: "the event" });
  } finally {
    globalThis.removeEventListener("unhandledrejection", other);
  }
  assert.equal(seen, 1);
  assert.equal(lines.filter((l) => l.includes(STRAY_ERROR_MARK)).length, 1);
});
