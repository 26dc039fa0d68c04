import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * The SDK's default credential chain as it runs in Lambda, for the function bundles only
 * (lib/bundling.ts aliases `@aws-sdk/credential-provider-node` to this file; tests and `npm start`
 * use the real chain). In Lambda the chain's first link always answers: the runtime sets
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN for the execution role, and no
 * AWS_PROFILE. The other links (SSO, ini files, credential processes, web identity, container and
 * instance metadata) never run there, yet they weigh about 130 KB of every minified bundle.
 */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);
