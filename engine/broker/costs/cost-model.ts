/**
 * Cost models turn one fill into the charges a broker's contract note would show. They are
 * reported apart from gross P&L, and the report names the model that was used.
 */
import {
  NSE_TXN_ON_FUTURES,
  NSE_TXN_ON_PREMIUM,
  STT_SELL_ON_FUTURES,
  STT_SELL_ON_PREMIUM,
  rateOn,
} from '../../reference/india-charges.ts';
import type { CostModelChoice } from '../../dsl/basket.ts';
import { DERIBIT_OPTIONS, INDIA_INDEX_OPTIONS, US_OPTIONS } from './rates';

export type CostFill = {
  side: 'BUY' | 'SELL';
  /** Units (lots x lot size): premium turnover is price x qty. */
  qty: number;
  /** Contracts or lots: per-contract fees multiply this. */
  contracts: number;
  price: number;
  /** Underlying price at the fill, for fees charged on the underlying. */
  spot: number;
  /**
   * False for the second and later executions of one order: charges levied per executed order
   * (flat brokerage, a per-order fee) are paid once, however many fills the order has.
   */
  firstOfOrder?: boolean;
  /** Trade date (YYYY-MM-DD, exchange-local): taxes and exchange charges are the ones valid then. */
  date?: string;
  /** What traded (default an option): futures pay their own schedule on their turnover where a model has one. */
  instrument?: 'option' | 'future';
};

export type CostBreakdown = { total: number; items: Record<string, number> };

export type CostModelId =
  | 'none'
  | 'fixed'
  | typeof INDIA_INDEX_OPTIONS.id
  | typeof US_OPTIONS.id
  | typeof DERIBIT_OPTIONS.id;

/** The named models a backtest or deployment can pick by id. */
export type PresetCostModelId = Exclude<CostModelId, 'fixed'>;

export type CostModel = {
  id: CostModelId;
  description: string;
  cost(fill: CostFill): CostBreakdown;
  /** What the model had to assume for a trade date its dated rates do not cover, if anything. */
  assumptions?(date: string): string[];
};

function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  // Nudge by a tiny epsilon so 0.125 rounds like a contract note (half up), not to float noise.
  return Math.round((x + Math.sign(x) * 1e-9) * f) / f;
}

function breakdown(items: Record<string, number>, decimals: number): CostBreakdown {
  const rounded: Record<string, number> = {};
  let total = 0;
  for (const [k, v] of Object.entries(items)) {
    rounded[k] = round(v, decimals);
    total += rounded[k];
  }
  return { total: round(total, decimals), items: rounded };
}

export const noCosts: CostModel = {
  id: 'none',
  description: 'no brokerage, fees or taxes',
  cost: () => ({ total: 0, items: {} }),
};

/** NSE index options; `brokeragePerOrder` replaces Zerodha's INR 20 for a broker that charges otherwise. */
export function indiaIndexOptionsModel(o: { brokeragePerOrder?: number } = {}): CostModel {
  const r = {
    ...INDIA_INDEX_OPTIONS,
    ...(o.brokeragePerOrder === undefined ? {} : { brokeragePerOrder: o.brokeragePerOrder }),
  };
  return {
    id: INDIA_INDEX_OPTIONS.id,
    description: `NSE index options, Zerodha-style: INR ${r.brokeragePerOrder} brokerage per order, STT on sell premium as in force on the trade date (0.15 % from 1 Apr 2026, 0.1 % from 1 Oct 2024, 0.0625 % from 1 Apr 2023), NSE 0.03553 %, SEBI INR 10/crore, stamp 0.003 % of buy premium, GST 18 % on brokerage + exchange + SEBI; index futures: brokerage the lower of INR ${r.brokeragePerOrder} and 0.03 %, STT 0.05 % of futures sold (from 1 Apr 2026), NSE 0.00183 %, stamp 0.002 % of buys`,
    assumptions: (date) =>
      [
        rateOn(STT_SELL_ON_PREMIUM, date, 'STT on options sold').note,
        rateOn(NSE_TXN_ON_PREMIUM, date, 'the NSE transaction charge').note,
      ].filter((n): n is string => n !== null),
    cost(f) {
      if (f.instrument === 'future') return indiaIndexFutures(f, r);
      const premium = f.price * f.qty;
      const brokerage = f.firstOfOrder === false ? 0 : r.brokeragePerOrder;
      const date = f.date ?? '9999-12-31';
      const exchange = premium * rateOn(NSE_TXN_ON_PREMIUM, date, '').value;
      const sebi = premium * r.sebiOnPremium;
      return breakdown(
        {
          brokerage,
          stt: f.side === 'SELL' ? premium * rateOn(STT_SELL_ON_PREMIUM, date, '').value : 0,
          exchange,
          sebi,
          stampDuty: f.side === 'BUY' ? premium * r.stampBuyOnPremium : 0,
          gst: (brokerage + exchange + sebi) * r.gstRate,
        },
        2,
      );
    },
  };
}

