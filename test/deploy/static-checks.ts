/** Checks of the deployment files that need no running service. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { closerEnvSchema } from '../../apps/position-closer/src/config';
import { gatewayEnvSchema } from '../../apps/api-gateway/src/config';
import { generatorEnvSchema } from '../../apps/signal-generator/src/config';
import { notifierEnvSchema } from '../../apps/notifier/src/config';
import { GROUPS, MARKET_SHARDS, STREAM_GROUPS } from '@app/contracts';
import { assert, CheckRunner, onPath, run, Skip } from './check-runner';

export const APPS = ['api-gateway', 'signal-generator', 'notifier', 'position-closer'] as const;
export type App = (typeof APPS)[number];

/** Where each service listens inside its container / pod (compose, k8s, prometheus agree). */
export const APP_PORTS: Record<App, number> = { 'api-gateway': 8888, 'signal-generator': 9100, notifier: 9101, 'position-closer': 9102 };

const SCHEMAS: Record<App, { shape: Record<string, unknown> }> = {
  'api-gateway': gatewayEnvSchema,
  'signal-generator': generatorEnvSchema,
  notifier: notifierEnvSchema,
  'position-closer': closerEnvSchema,
};

/** Set per service by compose, k8s and npm start, or unique by default: not user settings. */
const PER_REPLICA = new Set(['PORT', 'HOST', 'CONSUMER_NAME']);

/** `.env.example` as `section → variables`; a `# [a, b]` header serves several services. */
export function envExampleSections(text: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of text.split('\n')) {
    const header = /^# \[([^\]]+)\]/.exec(line);
    if (header) {
      current = header[1].split(',').map((n) => n.trim());
      for (const name of current) if (!sections.has(name)) sections.set(name, []);
      continue;
    }
    const v = /^#? ?([A-Z][A-Z0-9_]*)=/.exec(line);
    if (v) for (const name of current) sections.get(name)?.push(v[1]);
  }
  return sections;
}

function documentedFor(sections: Map<string, string[]>, app: App): string[] {
  return [...(sections.get('all') ?? []), ...(sections.get(app) ?? [])];
}

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, unknown>;
  ports?: string[];
  container_name?: string;
  depends_on?: Record<string, { condition?: string }>;
  restart?: string;
  healthcheck?: unknown;
  volumes?: string[];
}

