import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';

export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export type Mailer = (message: MailMessage) => Promise<void>;

let client: SESClient | undefined;

/** SES v1 SendEmail; the endpoint comes from AWS_ENDPOINT_URL_SES locally. The SDK retries throttling itself. */
export const sesMailer: Mailer = async (message) => {
  client ??= new SESClient({ maxAttempts: 3 });
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
};
