/**
 * Secrets at rest (broker API keys, secrets, access tokens): AES-256-GCM with a random 96-bit
 * nonce per value, bound to where the value lives (the row's id and owner as associated data), so
 * a sealed value copied into another row does not open. The key comes from
 * STRIKEFLOW_SECRET_KEY, or from DATA_DIR/secret-key, generated once and readable only by its
 * owner. Losing the key loses the secrets (traders reconnect their accounts), never the rest.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeSecretKey, env } from './env';

const VERSION = 'v1';

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

const cache = globalThis as unknown as { __strikeflowSecretKey?: { source: string; key: Buffer } };

/** The key: STRIKEFLOW_SECRET_KEY, else DATA_DIR/secret-key (created 0600 on first use). */
export function secretKey(): Buffer {
  const e = env();
  const source = e.STRIKEFLOW_SECRET_KEY ? 'env' : path.resolve(e.DATA_DIR, 'secret-key');
  if (cache.__strikeflowSecretKey?.source === source) return cache.__strikeflowSecretKey.key;
  let key: Buffer;
  if (e.STRIKEFLOW_SECRET_KEY) key = decodeSecretKey(e.STRIKEFLOW_SECRET_KEY)!;
  else {
    if (!existsSync(source)) {
      mkdirSync(path.dirname(source), { recursive: true });
      try {
        // 'wx': when two processes start together, one writes and the other reads its key.
        writeFileSync(source, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    chmodSync(source, 0o600);
    const decoded = decodeSecretKey(readFileSync(source, 'utf8').trim());
    if (!decoded)
      throw new SecretBoxError(
        `${source} does not hold a 32-byte key (64 hex digits); restore it from a backup, or delete it and reconnect every broker account`,
      );
    key = decoded;
  }
  cache.__strikeflowSecretKey = { source, key };
  return key;
}

/** Seals a value for one place (`context`, e.g. "broker_accounts:<id>:<owner>"). */
export function seal(plaintext: string, context: string, key: Buffer = secretKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64'), tag.toString('base64'), body.toString('base64')].join(
    ':',
  );
}

/** Opens a sealed value; throws when the key, the context or the bytes are not the ones it was sealed with. */
export function open(sealed: string, context: string, key: Buffer = secretKey()): string {
  const [version, iv, tag, body] = sealed.split(':');
  if (version !== VERSION || !iv || !tag || body === undefined)
    throw new SecretBoxError('the stored secret is not in a format this version reads');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new SecretBoxError(
      'the stored secret cannot be decrypted: the secret key changed (STRIKEFLOW_SECRET_KEY or DATA_DIR/secret-key) or the value was altered; reconnect the account',
    );
  }
}
