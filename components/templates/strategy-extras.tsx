'use client';
/**
 * What the builder page gets from the templates/backtests side, kept apart from the editor so it
 * stays a small drop-in: toolbar actions (Backtest, Deploy on paper, Publish as template) and the
 * fork banner.
 */
import { BacktestButton } from '@/components/backtest/backtest-launcher';
import { DeployButton } from '@/components/deployments/deploy-dialog';
import { ForkStatusBanner } from '@/components/templates/fork-status-banner';
import { PublishTemplateButton } from '@/components/templates/publish-template';

/** The first strategy's underlying, so the backtest launcher starts on the right instrument. */
function underlyingOf(dsl: Record<string, unknown> | null): string | undefined {
  const strategies = (dsl?.basket as { strategies?: { underlying?: unknown }[] } | undefined)
    ?.strategies;
  const u = strategies?.[0]?.underlying;
  return typeof u === 'string' ? u : undefined;
}

export function StrategyToolbarActions(props: {
  strategyId: string;
  name: string;
  dsl: Record<string, unknown> | null;
  beforeStart: () => Promise<void>;
}) {
  return (
    <div className="flex items-center gap-2">
      <BacktestButton
        strategyId={props.strategyId}
        underlying={underlyingOf(props.dsl)}
        beforeStart={props.beforeStart}
      />
      <DeployButton
        underlying={underlyingOf(props.dsl)}
        resolve={async () => {
          await props.beforeStart();
          return { strategyId: props.strategyId };
        }}
      />
      <PublishTemplateButton strategyId={props.strategyId} defaultTitle={props.name} />
      <a
        href={`/strategies/${props.strategyId}/scenarios`}
        className="rounded border border-zinc-700 px-2.5 py-1 text-xs text-zinc-200 hover:border-zinc-500"
      >
        Scenarios
      </a>
    </div>
  );
}

export { ForkStatusBanner };
