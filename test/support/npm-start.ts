import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

export interface NpmStart {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
}

/**
 * `npm start` (local/start.ts) as a child process on `port`, resolved once GET /health answers 200.
 * `detached` gives it its own process group, so a test can kill the whole tree at once.
 */
export async function startNpmStart(
  port: number,
  env: Record<string, string>,
  options: { detached?: boolean } = {},
): Promise<NpmStart> {
  const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), ['local/start.ts'], {
    cwd: root,
    detached: options.detached ?? false,
    env: { ...process.env, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c) => {
    output += c;
  });
  child.stderr?.on('data', (c) => {
    output += c;
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return { child, output: () => output };
    if (child.exitCode !== null) throw new Error(`npm start exited: ${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  // Not ready: stop what it started (its own handler ends DynamoDB Local and SES) rather than leave it.
  child.kill('SIGINT');
  throw new Error(`no /health within 60 s: ${output}`);
}

function processesUsing(dataDir: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', dataDir], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** The processes (DynamoDB Local's java) still using `dataDir`, after giving a loaded machine ~10 s to end them. */
export async function processesLeftUsing(dataDir: string): Promise<string[]> {
  for (let i = 0; i < 50 && processesUsing(dataDir).length > 0; i++)
    await new Promise((r) => setTimeout(r, 200));
  return processesUsing(dataDir);
}
