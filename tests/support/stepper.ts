/**
 * For runtime tests that play the broker by hand: keeps a runtime's state and market between
 * steps and builds the broker's reports (fills, rejections, cancels) for the orders a step sent,
 * so a test can say exactly what the venue answered and when.
 */
import type { ExecutionReport, OrderRequest } from '@/engine/broker/broker';
import type {
  ChainSnapshot,
  Runtime,
  RuntimeInput,
  RuntimeState,
  StepResult,
} from '@/engine/runtime/types';
import {
  decodeStateApart,
  encodeStateApart,
  type ApartLegs,
  type KeptLegs,
} from '@/engine/runtime/state-codec';
import { sessionDayOf } from '@/engine/session/driver';
import { MarketMemory } from '@/engine/session/market-memory';

/**
 * Freezes a state and everything in it: a later step that wrote to what this state shares (instead
 * of drafting its own copy, engine/runtime/draft.ts) throws a TypeError instead of silently
 * rewriting history. Returns the same object.
 */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export class Stepper {
  state: RuntimeState;
  readonly market = new MarketMemory(sessionDayOf);
  private executions = 0;
  /** With `roundTrip`: the closed legs stored apart, as deployment_closed_legs holds them. */
  private readonly apart: ApartLegs = {};
  private kept: KeptLegs | undefined;

  constructor(
    readonly runtime: Runtime,
    /** Store the state between steps as a deployment does (the codec's JSON, closed legs apart). */
    private readonly roundTrip = false,
  ) {
    this.state = deepFreeze(runtime.initialState());
  }

  async step(input: RuntimeInput): Promise<StepResult> {
    if (input.kind === 'snapshot') this.market.observe(input.snapshot);
    const r = await this.runtime.step(this.state, input, this.market);
    this.state = this.roundTrip ? this.stored(r.state) : deepFreeze(r.state);
    return r;
  }

  private stored(state: RuntimeState): RuntimeState {
    const { text, rows } = encodeStateApart(state, this.kept);
    for (const row of rows) (this.apart[row.strategyId] ??= {})[row.position] = row.leg;
    const back = decodeStateApart(text, this.apart);
    this.kept = back.kept;
    return back.state;
  }

  at(snapshot: ChainSnapshot): Promise<StepResult> {
    return this.step({ kind: 'snapshot', snapshot });
  }

  report(report: ExecutionReport): Promise<StepResult> {
    return this.step({ kind: 'report', report });
  }

  fill(order: OrderRequest, price: number, qty = order.qty, executionId?: string) {
    return this.report(fillOf(order, price, qty, executionId ?? `x${++this.executions}`));
  }

  reject(order: OrderRequest, reason: string) {
    return this.report({
      kind: 'rejected',
      orderId: order.id,
      ts: order.ts,
      reason,
      code: 'OTHER',
    });
  }

  cancelled(order: OrderRequest, filledQty: number, reason = 'cancelled') {
    return this.report({ kind: 'cancelled', orderId: order.id, ts: order.ts, filledQty, reason });
  }
}

export function fillOf(
  order: OrderRequest,
  price: number,
  qty = order.qty,
  executionId = `${order.id}#1`,
  ts = order.ts,
): Extract<ExecutionReport, { kind: 'fill' }> {
  return { kind: 'fill', orderId: order.id, ts, executionId, qty, price, costs: 0 };
}
