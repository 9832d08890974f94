// The broker contract on the Deribit adapter, against the local Deribit JSON-RPC fake.
import { defineBrokerContract, type ContractMarket } from '@/tests/support/broker-contract';
import { startDeribitFake } from '@/tests/fakes/deribit';
import { LiveBroker } from '../live-broker';
import { DeribitVenue } from './venue';

const market: ContractMarket = {
  underlying: 'BTC',
  expiry: '2026-12-25',
  strike: 100000,
  lotSize: 1,
  spot: 98000,
  ce: { bid: 4900, ask: 5000 },
  pe: { bid: 6800, ask: 6950 },
  ts: '2026-11-20T12:00:00Z',
};
const credentials = { clientId: 'deribit-client', clientSecret: 'deribit-secret' };

defineBrokerContract('deribit (local JSON-RPC fake)', async () => {
  const fake = await startDeribitFake({
    ...credentials,
    listings: [{ currency: 'BTC', expiry: market.expiry, strike: market.strike }],
    index: { BTC: market.spot },
  });
  const make = () =>
    new LiveBroker(
      new DeribitVenue({ wsUrl: fake.url, credentials, currencies: ['BTC'], timeoutMs: 400 }),
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
        fake.exchange.liquidity = x;
        fake.exchange.match();
      },
      stallNextPlacement: async () => fake.fault('private/buy', { stallMs: 1200 }),
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