export async function staticChecks(runner: CheckRunner, root: string): Promise<void> {
  const read = (p: string) => readFileSync(join(root, p), 'utf8');
  const sections = envExampleSections(read('.env.example'));
  const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };

  await runner.check('docker-compose config -q', () => {
    const env = { ...process.env, COMPOSE_PROJECT_NAME: 'deploycheck' };
    if (onPath('docker-compose')) return void run('docker-compose', ['config', '-q'], { cwd: root, env });
    if (onPath('docker') && run('docker', ['compose', 'version'], { ok: false }).status === 0) {
      return void run('docker', ['compose', 'config', '-q'], { cwd: root, env });
    }
    throw new Skip('neither docker-compose nor `docker compose` is installed (apt-get install docker-compose)');
  });

  await runner.check('.env.example documents every variable each service reads, and nothing else', () => {
    const problems: string[] = [];
    for (const [name, vars] of sections) {
      const twice = vars.filter((k, i) => vars.indexOf(k) !== i);
      if (twice.length) problems.push(`.env.example lists ${twice.join(', ')} twice for ${name}`);
    }
    for (const app of APPS) {
      const read = Object.keys(SCHEMAS[app].shape).filter((k) => !PER_REPLICA.has(k));
      const documented = documentedFor(sections, app);
      const missing = read.filter((k) => !documented.includes(k));
      const stale = documented.filter((k) => !read.includes(k) && !(sections.get('all') ?? []).includes(k));
      if (missing.length) problems.push(`${app} reads ${missing.join(', ')} but .env.example does not document it`);
      if (stale.length) problems.push(`.env.example lists ${stale.join(', ')} under ${app}, which does not read it`);
    }
    assert(problems.length === 0, problems.join('\n'));
    return `${APPS.map((a) => `${a}: ${documentedFor(sections, a).length}`).join(', ')} variables`;
  });

  await runner.check('docker-compose.yml: each service gets its documented variables, port, Redis dependency', () => {
    const problems: string[] = [];
    for (const app of APPS) {
      const svc = compose.services[app];
      if (!svc) {
        problems.push(`no service ${app}`);
        continue;
      }
      const env = svc.environment ?? {};
      const missing = documentedFor(sections, app).filter((k) => !(k in env));
      if (missing.length) problems.push(`${app} does not pass ${missing.join(', ')}`);
      if (env.APP !== app) problems.push(`${app}: APP is ${String(env.APP)}`);
      if (String(env.PORT) !== String(APP_PORTS[app])) problems.push(`${app}: PORT is ${String(env.PORT)}, expected ${APP_PORTS[app]}`);
      if (svc.depends_on?.redis?.condition !== 'service_healthy') problems.push(`${app} does not wait for a healthy redis`);
      if (svc.restart !== 'unless-stopped') problems.push(`${app}: restart is ${String(svc.restart)}`);
      if (app !== 'api-gateway' && (svc.ports?.length || svc.container_name)) problems.push(`${app} has host ports or a container name: --scale would collide`);
    }
    const gatewayPorts = compose.services['api-gateway']?.ports ?? [];
    if (!gatewayPorts.some((p) => p.endsWith(':8888'))) problems.push('api-gateway does not publish 8888');
    const redisCmd = (compose.services.redis?.command ?? []).join(' ');
    if (!/--appendonly yes/.test(redisCmd) || !/--maxmemory-policy noeviction/.test(redisCmd)) problems.push(`redis command lacks AOF or noeviction: ${redisCmd}`);
    if (!compose.services.redis?.healthcheck) problems.push('redis has no healthcheck');
    if (!(compose.services.redis?.volumes ?? []).some((v) => v.endsWith(':/data'))) problems.push('redis /data is not on a volume');
    assert(problems.length === 0, problems.join('\n'));
  });

  await runner.check('promtool check config (scrape config and the rule files it loads)', () => {
    if (!onPath('promtool')) throw new Skip('promtool is not installed (apt-get install prometheus)');
    run('promtool', ['check', 'config', 'deploy/prometheus/prometheus.yml'], { cwd: root });
  });
  await runner.check('promtool check rules', () => {
    if (!onPath('promtool')) throw new Skip('promtool is not installed (apt-get install prometheus)');
    return run('promtool', ['check', 'rules', 'deploy/prometheus/alerts.yml'], { cwd: root }).stdout.match(/\d+ rules found/)?.[0];
  });
  await runner.check('promtool test rules: each alert fires on its failure and stays quiet when healthy', () => {
    if (!onPath('promtool')) throw new Skip('promtool is not installed (apt-get install prometheus)');
    run('promtool', ['test', 'rules', 'test/deploy/alerts.test.yml'], { cwd: root });
  });

  await runner.check('prometheus.yml scrapes every compose service on the port it listens on', () => {
    const prom = parse(read('deploy/prometheus/prometheus.yml')) as {
      scrape_configs: { job_name: string; dns_sd_configs?: { names: string[]; type: string; port: number }[] }[];
    };
    const problems: string[] = [];
    for (const app of APPS) {
      const job = prom.scrape_configs.find((j) => j.job_name === app);
      const sd = job?.dns_sd_configs?.[0];
      if (!sd) problems.push(`no dns_sd scrape job ${app}`);
      else if (sd.names[0] !== app || sd.type !== 'A' || sd.port !== APP_PORTS[app]) problems.push(`${app}: scrapes ${sd.names.join(',')}:${sd.port} (${sd.type})`);
    }
    assert(problems.length === 0, problems.join('\n'));
  });

  await runner.check('kubectl kustomize deploy/k8s renders the four services, probes and autoscalers', () => {
    if (!onPath('kubectl')) throw new Skip('kubectl is not installed');
    const docs = parseAllDocuments(run('kubectl', ['kustomize', 'deploy/k8s'], { cwd: root }).stdout).map((d) => d.toJS() as K8sObject);
    return checkKustomize(docs);
  });

  for (const [overlay, cluster] of [
    ['deploy/k8s-overlays/keda', false],
    ['deploy/k8s-overlays/keda-cluster', true],
  ] as const) {
    await runner.check(`kubectl kustomize ${overlay} renders a KEDA ScaledObject per worker on its lag, in place of its HPA`, () => {
      if (!onPath('kubectl')) throw new Skip('kubectl is not installed');
      const docs = parseAllDocuments(run('kubectl', ['kustomize', overlay], { cwd: root }).stdout).map((d) => d.toJS() as K8sObject);
      return checkKeda(docs, cluster);
    });
  }

  await runner.check('grafana: the dashboard uses the provisioned datasource, at the path compose mounts', () => {
    const ds = parse(read('deploy/grafana/provisioning/datasources/prometheus.yml')) as { datasources: { uid: string; url: string }[] };
    const provider = parse(read('deploy/grafana/provisioning/dashboards/signal-platform.yml')) as { providers: { options: { path: string } }[] };
    const dash = JSON.parse(read('deploy/grafana/dashboards/signal-platform.json')) as { panels: { title: string; datasource?: { uid: string } }[] };
    const uid = ds.datasources[0].uid;
    const wrong = dash.panels.filter((p) => p.datasource && p.datasource.uid !== uid).map((p) => p.title);
    assert(wrong.length === 0, `panels not on datasource ${uid}: ${wrong.join(', ')}`);
    assert(ds.datasources[0].url === 'http://prometheus:9090', `datasource url ${ds.datasources[0].url}`);
    const mounts = compose.services.grafana?.volumes ?? [];
    assert(mounts.includes(`./deploy/grafana/dashboards:${provider.providers[0].options.path}:ro`), `compose does not mount the dashboards at ${provider.providers[0].options.path}`);
    return `${dash.panels.filter((p) => p.datasource).length} panels`;
  });
}

