/**
 * Turns a block's JSON Schema (generated from its zod schema by `z.toJSONSchema`) into field
 * descriptors for the inspector, so the form never restates what the schema already says.
 */

export type JsonSchema = {
  type?: string | string[];
  title?: string;
  description?: string;
  unit?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  [extra: string]: unknown;
};

type Common = {
  key: string;
  label: string;
  help?: string;
  unit?: string;
  required: boolean;
  defaultValue?: unknown;
};

export type Option = { value: string | number | boolean; label: string };

export type Field =
  | (Common & {
      kind: 'number';
      integer: boolean;
      min?: number;
      max?: number;
      exclusiveMin?: number;
      exclusiveMax?: number;
      step?: number;
    })
  | (Common & {
      kind: 'text';
      pattern?: string;
      minLength?: number;
      maxLength?: number;
      placeholder?: string;
    })
  | (Common & { kind: 'boolean' })
  | (Common & { kind: 'select'; options: Option[] })
  | (Common & { kind: 'multiselect'; options: Option[]; minItems?: number; maxItems?: number })
  | (Common & { kind: 'constant'; value: unknown })
  | (Common & { kind: 'object'; fields: Field[] })
  | (Common & {
      kind: 'union';
      discriminator: string;
      variants: { value: Option['value']; label: string; schema: JsonSchema }[];
    })
  | (Common & { kind: 'list'; item: JsonSchema; minItems?: number; maxItems?: number })
  | (Common & { kind: 'json'; schema: JsonSchema });

/** Follows `$ref` into the root's `$defs` and merges single-entry `allOf` wrappers zod emits. */
export function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let s = schema;
  for (let guard = 0; guard < 20; guard++) {
    if (s.$ref) {
      const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(s.$ref);
      const target = m
        ? (root[m[1]] as Record<string, JsonSchema> | undefined)?.[decodeURIComponent(m[2])]
        : undefined;
      if (!target) return s;
      const { $ref: _ref, ...rest } = s;
      s = { ...target, ...rest };
      continue;
    }
    if (s.allOf && s.allOf.length === 1 && !s.properties && !s.type) {
      const { allOf, ...rest } = s;
      s = { ...allOf[0], ...rest };
      continue;
    }
    return s;
  }
  return s;
}

const ACRONYMS = new Set([
  'atm',
  'itm',
  'otm',
  'iv',
  'vix',
  'mtm',
  'ltp',
  'hv',
  'ce',
  'pe',
  'fut',
  'sl',
  'dte',
]);

/** `stopLossPct` -> `Stop loss %`, `atmFrom` -> `ATM from`: the words a trader uses. */
export function humanize(key: string): string {
  const words = key
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .trim()
    .split(/\s+/);
  return words
    .map((w, i) => {
      const lower = w.toLowerCase();
      if (ACRONYMS.has(lower) || /^[A-Z0-9]{2,}$/.test(w)) return w.toUpperCase();
      if (lower === 'pct') return '%';
      return i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : lower;
    })
    .join(' ');
}

function optionLabel(v: unknown): string {
  if (typeof v === 'string') return /^[A-Z0-9_]+$/.test(v) ? v.replace(/_/g, ' ') : humanize(v);
  return String(v);
}

function variantsOf(s: JsonSchema): JsonSchema[] | undefined {
  return s.oneOf ?? s.anyOf;
}

/** A union of objects that all pin the same property to a constant: the usual `kind`/`type` tag. */
function findDiscriminator(variants: JsonSchema[], root: JsonSchema): string | undefined {
  const objs = variants.map((v) => resolve(v, root));
  if (!objs.every((o) => o.properties)) return undefined;
  const first = objs[0].properties ?? {};
  for (const key of Object.keys(first)) {
    const consts = objs.map((o) => {
      const p = o.properties?.[key] ? resolve(o.properties[key], root) : undefined;
      if (!p) return undefined;
      if (p.const !== undefined) return p.const;
      if (p.enum?.length === 1) return p.enum[0];
      return undefined;
    });
    if (consts.every((c) => c !== undefined) && new Set(consts.map(String)).size === consts.length)
      return key;
  }
  return undefined;
}

export function constOf(s: JsonSchema, key: string, root: JsonSchema): unknown {
  const p = s.properties?.[key] ? resolve(s.properties[key], root) : undefined;
  return p?.const !== undefined ? p.const : p?.enum?.[0];
}

function nonNull(s: JsonSchema, root: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const vs = variantsOf(s);
  if (vs) {
    const rest = vs.filter((v) => resolve(v, root).type !== 'null');
    if (rest.length === 1 && rest.length < vs.length) {
      const { anyOf: _a, oneOf: _o, ...outer } = s;
      return { schema: { ...resolve(rest[0], root), ...outer }, nullable: true };
    }
  }
  return { schema: s, nullable: false };
}