/** NSE index futures on the same schedule's broker: what the delta hedge's futures trades pay. */
function indiaIndexFutures(
  f: CostFill,
  r: Omit<typeof INDIA_INDEX_OPTIONS, 'brokeragePerOrder'> & { brokeragePerOrder: number },
): CostBreakdown {
  const turnover = f.price * f.qty;
  const date = f.date ?? '9999-12-31';
  const brokerage =
    f.firstOfOrder === false
      ? 0
      : Math.min(r.brokeragePerOrder, turnover * r.futuresBrokerageOnTurnover);
  const exchange = turnover * rateOn(NSE_TXN_ON_FUTURES, date, '').value;
  const sebi = turnover * r.sebiOnPremium;
  return breakdown(
    {
      brokerage,
      stt: f.side === 'SELL' ? turnover * rateOn(STT_SELL_ON_FUTURES, date, '').value : 0,
      exchange,
      sebi,
      stampDuty: f.side === 'BUY' ? turnover * r.futuresStampBuyOnTurnover : 0,
      gst: (brokerage + exchange + sebi) * r.gstRate,
    },
    2,
  );
}

export const indiaIndexOptions: CostModel = indiaIndexOptionsModel();

/** US listed options; `commissionPerContract` replaces the USD 0.65 retail rate (the regulatory fees stay). */
export function usOptionsModel(o: { commissionPerContract?: number } = {}): CostModel {
  const r = {
    ...US_OPTIONS,
    ...(o.commissionPerContract === undefined
      ? {}
      : { commissionPerContract: o.commissionPerContract }),
  };
  return {
    id: US_OPTIONS.id,
    description: `US listed options: USD ${r.commissionPerContract} commission per contract, ORF USD 0.02815 and OCC USD 0.02 (max 55/order) per contract, SEC fee and FINRA TAF on sells`,
    cost(f) {
      const sell = f.side === 'SELL';
      return breakdown(
        {
          commission: f.contracts * r.commissionPerContract,
          orf: f.contracts * r.orfPerContract,
          occ: Math.min(f.contracts * r.occPerContract, r.occMaxPerOrder),
          sec: sell ? f.price * f.qty * r.secOnSellValue : 0,
          finraTaf: sell ? f.contracts * r.finraTafPerContractSold : 0,
        },
        2,
      );
    },
  };
}

export const usOptions: CostModel = usOptionsModel();

export const deribitOptions: CostModel = {
  id: DERIBIT_OPTIONS.id,
  description:
    'Deribit options: 0.03 % of the underlying per contract, capped at 12.5 % of the option price; futures: 0.05 % of their value (taker)',
  cost(f) {
    const r = DERIBIT_OPTIONS;
    if (f.instrument === 'future') return breakdown({ fee: r.futuresTaker * f.price * f.qty }, 4);
    const perUnit = Math.min(r.takerOnUnderlying * f.spot, r.capOnPremium * f.price);
    return breakdown({ fee: perUnit * f.qty }, 4);
  },
};

export const costModels: Record<PresetCostModelId, CostModel> = {
  none: noCosts,
  [INDIA_INDEX_OPTIONS.id]: indiaIndexOptions,
  [US_OPTIONS.id]: usOptions,
  [DERIBIT_OPTIONS.id]: deribitOptions,
};

/** The cost model a basket's `execution.costModel` names, with its overrides applied. */
export function executionCostModel(c: CostModelChoice): CostModel {
  switch (c.type) {
    case 'none':
      return noCosts;
    case 'fixed':
      return fixedCostModel(c);
    case 'india-index-options':
      return indiaIndexOptionsModel(c);
    case 'us-options':
      return usOptionsModel(c);
    case 'deribit-options':
      return deribitOptions;
  }
}

/** Resolves a cost model by id; an unknown id is an error that lists the known ones. */
export function costModelById(id: string): CostModel {
  const m = (costModels as Record<string, CostModel | undefined>)[id];
  if (!m)
    throw new Error(
      `unknown cost model "${id}"; use one of: ${Object.keys(costModels).join(', ')}`,
    );
  return m;
}

/** A basket's own flat schedule (DSL `costModel.type: "fixed"`): per order, per lot and % of premium turnover. */
export function fixedCostModel(p: {
  perOrder: number;
  perLot: number;
  pctOfTurnover: number;
}): CostModel {
  return {
    id: 'fixed',
    description: `fixed: ${p.perOrder} per order + ${p.perLot} per lot + ${p.pctOfTurnover}% of premium turnover`,
    cost: (f) =>
      breakdown(
        {
          perOrder: f.firstOfOrder === false ? 0 : p.perOrder,
          perLot: p.perLot * f.contracts,
          turnover: (f.price * f.qty * p.pctOfTurnover) / 100,
        },
        2,
      ),
  };
}