interface KedaTrigger {
  type: string;
  authenticationRef?: { name: string };
  metadata: Record<string, string>;
}

/**
 * The KEDA overlays: the notifier scales on its group's lag on every stream it reads (names and
 * group from libs/contracts, so a renamed key cannot leave a trigger watching nothing), the
 * position-closer on its shard lag; neither keeps an HPA beside its ScaledObject (two
 * autoscalers would fight over the replica count).
 */
function checkKeda(docs: K8sObject[], cluster: boolean): string {
  const problems: string[] = [];
  const of = (kind: string) => docs.filter((d) => d.kind === kind);
  const deployments = new Set(of('Deployment').map((d) => d.metadata.name));
  const auths = new Set(of('TriggerAuthentication').map((d) => d.metadata.name));
  const scaled = of('ScaledObject') as unknown as { metadata: { name: string }; spec: { scaleTargetRef: { name: string }; minReplicaCount: number; maxReplicaCount: number; triggers: KedaTrigger[] } }[];
  const hpas = of('HorizontalPodAutoscaler').map((h) => h.spec?.scaleTargetRef?.name);
  const streamType = cluster ? 'redis-cluster-streams' : 'redis-streams';
  const nodes = (docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === 'signal-platform-config') as unknown as { data?: Record<string, string> } | undefined)?.data?.REDIS_CLUSTER_NODES;
  if (cluster && !nodes) problems.push('the ConfigMap sets no REDIS_CLUSTER_NODES');
  for (const worker of ['notifier', 'position-closer']) {
    const mine = scaled.filter((s) => s.spec.scaleTargetRef.name === worker);
    if (mine.length !== 1) problems.push(`${worker}: ${mine.length} ScaledObjects`);
    if (!deployments.has(worker)) problems.push(`${worker}: no Deployment to scale`);
    if (hpas.includes(worker)) problems.push(`${worker}: an HPA beside its ScaledObject`);
    for (const t of mine[0]?.spec.triggers ?? []) if (t.authenticationRef && !auths.has(t.authenticationRef.name)) problems.push(`${worker}: TriggerAuthentication ${t.authenticationRef.name} is not rendered`);
  }
  const notifier = scaled.find((s) => s.spec.scaleTargetRef.name === 'notifier');
  const lagTriggers = notifier?.spec.triggers.filter((t) => t.type === streamType) ?? [];
  const expected = Object.entries(STREAM_GROUPS).filter(([, groups]) => groups.includes(GROUPS.notifier)).map(([stream]) => stream);
  const watched = lagTriggers.map((t) => t.metadata.stream).sort();
  if (JSON.stringify(watched) !== JSON.stringify([...expected].sort())) problems.push(`notifier: ${streamType} triggers watch ${watched.join(', ')}, not ${expected.join(', ')}`);
  for (const t of lagTriggers) {
    if (t.metadata.consumerGroup !== GROUPS.notifier) problems.push(`notifier: trigger on ${t.metadata.stream} watches group ${t.metadata.consumerGroup}`);
    if (!(Number(t.metadata.lagCount) > 0)) problems.push(`notifier: trigger on ${t.metadata.stream} has no lagCount (the group's lag)`);
    if (cluster && t.metadata.addresses !== nodes) problems.push(`notifier: trigger addresses ${t.metadata.addresses} are not REDIS_CLUSTER_NODES`);
  }
  if (notifier?.spec.triggers.some((t) => t.type === (cluster ? 'redis-streams' : 'redis-cluster-streams'))) problems.push(`notifier: a trigger of the other Redis topology`);
  const closer = scaled.find((s) => s.spec.scaleTargetRef.name === 'position-closer');
  if (closer && closer.spec.maxReplicaCount > MARKET_SHARDS) problems.push(`position-closer: up to ${closer.spec.maxReplicaCount} replicas, but only ${MARKET_SHARDS} shards`);
  if (!closer?.spec.triggers.some((t) => t.type === 'prometheus' && t.metadata.query.includes(`reader="${GROUPS.positionCloser}"`) && t.metadata.query.includes('stream_shard_lag_seconds'))) {
    problems.push('position-closer: no trigger on its shard lag (stream_shard_lag_seconds)');
  }
  assert(problems.length === 0, problems.join('\n'));
  return `${scaled.length} ScaledObjects; notifier on ${watched.join(', ')} (${streamType})`;
}

