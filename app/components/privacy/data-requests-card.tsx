import { Banner, Button, InlineStack, Text } from "@shopify/polaris";
import { useState } from "react";
import { downloadFile } from "~/components/download";
import { useEmbeddedHref } from "~/components/embedded";
import { SectionCard } from "~/components/section-card";
import { dateTimeFormat } from "~/lib/format";

/** Customers' data requests Shopify forwarded, each with its report to download and hand over. */
export function DataRequestsCard({
  dataRequests,
}: {
  dataRequests: Array<{ id: number | string; requestedAt: string | Date }>;
}) {
  const href = useEmbeddedHref();
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const download = (id: number | string) =>
    downloadFile(href(`/app/data-requests/${id}`), `data-request-${id}.json`).then(
      () => setDownloadError(null),
      (error: Error) => setDownloadError(error.message),
    );
  return (
    <SectionCard title="Customer data requests">
      <Text as="p" tone="subdued">
        When a customer asks Shopify what you hold about them, a report of what this app holds is prepared
        here for you to hand over.
      </Text>
      {downloadError ? <Banner tone="critical">{downloadError}</Banner> : null}
      {dataRequests.length === 0 ? (
        <Text as="p">No requests so far.</Text>
      ) : (
        dataRequests.map((request) => {
          const when = dateTimeFormat.format(new Date(request.requestedAt));
          return (
            <InlineStack key={request.id} align="space-between" blockAlign="center">
              <Text as="span">{when}</Text>
              <Button
                size="slim"
                accessibilityLabel={`Download the report of ${when}`}
                onClick={() => download(request.id)}
              >
                Download
              </Button>
            </InlineStack>
          );
        })
      )}
    </SectionCard>
  );
}
