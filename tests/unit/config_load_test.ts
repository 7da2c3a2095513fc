/** Loading: env, _FILE secrets, flags, every problem at once, computed defaults. */

import assert from "node:assert/strict";
import {
  ConfigError,
  describeConfig,
  loadConfig,
  SCHEMA,
  secretValues,
  SETTING_NAMES,
} from "../../lib/config/mod.ts";

const SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

function problems(fn: () => unknown): { name: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  assert.fail("expected a ConfigError");
}

Deno.test("defaults, env and flags with their sources", () => {
  const c = loadConfig({
    env: { TWS_USERID: "alice", TRADING_MODE: "LIVE", JAVA_HEAP_SIZE: "1024" },
    overrides: { TRADING_MODE: "paper" },
    home: "/home/u",
  });
  assert.equal(c.values.TWS_USERID, "alice");
  assert.equal(c.sources.TWS_USERID, "env");
  assert.equal(c.values.TRADING_MODE, "paper");
  assert.equal(c.sources.TRADING_MODE, "flag");
  assert.equal(c.values.JAVA_HEAP_SIZE, 1024);
  assert.equal(c.values.TWOFA_EXIT_INTERVAL, 60);
  assert.equal(c.sources.TWOFA_EXIT_INTERVAL, "default");
  assert.equal(c.values.TWS_PATH, "/home/u/Jts");
  assert.equal(c.values.TWS_SETTINGS_PATH, "/home/u/Jts");
  assert.equal(c.values.READ_ONLY_API, undefined);
});

Deno.test("an empty variable counts as unset (compose files pass VAR= )", () => {
  const c = loadConfig({ env: { TWOFA_DEVICE: "", TRADING_MODE: "" }, home: "/h" });
  assert.equal(c.values.TWOFA_DEVICE, undefined);
  assert.equal(c.values.TRADING_MODE, "paper");
});

Deno.test("_FILE secrets are read and trimmed of the final newline", () => {
  const files: Record<string, string> = {
    "/run/secrets/pw": "s3cret pw\n",
    "/run/secrets/totp": SECRET + "\n",
  };
  const c = loadConfig({
    env: { TWS_PASSWORD_FILE: "/run/secrets/pw", TWOFACTOR_CODE_FILE: "/run/secrets/totp" },
    readFile: (p) => {
      if (!(p in files)) throw new Deno.errors.NotFound(`No such file: ${p}`);
      return files[p];
    },
    home: "/h",
  });
  assert.equal(c.values.TWS_PASSWORD, "s3cret pw");
  assert.equal(c.sources.TWS_PASSWORD, "file");
  assert.equal(c.values.TWOFACTOR_CODE?.secret, SECRET);
});

Deno.test("both NAME and NAME_FILE set is an error; unreadable file names the path", () => {
  const ps = problems(() =>
    loadConfig({
      env: { TWS_PASSWORD: "a", TWS_PASSWORD_FILE: "/x", TWOFACTOR_CODE_FILE: "/missing" },
      readFile: (p) => {
        throw new Deno.errors.NotFound(`No such file or directory (os error 2): ${p}`);
      },
    })
  );
  assert.equal(ps.length, 2);
  assert.equal(ps[0].name, "TWS_PASSWORD");
  assert.match(ps[0].message, /both TWS_PASSWORD and TWS_PASSWORD_FILE/);
  assert.equal(ps[1].name, "TWOFACTOR_CODE_FILE");
  assert.match(ps[1].message, /"\/missing"/);
});

Deno.test("several problems are reported at once, secrets redacted, forms named", () => {
  const ps = problems(() =>
    loadConfig({
      env: {
        TRADING_MODE: "sideways",
        TWOFACTOR_CODE: "not base32!",
        CONTROLLER_COMMAND_SERVER_PORT: "99999",
        AUTO_RESTART_TIME: "23:45",
        READ_ONLY_API: "maybe",
      },
    })
  );
  assert.deepEqual(ps.map((p) => p.name), [
    "TRADING_MODE",
    "TWOFACTOR_CODE",
    "READ_ONLY_API",
    "AUTO_RESTART_TIME",
    "CONTROLLER_COMMAND_SERVER_PORT",
  ]);
  const text = new ConfigError(ps).message;
  assert.match(text, /"sideways"/);
  assert.doesNotMatch(text, /not base32!/);
  assert.match(text, /hh:mm AM or hh:mm PM/);
  assert.match(text, /port 1-65535/);
});

Deno.test("secrets are refused on the command line", () => {
  const ps = problems(() => loadConfig({ env: {}, overrides: { TWS_PASSWORD: "x" } }));
  assert.equal(ps[0].name, "TWS_PASSWORD");
  assert.match(ps[0].message, /never taken from the command line/);
});

Deno.test("unknown override and _FILE on a non-secret are errors", () => {
  const ps = problems(() =>
    loadConfig({ env: { TWS_USERID_FILE: "/x" }, overrides: { NOPE: "1" } })
  );
  assert.deepEqual(ps.map((p) => p.name), ["TWS_USERID_FILE", "NOPE"]);
});

Deno.test("DUAL_MODE=yes is the gnzsnz alias of TRADING_MODE=both; FIX=yes is refused", () => {
  assert.equal(loadConfig({ env: { DUAL_MODE: "yes" }, home: "/h" }).values.TRADING_MODE, "both");
  const ps = problems(() => loadConfig({ env: { FIX: "yes" } }));
  assert.match(ps[0].message, /FIX CTCI login is not supported/);
});

Deno.test("an otpauth:// URI's period bounds the TOTP margin; its secret is what gets redacted", () => {
  const uri = (period: number) => `otpauth://totp/IBKR:bob?secret=${SECRET}&period=${period}`;
  const c = loadConfig({ env: { TWOFACTOR_CODE: uri(3), PILOT_TOTP_MARGIN_SECONDS: "1" } });
  assert.equal(c.values.TWOFACTOR_CODE?.period, 3);
  assert.deepEqual(secretValues(c.values), [SECRET]);
  // The default margin (3 s) leaves no 3 s code fresh enough: named, with the fix.
  const ps = problems(() => loadConfig({ env: { TWOFACTOR_CODE: uri(3) } }));
  assert.deepEqual(ps.map((p) => p.name), ["PILOT_TOTP_MARGIN_SECONDS"]);
  assert.match(ps[0].message, /not shorter than the 3 s period of TWOFACTOR_CODE's codes.*below 3/);
  assert.doesNotMatch(ps[0].message, new RegExp(SECRET));
});

Deno.test("describeConfig shows *** for secrets and never the value", () => {
  const c = loadConfig({ env: { TWS_PASSWORD: "hunter2pw", TWS_USERID: "bob" }, home: "/h" });
  const rows = describeConfig(c);
  const pw = rows.find((r) => r.name === "TWS_PASSWORD")!;
  assert.equal(pw.value, "***");
  assert.ok(!JSON.stringify(rows).includes("hunter2pw"));
});

Deno.test("every schema row has a doc, a group and a type", () => {
  for (const name of SETTING_NAMES) {
    const d = SCHEMA[name];
    assert.ok(d.doc.length > 10, name);
    assert.ok(d.group, name);
    assert.ok(d.type.form, name);
    assert.match(name, /^[A-Z][A-Z0-9_]*$/);
  }
});
