import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import {
  Button,
  Card,
  FormLayout,
  Page,
  AppProvider as PolarisAppProvider,
  Text,
  TextField,
} from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import polarisTranslations from "@shopify/polaris/locales/en.json";
import { useState } from "react";
import { shopify } from "~/shopify.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

function shopError(errors: { shop?: string } | undefined) {
  if (!errors?.shop) return undefined;
  return errors.shop === "MISSING_SHOP"
    ? "Enter your shop domain"
    : "Enter a valid shop domain (your-shop.myshopify.com)";
}

export async function loader({ request }: LoaderFunctionArgs) {
  const errors = await shopify().login(request);
  return { error: shopError(errors as { shop?: string }) };
}

export async function action({ request }: ActionFunctionArgs) {
  const errors = await shopify().login(request);
  return { error: shopError(errors as { shop?: string }) };
}

export default function Login() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [shop, setShop] = useState("");
  const error = actionData?.error ?? loaderData.error;
  return (
    <PolarisAppProvider i18n={polarisTranslations}>
      <Page narrowWidth>
        <Card>
          <Form method="post">
            <FormLayout>
              <Text variant="headingMd" as="h2">
                Log in to Checkout Upsell AI
              </Text>
              <TextField
                type="text"
                name="shop"
                label="Shop domain"
                helpText="example.myshopify.com"
                value={shop}
                onChange={setShop}
                autoComplete="on"
                error={error}
              />
              <Button submit>Log in</Button>
            </FormLayout>
          </Form>
        </Card>
      </Page>
    </PolarisAppProvider>
  );
}
