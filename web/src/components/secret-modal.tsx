import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import type { IssuedTokenView } from '../../../lambdas/contract/admin-api';
import { idpName } from '../idps';
import { CopyField } from './copy-field';

/**
 * The one time a token's secret is shown: "Token" and "Target SCIM URL" with "Copy" buttons. The
 * secret lives only in the caller's state while this is open; dismissing it drops it.
 */
export function SecretModal({
  issued,
  renewed,
  onDismiss,
}: {
  issued: IssuedTokenView | null;
  renewed: boolean;
  onDismiss(): void;
}) {
  return (
    <Modal
      visible={issued !== null}
      onDismiss={onDismiss}
      size="large"
      header={renewed ? 'Token renewed' : 'Token generated'}
      footer={
        <Box float="right">
          <Button variant="primary" onClick={onDismiss}>
            Done
          </Button>
        </Box>
      }
    >
      {issued && (
        <SpaceBetween size="l">
          <Alert type="warning" header="Copy the token now: it is shown only once">
            This token is shown only once. After you close this dialog it cannot be displayed again; if it is
            lost, renew the token to get a new secret.
            {renewed && ' The previous secret of this token no longer works.'}
          </Alert>
          <Box>For {idpName(issued.idp)}: paste both values into its provisioning settings.</Box>
          <CopyField label="Token" value={issued.token} testId="copy-token" />
          <CopyField label="Target SCIM URL" value={issued.scimBaseUrl} testId="copy-scim-url" />
        </SpaceBetween>
      )}
    </Modal>
  );
}
