/**
 * Kite postbacks: Kite POSTs the order object (plus user_id and a checksum) to the app's
 * postback URL when an order of ours completes, is cancelled or rejected, or changes. The
 * checksum is SHA-256 of order_id + order_timestamp + api_secret; only a postback that matches
 * the secret of one of our Kite accounts is relayed, and only as a hint ("re-read this order")
 * on Redis to that account's live broker, which then asks Kite itself.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { openCredentials } from '@/db/broker-credentials';
import { logger } from '@/db/logger';
import { brokerAccounts } from '@/db/schema';
import { BROKER_CHANGES_CHANNEL, getRedis } from '@/workers/queues';

export const MAX_POSTBACK_BYTES = 64 * 1024;

const PostbackSchema = z.looseObject({
  order_id: z.string().min(1).max(64),
  order_timestamp: z.string().min(1).max(32),
  checksum: z.string().regex(/^[0-9a-f]{64}$/),
  user_id: z.string().min(1).max(32),
  status: z.string().max(64).optional(),
});

export type PostbackOutcome = { status: 200 | 400 | 403; message: string };

export async function receiveKitePostback(db: Db, body: string): Promise<PostbackOutcome> {
  if (Buffer.byteLength(body) > MAX_POSTBACK_BYTES)
    return { status: 400, message: 'postback larger than 64 KB' };
  let parsed: z.infer<typeof PostbackSchema>;
  try {
    parsed = PostbackSchema.parse(JSON.parse(body));
  } catch {
    return {
      status: 400,
      message: 'not a Kite postback (order_id, order_timestamp, user_id, checksum)',
    };
  }
  const accounts = await db
    .select()
    .from(brokerAccounts)
    .where(
      and(
        eq(brokerAccounts.broker, 'kite'),
        sql`${brokerAccounts.profile}->>'userId' = ${parsed.user_id}`,
      ),
    );
  const given = Buffer.from(parsed.checksum, 'hex');
  const matching = accounts.filter((a) => {
    const { apiSecret } = openCredentials({ ...a, broker: 'kite' as const });
    const expected = createHash('sha256')
      .update(`${parsed.order_id}${parsed.order_timestamp}${apiSecret}`)
      .digest();
    return timingSafeEqual(expected, given);
  });
  if (matching.length === 0) {
    logger.warn(
      { userId: parsed.user_id, orderId: parsed.order_id },
      'kite postback refused: checksum matches no account',
    );
    return { status: 403, message: 'checksum does not match' };
  }
  for (const a of matching)
    await getRedis().publish(
      BROKER_CHANGES_CHANNEL,
      JSON.stringify({ accountId: a.id, venueOrderId: parsed.order_id }),
    );
  return { status: 200, message: 'ok' };
}
