import { describe, expect, it } from 'vitest';
import { INSTRUMENTS, getInstrument } from './instruments';

describe('instrument catalog', () => {
  it('lists the ten underlyings a user can trade', () => {
    expect(INSTRUMENTS.map((i) => i.symbol)).toEqual([
      'NIFTY',
      'BANKNIFTY',
      'FINNIFTY',
      'MIDCPNIFTY',
      'SENSEX',
      'SPY',
      'QQQ',
      'SPX',
      'BTC',
      'ETH',
    ]);
  });

  it('carries the exchange conventions: NSE lots, tick 0.05, 09:15-15:30 IST; US multiplier 100, tick 0.01; Deribit 08:00 UTC expiries', () => {
    const nifty = getInstrument('nifty');
    expect(nifty).toMatchObject({
      lotSize: 65,
      strikeStep: 50,
      tickSize: 0.05,
      timezone: 'Asia/Kolkata',
      session: { open: '09:15', close: '15:30' },
      currency: 'INR',
    });
    expect(getInstrument('SPY')).toMatchObject({
      lotSize: 100,
      tickSize: 0.01,
      timezone: 'America/New_York',
      session: { open: '09:30', close: '16:00' },
    });
    expect(getInstrument('BTC')).toMatchObject({
      timezone: 'UTC',
      expiry: { time: '08:00' },
      pricing: { model: 'black-76' },
    });
    expect(getInstrument('BANKNIFTY').expiry.weeklyWeekday).toBeNull();
  });

  it('names the known symbols when asked for an unknown one', () => {
    expect(() => getInstrument('TSLA')).toThrow(/unknown underlying "TSLA".*NIFTY, BANKNIFTY/);
  });
});
