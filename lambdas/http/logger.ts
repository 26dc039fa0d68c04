/**
 * The process's one logger (lambdas/config/observability.ts), kept under its old name for the files
 * that import it from here. Never log the Authorization header or request bodies (secrets, PII).
 */
export { logger } from '../config/observability';
