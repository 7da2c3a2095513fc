/** RFC 6238 vectors, agreement with oathtool, and the fresh-code rule at the 30 s boundary. */

import assert from "node:assert/strict";
import { freshCode, totpAt } from "../../lib/totp/mod.ts";
import { IBKR_TOTP, totpSecret } from "../../lib/config/types.ts";

// RFC 6238 appendix B, SHA1, secret ASCII "12345678901234567890", 8 digits.
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const VECTORS: [number, string][] = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

Deno.test("RFC 6238 SHA1 vectors", () => {
  for (const [t, code] of VECTORS) {
    assert.equal(totpAt({ secret: RFC_SECRET, ...IBKR_TOTP, digits: 8 }, t * 1000).code, code);
  }
});

Deno.test("agrees with oathtool at fixed times", async () => {
  const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
  for (const t of [59, 1111111109, 1700000000, 1800000029]) {
    const iso = new Date(t * 1000).toISOString().replace(/\.\d+Z$/, "Z");
    // The secret goes through stdin-free argv only in this test process, never in ibg-pilot.
    const out = await new Deno.Command("oathtool", {
      args: ["--totp", "-b", "-N", iso, secret],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    assert.equal(
      totpAt(secret, t * 1000).code,
      new TextDecoder().decode(out.stdout).trim(),
      `T=${t}`,
    );
  }
});

Deno.test("fresh-code rule: a code with less than the margin left waits for the next window", () => {
  const secret = RFC_SECRET;
  const windowStart = 1_700_000_010_000; // a multiple of 30 s
  assert.equal(windowStart % 30_000, 0);
  // 4 s left, margin 3 s: ready.
  const early = freshCode(secret, windowStart + 26_000, 3);
  assert.ok(early.ready);
  assert.equal(early.code.remainingMs, 4_000);
  // Exactly 3 s left: still ready (not less than the margin).
  assert.ok(freshCode(secret, windowStart + 27_000, 3).ready);
  // 2.999 s left: wait until the next window starts.
  const late = freshCode(secret, windowStart + 27_001, 3);
  assert.deepEqual(late, { ready: false, waitMs: 2_999 });
  // At the next window, a new code is ready and differs from the previous one.
  const next = freshCode(secret, windowStart + 30_000, 3);
  assert.ok(next.ready && early.ready);
  assert.notEqual(next.code.code, early.code.code);
  assert.equal(next.code.counter, early.code.counter + 1);
});

Deno.test("a rejected code's window is skipped: the retry uses the next code", () => {
  const now = 1_700_000_010_000 + 5_000;
  const first = freshCode(RFC_SECRET, now, 3);
  assert.ok(first.ready);
  const retry = freshCode(RFC_SECRET, now + 1_000, 3, first.code.counter);
  assert.deepEqual(retry, { ready: false, waitMs: 24_000 });
});

Deno.test("an otpauth:// URI key: its period, digits and algorithm make the codes (oathtool agrees)", async () => {
  const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
  const uri =
    `otpauth://totp/IBKR:jdoe?secret=${secret}&issuer=IBKR&period=3&digits=8&algorithm=SHA256`;
  const parsed = totpSecret.parse(uri);
  assert.ok(parsed.ok);
  const key = parsed.value;
  assert.deepEqual(key, { secret, period: 3, digits: 8, algorithm: "SHA256" });
  for (const t of [59, 1111111109, 1700000002]) {
    const iso = new Date(t * 1000).toISOString().replace(/\.\d+Z$/, "Z");
    const out = await new Deno.Command("oathtool", {
      args: ["--totp=sha256", "-s", "3s", "-d", "8", "-b", "-N", iso, secret],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    assert.equal(totpAt(key, t * 1000).code, new TextDecoder().decode(out.stdout).trim(), `T=${t}`);
  }
  // A 3 s period: a rejected code's retry waits at most 3 s, not 30.
  const now = 1_700_000_002_000; // 1 s into a 3 s window
  const first = freshCode(key, now, 1);
  assert.ok(first.ready);
  assert.deepEqual(freshCode(key, now + 500, 1, first.code.counter), {
    ready: false,
    waitMs: 1_500,
  });
});
