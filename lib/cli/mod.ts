/**
 * The command line: picks the subcommand from argv and runs it. Each subcommand lives in its own
 * module with its own `--help`; errors become one message on stderr and a documented exit code.
 */

import { closest } from "./args.ts";
import { EXIT, ExitError } from "./exit.ts";
import { VERSION } from "./version_info.ts";

type Command = (args: string[]) => number | Promise<number>;

/**
 * Every subcommand: name -> [one-line description, its implementation]. Each module is imported
 * only when its command runs (literal specifiers, so `deno compile` still embeds them): `version`
 * does not pay for the controller, nor `send` for the AT-SPI client.
 */
export const COMMANDS: Record<string, [string, () => Promise<Command>]> = {
  run: [
    "launch Gateway with the agent, log in, keep it alive (default)",
    async () => (await import("./run_cmd.ts")).runCommand,
  ],
  config: [
    "print the effective configuration, secrets redacted",
    async () => (await import("./config_cmd.ts")).configCommand,
  ],
  totp: [
    "print the current TOTP code for the configured secret",
    async () => (await import("./totp_cmd.ts")).totpCommand,
  ],
  send: [
    "send a command to the IBC-compatible command server (replaces telnet/nc)",
    async () => (await import("./send_cmd.ts")).sendCommand,
  ],
  health: [
    "exit 0 when the local health server says ready (Docker HEALTHCHECK)",
    async () => (await import("./health_cmd.ts")).healthCommand,
  ],
  "convert-ibc": [
    "convert an IBC config.ini into ibg-pilot environment variables",
    async () => (await import("./convert_cmd.ts")).convertCommand,
  ],
  inspect: [
    "print the live window and component tree of a running Gateway",
    async () => (await import("./inspect_cmd.ts")).inspectCommand,
  ],
  doctor: [
    "check Java, the Gateway install, display, runtime dir, ports, a11y stack",
    async () => (await import("./doctor_cmd.ts")).doctorCommand,
  ],
  install: [
    "install IB Gateway from IBKR's stable or latest channel",
    async () => (await import("./install_cmd.ts")).installCommand,
  ],
  "export-state": [
    "copy Gateway's settings and autorestart token to a folder for GATEWAY_WARM_STATE",
    async () => (await import("./export_state_cmd.ts")).exportStateCommand,
  ],
  selftest: [
    "launch Gateway, check its login frame against the catalogue, close it (no account)",
    async () => (await import("./selftest_cmd.ts")).selftestCommand,
  ],
  version: ["print the version", async () => (await import("./version.ts")).versionCommand],
};

/** The top-level help. */
export function topHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([n, [what]]) => `  ${n.padEnd(width)}  ${what}`);
  return `ibg-pilot ${VERSION}: keeps IB Gateway logged in, configured and healthy.

Usage: ibg-pilot [COMMAND] [OPTIONS]

Commands:
${lines.join("\n")}

Configuration comes from environment variables (NAME_FILE for every secret); see
docs/configuration.md. 'ibg-pilot COMMAND --help' describes each command.
Exit codes: 0 ok, 1 failure (health: not ready), 2 usage or configuration error,
4 not ok (send), 87 login not completed after 2FA. See docs/cli.md.`;
}

/** Runs ibg-pilot with `argv` (without the program name); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "--help" || first === "-h" || first === "help") {
    console.log(topHelp());
    return EXIT.OK;
  }
  if (first === "--version" || first === "-V") return (await COMMANDS.version[1]())([]);
  // No subcommand, or flags first: `run` is the default, like a container entrypoint.
  const [name, args] = first === undefined || first.startsWith("-") ? ["run", argv] : [first, rest];
  const entry = COMMANDS[name];
  try {
    if (!entry) {
      const guess = closest(name, Object.keys(COMMANDS));
      throw new ExitError(
        EXIT.USAGE,
        `unknown command '${name}'${guess ? ` (did you mean '${guess}'?)` : ""}. ` +
          `See: ibg-pilot --help`,
      );
    }
    return await (await entry[1]())(args);
  } catch (e) {
    if (e instanceof ExitError) {
      if (e.message) console.error(`ibg-pilot: ${e.message}`);
      return e.code;
    }
    if (e instanceof Deno.errors.NotCapable) {
      console.error(
        `ibg-pilot: a Deno permission is missing: ${e.message.split("\n")[0]}\n` +
          `Run with the project's permission set (deno task start, or the compiled binary); ` +
          `docs/permissions.md lists each permission and why.`,
      );
      return EXIT.FAILURE;
    }
    console.error(`ibg-pilot: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    return EXIT.FAILURE;
  }
}
