import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import { forwardTo, listenOnFreePort } from './faults-ses';

/** Helpers of test/integration/faults-crash.test.ts: SIGKILL of the whole `npm start` tree and what it needs. */

/**
 * A condition over test state, awaited without sleeping: `changed()` is called wherever the state
 * moves, and every waiter re-checks its condition then.
 */
export class Signal {
  private readonly events = new EventEmitter();

  constructor() {
    this.events.setMaxListeners(100);
  }

  changed(): void {
    this.events.emit('changed');
  }

  until(condition: () => boolean): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!condition()) return;
        this.events.off('changed', check);
        resolve();
      };
      this.events.on('changed', check);
    });
  }
}

export interface HoldingSes {
  endpoint: string;
  /** While holding, SendEmail calls get no answer and are never forwarded (dropped when the sender dies). */
  hold(on: boolean): void;
  /** SendEmail calls held so far. */
  held(): number;
  stop(): Promise<void>;
}

/** A proxy in front of local SES that can hold SendEmail calls; `signal` moves when one is held. */
export async function startHoldingSes(target: string, signal: Signal): Promise<HoldingSes> {
  let holding = false;
  let held = 0;
  const server: Server = createServer((req, res) => {
    if (holding && req.method === 'POST') {
      held++;
      req.resume();
      signal.changed();
      return;
    }
    forwardTo(target, req, res);
  });
  const port = await listenOnFreePort(server);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    hold: (on) => {
      holding = on;
    },
    held: () => held,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Kills the child's whole process group (it was started detached), as a crash or `kill -9 -<pgid>` does. */
export function killTree(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    try {
      process.kill(-(child.pid as number), signal);
    } catch {
      resolve();
    }
  });
}

/** The DynamoDB Local endpoint `npm start` printed (local/start.ts: "DynamoDB Local <endpoint>"). */
export function dynamoDbEndpointOf(output: string): string {
  const found = /DynamoDB Local (http:\/\/\S+)/.exec(output);
  if (!found) throw new Error(`npm start printed no DynamoDB Local endpoint:\n${output.slice(-2000)}`);
  return found[1];
}

/** A small seeded PRNG (mulberry32): the test's choices are the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `work` for each item with `lanes` in flight (Okta's concurrent clients). */
export async function inLanes<T>(items: T[], lanes: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
}
