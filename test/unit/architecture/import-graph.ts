import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import { preProcessFile } from 'typescript';

/**
 * The import rule of lambdas/ and web/, as pure functions over repo-relative posix paths
 * ('lambdas/domain/users.ts'). The rooms, lowest first:
 *   contract lambdas/contract/ the admin API's JSON types: imports nothing at all; every room may import it
 *   scim    lambdas/scim/     pure SCIM: only itself and node: builtins
 *   domain  lambdas/domain/   only scim, itself and node: builtins
 *   adapter store/ mail/ events/ http/ config/: scim, domain, own folder, npm packages; store, http and mail
 *           may import config (runtime configuration, the process's logger, metrics and tracer)
 *   handler every other folder under lambdas/: anything above, never another handler folder
 * Nothing under lambdas/ imports from outside it (local/, lib/, bin/, bench/, test/).
 * The console (web/) imports only web/ files, npm packages (and node: builtins, for its build
 * configuration) and lambdas/contract/.
 */
export type Room = 'contract' | 'scim' | 'domain' | 'adapter' | 'handler';

const ADAPTERS = ['store', 'mail', 'events', 'http', 'config'];
const ADAPTER_MAY_ALSO_IMPORT: Record<string, string[]> = {
  store: ['config'],
  http: ['config'],
  mail: ['config'],
};

/** The folder directly under lambdas/ that holds the file, or undefined when the file is outside lambdas/. */
export function folderOf(file: string): string | undefined {
  const [top, folder, ...rest] = file.split('/');
  return top === 'lambdas' && folder && rest.length > 0 ? folder : undefined;
}

export function roomOf(folder: string): Room {
  if (folder === 'scim' || folder === 'domain' || folder === 'contract') return folder;
  return ADAPTERS.includes(folder) ? 'adapter' : 'handler';
}

/** Every module specifier of a source: import (type or not), export ... from, import x = require, require(), import(). */
export function specifiersOf(source: string): string[] {
  return preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

export const isRelative = (spec: string): boolean =>
  spec === '.' || spec === '..' || spec.startsWith('./') || spec.startsWith('../');

const isNodeBuiltin = (spec: string): boolean =>
  spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]);

/** A relative specifier as the file it loads (x.ts, x/index.ts), or the bare path when no known file matches. */
export function resolveRelative(from: string, spec: string, known: ReadonlySet<string>): string {
  const base = posix.normalize(posix.join(posix.dirname(from), spec));
  const candidates = [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`, base];
  return candidates.find((c) => known.has(c)) ?? base;
}

/** Why `from` may not import `spec` (resolved to `target` when relative), or undefined when the rule allows it. */
export function violation(from: string, spec: string, target?: string): string | undefined {
  if (from.startsWith('web/')) return webViolation(target);
  const fromFolder = folderOf(from);
  if (fromFolder === undefined) return undefined; // local/, lib/, bin/, bench/, test/ may import anything
  const fromRoom = roomOf(fromFolder);
  if (fromRoom === 'contract') return 'contract (lambdas/contract/) may not import anything';
  if (target === undefined) {
    if (isNodeBuiltin(spec) || fromRoom === 'adapter' || fromRoom === 'handler') return undefined;
    return `${fromRoom} (lambdas/${fromFolder}/) may not import npm packages`;
  }
  const toFolder = folderOf(target);
  if (toFolder === undefined) return `lambdas/ may not import from outside lambdas/ (${target})`;
  if (toFolder === fromFolder) return undefined;
  const toRoom = roomOf(toFolder);
  if (toRoom === 'contract') return undefined;
  const allowed: Record<Room, boolean> = {
    contract: false,
    scim: false,
    domain: toRoom === 'scim',
    adapter:
      toRoom === 'scim' ||
      toRoom === 'domain' ||
      (ADAPTER_MAY_ALSO_IMPORT[fromFolder] ?? []).includes(toFolder),
    handler: toRoom !== 'handler',
  };
  if (allowed[fromRoom]) return undefined;
  return `${fromRoom} (lambdas/${fromFolder}/) may not import ${toRoom} (lambdas/${toFolder}/)`;
}

/** web/: its own files, npm packages, node: builtins and lambdas/contract/ only. */
function webViolation(target: string | undefined): string | undefined {
  if (target === undefined) return undefined;
  if (target.startsWith('web/') || target.startsWith('lambdas/contract/')) return undefined;
  return `the console (web/) may import only web/, npm packages and lambdas/contract/ (${target})`;
}

export interface Edge {
  from: string;
  spec: string;
  /** The resolved repo-relative path for a relative specifier; undefined for a package. */
  target?: string;
}

/** The import edges of a set of files, given their sources. */
export function edgesOf(sources: ReadonlyMap<string, string>): Edge[] {
  const known = new Set(sources.keys());
  return [...sources].flatMap(([from, source]) =>
    specifiersOf(source).map((spec) => ({
      from,
      spec,
      target: isRelative(spec) ? resolveRelative(from, spec, known) : undefined,
    })),
  );
}

/** One line per edge that breaks the rule: `file -> specifier: reason`. */
export function layerViolations(edges: readonly Edge[]): string[] {
  const lines = edges.flatMap(({ from, spec, target }) => {
    const why = violation(from, spec, target);
    return why === undefined ? [] : [`${from} -> ${spec}: ${why}`];
  });
  return [...new Set(lines)];
}

/** Import cycles among the given files (one per back edge of a depth-first walk), each as `a -> b -> a`. */
export function findCycles(edges: readonly Edge[], files: ReadonlySet<string>): string[] {
  const graph = new Map<string, Set<string>>();
  for (const { from, target } of edges) {
    if (target !== undefined && files.has(target))
      graph.set(from, (graph.get(from) ?? new Set()).add(target));
  }
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const cycles: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next].join(' -> '));
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const file of [...files].sort()) if (!state.has(file)) visit(file);
  return cycles;
}
