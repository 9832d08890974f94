/**
 * Pricing speed against a C reference measured in the same process: price + delta, gamma,
 * theta, vega, rho on 1M random options (vols 5-150 %, 1 day to 1 year, strikes ±30 % around
 * spot, calls and puts, in random order, so no expiry-by-expiry shortcut helps), by
 *   - priceChain (the chain kernel over typed arrays), target >= 0.6x the C reference;
 *   - greeks() one object per option, target >= 0.5x the chain kernel;
 *   - bench/reference/bsm.c, textbook BSM with libm's erfc, built here by gcc as a Node-API
 *     addon (-O3 -march=native, no fast-math) and called on the same arrays.
 * And implied vols per second beside a textbook Newton solver. Interleaved rounds, CPU time.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  allocChainGreeks,
  greeks,
  impliedVolChain,
  priceChain,
  type ChainArrays,
} from '@/engine/pricing';
import { createRng } from '@/engine/market/random';
import { emit, interleaved, round } from './_harness';

const N = Number(process.env.BENCH_PRICING_OPTIONS ?? 1_000_000);
const here = path.dirname(fileURLToPath(import.meta.url));
const spot = 24300;
const rate = 0.065;
const div = 0.012;

type Reference = { priceChain: (...args: unknown[]) => void };

/** Builds the C reference into a temporary folder (never the repository) and loads it. */
function buildReference(): { ref: Reference; compiler: string; flags: string[] } {
  const include = [
    '/usr/include/node',
    path.join(path.dirname(process.execPath), '../include/node'),
  ]
    .map((p) => path.resolve(p))
    .find((p) => existsSync(path.join(p, 'node_api.h')));
  if (!include)
    throw new Error(
      "Node's headers (node_api.h) are not on this machine: install Debian's nodejs headers (libnode-dev) to build the C reference",
    );
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'strikeflow-bench-')), 'bsm.node');
  const flags = ['-O3', '-march=native', '-shared', '-fPIC'];
  execFileSync('gcc', [
    ...flags,
    `-I${include}`,
    path.join(here, 'reference/bsm.c'),
    '-o',
    out,
    '-lm',
  ]);
  const compiler = execFileSync('gcc', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  return { ref: createRequire(import.meta.url)(out) as Reference, compiler, flags };
}

const rng = createRng(20260818);
const chain: ChainArrays = {
  strikes: new Float64Array(N),
  t: new Float64Array(N),
  rights: new Uint8Array(N),
};
const vols = new Float64Array(N);
for (let i = 0; i < N; i++) {
  chain.strikes[i] = Math.round((spot * Math.exp(0.6 * rng.next() - 0.3)) / 50) * 50;
  chain.t[i] = (1 + 364 * rng.next()) / 365;
  chain.rights[i] = rng.next() < 0.5 ? 1 : 0;
  vols[i] = 0.05 + 1.45 * rng.next();
}
const market = { spot, rate, div };
const ours = allocChainGreeks(N);
const theirs = allocChainGreeks(N);
const { ref, compiler, flags } = buildReference();

let sink = 0;
const runReference = () =>
  ref.priceChain(
    spot,
    rate,
    div,
    chain.strikes,
    chain.t,
    chain.rights,
    vols,
    theirs.price,
    theirs.delta,
    theirs.gamma,
    theirs.theta,
    theirs.vega,
    theirs.rho,
  );
const runChain = () => priceChain(market, chain, vols, ours);
const runScalar = () => {
  for (let i = 0; i < N; i++)
    sink += greeks({
      right: chain.rights[i] ? 'CE' : 'PE',
      spot,
      strike: chain.strikes[i],
      t: chain.t[i],
      rate,
      div,
      vol: vols[i],
    }).delta;
};

const t = await interleaved(
  [
    { name: 'cReference', run: runReference },
    { name: 'chainKernel', run: runChain },
    { name: 'scalarGreeks', run: runScalar },
  ],
  { rounds: 7, warmup: 2 },
);

// The two implementations agree to rounding: the largest differences over the million.
runReference();
runChain();
const worst: Record<string, number> = {};
for (const k of ['price', 'delta', 'gamma', 'theta', 'vega', 'rho'] as const) {
  let w = 0;
  for (let i = 0; i < N; i++) {
    const d = Math.abs(ours[k][i] - theirs[k][i]) / Math.max(1, Math.abs(theirs[k][i]));
    if (d > w) w = d;
  }
  worst[k] = w;
}

