import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_KEY, startTestService, type TestService } from '../support/service';
import { runSession, SESSION, type TranscriptEntry } from './http-transcript';

/**
 * Golden transcript: the scripted session of http-transcript.ts, replayed against the service as it is
 * now, must give the answers recorded from the service before the refactor (commit d7265e0): same
 * status, same headers that matter, same body — key order and bytes included (after normalising ids,
 * secrets, timestamps and the port). A difference here is a behaviour change to explain. A deliberate
 * change of an answer (a later issue's fix) is re-recorded with
 * `UPDATE_GOLDEN=1 npx jest test/integration/http-transcript`, and the golden file's diff is reviewed in
 * the commit that makes the change: it must show exactly the intended answers and nothing else.
 */
const GOLDEN = join(__dirname, '__golden__', 'http-transcript.json');
const golden: TranscriptEntry[] = JSON.parse(readFileSync(GOLDEN, 'utf8'));

let service: TestService;
let transcript: TranscriptEntry[] = [];
beforeAll(async () => {
  service = await startTestService();
  transcript = await runSession(service.baseUrl, ADMIN_KEY);
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(GOLDEN, `${JSON.stringify(transcript, null, 2)}\n`);
    golden.splice(0, golden.length, ...transcript);
  }
});
afterAll(() => service?.stop());

test('the session is the one the golden transcript was recorded from', () => {
  const steps = (entries: { name: string }[]) => entries.map((e, i) => `${i + 1} ${e.name}`);
  expect(steps(SESSION)).toEqual(steps(golden));
  expect(transcript).toHaveLength(golden.length);
});

test.each(golden.map((entry) => [`${entry.n} ${entry.method} ${entry.name}`, entry] as const))(
  '%s',
  (_label, expected) => {
    const actual = transcript[expected.n - 1];
    expect(actual).toEqual(expected);
    // toEqual ignores the order of keys; the bytes of an answer do not.
    expect(JSON.stringify(actual, null, 1)).toBe(JSON.stringify(expected, null, 1));
  },
);
