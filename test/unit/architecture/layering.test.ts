import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { edgesOf, findCycles, layerViolations, specifiersOf, violation } from './import-graph';

/**
 * The architecture's import rule (see import-graph.ts for the rooms), checked twice: by Biome's
 * noRestrictedImports/noImportCycles overrides in biome.json (so `npm run lint` reports a broken import
 * where it is written, for files in lambdas/<room>/ and one subfolder below), and here over the whole
 * import graph of lambdas/, which also sees require() (Biome does not), files at any depth and cycles.
 */
const REPO = join(__dirname, '..', '..', '..');
const BIOME = join(REPO, 'node_modules', '.bin', 'biome');
const MAX_LINES = 600;

/** The sources of a top folder (.ts, and .tsx for the console); none when the folder does not exist. */
function sourcesOf(top: string, skip: readonly string[] = []): Map<string, string> {
  if (!existsSync(join(REPO, top))) return new Map();
  const files = readdirSync(join(REPO, top), { recursive: true, encoding: 'utf8' })
    .map((f) => `${top}/${f.split(sep).join('/')}`)
    .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts') && !skip.some((s) => f.startsWith(s)))
    .sort();
  return new Map(files.map((f) => [f, readFileSync(join(REPO, f), 'utf8')]));
}
const lambdaSources = () => sourcesOf('lambdas');
/** The console's sources (web/ may not exist yet in every tree); its build output and packages are not. */
const webSources = () => sourcesOf('web', ['web/dist/', 'web/node_modules/']);

