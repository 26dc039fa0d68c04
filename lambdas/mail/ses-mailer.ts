import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { captureAwsClient } from '../config/observability';
import { DeliveryFailedError } from '../domain/errors';
import type { Mailer } from '../domain/ports';

let client: SESClient | undefined;

/**
 * The mailer port on SES v1 SendEmail; the endpoint comes from AWS_ENDPOINT_URL_SES locally. The SDK
 * retries throttling itself; a refusal after that is a DeliveryFailedError with SES's error as cause.
 */
export const sesMailer: Mailer = async (message) => {
  client ??= captureAwsClient(new SESClient({ maxAttempts: 3 }));
  try {
    await client.send(
      new SendEmailCommand({
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
  } catch (error) {
    throw new DeliveryFailedError((error as Error).message ?? 'SES refused the message', { cause: error });
  }
};
