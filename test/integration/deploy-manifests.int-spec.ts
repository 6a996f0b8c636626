import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { KAFKA_VERSION } from '@lienthong/local-kafka';
import { REGISTRY_TOPIC, registryTopicSpec } from '@lienthong/registry';
import { Ajv } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { loadGatewayConfig } from '../../apps/gateway/src/config/gateway-config.js';
import { loadRouterConfig } from '../../apps/router/src/config/router-config.js';

// Static validation of deploy/ (no Docker engine here, no cluster): the image definition, the
// compose file through `docker-compose config`, and the Kubernetes manifests rendered by
// `kubectl kustomize` and checked against the Kubernetes API schemas (kubernetes-models) and,
// for Strimzi's resources, against the structure below.

const ROOT = resolve('.');
const DOCKERFILE = 'deploy/docker/Dockerfile';
const DOCKERIGNORE = 'deploy/docker/Dockerfile.dockerignore';
const COMPOSE_DIR = 'deploy/compose';
const COMPOSE_FILE = join(COMPOSE_DIR, 'docker-compose.yml');
const HAPROXY_CFG = join(COMPOSE_DIR, 'haproxy.cfg');
const PROMETHEUS_CONFIG = 'deploy/prometheus/prometheus.yml';
const KUBERNETES_DIR = 'deploy/kubernetes';
const GATEWAY_CONFIG_SOURCE = 'apps/gateway/src/config/gateway-config.ts';
const ROUTER_CONFIG_SOURCE = 'apps/router/src/config/router-config.ts';

const COMPOSE_MISSING =
  'docker-compose is not on PATH (nor the `docker compose` plugin). On Debian or Ubuntu run ' +
  '`apt-get install docker-compose` (as root; no Docker engine is needed to validate a compose file).';
const KUBECTL_MISSING =
  'kubectl is not on PATH: it renders deploy/kubernetes (`kubectl kustomize`, offline). Install the ' +
  '`kubectl` package (or put the binary on PATH).';
const KUBERNETES_MODELS_MISSING =
  'The npm package kubernetes-models (the Kubernetes API schemas, validated offline) is not installed: ' +
  'add it as a devDependency (`npm install --save-dev kubernetes-models`).';

type Json = Record<string, unknown>;

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(command, args, { encoding: 'utf8', env, maxBuffer: 16 * 1024 * 1024 });
}

const isMissing = (result: ReturnType<typeof run>): boolean =>
  result.error !== undefined && 'code' in result.error && result.error.code === 'ENOENT';

/** Kubernetes reads YAML 1.1 (`0440` is octal there); one object per document. */
function yamlDocuments(text: string): Json[] {
  return parseAllDocuments(text, { version: '1.1' })
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('\n'));
      return doc.toJS() as Json | null;
    })
    .filter((doc): doc is Json => doc !== null);
}

/**
 * The variables an app reads in its loader: `env['NAME']`, or a `@lienthong/config` reader given
 * the name (`read.int('NAME', …)`, `read.brokers('NAME')`…).
 */
function variablesRead(source: string): Set<string> {
  const text = readFileSync(source, 'utf8');
  const readers = /(?:env\[|\b(?:int|bool|oneOf|brokers|durationsMs|fraction|raw)\()'([A-Z0-9_]+)'/g;
  // `secret('NAME', …)` reads NAME or NAME_FILE.
  const secrets = [...text.matchAll(/\bsecret\('([A-Z0-9_]+)'/g)].flatMap((m) => [m[1]!, `${m[1]!}_FILE`]);
  return new Set([...[...text.matchAll(readers)].map((m) => m[1]!), ...secrets]);
}
/** Variables the runtime or the image reads rather than the app. */
const RUNTIME_VARIABLES = new Set(['NODE_OPTIONS', 'NODE_ENV', 'HEALTHCHECK_PORT', 'HEALTHCHECK_PATH']);

function expectOnlyKnownVariables(env: Record<string, string>, source: string): void {
  const known = variablesRead(source);
  const unknown = Object.keys(env).filter((name) => !known.has(name) && !RUNTIME_VARIABLES.has(name));
  expect(unknown).toEqual([]);
}

/**
 * The manifest's environment with each `*_SECRET_FILE` pointing at a readable stand-in: the
 * loaders read those files at boot (the manifests' paths exist only inside the containers).
 */
function withSecretFiles(env: Record<string, string>): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'lienthong-manifest-secrets-'));
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => {
      if (!name.endsWith('_SECRET_FILE')) return [name, value];
      const file = join(dir, name);
      writeFileSync(file, `${'s'.repeat(43)}\n`);
      return [name, file];
    }),
  );
}

