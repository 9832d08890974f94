import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDataDir } from '@/datasets/shared-data';
import { fromDeribitName, toDeribitName } from './deribit.ts';
import { KiteInstrumentBook, parseKiteInstruments, readKiteSymbol } from './kite.ts';
import { fromOccSymbol, toOccSymbol } from './occ.ts';

const HEADER =
  'instrument_token,exchange_token,tradingsymbol,name,last_price,expiry,strike,tick_size,lot_size,instrument_type,segment,exchange';

function officialDump(): string {
  const dir = sharedDataDir();
  if (!dir) throw new Error('../shared/data is missing: the Kite mock instrument dump lives there');
  return readFileSync(path.join(dir, 'zerodha-kiteconnect-mocks', 'instruments_all.csv'), 'utf8');
}

describe('Kite instrument dump', () => {
  it("reads Zerodha's mock dump and finds its monthly BANKNIFTY option though its name is blank", () => {
    const rows = parseKiteInstruments(officialDump());
    expect(rows.length).toBeGreaterThan(50);
    const book = new KiteInstrumentBook(rows);
    const row = book.find({
      underlying: 'BANKNIFTY',
      expiry: '2018-01-25',
      instrument: 'option',
      strike: 23500,
      right: 'CE',
    });
    expect(row?.tradingsymbol).toBe('BANKNIFTY18JAN23500CE');
    expect(row?.lotSize).toBe(40);
    expect(book.contractOf('NFO', 'INDIACEM17DEC220PE')).toEqual({
      underlying: 'INDIACEM',
      expiry: '2017-12-28',
      instrument: 'option',
      strike: 220,
      right: 'PE',
    });
    // Equities are not derivatives: the book leaves them out rather than mapping them to a contract.
    expect(book.contractOf('NSE', 'CENTRALBK-BE')).toBeNull();
  });

  it('tells weekly from monthly symbols and reads the underlying in front', () => {
    expect(readKiteSymbol('NIFTY20D1713600CE', '2020-12-17', 13600, 'CE')).toEqual({
      underlying: 'NIFTY',
      form: 'weekly',
    });
    expect(readKiteSymbol('BANKNIFTY2020630900CE', '2020-02-06', 30900, 'CE')).toEqual({
      underlying: 'BANKNIFTY',
      form: 'weekly',
    });
    expect(readKiteSymbol('NIFTY2612025500CE', '2026-01-20', 25500, 'CE')).toEqual({
      underlying: 'NIFTY',
      form: 'weekly',
    });
    expect(readKiteSymbol('NIFTY25DEC24000CE', '2025-12-30', 24000, 'CE')).toEqual({
      underlying: 'NIFTY',
      form: 'monthly',
    });
    expect(readKiteSymbol('NIFTY25DECFUT', '2025-12-30', 0, 'FUT')?.underlying).toBe('NIFTY');
    expect(readKiteSymbol('NIFTY25DEC24000CE', '2025-12-23', 24100, 'CE')).toBeNull();
  });

  it('keeps a lot size per contract: two series of one underlying may differ during a revision', () => {
    const csv = [
      HEADER,
      '1001,11,NIFTY25D2324000CE,NIFTY,0,2025-12-23,24000,0.05,75,CE,NFO-OPT,NFO',
      '1002,12,NIFTY2610624000CE,NIFTY,0,2026-01-06,24000,0.05,65,CE,NFO-OPT,NFO',
      '256265,1001,NIFTY 50,NIFTY 50,0,,0,0,0,EQ,INDICES,NSE',
    ].join('\n');
    const book = KiteInstrumentBook.fromCsv(csv);
    const lot = (expiry: string) =>
      book.find({ underlying: 'NIFTY', expiry, instrument: 'option', strike: 24000, right: 'CE' })
        ?.lotSize;
    expect([lot('2025-12-23'), lot('2026-01-06')]).toEqual([75, 65]);
    expect(book.index('NIFTY')?.instrumentToken).toBe(256265);
    expect(() =>
      book.require({
        underlying: 'NIFTY',
        expiry: '2026-01-06',
        instrument: 'option',
        strike: 99999,
        right: 'CE',
      }),
    ).toThrow(/NIFTY 2026-01-06 99999 CE is not in today's Kite instrument dump/);
  });

  it('names the line and column of a row that does not parse, and a header that is not a dump', () => {
    expect(() => parseKiteInstruments(`${HEADER}\n1,2,X,,0,,abc,0.05,1,EQ,NSE,NSE`)).toThrow(
      /line 2: strike "abc" is not a number/,
    );
    expect(() => parseKiteInstruments('a,b,c\n1,2,3')).toThrow(
      /lacks the column\(s\) instrument_token/,
    );
  });
});

describe('OCC symbols (Alpaca)', () => {
  it('writes and reads the documented examples', () => {
    const c = {
      underlying: 'SPY',
      expiry: '2025-08-26',
      instrument: 'option' as const,
      strike: 640,
      right: 'CE' as const,
    };
    expect(toOccSymbol(c)).toBe('SPY250826C00640000');
    expect(fromOccSymbol('SPY250826C00640000')).toEqual(c);
    expect(fromOccSymbol('AAPL240119P00170000')).toEqual({
      underlying: 'AAPL',
      expiry: '2024-01-19',
      instrument: 'option',
      strike: 170,
      right: 'PE',
    });
    expect(
      toOccSymbol({
        underlying: 'QQQ',
        expiry: '2026-01-16',
        instrument: 'option',
        strike: 502.5,
        right: 'PE',
      }),
    ).toBe('QQQ260116P00502500');
    expect(fromOccSymbol('SPY 250826C00640000')).toBeNull();
    expect(() => toOccSymbol({ ...c, instrument: 'future', strike: null, right: null })).toThrow(
      /options only/,
    );
  });
});

describe('Deribit instrument names', () => {
  it('writes the day without a leading zero and reads options, futures and linear options back', () => {
    const c = {
      underlying: 'BTC',
      expiry: '2026-12-25',
      instrument: 'option' as const,
      strike: 100000,
      right: 'CE' as const,
    };
    expect(toDeribitName(c)).toBe('BTC-25DEC26-100000-C');
    expect(toDeribitName({ ...c, expiry: '2024-01-05', right: 'PE' })).toBe('BTC-5JAN24-100000-P');
    expect(fromDeribitName('ETH-29MAR24-3500-P')).toEqual({
      underlying: 'ETH',
      expiry: '2024-03-29',
      instrument: 'option',
      strike: 3500,
      right: 'PE',
    });
    expect(fromDeribitName('BTC-27DEC24')).toEqual({
      underlying: 'BTC',
      expiry: '2024-12-27',
      instrument: 'future',
      strike: null,
      right: null,
    });
    expect(fromDeribitName('XRP_USDC-30JUN23-0d625-C')?.strike).toBe(0.625);
    expect(fromDeribitName('BTC-PERPETUAL')).toBeNull();
  });
});
