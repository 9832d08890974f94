import type { Metadata } from 'next';
import { BacktestResults } from '@/components/backtest/backtest-results';

export const metadata: Metadata = { title: 'Backtest' };

export default async function BacktestPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <BacktestResults id={id} />;
}
