import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/** Repository root (the functions' entries are relative to it). */
const ROOT = path.resolve(__dirname, '..');

/** The bundle size every function stays under (test/unit/bundles/bundle-size.test.ts). */
export const MAX_BUNDLE_BYTES = 500 * 1024;

/** lambdas/config/lambda-credentials.ts: the credential chain as it runs in Lambda. */
export const CREDENTIALS_SHIM = path.join(ROOT, 'lambdas', 'config', 'lambda-credentials.ts');
/** lambdas/config/xray-semver.ts: `semver`, whose only bundled user is the X-Ray SDK's v2 patcher. */
export const SEMVER_SHIM = path.join(ROOT, 'lambdas', 'config', 'xray-semver.ts');

/**
 * The packages every bundle replaces (esbuild `alias`):
 * - `@aws-sdk/credential-provider-node` by the chain as it runs in Lambda: environment credentials
 *   only, without the SSO/ini/process/web-identity/metadata links that never run there (~130 KB);
 * - `semver` by a stand-in that throws: only aws-xray-sdk-core's AWS SDK v2 patcher calls it, and no
 *   function captures a v2 client (v3 clients go through captureAWSv3Client) (~26 KB).
 */
export const BUNDLE_ALIASES: Record<string, string> = {
  '@aws-sdk/credential-provider-node': CREDENTIALS_SHIM,
  semver: SEMVER_SHIM,
};

/**
 * What every function bundle adds to NodejsFunction's defaults (lib/constructs/handler-function.ts
 * spreads it into `bundling`); the numbers are in docs/benchmarks.md, "Bundles".
 * - `mainFields: module, main`: the ESM build of each package, so esbuild drops what nothing uses
 *   (the SDK's CJS builds are single files holding every command, and drag the browser user-agent
 *   parser `bowser` along). The SDK stays bundled: the versions package-lock.json pins run.
 * - BUNDLE_ALIASES, as one `--alias:<package>=<file>` flag each.
 */
export const FUNCTION_BUNDLING: Pick<BundlingOptions, 'mainFields' | 'esbuildArgs'> = {
  mainFields: ['module', 'main'],
  esbuildArgs: Object.fromEntries(
    Object.entries(BUNDLE_ALIASES).map(([name, file]) => [`--alias:${name}`, file]),
  ),
};

/**
 * The esbuild options of a deployed function's bundle, as NodejsFunction builds it
 * (aws-cdk-lib/aws-lambda-nodejs: platform node, target of the runtime, CJS, minified, source map)
 * plus FUNCTION_BUNDLING: what the bundle-size test and the cold-start bench build.
 */
export function functionBuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [path.resolve(ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    mainFields: FUNCTION_BUNDLING.mainFields,
    alias: BUNDLE_ALIASES,
    absWorkingDir: ROOT,
    logLevel: 'error',
  };
}

/** The folders under lambdas/ that are shared code, not functions (test/unit/architecture/import-graph.ts). */
const SHARED_FOLDERS = new Set(['scim', 'domain', 'contract', 'store', 'mail', 'events', 'http', 'config']);

/**
 * The deployed function entries, repo-relative: every `lambdas/<folder>/handler.ts` of a handler folder
 * (lib/api-stack.ts HANDLERS, AUTHORIZER_ENTRY, STREAM_ENTRY, the request-log writer, and any function
 * added later), sorted.
 */
export function functionEntries(): string[] {
  return readdirSync(path.join(ROOT, 'lambdas'))
    .filter((folder) => !SHARED_FOLDERS.has(folder))
    .map((folder) => `lambdas/${folder}/handler.ts`)
    .filter((entry) => existsSync(path.join(ROOT, entry)))
    .sort();
}
