import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { captureAwsClient } from '../config/observability';
import { DeliveryFailedError } from '../domain/errors';
import type { Mailer } from '../domain/ports';

let client: SESClient | undefined;

/**
 * The mailer port on SES v1 SendEmail; the endpoint comes from AWS_ENDPOINT_URL_SES locally. The SDK
 * retries throttling itself; a refusal after that is a DeliveryFailedError with SES's error as cause.
 * With SES_CONFIGURATION_SET the message goes through that configuration set, whose event destination
 * publishes its delivery, bounce and complaint (lambdas/mail-events/); SES's MessageId is answered so
 * the invite can be correlated with them. The account-level suppression list applies as SES sets it:
 * nothing here overrides it (SendEmail v1 has no such option, on purpose).
 */
export const sesMailer: Mailer = async (message) => {
  client ??= captureAwsClient(new SESClient({ maxAttempts: 3 }));
  const configurationSet = process.env.SES_CONFIGURATION_SET || undefined;
  let messageId: string | undefined;
  try {
    const result = await client.send(
      new SendEmailCommand({
        ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
        Source: message.from,
        Destination: { ToAddresses: [message.to] },
        Message: {
          Subject: { Data: message.subject, Charset: 'UTF-8' },
          Body: {
            Text: { Data: message.text, Charset: 'UTF-8' },
            Html: { Data: message.html, Charset: 'UTF-8' },
          },
        },
      }),
    );
    messageId = result.MessageId;
  } catch (error) {
    throw new DeliveryFailedError((error as Error).message ?? 'SES refused the message', { cause: error });
  }
  // SES's API always answers one; should it not, the mail went out (never send it twice): no events
  // can be correlated with it, and the invite stays `sent`.
  return { messageId: messageId ?? '' };
};
