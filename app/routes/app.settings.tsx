import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { BlockStack, Button, InlineStack, Layout } from "@shopify/polaris";
import { useEffect, useRef } from "react";
import { AdminPage } from "~/components/admin-page";
import { PageError } from "~/components/page-error";
import { DiscountsSection } from "~/components/settings/discounts-section";
import { draftOf } from "~/components/settings/draft";
import { ExperimentSection } from "~/components/settings/experiment-section";
import {
  ExclusionsSection,
  HeadingsSection,
  OffersSection,
  TrainingSection,
} from "~/components/settings/offers-section";
import { SaveBanner } from "~/components/settings/save-banner";
import { useSettingsFields } from "~/components/settings/use-settings-fields";
import { db } from "~/db.server";
import { settingsFromForm } from "~/lib/settings-form";
import { getShopSettings, updateShopSettings } from "~/services/update-shop-settings.server";
import { shopify } from "~/shopify.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { session } = await shopify().authenticate.admin(request);
  return getShopSettings(db(), session.shop);
}

export async function action({ request }: ActionFunctionArgs) {
  const { session } = await shopify().authenticate.admin(request);
  const input = settingsFromForm(await request.formData());
  return updateShopSettings(db(), { shopDomain: session.shop, input });
}

export default function Settings() {
  const { settings, productTitles, costs } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors: Record<string, string> = result && !result.ok ? result.errors : {};
  const form = useSettingsFields({ settings, productTitles, errors });
  const { setDraft } = form;
  const saving = navigation.state === "submitting";
  const formRef = useRef<HTMLFormElement>(null);
  const bannerRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!result) return;
    bannerRef.current?.focus();
    if (result.ok) {
      setDraft(draftOf(result.settings));
      // App Bridge's toast, when the page runs inside the Shopify admin.
      (globalThis as { shopify?: { toast?: { show(message: string): void } } }).shopify?.toast?.show(
        "Settings saved",
      );
    }
  }, [result, setDraft]);

  return (
    <AdminPage
      title="Settings"
      subtitle="Where offers appear, what they may include, discounts and experiments"
      primaryAction={{ content: "Save", loading: saving, onAction: () => formRef.current?.requestSubmit() }}
    >
      <Form method="post" ref={formRef} noValidate>
        <BlockStack gap="500">
          <SaveBanner
            saved={result?.ok === true}
            errorCount={Object.keys(errors).length}
            bannerRef={bannerRef}
          />
          <Layout>
            <OffersSection form={form} />
            <HeadingsSection form={form} />
            <ExclusionsSection form={form} />
            <DiscountsSection form={form} costs={costs} />
            <ExperimentSection form={form} />
            <TrainingSection form={form} />
          </Layout>
          <InlineStack align="end">
            <Button submit variant="primary" loading={saving}>
              Save
            </Button>
          </InlineStack>
        </BlockStack>
      </Form>
    </AdminPage>
  );
}

export function ErrorBoundary() {
  return <PageError title="Settings" />;
}
