import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/auth/auth-form';
import { getSession, MIN_PASSWORD_LENGTH } from '@/server/auth';
import { nextPath } from '../next-path';

export const metadata: Metadata = { title: 'Create account' };

export default async function SignUpPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const next = nextPath((await searchParams).next);
  if (await getSession(await headers())) redirect(next);
  return (
    <>
      <h1 className="mb-4 text-base font-semibold text-zinc-100">Create your account</h1>
      <AuthForm mode="sign-up" next={next} minPasswordLength={MIN_PASSWORD_LENGTH} />
    </>
  );
}
