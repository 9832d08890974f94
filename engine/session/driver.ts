/**
 * The session driver: the one loop that feeds `step` and a broker (backtests, the golden-scenario
 * harness, `cli backtest` and `cli paper`'s reference). For each input it runs the step (decisions,
 * then the risk gate inside it), sends the step's orders and cancels to the broker, and feeds the
 * broker's reports back into `step` until nothing more happens. Any broker and any clock: time is
 * the inputs' own.
 *
 * The live flow splits the same loop across processes (evaluator: step; order router: broker;
 * Postgres in between), and calls the same `step`: see workers/deployments.
 */
import type { Broker, ExecutionReport } from '../broker/broker.ts';
import type { Instrument } from '../market/instruments.ts';
import { findInstrument } from '../market/instruments.ts';
import { localTime } from '../runtime/clock.ts';
import type {
  ChainSnapshot,
  Runtime,
  RuntimeInput,
  RuntimeState,
  StepResult,
} from '../runtime/types.ts';
import { MarketMemory } from './market-memory.ts';

/** Told about every step, in order: the report builder and the replay recorder listen here. */
export type StepListener = (
  input: RuntimeInput,
  result: StepResult,
  market: MarketMemory,
) => void | Promise<void>;

export type SessionOptions = {
  runtime: Runtime;
  broker: Broker;
  /** A state to continue from (a restarted deployment); default: the runtime's initial state. */
  state?: RuntimeState;
  market?: MarketMemory;
  onStep?: StepListener;
  /** Rate and dividend for the closes' ATM IV (defaults: the instrument catalog). */
  pricing?: { rate?: number; dividendYield?: number };
};

/** The exchange-local session date of a snapshot (UTC for an underlying the catalog lacks). */
export function sessionDayOf(snapshot: ChainSnapshot): string {
  const i: Instrument | undefined = findInstrument(snapshot.underlying);
  return i ? localTime(snapshot.ts, i).day : snapshot.ts.slice(0, 10);
}

/**
 * The inputs a snapshot brings for a deployment in this state: first the end of the previous
 * session of its underlying when the snapshot starts a new one (intraday strategies square off at
 * that session's last snapshot), then the snapshot. The backtest driver and the live evaluator
 * both call this, so a paper deployment sees exactly the inputs a backtest does.
 */
export function inputsFor(state: RuntimeState, snapshot: ChainSnapshot): RuntimeInput[] {
  const last = state.lastSnapshotTs[snapshot.underlying];
  const out: RuntimeInput[] = [];
  if (last && sessionDayOf({ ...snapshot, ts: last }) !== sessionDayOf(snapshot))
    out.push({ kind: 'session-end', ts: last, underlying: snapshot.underlying });
  out.push({ kind: 'snapshot', snapshot });
  return out;
}

/** The end of data: every underlying this deployment has seen ends its session at its last snapshot. */
export function dataEndInputs(state: RuntimeState): RuntimeInput[] {
  return Object.entries(state.lastSnapshotTs).map(([underlying, ts]) => ({
    kind: 'session-end' as const,
    ts,
    underlying,
  }));
}

export class Session {
  state: RuntimeState;
  readonly market: MarketMemory;
  private readonly runtime: Runtime;
  private readonly broker: Broker;
  private readonly onStep?: StepListener;

  constructor(o: SessionOptions) {
    this.runtime = o.runtime;
    this.broker = o.broker;
    this.onStep = o.onStep;
    this.state = o.state ?? o.runtime.initialState();
    this.market = o.market ?? new MarketMemory(sessionDayOf, o.pricing);
  }

  /** One input from outside (a snapshot, a clock tick, a user command, broker positions). */
  async feed(input: RuntimeInput): Promise<void> {
    if (input.kind !== 'snapshot') return this.apply(input);
    const [...inputs] = inputsFor(this.state, input.snapshot);
    // The previous session ends before the new snapshot reaches the market or the broker.
    while (inputs.length > 1) await this.apply(inputs.shift()!);
    this.market.observe(input.snapshot);
    await this.broker.onSnapshot(input.snapshot);
    await this.answer(await this.broker.poll());
    await this.apply(input);
  }

  /** The data ended: every underlying's session ends at its last snapshot. */
  async finish(): Promise<void> {
    for (const input of dataEndInputs(this.state)) await this.apply(input);
    await this.answer(await this.broker.poll());
  }

  private async apply(input: RuntimeInput): Promise<void> {
    const result = await this.runtime.step(this.state, input, this.market);
    this.state = result.state;
    await this.onStep?.(input, result, this.market);
    const reports: ExecutionReport[] = [];
    for (const order of result.intents) reports.push(...(await this.broker.place(order)));
    for (const c of result.cancels) reports.push(...(await this.broker.cancel(c.orderId)));
    await this.answer(reports);
  }

  private async answer(reports: ExecutionReport[]): Promise<void> {
    for (const report of reports) await this.apply({ kind: 'report', report });
  }
}
