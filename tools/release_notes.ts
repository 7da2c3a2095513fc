/**
 * `deno run -A tools/release_notes.ts vX.Y.Z [--image REF@sha256:...]`: the GitHub release notes
 * of a tag, from CHANGELOG.md's `## [X.Y.Z]` section, plus the image digest and how to verify.
 * It refuses (exit 1, naming the fix) a tag that is not `v` + deno.json's version, and a version
 * without a CHANGELOG section, so a release cannot go out undescribed or mislabelled.
 */

import { dirname, join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";

const root = dirname(dirname(fromFileUrl(import.meta.url)));

/** The body of `## [version]` in a Keep a Changelog file, trimmed; undefined when absent. */
export function changelogSection(changelog: string, version: string): string | undefined {
  const lines = changelog.split("\n");
  const head = new RegExp(`^## \\[${version.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\]`);
  const start = lines.findIndex((l) => head.test(l));
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && /^## \[/.test(l));
  const body = lines.slice(start + 1, end < 0 ? undefined : end).join("\n").trim();
  return body || undefined;
}

/** The release notes for `tag`; throws an Error whose message names the fix. */
export function releaseNotes(
  tag: string,
  files: { changelog: string; version: string },
  image?: string,
): string {
  if (tag !== `v${files.version}`) {
    throw new Error(
      `tag ${tag} does not match deno.json's version ${files.version}: tag v${files.version}, ` +
        `or set "version" in deno.json to ${tag.replace(/^v/, "")} and move CHANGELOG.md's ` +
        `[Unreleased] entries under ## [${tag.replace(/^v/, "")}]`,
    );
  }
  const body = changelogSection(files.changelog, files.version);
  if (!body) {
    throw new Error(
      `CHANGELOG.md has no "## [${files.version}]" section with entries: move the ` +
        `[Unreleased] entries under "## [${files.version}] - <date>" before tagging`,
    );
  }
  const parts = [body];
  if (image) parts.push(`**Image:** \`${image}\``);
  parts.push(
    "**Verify before you run it:** checksums, cosign signatures and build provenance, with the " +
      'exact commands: docs/deploy.md, section "Verifying a release".',
  );
  return parts.join("\n\n") + "\n";
}

if (import.meta.main) {
  const [tag, ...rest] = Deno.args;
  let image: string | undefined;
  if (rest[0] === "--image") image = rest[1];
  if (!tag || (rest.length && !image)) {
    console.error("usage: tools/release_notes.ts vX.Y.Z [--image REF@sha256:DIGEST]");
    Deno.exit(2);
  }
  try {
    const changelog = await Deno.readTextFile(join(root, "CHANGELOG.md"));
    const { version } = JSON.parse(await Deno.readTextFile(join(root, "deno.json")));
    console.log(releaseNotes(tag, { changelog, version }, image).trimEnd());
  } catch (e) {
    console.error(`release_notes: ${(e as Error).message}`);
    Deno.exit(1);
  }
}