const stringEnv = (env: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries((env ?? {}) as Json).map(([k, v]) => [k, String(v)]));

// --- the image --------------------------------------------------------------------------------

describe('deploy/docker image definition', () => {
  const dockerfile = readFileSync(DOCKERFILE, 'utf8');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages = instructions.filter((line) => /^FROM /i.test(line));
  const runtimeStart = instructions.findIndex((line) => /^FROM .* AS runtime$/i.test(line));
  const build = instructions.slice(0, runtimeStart);
  const runtime = instructions.slice(runtimeStart);

  it('builds in one stage and runs production dependencies only in a slim Node LTS stage', () => {
    expect(stages).toEqual([
      'FROM node:${NODE_VERSION}-bookworm-slim AS build',
      'FROM node:${NODE_VERSION}-bookworm-slim AS runtime',
    ]);
    const nodeVersion = /^ARG NODE_VERSION=(\d+)$/m.exec(dockerfile)?.[1];
    // Even major versions are the LTS lines; the default is the one package.json "engines" names.
    expect(Number(nodeVersion) % 2).toBe(0);
    const engines = (JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } })
      .engines;
    expect(engines.node).toMatch(new RegExp(`^>=${nodeVersion}\\.`));
    expect(build).toContain('RUN npm ci --no-audit --no-fund');
    expect(build).toContain('RUN npm run build');
    expect(runtime).toContain('RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force');
    expect(runtime).toContain('COPY --from=build /app/dist ./dist');
    expect(runtime).toContain('COPY schemas ./schemas');
    expect(runtime.join('\n')).not.toMatch(/npm run build|npm ci --no-audit/);
  });

  it('runs as a non-root user and listens on every interface', () => {
    expect(runtime).toContain('USER node');
    expect(runtime.indexOf('USER node')).toBeGreaterThan(runtime.findIndex((l) => l.startsWith('RUN ')));
    const env = runtime.find((line) => line.startsWith('ENV '))!;
    expect(env).toMatch(/\bHOST=0\.0\.0\.0\b/);
    expect(env).toMatch(/\bROUTER_HOST=0\.0\.0\.0\b/);
    expect(env).toMatch(/\bSCHEMAS_DIR=\/app\/schemas\b/);
    expect(runtime.at(-1)).toBe('CMD ["node", "dist/apps/gateway/src/main.js"]');
  });

  it('has a health check that passes on a ready app and fails otherwise', async () => {
    const line = runtime.find((l) => l.startsWith('HEALTHCHECK '))!;
    const command = JSON.parse(line.slice(line.indexOf('CMD ') + 4)) as string[];
    expect(command.slice(0, 2)).toEqual(['node', '-e']);
    let ready = false;
    const server = createServer((request, response) => {
      response.statusCode = request.url === '/health/ready' && ready ? 200 : 503;
      response.end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = String((server.address() as AddressInfo).port);
    const check = () =>
      new Promise<number | null>((done) => {
        const child = spawn(process.execPath, command.slice(1), {
          env: { ...process.env, PORT: '1', HEALTHCHECK_PORT: port },
        });
        child.on('exit', (code) => done(code));
      });
    try {
      expect(await check()).toBe(1);
      ready = true;
      expect(await check()).toBe(0);
    } finally {
      server.close();
    }
  });

  it('copies only paths that exist, and its ignore file keeps keys and build output out', () => {
    for (const line of instructions.filter((l) => /^COPY /.test(l) && !l.includes('--from='))) {
      const sources = line.split(/\s+/).slice(1, -1);
      for (const source of sources) expect([source, existsSync(join(ROOT, source))]).toEqual([source, true]);
    }
    for (const entry of ['**/node_modules', 'dist', '.lienthong', '.git', 'deploy/compose/secrets']) {
      expect(readFileSync(DOCKERIGNORE, 'utf8').split('\n')).toContain(entry);
    }
    // The app entry points the commands name are what `npm run build` produces.
    const build = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { build: string } };
    expect(build.scripts.build).toMatch(/^swc apps libs bench --out-dir dist /);
    for (const app of ['gateway', 'router']) expect(existsSync(`apps/${app}/src/main.ts`)).toBe(true);
  });
});

