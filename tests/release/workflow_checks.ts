/**
 * Offline checks of GitHub workflow files, used by workflows_test.ts:
 * - schema: GitHub's own workflow schema and template reader (npm @actions/workflow-parser, what
 *   GitHub's editor tooling validates with). Its package entry imports a JSON file without an
 *   import attribute, which Deno refuses, so the schema file is read from the package's
 *   directory (found through `deno info --json`) and the reader's modules are used directly.
 *   (@action-validator/core 0.6.0 runs offline under Deno too, but its built-in schema rejects
 *   `permissions: attestations: write`, which actions/attest-build-provenance needs: measured;
 *   the newer @actions/workflow-parser schema knows it);
 * - pinning: every `uses:` is a local path, or `owner/repo[/path]@<40 hex>` with the release tag
 *   in a comment beside it, or a docker:// image by sha256 digest;
 * - secrets: no `${{ }}` expression inside a `run:` script (secrets and tokens reach scripts only
 *   through `env:`, which also stops script injection), and no script prints a variable whose
 *   value comes from a secret or token, or turns on shell tracing while one is set.
 */

import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import {
  TemplateContext,
  TemplateValidationErrors,
} from "@actions/workflow-parser/templates/template-context";
import { readTemplate } from "@actions/workflow-parser/templates/template-reader";
import { TemplateSchema } from "@actions/workflow-parser/templates/schema/index";
import { JSONObjectReader } from "@actions/workflow-parser/templates/json-object-reader";
import { NoOperationTraceWriter } from "@actions/workflow-parser/templates/trace-writer";
import { WORKFLOW_ROOT } from "@actions/workflow-parser/workflows/workflow-constants";
import { YamlObjectReader } from "@actions/workflow-parser/workflows/yaml-object-reader";

const here = fileURLToPath(import.meta.url);

let schema: unknown;

/** GitHub's workflow schema, loaded once from the npm package's own file. */
async function workflowSchema(): Promise<unknown> {
  if (schema) return schema;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", here],
    cwd: dirname(here),
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("deno info failed: cannot locate @actions/workflow-parser");
  const info = JSON.parse(new TextDecoder().decode(out.stdout));
  const [, pkg] = Object.entries(info.npmPackages as Record<string, { localPath?: string }>)
    .find(([id]) => id.startsWith("@actions/workflow-parser@")) ?? [];
  if (!pkg?.localPath) throw new Error("@actions/workflow-parser is not in Deno's npm cache");
  const json = await Deno.readTextFile(`${pkg.localPath}/dist/workflow-v1.0.min.json`);
  schema = TemplateSchema.load(new JSONObjectReader(undefined, json));
  return schema;
}

/** Schema errors of one workflow file's text (empty when it is valid). */
export async function schemaErrors(name: string, content: string): Promise<string[]> {
  const context = new TemplateContext(
    new TemplateValidationErrors(),
    await workflowSchema() as ConstructorParameters<typeof TemplateContext>[1],
    new NoOperationTraceWriter(),
  );
  const fileId = context.getFileId(name);
  const reader = new YamlObjectReader(fileId, content);
  for (const e of reader.errors) context.error(fileId, e.message, e.range);
  if (!reader.errors.length) readTemplate(context, WORKFLOW_ROOT, reader, fileId);
  return context.errors.getErrors().map((e: { message: string }) => e.message);
}

/** Every `uses:` that is not pinned as the module header says, with its line number. */
export function unpinnedUses(content: string): string[] {
  const bad: string[] = [];
  content.split("\n").forEach((line, i) => {
    const m = /^\s*(?:-\s+)?uses:\s*["']?([^"'\s#]+)["']?\s*(#.*)?$/.exec(line);
    if (!m) return;
    const [, ref, comment] = m;
    if (ref.startsWith("./")) return;
    if (ref.startsWith("docker://")) {
      if (!/@sha256:[0-9a-f]{64}$/.test(ref)) bad.push(`line ${i + 1}: ${ref} (no sha256 digest)`);
      return;
    }
    if (!/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/.test(ref)) {
      bad.push(`line ${i + 1}: ${ref} (not a full 40-character commit SHA)`);
    } else if (!comment || !/#\s*v\d+(\.\d+)*\b/.test(comment)) {
      bad.push(`line ${i + 1}: ${ref} (no "# vX.Y.Z" comment naming the release)`);
    }
  });
  return bad;
}

type Step = { run?: string; env?: Record<string, unknown>; name?: string; uses?: string };
type Job = { env?: Record<string, unknown>; steps?: Step[] };
type Workflow = { env?: Record<string, unknown>; jobs?: Record<string, Job> };

const SECRET_SOURCE = /\$\{\{\s*(secrets\.|github\.token\b)/;

function secretVars(...envs: (Record<string, unknown> | undefined)[]): string[] {
  return envs.flatMap((e) =>
    Object.entries(e ?? {}).filter(([, v]) => SECRET_SOURCE.test(String(v))).map(([k]) => k)
  );
}

/** Steps that could leak a secret into the log, each with the reason. */
export function secretLeaks(content: string): string[] {
  const wf = parse(content) as Workflow;
  const out: string[] = [];
  for (const [jobId, job] of Object.entries(wf.jobs ?? {})) {
    (job.steps ?? []).forEach((step, i) => {
      if (step.run === undefined) return;
      const where = `job ${jobId} step ${i + 1}${step.name ? ` (${step.name})` : ""}`;
      if (/\$\{\{/.test(step.run)) {
        out.push(`${where}: a \${{ }} expression inside run: (pass it through env:)`);
      }
      const vars = secretVars(wf.env, job.env, step.env);
      if (!vars.length) return;
      if (/\bset\s+-[a-z]*x|\bbash\s+-[a-z]*x|\bset\s+-o\s+xtrace/.test(step.run)) {
        out.push(`${where}: shell tracing while ${vars.join(", ")} is set`);
      }
      for (const line of step.run.split("\n")) {
        for (const v of vars) {
          const used = new RegExp(`\\$\\{?${v}\\b`).test(line);
          if (used && /\b(echo|printf|cat|tee|env|printenv)\b/.test(line)) {
            out.push(`${where}: prints $${v}, which holds a secret: ${line.trim()}`);
          }
        }
        if (/\b(env|printenv)\s*($|[|;&>])/.test(line.trim())) {
          out.push(`${where}: dumps the environment while ${vars.join(", ")} is set`);
        }
      }
    });
  }
  return out;
}
