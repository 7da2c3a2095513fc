import assert from "node:assert/strict";
import { join } from "node:path";
import { isGatewayError } from "../../lib/gateway/errors.ts";
import {
  editJtsIni,
  ensureJtsIni,
  getIniValue,
  parseIni,
  serialiseIni,
  setIniValue,
} from "../../lib/gateway/jtsini.ts";
import { put, tempDir } from "./_fixtures.ts";

const TODAY = new Date("2026-03-14T12:00:00Z");

const USER_FILE = `# written by hand
[IBGateway]
WriteDebug=true
TrustedIPs=10.0.0.1
LocalServerPort=4002
; a comment inside
ApiOnly=false

[Logon]
s3store=false
Locale=de
Individual=1
tradingMode=p
UseSSL = false

[Unknown Section]
foo=bar=baz
weird line without equals
`;

Deno.test("round trip: parse and serialise give the same text (LF, CRLF, no final newline)", () => {
  for (const text of [USER_FILE, USER_FILE.replaceAll("\n", "\r\n"), "[A]\nk=v", ""]) {
    assert.equal(serialiseIni(parseIni(text)), text);
  }
});

Deno.test("setIniValue: rewrite in place, insert after the section's last key, append section", () => {
  let doc = parseIni("[A]\nx=1\n\n[B]\ny=2\n");
  doc = setIniValue(doc, "A", "x", "9");
  doc = setIniValue(doc, "A", "z", "3");
  doc = setIniValue(doc, "C", "w", "4");
  assert.equal(serialiseIni(doc), "[A]\nx=9\nz=3\n\n[B]\ny=2\n\n[C]\nw=4\n");
  assert.equal(getIniValue(doc, "B", "y"), "2");
  assert.equal(getIniValue(doc, "B", "x"), undefined);
});

Deno.test("owned keys forced, if-missing keys respected, everything else kept in order", () => {
  const { text, changed } = editJtsIni(USER_FILE, {
    tradingMode: "paper",
    timeZone: "America/New_York",
    trustedIps: ["172.17.0.1", "127.0.0.1"],
    today: TODAY,
  });
  assert.equal(
    text,
    `# written by hand
[IBGateway]
WriteDebug=true
TrustedIPs=127.0.0.1,172.17.0.1
LocalServerPort=4002
; a comment inside
ApiOnly=true

[Logon]
s3store=false
Locale=en
Individual=1
tradingMode=p
UseSSL=true
displayedproxymsg=1
TimeZone=America/New_York

[Unknown Section]
foo=bar=baz
weird line without equals
`,
  );
  assert.deepEqual(changed.sort(), [
    "IBGateway.ApiOnly",
    "IBGateway.TrustedIPs",
    "Logon.Locale",
    "Logon.TimeZone",
    "Logon.UseSSL",
    "Logon.displayedproxymsg",
  ]);
  // Idempotent: a second pass changes nothing.
  const again = editJtsIni(text, {
    tradingMode: "paper",
    timeZone: "America/New_York",
    trustedIps: ["172.17.0.1"],
    today: TODAY,
  });
  assert.deepEqual(again.changed, []);
  assert.equal(again.text, text);
});

Deno.test("a missing file is created with the defaults", () => {
  const { text } = editJtsIni(undefined, { tradingMode: "live", today: TODAY });
  assert.equal(
    text,
    "[Logon]\ns3store=true\nLocale=en\ndisplayedproxymsg=1\nUseSSL=true\n\n" +
      "[IBGateway]\nApiOnly=true\nTrustedIPs=127.0.0.1\nWriteDebug=false\n",
  );
});

