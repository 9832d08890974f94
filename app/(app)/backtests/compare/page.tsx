import type { Metadata } from 'next';
import { BacktestCompare } from '@/components/backtest/backtest-compare';

export const metadata: Metadata = { title: 'Compare backtests' };

export default async function CompareBacktestsPage({
  searchParams,
}: {
  searchParams: Promise<{ ids?: string | string[] }>;
}) {
  const { ids } = await searchParams;
  const list = (Array.isArray(ids) ? ids.join(',') : (ids ?? ''))
    .split(',')
    .map((x) => x.trim())
    .filter((x) => /^[0-9a-f-]{36}$/i.test(x));
  return <BacktestCompare ids={list} />;
}
