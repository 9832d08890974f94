/** GET /api/health: is the database, Redis and at least one worker alive? 503 when not. */
import { NextResponse } from 'next/server';
import pkg from '@/package.json';
import { cachedHealthReport } from '@/server/health';

export const dynamic = 'force-dynamic';

export async function GET() {
  const report = await cachedHealthReport();
  return NextResponse.json(
    { ...report, version: pkg.version },
    { status: report.status === 'ok' ? 200 : 503, headers: { 'cache-control': 'no-store' } },
  );
}
