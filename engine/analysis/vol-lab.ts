/**
 * Everything the volatility lab shows about one chain snapshot, computed in one place: per
 * expiry the smile (by strike and by delta), 25/10-delta skew and positioning (OI, PCR, max
 * pain); across expiries the ATM term structure and the surface heat map; chain-wide PCR.
 */
import { pcr, termStructure, type TermPoint } from '../market/index.ts';
import type { PricingOverrides } from '../market/pricing-context.ts';
import type { ChainSnapshot } from '../market/snapshot.ts';
import { DAYS_PER_YEAR } from '../pricing/index.ts';
import { expiryPositioning, type Positioning } from './positioning.ts';
import { deltaSkew, expirySmile, type DeltaSkew, type ExpirySmile } from './smile.ts';
import { volSurface, type SurfaceGrid, type VolSurface } from './surface.ts';

export type ExpiryVol = ExpirySmile & { skew: DeltaSkew; positioning: Positioning };

export type VolLab = {
  underlying: string;
  ts: string;
  spot: number;
  vix?: number;
  expiries: ExpiryVol[];
  term: (TermPoint & { days: number })[];
  surface: VolSurface;
  pcrOi?: number;
  pcrVolume?: number;
};

export function volSmiles(s: ChainSnapshot, overrides?: PricingOverrides): ExpirySmile[] {
  return s.expiries
    .filter((e) => e.options.length > 0)
    .map((e) => expirySmile(s, e.expiry, overrides))
    .sort((a, b) => a.t - b.t);
}

export function volLab(
  s: ChainSnapshot,
  opts: { overrides?: PricingOverrides; grid?: SurfaceGrid } = {},
): VolLab {
  const smiles = volSmiles(s, opts.overrides);
  return {
    underlying: s.underlying,
    ts: s.ts,
    spot: s.spot,
    vix: s.vix,
    expiries: smiles.map((sm) => ({
      ...sm,
      skew: deltaSkew(sm),
      positioning: expiryPositioning(s, sm.expiry),
    })),
    term: termStructure(s, opts.overrides).map((p) => ({ ...p, days: p.t * DAYS_PER_YEAR })),
    surface: volSurface(smiles, opts.grid),
    pcrOi: pcr(s, 'oi'),
    pcrVolume: pcr(s, 'volume'),
  };
}
