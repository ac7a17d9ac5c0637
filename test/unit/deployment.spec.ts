import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HealthController } from '../../api/src/health/health.controller.js';

/**
 * docker-compose.yml and the Dockerfiles checked against the code (no Docker engine runs on these
 * machines): every variable the services read is set or documented, ports and health checks point at what
 * the API serves, volumes are mounted where the services write.
 */
const root = join(import.meta.dirname, '../..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'generated' || name === 'node_modules') continue;
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|mjs)$/.test(name) && !/\.spec\.ts$/.test(name)) out.push(p);
  }
  return out;
}

/** Environment variables a tree of code reads: config schemas and any direct process.env access. */
function variablesReadBy(...dirs: string[]): Set<string> {
  const vars = new Set<string>();
  for (const d of dirs) {
    for (const f of sources(join(root, d))) {
      for (const m of readFileSync(f, 'utf8').matchAll(/\b(GENBENCH_[A-Z0-9_]+|DATABASE_URL|REDIS_URL)\b/g)) vars.add(m[1]!);
    }
  }
  return vars;
}

const documented = new Set([...readme.matchAll(/`(GENBENCH_[A-Z0-9_]+|DATABASE_URL|REDIS_URL)`/g)].map((m) => m[1]!));

describe('docker-compose.yml', () => {
  it('has PostgreSQL, Redis, the API and a GPU runner, each with a health check', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'postgres', 'redis', 'runner']);
    for (const [name, svc] of Object.entries<any>(compose.services)) expect(svc.healthcheck?.test, name).toBeDefined();
    const gpu = compose.services.runner.deploy.resources.reservations.devices[0];
    expect(gpu.driver).toBe('nvidia');
    expect(gpu.capabilities).toContain('gpu');
  });

  it('sets or documents every environment variable each service reads', () => {
    const check = (service: string, dirs: string[]) => {
      const set = new Set(Object.keys(compose.services[service].environment ?? {}));
      const missing = [...variablesReadBy(...dirs)].filter((v) => !set.has(v) && !documented.has(v));
      expect(missing, `${service} reads variables neither set in compose nor documented in README`).toEqual([]);
    };
    check('api', ['api/src', 'runner/src/assets']);
    check('runner', ['runner/src']);
  });

  it('documents in the README every variable compose sets for genbench', () => {
    for (const svc of ['api', 'runner']) {
      for (const v of Object.keys(compose.services[svc].environment)) {
        if (/^(GENBENCH_|DATABASE_URL|REDIS_URL)/.test(v)) expect(documented.has(v), `${svc}: ${v}`).toBe(true);
      }
    }
  });

  it('publishes the port the API listens on and health-checks a route the API serves', () => {
    const api = compose.services.api;
    const port = api.environment.GENBENCH_PORT;
    expect(api.ports.some((p: string) => p.endsWith(`:${port}`))).toBe(true);
    const path = `/${Reflect.getMetadata(PATH_METADATA, HealthController)}`;
    expect(api.healthcheck.test.join(' ')).toContain(`http://127.0.0.1:${port}${path}`);
    expect(compose.services.runner.environment.GENBENCH_API_URL).toBe(`http://api:${port}`);
    expect(compose.services.runner.healthcheck.test).toContain('runner/src/worker/healthcheck.mjs');
    statSync(join(root, 'runner/src/worker/healthcheck.mjs'));
  });

  it('mounts named volumes where the services write, and a volume of its own per runner container at its cache', () => {
    const mounted = (svc: string) => (compose.services[svc].volumes as string[]).map((v) => v.split(':'));
    const api = compose.services.api.environment;
    for (const dir of [api.GENBENCH_DATA_DIR, api.GENBENCH_ARTIFACT_DIR]) {
      expect(mounted('api').some(([vol, path]) => compose.volumes[vol!] !== undefined && dir.startsWith(path))).toBe(true);
    }
    // An anonymous volume (a bare container path): each of `--scale runner=N`'s containers gets its own, so
    // one runner's heartbeat file never answers another's health check.
    expect(mounted('runner')).toContainEqual([compose.services.runner.environment.GENBENCH_CACHE_DIR]);
    expect(mounted('postgres').some(([, path]) => path === '/var/lib/postgresql/data')).toBe(true);
  });

  it('points the services at each other by service name', () => {
    expect(compose.services.api.environment.DATABASE_URL).toContain('@postgres:5432/');
    expect(compose.services.api.environment.REDIS_URL).toBe('redis://redis:6379');
    expect(compose.services.runner.environment.REDIS_URL).toBe('redis://redis:6379');
    expect(compose.services.api.environment.GENBENCH_QUEUE_PREFIX).toBe(compose.services.runner.environment.GENBENCH_QUEUE_PREFIX);
  });
});

