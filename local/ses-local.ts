import type { Server } from 'node:http';
import sesServer from 'aws-ses-v2-local';
import { freePort } from './ports';

export interface SesLocal {
  endpoint: string;
  stop(): Promise<void>;
}

/** aws-ses-v2-local: accepts SES v1 and v2 SendEmail and keeps the mail in memory (GET /store). */
export async function startSesLocal(): Promise<SesLocal> {
  const port = await freePort();
  const server: Server = await sesServer({ host: '127.0.0.1', port });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
