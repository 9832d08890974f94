'use client';
/** The browser's tRPC client: react-query for queries and mutations, SSE for subscriptions. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { useState, type ReactNode } from 'react';
import superjson from 'superjson';
import type { AppRouter } from '@/server/api/root';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        // A 401/403/404 will not fix itself by asking again.
        retry: (failures, error) => {
          const status = (error as { data?: { httpStatus?: number } }).data?.httpStatus;
          if (status && status >= 400 && status < 500) return false;
          return failures < 2;
        },
      },
    },
  });
}

let browserQueryClient: QueryClient | undefined;

// One client per server render (no data shared between requests), one for the whole browser tab.
function getQueryClient() {
  if (typeof window === 'undefined') return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}

const url = '/api/trpc';

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === 'subscription',
          true: httpSubscriptionLink({ url, transformer: superjson }),
          false: httpBatchLink({ url, transformer: superjson }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}

/** The message to show for a failed tRPC call: the server's user-facing text when it sent one. */
export function errorMessage(error: unknown): string {
  const data = (error as { data?: { userMessage?: unknown } } | null)?.data;
  if (data && typeof data.userMessage === 'string') return data.userMessage;
  if (error instanceof Error && /fetch|network/i.test(error.message)) {
    return 'Cannot reach the Strikeflow server. Check that it is running, then reload.';
  }
  return error instanceof Error ? error.message : 'Something went wrong.';
}
