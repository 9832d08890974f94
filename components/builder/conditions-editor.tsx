'use client';
/**
 * The conditions block without JSON: rules in three groups (filters, entry, exit), each an
 * all/any tree of fact · operator · value rows picked from the documented facts and operators,
 * with the sentence it reads as and the rule json-rules-engine will run. The JSON stays one
 * click away, and both views edit the same block.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import {
  ConditionsSchema,
  getFact,
  getOperator,
  toDslErrors,
  toEngineRule,
  type Rule,
} from '@/engine/dsl';
import { FACT_LABELS, describeRule, operatorLabel } from '@/engine/dsl/describe';
import {
  FACT_GROUPS,
  REGIME_CHOICES,
  RULE_GROUPS,
  WEEKDAY_CHOICES,
  changeFact,
  changeOperator,
  groupKind,
  isFact,
  newFactCondition,
  newRule,
  operatorsFor,
  setAt,
  switchGroup,
  timeText,
  type FactConditionJson,
  type Path,
  type RuleGroupKey,
} from './conditions-model';

type Data = Record<string, unknown>;
export type FieldErrors = Record<string, string[]>;

const input =
  'nodrag rounded border border-zinc-700 bg-zinc-900 px-1.5 py-1 text-xs text-zinc-100 focus:border-sky-500 focus:outline-none focus:ring-1 focus:ring-sky-500 aria-[invalid=true]:border-rose-500';
const small =
  'nodrag rounded border border-zinc-700 px-1.5 py-0.5 text-[11px] text-zinc-300 hover:border-sky-500 focus:outline-none focus:ring-1 focus:ring-sky-500';

/** Errors at a path or below it, from the compiler's dotted field paths. */
function errorsUnder(errors: FieldErrors, path: Path, exact = false): string[] {
  const key = path.join('.');
  const out: string[] = [];
  for (const [k, v] of Object.entries(errors))
    if (k === key || (!exact && k.startsWith(`${key}.`))) out.push(...v);
  return out;
}

export function ConditionsEditor(props: {
  value: Data;
  onChange: (next: Data, key: string) => void;
  errors: FieldErrors;
  legIds: string[];
  readOnly?: boolean;
}) {
  const [mode, setMode] = useState<'visual' | 'json'>('visual');
  const uid = useId();
  return (
    <div className="space-y-3" data-testid="conditions-editor">
      <div role="group" aria-label="Conditions view" className="flex gap-1 text-xs">
        {(['visual', 'json'] as const).map((m) => (
          <button
            key={m}
            type="button"
            aria-pressed={mode === m}
            onClick={() => setMode(m)}
            className={`rounded px-2 py-0.5 ${mode === m ? 'bg-sky-900 text-sky-100' : 'border border-zinc-700 text-zinc-300 hover:border-zinc-500'}`}
          >
            {m === 'visual' ? 'Visual' : 'JSON (advanced)'}
          </button>
        ))}
      </div>
      {mode === 'json' ? (
        <JsonView id={`${uid}-json`} value={props.value} onChange={props.onChange} />
      ) : (
        RULE_GROUPS.map((g) => (
          <RuleGroup
            key={g.key}
            group={g.key}
            title={g.title}
            help={g.help}
            data={props.value}
            errors={props.errors}
            legIds={props.legIds}
            onChange={props.onChange}
          />
        ))
      )}
    </div>
  );
}

function RuleGroup(props: {
  group: RuleGroupKey;
  title: string;
  help: string;
  data: Data;
  errors: FieldErrors;
  legIds: string[];
  onChange: (next: Data, key: string) => void;
}) {
  const rules = Array.isArray(props.data[props.group]) ? (props.data[props.group] as Data[]) : [];
  const set = (path: Path, v: unknown, key: string) =>
    props.onChange(setAt(props.data, [props.group, ...path], v) as Data, `${props.group}.${key}`);
  const titleId = useId();
  // A keyboard user who adds a rule lands in it, not on the button below it.
  const [added, setAdded] = useState<number | null>(null);
  return (
    <section aria-labelledby={titleId} className="rounded border border-zinc-800 p-2">
      <h3 id={titleId} className="text-xs font-semibold text-zinc-200">
        {props.title} <span className="font-normal text-zinc-400">({props.help})</span>
      </h3>
      <ol className="mt-2 space-y-3">
        {rules.map((rule, i) => (
          <li key={i}>
            <RuleEditor
              autoFocus={added === i}
              group={props.group}
              index={i}
              rule={rule}
              errors={props.errors}
              legIds={props.legIds}
              onChange={(path, v, key) => set([i, ...path], v, `${i}.${key}`)}
              onRemove={() =>
                props.onChange(
                  setAt(
                    props.data,
                    [props.group],
                    rules.filter((_, j) => j !== i),
                  ) as Data,
                  `${props.group}.remove`,
                )
              }
            />
          </li>
        ))}
      </ol>
      <button
        type="button"
        className={`${small} mt-2`}
        onClick={() => {
          setAdded(rules.length);
          props.onChange(
            setAt(
              props.data,
              [props.group],
              [...rules, newRule(props.group, rules.length, props.legIds)],
            ) as Data,
            `${props.group}.add`,
          );
        }}
      >
        + Add {props.group === 'filters' ? 'filter' : `${props.group} rule`}
      </button>
    </section>
  );
}