export function describeField(
  key: string,
  raw: JsonSchema,
  required: boolean,
  root: JsonSchema,
): Field {
  const s0 = resolve(raw, root);
  const { schema: s } = nonNull(s0, root);
  const common: Common = {
    key,
    label: s.title ?? humanize(key),
    help: s.description,
    unit: typeof s.unit === 'string' ? s.unit : undefined,
    required,
    defaultValue: s.default,
  };
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (s.const !== undefined) return { ...common, kind: 'constant', value: s.const };
  if (s.enum) {
    if (s.enum.length === 1) return { ...common, kind: 'constant', value: s.enum[0] };
    return {
      ...common,
      kind: 'select',
      options: s.enum.map((v) => ({ value: v as Option['value'], label: optionLabel(v) })),
    };
  }
  const vs = variantsOf(s);
  if (vs) {
    const resolved = vs.map((v) => resolve(v, root));
    // A union of constants (z.union of literals) reads best as one select.
    if (resolved.every((v) => v.const !== undefined || v.enum?.length === 1)) {
      return {
        ...common,
        kind: 'select',
        options: resolved.map((v) => {
          const value = (v.const ?? v.enum?.[0]) as Option['value'];
          return { value, label: v.title ?? optionLabel(value) };
        }),
      };
    }
    const disc = findDiscriminator(resolved, root);
    if (disc) {
      return {
        ...common,
        kind: 'union',
        discriminator: disc,
        variants: resolved.map((v) => {
          const value = constOf(v, disc, root) as Option['value'];
          return { value, label: v.title ?? optionLabel(value), schema: v };
        }),
      };
    }
    return { ...common, kind: 'json', schema: s };
  }
  if (type === 'number' || type === 'integer') {
    return {
      ...common,
      kind: 'number',
      integer: type === 'integer',
      min: s.minimum,
      max: s.maximum,
      exclusiveMin: s.exclusiveMinimum,
      exclusiveMax: s.exclusiveMaximum,
      step: s.multipleOf ?? (type === 'integer' ? 1 : undefined),
    };
  }
  if (type === 'boolean') return { ...common, kind: 'boolean' };
  if (type === 'string') {
    return {
      ...common,
      kind: 'text',
      pattern: s.pattern,
      minLength: s.minLength,
      maxLength: s.maxLength,
      placeholder:
        s.pattern === '^([01]\\d|2[0-3]):[0-5]\\d$' || /HH:MM/i.test(s.description ?? '')
          ? 'HH:MM'
          : undefined,
    };
  }
  if (type === 'array' && s.items) {
    const item = nonNull(resolve(s.items, root), root).schema;
    if (item.enum) {
      return {
        ...common,
        kind: 'multiselect',
        options: item.enum.map((v) => ({ value: v as Option['value'], label: optionLabel(v) })),
        minItems: s.minItems,
        maxItems: s.maxItems,
      };
    }
    return { ...common, kind: 'list', item, minItems: s.minItems, maxItems: s.maxItems };
  }
  if (type === 'object' && s.properties) {
    return { ...common, kind: 'object', fields: describeObject(s, root) };
  }
  return { ...common, kind: 'json', schema: s };
}

export function describeObject(
  schema: JsonSchema,
  root: JsonSchema = schema,
  skip: ReadonlySet<string> = new Set(),
): Field[] {
  const s = resolve(schema, root);
  const req = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {})
    .filter(([k]) => !skip.has(k))
    .map(([k, v]) => describeField(k, v, req.has(k), root));
}

/** A starting value that satisfies the shape: defaults where given, else the first choice. */
export function initialValue(schema: JsonSchema, root: JsonSchema): unknown {
  const s = nonNull(resolve(schema, root), root).schema;
  if (s.default !== undefined) return structuredClone(s.default);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  const vs = variantsOf(s);
  if (vs?.length) return initialValue(vs[0], root);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  if (type === 'object') {
    const out: Record<string, unknown> = {};
    // Required fields get a value, and so do fields with a default, so the form shows what applies.
    const req = new Set(s.required ?? []);
    for (const [k, p] of Object.entries(s.properties ?? {})) {
      if (req.has(k) || resolve(p, root).default !== undefined) out[k] = initialValue(p, root);
    }
    return out;
  }
  if (type === 'array') return [];
  if (type === 'boolean') return false;
  if (type === 'string') return '';
  if (type === 'number' || type === 'integer')
    return s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 0);
  return null;
}

/** What a level's number means, read from its sibling `type`/`unit` choice (a 30 "pct" stop-loss is 30 %). */
const LEVEL_UNITS: Record<string, string> = {
  points: 'points',
  pct: '%',
  underlyingPoints: 'underlying points',
  underlyingPct: 'underlying %',
  premium: 'premium',
  mtm: 'money',
  premiumPct: '% of total premium',
  amount: 'money',
};

export function withUnit(field: Field, parent: unknown): Field {
  if (field.kind !== 'number' || field.unit || !parent || typeof parent !== 'object') return field;
  const p = parent as Record<string, unknown>;
  const choice =
    typeof p.unit === 'string' ? p.unit : typeof p.type === 'string' ? p.type : undefined;
  const unit = choice ? LEVEL_UNITS[choice] : undefined;
  return unit ? { ...field, unit } : field;
}
