'use client';
/**
 * The one inspector form: rendered from a block's JSON Schema (itself generated from the block's
 * zod schema), so labels, help, units, choices and bounds are never written twice.
 */
import { useEffect, useId, useState } from 'react';
import {
  describeField,
  describeObject,
  initialValue,
  resolve,
  withUnit,
  type Field,
  type JsonSchema,
} from './field-model';

type Value = Record<string, unknown>;
export type FieldErrors = Record<string, string[]>;

const inputCls =
  'nodrag w-full rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-sm text-zinc-100 focus:border-sky-500 focus:outline-none focus:ring-1 focus:ring-sky-500 aria-[invalid=true]:border-rose-500';

export function SchemaForm(props: {
  schema: JsonSchema;
  value: Value;
  onChange: (next: Value, fieldKey: string) => void;
  errors?: FieldErrors;
  /** Keys drawn on the canvas as edges rather than edited here (legs, strike selector, ...). */
  skip?: ReadonlySet<string>;
  label?: string;
}) {
  const root = resolve(props.schema, props.schema);
  if (!root.properties && (root.oneOf || root.anyOf)) {
    // A block that is itself a choice (a strike selector is one of thirteen kinds).
    const field = { ...describeField('', root, true, props.schema), label: props.label ?? 'Kind' };
    return (
      <FieldEditor
        field={field}
        root={props.schema}
        path={[]}
        value={props.value}
        errors={props.errors ?? {}}
        onChange={(v) => {
          // A new variant starts from the schema; keys that live on the node or on edges stay out of data.
          const next = { ...((v ?? {}) as Value) };
          for (const k of props.skip ?? []) delete next[k];
          props.onChange(next, 'kind');
        }}
      />
    );
  }
  const fields = describeObject(props.schema, props.schema, props.skip);
  return (
    <div className="space-y-3">
      {fields.map((f) => (
        <FieldEditor
          key={f.key}
          field={withUnit(f, props.value)}
          root={props.schema}
          path={[f.key]}
          value={props.value[f.key]}
          errors={props.errors ?? {}}
          onChange={(v) => props.onChange(setKey(props.value, f.key, v), f.key)}
        />
      ))}
    </div>
  );
}

function setKey(obj: Value, key: string, v: unknown): Value {
  const next = { ...obj };
  if (v === undefined) delete next[key];
  else next[key] = v;
  return next;
}

function errorsAt(errors: FieldErrors, path: string[]): string[] {
  return errors[path.join('.')] ?? [];
}

function Label(props: { htmlFor?: string; field: Field; as?: 'label' | 'legend' }) {
  const { field } = props;
  const text = (
    <>
      {field.label}
      {field.unit ? <span className="ml-1 text-zinc-400">({field.unit})</span> : null}
      {field.required ? null : <span className="ml-1 text-zinc-400">optional</span>}
    </>
  );
  if (props.as === 'legend')
    return <legend className="mb-1 text-xs font-medium text-zinc-300">{text}</legend>;
  return (
    <label htmlFor={props.htmlFor} className="mb-1 block text-xs font-medium text-zinc-300">
      {text}
    </label>
  );
}

function Help(props: { id: string; field: Field; errors: string[]; bounds?: string }) {
  const { field, errors, bounds } = props;
  if (!field.help && !errors.length && !bounds) return null;
  return (
    <div id={props.id} className="mt-1 space-y-0.5 text-xs">
      {field.help ? <p className="text-zinc-400">{field.help}</p> : null}
      {bounds ? <p className="text-zinc-400">{bounds}</p> : null}
      {errors.map((e) => (
        <p key={e} role="alert" className="text-rose-400">
          {e}
        </p>
      ))}
    </div>
  );
}

function boundsText(f: Extract<Field, { kind: 'number' }>): string | undefined {
  const lo =
    f.min !== undefined
      ? `≥ ${f.min}`
      : f.exclusiveMin !== undefined
        ? `> ${f.exclusiveMin}`
        : undefined;
  const hi =
    f.max !== undefined
      ? `≤ ${f.max}`
      : f.exclusiveMax !== undefined
        ? `< ${f.exclusiveMax}`
        : undefined;
  const parts = [lo, hi].filter(Boolean);
  return parts.length
    ? `${f.integer ? 'Whole number' : 'Number'} ${parts.join(' and ')}`
    : f.integer
      ? 'Whole number'
      : undefined;
}

