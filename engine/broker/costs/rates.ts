/**
 * Published fee and tax rates, kept as data so a rate change is a one-line edit with its
 * source beside it. Percentages are written as fractions (0.15 % -> 0.0015).
 */

/** Indian index options (NSE), as a discount broker such as Zerodha charges them. */
export const INDIA_INDEX_OPTIONS = {
  id: 'india-index-options',
  currency: 'INR',
  /** Flat brokerage per executed order (Zerodha F&O options). */
  brokeragePerOrder: 20,
  // STT and the NSE transaction charge change with the trade date: engine/reference/india-charges.ts.
  /** SEBI turnover fee: INR 10 per crore of premium turnover, both sides. */
  sebiOnPremium: 10 / 1e7,
  /** Stamp duty on the buy side: 0.003 % (INR 300 per crore) of premium. */
  stampBuyOnPremium: 0.00003,
  /** GST on brokerage + exchange transaction charges + SEBI fees. */
  gstRate: 0.18,
  /** Index futures (the delta hedge's trades): brokerage is the lower of the flat fee and this share of turnover. */
  futuresBrokerageOnTurnover: 0.0003,
  /** Stamp duty on futures bought: 0.002 % (INR 200 per crore) of turnover. */
  futuresStampBuyOnTurnover: 0.00002,
  sources: [
    'https://zerodha.com/charges (F&O options column: brokerage INR 20/order, NSE txn 0.03553 % of premium, SEBI INR 10/crore, stamp 0.003 % buy, GST 18 %)',
    'Union Budget 2026-27 / Finance Bill 2026: STT on sale of options 0.15 % of premium from 2026-04-01 (https://www.angelone.in/news/market-updates/stt-hike-in-budget-2026-27-what-changes-for-futures-traders)',
    'https://zerodha.com/charges (F&O futures column: brokerage 0.03 % or INR 20/order whichever is lower, STT 0.05 % sell side, NSE 0.00183 %, SEBI INR 10/crore, stamp 0.002 % buy, GST 18 %)',
  ],
} as const;

/** US listed equity/index options, as a retail broker passes regulatory fees through. */
export const US_OPTIONS = {
  id: 'us-options',
  currency: 'USD',
  /** Commission per contract (Schwab / Fidelity / E*TRADE published retail rate). */
  commissionPerContract: 0.65,
  /** Options Regulatory Fee, all exchanges summed, per contract, both sides (IBKR, as of 2025-03-03). */
  orfPerContract: 0.02815,
  /** OCC clearing fee per contract, capped per order. */
  occPerContract: 0.02,
  occMaxPerOrder: 55,
  /** SEC Section 31 fee on sell proceeds (fraction of the dollar value sold). */
  secOnSellValue: 0.0000229,
  /** FINRA Trading Activity Fee per contract sold. */
  finraTafPerContractSold: 0.00244,
  sources: [
    'https://www.schwab.com/pricing (USD 0.65 per options contract)',
    'https://ibkrguides.com/kb/options-regulatory-fee-orf.htm (ORF USD 0.02815 per contract as of 2025-03-03)',
    'https://skysdil.com/pricing/us-options (OCC USD 0.02/contract max USD 55/order; SEC 0.0000229 x value sold; FINRA TAF USD 0.00244 x contracts sold)',
  ],
} as const;

/** Crypto options on Deribit: a fee in % of the underlying, capped at a % of the option price. */
export const DERIBIT_OPTIONS = {
  id: 'deribit-options',
  currency: 'USD',
  /** Taker fee: 0.03 % of the underlying per contract. */
  takerOnUnderlying: 0.0003,
  /** The fee never exceeds 12.5 % of the option's price. */
  capOnPremium: 0.125,
  /** Futures (the delta hedge's trades) taken at market: 0.05 % of the contract's value. */
  futuresTaker: 0.0005,
  sources: [
    'https://www.deribit.com/kb/fees (options: 0.03 % of the underlying, capped at 12.5 % of the option price)',
    'https://support.deribit.com/hc/en-us/articles/25944746248989-Fees (BTC/ETH futures: taker 0.05 %)',
  ],
} as const;
