/**
 * Performance metrics of a backtest, from its closed trades and its equity curve. Returns
 * are daily P&L over the basket's capital (options are sized in lots, so P&L does not
 * compound), annualised with 252 trading days. A ratio that cannot be computed is null with
 * a note saying why, never NaN or Infinity (JSON has neither).
 */

export type ClosedTrade = {
  /** Local exchange date the trade closed on (YYYY-MM-DD). */
  date: string;
  grossPnl: number;
  costs: number;
  netPnl: number;
};

export type EquityPoint = { ts: string; pnl: number };

/** One trading day: net is the change of the equity curve; gross - costs = net on every row. */
export type DayRow = {
  date: string;
  netPnl: number;
  grossPnl: number;
  /** Costs of the fills of that day. */
  costs: number;
  /** Net P&L of the trades that closed that day (the rest of the day's net is open positions moving). */
  realizedPnl: number;
  trades: number;
  wins: number;
  losses: number;
  /** Largest fall from the day's running peak, in money. */
  maxDrawdown: number;
};

export type Metrics = {
  trades: number;
  wins: number;
  losses: number;
  /** Percent of closed trades with positive net P&L. */
  winRate: number;
  /** Largest fall of net P&L from its running peak, in money. */
  maxDrawdown: number;
  /** The same fall as a percent of capital plus the peak P&L at the time. */
  maxDrawdownPct: number;
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
  /** Gross profit of winners over gross loss of losers; null when nothing lost. */
  profitFactor: number | null;
  /** Mean net P&L per trade. */
  expectancy: number;
  avgWin: number;
  avgLoss: number;
  largestWin: number;
  largestLoss: number;
  maxConsecutiveWins: number;
  maxConsecutiveLosses: number;
  tradingDays: number;
  days: DayRow[];
  notes: string[];
};

const TRADING_DAYS = 252;

export function roundMoney(x: number): number {
  const r = Math.round((x + Math.sign(x) * 1e-9) * 100) / 100;
  return r === 0 ? 0 : r;
}

function roundRatio(x: number): number {
  const r = Math.round(x * 1e4) / 1e4;
  return r === 0 ? 0 : r;
}

/** The date part of an ISO timestamp with offset is the exchange's local date. */
export function localDate(ts: string): string {
  return ts.slice(0, 10);
}

function drawdown(
  points: readonly EquityPoint[],
  capital: number,
  start = 0,
): { money: number; pct: number } {
  let peak = start;
  let money = 0;
  let pct = 0;
  for (const p of points) {
    if (p.pnl > peak) peak = p.pnl;
    const dd = peak - p.pnl;
    if (dd > money) money = dd;
    const base = capital + peak;
    if (base > 0 && (dd / base) * 100 > pct) pct = (dd / base) * 100;
  }
  return { money, pct };
}

/** Sharpe of daily returns, annualised over 252 sessions; null under 2 days or when they do not vary. */
export function annualisedSharpe(returns: readonly number[]): number | null {
  const n = returns.length;
  if (n < 2) return null;
  const mean = returns.reduce((s, r) => s + r, 0) / n;
  const sd = Math.sqrt(returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (n - 1));
  return sd > 0 ? roundRatio((mean / sd) * Math.sqrt(TRADING_DAYS)) : null;
}

