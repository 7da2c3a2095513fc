/**
 * Our own Xvfb, for real: it picks a free display and accepts an X11 client there, stop() ends it
 * and removes its socket, an unexpected exit is reported, and bad input is refused with the fix.
 */

import assert from "node:assert/strict";
import { startXvfb, XvfbError } from "../../lib/container/xvfb.ts";
import { xServerAccepts } from "./x11.ts";
import { displayReleasedBy } from "../support/xvfb.ts";

Deno.test("Xvfb starts on a free display of its own choosing and accepts X clients", async () => {
  const x = await startXvfb({ screen: "1024x768x24", pathEnv: Deno.env.get("PATH") });
  try {
    assert.match(x.display, /^:\d+$/);
    assert.ok(await xServerAccepts(x.display), `X server on ${x.display} refused the setup`);
    assert.equal(x.stopping, false);
  } finally {
    const end = await x.stop();
    assert.equal(x.stopping, true);
    // Xvfb handles SIGTERM: a clean exit that removes its socket and lock file.
    assert.deepEqual([end.code, end.signal], [0, null], `Xvfb ended with ${JSON.stringify(end)}`);
    assert.ok(await displayReleasedBy(x.display.slice(1), x.pid), "X socket or lock left behind");
  }
});

Deno.test("two of ours at once get different displays (no fixed :1 to collide on)", async () => {
  const a = await startXvfb({ pathEnv: Deno.env.get("PATH") });
  const b = await startXvfb({ pathEnv: Deno.env.get("PATH") });
  try {
    assert.notEqual(a.display, b.display);
    assert.ok(await xServerAccepts(b.display));
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

Deno.test("an Xvfb that dies on its own is reported through exited, not as a stop", async () => {
  const x = await startXvfb({ pathEnv: Deno.env.get("PATH") });
  Deno.kill(x.pid, "SIGKILL");
  const end = await x.exited;
  assert.equal(end.signal, "SIGKILL");
  assert.equal(x.stopping, false);
  await x.stop(); // harmless afterwards
});

Deno.test("bad screen and a missing Xvfb are refused with the fix", async () => {
  await assert.rejects(
    startXvfb({ screen: "big", pathEnv: Deno.env.get("PATH") }),
    (e: Error) => e instanceof XvfbError && /PILOT_XVFB_SCREEN="big".*1280x1024x24/.test(e.message),
  );
  await assert.rejects(
    startXvfb({ pathEnv: "/nonexistent" }),
    (e: Error) =>
      e instanceof XvfbError && /Xvfb was not found on PATH/.test(e.message) &&
      /apt-get install xvfb/.test(e.message) && /PILOT_XVFB=no/.test(e.message),
  );
});
