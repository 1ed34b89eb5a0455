// The jenkins-operator's log endpoint (upstream cmd/jenkins-operator/logs.go): GET
// /job/<job>/<number>/consoleText, with <job> as Prow names it (`a/b` for the job b in folder a), answers
// the build's console log from Jenkins, so a deck that cannot reach Jenkins can show it
// (deck.external_agent_logs url_template pointing here).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../observability/logger.js';
import { jenkinsJobPath, type JenkinsClient } from './client.js';

const consoleTextRe = /^\/?job\/([A-Za-z0-9-._]([A-Za-z0-9-._/]*[A-Za-z0-9-_])?)\/(\d+)\/consoleText$/;

export interface JenkinsLogServer {
  port: number;
  close(): Promise<void>;
}

export async function startJenkinsLogServer(o: { client: JenkinsClient; port: number; hostname?: string; log: Logger }): Promise<JenkinsLogServer> {
  const server: Server = createServer((req, res) => {
    const headers = { 'cache-control': 'no-cache', 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET', 'content-type': 'text/plain; charset=utf-8' };
    const fail = (status: number, text: string): void => {
      res.writeHead(status, headers).end(`${text}\n`);
    };
    if (req.method !== 'GET') return fail(405, '405 Method not allowed');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (!path.endsWith('consoleText')) return fail(403, '403 Forbidden: Request may only access raw Jenkins logs');
    const m = consoleTextRe.exec(path);
    if (!m) return fail(404, `Log not found: job URL path not match regexp pattern: ${consoleTextRe.source}`);
    o.client.consoleText(jenkinsJobPath(m[1]!), Number(m[3])).then(
      (text) => res.writeHead(200, headers).end(text),
      (err: unknown) => {
        o.log.warn({ err, path }, 'cannot get logs from Jenkins');
        fail(404, `Log not found: ${(err as Error).message}`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.hostname ?? '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
