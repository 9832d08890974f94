import { describe, expect, it } from 'vitest';
import type { ChainSnapshot } from '../snapshot';
import { ImportReport, importLines, type BadRow } from '.';

async function* linesOf(text: string) {
  for (const l of text.split('\n')) yield l;
}

async function run(
  text: string,
  format?: Parameters<typeof importLines>[2],
  opts?: Parameters<typeof importLines>[3],
) {
  const bad: BadRow[] = [];
  const report = new ImportReport((b) => bad.push(b));
  const snaps: ChainSnapshot[] = [];
  for await (const s of importLines(linesOf(text), report, format, opts)) snaps.push(s);
  return { snaps, bad: bad.map((b) => `${b.line} ${b.reason}`), report };
}

const HEADER = 'ts,underlying,spot,expiry,strike,right,bid,ask,ltp,iv,oi,volume';

describe('long CSV (DESIGN.md)', () => {
  it('groups rows into snapshots and keeps missing quotes missing', async () => {
    const { snaps, bad } = await run(
      [
        HEADER,
        '2026-11-20T09:15:00+05:30,NIFTY,24350.5,2026-11-25,24300,CE,120.1,121,120.5,0.128,123450,1234',
        '2026-11-20T09:15:00+05:30,NIFTY,24350.5,2026-11-25,24300,PE,,,71.2,,,',
        '2026-11-20T09:16:00+05:30,NIFTY,24351,2026-11-25,24300,CE,119,120,,,,',
      ].join('\n'),
    );
    expect(bad).toEqual([]);
    expect(snaps).toEqual([
      {
        ts: '2026-11-20T09:15:00+05:30',
        underlying: 'NIFTY',
        spot: 24350.5,
        expiries: [
          {
            expiry: '2026-11-25',
            options: [
              {
                strike: 24300,
                right: 'CE',
                bid: 120.1,
                ask: 121,
                ltp: 120.5,
                iv: 0.128,
                oi: 123450,
                volume: 1234,
              },
              { strike: 24300, right: 'PE', ltp: 71.2 },
            ],
          },
        ],
      },
      {
        ts: '2026-11-20T09:16:00+05:30',
        underlying: 'NIFTY',
        spot: 24351,
        expiries: [
          { expiry: '2026-11-25', options: [{ strike: 24300, right: 'CE', bid: 119, ask: 120 }] },
        ],
      },
    ]);
  });

  it('reports each kind of bad row by line number and reason, and skips it', async () => {
    const { snaps, bad, report } = await run(
      [
        HEADER,
        '2026-11-20T09:15:00+05:30,NIFTY,24350.5,2026-11-25,24300,CE,120.1,121,120.5,0.128,100,10', // 2 good
        '2026-11-20T09:15:00+05:30,NIFTY,24350.5,2026-11-25,24350,CE,abc,121,,,,', // 3 non-numeric
        '2026-11-20T09:15:00+05:30,NIFTY,24350.5,2026-11-25,24400,CE,-1,2,,,,', // 4 negative price
        '2026-11-20T09:15:00+05:30,NIFTY,24350.5,2026-11-25,24450,CE,50,40,,,,', // 5 bid above ask
        '2026-11-20T09:15:00+05:30,TSLA,250,2026-11-25,250,CE,1,2,,,,', // 6 unknown underlying
        '2026-11-20T09:15:00+05:30,NIFTY,24350.5,2026-11-25,24300,CE,1,2,,,,', // 7 duplicate
        '2026-11-20T09:17:00+05:30,NIFTY,24352,2026-11-25,24300,CE,1,2,,,,', // 8 good, next snapshot
        '2026-11-20T09:16:00+05:30,NIFTY,24351,2026-11-25,24300,CE,1,2,,,,', // 9 time going backwards
        '2026-11-20T09:17:00+05:30,NIFTY,24352,2026-11-25,24350,XX,1,2,,,,', // 10 bad right
        '2026-11-20T09:17:00+05:30,NIFTY,,2026-11-25,24400,CE,1,2,,,,', // 11 missing spot
        '2026-11-20T09:17:00+05:30,NIFTY,24352,2026-11-25,24450,CE,1,2,,,-5,', // 12 negative OI
        'yesterday,NIFTY,24352,2026-11-25,24450,CE,1,2,,,,', // 13 bad timestamp
      ].join('\n'),
    );
    expect(bad).toEqual([
      '3 non-numeric',
      '4 negative-price',
      '5 bid-above-ask',
      '6 unknown-underlying',
      '7 duplicate',
      '9 time-backwards',
      '10 malformed',
      '11 missing-field',
      '12 negative-count',
      '13 malformed',
    ]);
    expect(snaps.map((s) => s.ts)).toEqual([
      '2026-11-20T09:15:00+05:30',
      '2026-11-20T09:17:00+05:30',
    ]);
    expect(snaps[0].expiries[0].options).toHaveLength(1);
    expect(report.toJSON()).toMatchObject({
      rows: 12,
      snapshots: 2,
      options: 2,
      badRows: 10,
      byReason: { 'non-numeric': 1, 'bid-above-ask': 1 },
    });
    expect(report.samples[2].message).toBe('bid 50 is above ask 40 for NIFTY 2026-11-25 24450 CE');
  });

  it('reads timestamps without an offset in the exchange zone, and says so', async () => {
    const { snaps, report } = await run(
      [HEADER, '2026-11-20 09:15:00,NIFTY,24350.5,2026-11-25,24300,CE,1,2,,,,'].join('\n'),
    );
    expect(snaps[0].ts).toBe('2026-11-20T09:15:00+05:30');
    expect(report.notes[0]).toMatch(/read in Asia\/Kolkata/);
  });

  it('asks for a column mapping when it does not know the columns', async () => {
    await expect(run('Date,Strike,Type,Premium\n2026-11-20,24300,CE,1')).rejects.toThrow(
      /unrecognised CSV columns \(Date, Strike, Type, Premium\): give a column mapping/,
    );
  });
});

