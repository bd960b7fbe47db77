import type * as v from 'valibot';

/** Where a schema failed, in words: the field's path, what it should hold and what it holds. */
export interface SchemaIssueDescription {
  /** `root` followed by the field's path, e.g. `checkpoint.generator.weightSpecs[3].shape`. */
  readonly field: string;
  readonly expected: string;
  readonly received: string;
}

/**
 * Turns a valibot issue (usually a failed parse's first) into a field path, an expectation and the
 * received value, for errors that name the field of a file or value from a stranger. Validation
 * actions and `custom`/`instance` schemas carry their expectation as their message, so give them one
 * (`v.integer('a non-negative integer')`, `v.instance(ArrayBuffer, 'an ArrayBuffer')`); type issues
 * are put in words from valibot's `expected` ("an object", "a number", "the value 1", `one of "a" |
 * "b"` for a picklist or variant). A missing object field reads "expected this field, received
 * nothing (the field is missing)".
 *
 * @param root - the name the path starts with (`'checkpoint'`, `'model.json'`); `''` for none, so
 *   that the field starts with `.` or `[` (strip it, or print "the whole value" when empty).
 * @example
 * ```ts
 * const parsed = v.safeParse(v.object({ steps: v.number() }), JSON.parse(text));
 * if (!parsed.success) {
 *   const { field, expected, received } = describeSchemaIssue('run.json', parsed.issues[0]);
 *   throw new InvalidFileError('run.json', `${field} to be ${expected}`, received); // run.json.steps to be a number, received "10"
 * }
 * ```
 */
export function describeSchemaIssue(root: string, issue: v.BaseIssue<unknown>): SchemaIssueDescription {
  let field = root;
  for (const item of issue.path ?? []) {
    const key = item.key;
    if (typeof key === 'number') field += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) field += `.${key}`;
    else field += `[${JSON.stringify(String(key))}]`;
  }
  if (issue.kind === 'schema' && issue.type.endsWith('object') && issue.received === 'undefined' && issue.path) {
    return { field, expected: 'this field', received: 'nothing (the field is missing)' };
  }
  return { field, expected: expectation(issue), received: issue.received };
}

function expectation(issue: v.BaseIssue<unknown>): string {
  if (issue.kind !== 'schema' || issue.expected === null) return issue.message;
  switch (issue.type) {
    case 'custom':
    case 'instance':
      // GANForge's schemas give these an expectation as their message ("an ArrayBuffer").
      return issue.message;
    case 'object':
    case 'loose_object':
    case 'strict_object':
    case 'record':
      return 'an object';
    case 'array':
      return 'an array';
    case 'number':
      return 'a number';
    case 'string':
      return 'a string';
    case 'literal':
      return `the value ${issue.expected}`;
    case 'picklist':
    case 'variant':
      return `one of ${issue.expected.replace(/^\((.*)\)$/, '$1')}`;
    default:
      return issue.expected;
  }
}
