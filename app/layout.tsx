import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { TRPCReactProvider } from '@/components/trpc/react';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Strikeflow', template: '%s · Strikeflow' },
  description: 'Build, backtest and run options strategies without code.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" className="dark">
      <body className="min-h-screen bg-zinc-950 font-sans text-sm text-zinc-200 antialiased">
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
