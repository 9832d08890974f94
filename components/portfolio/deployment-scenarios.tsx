'use client';
/**
 * The scenario matrix of what a running deployment holds, or of a whole portfolio section: the
 * same matrix the builder shows for a strategy's opening position, fed with the live book (the
 * held legs at their average entry, valued on the chain the deployment last saw).
 */
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { ScenarioMatrix } from '@/components/analysis/scenario-matrix';
import { ErrorNotice, LoadingRows, PageHeader } from '@/components/ui/page';
import { errorMessage, useTRPC } from '@/components/trpc/react';

export type ScenarioPick =
  | { kind: 'deployment'; deploymentId: string }
  | { kind: 'portfolio'; mode: 'paper' | 'live'; currency: string };

export function DeploymentScenarios({ pick }: { pick: ScenarioPick }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.portfolio.scenario.queryOptions(pick));
  const back = (
    <Link
      href="/portfolio"
      className="rounded border border-zinc-700 px-2.5 py-1 text-xs text-zinc-200 hover:border-zinc-500"
    >
      Back to the portfolio
    </Link>
  );
  if (q.isPending)
    return (
      <>
        <PageHeader title="Scenarios" actions={back} />
        <LoadingRows rows={6} />
      </>
    );
  if (q.isError)
    return (
      <>
        <PageHeader title="Scenarios" actions={back} />
        <ErrorNotice>{errorMessage(q.error)}</ErrorNotice>
      </>
    );
  const s = q.data;
  return (
    <>
      <PageHeader
        title={`Scenarios · ${s.title}`}
        description="P&L of the legs held now on a grid of spot moves and IV shifts, for a chosen number of days forward, and under named stresses."
        actions={
          <div className="flex gap-2">
            {pick.kind === 'deployment' && (
              <Link
                href={`/deployments/${pick.deploymentId}`}
                className="rounded border border-zinc-700 px-2.5 py-1 text-xs text-zinc-200 hover:border-zinc-500"
              >
                The deployment
              </Link>
            )}
            {back}
          </div>
        }
      />
      <p className="mb-3 text-xs text-zinc-500" data-testid="scenario-source">
        {s.book.legs.length} leg{s.book.legs.length === 1 ? '' : 's'} held by{' '}
        {s.deployments.map((d, i) => (
          <span key={d.id}>
            {i > 0 ? ', ' : ''}
            <Link href={`/deployments/${d.id}`} className="text-sky-300 hover:underline">
              {d.name}
            </Link>
          </span>
        ))}{' '}
        ({s.deployments[0]?.mode ?? 'paper'})
        {s.book.asOf ? `, valued on the chain of ${s.book.asOf}` : ''}. Reload for the latest.
      </p>
      {s.book.legs.length === 0 && s.skipped.length === 0 ? (
        <ErrorNotice>
          Nothing is held right now: the matrix appears once the deployment has open legs.
        </ErrorNotice>
      ) : (
        <ScenarioMatrix book={s.book} skipped={s.skipped} />
      )}
    </>
  );
}
