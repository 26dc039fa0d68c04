import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

/**
 * PLACEHOLDER so that the CDK app synthesizes on the cdk branch; the mail change owns and replaces
 * this file (SES events -> invitation states). Until then every record is reported failed, so SQS
 * keeps it and, after its retries, moves it to the dead-letter queue: no event is dropped silently.
 */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => ({
  batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })),
});
