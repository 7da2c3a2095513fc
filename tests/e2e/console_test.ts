/// <reference lib="dom" />
/**
 * The browser console as a person uses it, in a real headless Chromium (Debian's `chromium`,
 * driven by npm puppeteer-core; no browser download) against ibg-pilot on the simulator, with
 * ibg-pilot owning the display (Xvfb + x11vnc) as in a container:
 *
 * - token mode, view only: the console without the token is 401 and its WebSocket never opens; a
 *   wrong token is 401; the right one shows Gateway's screen (canvas pixels not blank, a
 *   screenshot saved) and the state panel reaches READY; a click in the canvas, even with the
 *   page's own view-only flag forced off, never reaches Gateway (the simulator logs no mouse
 *   press) because ibg-pilot drops it;
 * - loopback mode with control: the same click reaches Gateway; x11vnc killed: restarted,
 *   ALERT_VNC_EXITED shown on the page, and the screen reconnects by itself; SIGTERM with the page
 *   open ends ibg-pilot cleanly;
 * - a login that HALTS (bad credentials): the panel shows HALTED, the login frame is on screen,
 *   and ALERT_HALTED's remediation points at the console.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { freePort, type Run, STEP_DEADLINE_MS, withScenario } from "./harness.ts";
import { pollUntil } from "../../lib/util/deadline.ts";

const TOKEN = "e2e-console-token-0123456789";
const CHROMIUM = "/usr/bin/chromium";
/** Where screenshots go (IBGP_SCREENSHOT_DIR to keep them; else a temporary directory). */
const SHOT_DIR = Deno.env.get("IBGP_SCREENSHOT_DIR") ??
  await Deno.makeTempDir({ prefix: "ibgp-console-shots-" });
/** A point inside the simulator's main window (at 80,60, 700x420) in screen pixels. */
const MAIN_WINDOW_POINT = { x: 430, y: 260 };

function launch(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Root in CI: Chromium's sandbox needs an unprivileged user.
    // /dev/shm is small in containers; a loaded CI machine needs more than the 30 s default.
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000"],
    defaultViewport: { width: 1400, height: 1000 },
    timeout: STEP_DEADLINE_MS,
    protocolTimeout: 2 * STEP_DEADLINE_MS,
  });
}

function consoleEnv(healthPort: number, extra: Record<string, string>): Record<string, string> {
  return {
    PILOT_CONSOLE: "yes",
    CONTROLLER_HEALTH_SERVER_PORT: String(healthPort),
    PILOT_VNC_PORT: String(freePort()),
    PILOT_API_FORWARD: "no",
    ...extra,
  };
}

/** Waits until the page shows the screen connected and the session READY. */
async function readyAndConnected(page: Page, connects = 1): Promise<void> {
  await page.waitForFunction(
    (n: number) =>
      document.body.dataset.screen === "connected" &&
      Number(document.body.dataset.screenConnects ?? 0) >= n &&
      (document.body.dataset.states ?? "").includes("READY"),
    { timeout: STEP_DEADLINE_MS, polling: 100 },
    connects,
  );
}

/** Fraction of canvas pixels that differ from the first pixel, and the distinct colours seen. */
interface CanvasContent {
  varied: number;
  colours: number;
}

/**
 * Waits until the canvas shows a picture (more than 1% of the pixels differ from the first, more
 * than 4 colours: a blank or single-colour framebuffer never passes) and returns what it saw. The
 * first framebuffer update arrives a moment after "connected".
 */
async function screenShown(page: Page): Promise<CanvasContent> {
  const measure = () => {
    const canvas = document.querySelector("#screen canvas") as HTMLCanvasElement | null;
    if (!canvas || !canvas.width || !canvas.height) return { varied: 0, colours: 0 };
    const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set<number>();
    let varied = 0;
    for (let i = 0; i < data.length; i += 16) {
      const c = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
      colours.add(c);
      if (c !== ((data[0] << 16) | (data[1] << 8) | data[2])) varied++;
    }
    return { varied: varied / (data.length / 16), colours: colours.size };
  };
  let last: CanvasContent = { varied: 0, colours: 0 };
  return await pollUntil(async () => {
    last = await page.evaluate(measure);
    return last.varied > 0.01 && last.colours > 4 && last;
  }, {
    deadlineMs: STEP_DEADLINE_MS,
    name: "STEP_DEADLINE_MS",
    what: "Gateway's screen in the console's canvas",
    maxIntervalMs: 250,
  }).catch((e) => {
    throw new Error(`${e.message} Last canvas: ${JSON.stringify(last)}`);
  });
}

