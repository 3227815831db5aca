/**
 * A tiny static file server for the built site (`npm run serve` → serves dist/ on localhost).
 * Only what a static host does: GET/HEAD of files below one root, correct MIME types (wasm must be
 * application/wasm or browsers refuse to stream-compile it), index.html for directories, 404 otherwise.
 *
 * CLI: tsx lib/host/serve.ts [root=dist]   (port from PORT, else the first free port from 8080)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createReadStream, statSync, type Stats } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  // The data assets are gzip files that the page decompresses itself (DecompressionStream), so they
  // are served as opaque bytes, never with Content-Encoding (which would make fetch inflate them).
  '.gz': 'application/octet-stream',
  '.bin': 'application/octet-stream',
};

export function mimeTypeFor(filePath: string): string {
  return MIME_TYPES[extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

/** Map a request path to a file below `root`, or null if it escapes the root or is malformed. */
export function resolveRequestPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const absoluteRoot = resolve(root);
  const target = resolve(absoluteRoot, '.' + (decoded.startsWith('/') ? decoded : '/' + decoded));
  if (target !== absoluteRoot && !target.startsWith(absoluteRoot + sep)) return null;
  return target;
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function handleStaticRequest(root: string, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    sendText(res, 405, 'method not allowed\n');
    return;
  }
  let filePath = resolveRequestPath(root, req.url ?? '/');
  if (!filePath) {
    sendText(res, 400, 'bad request path\n');
    return;
  }
  let stats = statOrNull(filePath);
  if (stats?.isDirectory()) {
    // A directory without a trailing slash would break the page's relative URLs: redirect first.
    const pathname = (req.url ?? '/').split('?')[0];
    if (!pathname.endsWith('/')) {
      res.writeHead(301, { Location: pathname + '/' });
      res.end();
      return;
    }
    filePath = join(filePath, 'index.html');
    stats = statOrNull(filePath);
  }
  if (!stats || !stats.isFile()) {
    sendText(res, 404, `not found: ${req.url}\n`);
    return;
  }
  res.writeHead(200, {
    'Content-Type': mimeTypeFor(filePath),
    'Content-Length': stats.size,
    // Development server: always revalidate so a rebuild is picked up on reload.
    'Cache-Control': 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(filePath)
    .on('error', () => res.destroy())
    .pipe(res);
}

function createStaticServer(root: string): Server {
  const rootStats = statOrNull(root);
  if (!rootStats?.isDirectory()) throw new Error(`serve: root "${root}" is not a directory (run \`npm run build\` first to create dist/)`);
  return createServer((req, res) => handleStaticRequest(root, req, res));
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

function listenOn(server: Server, port: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolvePort(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, HOST);
  });
}

/**
 * Start serving `root`. With `port` given, use exactly it (0 = any free port); otherwise try
 * `firstPort`, `firstPort + 1`, … until one is free.
 */
export async function startStaticServer(opts: { root: string; port?: number; firstPort?: number; attempts?: number }): Promise<RunningServer> {
  const server = createStaticServer(opts.root);
  let port: number | undefined;
  if (opts.port !== undefined) {
    if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new RangeError(`serve: port must be an integer from 0 to 65535, got ${opts.port}`);
    port = await listenOn(server, opts.port);
  } else {
    const first = opts.firstPort ?? 8080;
    const attempts = opts.attempts ?? 100;
    for (let candidate = first; candidate < first + attempts && port === undefined; candidate++) {
      try {
        port = await listenOn(server, candidate);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      }
    }
    if (port === undefined) throw new Error(`serve: no free port from ${first} to ${first + attempts - 1}; set PORT`);
  }
  return {
    url: `http://${HOST}:${port}/`,
    port,
    close: () => new Promise((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}

/** PORT from the environment, validated; undefined if unset. */
export function portFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`PORT must be an integer from 0 to 65535, got "${value}"`);
  return port;
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const root = process.argv[2] ?? 'dist';
  try {
    const running = await startStaticServer({ root, port: portFromEnv(process.env.PORT) });
    process.stdout.write(`ziffern: serving ${resolve(root)} at ${running.url}\n(open it in a browser; Ctrl+C stops the server)\n`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
}
