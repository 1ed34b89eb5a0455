import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger, resolveLogLevel, setLogLevel, type LoggerOptions } from '../../src/observability/logger.js';
import { LogLevelError, parseLogLevel } from '../../src/observability/log-level.js';
import { redactFields } from '../../src/observability/redact.js';
import { duplicateKeys } from '../support/raw-json.js';

function capture(options: Omit<LoggerOptions, 'destination'> & { tty?: boolean } = {}) {
  let out = '';
  const destination = Object.assign(
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        out += chunk.toString();
        cb();
      },
    }),
    options.tty ? { isTTY: true } : {},
  );
  const { tty: _tty, ...rest } = options;
  const log = createLogger({ destination, level: 'debug', ...rest });
  const raw = (): string[] => out.split('\n').filter(Boolean);
  return { log, text: () => out, raw, lines: () => raw().map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('logger redaction', () => {
  it('hides credentials nested in errors, headers and options objects', async () => {
    const { log, text, lines } = capture();
    // An error shaped like an HTTP client's, carrying the request's headers.
    const err = Object.assign(new Error('request failed'), { request: { headers: { authorization: 'token SECRET-A', cookie: 'SECRET-B' } } });
    log.error({ err }, 'github call failed');
    log.info({ req: { headers: { cookie: 'SECRET-C', 'set-cookie': 'SECRET-D' } } }, 'request');
    log.info({ flags: { github: { token: 'SECRET-E' }, oauth: { client_secret: 'SECRET-F', clientSecret: 'SECRET-G' } } }, 'starting');
    log.info({ cookieSecret: 'SECRET-H', private_key: 'SECRET-I', app: { privateKey: 'SECRET-J' }, access_token: 'SECRET-K' }, 'more');
    await flush();
    assert.doesNotMatch(text(), /SECRET-/);
    const [first, , third] = lines();
    assert.equal(((first!.err as Record<string, any>).request.headers as Record<string, unknown>).authorization, '[redacted]');
    assert.equal((first!.err as Record<string, unknown>).message, 'request failed', 'the rest of the error stays');
    assert.deepEqual((third!.flags as Record<string, any>).github, { token: '[redacted]' });
  });

  it('hides credentials bound to a child, also when a child rebinds them', async () => {
    const { log, text } = capture();
    log.child({ token: 'SECRET-1' }).child({ token: 'SECRET-2' }).info('bound');
    log.child({ component: 'a' }).child({ component: 'b', token: 'SECRET-3' }).info('rebound');
    await flush();
    assert.doesNotMatch(text(), /SECRET-/);
  });
});

describe('redactFields', () => {
  it('replaces secret keys down to depth 4, in arrays and errors, without changing the input', () => {
    class GitHubError extends Error {}
    const err = Object.assign(new GitHubError('bad credentials'), { request: { headers: { authorization: 'token A' } } });
    const input = { list: [{ token: 'B' }, 'plain'], a: { b: { c: { d: { secret: 'C', e: { secret: 'too deep' } } } } }, err, n: 1 };
    const out = redactFields(input);
    assert.deepEqual((out.list as unknown[])[0], { token: '[redacted]' });
    assert.equal(out.a.b.c.d.secret, '[redacted]');
    assert.equal(out.a.b.c.d.e.secret, 'too deep', 'as pino\'s redact paths: keys at depth 0 to 4');
    assert.ok(out.err instanceof GitHubError, 'the copy keeps its class');
    assert.equal(out.err.message, 'bad credentials');
    assert.equal(out.err.request.headers.authorization, '[redacted]');
    assert.equal(err.request.headers.authorization, 'token A', 'the input is unchanged');
    assert.equal((input.list[0] as { token: string }).token, 'B');
    const clean = { a: { b: 1 }, list: [1, 2] };
    assert.equal(redactFields(clean), clean, 'nothing to hide: no copy');
  });

  it('an error keeps its type in the line', async () => {
    class GitHubError extends Error {}
    const { log, lines } = capture({ format: 'json' });
    log.error({ err: Object.assign(new GitHubError('x'), { token: 'SECRET' }) }, 'failed');
    await flush();
    const err = lines()[0]!.err as Record<string, unknown>;
    assert.deepEqual([err.type, err.message, err.token], ['GitHubError', 'x', '[redacted]']);
  });
});

describe('logger line shape (upstream logrus JSON)', () => {
  it('writes level and severity as logrus words, msg, and time in RFC 3339', async () => {
    const { log, lines } = capture({ level: 'trace', format: 'json' });
    log.trace('t');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    log.fatal('f');
    await flush();
    const got = lines();
    assert.deepEqual(got.map((l) => [l.level, l.severity, l.msg]), [
      ['trace', 'trace', 't'], ['debug', 'debug', 'd'], ['info', 'info', 'i'], ['warning', 'warning', 'w'], ['error', 'error', 'e'], ['fatal', 'fatal', 'f'],
    ]);
    for (const l of got) {
      assert.match(String(l.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/);
      assert.ok(!Number.isNaN(Date.parse(String(l.time))));
    }
  });

  it('never writes a key twice in one line, however children nest', async () => {
    const { log, raw, lines } = capture({ format: 'json' });
    const hook = log.child({ component: 'hook' });
    hook.child({ component: 'config' }).info('child renames the component');
    hook.child({ delivery: 'd1', org: 'o' }).child({ org: 'o2', plugin: 'hold' }).info({ org: 'o3' }, 'call overrides a binding');
    hook.child({ org: 'o' }).info({ org: 'o' }, 'call repeats a binding');
    hook.info({ level: 'x', msg: 'y', time: 1, severity: 's' }, 'call uses the line keys');
    await flush();
    for (const line of raw()) assert.deepEqual(duplicateKeys(line), [], line);
    const [renamed, overridden, repeated, reserved] = lines();
    assert.equal(renamed!.component, 'config', 'the more specific name wins, as JSON.parse showed before');
    assert.deepEqual([overridden!.component, overridden!.delivery, overridden!.org, overridden!.plugin], ['hook', 'd1', 'o3', 'hold']);
    assert.equal(repeated!.org, 'o');
    assert.deepEqual(
      [reserved!.level, reserved!.msg, reserved!['fields.level'], reserved!['fields.msg'], reserved!['fields.time'], reserved!['fields.severity']],
      ['info', 'call uses the line keys', 'x', 'y', 1, 's'],
      'clashing fields move to fields.<key>, as logrus does',
    );
  });

  it('the raw-line check itself finds a repeated key (pino alone repeats it)', async () => {
    assert.deepEqual(duplicateKeys('{"component":"hook","a":{"b":1,"b":2},"component":"config"}'), ['a.b', 'component']);
    assert.deepEqual(duplicateKeys('{"a":[{"x":1},{"x":2}],"s":"\\"a\\":1,\\"a\\":2"}'), []);
  });
});

describe('logger levels', () => {
  it('accepts every logrus spelling, in any case', () => {
    const cases: [string, string][] = [
      ['panic', 'fatal'], ['fatal', 'fatal'], ['error', 'error'], ['warn', 'warn'], ['warning', 'warn'], ['WARNING', 'warn'],
      ['info', 'info'], ['Debug', 'debug'], ['trace', 'trace'],
    ];
    for (const [given, want] of cases) assert.equal(parseLogLevel(given, 'LOG_LEVEL'), want, given);
  });

  it('refuses an unknown level with an error naming where it came from', () => {
    assert.throws(() => resolveLogLevel(undefined, { LOG_LEVEL: 'loud' }), (err: unknown) => {
      assert.ok(err instanceof LogLevelError);
      assert.match(err.message, /^LOG_LEVEL: "loud" is not a log level \(want one of panic, fatal, error, warning, info, debug, trace\)$/);
      return true;
    });
    assert.throws(() => parseLogLevel('constructor', 'config.yaml log_level'), /config\.yaml log_level: "constructor"/);
  });

  it('takes LOG_LEVEL from the environment (warning no longer crashes)', () => {
    assert.equal(resolveLogLevel(undefined, { LOG_LEVEL: 'warning' }), 'warn');
    assert.equal(resolveLogLevel(undefined, {}), 'info');
    assert.equal(resolveLogLevel('debug', { LOG_LEVEL: 'error' }), 'debug', 'an explicit level wins');
  });

  it('a level set on the root applies to children made before and after', async () => {
    const { log, lines } = capture({ level: 'info', format: 'json' });
    const before = log.child({ component: 'hook' }).child({ plugin: 'hold' });
    before.debug('hidden');
    setLogLevel(log, 'debug', 'test');
    before.debug('shown');
    log.child({ component: 'deck' }).debug('shown too');
    setLogLevel(log, 'warning', 'test');
    before.info('hidden again');
    before.warn('warned');
    await flush();
    assert.deepEqual(lines().map((l) => l.msg), ['shown', 'shown too', 'warned']);
  });
});

describe('logger formats', () => {
  it('writes JSON when the destination is not a terminal', async () => {
    const { log, raw } = capture();
    log.info({ a: 1 }, 'hello');
    await flush();
    assert.equal(JSON.parse(raw()[0]!).msg, 'hello');
  });

  it('writes coloured human-readable lines on a terminal', async () => {
    const { log, text } = capture({ tty: true });
    log.child({ component: 'hook' }).warn({ org: 'o' }, 'hello');
    await flush();
    assert.throws(() => JSON.parse(text()));
    assert.match(text(), /\u001b\[\d+m/, 'ANSI colour');
    assert.match(text().replace(/\u001b\[\d+m/g, ''), /WARN: \[hook\] hello\n\s+org: "o"/);
  });

  it('follows the format asked for, terminal or not', async () => {
    const json = capture({ tty: true, format: 'json' });
    json.log.info('as json');
    const text = capture({ format: 'text' });
    text.log.info('as text');
    await flush();
    assert.equal(JSON.parse(json.raw()[0]!).msg, 'as json');
    assert.match(text.text(), /INFO: as text/);
    assert.doesNotMatch(text.text(), /\u001b\[/, 'no colour off a terminal');
  });
});
