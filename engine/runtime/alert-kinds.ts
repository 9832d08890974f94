/**
 * Which decisions of a running deployment a trader is alerted to (in the app, and on Telegram or
 * a webhook where configured): entries, stops, re-entries, denials, broker errors and kills,
 * and a broker's market data going down (entries are blocked until it is back).
 */
import type { RuntimeEvent, RuntimeEventType } from './types';

export const ALERT_KINDS = ['entry', 'stop', 'reentry', 'denial', 'broker_error', 'kill', 'feed'] as const; // prettier-ignore
export type AlertKind = (typeof ALERT_KINDS)[number];

export const ALERT_KIND_LABEL: Record<AlertKind, string> = {
  entry: 'Entry',
  stop: 'Stop',
  reentry: 'Re-entry',
  denial: 'Order denied',
  broker_error: 'Broker error',
  kill: 'Kill',
  feed: 'Market data down',
};

const KIND_OF: Partial<Record<RuntimeEventType, AlertKind>> = {
  ENTRY: 'entry',
  STOP_LOSS: 'stop',
  TRAILING_STOP: 'stop',
  STRATEGY_STOP: 'stop',
  BASKET_LIMIT: 'stop',
  REENTRY: 'reentry',
  ORDER_DENIED: 'denial',
  ORDER_REJECTED: 'broker_error',
  KILL: 'kill',
};

/** The alert an event raises, or null when it is not one a trader is alerted to. */
export function alertKindOf(e: Pick<RuntimeEvent, 'type'>): AlertKind | null {
  return KIND_OF[e.type] ?? null;
}

/** The alert's one-line title: what happened, to which deployment. */
export function alertTitle(kind: AlertKind, deploymentName: string): string {
  return `${ALERT_KIND_LABEL[kind]} · ${deploymentName}`;
}
