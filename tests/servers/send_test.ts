/** `ibg-pilot send` (run as users run it) against a real command server in this process. */

import assert from "node:assert/strict";
import { CommandServer } from "../../lib/servers/command.ts";
import { baseEnv, runCli } from "../support/cli.ts";
import { FakeTarget } from "./helpers.ts";

async function withServer(
  fn: (port: number, target: FakeTarget) => Promise<void>,
  authToken?: string,
): Promise<void> {
  const target = new FakeTarget();
  const server = new CommandServer({
    hostname: "127.0.0.1",
    port: 0,
    mode: "paper",
    target,
    authToken,
  });
  await server.start();
  try {
    await fn(server.addr.port, target);
  } finally {
    await server.close();
  }
}

Deno.test("send: OK replies exit 0 and are printed; ERROR exits 4", async () => {
  await withServer(async (port, target) => {
    const env = baseEnv({ CONTROLLER_COMMAND_SERVER_PORT: String(port) });
    const data = await runCli(["send", "RECONNECTDATA"], env);
    assert.equal(data.code, 0, data.stderr);
    assert.equal(data.stdout, "OK \n");
    const restart = await runCli(["send", "restart", "--port", String(port)]);
    assert.equal(restart.code, 0, restart.stderr);
    assert.equal(restart.stdout, "OK RESTART in progress\nOK RESTART at 11:46 PM\n");
    const api = await runCli(["send", "ENABLEAPI"], env);
    assert.equal(api.code, 4);
    assert.equal(api.stdout, "ERROR ENABLEAPI is not valid for the IB Gateway\n");
    const stop = await runCli(["send", "STOP"], env);
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal(stop.stdout, "OK Shutting down: STOP command\n");
    const again = await runCli(["send", "STOP"], env);
    assert.equal(again.code, 4);
    const st = await runCli(["send", "STATUS"], env);
    assert.equal(st.code, 0);
    assert.equal(JSON.parse(st.stdout.slice(3)).state, "READY");
    assert.deepEqual(target.calls, [
      "reconnectData",
      "restart",
      "stop:STOP command",
      "stop:STOP command",
    ]);
  });
});

Deno.test("send: the token from CONTROLLER_COMMAND_SERVER_AUTH_TOKEN_FILE is sent first", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/token`, "t0ken-value\n");
  await Deno.writeTextFile(`${dir}/bad`, "wrong-value\n");
  await withServer(async (port) => {
    const ok = await runCli(
      ["send", "RECONNECTACCOUNT"],
      baseEnv({
        CONTROLLER_COMMAND_SERVER_PORT: String(port),
        CONTROLLER_COMMAND_SERVER_AUTH_TOKEN_FILE: `${dir}/token`,
      }),
    );
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, "OK \n");
    const bad = await runCli(
      ["send", "RECONNECTACCOUNT"],
      baseEnv({
        CONTROLLER_COMMAND_SERVER_PORT: String(port),
        CONTROLLER_COMMAND_SERVER_AUTH_TOKEN_FILE: `${dir}/bad`,
      }),
    );
    assert.equal(bad.code, 4);
    assert.equal(bad.stdout, "ERROR Authentication failed\n");
    assert.ok(!bad.stdout.includes("wrong-value") && !bad.stderr.includes("wrong-value"));
  }, "t0ken-value");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("send: no server exits 4; bad usage exits 2", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close(); // a port nobody listens on
  const none = await runCli(["send", "STOP", "--port", String(port)]);
  assert.equal(none.code, 4);
  assert.match(none.stderr, /cannot connect to the command server at 127\.0\.0\.1:\d+/);
  assert.equal((await runCli(["send"])).code, 2);
  assert.equal((await runCli(["send", "STOP", "EXIT"])).code, 2);
  assert.equal((await runCli(["send", "STOP", "--port", "70000"])).code, 2);
  const help = await runCli(["send", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: ibg-pilot send/);
});
