/** POST /api/brokers/kite/postback: Kite's order postbacks (register this URL in the Kite app); checked by checksum, relayed as hints. */
import { NextResponse, type NextRequest } from 'next/server';
import { kitePostback } from '@/server/broker-routes';
import { MAX_POSTBACK_BYTES } from '@/server/services/kite-postbacks';

export const dynamic = 'force-dynamic';

export async function POST(req: NextRequest) {
  const length = Number(req.headers.get('content-length') ?? '0');
  if (length > MAX_POSTBACK_BYTES)
    return NextResponse.json(
      { status: 'error', message: 'postback larger than 64 KB' },
      { status: 413 },
    );
  const r = await kitePostback(await req.text());
  return NextResponse.json(
    { status: r.status === 200 ? 'success' : 'error', message: r.message },
    { status: r.status },
  );
}
