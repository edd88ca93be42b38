import { BlockStack, Button, InlineError, InlineStack, Tag, Text } from "@shopify/polaris";
import { useId } from "react";
import { gid, resourceId } from "~/lib/shopify-ids";
import { useAppBridge } from "./app-bridge";
import { IdEntry, ProductTitleSearch } from "./resource-inputs";

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
          <ProductTitleSearch label={label} chosen={ids} onAdd={(product) => add([product])} />
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
