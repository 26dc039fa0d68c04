import type { AdapterOptions } from './adapter';

/**
 * The same handler modules the CDK stack deploys. Loaded lazily, after the environment points the
 * SDK at the local services.
 */
export function loadHandlers(): Pick<AdapterOptions, 'handlers' | 'authorizer'> {
  return {
    authorizer: require('../lambdas/authorizer/handler').handler,
    handlers: {
      tokens: require('../lambdas/tokens/handler').handler,
      discovery: require('../lambdas/discovery/handler').handler,
      users: require('../lambdas/users/handler').handler,
      groups: require('../lambdas/groups/handler').handler,
      bulk: require('../lambdas/bulk/handler').handler,
      settings: require('../lambdas/settings/handler').handler,
      directory: require('../lambdas/directory/handler').handler,
      invitations: require('../lambdas/invitations/handler').handler,
      audit: require('../lambdas/audit/handler').handler,
      activity: require('../lambdas/activity/handler').handler,
      invites: require('../lambdas/invites/handler').handler,
    },
  };
}
