import type { Metadata } from 'next';
import { StrategyList } from '@/components/strategies/strategy-list';

export const metadata: Metadata = { title: 'Strategies' };

export default function StrategiesPage() {
  return <StrategyList />;
}
