import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resetEnv } from './env';
import { open, seal, secretKey } from './secret-box';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetEnv();
  (globalThis as { __strikeflowSecretKey?: unknown }).__strikeflowSecretKey = undefined;
});

describe('secret box', () => {
  it('round-trips, never shows the plaintext, and does not open in another row or under another key', () => {
    const key = Buffer.alloc(32, 3);
    const sealed = seal('api-secret-XYZ', 'broker_accounts:1:alice', key);
    expect(sealed).not.toContain('api-secret-XYZ');
    expect(Buffer.from(sealed.split(':')[3], 'base64').toString()).not.toContain('api-secret');
    expect(open(sealed, 'broker_accounts:1:alice', key)).toBe('api-secret-XYZ');
    expect(seal('api-secret-XYZ', 'broker_accounts:1:alice', key)).not.toBe(sealed);
    expect(() => open(sealed, 'broker_accounts:2:alice', key)).toThrow(/cannot be decrypted/);
    expect(() => open(sealed, 'broker_accounts:1:alice', Buffer.alloc(32, 4))).toThrow(
      /secret key changed/,
    );
  });

  it('generates a key file readable only by its owner when STRIKEFLOW_SECRET_KEY is unset, and keeps it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-key-'));
    try {
      delete process.env.STRIKEFLOW_SECRET_KEY;
      process.env.DATA_DIR = dir;
      resetEnv();
      const k = secretKey();
      const file = path.join(dir, 'secret-key');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8').trim()).toBe(k.toString('hex'));
      (globalThis as { __strikeflowSecretKey?: unknown }).__strikeflowSecretKey = undefined;
      expect(secretKey().equals(k)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes STRIKEFLOW_SECRET_KEY when set', () => {
    const k = Buffer.alloc(32, 9);
    process.env.STRIKEFLOW_SECRET_KEY = k.toString('base64');
    resetEnv();
    expect(secretKey().equals(k)).toBe(true);
  });
});
