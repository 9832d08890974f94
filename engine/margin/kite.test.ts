import { FUTURE_TERMS } from '../market/snapshot.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDataDir } from '@/datasets/shared-data';
import { approximationMarginSource } from './approximation.ts';
import {
  basketLegsOf,
  kiteAccountEstimate,
  kiteEstimate,
  kiteMarginOrder,
  kiteMarginSource,
  parseKiteBasketMargins,
  withFallback,
} from './kite.ts';
import type { MarginPosition } from './margin.ts';

const mocks = sharedDataDir();
const mock = (name: string) =>
  JSON.parse(readFileSync(path.join(mocks!, 'zerodha-kiteconnect-mocks', name), 'utf8'));

const position: MarginPosition = {
  underlying: 'NIFTY',
  spot: 20650,
  market: { spot: 20650, rate: 0.065, div: 0.012, model: 'black-scholes' },
  legs: [
    {
      id: 'a',
      instrument: 'option',
      right: 'CE',
      side: 'SELL',
      qty: 50,
      strike: 20600,
      entry: 85,
      expiry: '2023-07-27',
      t: 0.02,
      iv: 0.11,
    },
    {
      id: 'b',
      instrument: 'option',
      right: 'CE',
      side: 'BUY',
      qty: 50,
      strike: 20700,
      entry: 42,
      expiry: '2023-07-27',
      t: 0.02,
      iv: 0.11,
    },
  ],
};

describe.skipIf(!mocks)("Kite's basket_margins answer (official mock)", () => {
  it('reads the final margin after hedge benefit, its parts, and the charges per order', () => {
    const m = parseKiteBasketMargins(mock('basket_margins.json'));
    expect(m.final.total).toBeCloseTo(34786.725, 6);
    expect(m.initial.total).toBeCloseTo(96504.975, 6);
    expect(m.orders.map((o) => o.tradingsymbol)).toEqual([
      'NIFTY23JUL20600CE',
      'NIFTY23JUL20700CE',
    ]);
    const e = kiteEstimate(m, true);
    expect(e).toMatchObject({ source: 'broker', method: 'kite-basket-margins', currency: 'INR' });
    expect(e.total).toBe(34786.73);
    expect(e.components).toEqual([
      { label: 'SPAN', amount: 7788 },
      { label: 'Exposure', amount: 29151.23 },
      { label: 'Option premium', amount: -2152.5 },
    ]);
    expect(e.notes.join(' ')).toMatch(/Hedge benefit: 61718.25/);
    expect(e.notes.join(' ')).toMatch(/50.76 of charges/);
  });

  it('refuses an answer of another shape, naming the field', () => {
    const orderMargins = mock('order_margins.json');
    expect(() => parseKiteBasketMargins(orderMargins)).toThrow(/documented shape: data: /);
    const broken = mock('basket_margins.json');
    broken.data.final.total = 'lots';
    expect(() => parseKiteBasketMargins(broken)).toThrow(/data.final.total/);
  });

  it("passes Kite's own error message through", () => {
    expect(() =>
      parseKiteBasketMargins({
        status: 'error',
        message: 'Invalid `api_key` or `access_token`.',
        error_type: 'TokenException',
        data: null,
      }),
    ).toThrow(/TokenException\): Invalid `api_key`/);
  });

  it('is a MarginSource once an adapter supplies the instruments and the call', async () => {
    const sent: unknown[] = [];
    const source = kiteMarginSource({
      instrumentOf: (leg) => ({ exchange: 'NFO', tradingsymbol: `NIFTY23JUL${leg.strike}CE` }),
      basketMargins: async (orders) => {
        sent.push(...orders);
        return mock('basket_margins.json');
      },
    });
    const e = await source.estimate(position);
    expect(e.total).toBe(34786.73);
    expect(e.definedRisk).toBe(true);
    expect(sent).toEqual([
      kiteMarginOrder(position.legs[0], { exchange: 'NFO', tradingsymbol: 'NIFTY23JUL20600CE' }),
      kiteMarginOrder(position.legs[1], { exchange: 'NFO', tradingsymbol: 'NIFTY23JUL20700CE' }),
    ]);
    expect(sent[0]).toMatchObject({ transaction_type: 'SELL', quantity: 50, order_type: 'MARKET' });
  });
});

describe('falling back to the approximation', () => {
  it('shows the approximation and says why when the broker does not answer', async () => {
    const down = kiteMarginSource({
      instrumentOf: () => ({ exchange: 'NFO', tradingsymbol: 'X' }),
      basketMargins: async () => ({
        status: 'error',
        message: 'Gateway timed out',
        error_type: 'NetworkException',
      }),
    });
    const e = await withFallback(down, approximationMarginSource).estimate(position);
    expect(e.source).toBe('approximation');
    expect(e.notes[0]).toMatch(/kite did not answer .*Gateway timed out/);
    expect(e.total).toBeGreaterThan(0);
  });
});

describe.skipIf(!mocks)("a connected account's figures", () => {
  it('orders the resolved legs as the basket (futures without a strike) and titles the figure with the account', () => {
    const fut = { ...position.legs[0], id: 'f', ...FUTURE_TERMS, side: 'BUY' as const };
    expect(basketLegsOf([position.legs[0], fut])).toEqual([
      {
        expiry: '2023-07-27',
        instrument: 'option',
        strike: 20600,
        right: 'CE',
        side: 'SELL',
        qty: 50,
      },
      {
        expiry: '2023-07-27',
        instrument: 'future',
        strike: null,
        right: null,
        side: 'BUY',
        qty: 50,
      },
    ]);
    const m = parseKiteBasketMargins(mock('basket_margins.json'));
    const e = kiteAccountEstimate(
      {
        required: m.initial.total,
        final: m.final.total,
        charges: m.chargesTotal,
        components: [],
        notes: [],
      },
      'Kite main',
      true,
    );
    expect(e).toMatchObject({ source: 'broker', heading: 'Margin from Kite (account Kite main)', total: 34786.73, currency: 'INR', definedRisk: true }); // prettier-ignore
  });
});
