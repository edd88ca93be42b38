import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack } from "@shopify/polaris";
import { AdminPage } from "~/components/admin-page";
import { PageError } from "~/components/page-error";
import { SegmentSettingsCard } from "~/components/segments/segment-settings-card";
import { SegmentsTable } from "~/components/segments/segments-table";
import { db } from "~/db.server";
import { dateFormat, dateTimeFormat } from "~/lib/format";
import { settingsFromForm } from "~/lib/settings-form";
import { segmentOverview } from "~/services/segment-overview.server";
import { updateShopSettings } from "~/services/update-shop-settings.server";
import { shopify } from "~/shopify.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await shopify().authenticate.admin(request);
  return segmentOverview(db(), { shopDomain: session.shop });
}

/** A segment's card saves its own fields through the shop's settings, checked by the same rules. */
export async function action({ request }: ActionFunctionArgs) {
  const { session } = await shopify().authenticate.admin(request);
  const input = settingsFromForm(await request.formData());
  return updateShopSettings(db(), { shopDomain: session.shop, input: { segments: input.segments ?? {} } });
}

export default function Segments() {
  const overview = useLoaderData<typeof loader>();
  const first = dateFormat.format(new Date(overview.since));
  const last = dateFormat.format(new Date(new Date(overview.until).getTime() - 1));
  return (
    <AdminPage
      title="Segments"
      subtitle="Who your shoppers are, how each group takes offers, and what each is offered"
    >
      <BlockStack gap="500">
        <SegmentsTable
          segments={overview.segments}
          currency={overview.currency}
          window={`${first} – ${last}`}
          computed={`${dateTimeFormat.format(new Date(overview.computedAt))} UTC`}
        />
        {overview.segments.map((segment) => (
          <SegmentSettingsCard key={segment.segment} segment={segment} limits={overview} />
        ))}
      </BlockStack>
    </AdminPage>
  );
}

export function ErrorBoundary() {
  return <PageError title="Segments" />;
}