// ---- Implied vol: ours against textbook Newton from 0.3 on the same prices (options with at
// least a tick of time value: below that a price says nothing about volatility).
function refIv(call: boolean, k: number, tt: number, price: number): number {
  let v = 0.3;
  const out = allocChainGreeks(1);
  const one: ChainArrays = {
    strikes: Float64Array.of(k),
    t: Float64Array.of(tt),
    rights: Uint8Array.of(call ? 1 : 0),
  };
  const vol = new Float64Array(1);
  for (let i = 0; i < 100; i++) {
    vol[0] = v;
    priceChain(market, one, vol, out);
    const vega = out.vega[0] * 100;
    if (vega < 1e-12) return NaN;
    const step = (out.price[0] - price) / vega;
    v -= step;
    if (!(v > 0)) return NaN;
    if (Math.abs(step) < 1e-8) return v;
  }
  return NaN;
}
const M = Math.min(N, 200_000);
const ivIdx: number[] = [];
for (let i = 0; i < M; i++) {
  const tt = chain.t[i];
  const fwd = chain.rights[i]
    ? spot * Math.exp(-div * tt) - chain.strikes[i] * Math.exp(-rate * tt)
    : chain.strikes[i] * Math.exp(-rate * tt) - spot * Math.exp(-div * tt);
  if (ours.price[i] - Math.max(0, fwd) >= 0.05) ivIdx.push(i);
}
const ivChain: ChainArrays = {
  strikes: Float64Array.from(ivIdx, (i) => chain.strikes[i]),
  t: Float64Array.from(ivIdx, (i) => chain.t[i]),
  rights: Uint8Array.from(ivIdx, (i) => chain.rights[i]),
};
const ivPrices = Float64Array.from(ivIdx, (i) => ours.price[i]);
const ivOut = new Float64Array(ivIdx.length);
const refOut = new Float64Array(ivIdx.length);
const iv = await interleaved(
  [
    { name: 'ours', run: () => impliedVolChain(market, ivChain, ivPrices, ivOut) },
    {
      name: 'textbookNewton',
      run: () => {
        for (let j = 0; j < ivIdx.length; j++)
          refOut[j] = refIv(ivChain.rights[j] === 1, ivChain.strikes[j], ivChain.t[j], ivPrices[j]);
      },
    },
  ],
  { rounds: 5, warmup: 1 },
);
const ivErr = (o: Float64Array) => {
  let failed = 0;
  let w = 0;
  for (let j = 0; j < o.length; j++) {
    if (!(o[j] > 0)) failed++;
    else w = Math.max(w, Math.abs(o[j] - vols[ivIdx[j]]));
  }
  return { failed, maxVolError: w };
};

const perSecond = (name: string, n = N) => Math.round(n / t[name].medianCpuSeconds);
const chainVsC = t.cReference.medianCpuSeconds / t.chainKernel.medianCpuSeconds;
const scalarVsChain = t.chainKernel.medianCpuSeconds / t.scalarGreeks.medianCpuSeconds;
emit({
  bench: 'pricing',
  inputs: `${N} options in random order: vol 5-150 %, 1-365 days, strikes spot x e^U(-0.3, 0.3), calls and puts; spot ${spot}, rate ${rate}, div ${div}`,
  priceAndGreeks: {
    cReference: { ...t.cReference, perCpuSecond: perSecond('cReference'), compiler, flags },
    chainKernel: { ...t.chainKernel, perCpuSecond: perSecond('chainKernel') },
    scalarGreeks: { ...t.scalarGreeks, perCpuSecond: perSecond('scalarGreeks') },
    chainKernelVsC: round(chainVsC),
    scalarVsChainKernel: round(scalarVsChain),
    worstRelativeDifferenceFromC: worst,
    targets: { chainKernelVsC: 0.6, scalarVsChainKernel: 0.5 },
    meetsTargets: chainVsC >= 0.6 && scalarVsChain >= 0.5,
  },
  impliedVol: {
    options: ivIdx.length,
    ours: {
      ...iv.ours,
      perCpuSecond: Math.round(ivIdx.length / iv.ours.medianCpuSeconds),
      ...ivErr(ivOut),
    },
    textbookNewton: {
      ...iv.textbookNewton,
      perCpuSecond: Math.round(ivIdx.length / iv.textbookNewton.medianCpuSeconds),
      ...ivErr(refOut),
    },
    target: 1_000_000,
    meetsTarget: ivIdx.length / iv.ours.medianCpuSeconds >= 1_000_000,
  },
  sink: sink === 42 ? 1 : 0,
});
