'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';

export type NavItem = { href: string; label: string; icon: ReactNode };

const icon = (d: string) => (
  <svg
    viewBox="0 0 20 20"
    fill="none"
    stroke="currentColor"
    strokeWidth={1.6}
    className="h-4 w-4 shrink-0"
    aria-hidden
  >
    <path d={d} strokeLinecap="round" strokeLinejoin="round" />
  </svg>
);

export const navItems: NavItem[] = [
  { href: '/strategies', label: 'Strategies', icon: icon('M3 15l4-5 3 3 4-6 3 4M3 4v12h14') },
  {
    href: '/templates',
    label: 'Templates',
    icon: icon('M4 4h5v5H4zM11 4h5v5h-5zM4 11h5v5H4zM11 11h5v5h-5z'),
  },
  {
    href: '/backtests',
    label: 'Backtests',
    icon: icon('M10 4v6l4 2M17 10a7 7 0 11-14 0 7 7 0 0114 0z'),
  },
  {
    href: '/sweeps',
    label: 'Sweeps',
    icon: icon('M3 3h4v4H3zM8 3h4v4H8zM13 3h4v4h-4zM3 8h4v4H3zM8 8h4v4H8zM3 13h4v4H3z'),
  },
  { href: '/deployments', label: 'Deployments', icon: icon('M4 16l4-4m0 0l3-7 5 5-7 3zm0 0l-2-2') },
  {
    href: '/analysis/volatility',
    label: 'Vol lab',
    icon: icon('M3 6c3 0 4 8 7 8s4-8 7-8M3 17h14'),
  },
  {
    href: '/analysis/regime',
    label: 'Regimes',
    icon: icon('M3 16h3V9H3zm5.5 0h3V4h-3zM14 16h3v-5h-3z'),
  },
  {
    href: '/brokers',
    label: 'Brokers',
    icon: icon('M3 8l7-4 7 4M4 8v7m4-7v7m4-7v7m4-7v7M3 16h14'),
  },
  {
    href: '/settings/alerts',
    label: 'Alerts',
    icon: icon('M10 3a4 4 0 00-4 4v3l-1.5 3h11L14 10V7a4 4 0 00-4-4zM8.5 16a1.5 1.5 0 003 0'),
  },
  {
    href: '/datasets',
    label: 'Datasets',
    icon: icon(
      'M4 5c0-1.1 2.7-2 6-2s6 .9 6 2-2.7 2-6 2-6-.9-6-2zm0 0v10c0 1.1 2.7 2 6 2s6-.9 6-2V5M4 10c0 1.1 2.7 2 6 2s6-.9 6-2',
    ),
  },
];

export function Nav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex gap-1 md:flex-col">
      {navItems.map((item) => {
        const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? 'page' : undefined}
            className={`flex items-center gap-2 rounded px-2.5 py-1.5 text-sm ${
              active
                ? 'bg-zinc-800 text-zinc-50'
                : 'text-zinc-400 hover:bg-zinc-900 hover:text-zinc-200'
            }`}
          >
            {item.icon}
            <span>{item.label}</span>
          </Link>
        );
      })}
    </nav>
  );
}
