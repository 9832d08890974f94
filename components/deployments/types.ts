/** The deployment shapes the pages render, as the API returns them (type-only: no server code). */
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

type Out = inferRouterOutputs<AppRouter>['deployments'];
export type DeploymentRow = Out['list'][number];
export type DeploymentView = Out['get'];
export type PositionRow = DeploymentView['positions'][number];
export type OrderRow = DeploymentView['orders'][number];
export type FillRow = DeploymentView['fills'][number];
export type AuditRow = DeploymentView['audit'][number];
export type TraceEvent = {
  seq: number;
  ts: string;
  type: string;
  strategyId: string | null;
  legId: string | null;
  message: string;
};