describe('the lint rule bites', () => {
  // `biome lint --stdin-file-path` only pipes (fixed) code back and never prints diagnostics, by design,
  // so the planted files go into a scratch copy of the project: the repo's own biome.json, verbatim, and
  // each planted file at its real path below it. Nothing is written inside the repo. One biome run per
  // batch (a run costs ~0.2 s), each file then checked for its own diagnostic.
  const use = (imports: string): string =>
    `${imports}\n\nexport const planted = (x: unknown): unknown => [x, X];\n`;
  const violations: [string, string, string][] = [
    ['a scim file importing the domain', 'lambdas/scim/planted.ts', "import { X } from '../domain/users';"],
    ['a scim file importing aws-lambda', 'lambdas/scim/planted-2.ts', "import type { X } from 'aws-lambda';"],
    [
      'a scim subfolder file leaving scim',
      'lambdas/scim/filter/planted.ts',
      "import { X } from '../../domain/users';",
    ],
    [
      'a type-only store import in domain',
      'lambdas/domain/planted.ts',
      "import type { X } from '../store/user-repository';",
    ],
    ['@aws-sdk in domain', 'lambdas/domain/planted-2.ts', "import { X } from '@aws-sdk/lib-dynamodb';"],
    [
      '@aws-lambda-powertools in domain',
      'lambdas/domain/planted-3.ts',
      "import { X } from '@aws-lambda-powertools/logger';",
    ],
    ['http in domain', 'lambdas/domain/planted-4.ts', "import { X } from '../http/request';"],
    [
      'mail in domain (export from)',
      'lambdas/domain/planted-5.ts',
      "export type { M } from '../mail/ses-mailer';\nimport { X } from './x';",
    ],
    ['a handler folder in domain', 'lambdas/domain/planted-6.ts', "import { X } from '../users/handler';"],
    ['local/ in domain', 'lambdas/domain/planted-7.ts', "import { X } from '../../local/start';"],
    [
      'a domain subfolder file importing store',
      'lambdas/domain/sub/planted.ts',
      "import { X } from '../../store/keys';",
    ],
    ['http in store', 'lambdas/store/planted.ts', "import { X } from '../http/request';"],
    ['mail in http', 'lambdas/http/planted.ts', "import { X } from '../mail/ses-mailer';"],
    ['store in events', 'lambdas/events/planted.ts', "import { X } from '../store/keys';"],
    [
      'events in domain',
      'lambdas/domain/planted-8.ts',
      "import { X } from '../events/eventbridge-publisher';",
    ],
    [
      'another handler folder in a handler',
      'lambdas/users/planted.ts',
      "import { X } from '../groups/handler';",
    ],
    ['a file in the contract', 'lambdas/contract/planted.ts', "import type { X } from '../domain/users';"],
    ['a package in the contract', 'lambdas/contract/planted-2.ts', "import type { X } from 'zod';"],
    ['the domain in the console', 'web/planted.ts', "import { X } from '../lambdas/domain/users';"],
    [
      'the http adapter in a console page',
      'web/src/planted.tsx',
      "import { X } from '../../lambdas/http/request';",
    ],
    [
      'local/ in a console component',
      'web/src/pages/planted.tsx',
      "import { X } from '../../../local/start';",
    ],
  ];
  const allowed: [string, string, string][] = [
    [
      'an events file importing the domain and @aws-sdk',
      'lambdas/events/planted.ts',
      "import { X } from '../domain/ports';\nimport { Y } from '@aws-sdk/client-eventbridge';\nexport const y = Y;",
    ],
    [
      'a handler importing events',
      'lambdas/stream/planted.ts',
      "import { X } from '../events/eventbridge-publisher';",
    ],
    ['a domain file importing scim', 'lambdas/domain/planted.ts', "import { X } from '../scim/errors';"],
    [
      'a domain file importing node: builtins',
      'lambdas/domain/planted-2.ts',
      "import { X } from 'node:crypto';",
    ],
    [
      'a scim subfolder file importing scim',
      'lambdas/scim/filter/planted.ts',
      "import { X } from '../errors';",
    ],
    [
      'a store file importing config and @aws-sdk',
      'lambdas/store/planted.ts',
      "import { X } from '../config/env';\nimport { Y } from '@aws-sdk/lib-dynamodb';\nexport const y = Y;",
    ],
    [
      'a mail file importing config (the tracer that captures its SES client)',
      'lambdas/mail/planted.ts',
      "import { X } from '../config/observability';\nexport const x = X;",
    ],
    [
      'the contract in a handler, the domain and an adapter',
      'lambdas/users/planted-2.ts',
      "import type { X } from '../contract/admin-api';\nexport type Y = X;",
    ],
    [
      'the contract in the domain',
      'lambdas/domain/planted-3.ts',
      "import { X } from '../contract/admin-api';",
    ],
    ['the contract in scim', 'lambdas/scim/planted.ts', "import { X } from '../contract/admin-api';"],
    [
      'the contract, web files and a package in the console',
      'web/src/pages/planted.tsx',
      "import { X } from '../../../lambdas/contract/admin-api';\nimport { Y } from '../api';\nimport { Z } from 'react';\nexport const yz = [Y, Z];",
    ],
    [
      'a handler importing store, http and domain',
      'lambdas/users/planted.ts',
      "import { X } from '../store/user-repository';\nimport { Y } from '../http/request';\nimport { Z } from '../domain/users';\nexport const yz = [Y, Z];",
    ],
  ];
  const cycle = {
    'lambdas/domain/cycle-a.ts': "import { b } from './cycle-b';\n\nexport const a = (): unknown => b;\n",
    'lambdas/domain/cycle-b.ts': "import { a } from './cycle-a';\n\nexport const b = (): unknown => a;\n",
  };

  let project: string;
  function lint(files: Record<string, string>): { status: number | null; output: string } {
    try {
      for (const [path, source] of Object.entries(files)) {
        mkdirSync(dirname(join(project, path)), { recursive: true });
        writeFileSync(join(project, path), source);
      }
      const args = ['lint', '--colors=off', '--max-diagnostics=none', ...Object.keys(files)];
      const run = spawnSync(BIOME, args, { cwd: project, encoding: 'utf8' });
      return { status: run.status, output: `${run.stdout}${run.stderr}` };
    } finally {
      rmSync(join(project, 'lambdas'), { recursive: true, force: true });
      rmSync(join(project, 'web'), { recursive: true, force: true });
    }
  }
  const reported = (output: string, path: string, rule: string): boolean =>
    output.split('\n').some((line) => new RegExp(`^${path}:\\d+:\\d+ lint/${rule}\\b`).test(line));

  let bad: { status: number | null; output: string };
  let good: { status: number | null; output: string };
  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'layering-'));
    copyFileSync(join(REPO, 'biome.json'), join(project, 'biome.json'));
    bad = lint({
      ...Object.fromEntries(violations.map(([, path, imports]) => [path, use(imports)])),
      ...cycle,
    });
    good = lint(Object.fromEntries(allowed.map(([, path, imports]) => [path, use(imports)])));
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('fails the lint run that holds the planted violations', () => {
    expect(bad.status).not.toBe(0);
    expect(bad.output).toContain('noRestrictedImports');
  });

  it.each(violations)('reports %s (%s)', (_why, path) => {
    expect(reported(bad.output, path, 'style/noRestrictedImports')).toBe(true);
  });

  it('reports an import cycle (noImportCycles)', () => {
    expect(reported(bad.output, 'lambdas/domain/cycle-a.ts', 'suspicious/noImportCycles')).toBe(true);
  });

  it.each(allowed)('does not report %s (%s)', (_why, path) => {
    expect(good.output).not.toContain(path);
  });

  it('passes the lint run that holds only allowed imports', () => {
    expect(good.output).toContain(`Checked ${allowed.length} files`);
    expect(good.output).not.toContain('noRestrictedImports');
    expect(good.status).toBe(0);
  });
});

