/** Redaction of every secret kind in text and JSON output; the ALERT contract. */

import assert from "node:assert/strict";
import {
  addSecret,
  alert,
  clearSecrets,
  formatAlertFields,
  log,
  onAlert,
  setupLogging,
} from "../../lib/log.ts";
import { totpAt } from "../../lib/totp/mod.ts";

const PASSWORD = 'Pa55 "quoted" word';
const TOKEN = "tok-3f9a1c77e2";
const TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

function capture(format: "text" | "json"): string[] {
  const lines: string[] = [];
  setupLogging({ level: "debug", format, write: (l) => lines.push(l) });
  return lines;
}

for (const format of ["text", "json"] as const) {
  Deno.test(`${format}: configured secrets, codes and account ids never reach output`, () => {
    clearSecrets();
    addSecret(PASSWORD);
    addSecret(TOKEN);
    addSecret(TOTP_SECRET);
    const lines = capture(format);
    const { code } = totpAt(TOTP_SECRET, Date.now());
    const logger = log("test");
    logger.info(`password is ${PASSWORD}, token ${TOKEN}`);
    logger.info("props {pw} {tok} {secret}", { pw: PASSWORD, tok: TOKEN, secret: TOTP_SECRET });
    logger.warn(`typed code ${code} for account DU1234567 and U7654321`);
    logger.error("secret in lower case with spaces: {s}", {
      s: "jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp",
    });
    alert("ALERT_TEST", { account: "DU9999999", detail: `pw=${PASSWORD}` });
    const out = lines.join("");
    assert.equal(lines.length, 5);
    for (const s of [PASSWORD, JSON.stringify(PASSWORD).slice(1, -1), TOKEN, TOTP_SECRET, code]) {
      assert.ok(!out.includes(s), `leaked ${s} in ${format}`);
    }
    assert.ok(!/\b(DU|U)\d{5,}/.test(out), "account id leaked");
    assert.match(out, /DU\[REDACTED\]/);
    assert.match(out, /\*\*\*/);
    if (format === "json") { for (const l of lines) JSON.parse(l); }
  });
}

Deno.test("short values are not registered (they would shred unrelated output)", () => {
  clearSecrets();
  addSecret("ab");
  const lines = capture("text");
  log("test").info("about abc");
  assert.match(lines.join(""), /about abc/);
});

Deno.test("ALERT lines: token first, key=value, values with spaces quoted, subscribers told", () => {
  clearSecrets();
  const lines = capture("json");
  const seen: string[] = [];
  const off = onAlert((e) => seen.push(`${e.token}:${e.fields.mode}`));
  alert("ALERT_LOGIN_FAILED", {
    mode: "paper",
    reason: "bad-credentials",
    hint: "check the password",
  });
  off();
  alert("ALERT_OTHER", {});
  assert.deepEqual(seen, ["ALERT_LOGIN_FAILED:paper"]);
  const rec = JSON.parse(lines[0]);
  assert.equal(
    rec.message,
    'ALERT_LOGIN_FAILED mode=paper reason=bad-credentials hint="check the password"',
  );
  assert.equal(rec.alert, "ALERT_LOGIN_FAILED");
  assert.equal(rec.mode, "paper");
  assert.equal(rec.level, "ERROR");
  assert.equal(formatAlertFields({ a: null, b: undefined, c: "" }), 'a=none c=""');
});
