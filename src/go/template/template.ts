// A Go text/template subset for the templates Prow's config carries (plank.job_url_template,
// plank.report_templates, slack report_template). Templates parse once, at compile time; syntax errors
// and unsupported constructs throw TemplateError with line and column. Data addressed with Go field names
// (`.Spec.Refs.BaseSHA`) resolves through the Go type the caller passes (the ProwJob's is in
// src/api/prowjob-go-type.ts), and through a name fallback for untyped data (docs/prowjob.md).
import type { GoType, Value } from '../reflect.js';
import { Exec } from './exec.js';
import { Lexer } from './lex.js';
import { Parser } from './parse.js';

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(
    readonly template: string,
    readonly line: number,
    readonly column: number,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`template: ${template}:${line}:${column}: ${detail}`, options);
  }
}

export interface RenderOptions {
  /** The Go type of the data (e.g. PROWJOB_GO_TYPE). Default: dynamic, Go names resolve through the key fallback. */
  type?: GoType;
}

export interface GoTemplate {
  readonly name: string;
  readonly source: string;
  render(data: unknown, options?: RenderOptions): string;
}

export function compileGoTemplate(source: string, name = 'template'): GoTemplate {
  const fail = (pos: number, msg: string): never => {
    const { line, column } = lineCol(source, pos);
    throw new TemplateError(name, line, column, msg);
  };
  const toks = new Lexer(source, fail).run();
  const tree = new Parser(toks, fail).parseTemplate();
  return {
    name,
    source,
    render(data: unknown, options?: RenderOptions): string {
      const type = options?.type;
      const root: Value = type ? { v: data, t: type } : { v: data };
      const exec = new Exec(root, (pos, msg) => fail(pos, `executing: ${msg}`));
      exec.walkList(root, tree);
      return exec.out.join('');
    },
  };
}

function lineCol(src: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < src.length; i++) {
    if (src[i] === '\n') { line++; lineStart = i + 1; }
  }
  return { line, column: pos - lineStart + 1 };
}
