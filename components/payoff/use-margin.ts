'use client';
/**
 * Which margin figure a panel shows: a connected Kite account's basket margin when one is picked
 * (the first connected Kite account by default, for NSE/BSE underlyings), else the exchange-rule
 * approximation; when the broker cannot answer, the approximation with the broker's reason.
 * The pick is remembered in the browser so the payoff panel and the results page agree.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import {
  approximateMargin,
  basketLegsOf,
  kiteAccountEstimate,
  type MarginEstimate,
  type MarginPosition,
} from '@/engine/margin';
import { findInstrument } from '@/engine/market/instruments';

const PICK_KEY = 'strikeflow:margin-from';
/** The approximation, picked on purpose. */
export const APPROXIMATION = 'approximation';

export type MarginAccount = { id: string; label: string; broker: 'kite' | 'alpaca' | 'deribit'; status: string }; // prettier-ignore

export type MarginView = {
  margin: MarginEstimate | null;
  /** Why the broker's figure is not shown although an account is picked. */
  fallback: string | null;
  /** The broker is being asked (the approximation shows meanwhile). */
  asking: boolean;
  accounts: MarginAccount[];
  picked: string;
  pick: (id: string) => void;
};

function approximation(pos: MarginPosition | null): MarginEstimate | null {
  if (!pos || pos.legs.length === 0) return null;
  try {
    return approximateMargin(pos);
  } catch {
    return null;
  }
}

export function useMargin(pos: MarginPosition | null): MarginView {
  const trpc = useTRPC();
  const accountsQ = useQuery({ ...trpc.brokerAccounts.list.queryOptions(), staleTime: 60_000 });
  const accounts: MarginAccount[] = useMemo(() => accountsQ.data ?? [], [accountsQ.data]);
  const [stored, setStored] = useState<string | null>(null);
  useEffect(() => {
    setStored(window.localStorage.getItem(PICK_KEY));
  }, []);
  const pick = (id: string) => {
    window.localStorage.setItem(PICK_KEY, id);
    setStored(id);
  };
  const exchange = pos ? findInstrument(pos.underlying)?.exchange : undefined;
  const indian = exchange === 'NSE' || exchange === 'BSE';
  const picked =
    stored && (stored === APPROXIMATION || accounts.some((a) => a.id === stored))
      ? stored
      : (indian && accounts.find((a) => a.broker === 'kite' && a.status === 'connected')?.id) ||
        APPROXIMATION;
  const account = accounts.find((a) => a.id === picked) ?? null;
  const approx = useMemo(() => approximation(pos), [pos]);
  const legs = useMemo(() => (pos ? basketLegsOf(pos.legs) : []), [pos]);
  const brokerQ = useQuery({
    ...trpc.margin.basket.queryOptions({
      accountId: account?.id ?? '',
      underlying: pos?.underlying ?? '',
      legs,
    }),
    enabled: account !== null && legs.length > 0,
    staleTime: 30_000,
    retry: false,
  });
  const answer = brokerQ.data;
  if (!account || !approx) return { margin: approx, fallback: null, asking: false, accounts, picked, pick }; // prettier-ignore
  if (brokerQ.isPending)
    return { margin: approx, fallback: null, asking: true, accounts, picked, pick };
  if (brokerQ.isError)
    return {
      margin: approx,
      fallback: `${account.label}: ${errorMessage(brokerQ.error)}`,
      asking: false,
      accounts,
      picked,
      pick,
    };
  if (answer && answer.ok)
    return {
      margin: kiteAccountEstimate(answer, answer.account.label, approx.definedRisk),
      fallback: null,
      asking: false,
      accounts,
      picked,
      pick,
    };
  return {
    margin: approx,
    fallback: answer && !answer.ok ? answer.message : null,
    asking: false,
    accounts,
    picked,
    pick,
  };
}
