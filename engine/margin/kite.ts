/**
 * Zerodha Kite's basket-margin answer (POST /margins/basket, JSON body of orders) read into a
 * MarginEstimate, so a connected Kite account replaces the approximation behind MarginSource.
 * The network call belongs to the Kite adapter (workers/); it is injected here, which keeps
 * this module pure. Shapes follow Kite Connect v3 and its official mocks
 * (kiteconnect-mocks/basket_margins.json).
 */
import { termsOf, type ContractTerms } from '../market/snapshot.ts';
import { z } from 'zod';
import type { PayoffLeg } from '../payoff/payoff.ts';
import { summarize } from '../payoff/payoff.ts';
import type { MarginEstimate, MarginPosition, MarginSource } from './margin.ts';

const Money = z.number().finite();

const KiteCharges = z.looseObject({
  transaction_tax: Money,
  transaction_tax_type: z.string(),
  exchange_turnover_charge: Money,
  sebi_turnover_charge: Money,
  brokerage: Money,
  stamp_duty: Money,
  gst: z.looseObject({ igst: Money, cgst: Money, sgst: Money, total: Money }),
  total: Money,
});

/** One margin figure: the basket's initial or final total, or one order's. */
const KiteMargin = z.looseObject({
  type: z.string(),
  tradingsymbol: z.string(),
  exchange: z.string(),
  span: Money,
  exposure: Money,
  option_premium: Money,
  additional: Money,
  bo: Money,
  cash: Money,
  var: Money,
  pnl: z.looseObject({ realised: Money, unrealised: Money }),
  leverage: Money,
  charges: KiteCharges,
  total: Money,
});
export type KiteMargin = z.infer<typeof KiteMargin>;

export const KiteBasketMarginsResponse = z.discriminatedUnion('status', [
  z.looseObject({
    status: z.literal('success'),
    data: z.looseObject({
      /** The basket's margin without hedge benefit (orders summed). */
      initial: KiteMargin,
      /** The margin after hedge benefit and premium: what the account must hold. */
      final: KiteMargin,
      orders: z.array(KiteMargin),
      charges: KiteCharges,
    }),
  }),
  z.looseObject({
    status: z.literal('error'),
    message: z.string(),
    error_type: z.string().optional(),
  }),
]);

export type KiteBasketMargins = {
  initial: KiteMargin;
  final: KiteMargin;
  orders: KiteMargin[];
  chargesTotal: number;
};

/** Reads Kite's JSON, refusing anything that is not its documented shape, with Kite's own message on an error envelope. */
export function parseKiteBasketMargins(json: unknown): KiteBasketMargins {
  const r = KiteBasketMarginsResponse.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(
      `Kite basket_margins answer is not in the documented shape: ${i.path.join('.') || '(root)'}: ${i.message}`,
    );
  }
  if (r.data.status === 'error')
    throw new Error(
      `Kite refused the basket margin request (${r.data.error_type ?? 'error'}): ${r.data.message}`,
    );
  const d = r.data.data;
  // Charges are per order in `orders`; the basket-level block carries only fees Kite sums there.
  const chargesTotal = d.orders.reduce((a, o) => a + o.charges.total, 0);
  return { initial: d.initial, final: d.final, orders: d.orders, chargesTotal };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Kite's answer as a MarginEstimate; `definedRisk` comes from the position (Kite does not say). */
export function kiteEstimate(m: KiteBasketMargins, definedRisk: boolean): MarginEstimate {
  const f = m.final;
  const components = [
    { label: 'SPAN', amount: f.span },
    { label: 'Exposure', amount: f.exposure },
    { label: 'Option premium', amount: f.option_premium },
    { label: 'Additional', amount: f.additional },
  ].filter((c) => c.amount !== 0);
  const benefit = m.initial.total - f.total;
  return {
    source: 'broker',
    method: 'kite-basket-margins',
    methodText:
      "Zerodha Kite's basket margin for these orders, after hedge benefit and premium (Kite's own figure).",
    currency: 'INR',
    total: round2(f.total),
    components: components.map((c) => ({ label: c.label, amount: round2(c.amount) })),
    definedRisk,
    notes: [
      ...(benefit > 0
        ? [
            `Hedge benefit: ${round2(benefit)} less than the orders on their own (${round2(m.initial.total)}).`,
          ]
        : []),
      ...(m.chargesTotal > 0
        ? [`Kite estimates ${round2(m.chargesTotal)} of charges to place these orders.`]
        : []),
    ],
  };
}

