/**
 * Renders docs/configuration.md from the settings schema, so the reference can never drift from
 * the code (a test compares the committed file with this output; `deno task docs` rewrites it).
 */

import { GROUPS, SCHEMA, SETTING_NAMES, settingDef } from "../../lib/config/schema.ts";

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** The whole of docs/configuration.md. */
export function configurationMarkdown(): string {
  const out: string[] = [
    "# Configuration",
    "",
    "<!-- Generated from lib/config/schema.ts by `deno task docs`. Do not edit by hand. -->",
    "",
    "ibg-pilot is configured with environment variables, the Docker convention. Names are the",
    "ones users already have: the gnzsnz image's and IBC's for Gateway settings, ibg-controller's",
    "`CONTROLLER_*` for the servers, and the prefix `PILOT_` for settings new to ibg-pilot.",
    "",
    "- Every **secret** can instead be read from a file: `<NAME>_FILE=/run/secrets/<name>` (Docker",
    "  and Kubernetes secrets). Setting both `<NAME>` and `<NAME>_FILE` is an error. Secrets are",
    "  never accepted on the command line and never printed (`ibg-pilot config` shows `***`).",
    "- Command-line flags override the environment: `--set NAME=VALUE` for any non-secret",
    "  setting, plus shortcuts such as `--mode`, `--tws-path`, `--log-level`, `--log-format`.",
    "- An empty variable (`NAME=`) counts as unset.",
    "- Validation reports every problem at once and exits with code 2 before anything starts.",
    "- Booleans accept yes/no, true/false, 1/0, on/off in any case.",
    "- `DUAL_MODE=yes` (gnzsnz's alias) means `TRADING_MODE=both`.",
    "",
    "`ibg-pilot config` prints the effective settings and the source of each (default, env,",
    "file, flag); `--json` for machines.",
    "",
  ];
  for (const group of GROUPS) {
    const names = SETTING_NAMES.filter((n) => SCHEMA[n].group === group);
    if (names.length === 0) continue;
    out.push(`## ${group}`, "");
    out.push("| Variable | Type | Default | IBC key | What it does |");
    out.push("|---|---|---|---|---|");
    for (const name of names) {
      const d = settingDef(name);
      const def = d.default !== undefined &&
          !(Array.isArray(d.default) && d.default.length === 0)
        ? `\`${d.type.format(d.default)}\``
        : d.defaultText
        ? d.defaultText
        : "unset";
      const type = d.secret
        ? `secret${d.type.kind === "secret" ? "" : ` (${d.type.kind})`}`
        : d.type.kind;
      out.push(
        `| \`${name}\`${d.secret ? ` (or \`${name}_FILE\`)` : ""} | ${type}: ${
          cell(d.type.form)
        } | ${cell(def)} | ${d.ibc ? `\`${d.ibc}\`` : ""} | ${cell(d.doc)} |`,
      );
    }
    out.push("");
  }
  return out.join("\n");
}
