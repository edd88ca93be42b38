import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { Upsell } from "./upsell";

export default async () => {
  render(<Upsell surface="thank-you" />, document.body);
};
