/**
 * Our order id in Kite's `tag` (alphanumeric, at most 20 characters). Our ids are longer
 * (`${deploymentId}:${seq}`), so the tag is a hash of the id: the same id always gives the same
 * tag, so a lookup after a crash needs nothing but the id, and about 90 bits make two ids sharing a
 * tag within one trading day practically impossible.
 */
import { createHash } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

export function kiteTag(orderId: string): string {
  const digest = createHash('sha256').update(`strikeflow-order:${orderId}`).digest();
  let out = 'sf';
  for (let i = 0; i < 18; i++) out += ALPHABET[digest[i] % 36];
  return out;
}
