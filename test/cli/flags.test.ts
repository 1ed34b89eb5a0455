import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { collect, parseCount, parseGoBool, parsePort } from '../../src/cli/support/flags.js';

describe('cli flags', () => {
  it('parsePort takes decimal 0-65535 and names the problem otherwise', () => {
    for (const [text, want] of [['0', 0], ['8080', 8080], ['65535', 65535]] as const) assert.equal(parsePort(text), want);
    for (const bad of ['', ' 80', '-1', '65536', '80.0', '0x50', '1e3', 'http']) {
      assert.throws(() => parsePort(bad), (err: unknown) => err instanceof InvalidArgumentError && err.message === 'must be a port number', bad);
    }
  });

  it('parseCount takes 0 and up', () => {
    assert.equal(parseCount('0'), 0);
    assert.equal(parseCount('12'), 12);
    for (const bad of ['', '-1', '1.5', 'five']) assert.throws(() => parseCount(bad), /must be a non-negative integer/, bad);
  });

  it("parseGoBool accepts exactly Go's strconv.ParseBool spellings", () => {
    for (const t of ['1', 't', 'T', 'true', 'TRUE', 'True']) assert.equal(parseGoBool(t), true, t);
    for (const f of ['0', 'f', 'F', 'false', 'FALSE', 'False']) assert.equal(parseGoBool(f), false, f);
    for (const bad of ['', 'yes', 'tRUE', 'no', '2']) assert.throws(() => parseGoBool(bad), /must be true or false/, bad);
  });

  it('works as commander argParsers: bare --dry-run is true, bad values are usage errors', () => {
    const parse = (...args: string[]) => {
      const cmd = new Command('x').exitOverride().configureOutput({ writeErr: () => undefined })
        .option('--dry-run [bool]', 'dry', parseGoBool, false)
        .option('--port <port>', 'port', parsePort)
        .option('--repo <r>', 'repeatable', collect, []);
      cmd.parse(args, { from: 'user' });
      return cmd.opts<{ dryRun: boolean; port?: number; repo: string[] }>();
    };
    assert.deepEqual(parse(), { dryRun: false, repo: [] });
    assert.equal(parse('--dry-run').dryRun, true);
    assert.equal(parse('--dry-run=false').dryRun, false);
    assert.deepEqual(parse('--repo', 'a/b', '--repo', 'c/d', '--port', '9090'), { dryRun: false, repo: ['a/b', 'c/d'], port: 9090 });
    assert.throws(() => parse('--port', 'x'), (err: unknown) => err instanceof CommanderError && /must be a port number/.test(err.message));
    assert.throws(() => parse('--dry-run=maybe'), (err: unknown) => err instanceof CommanderError && /must be true or false/.test(err.message));
  });
});
