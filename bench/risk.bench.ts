/**
 * The risk desk's targets (issue 14): a 41 x 21 scenario matrix (spot moves x IV shifts) of a
 * 50-leg portfolio with greeks in every cell in < 50 ms, and the smile + surface of a full NIFTY
 * chain (~520 options, the real 2026-08-18 day) in < 20 ms. Each is measured beside a plain
 * reference in the same process, rounds interleaved after a warm-up: the matrix beside a naive
 * per-cell loop that reprices every leg with the scalar pricer; the smile + surface beside one
 * scalar pricing pass over the chain (IV from the quote or solved, then greeks), the least any
 * smile must do. CPU time (user + system) of this process, medians; one JSON document on stdout.
 */
import { FUTURE_TERMS, optionTerms } from '@/engine/market/snapshot';
import path from 'node:path';
import type { RiskBook, RiskLeg } from '@/engine/analysis/book';
import { scenarioMatrix, symmetricSteps } from '@/engine/analysis/scenario';
import { volSurface } from '@/engine/analysis/surface';
import { volLab, volSmiles } from '@/engine/analysis/vol-lab';
import { expiryPricing } from '@/engine/market/pricing-context';
import { markPrice } from '@/engine/market/quote';
import { SimulatedMarket } from '@/engine/market/simulator';
import type { ChainSnapshot } from '@/engine/market/snapshot';
import { greeks, solveIv } from '@/engine/pricing';
import { readSnapshots } from '@/datasets/read-snapshots';
import { sharedDataDir } from '@/datasets/shared-data';

const ROUNDS = 15;
const MATRIX_TARGET_MS = 50;
const SMILE_TARGET_MS = 20;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
let sink = 0;

/** Product and reference in alternating rounds after one warm-up each; CPU ms per call. */
function compare(product: () => number, reference: () => number, inner: number) {
  product();
  reference();
  const p: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    let c = cpuMs();
    for (let k = 0; k < inner; k++) sink += product();
    p.push((cpuMs() - c) / inner);
    c = cpuMs();
    for (let k = 0; k < inner; k++) sink += reference();
    r.push((cpuMs() - c) / inner);
  }
  return { productMs: median(p), referenceMs: median(r) };
}

// ---- 1. Scenario matrix: 50 legs over NIFTY and BANKNIFTY, four expiries, both rights and sides.
const markets = {
  NIFTY: { spot: 24210, rate: 0.065, div: 0.012, model: 'black-scholes' as const },
  BANKNIFTY: { spot: 54480, rate: 0.065, div: 0.012, model: 'black-scholes' as const },
};
const legs: RiskLeg[] = Array.from({ length: 50 }, (_, i) => {
  const u = i % 5 === 4 ? 'BANKNIFTY' : 'NIFTY';
  const spot = markets[u].spot;
  const step = u === 'NIFTY' ? 50 : 100;
  const kind = i % 11 === 10 ? 'FUT' : i % 2 ? 'CE' : 'PE';
  const strike = Math.round((spot * (0.92 + (i % 17) * 0.01)) / step) * step;
  const t = [1, 7, 14, 28][i % 4] / 365;
  return {
    id: `leg${i}`,
    underlying: u,
    ...(kind === 'FUT' ? FUTURE_TERMS : optionTerms(strike, kind)),
    side: i % 3 ? 'SELL' : 'BUY',
    qty: u === 'NIFTY' ? 65 * (1 + (i % 3)) : 30,
    entry: kind === 'FUT' ? spot * 1.002 : 40 + (i % 9) * 15,
    expiry: '2026-08-25',
    t,
    iv: kind === 'FUT' ? 0 : 0.1 + 0.004 * (i % 13),
  };
});
const book: RiskBook = { asOf: '2026-08-18T12:00:00+05:30', currency: 'INR', markets, legs };
const grid = {
  spotMovesPct: symmetricSteps(10, 41),
  ivShiftsPts: symmetricSteps(10, 21),
  daysForward: 2,
};

/** What one writes first: every cell, every leg, the scalar pricer with its checks and objects. */
function naiveMatrix(): Float64Array {
  const n = grid.spotMovesPct.length * grid.ivShiftsPts.length;
  const pnl = new Float64Array(n);
  const delta = new Float64Array(n);
  const vega = new Float64Array(n);
  let k = 0;
  for (const sp of grid.spotMovesPct)
    for (const iv of grid.ivShiftsPts) {
      for (const l of book.legs) {
        const m = book.markets[l.underlying as 'NIFTY'];
        const w = (l.side === 'BUY' ? 1 : -1) * l.qty;
        const s = m.spot * (1 + sp / 100);
        const t = Math.max(0, l.t - grid.daysForward / 365);
        if (l.instrument === 'future') {
          const f = Math.exp((m.rate - m.div) * t);
          pnl[k] += w * (s * f - l.entry);
          delta[k] += w * f;
          continue;
        }
        const g = greeks({
          right: l.right,
          spot: s,
          strike: l.strike,
          t,
          rate: m.rate,
          div: m.div,
          vol: Math.max(0.005, l.iv + iv / 100),
        });
        pnl[k] += w * (g.price - l.entry);
        delta[k] += w * g.delta;
        vega[k] += w * g.vega;
      }
      k++;
    }
  return pnl;
}

