// The cli-test helper's waits must end: a log line that never comes, a child that ignores SIGTERM, and a
// check that never settles all fail with the child's output instead of hanging the test run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli, spawnCli } from './spawn-cli.js';

const node = (script: string) => spawnCli(process.execPath, ['-e', script], { name: 'test child' });

describe('spawn-cli', () => {
  it('waitFor returns the match and stop returns the exit code', async () => {
    const cli = node('console.log(JSON.stringify({msg: "listening", port: 1234})); process.on("SIGTERM", () => process.exit(0)); setInterval(() => {}, 1000);');
    try {
      assert.equal((await cli.waitFor(/"port":(\d+)/))[1], '1234');
      assert.deepEqual(await cli.waitForLog('listening'), { msg: 'listening', port: 1234 });
      assert.equal(await cli.stop(), 0);
    } finally {
      cli.kill();
    }
  });

  it('a log line that never comes fails within the timeout, with the output', async () => {
    const cli = node('console.log("started, but not the line you want"); setInterval(() => {}, 1000);');
    try {
      await cli.waitFor(/started/);
      await assert.rejects(cli.waitFor(/never/, 'the line', 300), /test child: no the line within 300 ms; its output:\nstarted, but not the line you want/);
    } finally {
      cli.kill();
      await cli.exited();
    }
  });

  it('a child that exits first fails the wait at once', async () => {
    const cli = node('console.error("boom"); process.exit(3);');
    await assert.rejects(cli.waitFor(/never/, 'the line', 20_000), /exited \(code 3\) before the line; its output:\nboom/);
    assert.equal(await cli.exited(), 3);
  });

  it('a check that never settles still times out', async () => {
    const cli = node('setInterval(() => {}, 1000);');
    try {
      await assert.rejects(cli.waitUntil(() => new Promise<boolean>(() => undefined), 'a reply', 200), /no a reply within 200 ms/);
    } finally {
      cli.kill();
      await cli.exited();
    }
  });

  it('a child that ignores SIGTERM is killed and the wait fails', async () => {
    const cli = node('process.on("SIGTERM", () => console.log("ignoring SIGTERM")); console.log("up"); setInterval(() => {}, 1000);');
    await cli.waitFor(/up/);
    await assert.rejects(cli.stop('SIGTERM', 500), /did not exit within 500 ms \(killed\); its output:\nup\n/);
    assert.equal(await cli.exited(), null);
  });

  it('runCli returns the exit code and output, and kills a run that takes too long', async () => {
    assert.deepEqual(await runCli(process.execPath, ['-e', 'console.log("out"); console.error("err"); process.exit(2)']), { code: 2, stdout: 'out\n', stderr: 'err\n' });
    await assert.rejects(runCli(process.execPath, ['-e', 'console.log("slow"); setTimeout(() => {}, 60000)'], 3000), /did not finish within 3000 ms \(killed\); its output:\nslow/);
  });
});
