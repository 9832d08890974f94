// Each rule of the DSL schema, broken one at a time: the document is refused with the error at the expected path.
import { describe, expect, it } from 'vitest';
import { parseDsl } from './index.ts';
import { baseDocument, rule, type MutableJson } from '@/tests/support/dsl/fixtures';

type Case = [name: string, mutate: (d: MutableJson) => void, path: string, message: RegExp];

const S = '/basket/strategies/0';
const L0 = `${S}/legs/0`;
const s = (d: MutableJson) => d.basket.strategies[0];
const leg = (d: MutableJson, i = 0) => d.basket.strategies[0].legs[i];
const cond = (d: MutableJson, c: unknown, group = 'entry') => {
  s(d).conditions = { typeVersion: 1, [group]: [rule({ all: [c] })] };
};
const C = `${S}/conditions/entry/0/conditions/all/0`;
const lazyPair = (d: MutableJson) => {
  leg(d, 0).reEntryOnStopLoss = { typeVersion: 1, type: 'lazy', leg: 'pe' };
  leg(d, 1).lazy = true;
};

const cases: Case[] = [
  // document
  ['missing dslVersion', (d) => delete d.dslVersion, '/dslVersion', /required/],
  ['newer dslVersion', (d) => (d.dslVersion = 2), '/dslVersion', /newer than this Strikeflow/],
  ['unpublished older dslVersion', (d) => (d.dslVersion = 0), '/dslVersion', /no migration/],
  ['dslVersion as a string', (d) => (d.dslVersion = '1'), '/dslVersion', /dslVersion must be 1/],
  ['unknown top-level key', (d) => (d.extra = true), '/extra', /unknown key "extra"/],
  ['not an object', (d) => d, '', /./],
  // basket
  ['empty basket name', (d) => (d.basket.name = '  '), '/basket/name', /must not be empty/],
  ['zero capital', (d) => (d.basket.capital = 0), '/basket/capital', /./],
  ['deployablePct above 100', (d) => (d.basket.deployablePct = 120), '/basket/deployablePct', /./],
  [
    'daily loss % above 100',
    (d) => (d.basket.maxDailyLoss = { type: 'pct', value: 150 }),
    '/basket/maxDailyLoss/value',
    /at most 100/,
  ],
  [
    'daily loss unknown type',
    (d) => (d.basket.maxDailyLoss = { type: 'lakhs', value: 1 }),
    '/basket/maxDailyLoss/type',
    /./,
  ],
  ['drawdown 0', (d) => (d.basket.maxDrawdownPct = 0), '/basket/maxDrawdownPct', /./],
  [
    'no strategies',
    (d) => (d.basket.strategies = []),
    '/basket/strategies',
    /at least one strategy/,
  ],
  [
    'duplicate strategy id',
    (d) => d.basket.strategies.push(structuredClone(s(d))),
    '/basket/strategies/1/id',
    /used twice/,
  ],
  [
    'basket mixing INR and USD underlyings',
    (d) => d.basket.strategies.push({ ...structuredClone(s(d)), id: 's2', underlying: 'SPY' }),
    '/basket/strategies/1/underlying',
    /SPY trades in USD, but this basket's capital is in INR/,
  ],
  ['unknown basket key', (d) => (d.basket.currency = 'INR'), '/basket/currency', /unknown key/],
  ['basket typeVersion newer', (d) => (d.basket.typeVersion = 2), '/basket/typeVersion', /newer/],
  // execution
  [
    'candle close without minutes',
    (d) => (d.basket.execution = { typeVersion: 1, trigger: 'candleClose' }),
    '/basket/execution/candleMinutes',
    /need candleMinutes/,
  ],
  [
    'candle minutes with ltp',
    (d) => (d.basket.execution = { typeVersion: 1, trigger: 'ltp', candleMinutes: 5 }),
    '/basket/execution/candleMinutes',
    /only to trigger "candleClose"/,
  ],
  [
    'candle minutes 2',
    (d) => (d.basket.execution = { typeVersion: 1, trigger: 'candleClose', candleMinutes: 2 }),
    '/basket/execution/candleMinutes',
    /./,
  ],
  [
    'negative slippage',
    (d) => (d.basket.execution = { typeVersion: 1, slippage: { type: 'points', value: -1 } }),
    '/basket/execution/slippage/value',
    /./,
  ],
  [
    'unknown cost model',
    (d) => (d.basket.execution = { typeVersion: 1, costModel: { type: 'zerodha' } }),
    '/basket/execution/costModel/type',
    /unknown type "zerodha"/,
  ],
  [
    'turnover cost above 5 %',
    (d) =>
      (d.basket.execution = { typeVersion: 1, costModel: { type: 'fixed', pctOfTurnover: 9 } }),
    '/basket/execution/costModel/pctOfTurnover',
    /./,
  ],
  [
    'US cost model on an INR basket',
    (d) => (d.basket.execution = { typeVersion: 1, costModel: { type: 'us-options' } }),
    '/basket/execution/costModel/type',
    /"us-options" charges in USD, but this basket trades in INR; use "india-index-options", "fixed", "none"/,
  ],
  [
    'Indian cost model on a BTC basket',
    (d) =>
      Object.assign(
        d.basket,
        { execution: { typeVersion: 1, costModel: { type: 'india-index-options' } } },
        { strategies: [{ ...structuredClone(s(d)), underlying: 'BTC' }] },
      ),
    '/basket/execution/costModel/type',
    /charges in INR, but this basket trades in USD; use "us-options", "deribit-options"/,
  ],
  [
    'negative brokerage per order',
    (d) =>
      (d.basket.execution = {
        typeVersion: 1,
        costModel: { type: 'india-index-options', brokeragePerOrder: -5 },
      }),
    '/basket/execution/costModel/brokeragePerOrder',
    /./,
  ],
  [
    'commission override on Deribit',
    (d) =>
      (d.basket.execution = {
        typeVersion: 1,
        costModel: { type: 'deribit-options', commissionPerContract: 1 },
      }),
    '/basket/execution/costModel/commissionPerContract',
    /unknown key/,
  ],
  [
    'US commission on the Indian model',
    (d) =>
      (d.basket.execution = {
        typeVersion: 1,
        costModel: { type: 'india-index-options', commissionPerContract: 1 },
      }),
    '/basket/execution/costModel/commissionPerContract',
    /unknown key/,
  ],
  // strategy
  ['bad strategy id', (d) => (s(d).id = '1abc'), `${S}/id`, /expected an id/],
  [
    'unknown underlying',
    (d) => (s(d).underlying = 'TSLA'),
    `${S}/underlying`,
    /unknown underlying; use one of NIFTY/,
  ],
  [
    'entry time without leading zero',
    (d) => (s(d).entry.time = '9:20'),
    `${S}/entry/time`,
    /HH:MM/,
  ],
  ['entry time 24:00', (d) => (s(d).entry.time = '24:00'), `${S}/entry/time`, /HH:MM/],
  ['no weekdays', (d) => (s(d).entry.weekdays = []), `${S}/entry/weekdays`, /at least one weekday/],
  [
    'repeated weekday',
    (d) => (s(d).entry.weekdays = ['MON', 'MON']),
    `${S}/entry/weekdays`,
    /must not repeat/,
  ],
  ['unknown weekday', (d) => (s(d).entry.weekdays = ['MONDAY']), `${S}/entry/weekdays/0`, /./],
  ['exit before entry', (d) => (s(d).exit.time = '09:00'), `${S}/exit/time`, /after entry time/],
  [
    'days to expiry without bounds',
    (d) => (s(d).daysToExpiry = {}),
    `${S}/daysToExpiry`,
    /min, max or both/,
  ],
  [
    'days to expiry min > max',
    (d) => (s(d).daysToExpiry = { min: 5, max: 2 }),
    `${S}/daysToExpiry/max`,
    /max must be >= min/,
  ],
  ['no legs', (d) => (s(d).legs = []), `${S}/legs`, /at least one leg/],
  [
    'lock and lockAndTrail together',
    (d) =>
      Object.assign(s(d), {
        lock: { typeVersion: 1, reachProfit: 10, lockProfit: 5 },
        lockAndTrail: {
          typeVersion: 1,
          reachProfit: 10,
          lockProfit: 5,
          everyIncrease: 1,
          trailBy: 1,
        },
      }),
    `${S}/lockAndTrail`,
    /use one of lock, lockAndTrail, trailingStop/,
  ],
  [
    'overall trailing without stop-loss',
    (d) => (s(d).trailingStop = { typeVersion: 1, every: 100, by: 50 }),
    `${S}/trailingStop`,
    /add a stopLoss/,
  ],
  [
    'lock profit not below reach',
    (d) => (s(d).lock = { typeVersion: 1, reachProfit: 100, lockProfit: 100 }),
    `${S}/lock/lockProfit`,
    /below reachProfit/,
  ],
  [
    'lock-and-trail profit not below reach',
    (d) =>
      (s(d).lockAndTrail = {
        typeVersion: 1,
        reachProfit: 100,
        lockProfit: 200,
        everyIncrease: 1,
        trailBy: 1,
      }),
    `${S}/lockAndTrail/lockProfit`,
    /below reachProfit/,
  ],
  [
    'overall stop-loss unknown type',
    (d) => (s(d).stopLoss = { typeVersion: 1, type: 'points', value: 5 }),
    `${S}/stopLoss/type`,
    /./,
  ],
  [
    'noReEntryAfter after exit',
    (d) => (s(d).noReEntryAfter = '15:30'),
    `${S}/noReEntryAfter`,
    /no later than exit time/,
  ],
  [
    'stopMonitoringAfter before entry',
    (d) => (s(d).stopMonitoringAfter = '09:00'),
    `${S}/stopMonitoringAfter`,
    /after entry time/,
  ],
  [
    'range starts before entry',
    (d) =>
      (s(d).rangeBreakout = {
        typeVersion: 1,
        start: '09:15',
        end: '09:30',
        side: 'high',
        on: 'underlying',
      }),
    `${S}/rangeBreakout/start`,
    /at or after entry time/,
  ],
  [
    'range ends at exit',
    (d) =>
      (s(d).rangeBreakout = {
        typeVersion: 1,
        start: '09:20',
        end: '15:15',
        side: 'high',
        on: 'underlying',
      }),
    `${S}/rangeBreakout/end`,
    /before exit time/,
  ],
  [
    'range end before start',
    (d) =>
      (s(d).rangeBreakout = {
        typeVersion: 1,
        start: '10:00',
        end: '09:30',
        side: 'low',
        on: 'strike',
      }),
    `${S}/rangeBreakout/end`,
    /after range start/,
  ],
  [
    'range breakout and momentum',
    (d) =>
      Object.assign(s(d), {
        rangeBreakout: {
          typeVersion: 1,
          start: '09:20',
          end: '09:30',
          side: 'high',
          on: 'underlying',
        },
        momentum: { typeVersion: 1, type: 'points', direction: 'up', value: 5 },
      }),
    `${S}/rangeBreakout`,
    /not both/,
  ],
  [
    'strategy re-entry on SL without SL',
    (d) => (s(d).reEntryOnStopLoss = { typeVersion: 1, type: 'asap', count: 1 }),
    `${S}/reEntryOnStopLoss`,
    /needs an overall stopLoss/,
  ],
  [
    'strategy re-entry on target without target',
    (d) => (s(d).reEntryOnTarget = { typeVersion: 1, type: 'asap', count: 1 }),
    `${S}/reEntryOnTarget`,
    /needs an overall target/,
  ],
  [
    'strategy momentum re-entry without momentum',
    (d) =>
      Object.assign(s(d), {
        stopLoss: { typeVersion: 1, type: 'mtm', value: 100 },
        reEntryOnStopLoss: { typeVersion: 1, type: 'momentum', count: 1 },
      }),
    `${S}/reEntryOnStopLoss`,
    /add a momentum block to the strategy/,
  ],
  [
    'strategy re-entry type cost',
    (d) =>
      Object.assign(s(d), {
        stopLoss: { typeVersion: 1, type: 'mtm', value: 100 },
        reEntryOnStopLoss: { typeVersion: 1, type: 'cost', count: 1 },
      }),
    `${S}/reEntryOnStopLoss/type`,
    /./,
  ],
  [
    'square-off complete with leg re-entry',
    (d) =>
      Object.assign(
        s(d),
        { squareOff: 'complete' },
        void (leg(d).reEntryOnStopLoss = { typeVersion: 1, type: 'asap', count: 1 }),
      ),
    `${L0}/reEntryOnStopLoss`,
    /squareOff "complete"/,
  ],
  ['unknown square-off', (d) => (s(d).squareOff = 'half'), `${S}/squareOff`, /./],
  // sizing
  [
    'unknown sizing method',
    (d) => (s(d).sizing = { typeVersion: 1, method: 'martingale' }),
    `${S}/sizing/method`,
    /unknown method "martingale"/,
  ],
  [
    'risk per trade with both risks',
    (d) => (s(d).sizing = { typeVersion: 1, method: 'riskPerTrade', riskPct: 1, riskAmount: 100 }),
    `${S}/sizing/riskPct`,
    /exactly one of riskPct or riskAmount/,
  ],
  [
    'risk per trade with neither',
    (d) => (s(d).sizing = { typeVersion: 1, method: 'riskPerTrade' }),
    `${S}/sizing/riskPct`,
    /exactly one/,
  ],
  [
    'risk per trade with a leg without premium stop',
    (d) =>
      Object.assign(
        s(d),
        { sizing: { typeVersion: 1, method: 'riskPerTrade', riskPct: 1 } },
        void (leg(d, 1).stopLoss = { typeVersion: 1, type: 'underlyingPoints', value: 50 }),
      ),
    `${S}/legs/1/stopLoss`,
    /risk-per-trade sizing needs/,
  ],
  [
    'kelly win rate 1',
    (d) =>
      (s(d).sizing = {
        typeVersion: 1,
        method: 'kelly',
        winRate: 1,
        payoff: 1,
        fraction: 0.5,
        capitalPerSet: 1000,
      }),
    `${S}/sizing/winRate`,
    /./,
  ],
  [
    'fixed multiplier fractional',
    (d) => (s(d).sizing = { typeVersion: 1, method: 'fixed', multiplier: 1.5 }),
    `${S}/sizing/multiplier`,
    /./,
  ],
  [
    'unknown regime multiplier',
    (d) =>
      (s(d).sizing = {
        typeVersion: 1,
        method: 'fixed',
        multiplier: 1,
        regimeMultipliers: { crash: 0 },
      }),
    `${S}/sizing/regimeMultipliers/crash`,
    /unknown key/,
  ],
  [
    'capitalPct without capitalPerSet',
    (d) => (s(d).sizing = { typeVersion: 1, method: 'capitalPct', pct: 10 }),
    `${S}/sizing/capitalPerSet`,
    /required/,
  ],
  // leg
  ['duplicate leg id', (d) => (leg(d, 1).id = 'ce'), `${S}/legs/1/id`, /used twice/],
  ['future with a strike', (d) => { leg(d).instrument = 'future'; delete leg(d).right; }, `${L0}/strike`, /future has no strike/], // prettier-ignore
  ['future with a right', (d) => { leg(d).instrument = 'future'; delete leg(d).strike; }, `${L0}/right`, /future has no right/], // prettier-ignore
  ['option without a right', (d) => delete leg(d).right, `${L0}/right`, /needs a right: CE \(call\) or PE \(put\)/], // prettier-ignore
  ['a v2 leg still saying kind', (d) => (leg(d).kind = 'CE'), `${L0}/kind`, /unknown key "kind"/], // prettier-ignore
  ['CE without a strike', (d) => delete leg(d).strike, `${L0}/strike`, /needs a strike selector/],
  ['zero lots', (d) => (leg(d).lots = 0), `${L0}/lots`, /lots must be an integer >= 1/],
  ['fractional lots', (d) => (leg(d).lots = 1.5), `${L0}/lots`, /./],
  ['unknown side', (d) => (leg(d).side = 'SHORT'), `${L0}/side`, /./],
  ['unknown right', (d) => (leg(d).right = 'CALL'), `${L0}/right`, /./],
  ['unknown instrument', (d) => (leg(d).instrument = 'swap'), `${L0}/instrument`, /./],
  ['expiry kind daily', (d) => (leg(d).expiry = { kind: 'daily' }), `${L0}/expiry/kind`, /./],
  [
    'expiry offset 13',
    (d) => (leg(d).expiry = { kind: 'weekly', offset: 13 }),
    `${L0}/expiry/offset`,
    /./,
  ],
  [
    'trailing without stop-loss',
    (d) =>
      Object.assign(
        leg(d),
        { trailingStop: { typeVersion: 1, unit: 'points', every: 5, by: 2 } },
        void delete leg(d).stopLoss,
      ),
    `${L0}/trailingStop`,
    /add a stopLoss to this leg/,
  ],
  [
    'trailing unknown unit',
    (d) => (leg(d).trailingStop = { typeVersion: 1, unit: 'ticks', every: 5, by: 2 }),
    `${L0}/trailingStop/unit`,
    /./,
  ],
  [
    're-entry on SL without SL',
    (d) =>
      Object.assign(
        leg(d),
        { reEntryOnStopLoss: { typeVersion: 1, type: 'asap', count: 1 } },
        void delete leg(d).stopLoss,
      ),
    `${L0}/reEntryOnStopLoss`,
    /needs a stopLoss/,
  ],
  [
    're-entry on target without target',
    (d) => (leg(d).reEntryOnTarget = { typeVersion: 1, type: 'asap', count: 1 }),
    `${L0}/reEntryOnTarget`,
    /needs a target/,
  ],
  [
    'momentum re-entry without momentum',
    (d) => (leg(d).reEntryOnStopLoss = { typeVersion: 1, type: 'momentum', count: 1 }),
    `${L0}/reEntryOnStopLoss`,
    /add a momentum block to this leg/,
  ],
  [
    're-entry count 21',
    (d) => (leg(d).reEntryOnStopLoss = { typeVersion: 1, type: 'asap', count: 21 }),
    `${L0}/reEntryOnStopLoss/count`,
    /from 1 to 20/,
  ],
  [
    're-entry count 0',
    (d) => (leg(d).reEntryOnStopLoss = { typeVersion: 1, type: 'cost', count: 0 }),
    `${L0}/reEntryOnStopLoss/count`,
    /from 1 to 20/,
  ],
  [
    'lazy re-entry with a count',
    (d) => (lazyPair(d), (leg(d).reEntryOnStopLoss.count = 2)),
    `${L0}/reEntryOnStopLoss/count`,
    /unknown key "count"/,
  ],
  [
    'unknown re-entry type',
    (d) => (leg(d).reEntryOnStopLoss = { typeVersion: 1, type: 'later', count: 1 }),
    `${L0}/reEntryOnStopLoss/type`,
    /unknown type "later"/,
  ],
  [
    'BUY leg with 100 % stop-loss',
    (d) =>
      Object.assign(leg(d), { side: 'BUY', stopLoss: { typeVersion: 1, type: 'pct', value: 100 } }),
    `${L0}/stopLoss/value`,
    /below 100/,
  ],
  [
    'SELL leg with 100 % target',
    (d) => (leg(d).target = { typeVersion: 1, type: 'pct', value: 100 }),
    `${L0}/target/value`,
    /below 100/,
  ],
  ['stop-loss value 0', (d) => (leg(d).stopLoss.value = 0), `${L0}/stopLoss/value`, /./],
  ['stop-loss unknown type', (d) => (leg(d).stopLoss.type = 'ticks'), `${L0}/stopLoss/type`, /./],
  [
    'target unknown key',
    (d) => (leg(d).target = { typeVersion: 1, type: 'pct', value: 10, trail: 1 }),
    `${L0}/target/trail`,
    /unknown key "trail"/,
  ],
  [
    'momentum sideways',
    (d) => (leg(d).momentum = { typeVersion: 1, type: 'points', direction: 'sideways', value: 5 }),
    `${L0}/momentum/direction`,
    /./,
  ],
  [
    'momentum type premium',
    (d) => (leg(d).momentum = { typeVersion: 1, type: 'premium', direction: 'up', value: 5 }),
    `${L0}/momentum/type`,
    /./,
  ],
  [
    'lazy leg opening itself',
    (d) => (leg(d).reEntryOnStopLoss = { typeVersion: 1, type: 'lazy', leg: 'ce' }),
    `${L0}/reEntryOnStopLoss/leg`,
    /cannot open itself/,
  ],
  [
    'lazy link to a missing leg',
    (d) => (leg(d).reEntryOnStopLoss = { typeVersion: 1, type: 'lazy', leg: 'ghost' }),
    `${L0}/reEntryOnStopLoss/leg`,
    /"ghost" is not a leg of this strategy/,
  ],
  [
    'lazy link to a leg opened at entry',
    (d) => (leg(d).reEntryOnStopLoss = { typeVersion: 1, type: 'lazy', leg: 'pe' }),
    `${L0}/reEntryOnStopLoss/leg`,
    /mark it "lazy": true/,
  ],
  ['lazy leg never linked', (d) => (leg(d, 1).lazy = true), `${S}/legs/1/lazy`, /never opened/],
  [
    'every leg lazy',
    (d) => ((leg(d, 0).lazy = true), (leg(d, 1).lazy = true)),
    `${S}/legs`,
    /every leg is lazy/,
  ],
  [
    'lazy cycle',
    (d) => {
      s(d).legs.push({
        ...structuredClone(leg(d)),
        id: 'x',
        lazy: true,
        reEntryOnStopLoss: { typeVersion: 1, type: 'lazy', leg: 'y' },
      });
      s(d).legs.push({
        ...structuredClone(leg(d)),
        id: 'y',
        lazy: true,
        reEntryOnStopLoss: { typeVersion: 1, type: 'lazy', leg: 'x' },
      });
      leg(d).reEntryOnStopLoss = { typeVersion: 1, type: 'lazy', leg: 'x' };
    },
    `${S}/legs/2/id`,
    /lazy legs form a cycle: x -> y -> x/,
  ],
  [
    'leg typeVersion newer',
    (d) => (leg(d).typeVersion = 3),
    `${L0}/typeVersion`,
    /newer than this Strikeflow/,
  ],
  ['leg typeVersion missing', (d) => delete leg(d).typeVersion, `${L0}/typeVersion`, /required/],
  // strike selectors
  [
    'unknown strike type',
    (d) => (leg(d).strike = { typeVersion: 1, type: 'cheapest' }),
    `${L0}/strike/type`,
    /unknown type "cheapest"; expected one of atm, itm, otm/,
  ],
  [
    'itm with 0 steps',
    (d) => (leg(d).strike = { typeVersion: 1, type: 'itm', steps: 0 }),
    `${L0}/strike/steps`,
    /steps must be an integer >= 1/,
  ],
  [
    'otm without steps',
    (d) => (leg(d).strike = { typeVersion: 1, type: 'otm' }),
    `${L0}/strike/steps`,
    /required/,
  ],
  [
    'atm with steps',
    (d) => (leg(d).strike = { typeVersion: 1, type: 'atm', steps: 1 }),
    `${L0}/strike/steps`,
    /unknown key "steps"/,
  ],
  [
    'unknown atmFrom',
    (d) => (leg(d).strike = { typeVersion: 1, type: 'atm', atmFrom: 'vwap' }),
    `${L0}/strike/atmFrom`,
    /./,
  ],
  [
    'premium range min > max',
    (d) => (leg(d).strike = { typeVersion: 1, type: 'premiumRange', min: 60, max: 40 }),
    `${L0}/strike/max`,
    /max must be >= min/,
  ],
  [
    'negative premium',
    (d) => (leg(d).strike = { typeVersion: 1, type: 'closestPremium', premium: -5 }),
    `${L0}/strike/premium`,
    /./,
  ],
  [
    'premiumAtLeast without premium',
    (d) => (leg(d).strike = { typeVersion: 1, type: 'premiumAtLeast' }),
    `${L0}/strike/premium`,
    /required/,
  ],
  [
    'premiumAtMost zero',
    (d) => (leg(d).strike = { typeVersion: 1, type: 'premiumAtMost', premium: 0 }),
    `${L0}/strike/premium`,
    /./,
  ],
  [
    'delta 1',
    (d) => (leg(d).strike = { typeVersion: 1, type: 'closestDelta', delta: 1 }),
    `${L0}/strike/delta`,
    /absolute value in \(0, 1\)/,
  ],
  [
    'delta range reversed',
    (d) => (leg(d).strike = { typeVersion: 1, type: 'deltaRange', min: 0.3, max: 0.1 }),
    `${L0}/strike/max`,
    /max must be >= min/,
  ],
  [
    'pct of ATM 2',
    (d) => (leg(d).strike = { typeVersion: 1, type: 'pctOfAtm', factor: 2 }),
    `${L0}/strike/factor`,
    /1.008 = ATM \+ 0.8 %/,
  ],
  [
    'straddle width 20',
    (d) => (leg(d).strike = { typeVersion: 1, type: 'straddleWidth', width: 20 }),
    `${L0}/strike/width`,
    /./,
  ],
  [
    'ATM straddle premium 0 %',
    (d) => (leg(d).strike = { typeVersion: 1, type: 'atmStraddlePremiumPct', pct: 0 }),
    `${L0}/strike/pct`,
    /./,
  ],
  [
    'exact strike missing',
    (d) => (leg(d).strike = { typeVersion: 1, type: 'exact' }),
    `${L0}/strike/strike`,
    /required/,
  ],
  [
    'strike typeVersion 0',
    (d) => (leg(d).strike.typeVersion = 0),
    `${L0}/strike/typeVersion`,
    /no migration/,
  ],
  // conditions
  [
    'unknown fact',
    (d) => cond(d, { fact: 'rsi', operator: 'greaterThan', value: 70 }),
    `${C}/fact`,
    /unknown fact "rsi"; known facts: timeOfDay/,
  ],
  [
    'unknown operator',
    (d) => cond(d, { fact: 'spot', operator: 'approx', value: 1 }),
    `${C}/operator`,
    /unknown operator "approx"/,
  ],
  [
    'ordering operator on weekday',
    (d) => cond(d, { fact: 'weekday', operator: 'greaterThan', value: 'MON' }),
    `${C}/operator`,
    /does not apply to fact "weekday"/,
  ],
  [
    'string for a number fact',
    (d) => cond(d, { fact: 'vix', operator: 'lessThan', value: '20' }),
    `${C}/value`,
    /expected a number for fact "vix"/,
  ],
  [
    'bad time value',
    (d) => cond(d, { fact: 'timeOfDay', operator: 'greaterThan', value: '25:00' }),
    `${C}/value`,
    /"HH:MM"/,
  ],
  [
    'time minutes 1440',
    (d) => cond(d, { fact: 'timeOfDay', operator: 'greaterThan', value: 1440 }),
    `${C}/value`,
    /0..1439/,
  ],
  [
    'unknown regime value',
    (d) => cond(d, { fact: 'regime', operator: 'equal', value: 'calm' }),
    `${C}/value`,
    /expected one of low_vol/,
  ],
  [
    'between reversed',
    (d) => cond(d, { fact: 'vix', operator: 'between', value: [20, 10] }),
    `${C}/value`,
    /low <= high/,
  ],
  [
    'between with one bound',
    (d) => cond(d, { fact: 'vix', operator: 'between', value: [20] }),
    `${C}/value`,
    /needs \[low, high\]/,
  ],
  [
    'between times reversed',
    (d) => cond(d, { fact: 'timeOfDay', operator: 'between', value: ['13:00', '10:00'] }),
    `${C}/value`,
    /low <= high/,
  ],
  [
    'in with empty list',
    (d) => cond(d, { fact: 'weekday', operator: 'in', value: [] }),
    `${C}/value`,
    /non-empty array/,
  ],
  [
    'in with a bad item',
    (d) => cond(d, { fact: 'weekday', operator: 'in', value: ['MON', 'FUNDAY'] }),
    `${C}/value/1`,
    /expected one of MON/,
  ],
  [
    'unknown fact param',
    (d) => cond(d, { fact: 'spot', operator: 'greaterThan', value: 1, params: { window: 5 } }),
    `${C}/params/window`,
    /takes no params/,
  ],
  [
    'lookback out of range',
    (d) =>
      cond(d, { fact: 'ivRank', operator: 'greaterThan', value: 50, params: { lookbackDays: 3 } }),
    `${C}/params/lookbackDays`,
    /5 to 1000/,
  ],
  [
    'legPnl without leg',
    (d) => cond(d, { fact: 'legPnl', operator: 'lessThan', value: -100 }),
    `${C}`,
    /needs params.leg/,
  ],
  [
    'legPnl of a missing leg',
    (d) => cond(d, { fact: 'legPnl', operator: 'lessThan', value: -100, params: { leg: 'ghost' } }),
    `${S}/conditions/entry/0/conditions`,
    /"ghost", which is not a leg/,
  ],
  [
    'fact reference to unknown fact',
    (d) => cond(d, { fact: 'atmIv', operator: 'greaterThan', value: { fact: 'iv' } }),
    `${C}/value/fact`,
    /unknown fact "iv"/,
  ],
  [
    'fact reference of another kind',
    (d) => cond(d, { fact: 'vix', operator: 'equal', value: { fact: 'weekday' } }),
    `${C}/value/fact`,
    /cannot be compared/,
  ],
  [
    'crossing a fact reference',
    (d) => cond(d, { fact: 'vix', operator: 'crossesAbove', value: { fact: 'hv' } }),
    `${C}/value`,
    /compares with a constant/,
  ],
  [
    'condition without value',
    (d) => cond(d, { fact: 'vix', operator: 'greaterThan' }),
    `${C}/value`,
    /required: "value" is missing/,
  ],
  [
    'unknown condition key',
    (d) => cond(d, { fact: 'vix', operator: 'greaterThan', value: 1, path: '$.x' }),
    `${C}/path`,
    /unknown key "path"/,
  ],
  [
    'nested unknown fact',
    (d) => cond(d, { any: [{ not: { fact: 'gamma', operator: 'equal', value: 1 } }] }),
    `${C}/any/0/not/fact`,
    /unknown fact "gamma"/,
  ],
  [
    'empty all',
    (d) => (s(d).conditions = { typeVersion: 1, exit: [rule({ all: [] })] }),
    `${S}/conditions/exit/0/conditions/all`,
    /at least one condition/,
  ],
  [
    'bare fact condition at the top',
    (d) =>
      (s(d).conditions = {
        typeVersion: 1,
        filters: [rule({ fact: 'vix', operator: 'lessThan', value: 20 })],
      }),
    `${S}/conditions/filters/0/conditions`,
    /./,
  ],
  [
    'condition reference',
    (d) => (s(d).conditions = { typeVersion: 1, filters: [rule({ condition: 'shared' })] }),
    `${S}/conditions/filters/0/conditions`,
    /./,
  ],
  [
    'event without type',
    (d) =>
      (s(d).conditions = {
        typeVersion: 1,
        entry: [
          { conditions: { all: [{ fact: 'vix', operator: 'lessThan', value: 20 }] }, event: {} },
        ],
      }),
    `${S}/conditions/entry/0/event/type`,
    /required/,
  ],
  [
    'rule priority 0',
    (d) =>
      (s(d).conditions = {
        typeVersion: 1,
        entry: [rule({ all: [{ fact: 'vix', operator: 'lessThan', value: 20 }] }, { priority: 0 })],
      }),
    `${S}/conditions/entry/0/priority`,
    /priority must be an integer >= 1/,
  ],
  [
    'unknown rule group',
    (d) => (s(d).conditions = { typeVersion: 1, onTick: [] }),
    `${S}/conditions/onTick`,
    /unknown key/,
  ],
];

