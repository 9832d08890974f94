/** GET /api/health: is the database, Redis and at least one worker alive? 503 when not. */
import { healthAnswer } from '@/server/health';

export const dynamic = 'force-dynamic';

export async function GET() {
  const { status, body } = await healthAnswer();
  return new Response(body, {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });
}