describe('column mapping for other CSVs', () => {
  it('reads any one-option-a-row CSV given which column is which', async () => {
    const { snaps, bad } = await run(
      [
        'Time,Spot Price,Expiry Date,Strike Price,Type,Bid,Ask,IV %',
        '2026-11-20 10:00,24310,25-Nov-2026,24300,C,101.5,102.5,13.1',
        '2026-11-20 10:00,24310,25-Nov-2026,24300,P,90,91,13.4',
      ].join('\n'),
      'mapped-csv',
      {
        mapping: {
          underlying: 'NIFTY',
          ivUnit: 'percent',
          columns: {
            ts: 'Time',
            spot: 'Spot Price',
            expiry: 'Expiry Date',
            strike: 'Strike Price',
            right: 'Type',
            bid: 'Bid',
            ask: 'Ask',
            iv: 'IV %',
          },
        },
      },
    );
    expect(bad).toEqual([]);
    expect(snaps[0]).toEqual({
      ts: '2026-11-20T10:00:00+05:30',
      underlying: 'NIFTY',
      spot: 24310,
      expiries: [
        {
          expiry: '2026-11-25',
          options: [
            { strike: 24300, right: 'CE', bid: 101.5, ask: 102.5, iv: 0.131 },
            { strike: 24300, right: 'PE', bid: 90, ask: 91, iv: 0.134 },
          ],
        },
      ],
    });
  });

  it('names a mapped column the file does not have', async () => {
    await expect(
      run('a,b\n1,2', 'mapped-csv', { mapping: { underlying: 'NIFTY', columns: { ts: 'Time' } } }),
    ).rejects.toThrow(/no column "Time"/);
  });
});

describe('canonical NDJSON', () => {
  const line = (o: object) =>
    JSON.stringify({
      ts: '2026-11-20T09:15:00+05:30',
      underlying: 'NIFTY',
      spot: 24350.5,
      vix: 13.2,
      expiries: [
        { expiry: '2026-11-25', options: [{ strike: 24300, right: 'CE', bid: 120.1, ask: 121 }] },
      ],
      ...o,
    });

  it('reads snapshots back unchanged', async () => {
    const { snaps } = await run(line({}));
    expect(snaps).toEqual([JSON.parse(line({}))]);
  });

  it('drops only the bad option of a snapshot and reports its line; drops bad snapshots whole', async () => {
    const { snaps, bad, report } = await run(
      [
        line({
          expiries: [
            {
              expiry: '2026-11-25',
              options: [
                { strike: 24300, right: 'CE', bid: 122, ask: 121 },
                { strike: 24350, right: 'CE', bid: -1 },
                { strike: 24400, right: 'CE', ltp: 'x' },
                { strike: 24450, right: 'CE', ltp: 3 },
              ],
            },
          ],
        }),
        '{not json',
        line({ underlying: 'DOGE' }),
        line({ ts: '2026-11-20T09:14:00+05:30' }),
        line({ spot: 'high' }),
        line({ ts: '2026-11-20T09:16:00+05:30' }),
      ].join('\n'),
    );
    expect(bad).toEqual([
      '1 bid-above-ask',
      '1 negative-price',
      '1 non-numeric',
      '2 malformed',
      '3 unknown-underlying',
      '4 time-backwards',
      '5 non-numeric',
    ]);
    expect(snaps).toHaveLength(2);
    expect(snaps[0].expiries[0].options).toEqual([{ strike: 24450, right: 'CE', ltp: 3 }]);
    expect(report.samples[1].message).toMatch(/expiries\[0\]\.options\[1\]\.bid/);
  });
});