// --- docker compose ---------------------------------------------------------------------------

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Json;
  volumes?: (string | { source: string; target: string; type: string })[];
  secrets?: { source: string }[];
  depends_on?: Json | string[];
  read_only?: boolean;
  cap_drop?: string[];
  ports?: unknown[];
}

interface ComposeModel {
  services: Record<string, ComposeService>;
  secrets: Record<string, { file: string }>;
}

/** `docker-compose config`: the real parser, which also resolves anchors, variables and paths. */
function composeConfig(): ComposeModel {
  const env = { ...process.env, GRAFANA_ADMIN_PASSWORD: 'test-only' };
  const candidates: [string, string[]][] = [
    ['docker-compose', ['-f', COMPOSE_FILE, 'config']],
    ['docker', ['compose', '-f', COMPOSE_FILE, 'config']],
  ];
  for (const [command, args] of candidates) {
    const result = run(command, args, env);
    if (isMissing(result)) continue;
    if (command === 'docker' && /unknown command|is not a docker command/i.test(result.stderr)) continue;
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
    return yamlDocuments(result.stdout)[0] as unknown as ComposeModel;
  }
  throw new Error(COMPOSE_MISSING);
}

describe('deploy/compose', () => {
  const model = composeConfig();
  const services = model.services;
  const brokers = ['kafka-1', 'kafka-2', 'kafka-3'];
  const gateways = Object.keys(services).filter((name) => /^gateway-\d+$/.test(name));

  it('passes `docker-compose config` and runs every piece the design names', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        ...brokers,
        'gateway-1',
        'gateway-2',
        'grafana',
        'load-balancer',
        'prometheus',
        'redis',
        'router',
      ].sort(),
    );
  });

  it('runs a three-broker KRaft cluster that keeps every write on two replicas', () => {
    const ids = new Set<string>();
    for (const name of brokers) {
      const service = services[name]!;
      // The Kafka release the tests run (libs/local-kafka), in the official image.
      expect(service.image).toBe(`apache/kafka:${KAFKA_VERSION}`);
      const env = stringEnv(service.environment);
      ids.add(env['KAFKA_NODE_ID']!);
      expect(env).toMatchObject({
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093',
        KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${name}:9092`,
        KAFKA_DEFAULT_REPLICATION_FACTOR: '3',
        KAFKA_MIN_INSYNC_REPLICAS: '2',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '3',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '3',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '2',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      });
      expect(env['CLUSTER_ID']).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(service.volumes?.map((v) => (typeof v === 'string' ? v : v.target)).join(' ')).toContain(
        '/var/lib/kafka/data',
      );
    }
    expect(ids).toEqual(new Set(['1', '2', '3']));
  });

  it('gives every gateway replica the same keys, issuer, operator, Redis and replication factor', () => {
    expect(gateways.length).toBeGreaterThanOrEqual(2);
    const envs = gateways.map((name) => stringEnv(services[name]!.environment));
    for (const env of envs) expect(env).toEqual(envs[0]);
    const env = envs[0]!;
    expect(env).toMatchObject({
      HOST: '0.0.0.0',
      PORT: '8080',
      KAFKA_BROKERS: brokers.map((b) => `${b}:9092`).join(','),
      KAFKA_REPLICATION_FACTOR: '3',
      REDIS_URL: 'redis://redis:6379',
      GATEWAY_SIGNING_KEYS_FILE: '/run/secrets/gateway-signing-keys',
      WEBHOOK_SIGNING_KEY_FILE: '/run/secrets/webhook-signing-key',
      AUDIT_SIGNING_KEY_FILE: '/run/secrets/audit-signing-key',
      DISCLOSURE_SUBJECT_SECRET_FILE: '/run/secrets/disclosure-subject-secret',
      BOOTSTRAP_OPERATOR_JWKS: '/run/secrets/bootstrap-operator-jwks',
    });
    expect(env['GATEWAY_ISSUER']).toMatch(/^https?:\/\//);
    expect(env['GATEWAY_PUBLIC_URL']).toBe(env['GATEWAY_ISSUER']);
    for (const name of gateways) {
      expect(services[name]!.command).toEqual(['node', 'dist/apps/gateway/src/main.js']);
      expect(services[name]!.secrets?.map((s) => s.source).sort()).toEqual([
        'audit-signing-key',
        'bootstrap-operator-jwks',
        'disclosure-subject-secret',
        'gateway-signing-keys',
        'webhook-signing-key',
      ]);
    }
    // The gateway's own loader accepts this environment, and reads every variable it sets.
    expectOnlyKnownVariables(env, GATEWAY_CONFIG_SOURCE);
    const config = loadGatewayConfig(withSecretFiles(env));
    expect(config).toMatchObject({ kafkaReplicationFactor: 3, host: '0.0.0.0', port: 8080 });
  });

  it('runs the router with the gateway keys, its webhook key, and health and metrics on 9464', () => {
    const router = services['router']!;
    const env = stringEnv(router.environment);
    expect(router.command).toEqual(['node', 'dist/apps/router/src/main.js']);
    expect(router.image).toBe(services['gateway-1']!.image);
    expect(env).toMatchObject({
      ROUTER_PORT: '9464',
      HEALTHCHECK_PORT: '9464',
      KAFKA_REPLICATION_FACTOR: '3',
    });
    expect(router.secrets?.map((s) => s.source).sort()).toEqual([
      'audit-signing-key',
      'disclosure-subject-secret',
      'gateway-signing-keys',
      'key-pseudonym-secret',
      'webhook-signing-key',
    ]);
    expectOnlyKnownVariables(env, ROUTER_CONFIG_SOURCE);
    expect(loadRouterConfig(withSecretFiles(env))).toMatchObject({
      host: '0.0.0.0',
      port: 9464,
      kafkaReplicationFactor: 3,
    });
  });

  it('runs the apps hardened, with every key file they name mounted as a secret', () => {
    for (const name of [...gateways, 'router']) {
      const service = services[name]!;
      expect(service.read_only).toBe(true);
      expect(service.cap_drop).toEqual(['ALL']);
      const named = Object.values(stringEnv(service.environment))
        .filter((value) => value.startsWith('/run/secrets/'))
        .map((value) => value.slice('/run/secrets/'.length))
        .sort();
      expect([name, named]).toEqual([name, service.secrets?.map((s) => s.source).sort()]);
    }
  });

  it('keeps the secret files in a git-ignored folder', () => {
    const folder = resolve(COMPOSE_DIR, 'secrets');
    for (const secret of Object.values(model.secrets)) expect(dirname(secret.file)).toBe(folder);
    expect(readFileSync(join(folder, '.gitignore'), 'utf8')).toMatch(/^\*$/m);
    const ignored = run('git', [
      'check-ignore',
      '-q',
      join(COMPOSE_DIR, 'secrets', 'gateway-signing-keys.json'),
    ]);
    expect(ignored.status).toBe(0);
  });

  it('balances over every gateway replica, and Prometheus scrapes each one and the router', () => {
    const haproxy = readFileSync(HAPROXY_CFG, 'utf8');
    const servers = [...haproxy.matchAll(/^\s*server (\S+) (\S+):(\d+) check$/gm)].map((m) => [
      m[1],
      m[2],
      m[3],
    ]);
    expect(servers).toEqual(gateways.map((name) => [name, name, '8080']));
    expect(haproxy).toMatch(/http-check send meth GET uri \/health\/ready/);

    // The shared deploy/prometheus/prometheus.yml fits: its targets are these service names.
    const scrape = yamlDocuments(readFileSync(PROMETHEUS_CONFIG, 'utf8'))[0] as {
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    const targets = (job: string) =>
      scrape.scrape_configs.find((c) => c.job_name === job)!.static_configs.flatMap((c) => c.targets);
    expect(targets('lienthong-gateway')).toEqual(gateways.map((name) => `${name}:8080`));
    expect(targets('lienthong-router')).toEqual([
      `router:${stringEnv(services['router']!.environment)['ROUTER_PORT']}`,
    ]);

    const mounts = (service: string) =>
      Object.fromEntries(
        (services[service]!.volumes ?? []).map((v) => {
          const [source, target] = typeof v === 'string' ? v.split(':') : [v.source, v.target];
          return [target!, source!];
        }),
      );
    expect(mounts('prometheus')).toMatchObject({
      '/etc/prometheus/prometheus.yml': resolve(PROMETHEUS_CONFIG),
      '/etc/prometheus/alerts.yml': resolve('deploy/prometheus/alerts.yml'),
    });
    expect(mounts('grafana')).toMatchObject({
      '/etc/grafana/provisioning/datasources': resolve('deploy/grafana/provisioning/datasources'),
      '/etc/grafana/provisioning/dashboards': resolve('deploy/grafana/provisioning/dashboards'),
      '/var/lib/grafana/dashboards/lienthong': resolve('deploy/grafana/dashboards'),
    });
    // Every file or folder bind-mounted from the repository exists.
    for (const service of Object.keys(services)) {
      for (const source of Object.values(mounts(service)).filter((s) => s.startsWith('/'))) {
        expect([service, source, existsSync(source)]).toEqual([service, source, true]);
      }
    }
  });
});

// --- Kubernetes -------------------------------------------------------------------------------

interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Json;
  data?: Record<string, string>;
}

/** `kubectl kustomize`: renders the kustomization offline, the way `kubectl apply -k` would. */
function renderKubernetes(): KubeObject[] {
  const result = run('kubectl', ['kustomize', KUBERNETES_DIR]);
  if (isMissing(result)) throw new Error(KUBECTL_MISSING);
  if (result.status !== 0) throw new Error(`kubectl kustomize ${KUBERNETES_DIR} failed:\n${result.stderr}`);
  return yamlDocuments(result.stdout) as unknown as KubeObject[];
}

/** kubernetes-models class for a built-in kind: `apps/v1` Deployment → kubernetes-models/apps/v1/Deployment. */
async function kubernetesModel(
  apiVersion: string,
  kind: string,
): Promise<new (data: unknown) => { validate(): void }> {
  const specifier = `kubernetes-models/${apiVersion}/${kind}`;
  try {
    const module = (await import(specifier)) as Record<string, new (data: unknown) => { validate(): void }>;
    const model = module[kind];
    if (!model) throw new Error(`${specifier} exports no ${kind}`);
    return model;
  } catch (error) {
    // Duck-typed: Jest's module registry throws from another realm.
    const message = String((error as { message?: unknown } | null)?.message);
    if (/Cannot find (module|package) 'kubernetes-models/.test(message)) {
      throw new Error(KUBERNETES_MODELS_MISSING, { cause: error });
    }
    throw error;
  }
}

// Strimzi's CRD schemas are not published as a package; these check the structure Lienthong relies
// on (apiVersion, kind, required fields, and no misspelt field in the parts it sets).
const strimziMetadata = {
  type: 'object',
  required: ['name', 'labels'],
  properties: {
    name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
    namespace: { type: 'string' },
    labels: { type: 'object', required: ['strimzi.io/cluster'] },
  },
};
const STRIMZI_SCHEMAS: Record<string, object> = {
  KafkaNodePool: {
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: { const: 'kafka.strimzi.io/v1' },
      metadata: strimziMetadata,
      spec: {
        type: 'object',
        additionalProperties: false,
        required: ['replicas', 'roles', 'storage'],
        properties: {
          replicas: { type: 'integer', minimum: 3 },
          roles: { type: 'array', items: { enum: ['controller', 'broker'] }, uniqueItems: true, minItems: 1 },
          storage: {
            type: 'object',
            required: ['type', 'volumes'],
            additionalProperties: false,
            properties: {
              type: { const: 'jbod' },
              volumes: {
                type: 'array',
                minItems: 1,
                items: {
                  type: 'object',
                  required: ['id', 'type', 'size'],
                  additionalProperties: false,
                  properties: {
                    id: { type: 'integer', minimum: 0 },
                    type: { enum: ['persistent-claim', 'ephemeral'] },
                    size: { type: 'string', pattern: '^[0-9]+([KMGTPE]i?)?$' },
                    class: { type: 'string' },
                    deleteClaim: { type: 'boolean' },
                    kraftMetadata: { const: 'shared' },
                  },
                },
              },
            },
          },
          resources: {
            type: 'object',
            additionalProperties: false,
            properties: { requests: {}, limits: {} },
          },
          jvmOptions: { type: 'object' },
          template: { type: 'object' },
        },
      },
    },
  },
  Kafka: {
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: { const: 'kafka.strimzi.io/v1' },
      spec: {
        type: 'object',
        additionalProperties: false,
        required: ['kafka'],
        properties: {
          kafka: {
            type: 'object',
            additionalProperties: false,
            required: ['listeners'],
            properties: {
              version: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+$' },
              metadataVersion: { type: 'string', pattern: '^\\d+\\.\\d+-IV\\d+$' },
              listeners: {
                type: 'array',
                minItems: 1,
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['name', 'port', 'type', 'tls'],
                  properties: {
                    name: { type: 'string', pattern: '^[a-z0-9]{1,11}$' },
                    port: { type: 'integer', minimum: 9092 },
                    type: {
                      enum: ['internal', 'route', 'loadbalancer', 'nodeport', 'ingress', 'cluster-ip'],
                    },
                    tls: { type: 'boolean' },
                    authentication: { type: 'object' },
                    configuration: { type: 'object' },
                    networkPolicyPeers: { type: 'array' },
                  },
                },
              },
              config: { type: 'object' },
              authorization: { type: 'object' },
              rack: { type: 'object' },
              metricsConfig: { type: 'object' },
              template: { type: 'object' },
            },
          },
          entityOperator: {
            type: 'object',
            additionalProperties: false,
            properties: { topicOperator: { type: 'object' }, userOperator: { type: 'object' } },
          },
          cruiseControl: { type: 'object' },
          kafkaExporter: { type: 'object' },
        },
      },
    },
  },
  KafkaTopic: {
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: { const: 'kafka.strimzi.io/v1' },
      metadata: strimziMetadata,
      spec: {
        type: 'object',
        additionalProperties: false,
        required: ['partitions', 'replicas'],
        properties: {
          topicName: { type: 'string', pattern: '^[a-zA-Z0-9._-]{1,249}$' },
          partitions: { type: 'integer', minimum: 1 },
          replicas: { type: 'integer', minimum: 1, maximum: 32767 },
          config: { type: 'object' },
        },
      },
    },
  },
};

describe('deploy/kubernetes', () => {
  const objects = renderKubernetes();
  const find = (kind: string, name: string): KubeObject => {
    const object = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!object) throw new Error(`no ${kind} ${name} in ${KUBERNETES_DIR}`);
    return object;
  };
  const builtIn = objects.filter((o) => !o.apiVersion.startsWith('kafka.strimzi.io/'));
  const strimzi = objects.filter((o) => o.apiVersion.startsWith('kafka.strimzi.io/'));

  it('renders with kubectl kustomize into the lienthong namespace', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      [
        'ConfigMap/lienthong-gateway',
        'ConfigMap/lienthong-router',
        'Deployment/lienthong-gateway',
        'Deployment/lienthong-router',
        'HorizontalPodAutoscaler/lienthong-gateway',
        'Kafka/lienthong',
        'KafkaNodePool/dual-role',
        'KafkaTopic/lienthong-audit',
        'KafkaTopic/lienthong-registry',
        'Namespace/lienthong',
        'PodDisruptionBudget/lienthong-gateway',
        'PodDisruptionBudget/lienthong-router',
        'Service/lienthong-gateway',
        'Service/lienthong-router-metrics',
        'ServiceAccount/lienthong-gateway',
        'ServiceAccount/lienthong-router',
      ].sort(),
    );
    for (const object of objects.filter((o) => o.kind !== 'Namespace')) {
      expect([object.kind, object.metadata.namespace]).toEqual([object.kind, 'lienthong']);
    }
  });

  it('has only built-in objects that the Kubernetes API schemas accept', async () => {
    for (const object of builtIn) {
      const Model = await kubernetesModel(object.apiVersion, object.kind);
      expect(() => new Model(object).validate()).not.toThrow();
    }
    // The check has teeth: a Deployment without its pod template is refused.
    const Deployment = await kubernetesModel('apps/v1', 'Deployment');
    const broken = { ...find('Deployment', 'lienthong-gateway'), spec: { selector: {} } };
    expect(() => new Deployment(broken).validate()).toThrow();
  });

  it('has Strimzi resources in the structure the operator reads', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    for (const object of strimzi) {
      const schema = STRIMZI_SCHEMAS[object.kind];
      expect([object.kind, schema !== undefined]).toEqual([object.kind, true]);
      const validate = ajv.compile(schema!);
      expect([object.kind, object.metadata.name, validate(object) ? [] : validate.errors]).toEqual([
        object.kind,
        object.metadata.name,
        [],
      ]);
    }
  });

  it('runs a KRaft cluster of three controller-brokers that keeps every write on two replicas', () => {
    const pool = find('KafkaNodePool', 'dual-role');
    expect(pool.metadata.labels?.['strimzi.io/cluster']).toBe('lienthong');
    expect(pool.spec).toMatchObject({ replicas: 3, roles: ['controller', 'broker'] });
    const kafka = find('Kafka', 'lienthong').spec!['kafka'] as Json;
    expect(kafka['version']).toBe(KAFKA_VERSION);
    expect(kafka['config']).toMatchObject({
      'default.replication.factor': 3,
      'min.insync.replicas': 2,
      'offsets.topic.replication.factor': 3,
      'auto.create.topics.enable': false,
    });
    // The apps' KAFKA_BROKERS is the bootstrap service Strimzi creates for this cluster.
    for (const name of ['lienthong-gateway', 'lienthong-router']) {
      expect(find('ConfigMap', name).data?.['KAFKA_BROKERS']).toBe('lienthong-kafka-bootstrap:9092');
    }
  });

  it('declares the registry and audit topics as the apps create them', () => {
    const spec = registryTopicSpec(3);
    const registry = find('KafkaTopic', 'lienthong-registry').spec!;
    expect(registry['topicName']).toBe(REGISTRY_TOPIC);
    expect(registry).toMatchObject({ partitions: spec.numPartitions, replicas: 3 });
    for (const [key, value] of Object.entries(spec.configEntries ?? {})) {
      expect(String((registry['config'] as Json)[key])).toBe(value);
    }
    const audit = find('KafkaTopic', 'lienthong-audit').spec!;
    expect(audit).toMatchObject({ topicName: 'lienthong.audit', replicas: 3 });
    expect(audit['partitions']).toBe(
      loadRouterConfig({ KAFKA_BROKERS: 'k:9092', KEY_PSEUDONYM_SECRET: 'x'.repeat(32) })
        .auditTopicPartitions,
    );
  });

  describe.each([
    ['lienthong-gateway', 'http', 8080, GATEWAY_CONFIG_SOURCE],
    ['lienthong-router', 'metrics', 9464, ROUTER_CONFIG_SOURCE],
  ])('%s', (name, portName, port, configSource) => {
    const deployment = () => find('Deployment', name);
    const pod = () => ((deployment().spec!['template'] as Json)['spec'] as Json) ?? {};
    const container = () => (pod()['containers'] as Json[])[0]!;

    it('probes liveness and readiness on the app port, with resources and a non-root read-only container', () => {
      expect(container()['ports']).toEqual([{ name: portName, containerPort: port, protocol: 'TCP' }]);
      expect(container()['livenessProbe']).toMatchObject({
        httpGet: { path: '/health/live', port: portName },
      });
      expect(container()['readinessProbe']).toMatchObject({
        httpGet: { path: '/health/ready', port: portName },
      });
      expect(container()['resources']).toMatchObject({
        requests: { cpu: expect.any(String), memory: expect.any(String) },
        limits: { memory: expect.any(String) },
      });
      expect(pod()['securityContext']).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      expect(container()['securityContext']).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
      });
    });

    it('has a disruption budget that selects its pods', () => {
      const labels = ((deployment().spec!['template'] as Json)['metadata'] as KubeObject['metadata']).labels!;
      const selector = (find('PodDisruptionBudget', name).spec!['selector'] as Json)['matchLabels'] as Json;
      for (const [key, value] of Object.entries(selector)) expect(labels[key]).toBe(value);
    });

    it('configures the app with variables its loader reads and accepts', () => {
      const configMap = find('ConfigMap', name);
      const env = stringEnv(configMap.data);
      expectOnlyKnownVariables(env, configSource);
      const load = name === 'lienthong-gateway' ? loadGatewayConfig : loadRouterConfig;
      expect(() => load(withSecretFiles(env))).not.toThrow();
      expect(container()['envFrom']).toEqual([{ configMapRef: { name } }]);
      // Every key file a variable names is mounted from the Secret.
      const mounts = container()['volumeMounts'] as { name: string; mountPath: string }[];
      const keysMount = mounts.find((m) => m.name === 'keys')!.mountPath;
      const volume = (pod()['volumes'] as { name: string; secret?: { items: { path: string }[] } }[]).find(
        (v) => v.name === 'keys',
      )!;
      const files = volume.secret!.items.map((i) => `${keysMount}/${i.path}`);
      for (const value of Object.values(env).filter((v) => v.startsWith(`${keysMount}/`))) {
        expect(files).toContain(value);
      }
    });
  });

  it('scales the gateway with an autoscaler and reaches it through a Service', () => {
    const hpa = find('HorizontalPodAutoscaler', 'lienthong-gateway').spec!;
    expect(hpa['scaleTargetRef']).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'lienthong-gateway',
    });
    expect(hpa['minReplicas']).toBeGreaterThanOrEqual(2);
    expect(hpa['maxReplicas']).toBeGreaterThan(hpa['minReplicas'] as number);
    // The autoscaler owns the replica count; a fixed one would be reset by every `kubectl apply`.
    expect(find('Deployment', 'lienthong-gateway').spec!['replicas']).toBeUndefined();
    const service = find('Service', 'lienthong-gateway').spec!;
    expect(service['selector']).toEqual({ 'app.kubernetes.io/name': 'lienthong-gateway' });
    expect(service['ports']).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
  });
});
