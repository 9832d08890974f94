import Link from 'next/link';
import type { ReactNode } from 'react';
import { KillSwitch } from './kill-switch';
import { Nav } from './nav';
import { NotificationBell } from './notification-bell';
import { SignOutButton } from './sign-out-button';

export function Logo() {
  return (
    <span className="flex items-center gap-2 text-sm font-semibold tracking-tight text-zinc-100">
      <svg
        viewBox="0 0 20 20"
        className="h-5 w-5 text-sky-400"
        fill="none"
        stroke="currentColor"
        strokeWidth={2}
        aria-hidden
      >
        <path d="M2 14l5-6 4 4 7-9" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      Strikeflow
    </span>
  );
}

/** The signed-in frame: sidebar navigation on laptops and up, a top bar on narrow screens. */
export function AppShell({
  user,
  children,
}: {
  user: { name: string; email: string };
  children: ReactNode;
}) {
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <aside className="flex shrink-0 flex-col gap-4 border-b border-zinc-800 bg-zinc-950 px-3 py-3 md:w-52 md:border-b-0 md:border-r">
        <Link href="/strategies" className="px-1">
          <Logo />
        </Link>
        <Nav />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-11 items-center justify-end gap-3 border-b border-zinc-800 bg-zinc-950/80 px-4">
          <KillSwitch />
          <NotificationBell />
          <span
            className="truncate text-xs text-zinc-400"
            data-testid="signed-in-as"
            title={user.email}
          >
            {user.name} · {user.email}
          </span>
          <SignOutButton />
        </header>
        <main className="min-w-0 flex-1 px-4 py-4 lg:px-6">{children}</main>
      </div>
    </div>
  );
}
