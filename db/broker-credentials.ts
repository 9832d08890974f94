/**
 * What each broker account's sealed `credentials` holds, validated on the way in and out, and
 * the only two functions that seal or open it (bound to the row's id and owner).
 */
import { z } from 'zod';
import { open, seal } from './secret-box';
import type { BrokerKind } from './schema';

const field = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} is required`)
    .max(256, `${what} is longer than any broker issues (256 characters at most)`);

export const KiteCredentialsSchema = z.strictObject({
  apiKey: field('API key'),
  apiSecret: field('API secret'),
  accessToken: field('access token').optional(),
  requestToken: field('request token').optional(),
});
export const AlpacaCredentialsSchema = z.strictObject({
  keyId: field('API key id'),
  secretKey: field('secret key'),
});
export const DeribitCredentialsSchema = z.strictObject({
  clientId: field('client id'),
  clientSecret: field('client secret'),
});

export type KiteCredentials = z.infer<typeof KiteCredentialsSchema>;
export type AlpacaCredentials = z.infer<typeof AlpacaCredentialsSchema>;
export type DeribitCredentials = z.infer<typeof DeribitCredentialsSchema>;

export type CredentialsOf = {
  kite: KiteCredentials;
  alpaca: AlpacaCredentials;
  deribit: DeribitCredentials;
};

export type BrokerCredentials =
  | { broker: 'kite'; credentials: KiteCredentials }
  | { broker: 'alpaca'; credentials: AlpacaCredentials }
  | { broker: 'deribit'; credentials: DeribitCredentials };

export const credentialsSchemaFor = {
  kite: KiteCredentialsSchema,
  alpaca: AlpacaCredentialsSchema,
  deribit: DeribitCredentialsSchema,
} as const;

const context = (row: { id: string; ownerId: string }) =>
  `broker_accounts:${row.id}:${row.ownerId}`;

export function sealCredentials(
  row: { id: string; ownerId: string },
  c: BrokerCredentials['credentials'],
): string {
  return seal(JSON.stringify(c), context(row));
}

export function openCredentials<B extends BrokerKind>(row: {
  id: string;
  ownerId: string;
  broker: B;
  credentials: string;
}): CredentialsOf[B] {
  const schema: z.ZodType = credentialsSchemaFor[row.broker];
  return schema.parse(JSON.parse(open(row.credentials, context(row)))) as CredentialsOf[B];
}

/** A key shown as its last four characters, so the trader can tell accounts apart. */
export const maskKey = (key: string): string => `••••${key.slice(-4)}`;

/** The next 06:00 in India after `t`: when a Kite access token stops working. */
export function nextKiteExpiry(t: Date): Date {
  const istMs = t.getTime() + 330 * 60_000;
  const ist = new Date(istMs);
  let six = Date.UTC(ist.getUTCFullYear(), ist.getUTCMonth(), ist.getUTCDate(), 6) - 330 * 60_000;
  if (six <= t.getTime()) six += 24 * 3600_000;
  return new Date(six);
}
