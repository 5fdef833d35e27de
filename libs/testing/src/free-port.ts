import { createServer } from 'node:net';

/** A free port on 127.0.0.1: `preferred` when it is free, else any. */
export function freePort(preferred?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => {
      if (preferred !== undefined && err.code === 'EADDRINUSE') freePort().then(resolve, reject);
      else reject(err);
    });
    srv.listen(preferred ?? 0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
