import { CfnOutput, SecretValue, Stack, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { HandlerFunction } from './handler-function';

/** The key id of the generated first key (any id works; rotation adds keys with new ids). */
export const INITIAL_INVITE_KEY_ID = 'k1';

/**
 * The HMAC keys of the signed invitation links: a Secrets Manager secret whose string is
 * `{"keys":[{"id":"k1","secret":"<64 random characters>"}]}` on the first deploy, so links work at
 * once. Secrets Manager can generate a random value only at the top level of a JSON template, so a
 * second, generated secret (`Seed`, read by no function) provides the random part, put into the keys
 * document by a CloudFormation dynamic reference: the random value never appears in the template.
 * The template text of `Keys` never changes, so CloudFormation never writes it again: the operator's
 * rotations (docs/deploy.md, "Rotating the invite-link keys") stay.
 */
export class InviteLinkKeys extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const seed = new secretsmanager.Secret(this, 'Seed', {
      description:
        'Random initial invite-link key (copied into InviteLinkKeys at creation; not read by the service)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    const document = JSON.stringify({
      keys: [{ id: INITIAL_INVITE_KEY_ID, secret: seed.secretValue.unsafeUnwrap() }],
    });
    this.secret = new secretsmanager.Secret(this, 'Keys', {
      description:
        'HMAC keys of the signed invitation links: {"keys":[{"id","secret"}]}, the first signs, all verify',
      secretStringValue: SecretValue.unsafePlainText(document),
    });
    new CfnOutput(Stack.of(this), 'InviteLinkKeysSecretArn', {
      value: this.secret.secretArn,
      description: 'Secrets Manager secret of the invite-link HMAC keys (rotation: docs/deploy.md)',
    });
    const reason =
      'Invite-link keys are rotated by the operator without a rotation Lambda: put a new key first in ' +
      'the list, keep the old one for the link lifetime (inviteLinkTtlHours), then drop it ' +
      '(docs/deploy.md). A rotation Lambda cannot know when the last link signed with the old key expires.';
    Validations.of(this.secret).acknowledge({ id: 'AwsSolutions-SMG4', reason });
    Validations.of(seed).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Only the random seed of the first invite-link key; no function reads it, so there is nothing to rotate.',
    });
  }

  /** INVITE_LINK_KEYS_SECRET_ARN, INVITE_LINK_TTL_HOURS and read access for a function. */
  grantUse(handler: HandlerFunction, ttlHours: number): void {
    handler.function.addEnvironment('INVITE_LINK_KEYS_SECRET_ARN', this.secret.secretArn);
    handler.function.addEnvironment('INVITE_LINK_TTL_HOURS', String(ttlHours));
    this.secret.grantRead(handler.role);
  }
}
