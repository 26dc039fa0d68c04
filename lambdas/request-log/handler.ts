import { logger } from '../http/logger';
import { DynamoRequestLogRepository } from '../store/request-log-repository';
import { createRequestLogWriter } from './writer';

/**
 * The request log's writer (docs/architecture.md, "Request log"): CloudWatch Logs subscription
 * filters on the SCIM functions' and the authorizer's log groups deliver their `{"requestLog": …}`
 * lines here; it stores them in the table. It may write log and counter items only (CDK grant).
 */
export const handler = createRequestLogWriter(new DynamoRequestLogRepository(), (message, details) =>
  logger.warn(message, details),
);