function NumberInput(props: {
  id: string;
  field: Extract<Field, { kind: 'number' }>;
  value: unknown;
  invalid: boolean;
  describedBy: string;
  onChange: (v: number | undefined) => void;
}) {
  const { field, value } = props;
  const shown = typeof value === 'number' ? String(value) : '';
  // Keep what the user typed ("1." or "-") while it is not yet a number; the document only gets numbers.
  const [draft, setDraft] = useState(shown);
  useEffect(() => {
    setDraft((d) => (Number(d) === value && d.trim() !== '' ? d : shown));
  }, [shown, value]);
  return (
    <input
      id={props.id}
      type="number"
      inputMode="decimal"
      className={inputCls}
      value={draft}
      min={field.min ?? field.exclusiveMin}
      max={field.max ?? field.exclusiveMax}
      step={field.step ?? 'any'}
      aria-invalid={props.invalid}
      aria-describedby={props.describedBy}
      onChange={(e) => {
        const raw = e.target.value;
        setDraft(raw);
        if (raw.trim() === '') props.onChange(undefined);
        else if (Number.isFinite(Number(raw))) props.onChange(Number(raw));
      }}
    />
  );
}

/** What every field editor gets: the field, where it sits in the block, its value and errors. */
type FieldEditorProps<F extends Field = Field> = {
  field: F;
  root: JsonSchema;
  path: string[];
  value: unknown;
  errors: FieldErrors;
  onChange: (v: unknown) => void;
};

/** A nested editor also gets the ids and errors its parent FieldEditor already worked out. */
type NestedEditorProps<F extends Field> = FieldEditorProps<F> & {
  id: string;
  helpId: string;
  errs: string[];
};

function FieldEditor(props: FieldEditorProps) {
  const { field, value, path, errors, onChange } = props;
  const uid = useId();
  const id = `f${uid}`;
  const helpId = `${id}-help`;
  const errs = errorsAt(errors, path);
  const invalid = errs.length > 0;

  switch (field.kind) {
    case 'constant':
      return null;
    case 'number':
      return (
        <div>
          <Label htmlFor={id} field={field} />
          <NumberInput
            id={id}
            field={field}
            value={value}
            invalid={invalid}
            describedBy={helpId}
            onChange={onChange}
          />
          <Help id={helpId} field={field} errors={errs} bounds={boundsText(field)} />
        </div>
      );
    case 'text':
      return (
        <div>
          <Label htmlFor={id} field={field} />
          <input
            id={id}
            type="text"
            className={inputCls}
            value={typeof value === 'string' ? value : ''}
            placeholder={field.placeholder}
            maxLength={field.maxLength}
            aria-invalid={invalid}
            aria-describedby={helpId}
            onChange={(e) =>
              onChange(e.target.value === '' && !field.required ? undefined : e.target.value)
            }
          />
          <Help id={helpId} field={field} errors={errs} />
        </div>
      );
    case 'boolean':
      return (
        <div>
          <div className="flex items-center gap-2">
            <input
              id={id}
              type="checkbox"
              className="nodrag h-4 w-4 accent-sky-500"
              checked={value === true}
              aria-invalid={invalid}
              aria-describedby={helpId}
              onChange={(e) => onChange(e.target.checked)}
            />
            <label htmlFor={id} className="text-xs font-medium text-zinc-300">
              {field.label}
            </label>
          </div>
          <Help id={helpId} field={field} errors={errs} />
        </div>
      );
    case 'select': {
      const idx = field.options.findIndex((o) => o.value === value);
      return (
        <div>
          <Label htmlFor={id} field={field} />
          <select
            id={id}
            className={inputCls}
            value={idx < 0 ? '' : String(idx)}
            aria-invalid={invalid}
            aria-describedby={helpId}
            onChange={(e) =>
              onChange(
                e.target.value === '' ? undefined : field.options[Number(e.target.value)].value,
              )
            }
          >
            {idx < 0 || !field.required ? (
              <option value="">{field.required ? 'Choose…' : '— none —'}</option>
            ) : null}
            {field.options.map((o, i) => (
              <option key={String(o.value)} value={String(i)}>
                {o.label}
              </option>
            ))}
          </select>
          <Help id={helpId} field={field} errors={errs} />
        </div>
      );
    }
    case 'multiselect': {
      const chosen = new Set(Array.isArray(value) ? value : []);
      return (
        <fieldset aria-describedby={helpId}>
          <Label as="legend" field={field} />
          <div className="flex flex-wrap gap-2">
            {field.options.map((o) => {
              const oid = `${id}-${String(o.value)}`;
              return (
                <span key={String(o.value)} className="flex items-center gap-1">
                  <input
                    id={oid}
                    type="checkbox"
                    className="nodrag h-4 w-4 accent-sky-500"
                    checked={chosen.has(o.value)}
                    onChange={(e) => {
                      // Keep the schema's order so the saved document does not depend on click order.
                      const next = field.options
                        .map((x) => x.value)
                        .filter((v) => (v === o.value ? e.target.checked : chosen.has(v)));
                      onChange(next.length || field.required ? next : undefined);
                    }}
                  />
                  <label htmlFor={oid} className="text-xs text-zinc-300">
                    {o.label}
                  </label>
                </span>
              );
            })}
          </div>
          <Help id={helpId} field={field} errors={errs} />
        </fieldset>
      );
    }
    case 'object':
    case 'union':
      return <CompositeEditor {...props} field={field} id={id} helpId={helpId} errs={errs} />;
    case 'list':
      return <ListEditor {...props} field={field} id={id} helpId={helpId} errs={errs} />;
    case 'json':
      return <JsonEditor {...props} id={id} helpId={helpId} errs={errs} />;
  }
}

