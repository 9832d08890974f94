import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { AppShell } from '@/components/layout/app-shell';
import { getSession } from '@/server/auth';

/** Every page in this group needs a signed-in user; the session is checked on the server. */
export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const session = await getSession(await headers());
  if (!session) redirect('/sign-in');
  return (
    <AppShell user={{ name: session.user.name, email: session.user.email }}>{children}</AppShell>
  );
}
