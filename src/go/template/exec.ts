// text/template's executor (text/template/exec.go): walks the parse tree over typed values
// (reflect.ts), with variables, range/break/continue and lazily evaluated and/or.
import { printValue } from '../fmt.js';
import { derefType, dynTypeName, INT, isObject, lookupKey, STRING, typeName, withZero, type Value } from '../reflect.js';
import { callBuiltin, truth } from './funcs.js';
import type { Command, Operand, Pipe, TNode } from './parse.js';

class BreakSignal {}
class ContinueSignal {}

export class Exec {
  readonly out: string[] = [];
  private vars: { name: string; val: Value }[];
  /** `fail` throws the execution error for a source position. */
  constructor(root: Value, readonly fail: (pos: number, msg: string) => never) {
    this.vars = [{ name: '$', val: root }];
  }

  walkList(dot: Value, list: TNode[]): void {
    for (const n of list) this.walk(dot, n);
  }

  private scoped(fn: () => void): void {
    const mark = this.vars.length;
    try { fn(); } finally { this.vars.length = mark; }
  }

  private walk(dot: Value, n: TNode): void {
    switch (n.k) {
      case 'text':
        this.out.push(n.text);
        return;
      case 'action': {
        const val = this.evalPipe(dot, n.pipe);
        if (n.pipe.decl.length === 0) this.out.push(printTop(val));
        return;
      }
      case 'if':
      case 'with':
        this.scoped(() => {
          const val = this.evalPipe(dot, n.pipe);
          if (truth(val)) this.walkList(n.k === 'with' ? val : dot, n.list);
          else if (n.elseList) this.walkList(dot, n.elseList);
        });
        return;
      case 'range':
        this.scoped(() => this.walkRange(dot, n));
        return;
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
    }
  }

  private walkRange(dot: Value, n: Extract<TNode, { k: 'range' }>): void {
    const decl = n.pipe.decl;
    const val = this.evalPipe(dot, { ...n.pipe, decl: [] });
    const items: [Value, Value][] = [];
    const v = val.v;
    const t = derefType(val.t);
    if (v === undefined || v === null) {
      // nil ranges as empty
    } else if (Array.isArray(v)) {
      const elemT = t?.kind === 'slice' ? t.elem : undefined;
      v.forEach((e, i) => items.push([{ v: i, t: INT }, elemT ? withZero(e, elemT) : { v: e }]));
    } else if (isObject(v) && t?.kind !== 'struct') {
      const elemT = t?.kind === 'map' ? t.elem : undefined;
      for (const k of Object.keys(v).sort()) items.push([{ v: k, t: STRING }, elemT ? withZero(v[k], elemT) : { v: v[k] }]);
    } else if (typeof v === 'number' && Number.isInteger(v)) {
      for (let i = 0; i < v; i++) items.push([{ v: i, t: INT }, { v: i, t: INT }]);
    } else {
      this.fail(n.pos, `range can't iterate over ${printValue(val, false)}`);
    }
    if (items.length === 0) {
      if (n.elseList) this.walkList(dot, n.elseList);
      return;
    }
    const mark = this.vars.length;
    for (const [key, elem] of items) {
      this.vars.length = mark;
      if (decl.length === 1) this.vars.push({ name: decl[0]!, val: elem });
      if (decl.length === 2) this.vars.push({ name: decl[0]!, val: key }, { name: decl[1]!, val: elem });
      try {
        this.walkList(elem, n.list);
      } catch (e) {
        if (e instanceof BreakSignal) break;
        if (e instanceof ContinueSignal) continue;
        throw e;
      }
    }
  }

  private evalPipe(dot: Value, pipe: Pipe): Value {
    let val: Value | undefined;
    for (const cmd of pipe.cmds) val = this.evalCommand(dot, cmd, val);
    const result = val!;
    if (pipe.decl.length > 0) {
      const name = pipe.decl[0]!;
      if (pipe.assign) {
        const slot = [...this.vars].reverse().find((x) => x.name === name);
        if (!slot) this.fail(pipe.pos, `undefined variable: ${name}`);
        slot.val = result;
      } else {
        this.vars.push({ name, val: result });
      }
    }
    return result;
  }

