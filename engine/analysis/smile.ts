/**
 * The smile of one expiry as a trader reads it: IV by strike and by delta, from the out-of-the-
 * money side (engine/market's smile), with the delta of the option each IV was read from, and
 * the 25- and 10-delta points that risk reversals and butterflies are quoted on.
 */
import { atmIv, atmStrike, deltas, smile, type SmilePoint } from '../market/index.ts';
import { expiryPricing, type PricingOverrides } from '../market/pricing-context.ts';
import type { ChainSnapshot, Right } from '../market/snapshot.ts';
import { DAYS_PER_YEAR } from '../pricing/index.ts';

export type SmileQuote = SmilePoint & {
  /** Which option the smile's IV came from (the OTM side, else the only side with an IV). */
  side?: Right;
  /** That option's delta: 0..1 for calls, -1..0 for puts. */
  delta?: number;
};

export type ExpirySmile = {
  expiry: string;
  /** Years to expiry (ACT/365 to the expiry time), as every price of the expiry uses. */
  t: number;
  /** Calendar days to expiry, fractional (0.2 = about five hours). */
  days: number;
  forward: number;
  atmStrike?: number;
  atmIv?: number;
  points: SmileQuote[];
};

export function expirySmile(
  s: ChainSnapshot,
  expiry: string,
  overrides?: PricingOverrides,
): ExpirySmile {
  const p = expiryPricing(s, expiry, overrides);
  const callDelta = new Map(deltas(s, expiry, 'CE', overrides).map((d) => [d.strike, d.delta]));
  const putDelta = new Map(deltas(s, expiry, 'PE', overrides).map((d) => [d.strike, d.delta]));
  const points = smile(s, expiry, overrides).map((pt): SmileQuote => {
    if (pt.iv === undefined) return pt;
    // The same side smile() took its IV from: OTM first, the other side when OTM has none.
    const side: Right =
      pt.strike >= p.forward
        ? pt.callIv !== undefined
          ? 'CE'
          : 'PE'
        : pt.putIv !== undefined
          ? 'PE'
          : 'CE';
    const delta = (side === 'CE' ? callDelta : putDelta).get(pt.strike);
    return { ...pt, side, delta };
  });
  let atm: number | undefined;
  try {
    atm = atmStrike(s, expiry, 'spot');
  } catch {
    atm = undefined; // an expiry without strikes has no ATM; the smile is then empty too
  }
  return {
    expiry,
    t: p.t,
    days: p.t * DAYS_PER_YEAR,
    forward: p.forward,
    atmStrike: atm,
    atmIv: atm === undefined ? undefined : atmIv(s, expiry, 'spot', overrides),
    points,
  };
}

/**
 * IV at a given absolute delta on one wing (OTM puts or OTM calls), interpolated linearly in
 * delta between the two quotes that bracket it, walking out from the money so the crossing
 * nearest ATM wins when noisy far wings cross the level again. Undefined when the wing never
 * reaches that delta (too few strikes, or the expiry has no time left for deltas to mean much).
 */
export function ivAtDelta(
  sm: ExpirySmile,
  wing: Right,
  absDelta: number,
): { iv: number; strikes: [number, number] } | undefined {
  if (!(sm.t > 0)) return undefined;
  const pts = sm.points
    .filter(
      (p) =>
        p.side === wing &&
        p.iv !== undefined &&
        p.delta !== undefined &&
        (wing === 'CE' ? p.strike >= sm.forward : p.strike < sm.forward),
    )
    .sort((a, b) => (wing === 'CE' ? a.strike - b.strike : b.strike - a.strike));
  for (let i = 0; i + 1 < pts.length; i++) {
    const a = pts[i];
    const b = pts[i + 1];
    const da = Math.abs(a.delta!);
    const db = Math.abs(b.delta!);
    if ((da - absDelta) * (db - absDelta) > 0) continue;
    if (da === db) return { iv: (a.iv! + b.iv!) / 2, strikes: [a.strike, b.strike] };
    const w = (da - absDelta) / (da - db);
    return { iv: a.iv! + w * (b.iv! - a.iv!), strikes: [a.strike, b.strike] };
  }
  return undefined;
}

export type DeltaSkew = {
  /** Call IV minus put IV at 25 delta (decimal); negative when puts are bid, as in equity indices. */
  riskReversal25?: number;
  /** Mean of the 25-delta call and put IVs minus ATM IV (decimal): how much the wings cost. */
  butterfly25?: number;
  riskReversal10?: number;
  butterfly10?: number;
  put25?: number;
  call25?: number;
  put10?: number;
  call10?: number;
};

export function deltaSkew(sm: ExpirySmile): DeltaSkew {
  const out: DeltaSkew = {};
  for (const d of [25, 10] as const) {
    const put = ivAtDelta(sm, 'PE', d / 100)?.iv;
    const call = ivAtDelta(sm, 'CE', d / 100)?.iv;
    out[`put${d}`] = put;
    out[`call${d}`] = call;
    if (put !== undefined && call !== undefined) {
      out[`riskReversal${d}`] = call - put;
      if (sm.atmIv !== undefined) out[`butterfly${d}`] = (call + put) / 2 - sm.atmIv;
    }
  }
  return out;
}
