import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/auth/auth-form';
import { getSession, MIN_PASSWORD_LENGTH } from '@/server/auth';
import { nextPath } from '../next-path';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const next = nextPath((await searchParams).next);
  if (await getSession(await headers())) redirect(next);
  return (
    <>
      <h1 className="mb-4 text-base font-semibold text-zinc-100">Sign in</h1>
      <AuthForm mode="sign-in" next={next} minPasswordLength={MIN_PASSWORD_LENGTH} />
    </>
  );
}