describe('NSE option-chain JSON response', () => {
  const response = {
    records: {
      timestamp: '28-Mar-2022 10:47:19',
      underlyingValue: 17022.5,
      data: [
        {
          strikePrice: 17000,
          expiryDate: '31-Mar-2022',
          CE: {
            underlying: 'NIFTY',
            openInterest: 100,
            totalTradedVolume: 5,
            impliedVolatility: 18.5,
            lastPrice: 180.2,
            bidprice: 180,
            askPrice: 181,
          },
          PE: {
            underlying: 'NIFTY',
            openInterest: 90,
            totalTradedVolume: 0,
            impliedVolatility: 0,
            lastPrice: 0,
            bidprice: 0,
            askPrice: 3,
          },
        },
        {
          strikePrice: 17100,
          expiryDate: '31-Mar-2022',
          CE: { underlying: 'NIFTY', lastPrice: -4 },
        },
        {
          strikePrice: 17200,
          expiryDate: '31-Mar-2022',
          CE: { underlying: 'NIFTY', bidprice: 50, askPrice: 49 },
        },
      ],
    },
  };

  it('reads a pretty-printed response: IV % to decimal, 0 = none stays missing, bad entries reported', async () => {
    const { snaps, report } = await run(JSON.stringify(response, null, 2));
    expect(snaps).toEqual([
      {
        ts: '2022-03-28T10:47:19+05:30',
        underlying: 'NIFTY',
        spot: 17022.5,
        expiries: [
          {
            expiry: '2022-03-31',
            options: [
              {
                strike: 17000,
                right: 'CE',
                bid: 180,
                ask: 181,
                ltp: 180.2,
                iv: 0.185,
                oi: 100,
                volume: 5,
              },
              { strike: 17000, right: 'PE', ask: 3, oi: 90, volume: 0 },
            ],
          },
        ],
      },
    ]);
    expect(report.samples.map((b) => `${b.reason}: ${b.message}`)).toEqual([
      'negative-price: records.data[1].CE: records.data[1].CE.lastPrice -4 is negative',
      'bid-above-ask: bid 50 is above ask 49 for NIFTY 2022-03-31 17200 CE',
    ]);
  });

  it('reports a truncated file instead of guessing', async () => {
    const { snaps, bad } = await run(JSON.stringify(response, null, 2).slice(0, 200));
    expect(snaps).toEqual([]);
    expect(bad).toEqual(['0 malformed']);
  });
});

describe('NSE one-minute dataset (chiragaibooks layout)', () => {
  it('reads IST minute stamps, NIFTY50, percent IVs, float32 spot', async () => {
    const { snaps, bad } = await run(
      [
        'timestamp,symbol,expiry,strike,option_type,spot,ltp,volume,oi,oi_chg,iv,delta,gamma,theta,vega,rho',
        '202608181043,NIFTY50,18-Aug-2026,24200,CE,24212.80078125,35.5,1000,200,5,12.5,0.5,0.001,-3,1,0.1',
        '202608181043,NIFTY50,18-Aug-2026,24200,PE,24212.80078125,0,0,10,0,0,0,0,0,0,0',
        '202608181044,NIFTY50,18-Aug-2026,24200,CE,24214,x,1000,200,5,12.5,0.5,0.001,-3,1,0.1',
      ].join('\n'),
    );
    expect(bad).toEqual(['4 non-numeric']);
    expect(snaps).toEqual([
      {
        ts: '2026-08-18T10:43:00+05:30',
        underlying: 'NIFTY',
        spot: 24212.8,
        expiries: [
          {
            expiry: '2026-08-18',
            options: [
              { strike: 24200, right: 'CE', ltp: 35.5, iv: 0.125, oi: 200, volume: 1000 },
              { strike: 24200, right: 'PE', oi: 10, volume: 0 },
            ],
          },
        ],
      },
    ]);
  });
});

