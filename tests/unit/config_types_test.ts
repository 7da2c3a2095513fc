/** Every setting type, valid and invalid. */

import assert from "node:assert/strict";
import * as t from "../../lib/config/types.ts";

Deno.test("text trims; secret keeps edge spaces but drops a trailing newline", () => {
  assert.deepEqual(t.text.parse("  a b  "), { ok: true, value: "a b" });
  assert.deepEqual(t.secret.parse(" pw \n"), { ok: true, value: " pw " });
  assert.equal(t.secret.format("x"), "***");
});

Deno.test("int with range", () => {
  const ty = t.int(5, 10);
  assert.deepEqual(ty.parse("7"), { ok: true, value: 7 });
  assert.deepEqual(ty.parse(" 10 "), { ok: true, value: 10 });
  for (const bad of ["4", "11", "7.5", "seven", "", "0x7"]) {
    assert.equal(ty.parse(bad).ok, false, bad);
  }
});

Deno.test("port", () => {
  assert.deepEqual(t.port.parse("7462"), { ok: true, value: 7462 });
  for (const bad of ["0", "65536", "-1", "http"]) assert.equal(t.port.parse(bad).ok, false, bad);
});

Deno.test("bool accepts yes/no/true/false/1/0/on/off in any case", () => {
  for (const y of ["yes", "YES", "true", "True", "1", "on", "ON"]) {
    assert.deepEqual(t.bool.parse(y), { ok: true, value: true }, y);
  }
  for (const n of ["no", "No", "false", "0", "off", "OFF"]) {
    assert.deepEqual(t.bool.parse(n), { ok: true, value: false }, n);
  }
  for (const bad of ["y", "2", "enable", ""]) assert.equal(t.bool.parse(bad).ok, false, bad);
});

Deno.test("enum is case-insensitive and returns the lower-case word", () => {
  const ty = t.oneOf("live", "paper", "both");
  assert.deepEqual(ty.parse("PAPER"), { ok: true, value: "paper" });
  const r = ty.parse("sideways");
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.expected : "", /live, paper, both/);
});

Deno.test("clock HH:MM", () => {
  assert.deepEqual(t.clock.parse("23:45"), { ok: true, value: { hour: 23, minute: 45 } });
  assert.deepEqual(t.clock.parse("7:05"), { ok: true, value: { hour: 7, minute: 5 } });
  for (const bad of ["24:00", "12:60", "1245", "11:45 PM"]) {
    assert.equal(t.clock.parse(bad).ok, false, bad);
  }
  assert.equal(t.clock.format({ hour: 7, minute: 5 }), "07:05");
});

Deno.test("time12 hh:mm AM|PM", () => {
  assert.deepEqual(t.time12.parse("11:45 PM"), {
    ok: true,
    value: { hour: 11, minute: 45, period: "PM" },
  });
  assert.deepEqual(t.time12.parse("06:30am"), {
    ok: true,
    value: { hour: 6, minute: 30, period: "AM" },
  });
  for (const bad of ["13:00 PM", "0:30 AM", "11:45", "23:45", "11:61 AM"]) {
    assert.equal(t.time12.parse(bad).ok, false, bad);
  }
  assert.equal(t.time12.format({ hour: 6, minute: 30, period: "AM" }), "06:30 AM");
});

Deno.test("host", () => {
  for (const good of ["ndc1.ibllc.com", "localhost", "10.0.0.1", "::1", "fe80::1"]) {
    assert.equal(t.host.parse(good).ok, true, good);
  }
  for (const bad of ["http://x", "a b", "host:4001", "-bad.com", ""]) {
    assert.equal(t.host.parse(bad).ok, false, bad);
  }
});

Deno.test("path expands ~ and refuses empty", () => {
  const home = Deno.env.get("HOME")!;
  assert.deepEqual(t.path.parse("~/Jts"), { ok: true, value: `${home}/Jts` });
  assert.deepEqual(t.path.parse("/opt/x"), { ok: true, value: "/opt/x" });
  assert.equal(t.path.parse("  ").ok, false);
});

Deno.test("list splits on commas and semicolons, trims, dedupes, validates items", () => {
  assert.deepEqual(t.list().parse("a, b;c,,a"), { ok: true, value: ["a", "b", "c"] });
  const hosts = t.list(t.host);
  assert.deepEqual(hosts.parse("10.0.0.1, gw.local"), {
    ok: true,
    value: ["10.0.0.1", "gw.local"],
  });
  const r = hosts.parse("10.0.0.1, not a host");
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.expected : "", /"not a host"/);
});

Deno.test("TOTP secret: base32, spaces and case normalised", () => {
  assert.deepEqual(t.totpSecret.parse("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"), {
    ok: true,
    value: { secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", period: 30, digits: 6, algorithm: "SHA1" },
  });
  for (const bad of ["not base32!", "GEZDGNBV18", "SHORT"]) {
    assert.equal(t.totpSecret.parse(bad).ok, false, bad);
  }
});

Deno.test("time zone", () => {
  assert.equal(t.timeZone.parse("America/New_York").ok, true);
  assert.equal(t.timeZone.parse("Mars/Olympus").ok, false);
});

Deno.test("TOTP secret as the otpauth:// URI of IBKR's QR code; bad URIs name the parameter, never the secret", () => {
  const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
  assert.deepEqual(t.totpSecret.parse(`otpauth://totp/IBKR:jdoe?secret=${secret}&issuer=IBKR`), {
    ok: true,
    value: { secret, period: 30, digits: 6, algorithm: "SHA1" },
  });
  assert.deepEqual(
    t.totpSecret.parse(
      `OTPAUTH://TOTP/x?secret=${secret.toLowerCase()}&period=60&digits=8&algorithm=sha512`,
    ),
    { ok: true, value: { secret, period: 60, digits: 8, algorithm: "SHA512" } },
  );
  const cases: [string, RegExp][] = [
    [`otpauth://hotp/x?secret=${secret}&counter=1`, /totp/],
    ["otpauth://totp/x?secret=SHORT", /secret=/],
    [`otpauth://totp/x?secret=${secret}&period=0`, /period=/],
    [`otpauth://totp/x?secret=${secret}&digits=4`, /digits=/],
    [`otpauth://totp/x?secret=${secret}&algorithm=MD5`, /algorithm=/],
  ];
  for (const [uri, names] of cases) {
    const r = t.totpSecret.parse(uri);
    assert.ok(!r.ok, uri);
    assert.match(r.expected, names);
    assert.ok(!r.expected.includes(secret), "the problem does not quote the secret");
  }
});
