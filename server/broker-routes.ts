/** The two broker URLs a browser or Kite calls directly (not tRPC): the Kite login redirect and Kite postbacks. */
import { getDb } from '@/db/client';
import { getSession } from '@/server/auth';
import { AppError } from '@/server/errors';
import { completeKiteLogin } from '@/server/services/broker-accounts';
import { receiveKitePostback, type PostbackOutcome } from '@/server/services/kite-postbacks';

/** Where to send the browser after Kite's login redirect (or to sign-in first). */
export async function kiteLoginRedirect(
  headers: Headers,
  url: URL,
): Promise<{ to: string; params: Record<string, string> }> {
  const session = await getSession(headers);
  if (!session) return { to: '/sign-in', params: { next: `${url.pathname}${url.search}` } };
  const q = url.searchParams;
  const back = (kite: string, message: string) => ({
    to: '/brokers',
    params: { kite, message: message.slice(0, 300) },
  });
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

export async function kitePostback(body: string): Promise<PostbackOutcome> {
  return receiveKitePostback(await getDb(), body);
}
