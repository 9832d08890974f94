import type { Metadata } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { TRPCReactProvider } from '@/components/trpc/react';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Strikeflow', template: '%s · Strikeflow' },
  description: 'Build, backtest and run options strategies without code.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Rendered per request: proxy.ts's CSP nonce must reach every page's scripts, and a page built
  // ahead of time would carry none.
  await connection();
  return (
    <html lang="en" className="dark">
      <body className="min-h-screen bg-zinc-950 font-sans text-sm text-zinc-200 antialiased">
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
