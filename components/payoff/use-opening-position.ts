'use client';
/** The opening position of a DSL on a chain, cached like a query though the server takes it as a POST (see market.openingPosition). */
import { useQuery } from '@tanstack/react-query';
import { useTRPCClient } from '@/components/trpc/react';

export type ChainSource =
  | { kind: 'simulator'; seed: number }
  | { kind: 'dataset'; dataset: string; index: number }
  | { kind: 'store'; day: string; time: string };

export function useOpeningPosition(dsl: Record<string, unknown> | null, source: ChainSource) {
  const client = useTRPCClient();
  return useQuery({
    queryKey: ['market', 'openingPosition', dsl, source],
    queryFn: () => client.market.openingPosition.mutate({ dsl: dsl ?? {}, source }),
    enabled: dsl !== null,
    staleTime: 5 * 60_000,
  });
}