interface K8sContainer {
  image: string;
  env?: { name: string; value?: string }[];
  ports?: { name: string; containerPort: number }[];
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
}
interface K8sObject {
  kind: string;
  metadata: { name: string };
  spec?: {
    replicas?: number;
    scaleTargetRef?: { kind: string; name: string };
    template?: { metadata?: { annotations?: Record<string, string> }; spec: { containers: K8sContainer[] } };
  };
}

function checkKustomize(docs: K8sObject[]): string {
  const problems: string[] = [];
  const named = (kind: string) => new Map(docs.filter((d) => d.kind === kind).map((d) => [d.metadata.name, d]));
  const deployments = named('Deployment');
  const hpas = [...named('HorizontalPodAutoscaler').values()];
  const configMaps = named('ConfigMap');
  const secrets = named('Secret');
  for (const app of APPS) {
    const d = deployments.get(app);
    const c = d?.spec?.template?.spec.containers[0];
    if (!d || !c) {
      problems.push(`no Deployment ${app}`);
      continue;
    }
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
    if (env.APP !== app || env.PORT !== String(APP_PORTS[app])) problems.push(`${app}: APP=${env.APP} PORT=${env.PORT}`);
    // Liveness must not be the Redis-pinging readiness check: an outage would restart every pod.
    if (c.readinessProbe?.httpGet?.path !== '/health/ready') problems.push(`${app}: readiness probe not on /health/ready`);
    if (c.livenessProbe?.httpGet?.path !== '/health/live') problems.push(`${app}: liveness probe not on /health/live`);
    if (d.spec?.template?.metadata?.annotations?.['prometheus.io/port'] !== String(APP_PORTS[app])) problems.push(`${app}: prometheus.io/port annotation`);
    for (const ref of c.envFrom ?? []) {
      if (ref.configMapRef && !configMaps.has(ref.configMapRef.name)) problems.push(`${app}: ConfigMap ${ref.configMapRef.name} is not rendered`);
      if (ref.secretRef && !secrets.has(ref.secretRef.name)) problems.push(`${app}: Secret ${ref.secretRef.name} is not rendered`);
    }
    const hpa = hpas.find((h) => h.spec?.scaleTargetRef?.name === app);
    if (app === 'signal-generator') {
      // Each replica decides every symbol: replicas add availability (a standby), not capacity.
      if (hpa) problems.push('signal-generator: no HorizontalPodAutoscaler (each replica decides every symbol; more add no capacity)');
      if ((d.spec?.replicas ?? 1) < 2) problems.push('signal-generator: at least 2 replicas, so a dead pod\'s symbols are taken over within SHARD_LEASE_MS');
    } else if (!hpa) problems.push(`${app} has no HorizontalPodAutoscaler`);
  }
  if (!named('Service').has('api-gateway')) problems.push('no Service api-gateway');
  assert(problems.length === 0, problems.join('\n'));
  return `${docs.length} objects: ${deployments.size} Deployments, ${hpas.length} HPAs`;
}
