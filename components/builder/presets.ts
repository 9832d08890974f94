/**
 * Structures a trader builds a hundred times: each is a list of legs the leg table inserts in one
 * click, then the trader edits. Strikes are relative (ATM, OTM n), so a preset fits any underlying.
 */
import type { Expiry, StrikeSelector } from '@/engine/dsl';

export type LegSpec = {
  side: 'BUY' | 'SELL';
  right: 'CE' | 'PE';
  lots: number;
  strike: Pick<StrikeSelector, 'type'> & Record<string, unknown>;
  expiry?: Expiry;
  hedge?: boolean;
};

export type Preset = { id: string; label: string; description: string; legs: LegSpec[] };

const atm = { type: 'atm', atmFrom: 'spot' } as const;
const otm = (steps: number) => ({ type: 'otm', steps, atmFrom: 'spot' }) as const;
const leg = (
  side: LegSpec['side'],
  right: LegSpec['right'],
  strike: LegSpec['strike'],
  extra: Partial<LegSpec> = {},
): LegSpec => ({ side, right, lots: 1, strike, ...extra });

export const PRESETS: readonly Preset[] = [
  {
    id: 'short-straddle',
    label: 'Straddle',
    description: 'Sell the ATM call and the ATM put.',
    legs: [leg('SELL', 'CE', atm), leg('SELL', 'PE', atm)],
  },
  {
    id: 'short-strangle',
    label: 'Strangle',
    description: 'Sell a call and a put three strikes out of the money.',
    legs: [leg('SELL', 'CE', otm(3)), leg('SELL', 'PE', otm(3))],
  },
  {
    id: 'iron-condor',
    label: 'Iron condor',
    description: 'Sell the OTM 2 strangle, buy OTM 5 wings: defined risk.',
    legs: [
      leg('SELL', 'CE', otm(2)),
      leg('SELL', 'PE', otm(2)),
      leg('BUY', 'CE', otm(5), { hedge: true }),
      leg('BUY', 'PE', otm(5), { hedge: true }),
    ],
  },
  {
    id: 'iron-fly',
    label: 'Iron fly',
    description: 'Sell the ATM straddle, buy OTM 4 wings: defined risk.',
    legs: [
      leg('SELL', 'CE', atm),
      leg('SELL', 'PE', atm),
      leg('BUY', 'CE', otm(4), { hedge: true }),
      leg('BUY', 'PE', otm(4), { hedge: true }),
    ],
  },
  {
    id: 'bull-call-spread',
    label: 'Bull call spread',
    description: 'Buy the ATM call, sell the OTM 3 call.',
    legs: [leg('BUY', 'CE', atm), leg('SELL', 'CE', otm(3))],
  },
  {
    id: 'bear-call-spread',
    label: 'Bear call spread',
    description: 'Sell the OTM 1 call, buy the OTM 4 call: a credit spread.',
    legs: [leg('SELL', 'CE', otm(1)), leg('BUY', 'CE', otm(4), { hedge: true })],
  },
  {
    id: 'bull-put-spread',
    label: 'Bull put spread',
    description: 'Sell the OTM 1 put, buy the OTM 4 put: a credit spread.',
    legs: [leg('SELL', 'PE', otm(1)), leg('BUY', 'PE', otm(4), { hedge: true })],
  },
  {
    id: 'bear-put-spread',
    label: 'Bear put spread',
    description: 'Buy the ATM put, sell the OTM 3 put.',
    legs: [leg('BUY', 'PE', atm), leg('SELL', 'PE', otm(3))],
  },
  {
    id: 'calendar',
    label: 'Calendar',
    description: "Sell this week's ATM call, buy next week's ATM call.",
    legs: [
      leg('SELL', 'CE', atm, { expiry: { kind: 'weekly', offset: 0 } }),
      leg('BUY', 'CE', atm, { expiry: { kind: 'weekly', offset: 1 } }),
    ],
  },
  {
    id: 'ratio-spread',
    label: 'Ratio spread',
    description: 'Buy 1 ATM call, sell 2 OTM 3 calls.',
    legs: [leg('BUY', 'CE', atm), leg('SELL', 'CE', otm(3), { lots: 2 })],
  },
];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}