describe('the graph checker itself', () => {
  it('reads every kind of import', () => {
    const source = [
      "import a from './a';",
      "import type { B } from './b';",
      "export * from './c';",
      "export type { D } from './d';",
      "const e = require('./e');",
      "// import f from './f';",
    ].join('\n');
    expect(specifiersOf(source)).toEqual(['./a', './b', './c', './d', './e']);
  });

  it('names the rooms in a broken edge', () => {
    expect(violation('lambdas/domain/users.ts', '../store/x', 'lambdas/store/x.ts')).toBe(
      'domain (lambdas/domain/) may not import adapter (lambdas/store/)',
    );
    expect(violation('lambdas/store/x.ts', '../config/env', 'lambdas/config/env.ts')).toBeUndefined();
    expect(violation('lambdas/mail/x.ts', '../config/env', 'lambdas/config/env.ts')).toBeUndefined();
    expect(violation('lambdas/events/x.ts', '../config/env', 'lambdas/config/env.ts')).toBeDefined();
    expect(
      violation('lambdas/users/handler.ts', '../groups/handler', 'lambdas/groups/handler.ts'),
    ).toBeDefined();
    expect(violation('lambdas/scim/patch/apply.ts', 'aws-lambda')).toBeDefined();
    expect(violation('lambdas/http/x.ts', '../../local/start', 'local/start')).toBeDefined();
  });

  it('knows the contract and the console', () => {
    expect(violation('lambdas/contract/admin-api.ts', 'zod')).toBeDefined();
    expect(violation('lambdas/contract/admin-api.ts', 'node:crypto')).toBeDefined();
    expect(
      violation('lambdas/domain/x.ts', '../contract/admin-api', 'lambdas/contract/admin-api.ts'),
    ).toBeUndefined();
    expect(
      violation('web/src/api.ts', '../../lambdas/contract/admin-api', 'lambdas/contract/admin-api.ts'),
    ).toBeUndefined();
    expect(violation('web/src/api.ts', './pages/users', 'web/src/pages/users')).toBeUndefined();
    expect(violation('web/src/api.ts', 'react')).toBeUndefined();
    expect(
      violation('web/src/api.ts', '../../lambdas/domain/users', 'lambdas/domain/users.ts'),
    ).toBeDefined();
    expect(violation('web/vite.config.ts', '../lib/api-stack', 'lib/api-stack.ts')).toBeDefined();
  });

  it('finds a cycle through three files', () => {
    const sources = new Map([
      ['lambdas/domain/a.ts', "import { b } from './b';"],
      ['lambdas/domain/b.ts', "import type { C } from '../domain/c';"],
      ['lambdas/domain/c.ts', "import { a } from './a';"],
    ]);
    expect(findCycles(edgesOf(sources), new Set(sources.keys()))).toEqual([
      'lambdas/domain/a.ts -> lambdas/domain/b.ts -> lambdas/domain/c.ts -> lambdas/domain/a.ts',
    ]);
  });
});

describe('web/ imports only itself, packages and the contract', () => {
  const sources = webSources();
  // Other files are resolved against lambdas/ too, so a contract import is known as such.
  const edges = edgesOf(new Map([...sources, ...lambdaSources()])).filter((e) => e.from.startsWith('web/'));

  it('the console follows the rule (nothing to check while web/ does not exist)', () => {
    expect(layerViolations(edges)).toEqual([]);
  });
});

describe('lambdas/ follows the layers', () => {
  const sources = lambdaSources();
  const edges = edgesOf(sources);

  it('finds the files and their imports', () => {
    expect(sources.size).toBeGreaterThan(20);
    expect(edges.length).toBeGreaterThan(sources.size);
  });

  it('the import graph follows the layers', () => {
    expect(layerViolations(edges)).toEqual([]);
  });

  it('has no import cycle among files under lambdas/', () => {
    expect(findCycles(edges, new Set(sources.keys()))).toEqual([]);
  });

  it(`no file under lambdas/ is over ${MAX_LINES} lines`, () => {
    const tooLong = [...sources]
      .map(([file, source]) => ({ file, lines: source.split('\n').length - (source.endsWith('\n') ? 1 : 0) }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ file, lines }) => `${file} (${lines} lines)`);
    expect(tooLong).toEqual([]);
  });
});
