import assert from "node:assert/strict";
import { join } from "node:path";
import { findInstall } from "../../lib/gateway/install.ts";
import {
  DISABLED_SUFFIX,
  disableInstall4jLaunchers,
  findAutorestartToken,
} from "../../lib/gateway/restart.ts";
import { fakeInstall, put, tempDir } from "./_fixtures.ts";

Deno.test("install4j launcher: renamed once, idempotent", async () => {
  using tmp = tempDir();
  const prog = fakeInstall(tmp.path, "1045", { launcher: true });
  const install = findInstall({ twsPath: tmp.path });
  const launcher = join(prog, "ibgateway");
  assert.deepEqual(install.launchers, [launcher]);
  assert.deepEqual(await disableInstall4jLaunchers(install.launchers), [
    { launcher, outcome: "renamed" },
  ]);
  assert.ok(Deno.statSync(launcher + DISABLED_SUFFIX).isFile);
  assert.deepEqual((await disableInstall4jLaunchers([launcher]))[0].outcome, "absent");
  assert.deepEqual(findInstall({ twsPath: tmp.path }).launchers, []);
});

Deno.test("autorestart token: one resumes, none logs in, several are all deleted", async () => {
  using tmp = tempDir();
  assert.deepEqual(await findAutorestartToken(tmp.path), { deleted: [] });
  const a = put(join(tmp.path, "aaaabbbbccccddddeeeeffffgggghhhhiiiijjjj", "autorestart"), "x");
  put(join(tmp.path, "jts.ini"), "");
  assert.deepEqual(await findAutorestartToken(tmp.path), {
    restartDir: "aaaabbbbccccddddeeeeffffgggghhhhiiiijjjj",
    deleted: [],
  });
  const b = put(join(tmp.path, "kkkkllllmmmmnnnnooooppppqqqqrrrrssssttt", "autorestart"), "x");
  const r = await findAutorestartToken(tmp.path);
  assert.equal(r.restartDir, undefined);
  assert.deepEqual(r.deleted.sort(), [a, b].sort());
  assert.deepEqual(await findAutorestartToken(tmp.path), { deleted: [] });
});
