import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { Upsell } from "./upsell";

export default async () => {
  render(<Upsell surface="cart-line-list" />, document.body);
};
