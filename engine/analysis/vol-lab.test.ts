// The volatility lab on every saved NSE option-chain response in ../shared/data, read through the
// importer, against the same numbers computed here straight from the raw JSON with a separate
// Black-Scholes (West's normal CDF, IVs by bisection): PCR, max pain, the ATM term structure and
// the 25/10-delta risk reversals and butterflies. Also the smile, surface and OI shapes.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSnapshots } from '@/datasets/read-snapshots';
import { sharedDataDir } from '@/datasets/shared-data';
import { getInstrument } from '../market/instruments.ts';
import type { ChainSnapshot } from '../market/snapshot.ts';
import { volLab, type VolLab } from './vol-lab.ts';

const shared = sharedDataDir() ?? path.resolve(import.meta.dirname, '../../../shared/data');

type RawSide = {
  openInterest?: number;
  impliedVolatility?: number;
  lastPrice?: number;
  bidprice?: number;
  askPrice?: number;
};
type Raw = {
  records: {
    timestamp: string;
    underlyingValue: number;
    data: {
      strikePrice: number;
      expiryDate: string;
      CE?: RawSide & { underlying?: string };
      PE?: RawSide & { underlying?: string };
    }[];
  };
};

/** Every raw NSE option-chain-indices response among the shared data's JSON files. */
function nseResponses(): { file: string; raw: Raw }[] {
  if (!existsSync(shared)) return [];
  const out: { file: string; raw: Raw }[] = [];
  for (const folder of readdirSync(shared).sort()) {
    const dir = path.join(shared, folder);
    if (!statSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith('.json')) continue;
      const file = path.join(dir, name);
      let doc: unknown;
      try {
        doc = JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        continue;
      }
      const rec = (doc as Partial<Raw>).records;
      if (rec && Array.isArray(rec.data) && typeof rec.timestamp === 'string')
        out.push({ file: `${folder}/${name}`, raw: doc as Raw });
    }
  }
  return out;
}

const responses = nseResponses();

// ---- An independent Black-Scholes-Merton: West (2005) double-precision normal CDF, bisection IV.
function cnd(x: number): number {
  const a = Math.abs(x);
  let c: number;
  if (a > 37) c = 0;
  else {
    const e = Math.exp((-a * a) / 2);
    if (a < 7.07106781186547) {
      let b = 3.52624965998911e-2 * a + 0.700383064443688;
      b = b * a + 6.37396220353165;
      b = b * a + 33.912866078383;
      b = b * a + 112.079291497871;
      b = b * a + 221.213596169931;
      b = b * a + 220.206867912376;
      c = e * b;
      b = 8.83883476483184e-2 * a + 1.75566716318264;
      b = b * a + 16.064177579207;
      b = b * a + 86.7807322029461;
      b = b * a + 296.564248779674;
      b = b * a + 637.333633378831;
      b = b * a + 793.826512519948;
      b = b * a + 440.413735824752;
      c /= b;
    } else {
      let b = a + 0.65;
      b = a + 4 / b;
      b = a + 3 / b;
      b = a + 2 / b;
      b = a + 1 / b;
      c = e / b / 2.506628274631;
    }
  }
  return x > 0 ? 1 - c : c;
}

type Mkt = { s: number; t: number; r: number; q: number };
const d1 = (m: Mkt, k: number, v: number) =>
  (Math.log(m.s / k) + (m.r - m.q + (v * v) / 2) * m.t) / (v * Math.sqrt(m.t));
function bs(call: boolean, m: Mkt, k: number, v: number): number {
  const a = d1(m, k, v);
  const b = a - v * Math.sqrt(m.t);
  const sd = m.s * Math.exp(-m.q * m.t);
  const kd = k * Math.exp(-m.r * m.t);
  return call ? sd * cnd(a) - kd * cnd(b) : kd * cnd(-b) - sd * cnd(-a);
}
const bsDelta = (call: boolean, m: Mkt, k: number, v: number) =>
  call ? Math.exp(-m.q * m.t) * cnd(d1(m, k, v)) : -Math.exp(-m.q * m.t) * cnd(-d1(m, k, v));