describe('schema rules: each broken rule is reported at its path', () => {
  it.each(cases)('%s', (_name, mutate, path, message) => {
    const doc = baseDocument();
    mutate(doc);
    const input = _name === 'not an object' ? 'a string' : doc;
    const r = parseDsl(input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const hit = r.errors.find((e) => e.path === path && message.test(e.message));
    expect(
      hit,
      `expected an error at "${path}" matching ${message}; got ${JSON.stringify(r.errors)}`,
    ).toBeDefined();
  });

  it('the unmutated base document is valid (so each failure above is the mutation)', () => {
    expect(parseDsl(baseDocument())).toMatchObject({ ok: true });
  });

  it('fills defaults a user may leave out', () => {
    const r = parseDsl(baseDocument());
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const st = r.value.basket.strategies[0];
    expect(r.value.basket.deployablePct).toBe(100);
    expect(r.value.basket.execution).toEqual({
      typeVersion: 1,
      trigger: 'ltp',
      slippage: { type: 'points', value: 0 },
      costModel: { type: 'none' },
    });
    expect(st.entry.weekdays).toEqual(['MON', 'TUE', 'WED', 'THU', 'FRI']);
    expect(st.squareOff).toBe('partial');
    expect(st.sizing).toEqual({ typeVersion: 1, method: 'fixed', multiplier: 1 });
    expect(st.legs[0]).toMatchObject({
      lazy: false,
      hedge: false,
      strike: { type: 'atm', atmFrom: 'spot' },
    });
  });
});
