'use client';
/**
 * One template: the strategy in words, its read-only canvas, payoff and DSL, the backtest its
 * author published with the version, and versions; fork or backtest it straight away; publish
 * the next version (with its backtest) or unpublish for its author.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { BacktestButton } from '@/components/backtest/backtest-launcher';
import { DeployButton } from '@/components/deployments/deploy-dialog';
import { PayoffPanel } from '@/components/payoff/payoff-panel';
import { BacktestChoice } from '@/components/templates/backtest-choice';
import { BacktestFigures } from '@/components/templates/backtest-figures';
import { ReadonlyCanvas } from '@/components/templates/readonly-canvas';
import { StrategyWords } from '@/components/templates/strategy-words';
import { parseDsl } from '@/engine/dsl';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { ErrorNotice, LoadingRows, PageHeader } from '@/components/ui/page';
import { GraphDocumentSchema, liftGraph } from '@/engine/graph';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const btn =
  'rounded border border-zinc-700 px-3 py-1.5 text-xs text-zinc-200 hover:border-zinc-500 disabled:opacity-50';
const primary =
  'rounded bg-sky-700 px-3 py-1.5 text-xs font-medium text-white hover:bg-sky-600 disabled:opacity-50';

export function TemplateDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const qc = useQueryClient();
  const t = useQuery(trpc.templates.byId.queryOptions({ id }));
  const [tab, setTab] = useState<'canvas' | 'payoff' | 'dsl'>('canvas');
  const [notes, setNotes] = useState('');
  const [nextBacktest, setNextBacktest] = useState('');
  const target = useMutation(trpc.templates.backtestTarget.mutationOptions());
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.templates.pathKey() });
  const fork = useMutation(
    trpc.templates.fork.mutationOptions({
      onSuccess: async (r) => {
        await qc.invalidateQueries({ queryKey: trpc.strategies.pathKey() });
        router.push(`/strategies/${r.strategyId}`);
      },
    }),
  );
  // Deploying forks without opening the fork: the dialog goes on to the deployment's page.
  const forkToDeploy = useMutation(trpc.templates.fork.mutationOptions());
  const publishVersion = useMutation(
    trpc.templates.publishVersion.mutationOptions({
      onSuccess: () => {
        setNotes('');
        return invalidate();
      },
    }),
  );
  const update = useMutation(trpc.templates.update.mutationOptions({ onSuccess: invalidate }));

  if (t.isPending) return <LoadingRows rows={6} />;
  if (t.isError) return <ErrorNotice>{errorMessage(t.error)}</ErrorNotice>;
  const d = t.data;
  const graphRead = GraphDocumentSchema.safeParse(d.graph);
  const graph = graphRead.success
    ? { success: true as const, data: liftGraph(graphRead.data) }
    : graphRead;
  const parsed = parseDsl(d.dsl);
  const underlying = parsed.ok ? parsed.value.basket.strategies[0]?.underlying : undefined;
  const mutationError = fork.error ?? publishVersion.error ?? update.error;

  return (
    <>
      <PageHeader
        title={d.title}
        description={`by ${d.isMine ? 'you' : d.authorName} · v${d.version} · ${d.forkCount} fork${d.forkCount === 1 ? '' : 's'}${d.isPublic ? '' : ' · unpublished'}`}
        actions={
          <>
            <Link href="/templates" className={btn}>
              Back to gallery
            </Link>
            <DeployButton
              underlying={underlying}
              note="The template is forked into your strategies first, so the deployment runs a copy you own."
              resolve={async () => {
                const r = await forkToDeploy.mutateAsync({ templateId: id });
                return { strategyId: r.strategyId };
              }}
            />
            <BacktestButton
              prepare={() => target.mutateAsync({ templateId: id })}
              underlying={underlying}
            />
            <button
              type="button"
              className={primary}
              disabled={fork.isPending}
              onClick={() => fork.mutate({ templateId: id })}
            >
              {fork.isPending ? 'Forking…' : 'Fork into my strategies'}
            </button>
          </>
        }
      />
      {mutationError && <ErrorNotice>{errorMessage(mutationError)}</ErrorNotice>}
      {publishVersion.isSuccess && (
        <p role="status" className="mb-2 text-xs text-emerald-400">
          Published version {publishVersion.data.version}. Forks will be offered the update.
        </p>
      )}
      <div className="grid gap-4 lg:grid-cols-[1fr_300px]">
        <div className="min-w-0 space-y-3">
          <p className="text-sm text-zinc-300">{d.description || 'No description.'}</p>
          {parsed.ok ? <StrategyWords dsl={parsed.value} /> : null}
          <div
            role="tablist"
            aria-label="Template views"
            className="flex gap-1 border-b border-zinc-800"
          >
            {(['canvas', 'payoff', 'dsl'] as const).map((k) => (
              <button
                key={k}
                role="tab"
                type="button"
                aria-selected={tab === k}
                onClick={() => setTab(k)}
                className={`px-3 py-1.5 text-xs ${tab === k ? 'border-b-2 border-sky-500 text-zinc-100' : 'text-zinc-400 hover:text-zinc-200'}`}
              >
                {k === 'canvas' ? 'Canvas' : k === 'payoff' ? 'Payoff' : 'DSL'}
              </button>
            ))}
          </div>
          {tab === 'canvas' &&
            (graph.success ? (
              <ReadonlyCanvas graph={graph.data} />
            ) : (
              <ErrorNotice>
                This template&apos;s graph cannot be drawn: {graph.error.issues[0]?.message}
              </ErrorNotice>
            ))}
          {tab === 'payoff' && <PayoffPanel dsl={d.dsl} />}
          {tab === 'dsl' && (
            <pre
              tabIndex={0}
              aria-label="The template's strategy DSL (read-only)"
              className="max-h-[520px] overflow-auto rounded border border-zinc-800 bg-zinc-950 p-3 text-[11px] text-zinc-300"
              data-testid="template-dsl"
            >
              {JSON.stringify(d.dsl, null, 2)}
            </pre>
          )}
        </div>
        <aside className="space-y-4 text-xs">
          <section>
            <h2 className="mb-1 font-medium text-zinc-200">Tags</h2>
            <div className="flex flex-wrap gap-1">
              {d.tags.length ? (
                d.tags.map((x) => (
                  <span key={x} className="rounded bg-zinc-800 px-1.5 py-0.5 text-zinc-300">
                    {x}
                  </span>
                ))
              ) : (
                <span className="text-zinc-400">none</span>
              )}
            </div>
          </section>
          <section>
            <h2 className="mb-1 font-medium text-zinc-200">Published backtest</h2>
            {d.backtest ? (
              <BacktestFigures b={d.backtest} />
            ) : (
              <p className="text-zinc-400">
                The author published no backtest with v{d.version}. Press Backtest to run it
                yourself.
              </p>
            )}
          </section>
          <section>
            <h2 className="mb-1 font-medium text-zinc-200">Versions</h2>
            <ol className="space-y-1" data-testid="template-versions">
              {d.versions.map((v) => (
                <li key={v.version} className="text-zinc-400">
                  <span className="font-mono text-zinc-200">v{v.version}</span> ·{' '}
                  {when.format(v.createdAt)}
                  {v.notes && <div className="text-zinc-400">{v.notes}</div>}
                </li>
              ))}
            </ol>
          </section>
          {d.isMine && !d.isExample && (
            <section className="space-y-2 rounded border border-zinc-800 p-2">
              <h2 className="font-medium text-zinc-200">Author</h2>
              <label className="block text-zinc-400">
                Notes for the next version
                <input
                  value={notes}
                  onChange={(e) => setNotes(e.target.value)}
                  className="mt-1 w-full rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-zinc-100"
                />
              </label>
              {d.sourceStrategyId ? (
                <BacktestChoice
                  id={`next-backtest-${id}`}
                  strategyId={d.sourceStrategyId}
                  value={nextBacktest}
                  onChange={setNextBacktest}
                />
              ) : null}
              <button
                type="button"
                className={btn}
                disabled={publishVersion.isPending}
                onClick={() =>
                  publishVersion.mutate({
                    templateId: id,
                    notes,
                    backtestId: nextBacktest && nextBacktest !== 'none' ? nextBacktest : null,
                  })
                }
              >
                Publish the strategy&apos;s current state as v{d.version + 1}
              </button>
              {d.sourceStrategyId && (
                <Link
                  href={`/strategies/${d.sourceStrategyId}`}
                  className="block text-sky-400 hover:underline"
                >
                  Open the source strategy
                </Link>
              )}
              <button
                type="button"
                className={btn}
                disabled={update.isPending}
                onClick={() => update.mutate({ id, isPublic: !d.isPublic })}
              >
                {d.isPublic ? 'Unpublish (only you will see it)' : 'Publish to everyone'}
              </button>
            </section>
          )}
        </aside>
      </div>
    </>
  );
}