function Presence(props: {
  field: Field;
  present: boolean;
  onAdd: () => void;
  onRemove: () => void;
}) {
  if (props.field.required) return null;
  return props.present ? (
    <button
      type="button"
      className="nodrag text-xs text-zinc-400 underline hover:text-rose-300"
      onClick={props.onRemove}
    >
      Remove {props.field.label.toLowerCase()}
    </button>
  ) : (
    <button
      type="button"
      className="nodrag rounded border border-dashed border-zinc-600 px-2 py-1 text-xs text-zinc-300 hover:border-sky-500"
      onClick={props.onAdd}
    >
      + Add {props.field.label.toLowerCase()}
    </button>
  );
}

function CompositeEditor(props: NestedEditorProps<Extract<Field, { kind: 'object' | 'union' }>>) {
  const { field, root, path, errors, onChange, id, helpId, errs } = props;
  const obj =
    props.value && typeof props.value === 'object' && !Array.isArray(props.value)
      ? (props.value as Value)
      : undefined;
  const present = obj !== undefined;
  let inner: Field[] = [];
  let variantSelect: React.ReactNode = null;
  if (field.kind === 'object') inner = field.fields;
  else {
    const tag = obj?.[field.discriminator];
    const vi = field.variants.findIndex((v) => v.value === tag);
    if (present) {
      variantSelect = (
        <div>
          <label htmlFor={`${id}-kind`} className="mb-1 block text-xs font-medium text-zinc-300">
            {field.label} type
          </label>
          <select
            id={`${id}-kind`}
            className={inputCls}
            value={vi < 0 ? '' : String(vi)}
            onChange={(e) => {
              const v = field.variants[Number(e.target.value)];
              onChange(initialValue(v.schema, root));
            }}
          >
            {vi < 0 ? <option value="">Choose…</option> : null}
            {field.variants.map((v, i) => (
              <option key={String(v.value)} value={String(i)}>
                {v.label}
              </option>
            ))}
          </select>
        </div>
      );
      if (vi >= 0)
        inner = describeObject(field.variants[vi].schema, root).filter(
          (f) => f.key !== field.discriminator,
        );
    }
  }
  return (
    <fieldset className="rounded border border-zinc-800 p-2" aria-describedby={helpId}>
      <Label as="legend" field={field} />
      <div className="space-y-3">
        {present ? variantSelect : null}
        {present
          ? inner.map((f) => (
              <FieldEditor
                key={f.key}
                field={withUnit(f, obj)}
                root={root}
                path={[...path, f.key]}
                value={obj[f.key]}
                errors={errors}
                onChange={(v) => onChange(setKey(obj, f.key, v))}
              />
            ))
          : null}
        <Presence
          field={field}
          present={present}
          onAdd={() =>
            onChange(
              field.kind === 'union'
                ? initialValue(field.variants[0].schema, root)
                : initialObject(field, root),
            )
          }
          onRemove={() => onChange(undefined)}
        />
      </div>
      <Help id={helpId} field={field} errors={errs} />
    </fieldset>
  );
}