  private evalCommand(dot: Value, cmd: Command, final: Value | undefined): Value {
    const first = cmd.args[0]!;
    if (first.k === 'func') {
      return this.callFunc(dot, first, cmd.args.slice(1), final);
    }
    return this.evalOperand(dot, first);
  }

  private evalOperand(dot: Value, o: Operand): Value {
    switch (o.k) {
      case 'dot':
        return dot;
      case 'field':
        return this.evalChain(dot, o.chain, o.pos, '');
      case 'var': {
        const slot = [...this.vars].reverse().find((x) => x.name === o.name);
        if (!slot) return this.fail(o.pos, `undefined variable: ${o.name}`);
        return this.evalChain(slot.val, o.chain, o.pos, o.name);
      }
      case 'literal':
        return o.value;
      case 'pipe':
        return this.scopedValue(() => this.evalChain(this.evalPipe(dot, o.pipe), o.chain, o.pos, '(…)'));
      case 'func':
        return this.callFunc(dot, o, [], undefined);
    }
  }

  private scopedValue(fn: () => Value): Value {
    const mark = this.vars.length;
    try { return fn(); } finally { this.vars.length = mark; }
  }

  private evalChain(recv: Value, chain: string[], pos: number, prefix: string): Value {
    let cur = recv;
    let path = prefix;
    for (const field of chain) {
      cur = this.getField(cur, field, pos, path);
      path += `.${field}`;
    }
    return cur;
  }

  private getField(recv: Value, field: string, pos: number, path: string): Value {
    let t = recv.t;
    let v = recv.v;
    if (t?.kind === 'ptr') {
      if (v === undefined || v === null) return this.fail(pos, `nil pointer evaluating ${typeName(t)}.${field}`);
      t = t.elem;
    }
    if (v === undefined || v === null) {
      return this.fail(pos, `nil pointer evaluating interface {}.${field} (at ${path || '.'})`);
    }
    if (t?.kind === 'struct') {
      const method = t.methods?.[field];
      if (method) return method(v);
      const def = t.fields[field];
      if (def) {
        let raw: unknown = v;
        for (const k of def.json) raw = isObject(raw) ? raw[k] : undefined;
        return withZero(raw, def.type);
      }
      if (isObject(v)) {
        const key = lookupKey(v, field);
        if (key !== undefined) return { v: v[key] };
      }
      return this.fail(pos, `can't evaluate field ${field} in type ${t.name}`);
    }
    if (t?.kind === 'map') {
      if (!isObject(v)) return this.fail(pos, `can't evaluate field ${field} in type ${typeName(t)}`);
      return withZero(Object.hasOwn(v, field) ? v[field] : undefined, t.elem);
    }
    if (t && t.kind !== 'dynamic') return this.fail(pos, `can't evaluate field ${field} in type ${typeName(t)}`);
    if (!isObject(v)) return this.fail(pos, `can't evaluate field ${field} in type ${dynTypeName(v)}`);
    const key = lookupKey(v, field);
    return { v: key === undefined ? undefined : v[key] };
  }

  private callFunc(dot: Value, fn: { name: string; pos: number }, argOps: Operand[], final: Value | undefined): Value {
    const pos = fn.pos;
    // and/or short-circuit (Go 1.18+): evaluate lazily and return the deciding operand itself.
    if (fn.name === 'and' || fn.name === 'or') {
      const thunks: (() => Value)[] = argOps.map((a) => () => this.evalOperand(dot, a));
      if (final) thunks.push(() => final);
      if (thunks.length === 0) this.fail(pos, `wrong number of args for ${fn.name}: want at least 1 got 0`);
      let last: Value = { v: undefined };
      for (const th of thunks) {
        last = th();
        if (fn.name === 'and' ? !truth(last) : truth(last)) return last;
      }
      return last;
    }
    const args = argOps.map((a) => this.evalOperand(dot, a));
    if (final) args.push(final);
    return callBuiltin(fn.name, args, (msg) => this.fail(pos, msg));
  }
}

function printTop(val: Value): string {
  if ((val.v === undefined || val.v === null) && (!val.t || val.t.kind === 'dynamic')) return '<no value>';
  return printValue(val, true);
}