function bisectIv(call: boolean, m: Mkt, k: number, price: number): number | undefined {
  if (!(m.t > 0)) return undefined;
  const sd = m.s * Math.exp(-m.q * m.t);
  const kd = k * Math.exp(-m.r * m.t);
  const lower = Math.max(0, call ? sd - kd : kd - sd);
  if (price <= lower || price >= (call ? sd : kd)) return undefined;
  let lo = 1e-9;
  let hi = 100;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (bs(call, m, k, mid) > price) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

// ---- The raw response read the way NSE means it: 0 is "none", IV in percent.
const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
function isoDay(nse: string): string {
  const [d, mon, y] = nse.split('-');
  return `${y}-${String(MONTHS.indexOf(mon) + 1).padStart(2, '0')}-${d.padStart(2, '0')}`;
}
function istMs(day: string, hhmmss: string): number {
  return Date.parse(`${day}T${hhmmss}+05:30`);
}
const pos = (x: number | undefined) => (x !== undefined && x > 0 ? x : undefined);
/** docs/dsl.md's price P: the LTP, else the mid of an uncrossed two-sided quote. */
function mark(q: RawSide): number | undefined {
  const ltp = pos(q.lastPrice);
  if (ltp !== undefined) return ltp;
  const bid = pos(q.bidprice);
  const ask = pos(q.askPrice);
  return bid !== undefined && ask !== undefined && ask >= bid ? (bid + ask) / 2 : undefined;
}

type Expected = {
  expiry: string;
  days: number;
  pcrOi?: number;
  maxPain?: number;
  atmIv?: number;
  rr25?: number;
  bf25?: number;
  rr10?: number;
};

function independently(raw: Raw): { underlying: string; pcrOi?: number; expiries: Expected[] } {
  const rec = raw.records;
  const [dayPart, timePart] = rec.timestamp.split(' ');
  const nowMs = istMs(isoDay(dayPart), timePart);
  const spot = rec.underlyingValue;
  const underlying = (rec.data.find((d) => d.CE?.underlying ?? d.PE?.underlying)?.CE?.underlying ??
    rec.data.find((d) => d.PE?.underlying)!.PE!.underlying)!;
  const { rate: r, dividendYield: q } = getInstrument(underlying).pricing;
  const byExpiry = new Map<string, Raw['records']['data']>();
  for (const d of rec.data) {
    const e = isoDay(d.expiryDate);
    byExpiry.set(e, [...(byExpiry.get(e) ?? []), d]);
  }
  let callOi = 0;
  let putOi = 0;
  const expiries: Expected[] = [];
  for (const [expiry, rows] of [...byExpiry].sort((a, b) => a[0].localeCompare(b[0]))) {
    const t = Math.max(0, (istMs(expiry, '15:30:00') - nowMs) / (365 * 86_400_000));
    const m: Mkt = { s: spot, t, r, q };
    const forward = spot * Math.exp((r - q) * t);
    let c = 0;
    let p = 0;
    for (const d of rows) {
      c += d.CE?.openInterest ?? 0;
      p += d.PE?.openInterest ?? 0;
    }
    callOi += c;
    putOi += p;
    const strikes = [...new Set(rows.map((d) => d.strikePrice))].sort((a, b) => a - b);
    // Max pain by brute force over the listed strikes.
    let maxPain: number | undefined;
    let least = Infinity;
    if (c + p > 0)
      for (const settle of strikes) {
        let pay = 0;
        for (const d of rows) {
          pay += (d.CE?.openInterest ?? 0) * Math.max(0, settle - d.strikePrice);
          pay += (d.PE?.openInterest ?? 0) * Math.max(0, d.strikePrice - settle);
        }
        if (pay < least) {
          least = pay;
          maxPain = settle;
        }
      }
    // IVs per strike: quoted (percent), else solved from the mark.
    const ivOf = (side: RawSide | undefined, call: boolean, k: number) => {
      if (!side) return undefined;
      const quoted = pos(side.impliedVolatility);
      if (quoted !== undefined) return quoted / 100;
      const price = mark(side);
      return price === undefined ? undefined : bisectIv(call, m, k, price);
    };
    const rowAt = (k: number) => rows.filter((d) => d.strikePrice === k);
    const pts = strikes.map((k) => {
      const rs = rowAt(k);
      const callIv = ivOf(rs.find((d) => d.CE)?.CE, true, k);
      const putIv = ivOf(rs.find((d) => d.PE)?.PE, false, k);
      const call = k >= forward ? callIv !== undefined : putIv === undefined;
      const iv = call ? callIv : putIv;
      return {
        k,
        iv,
        call,
        delta: iv !== undefined && t > 0 ? bsDelta(call, m, k, iv) : undefined,
      };
    });
    let atm = strikes[0];
    // The listed strike nearest spot; exactly half-way, the lower one (strikes ascend).
    for (const k of strikes) if (Math.abs(k - spot) < Math.abs(atm - spot)) atm = k;
    const atRs = rowAt(atm);
    const atmIvs = [
      ivOf(atRs.find((d) => d.CE)?.CE, true, atm),
      ivOf(atRs.find((d) => d.PE)?.PE, false, atm),
    ].filter((v): v is number => v !== undefined);
    const atmIv = atmIvs.length ? atmIvs.reduce((a, b) => a + b, 0) / atmIvs.length : undefined;
    const wingIv = (call: boolean, target: number) => {
      if (!(t > 0)) return undefined;
      const wing = pts
        .filter(
          (x) => x.iv !== undefined && x.call === call && (call ? x.k >= forward : x.k < forward),
        )
        .sort((a, b) => (call ? a.k - b.k : b.k - a.k));
      for (let i = 0; i + 1 < wing.length; i++) {
        const a = Math.abs(wing[i].delta!);
        const b = Math.abs(wing[i + 1].delta!);
        if ((a - target) * (b - target) > 0) continue;
        if (a === b) return (wing[i].iv! + wing[i + 1].iv!) / 2;
        return wing[i].iv! + ((a - target) / (a - b)) * (wing[i + 1].iv! - wing[i].iv!);
      }
      return undefined;
    };
    const c25 = wingIv(true, 0.25);
    const p25 = wingIv(false, 0.25);
    const c10 = wingIv(true, 0.1);
    const p10 = wingIv(false, 0.1);
    expiries.push({
      expiry,
      days: t * 365,
      pcrOi: c > 0 ? p / c : undefined,
      maxPain,
      atmIv,
      rr25: c25 !== undefined && p25 !== undefined ? c25 - p25 : undefined,
      bf25:
        c25 !== undefined && p25 !== undefined && atmIv !== undefined
          ? (c25 + p25) / 2 - atmIv
          : undefined,
      rr10: c10 !== undefined && p10 !== undefined ? c10 - p10 : undefined,
    });
  }
  return { underlying, pcrOi: callOi > 0 ? putOi / callOi : undefined, expiries };
}

async function labOf(file: string): Promise<{ lab: VolLab; snapshot: ChainSnapshot }> {
  const snaps: ChainSnapshot[] = [];
  for await (const s of readSnapshots(path.join(shared, file))) snaps.push(s);
  expect(snaps).toHaveLength(1);
  return { lab: volLab(snaps[0]), snapshot: snaps[0] };
}

const near = (a: number | undefined, b: number | undefined, tol: number) => {
  if (b === undefined) return expect(a).toBeUndefined();
  expect(a).toBeDefined();
  expect(Math.abs(a! - b)).toBeLessThanOrEqual(tol);
};

describe.skipIf(responses.length === 0)('vol lab on the saved NSE option-chain responses', () => {
  it('finds the saved responses of NIFTY and BANKNIFTY', () => {
    const files = responses.map((r) => r.file);
    expect(files).toEqual(
      expect.arrayContaining([
        'ashok-kollipara-multistrike-oi/option_chain.json',
        'lakk1-optionchain/NIFTY.json',
        'ethanelliott50-NSE/nifty_option_chain.json',
        'lamba-manish-Option_Open_Interest/option_chain.json',
      ]),
    );
  });

  for (const { file, raw } of responses) {
    describe(file, () => {
      const want = independently(raw);

      it('PCR and max pain match a count of the raw open interest', async () => {
        const { lab } = await labOf(file);
        expect(lab.underlying).toBe(want.underlying);
        near(lab.pcrOi, want.pcrOi, 1e-12);
        expect(lab.expiries.map((e) => e.expiry)).toEqual(want.expiries.map((e) => e.expiry));
        for (const [i, e] of lab.expiries.entries()) {
          near(e.positioning.pcrOi, want.expiries[i].pcrOi, 1e-12);
          expect(e.positioning.maxPain).toBe(want.expiries[i].maxPain);
          const pain = e.positioning.pain;
          if (pain.length)
            expect(Math.min(...pain.map((p) => p.payout))).toBe(
              pain.find((p) => p.strike === e.positioning.maxPain)!.payout,
            );
        }
        // Max pain is a real answer here: most expiries carry OI.
        expect(
          lab.expiries.filter((e) => e.positioning.maxPain !== undefined).length,
        ).toBeGreaterThan(3);
      });

      it('the ATM term structure matches ATM IVs read from the raw quotes', async () => {
        const { lab } = await labOf(file);
        expect(lab.term.map((p) => p.expiry)).toEqual(want.expiries.map((e) => e.expiry));
        for (const [i, p] of lab.term.entries()) {
          near(p.days, want.expiries[i].days, 1e-9);
          near(p.atmIv, want.expiries[i].atmIv, 1e-7);
        }
        expect(lab.term.filter((p) => p.atmIv !== undefined).length).toBeGreaterThanOrEqual(4);
      });

      it('25- and 10-delta risk reversals and butterflies match the independent smile', async () => {
        const { lab } = await labOf(file);
        let checked = 0;
        for (const [i, e] of lab.expiries.entries()) {
          const w = want.expiries[i];
          near(e.skew.riskReversal25, w.rr25, 1e-7);
          near(e.skew.butterfly25, w.bf25, 1e-7);
          near(e.skew.riskReversal10, w.rr10, 1e-7);
          if (w.rr25 !== undefined) checked++;
        }
        expect(checked).toBeGreaterThanOrEqual(3);
      });
    });
  }

  it('an index smile skews to the puts: the 25-delta risk reversal of the near NIFTY months is negative', async () => {
    const { lab } = await labOf('ashok-kollipara-multistrike-oi/option_chain.json');
    const near3 = lab.expiries.filter((e) => e.skew.riskReversal25 !== undefined).slice(0, 3);
    expect(near3).toHaveLength(3);
    for (const e of near3) expect(e.skew.riskReversal25!).toBeLessThan(0);
  });

  it('the surface fills only between quoted strikes, and OI by strike adds up to the totals', async () => {
    const { lab, snapshot } = await labOf('lakk1-optionchain/NIFTY.json');
    const row = lab.surface.rows[0];
    const sm = lab.expiries.find((e) => e.expiry === row.expiry)!;
    const quoted = sm.points.filter((p) => p.iv !== undefined);
    const lo = quoted[0].strike / sm.forward;
    const hi = quoted[quoted.length - 1].strike / sm.forward;
    lab.surface.moneyness.forEach((m, c) => {
      if (m < lo - 1e-9 || m > hi + 1e-9) expect(row.iv[c]).toBeNull();
    });
    // At a quoted strike exactly on the grid the cell is that strike's IV.
    for (const p of quoted) {
      const c = lab.surface.moneyness.findIndex(
        (m) => Math.abs(Math.log(m) - p.logMoneyness) < 1e-12,
      );
      if (c >= 0) expect(row.iv[c]).toBeCloseTo(p.iv!, 12);
    }
    for (const e of lab.expiries) {
      const chain = snapshot.expiries.find((x) => x.expiry === e.expiry)!;
      const oi = (r: 'CE' | 'PE') =>
        chain.options.filter((o) => o.right === r).reduce((a, o) => a + (o.oi ?? 0), 0);
      expect(e.positioning.byStrike.reduce((a, s) => a + s.callOi, 0)).toBe(oi('CE'));
      expect(e.positioning.byStrike.reduce((a, s) => a + s.putOi, 0)).toBe(oi('PE'));
    }
    // The expiry-day chain (24-Mar-2022 at the close) has no time left: no row in the surface, no delta skew.
    expect(lab.expiries[0].expiry).toBe('2022-03-24');
    expect(lab.expiries[0].t).toBe(0);
    expect(lab.surface.rows.map((r) => r.expiry)).not.toContain('2022-03-24');
    expect(lab.expiries[0].skew.riskReversal25).toBeUndefined();
  });
});
