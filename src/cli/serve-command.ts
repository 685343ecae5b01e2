import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { reportPath } from '../report/run-files.js';
import { writeReport } from '../report/write-report.js';
import { findRun, type RunFolder } from '../run/run-folder.js';
import { intFlag, parseFlagsAndOperands, secondsFlag } from './args.js';
import { UsageError } from './usage-error.js';

export const serveHelp = `Usage: nes serve RUN [--port P] [--host H] [--refresh S] [--runs-dir DIR]

Serves the run's report.html on a small read-only HTTP server (GET only), with the page
reloading itself every S seconds, so a browser follows a search while it runs. When the run's
journal is newer than report.html (a member finished, a resume), the report is written again
before it is served. Ctrl-C stops it.

  RUN             the run: its id (a folder under --runs-dir) or its folder (runs/<id>, a path)
  --port P        port to listen on (default 8484; 0 picks a free one)
  --host H        address to listen on (default 127.0.0.1, this machine only)
  --refresh S     seconds between the page's reloads (default 5)
  --runs-dir DIR  where run folders are (default: runs)`;

export async function serveCommand(args: string[]): Promise<number> {
  const { flags, operands } = parseFlagsAndOperands('serve', args, {
    port: { type: 'string' },
    host: { type: 'string' },
    refresh: { type: 'string' },
    'runs-dir': { type: 'string' },
  });
  if (flags.help) {
    console.log(serveHelp);
    return 0;
  }
  if (operands.length !== 1) throw new UsageError('nes serve: name one run (its id or its folder); see "nes serve --help"');
  const run = findRun(operands[0]!, flags['runs-dir']);
  const server = serveReport(run, { refreshSeconds: secondsFlag('serve', 'refresh', flags.refresh) ?? 5 });
  const host = flags.host ?? '127.0.0.1';
  const port = intFlag('serve', 'port', flags.port, 0) ?? 8484;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new UsageError(`nes serve: port ${port} on ${host} is in use; choose another --port (0 picks a free one)`) : error),
    );
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  console.log(`serving the report of run ${run.id} at http://${host.includes(':') ? `[${host}]` : host}:${bound}/ (Ctrl-C stops)`);
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}

/**
 * The HTTP server of `nes serve`: GET / (or /report.html) answers the report with a reload tag;
 * anything else is 404, any other method 405. One report is written at a time.
 */
export function serveReport(run: RunFolder, options: { refreshSeconds: number }): Server {
  const report = reportPath(run.dir);
  let rendering: Promise<unknown> | undefined;
  const fresh = async () => {
    const stale = !existsSync(report) || statSync(run.journalPath).mtimeMs > statSync(report).mtimeMs;
    if (!stale) return;
    rendering ??= writeReport(run.dir).finally(() => (rendering = undefined));
    await rendering;
  };
  return createServer((request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end('read-only: GET only\n');
      return;
    }
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== '/' && path !== '/report.html') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: this server serves / only\n');
      return;
    }
    fresh()
      .catch((error: unknown) => (existsSync(report) ? undefined : error))
      .then((error) => {
        if (error) {
          response.writeHead(503, { 'content-type': 'text/plain', refresh: String(options.refreshSeconds) });
          response.end(`no report yet: ${(error as Error).message.split('\n')[0]}\n`);
          return;
        }
        const html = readFileSync(report, 'utf8').replace(/<head>/i, `<head><meta http-equiv="refresh" content="${options.refreshSeconds}">`);
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : html);
      });
  });
}
