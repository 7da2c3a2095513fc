/**
 * The java command line that runs Gateway with our agent, as an argv array (never a shell
 * string), and the environment the JVM gets. Owns the module flags, the install4j properties and
 * the accessibility decision. No secret is ever placed in argv (argv is world-readable in
 * /proc/<pid>/cmdline); {@link buildJavaCommand} refuses any argument carrying a registered
 * secret as a last line of defence.
 */

import { redactSecrets } from "../log.ts";
import { GatewayError } from "./errors.ts";
import type { GatewayInstall } from "./install.ts";
import { withHeap, withoutProperties } from "./vmoptions.ts";

/**
 * Module flags for Java 9+ (sources.md IBC 4.3): Gateway and our agent reflect into Swing, AWT
 * and JavaFX internals. Without them, peers observed the auth request never being sent.
 */
export const MODULE_FLAGS: readonly string[] = [
  ...[
    "java.base/java.util",
    "java.base/java.util.concurrent",
    "java.desktop/java.awt",
    "java.desktop/java.awt.dnd",
    "java.desktop/javax.swing",
    "java.desktop/javax.swing.event",
    "java.desktop/javax.swing.plaf.basic",
    "java.desktop/javax.swing.table",
    "java.desktop/sun.awt",
    "javafx.graphics/com.sun.javafx.application",
    "jdk.management/com.sun.management.internal",
  ].map((p) => `--add-opens=${p}=ALL-UNNAMED`),
  ...[
    "java.base/sun.util",
    "java.desktop/com.sun.java.swing.plaf.motif",
    "java.desktop/sun.awt.X11",
    "java.desktop/sun.swing",
    "javafx.media/com.sun.media.jfxmedia",
    "javafx.media/com.sun.media.jfxmedia.events",
    "javafx.media/com.sun.media.jfxmedia.locator",
    "javafx.media/com.sun.media.jfxmediaimpl",
    "javafx.web/com.sun.javafx.webkit",
  ].map((p) => `--add-exports=${p}=ALL-UNNAMED`),
];

/** The properties install4j's launcher would set; Gateway's update and restart code reads them. */
export const INSTALL4J_PROPERTIES: readonly string[] = [
  "-Dtwslaunch.autoupdate.serviceImpl=com.ib.tws.twslaunch.install4j.Install4jAutoUpdateService",
  "-Dchannel=latest",
  "-Dexe4j.isInstall4j=true",
  "-Dinstall4jType=standalone",
];

/** The class that makes Java's accessibility bridge talk to AT-SPI. */
export const ATK_WRAPPER_CLASS = "org.GNOME.Accessibility.AtkWrapper";

/** The AT-SPI bridge to load into Gateway (only for the AT-SPI UI channel). */
export interface AtkBridge {
  /** `java-atk-wrapper.jar`, e.g. /usr/share/java/java-atk-wrapper.jar. */
  jar: string;
  /** The directory holding `libatk-wrapper.so`, e.g. /usr/lib/x86_64-linux-gnu/jni. */
  libDir: string;
}

/** Inputs of {@link buildJavaCommand}. */
export interface CommandOptions {
  /** The install from `findInstall`. */
  install: GatewayInstall;
  /** The `java` executable from `findJava`. */
  java: string;
  /** The JRE's major version (`readJavaMajor`); module flags are omitted only for 8. */
  javaMajor?: number;
  /** The parsed `.vmoptions` (`readVmOptions`). */
  vmOptions: readonly string[];
  /** Gateway's settings directory (TWS_SETTINGS_PATH): jts.ini, logs, encrypted user dirs. */
  settingsDir: string;
  /** JAVA_HEAP_SIZE in MB; overrides the file's -Xmx. */
  heapMb?: number;
  /** The user directory holding an `autorestart` token, to resume a session (`-Drestart=`). */
  restartDir?: string;
  /** Our agent jar and its argument (the Unix socket path). Omitted: no agent (tests, doctor). */
  agent?: { jar: string; socket: string };
  /** Load the AT-SPI bridge instead of disabling assistive technologies. */
  atkBridge?: AtkBridge;
  /** Keep IPv4 preferred (default true: otherwise Gateway may bind its API port IPv6-only). */
  preferIPv4?: boolean;
  /** Extra JVM options appended after everything else but before the main class. */
  extraJvmArgs?: readonly string[];
}

/** A command ready for `Deno.Command`. */
export interface JavaCommand {
  /** The `java` executable. */
  command: string;
  /** Its arguments, main class and settings dir last. */
  args: string[];
}