/** Clicks the canvas where the simulator's main window is on Gateway's screen. */
async function clickMainWindow(page: Page): Promise<void> {
  const at = await page.evaluate((p: { x: number; y: number }) => {
    const canvas = document.querySelector("#screen canvas") as HTMLCanvasElement;
    const r = canvas.getBoundingClientRect();
    return {
      x: r.left + (p.x * r.width) / canvas.width,
      y: r.top + (p.y * r.height) / canvas.height,
    };
  }, MAIN_WINDOW_POINT);
  await page.mouse.click(at.x, at.y);
}

async function mousePresses(run: Run): Promise<number> {
  return (await run.events()).filter((e) => e.event === "mouse-press").length;
}

/**
 * One console scenario: a fresh Chromium and ibg-pilot on the simulator owning its display, with
 * the console on the health port and `env` on top.
 */
function consoleTest(
  name: string,
  opts: { env: Record<string, string>; scenario?: Record<string, unknown> },
  body: (run: Run, browser: Browser, healthPort: number) => Promise<void>,
): void {
  Deno.test({
    name,
    // puppeteer keeps timers and sockets of its own between tests.
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const healthPort = freePort();
      const browser = await launch();
      try {
        await withScenario(
          { headless: true, env: consoleEnv(healthPort, opts.env), scenario: opts.scenario },
          (run) => body(run, browser, healthPort),
        );
      } finally {
        await browser.close();
      }
    },
  });
}