const matrix = compare(
  () => scenarioMatrix(book, grid).worst.pnl,
  () => naiveMatrix()[0],
  5,
);
const ours = scenarioMatrix(book, grid).pnl;
const naive = naiveMatrix();
let matrixMaxDiff = 0;
for (let k = 0; k < ours.length; k++)
  matrixMaxDiff = Math.max(matrixMaxDiff, Math.abs(ours[k] - naive[k]));

// ---- 2. Smile + surface of a full NIFTY chain: the real day, else a simulated chain as wide.
async function niftyChain(): Promise<{ snapshot: ChainSnapshot; source: string }> {
  const dir = sharedDataDir();
  if (dir) {
    const file = path.join(
      dir,
      'chiragaibooks-Option-chain-Parquet',
      'option_chain_20260818.parquet',
    );
    let best: ChainSnapshot | null = null;
    let i = 0;
    for await (const s of readSnapshots(file)) {
      // The 14:00 snapshot: mid-afternoon, all four expiries quoted.
      if (++i > 1 && s.ts >= '2026-08-18T14:00') {
        best = s;
        break;
      }
    }
    if (best) return { snapshot: best, source: `${path.basename(file)} at ${best.ts}` };
  }
  const sim = new SimulatedMarket({ underlying: 'NIFTY', seed: 7 });
  const s = sim.advanceTo(Date.parse('2026-08-18T14:00:00+05:30'));
  return { snapshot: s, source: 'simulated NIFTY chain (shared data not found)' };
}

const { snapshot, source } = await niftyChain();
const options = snapshot.expiries.reduce((a, e) => a + e.options.length, 0);

/** One pass over the chain with the scalar API: each option's IV (quoted or solved) and greeks. */
function pricingPass(): number {
  let acc = 0;
  for (const e of snapshot.expiries) {
    const p = expiryPricing(snapshot, e.expiry);
    for (const q of e.options) {
      let iv = q.iv;
      if (iv === undefined) {
        const price = markPrice(q);
        if (price === undefined) continue;
        iv = solveIv(q.right === 'CE', p.underlying, q.strike, p.t, p.rate, p.div, price, false);
        if (!(iv > 0)) continue;
      }
      if (!(p.t > 0)) continue;
      acc += greeks({
        right: q.right,
        spot: p.underlying,
        strike: q.strike,
        t: p.t,
        rate: p.rate,
        vol: iv,
        div: p.div,
      }).delta;
    }
  }
  return acc;
}

const smileSurface = compare(() => volSurface(volSmiles(snapshot)).rows.length, pricingPass, 10);
const fullLab = compare(() => volLab(snapshot).expiries.length, pricingPass, 10);

console.log(
  JSON.stringify(
    {
      bench: 'risk',
      rounds: ROUNDS,
      scenarioMatrix: {
        cells: `${grid.spotMovesPct.length} x ${grid.ivShiftsPts.length}`,
        legs: legs.length,
        greeksPerCell: ['delta', 'gamma', 'theta', 'vega', 'deltaCash'],
        medianCpuMs: round(matrix.productMs),
        targetMs: MATRIX_TARGET_MS,
        meetsTarget: matrix.productMs < MATRIX_TARGET_MS,
        reference: {
          what: 'naive per-cell loop: every leg repriced with the scalar greeks() in every cell',
          medianCpuMs: round(matrix.referenceMs),
        },
        speedupOverReference: round(matrix.referenceMs / matrix.productMs, 2),
        maxAbsPnlDifferenceFromReference: matrixMaxDiff,
      },
      smileAndSurface: {
        chain: source,
        options,
        expiries: snapshot.expiries.length,
        medianCpuMs: round(smileSurface.productMs),
        targetMs: SMILE_TARGET_MS,
        meetsTarget: smileSurface.productMs < SMILE_TARGET_MS,
        wholeVolLabMedianCpuMs: round(fullLab.productMs),
        reference: {
          what: 'one scalar pricing pass over the chain: IV quoted or solved, then greeks()',
          medianCpuMs: round(smileSurface.referenceMs),
        },
        ratioToReference: round(smileSurface.productMs / smileSurface.referenceMs, 2),
      },
      sink: Number.isFinite(sink) ? 'ok' : 'non-finite',
    },
    null,
    2,
  ),
);
