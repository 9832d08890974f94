/**
 * Kite's instrument dump (GET /instruments: one CSV row per listed instrument) and the
 * tradingsymbols in it. The dump is the only reliable map from a contract to its NFO
 * tradingsymbol: weekly and monthly expiries print differently, NSE moves expiry weekdays, and
 * lot sizes change per contract, so nothing here guesses a symbol from a date rule. What this
 * module does know about the two formats is used to read the underlying back out of a row whose
 * `name` is empty (as in Zerodha's own mock dump) and to say which form a symbol has.
 */
import { FUTURE_TERMS, optionTerms } from '../../market/snapshot.ts';
import { dateParts, describeContract, formatStrike, MONTHS, type Contract } from './contract.ts';

export const KITE_INSTRUMENT_COLUMNS = [
  'instrument_token',
  'exchange_token',
  'tradingsymbol',
  'name',
  'last_price',
  'expiry',
  'strike',
  'tick_size',
  'lot_size',
  'instrument_type',
  'segment',
  'exchange',
] as const;

export type KiteInstrument = {
  instrumentToken: number;
  exchangeToken: number;
  tradingsymbol: string;
  /** The dump's `name`; empty in some rows (the mock dump leaves it blank for options). */
  name: string;
  expiry: string | null;
  strike: number;
  tickSize: number;
  lotSize: number;
  instrumentType: string;
  segment: string;
  exchange: string;
};

/** Splits one CSV line, honouring double quotes (names may contain commas). */
function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * Parses the instrument dump. The header must carry Kite's columns (in any order); a row that
 * does not parse is an error naming its line, because a silently skipped row is an order that
 * later "does not exist".
 */
export function parseKiteInstruments(csv: string): KiteInstrument[] {
  const lines = csv.split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.trim());
  const col = Object.fromEntries(KITE_INSTRUMENT_COLUMNS.map((c) => [c, header.indexOf(c)]));
  const missing = KITE_INSTRUMENT_COLUMNS.filter((c) => col[c] < 0);
  if (missing.length > 0)
    throw new Error(
      `the Kite instrument dump lacks the column(s) ${missing.join(', ')}; expected a header like ${KITE_INSTRUMENT_COLUMNS.join(',')}`,
    );
  const out: KiteInstrument[] = [];
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n];
    if (line.trim() === '') continue;
    const f = splitCsvLine(line);
    const num = (c: (typeof KITE_INSTRUMENT_COLUMNS)[number]) => {
      const v = Number(f[col[c]]);
      if (f[col[c]] === undefined || f[col[c]].trim() === '' || !Number.isFinite(v))
        throw new Error(`instrument dump line ${n + 1}: ${c} "${f[col[c]] ?? ''}" is not a number`);
      return v;
    };
    const expiry = (f[col.expiry] ?? '').trim();
    if (expiry !== '') dateParts(expiry);
    out.push({
      instrumentToken: num('instrument_token'),
      exchangeToken: num('exchange_token'),
      tradingsymbol: (f[col.tradingsymbol] ?? '').trim(),
      name: (f[col.name] ?? '').trim(),
      expiry: expiry === '' ? null : expiry,
      strike: num('strike'),
      tickSize: num('tick_size'),
      lotSize: num('lot_size'),
      instrumentType: (f[col.instrument_type] ?? '').trim(),
      segment: (f[col.segment] ?? '').trim(),
      exchange: (f[col.exchange] ?? '').trim(),
    });
  }
  return out;
}

/** Weekly month codes: 1-9 for January to September, O, N, D for the last three months. */
const WEEKLY_MONTH = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'O', 'N', 'D'];

export type KiteSymbolForm = 'monthly' | 'weekly';

/** The tail Kite appends to the underlying for this expiry and strike in each form. */
function kiteSuffixes(
  expiry: string,
  strike: number,
  type: string,
): { form: KiteSymbolForm; suffix: string }[] {
  const { year, month, day } = dateParts(expiry);
  const yy = String(year % 100).padStart(2, '0');
  if (type === 'FUT') return [{ form: 'monthly', suffix: `${yy}${MONTHS[month - 1]}FUT` }];
  const k = formatStrike(strike);
  return [
    { form: 'monthly', suffix: `${yy}${MONTHS[month - 1]}${k}${type}` },
    {
      form: 'weekly',
      suffix: `${yy}${WEEKLY_MONTH[month - 1]}${String(day).padStart(2, '0')}${k}${type}`,
    },
  ];
}

/**
 * Reads a derivative's tradingsymbol against its expiry, strike and type: which form it has and
 * the underlying in front. Null when it is neither form (the row is not a derivative we trade).
 */
