/** The API's one router: every domain router is mounted here, and its type is what clients import. */
import { createCallerFactory, router } from '@/server/api/trpc';
import { accountRouter } from '@/server/api/routers/account';
import { strategiesRouter } from '@/server/api/routers/strategies';
import { backtestsRouter } from '@/server/api/routers/backtests';
import { templatesRouter } from '@/server/api/routers/templates';
import { marketRouter } from '@/server/api/routers/market';
import { analysisRouter } from '@/server/api/routers/analysis';
import { deploymentsRouter } from '@/server/api/routers/deployments';
import { brokerAccountsRouter } from '@/server/api/routers/broker-accounts';
import { datasetsRouter } from '@/server/api/routers/datasets';
import { sweepsRouter } from '@/server/api/routers/sweeps';
import { portfolioRouter } from '@/server/api/routers/portfolio';
import { alertsRouter } from '@/server/api/routers/alerts';
import { marginRouter } from '@/server/api/routers/margin';

export const appRouter = router({
  account: accountRouter,
  strategies: strategiesRouter,
  backtests: backtestsRouter,
  templates: templatesRouter,
  market: marketRouter,
  analysis: analysisRouter,
  brokerAccounts: brokerAccountsRouter,
  datasets: datasetsRouter,
  deployments: deploymentsRouter,
  sweeps: sweepsRouter,
  portfolio: portfolioRouter,
  alerts: alertsRouter,
  margin: marginRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures in-process (server components, tests) with a context built by `createContext`. */
export const createCaller = createCallerFactory(appRouter);
