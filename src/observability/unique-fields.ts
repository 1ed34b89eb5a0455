// pino writes a child's bindings after its parent's and a call's fields after both, so
// `log.child({ component: 'hook' }).child({ component: 'config' })` or `child({ org }).info({ org })`
// writes the key twice in one line: JSON.parse keeps the last, jq and log shippers disagree. Here the
// later, more specific value replaces the earlier one, which is what JSON.parse showed, and keys that
// clash with the line's own (level, severity, time, msg) move to `fields.<key>` as logrus does
// (prefixFieldClashes in sirupsen/logrus formatter.go).
import { pino, type LogFn, type Logger } from 'pino';
import { redactFields } from './redact.js';

const BOUND = Symbol('prow.boundFields');
const RESERVED = new Set(['level', 'severity', 'time', 'msg']);
const NONE: Readonly<Record<string, unknown>> = Object.freeze({});

type Fields = Record<string, unknown>;
type Bound = Logger & { [BOUND]?: Fields; [pino.symbols.chindingsSym]: string };

const boundOf = (log: Logger): Fields => (log as Bound)[BOUND] ?? NONE;

/** Makes every child of `root` (and their children) replace an inherited key instead of repeating it. */
export function installUniqueChild(root: Logger): Logger {
  const pinoChild = root.child;
  const uniqueChild = function (this: Logger, given: Fields, options?: Parameters<Logger['child']>[1]): Logger {
    const bindings = redactFields(given); // pino's log formatter sees only a call's own fields
    const parent = boundOf(this);
    let clash = false;
    for (const key in bindings) {
      if (Object.hasOwn(parent, key)) {
        clash = true;
        break;
      }
    }
    const merged = { ...parent, ...bindings };
    const child = pinoChild.call(this, clash ? {} : bindings, options) as unknown as Bound;
    if (clash) {
      // Rebuild the child's serialized bindings from the merged set.
      child[pino.symbols.chindingsSym] = '';
      child.setBindings(merged);
    }
    child[BOUND] = merged;
    return child;
  };
  (root as { child: unknown }).child = uniqueChild;
  (root as Bound)[BOUND] = NONE;
  return root;
}

/** pino's `hooks.logMethod`: a call's fields that repeat a bound key replace it; reserved keys move aside. */
export function uniqueLogMethod(this: Logger, args: Parameters<LogFn>, method: LogFn): void {
  const first = args[0] as unknown;
  if (first === null || typeof first !== 'object' || first instanceof Error) {
    method.apply(this, args);
    return;
  }
  const fields = first as Fields;
  const bound = boundOf(this);
  let clash = false;
  for (const key in fields) {
    if (RESERVED.has(key) || Object.hasOwn(bound, key)) {
      clash = true;
      break;
    }
  }
  if (!clash) {
    method.apply(this, args);
    return;
  }
  const own: Fields = {};
  const overrides: Fields = {};
  let overridden = false;
  for (const [key, value] of Object.entries(fields)) {
    if (RESERVED.has(key)) own[`fields.${key}`] = value;
    else if (!Object.hasOwn(bound, key)) own[key] = value;
    else if (bound[key] !== value) {
      overrides[key] = value;
      overridden = true;
    }
  }
  const target = overridden ? this.child(overrides) : this;
  method.apply(target, [own, ...args.slice(1)] as Parameters<LogFn>);
}
