import type { SQSEvent } from 'aws-lambda';
import { captureStdout, emfBlobs, lambdaContext } from './capture';

/**
 * The mail-events function counts what its batch did to the invites: InvitesDelivered,
 * InvitesBounced and InvitesComplained (docs/operations.md, "Observability"); a stale event or one of
 * an unknown message moves nothing and counts nothing; a batch that moved nothing writes no blob.
 */
const onMailEvent = jest.fn();
jest.mock('../../../lambdas/mail-events/compose', () => ({ mailEventService: () => ({ onMailEvent }) }));

type Handler = typeof import('../../../lambdas/mail-events/handler');
let mailEvents: Handler;

beforeAll(async () => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  process.env.POWERTOOLS_SERVICE_NAME = 'scim-mail-events';
  mailEvents = await import('../../../lambdas/mail-events/handler');
});
afterAll(() => {
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  delete process.env.POWERTOOLS_SERVICE_NAME;
});
beforeEach(() => onMailEvent.mockReset());

const mail = { messageId: 'm-1', timestamp: '2026-12-01T10:00:00.000Z', destination: ['ada@example.test'] };
const record = (i: number) => ({
  messageId: `sqs-${i}`,
  body: JSON.stringify({
    source: 'aws.ses',
    'detail-type': 'Email Delivered',
    detail: { eventType: 'Delivery', mail, delivery: { timestamp: mail.timestamp } },
  }),
});
const batch = (n: number) =>
  ({ Records: Array.from({ length: n }, (_, i) => record(i)) }) as unknown as SQSEvent;

test('one blob per batch with the invites it moved, by outcome', async () => {
  for (const outcome of ['delivered', 'bounced', 'delivered', 'stale', 'complained', 'unknown-message'])
    onMailEvent.mockResolvedValueOnce(outcome);
  const { result, output } = await captureStdout(() =>
    mailEvents.handler(batch(6), lambdaContext('req-mail', 'scim-mail-events')),
  );
  expect(result.batchItemFailures).toEqual([]);
  const blobs = emfBlobs(output);
  expect(blobs).toHaveLength(1);
  expect(blobs[0]).toMatchObject({
    service: 'scim-mail-events',
    InvitesDelivered: 2,
    InvitesBounced: 1,
    InvitesComplained: 1,
  });
  const directive = (blobs[0]._aws as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics[0];
  expect(directive.Namespace).toBe('ScimProvisioning');
});

test('a batch of stale events writes no blob, and a failed record is retried, not counted', async () => {
  onMailEvent.mockResolvedValueOnce('stale').mockRejectedValueOnce(new Error('table unavailable'));
  const { result, output } = await captureStdout(() =>
    mailEvents.handler(batch(2), lambdaContext('req-mail-2', 'scim-mail-events')),
  );
  expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'sqs-1' }]);
  expect(emfBlobs(output)).toEqual([]);
});
