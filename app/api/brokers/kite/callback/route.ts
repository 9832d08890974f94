/** GET /api/brokers/kite/callback: where Kite sends the browser back after its login, with request_token and our state. */
import { NextResponse, type NextRequest } from 'next/server';
import { kiteLoginRedirect } from '@/server/broker-routes';

export const dynamic = 'force-dynamic';

export async function GET(req: NextRequest) {
  const { to, params } = await kiteLoginRedirect(req.headers, req.nextUrl);
  const url = new URL(to, req.nextUrl.origin);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return NextResponse.redirect(url, { headers: { 'cache-control': 'no-store' } });
}
