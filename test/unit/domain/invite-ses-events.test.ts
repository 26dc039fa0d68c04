import { mailEventOf, NotAMailEventError } from '../../../lambdas/mail-events/ses-event';
import { eventsFor, fakeKindOf, sqsEventOf } from '../../../local/ses-events';

const envelope = (detail: unknown, source = 'aws.ses') =>
  JSON.stringify({ source, 'detail-type': 'x', detail });
const mail = { messageId: 'm-1', timestamp: '2026-12-01T10:00:00.000Z', destination: ['ada@example.test'] };

describe('SES event records (through EventBridge and SQS) as mail events', () => {
  test('Delivery, Bounce and Complaint', () => {
    expect(
      mailEventOf(
        envelope({ eventType: 'Delivery', mail, delivery: { timestamp: '2026-12-01T10:00:01.000Z' } }),
      ),
    ).toEqual({ kind: 'delivery', messageId: 'm-1', at: '2026-12-01T10:00:01.000Z' });
    expect(
      mailEventOf(
        envelope({
          eventType: 'Bounce',
          mail,
          bounce: {
            bounceType: 'Transient',
            bounceSubType: 'MailboxFull',
            bouncedRecipients: [{ emailAddress: 'ada@example.test', diagnosticCode: 'smtp; 452 full' }],
            timestamp: '2026-12-01T10:00:02.000Z',
          },
        }),
      ),
    ).toEqual({
      kind: 'bounce',
      messageId: 'm-1',
      at: '2026-12-01T10:00:02.000Z',
      bounceType: 'Transient',
      bounceSubType: 'MailboxFull',
      diagnostic: 'smtp; 452 full',
    });
    expect(
      mailEventOf(envelope({ eventType: 'Complaint', mail, complaint: { complaintFeedbackType: 'abuse' } })),
    ).toEqual({ kind: 'complaint', messageId: 'm-1', at: mail.timestamp, feedbackType: 'abuse' });
  });

  test('other SES event types are not followed', () => {
    for (const eventType of ['Send', 'Reject', 'Open', 'Click', 'DeliveryDelay', 'RenderingFailure']) {
      expect(mailEventOf(envelope({ eventType, mail }))).toBeUndefined();
    }
  });

  test('not an SES event, or no messageId: NotAMailEventError; not JSON: SyntaxError', () => {
    expect(() => mailEventOf(envelope({ eventType: 'Delivery', mail }, 'aws.s3'))).toThrow(
      NotAMailEventError,
    );
    expect(() => mailEventOf(envelope({ eventType: 'Delivery', mail: {} }))).toThrow(NotAMailEventError);
    expect(() => mailEventOf('not json')).toThrow(SyntaxError);
  });
});

describe('the local fake SES feed', () => {
  test('bounce@ and complaint@ (with +tags) get their events; anyone else a delivery', () => {
    expect(fakeKindOf('bounce@example.test')).toBe('bounce');
    expect(fakeKindOf('Bounce+t1@example.test')).toBe('bounce');
    expect(fakeKindOf('complaint+x@example.test')).toBe('complaint');
    expect(fakeKindOf('bouncer@example.test')).toBe('delivery');
    const email = { messageId: 'm-1', from: 'f@x', destination: { to: ['complaint@example.test'] }, at: 1 };
    expect(eventsFor(email).map((e) => e.eventType)).toEqual(['Delivery', 'Complaint']);
  });

  test('its SQS bodies parse as the mail events the function follows', () => {
    const email = { messageId: 'm-9', from: 'f@x', destination: { to: ['bounce@example.test'] }, at: 1 };
    const [detail] = eventsFor(email);
    const body = sqsEventOf(detail).Records[0].body;
    expect(JSON.parse(body)).toEqual(
      expect.objectContaining({ source: 'aws.ses', 'detail-type': 'Email Bounced' }),
    );
    expect(mailEventOf(body)).toEqual(
      expect.objectContaining({
        kind: 'bounce',
        messageId: 'm-9',
        bounceType: 'Permanent',
        bounceSubType: 'General',
      }),
    );
  });
});
