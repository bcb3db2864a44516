import { z } from 'zod';
import { visible } from './messages-fr.js';

export { visible };

/**
 * Text hygiene for every string the API reads. PostgreSQL refuses U+0000 (a 500 before this
 * check), and a lone UTF-16 surrogate, which JSON's `\ud800` escape produces, is turned into
 * U+FFFD by the driver without a word. Both, the other C0 and C1 control characters, DEL, and
 * U+FFFD itself (what the JSON parser makes of bytes that are not UTF-8) are refused with a 400
 * naming the field. Names, codes and one-line text admit no control character at all; multi-line
 * free text (declared with `multiline: true`) admits the tab and line breaks (\t, \n, \r).
 */

/** Codes of `errors[].code` for a refused text, stable for clients. */
export type TextProblemCode = 'control_character' | 'malformed_unicode';

export interface TextProblem {
  code: TextProblemCode;
  message: string;
}

// Matching control characters is the point of these patterns.
/* eslint-disable no-control-regex */
const CONTROL_SINGLE_LINE = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_MULTILINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/* eslint-enable no-control-regex */
/** With the `u` flag a proper surrogate pair is one code point: only lone halves match. */
const LONE_SURROGATE = /\p{Cs}/u;
const REPLACEMENT = /\ufffd/;

const NAMED: Record<number, string> = {
  0x00: 'caractère nul',
  0x09: 'tabulation',
  0x0a: 'saut de ligne',
  0x0d: 'retour chariot',
  0x1b: 'échappement',
  0x7f: 'suppression',
  0x85: 'fin de ligne C1',
};

function codePoint(c: number): string {
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** 1-based position in characters (code points), as a person counts them. */
function positionOf(s: string, index: number): number {
  return [...s.slice(0, index)].length + 1;
}

/** The first reason `s` may not be stored, or undefined if it is clean. */
export function inspectText(s: string, opts: { multiline?: boolean } = {}): TextProblem | undefined {
  const control = (opts.multiline ? CONTROL_MULTILINE : CONTROL_SINGLE_LINE).exec(s);
  const surrogate = LONE_SURROGATE.exec(s);
  const replacement = REPLACEMENT.exec(s);
  const first = [control, surrogate, replacement]
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => a.index - b.index)[0];
  if (!first) return undefined;
  const c = first[0].charCodeAt(0);
  const at = `en position ${positionOf(s, first.index)}`;
  if (first === control) {
    const name = NAMED[c];
    return {
      code: 'control_character',
      message: `Caractère de contrôle interdit (${codePoint(c)}${name ? `, ${name}` : ''}) ${at}.`,
    };
  }
  if (first === surrogate) {
    return {
      code: 'malformed_unicode',
      message: `Unicode mal formé : demi-paire de substitution isolée (${codePoint(c)}) ${at}.`,
    };
  }
  return {
    code: 'malformed_unicode',
    message: `Unicode mal formé : caractère de remplacement U+FFFD ${at} (texte qui n’était pas en UTF-8).`,
  };
}

/**
 * The zod check of a text: the first problem, as a custom issue carrying its code in
 * `params.reason` (read by `parseOrThrow`), that stops the checks after it (trim, length,
 * pattern): those would only add noise about a text that cannot be stored anyway.
 */
function cleanText(multiline: boolean) {
  return (value: string, ctx: z.core.$RefinementCtx<string>) => {
    const problem = inspectText(value, { multiline });
    if (problem) {
      ctx.addIssue({
        code: 'custom',
        message: problem.message,
        params: { reason: problem.code },
        continue: false,
      });
    }
  };
}

export interface TextOptions {
  /** Minimum length after trimming; default 1 (a text is not empty). 0 allows the empty text. */
  min?: number;
  max: number;
  /** Multi-line free text: \t, \n and \r allowed. Default false (names, codes, one-line text). */
  multiline?: boolean;
  /** Trim surrounding whitespace before the length checks (default true). */
  trim?: boolean;
}

/** A free text: clean (see above), trimmed, from `min` (default 1) to `max` characters. */
export function text(opts: TextOptions): z.ZodString {
  let schema = z.string().superRefine(cleanText(opts.multiline === true));
  if (opts.trim !== false) schema = schema.trim();
  const min = opts.min ?? 1;
  if (min > 0) schema = schema.min(min);
  return schema.max(opts.max);
}

/** A machine code matched by `pattern` (RNCP code, block code…), with a French message. */
export function code(pattern: RegExp, message: string): z.ZodString {
  return z.string().superRefine(cleanText(false)).regex(pattern, message);
}

/** A text without any length or pattern rule beyond cleanliness (query filters, opaque keys). */
export function plainString(opts: { max: number }): z.ZodString {
  return z.string().superRefine(cleanText(false)).max(opts.max);
}

/** An e-mail address (at most 254 characters). */
export function email() {
  return z.email().max(254).superRefine(cleanText(false));
}

/**
 * An http(s) URL of one line: the URL parser would let a control character through (it
 * percent-encodes it), so the text check runs on the URL as given.
 */
export function httpUrl(opts: { max: number }) {
  return z
    .url({ protocol: /^https?$/ })
    .max(opts.max)
    .superRefine(cleanText(false));
}

/** A UUID. */
export function uuid() {
  return z.uuid().superRefine(cleanText(false));
}

/** An ISO 8601 date and time with its offset (`Z` or `+01:00`). */
export function isoDateTime() {
  return z.iso.datetime({ offset: true }).superRefine(cleanText(false));
}

/** Segments of a path named in an error, at most. */
const MAX_PATH = 32;

/**
 * Every string of a request (values and keys, at any depth, in arrays and record-like objects)
 * that `inspectText` refuses even as multi-line text: the net under the schemas, so that a string
 * schema that is not built here (a route written elsewhere, `z.string()`, an enum, a record's
 * keys, a key the schema strips) lets nothing unstorable through. Iterative, so a deeply nested
 * body cannot overflow the stack; stops at `limit` problems.
 */
export function findDirtyText(
  value: unknown,
  limit = 20,
): { path: (string | number)[]; problem: TextProblem }[] {
  // A node's path is kept as a link to its parent's, made into an array only for a problem:
  // copying it at every level would cost the square of the depth.
  interface Node {
    value: unknown;
    parent?: Node;
    key?: string | number;
  }
  const pathOf = (node: Node, last?: string): (string | number)[] => {
    const path: (string | number)[] = last === undefined ? [] : [last];
    for (let n: Node | undefined = node; n?.key !== undefined; n = n.parent) path.push(n.key);
    path.reverse();
    // A path through a deeply nested body is cut, not echoed in full.
    return path.length > MAX_PATH ? [...path.slice(0, MAX_PATH), '…'] : path;
  };
  const found: { path: (string | number)[]; problem: TextProblem }[] = [];
  const stack: Node[] = [{ value }];
  while (stack.length && found.length < limit) {
    const node = stack.pop()!;
    const v = node.value;
    if (typeof v === 'string') {
      const problem = inspectText(v, { multiline: true });
      if (problem) found.push({ path: pathOf(node), problem });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], parent: node, key: i });
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        const problem = inspectText(key);
        if (problem) {
          found.push({
            path: pathOf(node, visible(key)),
            problem: {
              code: problem.code,
              message: `Nom de champ invalide : ${lowerFirst(problem.message)}`,
            },
          });
        } else {
          stack.push({ value: (v as Record<string, unknown>)[key], parent: node, key });
        }
      }
    }
  }
  return found;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