export function computeMetrics(input: {
  trades: readonly ClosedTrade[];
  equity: readonly EquityPoint[];
  capital: number;
  /** Costs of the fills of each local date. */
  costsByDay?: ReadonlyMap<string, number>;
}): Metrics {
  const { trades, equity, capital } = input;
  const notes: string[] = [];

  let wins = 0;
  let losses = 0;
  let winSum = 0;
  let lossSum = 0;
  let largestWin = 0;
  let largestLoss = 0;
  let streakW = 0;
  let streakL = 0;
  let maxW = 0;
  let maxL = 0;
  let netSum = 0;
  for (const t of trades) {
    netSum += t.netPnl;
    if (t.netPnl > 0) {
      wins++;
      winSum += t.netPnl;
      largestWin = Math.max(largestWin, t.netPnl);
      streakW++;
      streakL = 0;
    } else {
      // A trade that nets exactly zero after costs made nothing: it counts as a loss.
      losses++;
      lossSum += t.netPnl;
      largestLoss = Math.min(largestLoss, t.netPnl);
      streakL++;
      streakW = 0;
    }
    maxW = Math.max(maxW, streakW);
    maxL = Math.max(maxL, streakL);
  }

  const dd = drawdown(equity, capital);

  // Daily P&L: change of the curve's last value per local date.
  const dayOrder: string[] = [];
  const dayPoints = new Map<string, EquityPoint[]>();
  for (const p of equity) {
    const d = localDate(p.ts);
    let arr = dayPoints.get(d);
    if (!arr) {
      arr = [];
      dayPoints.set(d, arr);
      dayOrder.push(d);
    }
    arr.push(p);
  }
  const tradesByDay = new Map<string, ClosedTrade[]>();
  for (const t of trades) {
    const arr = tradesByDay.get(t.date) ?? [];
    arr.push(t);
    tradesByDay.set(t.date, arr);
  }
  const days: DayRow[] = [];
  const returns: number[] = [];
  let prevClose = 0;
  for (const d of dayOrder) {
    const pts = dayPoints.get(d)!;
    const close = pts[pts.length - 1].pnl;
    const dayTrades = tradesByDay.get(d) ?? [];
    const net = close - prevClose;
    const costs = roundMoney(input.costsByDay?.get(d) ?? 0);
    days.push({
      date: d,
      netPnl: roundMoney(net),
      grossPnl: roundMoney(roundMoney(net) + costs),
      costs,
      realizedPnl: roundMoney(dayTrades.reduce((s, t) => s + t.netPnl, 0)),
      trades: dayTrades.length,
      wins: dayTrades.filter((t) => t.netPnl > 0).length,
      losses: dayTrades.filter((t) => t.netPnl <= 0).length,
      maxDrawdown: roundMoney(drawdown(pts, capital, prevClose).money),
    });
    returns.push(capital > 0 ? net / capital : 0);
    prevClose = close;
  }

  let sharpe: number | null = null;
  let sortino: number | null = null;
  let calmar: number | null = null;
  if (capital <= 0) {
    notes.push('Sharpe, Sortino and Calmar need a positive capital on the basket.');
  } else if (returns.length < 2) {
    notes.push(
      `Sharpe, Sortino and Calmar need at least 2 trading days of data; this run has ${returns.length}.`,
    );
  } else {
    const n = returns.length;
    const mean = returns.reduce((s, r) => s + r, 0) / n;
    const downside = Math.sqrt(returns.reduce((s, r) => s + Math.min(r, 0) ** 2, 0) / n);
    sharpe = annualisedSharpe(returns);
    if (sharpe === null) notes.push('Sharpe is undefined: daily returns do not vary.');
    if (downside > 0) sortino = roundRatio((mean / downside) * Math.sqrt(TRADING_DAYS));
    else notes.push('Sortino is undefined: no day lost money.');
    if (dd.pct > 0) calmar = roundRatio((mean * TRADING_DAYS) / (dd.pct / 100));
    else notes.push('Calmar is undefined: there was no drawdown.');
  }
  if (trades.length > 0 && losses === 0)
    notes.push('Profit factor is undefined: no trade lost money.');

  return {
    trades: trades.length,
    wins,
    losses,
    winRate: trades.length ? roundRatio((wins / trades.length) * 100) : 0,
    maxDrawdown: roundMoney(dd.money),
    maxDrawdownPct: roundRatio(dd.pct),
    sharpe,
    sortino,
    calmar,
    profitFactor: lossSum < 0 ? roundRatio(winSum / -lossSum) : null,
    expectancy: trades.length ? roundMoney(netSum / trades.length) : 0,
    avgWin: wins ? roundMoney(winSum / wins) : 0,
    avgLoss: losses ? roundMoney(lossSum / losses) : 0,
    largestWin: roundMoney(largestWin),
    largestLoss: roundMoney(largestLoss),
    maxConsecutiveWins: maxW,
    maxConsecutiveLosses: maxL,
    tradingDays: days.length,
    days,
    notes,
  };
}
