import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * Where deliveries that failed their retries are kept for inspection and replay (an on-failure
 * destination or a DLQ): encrypted, TLS only, 14 days. Being itself the last stop, it has no DLQ of its
 * own; `of` says whose failures it holds, for the cdk-nag acknowledgement.
 */
export function failureQueue(scope: Construct, id: string, of: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is itself the dead-letter store of ${of}; nothing consumes it automatically, so it needs no DLQ of its own.`,
  });
  return queue;
}