describe('NSE option-chain page (2019 layout)', () => {
  it('splits each strike row into a call and a put; expiry from the nearest Thursday', async () => {
    const { snaps, bad } = await run(
      [
        ',CallOI,CallChnginOI,CallVolume,CallIV,CallLTP,CallNetChng,CallBidQty,CallBidPrice,CallAskPrice,CallAskQty,StrikePrice,PutBidQty,PutBidPrice,PutAskPrice,PutAskQty,PutNetChng,PutLTP,PutIV,PutVolume,PutChnginOI,PutOI,CurrentVal',
        '0,75,-,-,-,-,-,75,1460.65,1506.85,75,9350.00,300,0.25,1.40,75,0.10,0.50,-,300,-,150,10848.15',
        '1,-,-,-,-,-,-,-,-,-,-,9400.00,-,-,-,-,-,-,-,-,-,-,10848.15',
        '2,10,-,5,12.5,99,-,75,101,100,75,9450.00,-,-,-,-,-,-,-,-,-,-,10848.15',
      ].join('\n'),
      'nse-page',
      { page: { underlying: 'NIFTY', ts: '2019-08-26T09:15:00+05:30' } },
    );
    expect(bad).toEqual(['4 bid-above-ask']);
    expect(snaps[0].expiries).toEqual([
      {
        expiry: '2019-08-29',
        options: [
          { strike: 9350, right: 'CE', bid: 1460.65, ask: 1506.85, oi: 75 },
          { strike: 9350, right: 'PE', bid: 0.25, ask: 1.4, ltp: 0.5, oi: 150, volume: 300 },
        ],
      },
    ]);
    expect(snaps[0].spot).toBe(10848.15);
  });
});

describe('Yahoo option chain CSV', () => {
  it('takes underlying and right from OCC symbols, time from the last trade, spot from parity', async () => {
    const { snaps, report } = await run(
      [
        ',contractSymbol,lastTradeDate,strike,lastPrice,bid,ask,change,percentChange,volume,openInterest,impliedVolatility,inTheMoney,contractSize,currency,Type,Expiration_Date',
        '0,SPY250827C00645000,2025-08-26 19:59:00+00:00,645.0,2.0,1.9,2.1,0,0,10,100,0.12,True,REGULAR,USD,c,2025-08-27',
        '1,SPY250827P00645000,2025-08-26 20:14:00+00:00,645.0,1.5,1.4,1.6,0,0,10,100,0.13,False,REGULAR,USD,p,2025-08-27',
        '2,SPY250827P00600000,2025-08-20 14:00:00+00:00,600.0,0.01,0.0,0.01,0,0,,1,2.5,False,REGULAR,USD,p,2025-08-27',
      ].join('\n'),
    );
    expect(snaps).toHaveLength(1);
    expect(snaps[0]).toMatchObject({
      ts: '2025-08-26T16:14:00-04:00',
      underlying: 'SPY',
      spot: 645.5,
    });
    expect(snaps[0].expiries[0].options[0]).toEqual({
      strike: 600,
      right: 'PE',
      ask: 0.01,
      ltp: 0.01,
      iv: 2.5,
      oi: 1,
    });
    expect(report.notes.join(' ')).toMatch(
      /spot 645.5 implied by put-call parity at the 645 strike of 2025-08-27/,
    );
  });
});

describe('Deribit order-book CSV', () => {
  it('converts coin prices to USD at the forward and splits repeated sweeps into snapshots', async () => {
    const head =
      'underlying_price,underlying_index,timestamp,open_interest,mark_iv,last_price,instrument_name,index_price,best_bid_price,best_ask_price,stats.volume';
    const { snaps, bad } = await run(
      [
        head,
        '50000,BTC-26MAR21,1613068625262,10,80.5,0.05,BTC-26MAR21-48000-C,49000,0.049,0.051,2',
        '50000,BTC-26MAR21,1613068625300,5,82,,BTC-26MAR21-48000-P,49000,0.0,0.02,',
        '50000,BTC-26MAR21,1613068625400,5,82,,BTC-26MAR21-X-P,49000,0.0,0.02,',
        '50100,BTC-26MAR21,1613068943484,10,81,0.05,BTC-26MAR21-48000-C,49100,0.05,0.052,3',
      ].join('\n'),
    );
    expect(bad).toEqual(['4 malformed']);
    expect(snaps.map((s) => [s.ts, s.spot])).toEqual([
      ['2021-02-11T18:37:05.300Z', 49000],
      ['2021-02-11T18:42:23.484Z', 49100],
    ]);
    expect(snaps[0].expiries).toEqual([
      {
        expiry: '2021-03-26',
        forward: 50000,
        options: [
          {
            strike: 48000,
            right: 'CE',
            bid: 2450,
            ask: 2550,
            ltp: 2500,
            iv: 0.805,
            oi: 10,
            volume: 2,
          },
          { strike: 48000, right: 'PE', ask: 1000, iv: 0.82, oi: 5 },
        ],
      },
    ]);
  });
});