consoleTest(
  "console with a token, view only: 401 without it, screen and READY with it, clicks dropped",
  { env: { PILOT_CONSOLE_TOKEN: TOKEN } },
  async (run, browser, healthPort) => {
    const base = `http://127.0.0.1:${healthPort}`;
    await run.line(/console at "?http:\/\/127\.0\.0\.1:\d+\/console\//);
    const page = await browser.newPage();
    page.setDefaultTimeout(STEP_DEADLINE_MS);

    // No token: 401, the login form, and a WebSocket that never opens.
    const anon = await page.goto(`${base}/console/`);
    assert.equal(anon?.status(), 401);
    const ws = await page.evaluate(() =>
      new Promise<string>((resolve) => {
        const s = new WebSocket(`ws://${location.host}/console/vnc`);
        s.onopen = () => resolve("open");
        s.onerror = () => resolve("error");
        s.onclose = () => resolve("closed");
      })
    );
    assert.notEqual(ws, "open", "a WebSocket opened without the token");

    // Wrong token: 401 again.
    await page.type("#token", "not-the-token-at-all");
    const [wrong] = await Promise.all([page.waitForNavigation(), page.click("#login-button")]);
    assert.equal(wrong?.status(), 401);
    assert.match(await page.content(), /Wrong token/);
    assert.ok(!run.pilot.output().includes("console viewer"), "a screen was bridged");

    // The right token: the console, Gateway's screen and READY.
    await page.type("#token", TOKEN);
    const [ok] = await Promise.all([page.waitForNavigation(), page.click("#login-button")]);
    assert.equal(ok?.status(), 200);
    const cookies = await browser.cookies();
    const session = cookies.find((c) => c.name === "ibgp_console");
    assert.ok(session?.httpOnly && session.sameSite === "Strict", JSON.stringify(cookies));
    await readyAndConnected(page);
    const pixels = await screenShown(page);
    const shot = join(SHOT_DIR, "console-view-only.png");
    await page.screenshot({ path: shot });
    console.log(`console screenshot: ${shot} (${JSON.stringify(pixels)})`);
    assert.ok(
      pixels.varied > 0.01 && pixels.colours > 4,
      `blank screen ${JSON.stringify(pixels)}`,
    );
    assert.ok(!(await page.content()).includes(TOKEN), "the token reached the page");

    // View only, enforced by ibg-pilot: force the page's own flag off and click.
    const before = await mousePresses(run);
    await page.evaluate(() => {
      (globalThis as unknown as { consoleRfb: { viewOnly: boolean } }).consoleRfb.viewOnly = false;
    });
    await clickMainWindow(page);
    await run.line(/view only: input from .* dropped/);
    // The dropped click went nowhere; the screen is still served.
    assert.equal(await mousePresses(run), before, "a view-only click reached Gateway");
    assert.equal(await page.evaluate(() => document.body.dataset.screen), "connected");
    await page.close();
  },
);

consoleTest(
  "console on loopback with control: a click reaches Gateway; x11vnc killed: back by itself",
  { env: { PILOT_CONSOLE_CONTROL: "yes" } },
  async (run, browser, healthPort) => {
    const vncLine = await run.line(/x11vnc serving display .* \(pid \d+\)/);
    await run.line(/console at "?http:\/\/127\.0\.0\.1:\d+\/console\//);
    const page = await browser.newPage();
    page.setDefaultTimeout(STEP_DEADLINE_MS);
    const r = await page.goto(`http://127.0.0.1:${healthPort}/console/`);
    assert.equal(r?.status(), 200, "loopback without a token needs no login");
    await readyAndConnected(page);

    const before = await mousePresses(run);
    await clickMainWindow(page);
    const press = await run.event(
      (e) => e.event === "mouse-press" && e.seq >= 0,
      "a console click reaching Gateway",
    );
    assert.ok(await mousePresses(run) > before);
    assert.ok(
      Math.abs(Number(press.x) - MAIN_WINDOW_POINT.x) <= 4 &&
        Math.abs(Number(press.y) - MAIN_WINDOW_POINT.y) <= 4,
      `click landed at ${press.x},${press.y}`,
    );

    // x11vnc dies: ibg-pilot restarts it, alerts, and the page reconnects by itself.
    const pid = Number(/\(pid (\d+)\)/.exec(vncLine)![1]);
    const killedAt = Date.now();
    Deno.kill(pid, "SIGKILL");
    await run.line(/ALERT_VNC_EXITED/);
    await run.line(/x11vnc started again/);
    await readyAndConnected(page, 2);
    console.log(`screen reconnected ${Date.now() - killedAt} ms after x11vnc was killed`);
    await page.waitForFunction(
      () => document.getElementById("alerts")!.textContent!.includes("ALERT_VNC_EXITED"),
      { timeout: STEP_DEADLINE_MS },
    );
    const pixels = await screenShown(page);
    await page.screenshot({ path: join(SHOT_DIR, "console-after-vnc-restart.png") });
    assert.ok(pixels.varied > 0.01, `blank screen after reconnect ${JSON.stringify(pixels)}`);

    // SIGTERM with the page still open: its event stream and screen connection end with
    // ibg-pilot, which shuts down cleanly instead of waiting on them.
    const end = await run.pilot.stop(60_000);
    assert.equal(end.code, 0, run.pilot.output().slice(-2000));
    assert.match(run.pilot.output(), /ALERT_SHUTDOWN .*graceful=true/);
    await page.close();
  },
);

consoleTest(
  "a HALTED login on the console: the panel shows HALTED and the remediation points here",
  { env: {}, scenario: { faults: { badCredentials: 99 } } },
  async (run, browser, healthPort) => {
    const halted = await run.line(/ALERT_HALTED/);
    assert.match(
      halted,
      new RegExp(`the console at http://127\\.0\\.0\\.1:${healthPort}/console/`),
    );
    const page = await browser.newPage();
    page.setDefaultTimeout(STEP_DEADLINE_MS);
    await page.goto(`http://127.0.0.1:${healthPort}/console/`);
    await page.waitForFunction(
      () => (document.body.dataset.states ?? "").includes("HALTED"),
      { timeout: STEP_DEADLINE_MS, polling: 100 },
    );
    const remediation = await page.$eval("#alerts", (e) => e.textContent ?? "");
    assert.match(remediation, /ALERT_HALTED/);
    assert.match(remediation, /What to do: .*\/console\//);
    const pixels = await screenShown(page);
    const shot = join(SHOT_DIR, "console-halted.png");
    await page.screenshot({ path: shot });
    console.log(`console screenshot: ${shot} (${JSON.stringify(pixels)})`);
    await page.close();
  },
);
