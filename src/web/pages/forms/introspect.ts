import { z } from 'zod';

/**
 * What a form needs to know of a zod schema, read from its definition (`_zod.def`, zod v4's
 * introspection surface): the shape of an object, each field's kind, bounds and description, and
 * whether it may be left out. Only the kinds the API's bodies use are recognised; anything else is
 * `unknown` (the form falls back to a JSON text area).
 */
export type FieldKind =
  | { kind: 'object'; fields: FieldSpec[] }
  | { kind: 'enum'; values: string[] }
  | { kind: 'boolean' }
  /** `z.literal(true)`: an attestation, a checkbox that must be ticked. */
  | { kind: 'true' }
  | { kind: 'string'; format: 'text' | 'email' | 'uuid' | 'datetime'; minLength?: number; maxLength?: number }
  | { kind: 'number'; int: boolean; min?: number; max?: number }
  /**
   * A list: of choices (enum or codes), or of objects. `whole` is a literal the union offers
   * instead of a list (`"all"` for the whole certification).
   */
  | { kind: 'list'; item: FieldSpec; min?: number; max?: number; whole?: string }
  | { kind: 'unknown' };

export type FieldSpec = FieldKind & {
  /** The key in its object (empty at the top). */
  name: string;
  /** May be left out (optional, or a default applies). */
  optional: boolean;
  nullable: boolean;
  description?: string;
};

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  values?: unknown[];
  entries?: Record<string, string | number>;
  shape?: Record<string, z.ZodType>;
}

interface CheckDef {
  check?: string;
  format?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  value?: number | bigint;
  inclusive?: boolean;
}

/** Bounds and format of a schema, from its checks (`.min()`, `.max()`, `.int()`, formats). */
interface Bag {
  minimum?: number | bigint;
  maximum?: number | bigint;
  format?: string;
}

const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

function bagOf(s: z.ZodType): Bag {
  const def = defOf(s) as Def & { format?: string; checks?: { _zod: { def: CheckDef } }[] };
  const bag: Bag = def.format ? { format: def.format } : {};
  for (const c of def.checks ?? []) {
    const d = c._zod.def;
    switch (d.check) {
      case 'min_length':
        bag.minimum = d.minimum;
        break;
      case 'max_length':
        bag.maximum = d.maximum;
        break;
      case 'greater_than':
        bag.minimum = d.inclusive ? d.value : undefined;
        break;
      case 'less_than':
        bag.maximum = d.inclusive ? d.value : undefined;
        break;
      case 'number_format':
      case 'string_format':
        bag.format ??= d.format;
        break;
    }
  }
  return bag;
}

function descriptionOf(s: z.ZodType): string | undefined {
  return z.globalRegistry.get(s)?.description ?? s.description;
}

const num = (v: number | bigint | undefined) =>
  v === undefined || !Number.isFinite(Number(v)) || Math.abs(Number(v)) >= Number.MAX_SAFE_INTEGER
    ? undefined
    : Number(v);

/** The spec of one schema (a field named `name`). */
export function specOf(schema: z.ZodType, name = ''): FieldSpec {
  let s = schema;
  let optional = false;
  let nullable = false;
  let description = descriptionOf(s);
  // Wrappers: optional, default, nullable, pipes; the description may be on any of them.
  for (let i = 0; i < 10; i++) {
    const def = defOf(s);
    if (def.type === 'optional' || def.type === 'default' || def.type === 'prefault') optional = true;
    else if (def.type === 'nullable') nullable = true;
    else if (def.type !== 'pipe' && def.type !== 'readonly' && def.type !== 'catch') break;
    s = (def.type === 'pipe' ? def.in : def.innerType)!;
    description ??= descriptionOf(s);
  }
  const base = { name, optional, nullable, ...(description ? { description } : {}) };
  return { ...base, ...kindOf(s) };
}

function kindOf(s: z.ZodType): FieldKind {
  const def = defOf(s);
  const bag = bagOf(s);
  switch (def.type) {
    case 'object':
      return {
        kind: 'object',
        fields: Object.entries(def.shape ?? {}).map(([key, field]) => specOf(field, key)),
      };
    case 'enum':
      return { kind: 'enum', values: Object.values(def.entries ?? {}).map(String) };
    case 'boolean':
      return { kind: 'boolean' };
    case 'literal': {
      const values = def.values ?? [];
      if (values.length === 1 && values[0] === true) return { kind: 'true' };
      if (values.every((v) => typeof v === 'string')) return { kind: 'enum', values: values as string[] };
      return { kind: 'unknown' };
    }
    case 'string': {
      const format =
        bag.format === 'email' || bag.format === 'uuid' || bag.format === 'datetime' ? bag.format : 'text';
      const minLength = num(bag.minimum);
      const maxLength = num(bag.maximum);
      return {
        kind: 'string',
        format,
        ...(minLength !== undefined ? { minLength } : {}),
        ...(maxLength !== undefined ? { maxLength } : {}),
      };
    }
    case 'number': {
      const min = num(bag.minimum);
      const max = num(bag.maximum);
      return {
        kind: 'number',
        int: bag.format === 'safeint' || bag.format === 'int32',
        ...(min !== undefined ? { min } : {}),
        ...(max !== undefined ? { max } : {}),
      };
    }
    case 'array': {
      const min = num(bag.minimum);
      const max = num(bag.maximum);
      return {
        kind: 'list',
        item: specOf(def.element!),
        ...(min !== undefined ? { min } : {}),
        ...(max !== undefined ? { max } : {}),
      };
    }
    case 'union': {
      // `"all"` or a list: the list, with its alternative.
      const options = (def.options ?? []).map((o) => specOf(o));
      const list = options.find((o) => o.kind === 'list');
      const whole = options.find(
        (o): o is FieldSpec & { kind: 'enum' } => o.kind === 'enum' && o.values.length === 1,
      );
      if (options.length === 2 && list && whole) {
        const { name: _n, optional: _o, nullable: _u, description: _d, ...kind } = list;
        return { ...(kind as FieldKind & { kind: 'list' }), whole: whole.values[0]! };
      }
      if (options.every((o) => o.kind === 'enum')) {
        return { kind: 'enum', values: options.flatMap((o) => (o.kind === 'enum' ? o.values : [])) };
      }
      return { kind: 'unknown' };
    }
    default:
      return { kind: 'unknown' };
  }
}