/** One order of the basket as Kite's margin endpoints take it (JSON body). */
export type KiteMarginOrder = {
  exchange: 'NFO' | 'BFO';
  tradingsymbol: string;
  transaction_type: 'BUY' | 'SELL';
  variety: 'regular';
  product: 'NRML' | 'MIS';
  order_type: 'MARKET';
  quantity: number;
  price: 0;
  trigger_price: 0;
};

export function kiteMarginOrder(
  leg: Pick<PayoffLeg, 'side' | 'qty'>,
  instrument: { exchange: 'NFO' | 'BFO'; tradingsymbol: string },
  product: 'NRML' | 'MIS' = 'NRML',
): KiteMarginOrder {
  return {
    exchange: instrument.exchange,
    tradingsymbol: instrument.tradingsymbol,
    transaction_type: leg.side,
    variety: 'regular',
    product,
    order_type: 'MARKET',
    quantity: leg.qty,
    price: 0,
    trigger_price: 0,
  };
}

/**
 * A MarginSource backed by a Kite account. The adapter supplies the two things that need the
 * outside world: the instrument of each leg (its tradingsymbol from the instrument dump) and
 * the HTTP call itself (POST /margins/basket?consider_positions=true).
 */
export function kiteMarginSource(io: {
  instrumentOf: (
    leg: PayoffLeg,
    position: MarginPosition,
  ) => {
    exchange: 'NFO' | 'BFO';
    tradingsymbol: string;
  };
  basketMargins: (orders: KiteMarginOrder[]) => Promise<unknown>;
  product?: 'NRML' | 'MIS';
}): MarginSource {
  return {
    name: 'kite',
    async estimate(position) {
      const orders = position.legs.map((l) =>
        kiteMarginOrder(l, io.instrumentOf(l, position), io.product),
      );
      const answer = parseKiteBasketMargins(await io.basketMargins(orders));
      const s = summarize(position.legs, position.market);
      return kiteEstimate(answer, Number.isFinite(s.maxLoss));
    },
  };
}

/**
 * The broker's figure when it answers, else the fallback's, saying why: a margin figure must
 * never disappear because a broker call failed.
 */
export function withFallback(primary: MarginSource, fallback: MarginSource): MarginSource {
  return {
    name: `${primary.name}, else ${fallback.name}`,
    async estimate(position) {
      try {
        return await primary.estimate(position);
      } catch (err) {
        const e = await fallback.estimate(position);
        return {
          ...e,
          notes: [
            `${primary.name} did not answer (${err instanceof Error ? err.message : String(err)}); showing the ${fallback.name}.`,
            ...e.notes,
          ],
        };
      }
    },
  };
}

/** One opening order of a basket as the margin endpoint takes it: the contract, side and units. */
export type BasketLeg = ContractTerms & {
  expiry: string;
  side: 'BUY' | 'SELL';
  qty: number;
};

/** The payoff panel's resolved legs as basket orders (the one place that reads a leg's right). */
export function basketLegsOf(legs: readonly PayoffLeg[]): BasketLeg[] {
  return legs.map((l) => ({
    expiry: l.expiry,
    ...termsOf(l),
    side: l.side,
    qty: l.qty,
  }));
}

/** Kite's figures for a basket, as the brokers worker reads them from POST /margins/basket. */
export type KiteBasketFigures = {
  required: number;
  final: number;
  charges: number;
  components: { label: string; amount: number }[];
  notes: string[];
};

/** A connected Kite account's answer as the MarginEstimate the panels show, naming the account. */
export function kiteAccountEstimate(
  figures: KiteBasketFigures,
  accountLabel: string,
  definedRisk: boolean,
): MarginEstimate {
  return {
    source: 'broker',
    method: 'kite-basket-margins',
    heading: `Margin from Kite (account ${accountLabel})`,
    methodText:
      "Kite's own basket margin for these orders as NRML, after hedge benefit, premium and the account's open positions.",
    currency: 'INR',
    total: round2(figures.final),
    components: figures.components,
    definedRisk,
    notes: figures.notes,
  };
}
