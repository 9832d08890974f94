// The broker contract on the Alpaca options adapter, against the local Alpaca fake.
import { defineBrokerContract, type ContractMarket } from '@/tests/support/broker-contract';
import { startAlpacaFake } from '@/tests/fakes/alpaca';
import { LiveBroker } from '../live-broker';
import { AlpacaVenue } from './venue';

const market: ContractMarket = {
  underlying: 'SPY',
  expiry: '2026-11-20',
  strike: 650,
  lotSize: 100,
  spot: 648.2,
  ce: { bid: 5.1, ask: 5.2 },
  pe: { bid: 6.3, ask: 6.45 },
  ts: '2026-11-18T10:00:00-05:00',
};
const credentials = { keyId: 'PKTEST', secretKey: 'alpaca-secret' };

defineBrokerContract('alpaca (local Trading API v2 fake)', async () => {
  const fake = await startAlpacaFake({
    ...credentials,
    listings: [{ underlying: 'SPY', expiry: market.expiry, strike: market.strike }],
  });
  const make = () =>
    new LiveBroker(
      new AlpacaVenue({ apiUrl: fake.url, streamUrl: fake.streamUrl, credentials, timeoutMs: 400 }),
      { backoffMs: 20, maxBackoffMs: 100, refreshMs: 200 },
    );
  let broker = make();
  return {
    broker,
    market,
    async publish(s) {
      fake.publish(s);
      await broker.onSnapshot(s);
    },
    async restart() {
      await broker.close();
      broker = make();
      return broker;
    },
    venue: {
      setFunds: async (x) => {
        fake.exchange.funds = x;
      },
      setLiquidity: async (x) => {
        fake.exchange.liquidity = x === null ? null : x / 100;
        fake.exchange.match();
      },
      stallNextPlacement: async () => fake.faults.add('POST /v2/orders', { stallMs: 1200 }),
      scrambleUpdates: async () => {
        fake.scramble = true;
      },
    },
    async close() {
      await broker.close();
      await fake.close();
    },
  };
});
