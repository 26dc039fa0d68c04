import { Logger } from '@aws-lambda-powertools/logger';

/** One logger per process. Never log the Authorization header or request bodies (secrets, PII). */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'scim-provisioning' });
