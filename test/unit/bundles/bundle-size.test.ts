import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { AUTHORIZER_ENTRY, HANDLERS, STREAM_ENTRY } from '../../../lib/api-stack';
import { functionBuildOptions, functionEntries, MAX_BUNDLE_BYTES } from '../../../lib/bundling';
import { REQUEST_LOG_ENTRY } from '../../../lib/constructs/request-log';

/**
 * Every function bundle, built the way the deploy builds it (lib/bundling.ts), stays under 500 KB
 * minified: the SDK, Powertools (logger, metrics, tracer) and the function's own code included.
 * docs/benchmarks.md ("Bundles") has the sizes and what was cut to get there.
 */
jest.setTimeout(300_000);

const outDir = mkdtempSync(join(tmpdir(), 'bundle-size-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const deployed = [
  ...Object.values(HANDLERS).map((h) => `lambdas/${h.dir}/handler.ts`),
  AUTHORIZER_ENTRY,
  STREAM_ENTRY,
  REQUEST_LOG_ENTRY,
];

test('the entries measured are every deployed function that exists', () => {
  const entries = functionEntries();
  const existing = deployed.filter((entry) => entries.includes(entry) || !entry.includes('/invites/'));
  expect(entries).toEqual(expect.arrayContaining(existing));
  expect(entries).not.toContain('lambdas/http/handler.ts');
});

const sizes: Record<string, number> = {};

test.each(functionEntries())('%s is under the limit', async (entry) => {
  const name = entry.split('/')[1];
  const result = await build({
    ...functionBuildOptions(entry, join(outDir, name, 'index.js')),
    write: false,
  });
  const js = result.outputFiles?.find((file) => file.path.endsWith('index.js'));
  expect(js).toBeDefined();
  sizes[name] = js!.contents.byteLength;
  if (sizes[name] > MAX_BUNDLE_BYTES) {
    throw new Error(
      `${entry}: ${(sizes[name] / 1024).toFixed(1)} KB minified, over ${MAX_BUNDLE_BYTES / 1024} KB`,
    );
  }
});

test('the bundles leave the browser user-agent parser, the full credential chain and semver out', async () => {
  const result = await build({
    ...functionBuildOptions(STREAM_ENTRY, join(outDir, 'stream-meta', 'index.js')),
    write: false,
    metafile: true,
  });
  const output = Object.values(result.metafile?.outputs ?? {}).find((o) => o.entryPoint);
  // What ends up in the bundle (a module may be read, then dropped whole by tree shaking).
  const inputs = Object.entries(output?.inputs ?? {})
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([file]) => file);
  expect(inputs.length).toBeGreaterThan(0);
  expect(inputs.filter((file) => file.includes('node_modules/bowser/'))).toEqual([]);
  expect(inputs.filter((file) => file.includes('credential-provider-node'))).toEqual([]);
  expect(inputs.filter((file) => file.includes('node_modules/semver/'))).toEqual([]);
  expect(inputs.some((file) => file.endsWith('lambdas/config/xray-semver.ts'))).toBe(true);
});
