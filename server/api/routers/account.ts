import { z } from 'zod';
import { protectedProcedure, publicProcedure, router } from '@/server/api/trpc';

const accountUser = z.object({ id: z.string(), name: z.string(), email: z.string() });

function publicUser(u: { id: string; name: string; email: string }) {
  return { id: u.id, name: u.name, email: u.email };
}

export const accountRouter = router({
  /** Who is signed in, or null; never fails, so pages can decide what to show. */
  session: publicProcedure
    .output(accountUser.nullable())
    .query(({ ctx }) => (ctx.session ? publicUser(ctx.session.user) : null)),

  me: protectedProcedure.output(accountUser).query(({ ctx }) => publicUser(ctx.user)),
});