/** Properties the launcher sets itself; removed from the vmoptions so none appears twice. */
const OWNED_PROPERTIES = [
  "jtsConfigDir",
  "restart",
  "jxBrowserKey",
  "twslaunch.autoupdate.serviceImpl",
  "channel",
  "exe4j.isInstall4j",
  "install4jType",
  "javax.accessibility.assistive_technologies",
  "java.net.preferIPv4Stack",
];

/** The restart token is a directory *name* under the settings dir, never a path or an option. */
const SAFE_RESTART_DIR = /^[A-Za-z0-9._-]+$/;

/**
 * Builds Gateway's java argv: module flags, classpath (jars sorted, then i4jruntime.jar, then the
 * ATK bridge jar), the vmoptions (launcher-owned properties removed, -Xmx overridden), our
 * properties, the agent, then the main class with the settings dir as its argument.
 */
export function buildJavaCommand(opts: CommandOptions): JavaCommand {
  const { install } = opts;
  if (opts.restartDir !== undefined && !SAFE_RESTART_DIR.test(opts.restartDir)) {
    throw new GatewayError(
      "COMMAND_INVALID",
      `The restart directory ${JSON.stringify(opts.restartDir)} is not a plain directory name.`,
      "pass the name of the user directory that holds the autorestart file, not a path.",
    );
  }
  const classpath = [...install.jars, install.i4jRuntimeJar];
  if (opts.atkBridge) classpath.push(opts.atkBridge.jar);

  const args: string[] = [];
  if (opts.javaMajor !== 8) args.push(...MODULE_FLAGS);
  args.push("-cp", classpath.join(":"));
  args.push(...withHeap(withoutProperties(opts.vmOptions, OWNED_PROPERTIES), opts.heapMb));
  args.push(`-DjtsConfigDir=${opts.settingsDir}`);
  args.push(...INSTALL4J_PROPERTIES);
  if (install.jxBrowserKey) args.push(`-DjxBrowserKey=${install.jxBrowserKey}`);
  if (opts.restartDir) args.push(`-Drestart=${opts.restartDir}`);
  if (opts.atkBridge) {
    // JDK 9+ loads assistive technologies by class name from the classpath; the bridge's native
    // half needs its directory on java.library.path (which replaces the default, so keep it).
    args.push(`-Djavax.accessibility.assistive_technologies=${ATK_WRAPPER_CLASS}`);
    args.push(
      `-Djava.library.path=${opts.atkBridge.libDir}:/usr/java/packages/lib:/usr/lib64:/lib64:/lib:/usr/lib`,
    );
  } else {
    // Empty on purpose: a JRE or distribution default (accessibility.properties) would load the
    // ATK bridge, which deadlocked Gateway's login in the field (sources.md peers A8, v0.5.12).
    args.push("-Djavax.accessibility.assistive_technologies=");
  }
  if (opts.preferIPv4 !== false) args.push("-Djava.net.preferIPv4Stack=true");
  if (opts.agent) args.push(`-javaagent:${opts.agent.jar}=${opts.agent.socket}`);
  args.push(...(opts.extraJvmArgs ?? []));
  args.push(install.mainClass, opts.settingsDir);

  for (const arg of args) {
    if (redactSecrets(arg) !== arg) {
      throw new GatewayError(
        "COMMAND_INVALID",
        "A configured secret would appear in Gateway's command line (readable by every user " +
          "through /proc).",
        "remove the secret from JVM options and paths; pass credentials only through the agent.",
      );
    }
  }
  return { command: opts.java, args };
}

/** Variables that inject options into every JVM the child starts; cleared unless kept. */
export const JAVA_OPTION_VARIABLES: readonly string[] = [
  "JAVA_TOOL_OPTIONS",
  "JDK_JAVA_OPTIONS",
  "_JAVA_OPTIONS",
  "INSTALL4J_ADD_VM_PARAMS",
];

/**
 * The environment for Gateway's JVM: the parent's, minus the Java option variables unless
 * `keepJavaOptions`. Why: those variables are read by every JVM, so a value meant for another
 * tool (a debugger port, a second -javaagent, an -Xmx) would silently change Gateway and override
 * the argv we built; JAVA_TOOL_OPTIONS also prints "Picked up ..." into Gateway's output. IBC
 * clears JAVA_TOOL_OPTIONS for the same reason. INSTALL4J_ADD_VM_PARAMS is cleared because
 * install4j's restarter would inherit it and start a JVM with our agent on our socket.
 */
export function gatewayEnv(
  parent: Readonly<Record<string, string>>,
  opts: { keepJavaOptions?: boolean } = {},
): Record<string, string> {
  const env = { ...parent };
  if (!opts.keepJavaOptions) { for (const name of JAVA_OPTION_VARIABLES) delete env[name]; }
  return env;
}
