import { useFetcher } from "@remix-run/react";
import { BlockStack, Box, Button, InlineError, InlineStack, Tag, Text, TextField } from "@shopify/polaris";
import { type KeyboardEvent, useEffect, useId, useState } from "react";
import { gid, resourceId } from "~/lib/shopify-ids";
import { useAppBridge } from "./app-bridge";
import { useEmbeddedHref } from "./embedded";

export type ResourceType = "product" | "collection";

const NOUN = { product: "Product", collection: "Collection" } as const;
/** The chosen items: tags that wrap, without the list's bullets and indent. */
const CHOSEN_LIST_STYLE = {
  display: "flex",
  flexWrap: "wrap",
  gap: "var(--p-space-200)",
  margin: 0,
  padding: 0,
  listStyle: "none",
} as const;
/** How long typing pauses before the search asks the server. */
const SEARCH_DELAY_MS = 250;

interface PickedResource {
  id: string;
  title?: string;
}

/** App Bridge's resource picker, as much of it as is used here; undefined when it was dismissed. */
type ResourcePicker = (options: {
  type: ResourceType;
  multiple: boolean;
  action: "select";
  selectionIds: Array<{ id: string }>;
}) => Promise<PickedResource[] | undefined>;

function resourcePicker(): ResourcePicker | undefined {
  return (globalThis as { shopify?: { resourcePicker?: ResourcePicker } }).shopify?.resourcePicker;
}

/**
 * A list of products or collections the merchant picks, shown by title with a remove button each.
 * Inside Shopify they are picked with App Bridge's resource picker; elsewhere products are found by
 * title among the shop's stored products, and collections (whose titles the app does not store) are
 * added by id. The form receives the ids, one per line, in a hidden field named `name`, and the
 * server validates them as before.
 */
export function ResourceChooser({
  name,
  type,
  label,
  helpText,
  ids,
  titles,
  onChange,
  error,
}: {
  name: string;
  type: ResourceType;
  label: string;
  helpText?: string;
  ids: string[];
  /** titles known so far, by id; updated with what the picker or the search returns */
  titles: Record<string, string>;
  onChange(ids: string[], titles: Record<string, string>): void;
  error?: string;
}) {
  const appBridge = useAppBridge();
  const labelId = useId();
  const errorId = useId();
  const noun = NOUN[type];
  const titleOf = (id: string) => titles[id] ?? `${noun} ${id}`;
  const add = (picked: PickedResource[]) => {
    const known = { ...titles };
    const added: string[] = [];
    for (const resource of picked) {
      const id = resourceId(resource.id, noun);
      if (!id) continue;
      added.push(id);
      if (resource.title) known[id] = resource.title;
    }
    onChange([...new Set([...ids, ...added])], known);
  };
  const remove = (id: string) =>
    onChange(
      ids.filter((other) => other !== id),
      titles,
    );

  const pick = async () => {
    const picker = resourcePicker();
    if (!picker) return;
    const picked = await picker({
      type,
      multiple: true,
      action: "select",
      selectionIds: ids.map((id) => ({ id: gid(noun, id) })),
    });
    if (!picked) return;
    // The picker returns the whole selection: what it leaves out was deselected.
    const known = { ...titles };
    const chosen = picked.flatMap((resource) => {
      const id = resourceId(resource.id, noun);
      if (id && resource.title) known[id] = resource.title;
      return id ? [id] : [];
    });
    onChange([...new Set(chosen)], known);
  };

  return (
    <BlockStack gap="200">
      <input type="hidden" name={name} value={ids.join("\n")} />
      <Text as="p" id={labelId}>
        {label}
      </Text>
      {ids.length > 0 ? (
        <ul aria-labelledby={labelId} style={CHOSEN_LIST_STYLE}>
          {ids.map((id) => (
            <li key={id}>
              <Tag onRemove={() => remove(id)}>{titleOf(id)}</Tag>
            </li>
          ))}
        </ul>
      ) : (
        <Text as="p" tone="subdued">
          None.
        </Text>
      )}
      {appBridge === true ? (
        <InlineStack>
          <Button onClick={pick}>{`Choose ${type === "product" ? "products" : "collections"}`}</Button>
        </InlineStack>
      ) : appBridge === false ? (
        type === "product" ? (
          <ProductSearch label={label} chosen={ids} onAdd={(product) => add([product])} />
        ) : (
          <IdEntry noun={noun} label={label} onAdd={(id) => add([{ id }])} />
        )
      ) : null}
      {helpText ? (
        <Text as="p" tone="subdued">
          {helpText}
        </Text>
      ) : null}
      {error ? <InlineError message={error} fieldID={errorId} /> : null}
    </BlockStack>
  );
}

/** Finds the shop's products by title and adds one. */
function ProductSearch({
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
function IdEntry({ noun, label, onAdd }: { noun: string; label: string; onAdd(id: string): void }) {
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