Deno.test("server keys: live uses TWS_SERVER, paper TWS_SERVER_PAPER; no RemoteHostOrderRouting", () => {
  const live = editJtsIni(undefined, {
    tradingMode: "live",
    server: "ndc1.ibllc.com",
    serverPaper: "cdc1.ibllc.com",
    region: "usr",
    today: TODAY,
  }).text;
  const doc = parseIni(live);
  assert.equal(getIniValue(doc, "Logon", "SupportsSSL"), "ndc1.ibllc.com:4000,true,20260314,false");
  assert.equal(getIniValue(doc, "Communication", "Peer"), "ndc1.ibllc.com:4001");
  assert.equal(getIniValue(doc, "Communication", "Region"), "usr");
  assert.ok(!live.includes("RemoteHostOrderRouting"));

  const paper = parseIni(
    editJtsIni(live, {
      tradingMode: "paper",
      server: "ndc1.ibllc.com",
      serverPaper: "cdc1.ibllc.com",
      today: TODAY,
    }).text,
  );
  assert.equal(getIniValue(paper, "Communication", "Peer"), "cdc1.ibllc.com:4001");
  assert.ok(getIniValue(paper, "Logon", "SupportsSSL")?.startsWith("cdc1.ibllc.com:4000,"));
  assert.equal(getIniValue(paper, "Communication", "Region"), "usr"); // not ours to remove

  const paperFallback = parseIni(
    editJtsIni(undefined, { tradingMode: "paper", server: "gdc1.ibllc.com" }).text,
  );
  assert.equal(getIniValue(paperFallback, "Communication", "Peer"), "gdc1.ibllc.com:4001");
});

Deno.test("an existing SupportsSSL line for the same host is kept (no daily churn)", () => {
  const old = "[Logon]\nSupportsSSL=ndc1.ibllc.com:4000,true,20240101,false\n";
  const r = editJtsIni(old, { tradingMode: "live", server: "ndc1.ibllc.com", today: TODAY });
  assert.ok(!r.changed.includes("Logon.SupportsSSL"));
  assert.ok(r.text.includes("SupportsSSL=ndc1.ibllc.com:4000,true,20240101,false"));
});

Deno.test("values that could inject lines are refused", () => {
  for (
    const opts of [
      { server: "ndc1.ibllc.com\n[IBGateway]" },
      { timeZone: "UTC\nApiOnly=false" },
      { trustedIps: ["1.2.3.4,5.6.7.8\n"] },
      { region: "us r" },
    ]
  ) {
    assert.throws(
      () => editJtsIni(undefined, { tradingMode: "live", ...opts }),
      (e) => isGatewayError(e, "JTS_INI_INVALID"),
    );
  }
});

Deno.test("ensureJtsIni: creates dir and file, keeps mode, writes only on change, no temp left", async () => {
  using tmp = tempDir();
  const settings = join(tmp.path, "settings", "live");
  const first = await ensureJtsIni(settings, { tradingMode: "live" });
  assert.equal(first.created, true);
  assert.equal((Deno.statSync(settings).mode ?? 0) & 0o777, 0o700);
  assert.equal((Deno.statSync(first.path).mode ?? 0) & 0o777, 0o600);

  put(first.path, USER_FILE, 0o644);
  const mtime = () => Deno.statSync(first.path).mtime?.getTime();
  const second = await ensureJtsIni(settings, { tradingMode: "live" });
  assert.equal(second.created, false);
  assert.ok(second.changed.includes("Logon.Locale"));
  assert.equal((Deno.statSync(first.path).mode ?? 0) & 0o777, 0o644);
  const text = Deno.readTextFileSync(first.path);
  assert.ok(text.startsWith("# written by hand\n[IBGateway]\nWriteDebug=true\n"));
  assert.ok(text.includes("[Unknown Section]\nfoo=bar=baz\n"));

  const before = mtime();
  const third = await ensureJtsIni(settings, { tradingMode: "live" });
  assert.deepEqual(third.changed, []);
  assert.equal(mtime(), before);
  assert.deepEqual([...Deno.readDirSync(settings)].map((e) => e.name), ["jts.ini"]);
});

Deno.test("ensureJtsIni: a directory where jts.ini should be is a clear error", async () => {
  using tmp = tempDir();
  Deno.mkdirSync(join(tmp.path, "jts.ini"));
  await assert.rejects(
    () => ensureJtsIni(tmp.path, { tradingMode: "live" }),
    (e) => isGatewayError(e, "JTS_INI_INVALID") && e.message.includes("not a regular file"),
  );
});
