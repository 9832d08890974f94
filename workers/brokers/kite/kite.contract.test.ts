// The broker contract on the Kite adapter, against the local Kite Connect fake.
import { defineBrokerContract, niftyContractMarket } from '@/tests/support/broker-contract';
import { startKiteFake } from '@/tests/fakes/kite';
import { LiveBroker } from '../live-broker';
import { KiteVenue } from './venue';

const market = niftyContractMarket();

defineBrokerContract('kite (local Kite Connect v3 fake)', async () => {
  const fake = await startKiteFake({
    apiKey: 'kiteapikey',
    apiSecret: 'kiteapisecret',
    listings: [
      {
        underlying: market.underlying,
        expiry: market.expiry,
        strike: market.strike,
        lotSize: market.lotSize,
      },
    ],
    spot: { NIFTY: market.spot },
  });
  fake.accessTokens.add('access-1');
  const make = () =>
    new LiveBroker(
      new KiteVenue({
        apiUrl: fake.url,
        wsUrl: fake.wsUrl,
        apiKey: 'kiteapikey',
        accessToken: 'access-1',
        timeoutMs: 400,
      }),
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
      stallNextPlacement: async () => fake.faults.add('POST /orders/regular', { stallMs: 1200 }),
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