function RuleEditor(props: {
  autoFocus?: boolean;
  group: RuleGroupKey;
  index: number;
  rule: Data;
  errors: FieldErrors;
  legIds: string[];
  onChange: (path: Path, v: unknown, key: string) => void;
  onRemove: () => void;
}) {
  const { rule, group, index } = props;
  const base: Path = [group, index];
  const uid = useId();
  const [showCompiled, setShowCompiled] = useState(true);
  const parsed = useMemo(() => {
    try {
      return { sentence: describeRule(rule as Partial<Rule>), engine: toEngineRule(rule as Rule) };
    } catch {
      return null;
    }
  }, [rule]);
  const ruleErrors = errorsUnder(props.errors, base, true);
  const nameRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (props.autoFocus) nameRef.current?.focus();
  }, [props.autoFocus]);
  const event = (rule.event as { type?: string } | undefined)?.type ?? '';
  return (
    <div
      className="space-y-2 rounded border border-zinc-800 bg-zinc-950/50 p-2"
      data-testid="condition-rule"
    >
      <div className="flex flex-wrap items-end gap-2">
        <label className="flex flex-col text-[11px] text-zinc-400" htmlFor={`${uid}-name`}>
          Rule name
          <input
            ref={nameRef}
            id={`${uid}-name`}
            className={`${input} w-40`}
            value={typeof rule.name === 'string' ? rule.name : ''}
            onChange={(e) => props.onChange(['name'], e.target.value || undefined, 'name')}
          />
        </label>
        <label className="flex flex-col text-[11px] text-zinc-400" htmlFor={`${uid}-event`}>
          Event logged
          <input
            id={`${uid}-event`}
            className={`${input} w-32`}
            value={event}
            aria-invalid={errorsUnder(props.errors, [...base, 'event']).length > 0}
            onChange={(e) => props.onChange(['event', 'type'], e.target.value, 'event')}
          />
        </label>
        <button
          type="button"
          className={`${small} ml-auto hover:border-rose-500 hover:text-rose-300`}
          onClick={props.onRemove}
          aria-label={`Remove rule ${typeof rule.name === 'string' && rule.name ? rule.name : index + 1}`}
        >
          Remove rule
        </button>
      </div>
      {ruleErrors.map((e) => (
        <p key={e} role="alert" className="text-[11px] text-rose-400">
          {e}
        </p>
      ))}
      <ConditionNode
        value={rule.conditions}
        path={['conditions']}
        errorPath={[...base, 'conditions']}
        errors={props.errors}
        legIds={props.legIds}
        depth={0}
        onChange={(path, v, key) => props.onChange(path, v, key)}
      />
      {parsed ? (
        <div className="space-y-1 text-[11px]">
          <p className="text-zinc-300" data-testid="rule-sentence">
            <span className="text-zinc-400">Reads as: </span>
            {parsed.sentence}
          </p>
          <button
            type="button"
            className="text-sky-400 underline"
            aria-expanded={showCompiled}
            onClick={() => setShowCompiled(!showCompiled)}
          >
            {showCompiled ? 'Hide' : 'Show'} the compiled rule
          </button>
          {showCompiled ? (
            <pre
              data-testid="compiled-rule"
              tabIndex={0}
              aria-label="Compiled rule (json-rules-engine)"
              className="max-h-48 overflow-auto rounded bg-zinc-900 p-2 font-mono text-[10px] text-zinc-300"
            >
              {JSON.stringify(parsed.engine, null, 2)}
            </pre>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function ConditionNode(props: {
  value: unknown;
  path: Path;
  errorPath: Path;
  errors: FieldErrors;
  legIds: string[];
  depth: number;
  onChange: (path: Path, v: unknown, key: string) => void;
  onRemove?: () => void;
}) {
  const { value, path, errorPath, depth } = props;
  if (isFact(value))
    return (
      <FactRow
        value={value}
        errors={props.errors}
        errorPath={errorPath}
        legIds={props.legIds}
        onChange={(v, key) => props.onChange(path, v, key)}
        onRemove={props.onRemove}
        onNegate={() => props.onChange(path, { not: value }, 'negate')}
      />
    );
  const kind = groupKind(value);
  if (kind === 'not') {
    const inner = (value as { not: unknown }).not;
    return (
      <div className="rounded border border-amber-900/70 p-1.5" data-testid="condition-not">
        <div className="mb-1 flex items-center gap-2 text-[11px] text-amber-300">
          NOT
          <button
            type="button"
            className={small}
            onClick={() => props.onChange(path, inner, 'unnegate')}
          >
            Remove NOT
          </button>
          {props.onRemove ? (
            <button type="button" className={small} onClick={props.onRemove}>
              Remove
            </button>
          ) : null}
        </div>
        <ConditionNode
          {...props}
          value={inner}
          path={[...path, 'not']}
          errorPath={[...errorPath, 'not']}
          depth={depth + 1}
          onRemove={undefined}
        />
      </div>
    );
  }
  if (kind === 'all' || kind === 'any') {
    const obj = value as Record<string, unknown>;
    const items = obj[kind] as unknown[];
    const groupId = `${path.join('-')}-${depth}`;
    return (
      <fieldset
        className={`space-y-1.5 rounded border p-1.5 ${depth ? 'border-zinc-700' : 'border-zinc-800'}`}
        data-testid="condition-group"
      >
        <legend className="sr-only">Condition group {groupId}</legend>
        <div className="flex flex-wrap items-center gap-2 text-[11px] text-zinc-400">
          <label className="flex items-center gap-1">
            Match
            <select
              className={input}
              value={kind}
              onChange={(e) =>
                props.onChange(path, switchGroup(obj, e.target.value as 'all' | 'any'), 'group')
              }
            >
              <option value="all">all of (and)</option>
              <option value="any">any of (or)</option>
            </select>
          </label>
          {props.onRemove ? (
            <button type="button" className={small} onClick={props.onRemove}>
              Remove group
            </button>
          ) : null}
        </div>
        <ul className="space-y-1.5 border-l border-zinc-800 pl-2">
          {items.map((c, i) => (
            <li key={i}>
              <ConditionNode
                value={c}
                path={[...path, kind, i]}
                errorPath={[...errorPath, kind, i]}
                errors={props.errors}
                legIds={props.legIds}
                depth={depth + 1}
                onChange={props.onChange}
                onRemove={
                  items.length > 1
                    ? () =>
                        props.onChange(
                          [...path, kind],
                          items.filter((_, j) => j !== i),
                          'remove',
                        )
                    : undefined
                }
              />
            </li>
          ))}
        </ul>
        <div className="flex gap-1">
          <button
            type="button"
            className={small}
            onClick={() =>
              props.onChange(
                [...path, kind],
                [...items, newFactCondition('timeOfDay', props.legIds)],
                'add',
              )
            }
          >
            + Condition
          </button>
          <button
            type="button"
            className={small}
            onClick={() =>
              props.onChange(
                [...path, kind],
                [
                  ...items,
                  { [kind === 'all' ? 'any' : 'all']: [newFactCondition('vix', props.legIds)] },
                ],
                'add-group',
              )
            }
          >
            + {kind === 'all' ? 'Any-of' : 'All-of'} group
          </button>
        </div>
      </fieldset>
    );
  }
  return (
    <p className="text-[11px] text-rose-300">
      This part is not a condition the editor knows ({JSON.stringify(value)?.slice(0, 80)}); fix it
      in the JSON view.
    </p>
  );
}

function FactRow(props: {
  value: FactConditionJson;
  errors: FieldErrors;
  errorPath: Path;
  legIds: string[];
  onChange: (v: unknown, key: string) => void;
  onRemove?: () => void;
  onNegate: () => void;
}) {
  const { value: c } = props;
  const uid = useId();
  const fact = getFact(c.fact);
  const op = getOperator(c.operator);
  const errs = errorsUnder(props.errors, props.errorPath);
  const factLabel = fact ? (FACT_LABELS[fact.name] ?? fact.name) : c.fact;
  return (
    <div className="space-y-1" data-testid="condition-row">
      <div className="flex flex-wrap items-center gap-1">
        <label htmlFor={`${uid}-fact`} className="sr-only">
          Fact
        </label>
        <select
          id={`${uid}-fact`}
          className={input}
          value={c.fact}
          aria-invalid={errorsUnder(props.errors, [...props.errorPath, 'fact']).length > 0}
          onChange={(e) => props.onChange(changeFact(c, e.target.value, props.legIds), 'fact')}
        >
          {fact ? null : <option value={c.fact}>{c.fact} (unknown)</option>}
          {FACT_GROUPS.map((g) => (
            <optgroup key={g.title} label={g.title}>
              {g.facts.map((f) => (
                <option key={f} value={f}>
                  {FACT_LABELS[f] ?? f}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        {fact?.params.map((p) =>
          p.kind === 'legId' ? (
            <span key={p.name} className="flex items-center gap-1">
              <label htmlFor={`${uid}-leg`} className="sr-only">
                Leg for {factLabel}
              </label>
              <select
                id={`${uid}-leg`}
                className={input}
                value={String(c.params?.leg ?? '')}
                onChange={(e) =>
                  props.onChange({ ...c, params: { ...c.params, leg: e.target.value } }, 'param')
                }
              >
                {props.legIds.includes(String(c.params?.leg)) ? null : (
                  <option value={String(c.params?.leg ?? '')}>
                    {String(c.params?.leg ?? 'pick a leg')}
                  </option>
                )}
                {props.legIds.map((l) => (
                  <option key={l} value={l}>
                    leg {l}
                  </option>
                ))}
              </select>
            </span>
          ) : (
            <span key={p.name} className="flex items-center gap-1">
              <label htmlFor={`${uid}-lb`} className="text-[11px] text-zinc-400">
                over
              </label>
              <input
                id={`${uid}-lb`}
                type="number"
                min={5}
                max={1000}
                step={1}
                placeholder={String(p.default ?? '')}
                aria-label={`${factLabel} lookback (sessions)`}
                className={`${input} w-16`}
                value={c.params?.[p.name] ?? ''}
                onChange={(e) => {
                  const params = { ...c.params };
                  if (e.target.value === '') delete params[p.name];
                  else params[p.name] = Number(e.target.value);
                  const { params: _p, ...rest } = c;
                  props.onChange(Object.keys(params).length ? { ...rest, params } : rest, 'param');
                }}
              />
              <span className="text-[11px] text-zinc-400">sessions</span>
            </span>
          ),
        )}
        <label htmlFor={`${uid}-op`} className="sr-only">
          Operator for {factLabel}
        </label>
        <select
          id={`${uid}-op`}
          className={input}
          value={c.operator}
          aria-invalid={errorsUnder(props.errors, [...props.errorPath, 'operator']).length > 0}
          onChange={(e) => props.onChange(changeOperator(c, e.target.value), 'operator')}
        >
          {op && fact && operatorsFor(fact).includes(op) ? null : (
            <option value={c.operator}>{c.operator}</option>
          )}
          {fact
            ? operatorsFor(fact).map((o) => (
                <option key={o.name} value={o.name} title={o.description}>
                  {operatorLabel(o.name, fact.kind)}
                  {o.builtin ? '' : ' ★'}
                </option>
              ))
            : null}
        </select>
        {fact && op ? (
          <ValueEditor
            id={`${uid}-value`}
            factLabel={factLabel}
            factKind={fact.kind}
            shape={op.value}
            value={c.value}
            invalid={errorsUnder(props.errors, [...props.errorPath, 'value']).length > 0}
            onChange={(v) => props.onChange({ ...c, value: v }, 'value')}
          />
        ) : null}
        {fact && fact.kind === 'number' ? (
          <span className="text-[10px] text-zinc-400" title={fact.description}>
            {fact.unit.split(' (')[0]}
          </span>
        ) : null}
        <span className="ml-auto flex gap-1">
          <button
            type="button"
            className={small}
            onClick={props.onNegate}
            aria-label={`Negate: ${factLabel} ${op ? operatorLabel(op.name, fact?.kind) : ''}`}
          >
            NOT
          </button>
          {props.onRemove ? (
            <button
              type="button"
              className={`${small} hover:border-rose-500 hover:text-rose-300`}
              onClick={props.onRemove}
              aria-label={`Remove condition ${factLabel}`}
            >
              ✕
            </button>
          ) : null}
        </span>
      </div>
      {errs.map((e) => (
        <p key={e} role="alert" className="text-[11px] text-rose-400">
          {e}
        </p>
      ))}
    </div>
  );
}

function ScalarInput(props: {
  id: string;
  label: string;
  kind: string;
  value: unknown;
  invalid: boolean;
  onChange: (v: unknown) => void;
}) {
  const { kind, value } = props;
  if (kind === 'weekday' || kind === 'regime') {
    const choices: readonly string[] = kind === 'weekday' ? WEEKDAY_CHOICES : REGIME_CHOICES;
    return (
      <select
        id={props.id}
        aria-label={props.label}
        className={input}
        value={String(value ?? '')}
        aria-invalid={props.invalid}
        onChange={(e) => props.onChange(e.target.value)}
      >
        {choices.includes(String(value)) ? null : <option value={String(value ?? '')}>—</option>}
        {choices.map((c) => (
          <option key={c} value={c}>
            {c.replace(/_/g, ' ')}
          </option>
        ))}
      </select>
    );
  }
  if (kind === 'time') return <TimeField {...props} />;
  return (
    <NumberField
      id={props.id}
      label={props.label}
      value={value}
      invalid={props.invalid}
      onChange={props.onChange}
    />
  );
}

/** "HH:MM" in 24 hours (the exchange's clock); the rule gets it once it is a time. */
function TimeField(props: {
  id: string;
  label: string;
  value: unknown;
  invalid: boolean;
  onChange: (v: unknown) => void;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const ok = (t: string) => /^([01]\d|2[0-3]):[0-5]\d$/.test(t);
  return (
    <input
      id={props.id}
      aria-label={props.label}
      inputMode="numeric"
      placeholder="HH:MM"
      maxLength={5}
      className={`${input} w-16 font-mono`}
      value={draft ?? timeText(props.value)}
      aria-invalid={props.invalid || (draft !== null && !ok(draft))}
      onChange={(e) => {
        setDraft(e.target.value);
        if (ok(e.target.value)) props.onChange(e.target.value);
      }}
      onBlur={() => setDraft(null)}
    />
  );
}

/** A number box that keeps "1." or "-" while typing; the rule only ever gets numbers. */
function NumberField(props: {
  id: string;
  label: string;
  value: unknown;
  invalid: boolean;
  onChange: (v: unknown) => void;
}) {
  const shown = typeof props.value === 'number' ? String(props.value) : '';
  const [draft, setDraft] = useState(shown);
  useEffect(() => {
    setDraft((d) => (Number(d) === props.value && d.trim() !== '' ? d : shown));
  }, [shown, props.value]);
  return (
    <input
      id={props.id}
      aria-label={props.label}
      type="number"
      step="any"
      inputMode="decimal"
      className={`${input} w-20`}
      value={draft}
      aria-invalid={props.invalid}
      onChange={(e) => {
        setDraft(e.target.value);
        if (e.target.value.trim() !== '' && Number.isFinite(Number(e.target.value)))
          props.onChange(Number(e.target.value));
      }}
    />
  );
}

function ValueEditor(props: {
  id: string;
  factLabel: string;
  factKind: string;
  shape: 'scalar' | 'list' | 'range';
  value: unknown;
  invalid: boolean;
  onChange: (v: unknown) => void;
}) {
  const { shape, value, factKind } = props;
  if (value !== null && typeof value === 'object' && !Array.isArray(value))
    return (
      <span className="text-[11px] text-zinc-300">
        {FACT_LABELS[String((value as { fact?: unknown }).fact)] ??
          String((value as { fact?: unknown }).fact)}{' '}
        <span className="text-zinc-400">(another fact; edit in JSON)</span>
      </span>
    );
  if (shape === 'scalar')
    return (
      <ScalarInput
        id={props.id}
        label={`Value for ${props.factLabel}`}
        kind={factKind}
        value={value}
        invalid={props.invalid}
        onChange={props.onChange}
      />
    );
  if (shape === 'range') {
    const [lo, hi] = Array.isArray(value) ? value : [undefined, undefined];
    return (
      <span className="flex items-center gap-1">
        <ScalarInput
          id={`${props.id}-lo`}
          label={`Low value for ${props.factLabel}`}
          kind={factKind}
          value={lo}
          invalid={props.invalid}
          onChange={(v) => props.onChange([v, hi])}
        />
        <span className="text-[11px] text-zinc-400">and</span>
        <ScalarInput
          id={`${props.id}-hi`}
          label={`High value for ${props.factLabel}`}
          kind={factKind}
          value={hi}
          invalid={props.invalid}
          onChange={(v) => props.onChange([lo, v])}
        />
      </span>
    );
  }
  const list = Array.isArray(value) ? value : [];
  if (factKind === 'weekday' || factKind === 'regime') {
    const choices: readonly string[] = factKind === 'weekday' ? WEEKDAY_CHOICES : REGIME_CHOICES;
    return (
      <span
        role="group"
        aria-label={`Values for ${props.factLabel}`}
        className="flex flex-wrap gap-1"
      >
        {choices.map((c) => (
          <label key={c} className="flex items-center gap-0.5 text-[11px] text-zinc-300">
            <input
              type="checkbox"
              className="nodrag accent-sky-500"
              checked={list.includes(c)}
              onChange={(e) =>
                props.onChange(
                  choices.filter((x) => (x === c ? e.target.checked : list.includes(x))),
                )
              }
            />
            {c.replace(/_/g, ' ')}
          </label>
        ))}
      </span>
    );
  }
  return (
    <ListText
      id={props.id}
      label={`Values for ${props.factLabel} (comma separated)`}
      kind={factKind}
      value={list}
      invalid={props.invalid}
      onChange={props.onChange}
    />
  );
}

function ListText(props: {
  id: string;
  label: string;
  kind: string;
  value: unknown[];
  invalid: boolean;
  onChange: (v: unknown) => void;
}) {
  const text = props.value.map((v) => (props.kind === 'time' ? timeText(v) : String(v))).join(', ');
  const [draft, setDraft] = useState(text);
  useEffect(
    () => setDraft((d) => (d.replace(/\s/g, '') === text.replace(/\s/g, '') ? d : text)),
    [text],
  );
  return (
    <input
      id={props.id}
      aria-label={props.label}
      className={`${input} w-32`}
      value={draft}
      aria-invalid={props.invalid}
      onChange={(e) => {
        setDraft(e.target.value);
        const parts = e.target.value
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean);
        props.onChange(props.kind === 'time' ? parts : parts.map(Number));
      }}
    />
  );
}

/** The whole block as JSON: checked on every keystroke against the DSL's own schema. */
function JsonView(props: { id: string; value: Data; onChange: (next: Data, key: string) => void }) {
  const text = JSON.stringify(
    {
      filters: props.value.filters ?? [],
      entry: props.value.entry ?? [],
      exit: props.value.exit ?? [],
    },
    null,
    2,
  );
  const [draft, setDraft] = useState(text);
  const [errors, setErrors] = useState<string[]>([]);
  useEffect(() => {
    setDraft((d) => {
      try {
        return JSON.stringify(JSON.parse(d)) === JSON.stringify(JSON.parse(text)) ? d : text;
      } catch {
        return d;
      }
    });
  }, [text]);
  return (
    <div>
      <label htmlFor={props.id} className="mb-1 block text-xs text-zinc-300">
        Conditions JSON (json-rules-engine rules in filters, entry and exit)
      </label>
      <textarea
        id={props.id}
        rows={16}
        spellCheck={false}
        className={`${input} w-full font-mono text-[11px]`}
        value={draft}
        aria-invalid={errors.length > 0}
        aria-describedby={`${props.id}-errors`}
        onChange={(e) => {
          setDraft(e.target.value);
          let parsed: unknown;
          try {
            parsed = JSON.parse(e.target.value);
          } catch (err) {
            setErrors([`Not valid JSON yet: ${(err as Error).message}`]);
            return;
          }
          const r = ConditionsSchema.safeParse({ typeVersion: 1, ...(parsed as object) });
          if (!r.success) {
            setErrors(
              toDslErrors(r.error.issues, parsed).map((x) => `${x.path || '/'}: ${x.message}`),
            );
            // Still applied: the problems list shows the same errors on the block, and nothing is lost.
          } else setErrors([]);
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
            props.onChange(parsed as Data, 'json');
        }}
      />
      <div id={`${props.id}-errors`} className="mt-1 space-y-0.5">
        {errors.map((e) => (
          <p key={e} role="alert" className="text-[11px] text-rose-400">
            {e}
          </p>
        ))}
      </div>
    </div>
  );
}