export function readKiteSymbol(
  tradingsymbol: string,
  expiry: string,
  strike: number,
  type: string,
): { underlying: string; form: KiteSymbolForm } | null {
  for (const { form, suffix } of kiteSuffixes(expiry, strike, type)) {
    if (tradingsymbol.endsWith(suffix) && tradingsymbol.length > suffix.length)
      return { underlying: tradingsymbol.slice(0, -suffix.length), form };
  }
  return null;
}

/** The contract a dump row lists, or null for rows that are not options or futures. */
export function kiteContractOf(row: KiteInstrument): Contract | null {
  const type = row.instrumentType;
  if ((type !== 'CE' && type !== 'PE' && type !== 'FUT') || !row.expiry) return null;
  const read = readKiteSymbol(row.tradingsymbol, row.expiry, row.strike, row.instrumentType);
  const underlying = row.name !== '' ? row.name : read?.underlying;
  if (!underlying) return null;
  return {
    underlying,
    expiry: row.expiry,
    ...(type === 'FUT' ? FUTURE_TERMS : optionTerms(row.strike, type)),
  };
}

/** The derivative exchanges the kernel trades through Kite: NSE's (NFO) and BSE's (BFO). */
const DERIVATIVE_EXCHANGES = new Set(['NFO', 'BFO']);

/** The index each underlying tracks, by its tradingsymbol in the dump's INDICES segment. */
export const KITE_INDEX_SYMBOLS: Record<string, { exchange: string; tradingsymbol: string }> = {
  NIFTY: { exchange: 'NSE', tradingsymbol: 'NIFTY 50' },
  BANKNIFTY: { exchange: 'NSE', tradingsymbol: 'NIFTY BANK' },
  FINNIFTY: { exchange: 'NSE', tradingsymbol: 'NIFTY FIN SERVICE' },
  MIDCPNIFTY: { exchange: 'NSE', tradingsymbol: 'NIFTY MID SELECT' },
  SENSEX: { exchange: 'BSE', tradingsymbol: 'SENSEX' },
  INDIAVIX: { exchange: 'NSE', tradingsymbol: 'INDIA VIX' },
};

const keyOf = (c: Contract) =>
  `${c.underlying}|${c.expiry}|${c.instrument}|${c.strike ?? ''}|${c.right ?? ''}`;

/** The instrument dump indexed both ways: contract -> row, and exchange:tradingsymbol -> contract. */
export class KiteInstrumentBook {
  private readonly byContract = new Map<string, KiteInstrument>();
  private readonly bySymbol = new Map<string, { row: KiteInstrument; contract: Contract }>();
  private readonly byToken = new Map<number, { row: KiteInstrument; contract: Contract }>();
  private readonly indices = new Map<string, KiteInstrument>();

  constructor(rows: readonly KiteInstrument[]) {
    for (const row of rows) {
      if (row.segment === 'INDICES') this.indices.set(`${row.exchange}:${row.tradingsymbol}`, row);
      if (!DERIVATIVE_EXCHANGES.has(row.exchange)) continue;
      const contract = kiteContractOf(row);
      if (!contract) continue;
      this.byContract.set(keyOf(contract), row);
      this.bySymbol.set(`${row.exchange}:${row.tradingsymbol}`, { row, contract });
      this.byToken.set(row.instrumentToken, { row, contract });
    }
  }

  static fromCsv(csv: string): KiteInstrumentBook {
    return new KiteInstrumentBook(parseKiteInstruments(csv));
  }

  get size(): number {
    return this.byContract.size;
  }

  /** The row listing this contract, or null. */
  find(contract: Contract): KiteInstrument | null {
    return this.byContract.get(keyOf(contract)) ?? null;
  }

  /** Like find, but throws a message a trader can act on when the dump does not list it. */
  require(contract: Contract): KiteInstrument {
    const row = this.find(contract);
    if (row) return row;
    throw new Error(
      `${describeContract(contract)} is not in today's Kite instrument dump: the strike or expiry is not listed (check the chain for the strikes that trade)`,
    );
  }

  contractOf(exchange: string, tradingsymbol: string): Contract | null {
    return this.bySymbol.get(`${exchange}:${tradingsymbol}`)?.contract ?? null;
  }

  byInstrumentToken(token: number): { row: KiteInstrument; contract: Contract } | null {
    return this.byToken.get(token) ?? null;
  }

  /** The index row an underlying (or INDIAVIX) tracks, for its spot level on the ticker. */
  index(underlying: string): KiteInstrument | null {
    const s = KITE_INDEX_SYMBOLS[underlying];
    return s ? (this.indices.get(`${s.exchange}:${s.tradingsymbol}`) ?? null) : null;
  }

  /** Every listed contract of one underlying (the feed subscribes to these). */
  contractsOf(underlying: string): { row: KiteInstrument; contract: Contract }[] {
    return [...this.byToken.values()].filter((e) => e.contract.underlying === underlying);
  }
}
