import { Banner } from "@shopify/polaris";
import type { Ref } from "react";

/** What the last save did, focused after each answer so a screen reader hears it. */
export function SaveBanner({
  saved,
  errorCount,
  bannerRef,
}: {
  saved: boolean;
  errorCount: number;
  bannerRef: Ref<HTMLDivElement>;
}) {
  return (
    <div ref={bannerRef} tabIndex={-1} aria-live="polite">
      {saved ? (
        <Banner tone="success" title="Settings saved">
          Checkout uses them within a minute.
        </Banner>
      ) : null}
      {errorCount > 0 ? (
        <Banner
          tone="critical"
          title={`${errorCount === 1 ? "One field needs" : `${errorCount} fields need`} a fix`}
        >
          Nothing was saved. The fields are marked below.
        </Banner>
      ) : null}
    </div>
  );
}
