import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const frontend = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const repo = resolve(frontend, '..');

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function waitUntilReady(base: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the local system exited with ${child.exitCode}: see test-results/local-system.log`);
    try {
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ products(first: 1) { edges { cursor } } }' }),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((wait) => setTimeout(wait, 250));
  }
  throw new Error(`the local system did not answer at ${base} within ${timeoutMs} ms`);
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(killer);
      done();
    });
    child.kill('SIGTERM');
  });
}

/**
 * The system under test: `python -m infra.local` on three free ports, serving the built SPA from
 * frontend/dist. With E2E_BASE_URL set (e.g. a running `make dev`), that system is used instead.
 */
export default async function globalSetup(): Promise<(() => Promise<void>) | undefined> {
  mkdirSync(join(frontend, 'test-results'), { recursive: true });
  if (process.env.E2E_BASE_URL) return undefined;
  if (!existsSync(join(frontend, 'dist', 'index.html'))) {
    throw new Error('frontend/dist is missing: run `npm run build` before the browser tests');
  }
  const python = join(repo, '.venv', 'bin', 'python');
  if (!existsSync(python)) throw new Error('.venv is missing: run `make install` at the repository root');

  const [port, awsPort, stripePort] = [await freePort(), await freePort(), await freePort()];
  const log = createWriteStream(join(frontend, 'test-results', 'local-system.log'));
  const child = spawn(
    python,
    ['-m', 'infra.local', '--port', String(port), '--aws-port', String(awsPort), '--stripe-port', String(stripePort)],
    { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);

  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(base, child, 90_000);
  } catch (error) {
    await stop(child);
    throw error;
  }
  // Workers inherit the environment of this process: the specs' baseURL.
  process.env.E2E_BASE_URL = base;
  return async () => {
    await stop(child);
    log.end();
  };
}
