import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import type { ReactNode } from 'react';

/** A confirmation: "Cancel" and a primary button named `action` that runs `onConfirm`. */
export function ConfirmModal({
  visible,
  header,
  action,
  busy,
  onConfirm,
  onDismiss,
  children,
}: {
  visible: boolean;
  header: string;
  action: string;
  busy?: boolean;
  onConfirm(): void;
  onDismiss(): void;
  children: ReactNode;
}) {
  return (
    <Modal
      visible={visible}
      onDismiss={onDismiss}
      header={header}
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onDismiss} disabled={busy}>
              Cancel
            </Button>
            <Button variant="primary" onClick={onConfirm} loading={busy}>
              {action}
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      {children}
    </Modal>
  );
}
