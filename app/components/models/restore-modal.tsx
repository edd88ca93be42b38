import { Modal, Text } from "@shopify/polaris";

/** Asks before a kept version replaces the live one. */
export function RestoreModal({
  version,
  liveVersion,
  onRestore,
  onClose,
}: {
  /** the version to restore; the modal is closed without one */
  version: number | null;
  liveVersion: number | null;
  onRestore(version: number): void;
  onClose(): void;
}) {
  return (
    <Modal
      open={version !== null}
      onClose={onClose}
      title={`Restore version ${version}?`}
      primaryAction={{
        content: `Restore version ${version}`,
        destructive: true,
        onAction: () => version !== null && onRestore(version),
      }}
      secondaryActions={[{ content: "Cancel", onAction: onClose }]}
    >
      <Modal.Section>
        <Text as="p">
          Version {version} becomes the live model
          {liveVersion !== null ? ` and version ${liveVersion} is retired` : ""}. Checkout switches within
          seconds. You can restore any kept version again later, unless it was trained before a customer was
          erased.
        </Text>
      </Modal.Section>
    </Modal>
  );
}
