import type { ReactNode } from 'react';
import { Logo } from '@/components/layout/app-shell';

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex justify-center">
          <Logo />
        </div>
        <div className="rounded-lg border border-zinc-800 bg-zinc-900 p-6 shadow-xl shadow-black/40">
          {children}
        </div>
        <p className="mt-4 text-center text-xs text-zinc-500">
          Build, backtest and run options strategies without code.
        </p>
      </div>
    </div>
  );
}
