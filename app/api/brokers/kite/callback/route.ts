/** GET /api/brokers/kite/callback: where Kite sends the browser back after its login, with request_token and our state. */
import { NextResponse, type NextRequest } from 'next/server';
import { getDb } from '@/db/client';
import { getSession } from '@/server/auth';
import { AppError } from '@/server/errors';
import { completeKiteLogin } from '@/server/services/broker-accounts';

export const dynamic = 'force-dynamic';

export async function GET(req: NextRequest) {
  const back = (kite: string, message: string) => {
    const url = new URL('/brokers', req.nextUrl.origin);
    url.searchParams.set('kite', kite);
    url.searchParams.set('message', message.slice(0, 300));
    return NextResponse.redirect(url, { headers: { 'cache-control': 'no-store' } });
  };
  const session = await getSession(req.headers);
  if (!session) {
    const url = new URL('/sign-in', req.nextUrl.origin);
    url.searchParams.set('next', `${req.nextUrl.pathname}${req.nextUrl.search}`);
    return NextResponse.redirect(url);
  }
  const q = req.nextUrl.searchParams;
  if (q.get('status') !== 'success' || !q.get('request_token'))
    return back('failed', 'Kite did not confirm the login; start it again from this page.');
  try {
    const r = await completeKiteLogin(await getDb(), session.user.id, {
      state: q.get('state') ?? '',
      requestToken: q.get('request_token') ?? '',
    });
    return back(r.account.status === 'connected' ? 'connected' : 'failed', r.message);
  } catch (e) {
    return back(
      'failed',
      e instanceof AppError ? e.userMessage : 'Something went wrong on our side.',
    );
  }
}
