'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { authClient } from '@/components/auth/auth-client';

export function SignOutButton() {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function signOut() {
    setPending(true);
    setProblem(null);
    const { error } = await authClient.signOut().catch(() => ({ error: { message: 'network' } }));
    setPending(false);
    if (error) {
      setProblem('Sign-out failed: cannot reach the server. Try again.');
      return;
    }
    // The next user of this tab must not see the previous user's cached data.
    queryClient.clear();
    router.replace('/sign-in');
    router.refresh();
  }

  return (
    <div className="flex items-center gap-2">
      {problem && (
        <span role="alert" className="text-xs text-red-400">
          {problem}
        </span>
      )}
      <button
        type="button"
        onClick={signOut}
        disabled={pending}
        className="rounded border border-zinc-700 px-2.5 py-1 text-xs text-zinc-300 hover:border-zinc-500 hover:text-zinc-100 disabled:opacity-60"
      >
        {pending ? 'Signing out…' : 'Sign out'}
      </button>
    </div>
  );
}
