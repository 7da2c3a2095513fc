/**
 * The GitHub workflows (.github/workflows/), offline: each validates against GitHub's workflow
 * schema, every third-party action is pinned to a full commit SHA with its tag beside it, no step
 * can print a secret, and the workflows run the project's own tasks: `.ci/run` for CI, `deno task
 * compile` with docs/deploy.md's targets for the release, `ibg-pilot selftest --until login-frame`
 * against both gnzsnz channels for the smoke test. Each checker is also shown a bad workflow, so a
 * checker that passes everything fails here.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { parse } from "yaml";
import { ROOT } from "../support/cli.ts";
import { TARGETS } from "../../tools/compile.ts";
import { schemaErrors, secretLeaks, unpinnedUses } from "./workflow_checks.ts";

const DIR = join(ROOT, ".github/workflows");
const files = [...Deno.readDirSync(DIR)].map((e) => e.name).filter((n) => /\.ya?ml$/.test(n))
  .sort();
const text = (name: string) => Deno.readTextFileSync(join(DIR, name));
// deno-lint-ignore no-explicit-any
const yaml = (name: string): any => parse(text(name));
// deno-lint-ignore no-explicit-any
const allSteps = (wf: any): { run?: string; uses?: string; with?: Record<string, string> }[] =>
  // deno-lint-ignore no-explicit-any
  Object.values(wf.jobs).flatMap((j: any) => j.steps ?? []);

Deno.test("the workflows are ci, release and smoke", () => {
  assert.deepEqual(files, ["ci.yml", "release.yml", "smoke.yml"]);
});

Deno.test("every workflow validates against GitHub's workflow schema", async () => {
  for (const f of files) assert.deepEqual(await schemaErrors(f, text(f)), [], f);
});

Deno.test("the schema check rejects what GitHub would", async () => {
  const bad = [
    "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: x\n        bogus: 1\n",
    "on: push\npermissions:\n  contents: sometimes\njobs:\n  a:\n    runs-on: x\n    steps: [{run: x}]\n",
    "on: pushed\njobs:\n  a:\n    runs-on: x\n    steps: [{run: x}]\n",
    "on: push\nconcurrency: {group: x, cancel: true}\njobs:\n  a:\n    runs-on: x\n    steps: [{run: x}]\n",
  ];
  for (const b of bad) assert.notDeepEqual(await schemaErrors("bad.yml", b), [], b);
  // And accepts the permission scopes the release needs (older schemas did not know them).
  const good = "on: push\njobs:\n  a:\n    runs-on: x\n    permissions:\n      id-token: write\n" +
    "      attestations: write\n      packages: write\n    steps: [{run: x}]\n";
  assert.deepEqual(await schemaErrors("good.yml", good), []);
});

Deno.test("every uses: is pinned to a 40-character commit SHA with its tag beside it", () => {
  let count = 0;
  for (const f of files) {
    assert.deepEqual(unpinnedUses(text(f)), [], f);
    count += (text(f).match(/^\s*(-\s+)?uses:/gm) ?? []).length;
  }
  assert.ok(count >= 20, `only ${count} uses: lines seen: is the pattern right?`);
  const sha = "3d3c42e5aac5ba805825da76410c181273ba90b1";
  assert.deepEqual(
    unpinnedUses(
      [
        "      - uses: actions/checkout@v4",
        `      - uses: actions/checkout@${sha.slice(0, 12)} # v7.0.1`,
        `      - uses: actions/checkout@${sha}`,
        `      - uses: actions/checkout@${sha} # v7.0.1`,
        "      - uses: ./local-action",
        "      - uses: docker://alpine:3",
      ].join("\n"),
    ).map((l) => l.split(":")[0]),
    ["line 1", "line 2", "line 3", "line 6"],
  );
});

Deno.test("no step can print a secret", () => {
  for (const f of files) assert.deepEqual(secretLeaks(text(f)), [], f);
  const wf = (run: string, env = "TOKEN: ${{ secrets.GITHUB_TOKEN }}") =>
    `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - name: s\n        env:\n          ${env}\n        run: |\n          ${
      run.split("\n").join("\n          ")
    }\n`;
  const leaks = (run: string, env?: string) => secretLeaks(wf(run, env)).length;
  assert.equal(leaks('echo "$TOKEN"'), 1);
  assert.equal(leaks("printf %s ${TOKEN} | tee out"), 1);
  assert.equal(leaks('set -x\ncurl -H "Authorization: $TOKEN" x'), 1);
  assert.equal(leaks("env | sort"), 1);
  assert.equal(leaks("echo ${{ secrets.NPM_TOKEN }}", "X: 1"), 1);
  assert.equal(leaks("gh release create x", "GH_TOKEN: ${{ github.token }}"), 0);
  assert.equal(leaks('curl -H "Authorization: $TOKEN" x'), 0);
});

/** The `deno task compile` targets in a command line (none: every target of tools/compile.ts). */
function compileTargets(command: string): string[] {
  const args = command.slice(command.indexOf("deno task compile")).split(/\s+/);
  const targets = args.flatMap((a, i) => args[i - 1] === "--target" ? [a] : []);
  return targets.length ? targets : Object.keys(TARGETS);
}

