/**
 * The Dockerfile and the README's "add it to your own Dockerfile" snippet: linted with
 * dockerfile-utils (every rule an error), and checked for what the image promises: the builder is
 * the official Deno image at the version the tests run, it runs `deno task compile`, the final
 * stage extends ARG UPSTREAM_IMAGE, and the binary that is copied is the one ENTRYPOINT and
 * HEALTHCHECK (`ibg-pilot health`, a real subcommand) run.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { validate, ValidationSeverity } from "dockerfile-utils";
import { ROOT, runCli } from "../support/cli.ts";

const STRICT = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};

/** Lint findings as `line N: message`, empty when clean. */
function lint(text: string): string[] {
  return validate(text, STRICT).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
}

/** One instruction: keyword and its argument text, continuation lines joined. */
interface Instruction {
  keyword: string;
  args: string;
}

function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!pending && (line === "" || line.startsWith("#"))) continue;
    if (pending && line.startsWith("#")) continue;
    pending += (pending ? " " : "") + line.replace(/\\$/, "").trim();
    if (line.endsWith("\\")) continue;
    const m = /^(\S+)\s*(.*)$/.exec(pending)!;
    out.push({ keyword: m[1].toUpperCase(), args: m[2] });
    pending = "";
  }
  return out;
}

const DOCKERFILE = Deno.readTextFileSync(join(ROOT, "Dockerfile"));

/** The ```dockerfile block of the README's "In a container" section. */
function readmeSnippet(): string {
  const readme = Deno.readTextFileSync(join(ROOT, "README.md"));
  const section = readme.slice(readme.indexOf("## In a container"));
  const m = /```dockerfile\n([\s\S]*?)```/.exec(section);
  assert.ok(m, "README's 'In a container' section has no ```dockerfile block");
  return m[1];
}

Deno.test("the Dockerfile and the README snippet pass dockerfile-utils with every rule an error", () => {
  assert.deepEqual(lint(DOCKERFILE), []);
  assert.deepEqual(lint(readmeSnippet()), []);
  // The linter does find problems (a guard against a silently disabled linter).
  assert.equal(lint("FROM debian\nHEALTHCHECK NONE --interval=1s\n").length, 1);
});

Deno.test("the image: Deno builder at our version, compile task, upstream final stage, one binary", () => {
  const ins = instructions(DOCKERFILE);
  const froms = ins.filter((i) => i.keyword === "FROM");
  assert.equal(froms.length, 2);

  // ARG UPSTREAM_IMAGE before the first FROM, with the gnzsnz default; the final stage uses it.
  const firstFrom = ins.indexOf(froms[0]);
  const upstream = ins.slice(0, firstFrom).find((i) =>
    i.keyword === "ARG" && i.args.startsWith("UPSTREAM_IMAGE=")
  );
  assert.equal(upstream?.args, "UPSTREAM_IMAGE=ghcr.io/gnzsnz/ib-gateway:stable");
  assert.equal(froms[1].args, "${UPSTREAM_IMAGE}");

  // The builder: the official Deno image at exactly the version the tests run, compiling.
  assert.equal(
    froms[0].args,
    `--platform=$BUILDPLATFORM denoland/deno:${Deno.version.deno} AS builder`,
  );
  const builder = ins.slice(firstFrom, ins.indexOf(froms[1]));
  const compile = builder.find((i) => i.keyword === "RUN" && i.args.includes("deno task compile"));
  assert.ok(compile, "the builder does not run deno task compile");
  const out = /--output (\S+)/.exec(compile.args)?.[1];
  assert.ok(out);

  // The final stage: that binary, run by ENTRYPOINT and HEALTHCHECK, as the image's user.
  const final = ins.slice(ins.indexOf(froms[1]));
  const copy = final.find((i) => i.keyword === "COPY" && i.args.startsWith("--from=builder"));
  assert.ok(copy);
  const [, src, dest] = copy.args.split(/\s+/);
  assert.equal(src, out);
  const one = (k: string) => {
    const found = final.filter((i) => i.keyword === k);
    assert.equal(found.length, 1, k);
    return found[0].args;
  };
  assert.deepEqual(JSON.parse(one("ENTRYPOINT")), [dest]);
  assert.deepEqual(JSON.parse(one("CMD")), ["run"]);
  assert.equal(one("STOPSIGNAL"), "SIGTERM");
  const health = /CMD (\[.*\])$/.exec(one("HEALTHCHECK"));
  assert.deepEqual(JSON.parse(health![1]), [dest, "health"]);
  assert.ok(/^ARG WITH_ATSPI=false$/m.test(DOCKERFILE), "no WITH_ATSPI build argument");
  assert.equal(final.filter((i) => i.keyword === "USER").at(-1)?.args, "1000:1000");
});

Deno.test("the HEALTHCHECK's command exists: ibg-pilot health --help exits 0", async () => {
  const r = await runCli(["health", "--help"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Usage: ibg-pilot health/);
});

Deno.test(".dockerignore keeps out nothing the builder needs", () => {
  const patterns = Deno.readTextFileSync(join(ROOT, ".dockerignore")).split("\n")
    .map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  const needed = [
    "main.ts",
    "deno.json",
    "deno.lock",
    "lib/ui/agent/embedded.ts",
    "agent/src/ibgpilot/agent/Agent.java",
    "tools/compile.ts",
    "tools/build_java.ts",
  ];
  for (const path of needed) {
    for (const p of patterns) {
      const re = new RegExp(
        "^" + p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*") + "(/|$)",
      );
      assert.ok(!re.test(path), `.dockerignore pattern ${p} excludes ${path}`);
    }
  }
});