function initialObject(field: Extract<Field, { kind: 'object' }>, root: JsonSchema): Value {
  const out: Value = {};
  for (const f of field.fields) {
    if (!f.required) continue;
    if (f.defaultValue !== undefined) out[f.key] = structuredClone(f.defaultValue);
    else if (f.kind === 'constant') out[f.key] = f.value;
    else if (f.kind === 'select') out[f.key] = f.options[0]?.value;
    else if (f.kind === 'object') out[f.key] = initialObject(f, root);
    else if (f.kind === 'union') out[f.key] = initialValue(f.variants[0].schema, root);
    else if (f.kind === 'boolean') out[f.key] = false;
    else if (f.kind === 'multiselect' || f.kind === 'list') out[f.key] = [];
  }
  return out;
}

function ListEditor(props: NestedEditorProps<Extract<Field, { kind: 'list' }>>) {
  const { field, root, path, errors, onChange, helpId, errs } = props;
  const items = Array.isArray(props.value) ? props.value : [];
  const itemField = describeField('item', field.item, true, root);
  return (
    <fieldset className="rounded border border-zinc-800 p-2" aria-describedby={helpId}>
      <Label as="legend" field={field} />
      <ol className="space-y-2">
        {items.map((it, i) => (
          <li key={i} className="flex items-start gap-2">
            <div className="flex-1">
              <FieldEditor
                field={{ ...itemField, label: `${field.label} ${i + 1}` }}
                root={root}
                path={[...path, String(i)]}
                value={it}
                errors={errors}
                onChange={(v) => onChange(items.map((x, j) => (j === i ? v : x)))}
              />
            </div>
            <button
              type="button"
              aria-label={`Remove ${field.label.toLowerCase()} ${i + 1}`}
              className="nodrag mt-5 text-xs text-zinc-400 hover:text-rose-300"
              onClick={() => onChange(items.filter((_, j) => j !== i))}
            >
              ✕
            </button>
          </li>
        ))}
      </ol>
      {field.maxItems === undefined || items.length < field.maxItems ? (
        <button
          type="button"
          className="nodrag mt-2 rounded border border-dashed border-zinc-600 px-2 py-1 text-xs text-zinc-300 hover:border-sky-500"
          onClick={() => onChange([...items, initialValue(field.item, root)])}
        >
          + Add {field.label.toLowerCase()}
        </button>
      ) : null}
      <Help id={helpId} field={field} errors={errs} />
    </fieldset>
  );
}

/** Free-form parts of a block (json-rules-engine rules) are edited as JSON, checked on every keystroke. */
function JsonEditor(props: {
  field: Field;
  value: unknown;
  onChange: (v: unknown) => void;
  id: string;
  helpId: string;
  errs: string[];
}) {
  const { field, value, onChange, id, helpId, errs } = props;
  const text = value === undefined ? '' : JSON.stringify(value, null, 2);
  const [draft, setDraft] = useState(text);
  const [parseError, setParseError] = useState<string | null>(null);
  useEffect(() => {
    setDraft((d) => {
      try {
        return JSON.stringify(JSON.parse(d)) === JSON.stringify(value) ? d : text;
      } catch {
        return d;
      }
    });
  }, [text, value]);
  const all = parseError ? [parseError, ...errs] : errs;
  return (
    <div>
      <Label htmlFor={id} field={field} />
      <textarea
        id={id}
        rows={6}
        spellCheck={false}
        className={`${inputCls} font-mono text-xs`}
        value={draft}
        aria-invalid={all.length > 0}
        aria-describedby={helpId}
        onChange={(e) => {
          setDraft(e.target.value);
          if (e.target.value.trim() === '') {
            setParseError(null);
            onChange(undefined);
            return;
          }
          try {
            onChange(JSON.parse(e.target.value));
            setParseError(null);
          } catch (err) {
            setParseError(`Not valid JSON yet: ${(err as Error).message}`);
          }
        }}
      />
      <Help id={helpId} field={field} errors={all} />
    </div>
  );
}