Deno.test("the release compiles with deno task compile for docs/deploy.md's targets", () => {
  const compiles = allSteps(yaml("release.yml")).filter((s) => s.run?.includes("deno compile"));
  assert.deepEqual(compiles, [], "the release must use the task, not deno compile itself");
  const steps = allSteps(yaml("release.yml")).filter((s) => s.run?.includes("deno task compile"));
  assert.equal(steps.length, 1);
  const released = compileTargets(steps[0].run!);

  const deploy = Deno.readTextFileSync(join(ROOT, "docs/deploy.md"));
  const section = deploy.slice(deploy.indexOf("## The binary"), deploy.indexOf("## The image"));
  const block = /```sh\n([^`]*)```/.exec(section)![1];
  const documented = compileTargets(block.split("\n")[0]);
  assert.deepEqual(released.sort(), documented.sort());
  assert.deepEqual(released.sort(), Object.keys(TARGETS).sort());
  // The files it names are the ones docs/deploy.md says the command makes.
  for (const t of released) {
    assert.ok(section.includes(t.replace("linux-", "-linux-").replace(/^-/, "")), t);
    assert.ok(text("release.yml").includes(`ibg-pilot-${t}`), `release.yml ships ibg-pilot-${t}`);
  }
  // docs/deploy.md shows the release's exact command.
  assert.ok(deploy.includes(steps[0].run!.trim()), `docs/deploy.md lacks: ${steps[0].run}`);
});

Deno.test("the release signs, attests and publishes every file and the multi-arch image", () => {
  const wf = yaml("release.yml");
  assert.deepEqual(wf.on, { push: { tags: ["v*"] } });
  assert.deepEqual(wf.permissions, {});
  const steps = allSteps(wf);
  const runs = steps.map((s) => s.run ?? "").join("\n");
  assert.match(
    runs,
    /sha256sum ibg-pilot-linux-x64 ibg-pilot-linux-arm64 ibg-pilot\.cdx\.json > SHA256SUMS/,
  );
  assert.match(
    runs,
    /for f in ibg-pilot-linux-x64 ibg-pilot-linux-arm64 ibg-pilot\.cdx\.json SHA256SUMS/,
  );
  assert.match(runs, /cosign sign-blob --yes --bundle "\$f\.sigstore\.json" "\$f"/);
  assert.match(runs, /cosign sign --yes "\$IMAGE@\$DIGEST"/);
  assert.match(runs, /tools\/sbom\.ts --output dist\/ibg-pilot\.cdx\.json/);
  assert.match(runs, /tools\/release_notes\.ts "\$GITHUB_REF_NAME" --image "\$IMAGE" > notes\.md/);
  assert.match(runs, /gh release create .*--notes-file notes\.md dist\/\*/s);
  const attest = steps.filter((s) => s.uses?.startsWith("actions/attest-build-provenance@"));
  assert.equal(attest.length, 2, "provenance for the binaries and for the image");
  assert.match(attest[0].with!["subject-path"], /ibg-pilot-linux-x64\n.*ibg-pilot-linux-arm64/s);
  assert.equal(String(attest[1].with!["push-to-registry"]), "true");
  const build = steps.find((s) => s.uses?.startsWith("docker/build-push-action@"))!;
  assert.equal(build.with!.platforms, "linux/amd64,linux/arm64");
  assert.equal(build.with!.context, ".");
  const meta = steps.find((s) => s.uses?.startsWith("docker/metadata-action@"))!;
  assert.equal(meta.with!.flavor, "latest=auto");
  assert.deepEqual(meta.with!.tags.trim().split("\n"), [
    "type=semver,pattern=v{{version}}",
    "type=semver,pattern={{major}}.{{minor}}",
  ]);
  for (const job of ["binaries", "image"]) {
    assert.equal(wf.jobs[job].permissions["id-token"], "write", job);
    assert.equal(wf.jobs[job].permissions.attestations, "write", job);
  }
  assert.equal(wf.jobs.image.permissions.packages, "write");
});

Deno.test("ci runs .ci/run; smoke runs the fresh binary's selftest in both gnzsnz channels", () => {
  const ci = yaml("ci.yml");
  assert.ok("push" in ci.on && "pull_request" in ci.on);
  assert.ok(allSteps(ci).some((s) => s.run?.trim() === "bash .ci/run"));

  const smoke = yaml("smoke.yml");
  assert.ok(smoke.on.schedule?.[0]?.cron, "nightly");
  assert.ok("workflow_dispatch" in smoke.on, "on demand");
  assert.deepEqual(smoke.jobs.selftest.strategy.matrix.gateway, ["stable", "latest"]);
  assert.equal(smoke.jobs.selftest.strategy["fail-fast"], false);
  const runs = allSteps(smoke).map((s) => s.run ?? "").join("\n");
  assert.match(runs, /deno task compile --target linux-x64 --output dist\/ibg-pilot/);
  assert.match(runs, /image="ghcr\.io\/gnzsnz\/ib-gateway:\$GATEWAY_TAG"/);
  assert.match(runs, /selftest --until login-frame --out \/tmp\/ibg-pilot-selftest/);
  assert.match(runs, /::error title=Gateway \$GATEWAY_TAG login frame::\$line/);
  assert.match(runs, /exit "\$code"/);
  const upload = allSteps(smoke).filter((s) => s.uses?.startsWith("actions/upload-artifact@"));
  assert.equal(upload.at(-1)!.with!.path, "out/");
});
