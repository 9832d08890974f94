import { toNextJsHandler } from 'better-auth/next-js';
import { getAuthHandler } from '@/server/auth';

export const dynamic = 'force-dynamic';

// The auth instance needs the database, which opens asynchronously; build the handlers per request.
const handlers = toNextJsHandler(async (request: Request) => (await getAuthHandler())(request));

export const { GET, POST } = handlers;
