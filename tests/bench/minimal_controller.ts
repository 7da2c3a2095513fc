/**
 * A minimal controller, for `deno task bench footprint` only: one file, no library, no `node:`
 * module, nothing but what a paper + TOTP login on the simulator needs. It launches the JVM that
 * the benchmark built (with our agent), drives the login frame, the 2FA dialog and the paper
 * account's warning over the agent socket, computes the code with WebCrypto and proves readiness
 * with the API handshake, then
 * prints READY and idles. Its resident memory is the floor a Deno controller stands on in the
 * same harness, printed next to ibg-pilot's. It handles no dialog, error or restart: not a
 * product, a yardstick.
 *
 * Usage: deno run -A tests/bench/minimal_controller.ts SPEC.json   (see `MinimalSpec`)
 */

/** What the benchmark hands over (the password and secret in a 0600 file, never argv). */
export interface MinimalSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  socket: string;
  apiPort: number;
  user: string;
  password: string;
  totpSecret: string;
}

/** How long any one step may take. */
const STEP_DEADLINE_MS = 30_000;

interface Reply {
  id: number;
  ok: boolean;
  result?: Record<string, unknown>;
  error?: { message: string };
}
interface WindowInfo {
  id: string;
  title: string;
}

function base32(text: string): Uint8Array<ArrayBuffer> {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of text.toUpperCase().replace(/[\s=]/g, "")) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

/** RFC 6238 with HMAC-SHA1, 6 digits, 30 s steps, on WebCrypto. */
async function totp(secret: string, nowMs: number): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    base32(secret),
    { name: "HMAC", hash: "SHA-1" },
    false,
    ["sign"],
  );
  const counter = new Uint8Array(8);
  new DataView(counter.buffer).setBigUint64(0, BigInt(Math.floor(nowMs / 30_000)));
  const h = new Uint8Array(await crypto.subtle.sign("HMAC", key, counter));
  const o = h[19] & 15;
  const bin = ((h[o] & 127) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(bin % 1_000_000).padStart(6, "0");
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + STEP_DEADLINE_MS;
  while (Date.now() < end) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not within STEP_DEADLINE_MS (${STEP_DEADLINE_MS} ms)`);
}

/** The API handshake: `API\0`, the version range, then the server's version line. */
async function handshake(port: number): Promise<boolean> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const range = new TextEncoder().encode("v100..187");
    const msg = new Uint8Array(4 + 4 + range.length);
    msg.set(new TextEncoder().encode("API\0"));
    new DataView(msg.buffer).setUint32(4, range.length);
    msg.set(range, 8);
    await conn.write(msg);
    const head = new Uint8Array(4);
    return (await conn.read(head)) === 4 && new DataView(head.buffer).getUint32(0) > 0;
  } finally {
    conn.close();
  }
}

async function main(specPath: string): Promise<void> {
  const spec: MinimalSpec = JSON.parse(await Deno.readTextFile(specPath));
  const jvm = new Deno.Command(spec.command, {
    args: spec.args,
    env: spec.env,
    clearEnv: true,
    cwd: spec.cwd,
    stdout: "null",
    stderr: "null",
  }).spawn();
  // SIGTERM ends the JVM we started, then us.
  Deno.addSignalListener("SIGTERM", async () => {
    jvm.kill("SIGKILL");
    await jvm.status;
    Deno.exit(0);
  });
  const conn = await until(
    "the agent's socket",
    () => Deno.connect({ transport: "unix", path: spec.socket }),
  );
  const writer = conn.writable.getWriter();
  const pending = new Map<number, (r: Reply) => void>();
  (async () => {
    let buf = "";
    const dec = new TextDecoder();
    for await (const chunk of conn.readable) {
      buf += dec.decode(chunk, { stream: true });
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        const m = JSON.parse(buf.slice(0, i) || "{}");
        buf = buf.slice(i + 1);
        if (m.type === "reply") pending.get(m.id)?.(m);
      }
    }
  })();
  let id = 0;
  const request = async (op: string, params: Record<string, unknown> = {}) => {
    const n = ++id;
    const reply = new Promise<Reply>((r) => pending.set(n, r));
    await writer.write(new TextEncoder().encode(JSON.stringify({ id: n, op, ...params }) + "\n"));
    const r = await reply;
    pending.delete(n);
    if (!r.ok) throw new Error(`${op}: ${r.error?.message}`);
    return r.result!;
  };
  const windowTitled = (title: string) =>
    until(`a window "${title}"`, async () => {
      const { windows } = await request("windows") as { windows: WindowInfo[] };
      return windows.find((w) => w.title === title);
    });

  const login = await windowTitled("IBKR Gateway");
  const w = login.id;
  await request("setSelected", { window: w, target: { text: "IB API" }, selected: true });
  await request("setSelected", { window: w, target: { text: "Paper Trading" }, selected: true });
  await request("setText", { window: w, target: { index: 0 }, value: spec.user });
  await request("setText", { window: w, target: { index: 1 }, value: spec.password });
  await request("click", { window: w, target: { text: "Paper Log In" } });

  const twofa = await windowTitled("Second Factor Authentication");
  const code = await totp(spec.totpSecret, Date.now());
  await request("setText", { window: twofa.id, target: { index: 0 }, value: code });
  await request("click", { window: twofa.id, target: { text: "OK" } });

  // Paper accounts: Gateway's non-brokerage warning holds the API until it is accepted.
  const warning = await windowTitled("Warning");
  await request("click", { window: warning.id, target: { text: "I understand and accept" } });

  await until("the API handshake", async () => (await handshake(spec.apiPort)) || undefined);
  console.log("READY");
  setInterval(() => {}, 60_000);
}

if (import.meta.main) await main(Deno.args[0]);
