// The launcher's answers to bad input: one clear line and exit code 1 instead of a hang (a run
// still going after 60 s is killed and fails its test; timings themselves belong in bench/).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '@/workers/redis-server';

const root = path.resolve(import.meta.dirname, '..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function run(script: string, env: Record<string, string>) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-start-test-'));
  dirs.push(dataDir);
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !['DATABASE_URL', 'REDIS_URL', 'PORT', 'NODE_ENV'].includes(k),
    ),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', script)], {
    cwd: root,
    env: { ...clean, DATA_DIR: dataDir, ...env } as unknown as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise<{ code: number | null; lines: string[] }>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, lines: out.trim().split('\n').filter(Boolean) });
    });
  });
}

describe('npm start refuses bad input with one line', () => {
  it('names an invalid variable', async () => {
    const r = await run('start.ts', { PORT: 'eighty' });
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([
      'Invalid environment variable PORT: must be a whole number from 1 to 65535 (got "eighty")',
    ]);
  });

  it('names a datasets folder that is not there', async () => {
    const r = await run('start.ts', { STRIKEFLOW_DATA_DIR: '/no/such/datasets' });
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([
      'Invalid environment variable STRIKEFLOW_DATA_DIR: /no/such/datasets is not a folder (point it at the folder of option-chain datasets, or unset it for ../shared/data)',
    ]);
  });

  it('says the port is busy and how to pick another', async () => {
    const port = await freePort();
    const blocker = net.createServer().listen(port, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    try {
      const r = await run('start.ts', { PORT: String(port) });
      expect(r.code).toBe(1);
      expect(r.lines).toEqual([
        `Port ${port} on 127.0.0.1 is already in use: stop what is using it, or start with another port, e.g. PORT=${port + 1} npm start`,
      ]);
    } finally {
      blocker.close();
    }
  });

  it('names an unreachable REDIS_URL ', async () => {
    const r = await run('start.ts', {
      PORT: String(await freePort()),
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([
      'Cannot reach Redis at REDIS_URL=redis://127.0.0.1:1: connection refused. Start Redis or fix REDIS_URL.',
    ]);
  });

  it('names an unreachable DATABASE_URL without its password', async () => {
    const r = await run('start.ts', {
      PORT: String(await freePort()),
      DATABASE_URL: 'postgres://trader:s3cret@127.0.0.1:1/strikeflow',
    });
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([
      'Cannot reach the database at DATABASE_URL=postgres://trader:***@127.0.0.1:1/strikeflow: connection refused. Start Postgres or fix DATABASE_URL.',
    ]);
  });
});

describe('npm run workers', () => {
  it('explains that the embedded database keeps workers inside npm start', async () => {
    const r = await run('workers.ts', {});
    expect(r.code).toBe(1);
    expect(r.lines).toEqual([
      'npm run workers needs DATABASE_URL: with the embedded database the workers run inside `npm start` (PGlite is single-process); `npm run workers -- --compute-only` adds a process for backtest day ranges and sweeps without one',
    ]);
  });
});
