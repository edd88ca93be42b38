import { useFetcher } from "@remix-run/react";
import { BlockStack, Box, Button, InlineStack, Text, TextField } from "@shopify/polaris";
import { type KeyboardEvent, useEffect, useState } from "react";
import { resourceId } from "~/lib/shopify-ids";
import { useEmbeddedHref } from "./embedded";

/** How long typing pauses before the search asks the server. */
const SEARCH_DELAY_MS = 250;

/** Finds the shop's products by title and adds one. */
export function ProductTitleSearch({
  label,
  chosen,
  onAdd,
}: {
  label: string;
  chosen: string[];
  onAdd(product: { id: string; title: string }): void;
}) {
  const search = useFetcher<{ products: Array<{ id: string; title: string }> }>();
  const href = useEmbeddedHref();
  const [query, setQuery] = useState("");
  const { load } = search;
  useEffect(() => {
    const text = query.trim();
    if (!text) return;
    const timer = setTimeout(() => load(href("/app/product-search", { q: text })), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [query, load, href]);
  const matches = query.trim() ? (search.data?.products ?? []) : [];
  // Enter in the search field must not save the settings form around it.
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === "Enter") event.preventDefault();
  };
  return (
    <BlockStack gap="200">
      {/* biome-ignore lint/a11y/noStaticElementInteractions: only catches the Enter of the field inside */}
      <div onKeyDown={onKeyDown}>
        <TextField
          label={`Search products to add to “${label}”`}
          labelHidden
          placeholder="Search products by title"
          autoComplete="off"
          value={query}
          onChange={setQuery}
          clearButton
          onClearButtonClick={() => setQuery("")}
        />
      </div>
      {query.trim() && search.state === "idle" && search.data && matches.length === 0 ? (
        <Text as="p" tone="subdued">
          No product's title contains “{query.trim()}”.
        </Text>
      ) : null}
      {matches.length > 0 ? (
        <Box borderWidth="025" borderColor="border" borderRadius="200" padding="200">
          <BlockStack gap="100">
            {matches.map((product) => (
              <InlineStack key={product.id} align="space-between" blockAlign="center" gap="200" wrap={false}>
                <Text as="span">
                  {product.title}{" "}
                  <Text as="span" tone="subdued">
                    ({product.id})
                  </Text>
                </Text>
                <Button
                  size="slim"
                  disabled={chosen.includes(product.id)}
                  onClick={() => onAdd(product)}
                  accessibilityLabel={`Add ${product.title}`}
                >
                  {chosen.includes(product.id) ? "Added" : "Add"}
                </Button>
              </InlineStack>
            ))}
          </BlockStack>
        </Box>
      ) : null}
    </BlockStack>
  );
}

/** Adds a collection by its id (the number at the end of its address in the Shopify admin). */
export function IdEntry({ noun, label, onAdd }: { noun: string; label: string; onAdd(id: string): void }) {
  const [value, setValue] = useState("");
  const [problem, setProblem] = useState<string | undefined>();
  const submit = () => {
    const id = resourceId(value, noun);
    if (!id) {
      setProblem("Use the number at the end of the collection's address in your admin, such as 8123456789");
      return;
    }
    onAdd(id);
    setValue("");
    setProblem(undefined);
  };
  // Enter adds the id, rather than saving the whole settings form around it.
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    submit();
  };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: only catches the Enter of the field inside
    <div onKeyDown={onKeyDown}>
      <TextField
        label={`${noun} id to add to “${label}”`}
        labelHidden
        placeholder={`${noun} id`}
        autoComplete="off"
        value={value}
        onChange={(text) => {
          setValue(text);
          setProblem(undefined);
        }}
        error={problem}
        connectedRight={<Button onClick={submit}>Add</Button>}
      />
    </div>
  );
}
