/** A small valid document that tests mutate one rule at a time. */
// Tests break documents in arbitrary ways, so they handle them as free-form JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type MutableJson = any;

export function baseDocument(): MutableJson {
  return {
    dslVersion: 1,
    basket: {
      typeVersion: 1,
      name: 'Test basket',
      capital: 500000,
      strategies: [
        {
          typeVersion: 1,
          id: 's1',
          name: 'Straddle',
          underlying: 'NIFTY',
          entry: { time: '09:20' },
          exit: { time: '15:15' },
          legs: [
            {
              typeVersion: 2,
              id: 'ce',
              instrument: 'option',
              right: 'CE',
              side: 'SELL',
              lots: 1,
              expiry: { kind: 'weekly', offset: 0 },
              strike: { typeVersion: 1, type: 'atm' },
              stopLoss: { typeVersion: 1, type: 'pct', value: 25 },
            },
            {
              typeVersion: 2,
              id: 'pe',
              instrument: 'option',
              right: 'PE',
              side: 'SELL',
              lots: 1,
              expiry: { kind: 'weekly', offset: 0 },
              strike: { typeVersion: 1, type: 'atm' },
              stopLoss: { typeVersion: 1, type: 'pct', value: 25 },
            },
          ],
        },
      ],
    },
  };
}

export function rule(conditions: unknown, extra: Record<string, unknown> = {}): MutableJson {
  return { conditions, event: { type: 'test' }, ...extra };
}