describe('docker-compose.yml scales runners (`docker compose up --scale runner=N`, README "Scaling")', () => {
  const runner = compose.services.runner;

  it('gives the runner service nothing that only one container can hold: no container_name, no host port', () => {
    expect(runner.container_name).toBeUndefined();
    expect(runner.ports).toBeUndefined();
    expect(runner.network_mode).toBeUndefined();
    // a fixed hostname would give every replica the same default runner id (hostname-pid)
    expect(runner.hostname).toBeUndefined();
    expect(runner.environment.GENBENCH_RUNNER_ID).toBeUndefined();
    expect(runner.deploy?.replicas ?? 1).toBeGreaterThanOrEqual(1);
    // named volumes would be shared by every replica; the runner mounts none of them read-write
    for (const v of runner.volumes as string[]) {
      const [vol, , mode] = v.split(':');
      if (compose.volumes[vol!] !== undefined) expect(mode, v).toBe('ro');
    }
  });

  it('points every runner at the API and Redis by service name, with what a sharded deployment needs', () => {
    const env = runner.environment;
    expect(new URL(env.GENBENCH_API_URL).hostname).toBe('api');
    expect(new URL(env.REDIS_URL).hostname).toBe('redis');
    expect(env.GENBENCH_QUEUE_PREFIX).toBe(compose.services.api.environment.GENBENCH_QUEUE_PREFIX);
    expect(env.GENBENCH_RUNNER_TOKEN).toMatch(/^\$\{GENBENCH_RUNNER_TOKEN/);
    // a dead runner's shard job is released after its lock; each runner takes one job (shard) at a time by default
    expect(Number(env.GENBENCH_LOCK_S)).toBeGreaterThan(0);
    expect(env.GENBENCH_CONCURRENCY).toMatch(/^\$\{GENBENCH_CONCURRENCY:-1\}$/);
    expect(Object.keys(runner.depends_on).sort()).toEqual(['api', 'redis']);
    // the API decides the shards; the runners only take the jobs
    expect(compose.services.api.environment.GENBENCH_SHARDS).toMatch(/^\$\{GENBENCH_SHARDS:-1\}$/);
  });

  it('runs Redis as BullMQ needs it under that load: append-only persistence and maxmemory-policy noeviction', () => {
    const cmd = (compose.services.redis.command as string[]).join(' ');
    expect(cmd).toMatch(/--appendonly yes/);
    expect(cmd).toMatch(/--maxmemory-policy noeviction/);
    expect((compose.services.redis.volumes as string[]).some((v) => v.endsWith(':/data'))).toBe(true);
  });

  it('documents scaling in the README: the command, GENBENCH_SHARDS, Redis and PostgreSQL needs', () => {
    const at = readme.indexOf('\n### Scaling');
    expect(at).toBeGreaterThan(readme.indexOf('\n## Deployment'));
    const next = readme.slice(at + 1).search(/\n#{2,3} /);
    const section = readme.slice(at, next < 0 ? undefined : at + 1 + next);
    for (const needle of ['docker compose up --scale runner=N', '`GENBENCH_SHARDS`', 'noeviction', 'appendonly', 'bench:shards'])
      expect(section, needle).toContain(needle);
  });
});

describe('Dockerfiles', () => {
  for (const [file, service] of [
    ['api/Dockerfile', 'api'],
    ['runner/Dockerfile', 'runner'],
  ] as const) {
    const text = readFileSync(join(root, file), 'utf8');
    it(`${file} builds from the lockfile and runs as a non-root user`, () => {
      expect(compose.services[service].build.dockerfile).toBe(file);
      expect(text).toMatch(/COPY package\.json package-lock\.json/);
      expect(text).toMatch(/RUN npm ci/);
      const users = [...text.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
      expect(users.at(-1)).toBeDefined();
      expect(users.at(-1)).not.toBe('root');
      // every workspace manifest is copied before npm ci, or the install would not match the lockfile
      for (const ws of ['api', 'runner', 'dashboard']) expect(text).toContain(`COPY ${ws}/package.json ${ws}/`);
    });
  }
  it('runs both images on the Node.js LTS line that CI also tests under (scripts/node-lts.sh)', () => {
    const pinned = /^NODE_LTS_VERSION=(\d+)\.\d+\.\d+$/m.exec(readFileSync(join(root, 'scripts/node-lts.sh'), 'utf8'));
    expect(pinned).not.toBeNull();
    for (const file of ['api/Dockerfile', 'runner/Dockerfile']) {
      const from = [...readFileSync(join(root, file), 'utf8').matchAll(/^FROM\s+node:(\d+)-/gm)].map((m) => m[1]);
      expect(from, file).toEqual([pinned![1]]);
    }
    expect(readFileSync(join(root, '.ci/run'), 'utf8')).toMatch(/PATH="\$node_lts:\$PATH" npm test/);
  });
  it('gives the runner the Vulkan loader for WebGPU and an opt-in CUDA provider install', () => {
    const text = readFileSync(join(root, 'runner/Dockerfile'), 'utf8');
    expect(text).toMatch(/libvulkan1/);
    expect(text).toMatch(/ARG ONNXRUNTIME_NODE_INSTALL=skip/);
    expect(text).toMatch(/cuda12/);
  });
  it('makes the API image serve a built dashboard from where the API looks for it', () => {
    const text = readFileSync(join(root, 'api/Dockerfile'), 'utf8');
    expect(text).toMatch(/npm run build:dashboard/);
    expect(compose.services.api.environment.GENBENCH_DASHBOARD_DIR).toBe('/app/dashboard/dist');
    expect(text).toMatch(/WORKDIR \/app/);
  });
});
