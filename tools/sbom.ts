/**
 * `deno run -A tools/sbom.ts [--output FILE]`: a CycloneDX 1.5 SBOM of what `deno task compile`
 * puts into the ibg-pilot binary: Deno's runtime (denort, the version of the deno running this, which
 * is the one that compiles), the Java agent jar (with its SHA-256), and every npm package main.ts
 * can reach (the same set tools/compile.ts keeps: reachablePackages over `deno info --json`), each
 * with its version, purl and the license its package.json declares, and noVNC (npm @novnc/novnc),
 * which reaches the binary as the console page's bundle (tools/build_console.ts), not as a module. The release workflow publishes
 * it beside the binaries, signed and listed in SHA256SUMS.
 */

import { dirname, join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { type DenoInfo, mainInfo, reachablePackages } from "./compile.ts";
import { buildConsole } from "./build_console.ts";

const root = dirname(dirname(fromFileUrl(import.meta.url)));

/** One CycloneDX component (the fields we fill). */
export interface Component {
  type: "application" | "library";
  "bom-ref": string;
  name: string;
  version: string;
  group?: string;
  purl?: string;
  description?: string;
  hashes?: { alg: "SHA-256"; content: string }[];
  licenses?: { expression: string }[];
}

/** The package URL of an npm package (`@scope/name` -> `pkg:npm/%40scope/name@version`). */
export function npmPurl(name: string, version: string): string {
  return `pkg:npm/${name.replace(/^@/, "%40")}@${version}`;
}

/**
 * Deno's npm package id to name and version: `@scope/name@1.2.3` -> [`@scope/name`, `1.2.3`];
 * a peer-dependency suffix (`@2.3.7_@logtape+logtape@2.4.2`) is not part of the version.
 */
export function nameAndVersion(id: string): [string, string] {
  const at = id.indexOf("@", 1);
  return [id.slice(0, at), id.slice(at + 1).split("_")[0]];
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function license(localPath: string | undefined): Promise<string | undefined> {
  if (!localPath) return undefined;
  try {
    const pkg = JSON.parse(await Deno.readTextFile(join(localPath, "package.json")));
    return typeof pkg.license === "string" ? pkg.license : undefined;
  } catch {
    return undefined;
  }
}

/** The SBOM document for `info` (main.ts's module graph), the agent jar and this Deno. */
export async function sbom(
  info: DenoInfo,
  opts: {
    version: string;
    agentJar: Uint8Array;
    denoVersion: string;
    timestamp: string;
    /** The console bundle and the noVNC version in it (deno.json's pin). */
    console?: { bundle: Uint8Array; novncVersion: string };
  },
): Promise<Record<string, unknown>> {
  const reachable = [...reachablePackages(info)].sort();
  const refOf = (id: string) => npmPurl(...nameAndVersion(id));
  const npm: Component[] = [];
  for (const id of reachable) {
    const [name, version] = nameAndVersion(id);
    const lic = await license(info.npmPackages[id]?.localPath);
    npm.push({
      type: "library",
      "bom-ref": refOf(id),
      name,
      version,
      purl: npmPurl(name, version),
      ...(lic ? { licenses: [{ expression: lic }] } : {}),
    });
  }
  const runtime: Component = {
    type: "application",
    "bom-ref": "denort",
    name: "denort",
    group: "deno",
    version: opts.denoVersion,
    description: "Deno's runtime, the base of every `deno compile` binary",
    licenses: [{ expression: "MIT" }],
  };
  const agent: Component = {
    type: "library",
    "bom-ref": "ibg-pilot-agent",
    name: "ibg-pilot-agent",
    version: opts.version,
    description: "ibg-pilot's Java agent jar (agent/src), loaded into Gateway's JVM",
    hashes: [{ alg: "SHA-256", content: await sha256(opts.agentJar) }],
  };
  const novnc: Component[] = opts.console
    ? [{
      type: "library",
      "bom-ref": npmPurl("@novnc/novnc", opts.console.novncVersion),
      name: "@novnc/novnc",
      version: opts.console.novncVersion,
      purl: npmPurl("@novnc/novnc", opts.console.novncVersion),
      description: "unmodified, bundled into the console page (lib/console/page/build)",
      // Its package.json's license; the bundle's hash stands for what is embedded.
      licenses: [{ expression: "MPL-2.0" }],
      hashes: [{ alg: "SHA-256", content: await sha256(opts.console.bundle) }],
    }]
    : [];
  // Packages main.ts imports directly; the rest hang off them.
  const direct = [
    ...new Set(
      info.modules.flatMap((m) => m.kind === "npm" && m.npmPackage ? [refOf(m.npmPackage)] : []),
    ),
  ].sort();
  return {
    bomFormat: "CycloneDX",
    specVersion: "1.5",
    version: 1,
    metadata: {
      timestamp: opts.timestamp,
      tools: {
        components: [{ type: "application", name: "tools/sbom.ts", version: opts.version }],
      },
      component: {
        type: "application",
        "bom-ref": "ibg-pilot",
        name: "ibg-pilot",
        version: opts.version,
      },
    },
    components: [runtime, agent, ...novnc, ...npm],
    dependencies: [
      {
        ref: "ibg-pilot",
        dependsOn: ["denort", "ibg-pilot-agent", ...novnc.map((c) => c["bom-ref"]), ...direct],
      },
      ...reachable.map((id) => ({
        ref: refOf(id),
        dependsOn: [
          ...(info.npmPackages[id]?.dependencies ?? []),
          ...(info.npmPackages[id]?.optionalDependencies ?? []),
        ].filter((d) => reachable.includes(d)).map(refOf).sort(),
      })),
    ],
  };
}

if (import.meta.main) {
  const args = [...Deno.args];
  let output: string | undefined;
  while (args.length) {
    const a = args.shift()!;
    if (a === "--output") output = args.shift();
    else {
      console.error(`sbom: unknown argument ${a}; usage: tools/sbom.ts [--output FILE]`);
      Deno.exit(2);
    }
  }
  const meta = JSON.parse(await Deno.readTextFile(join(root, "deno.json")));
  // SOURCE_DATE_EPOCH (reproducible-builds.org): the release sets it to the tag's commit time.
  const epoch = Deno.env.get("SOURCE_DATE_EPOCH");
  const doc = await sbom(await mainInfo(), {
    version: meta.version,
    agentJar: await Deno.readFile(join(root, "lib/ui/agent/ibg-pilot-agent.jar")),
    console: {
      bundle: await Deno.readFile(await buildConsole()),
      novncVersion: String(meta.imports["@novnc/novnc"]).replace(/^npm:@novnc\/novnc@/, ""),
    },
    denoVersion: Deno.version.deno,
    timestamp: new Date(epoch ? Number(epoch) * 1000 : Date.now()).toISOString(),
  });
  const text = JSON.stringify(doc, null, 2) + "\n";
  if (output) await Deno.writeTextFile(output, text);
  else console.log(text.trimEnd());
}
