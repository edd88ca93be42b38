import { Checkbox, TextField } from "@shopify/polaris";
import { useState } from "react";
import { ResourceChooser, type ResourceType } from "~/components/resource-chooser";
import type { ShopSettings } from "~/lib/shop-settings";
import { draftOf } from "./draft";

/**
 * The settings form's state and its field builders: each field is named as the server reads it,
 * shows the text as typed and the server's error for its name.
 */
export function useSettingsFields({
  settings,
  productTitles,
  errors,
}: {
  settings: ShopSettings;
  productTitles: Record<string, string>;
  errors: Record<string, string>;
}) {
  const [draft, setDraft] = useState(() => draftOf(settings));
  // Titles of the products (and collections, once picked inside Shopify) the lists show, by id.
  const [titles, setTitles] = useState<Record<string, string>>(productTitles);

  const field = (name: string, label: string, extra: Partial<Parameters<typeof TextField>[0]> = {}) => (
    <TextField
      label={label}
      name={name}
      value={draft.text[name] ?? ""}
      onChange={(value) => setDraft((d) => ({ ...d, text: { ...d.text, [name]: value } }))}
      error={errors[name]}
      autoComplete="off"
      {...extra}
    />
  );
  const check = (name: string, label: string, helpText?: string) => (
    <>
      <input type="hidden" name={name} value={draft.checks[name] ? "on" : ""} />
      <Checkbox
        label={label}
        helpText={helpText}
        checked={draft.checks[name] ?? false}
        onChange={(value) => setDraft((d) => ({ ...d, checks: { ...d.checks, [name]: value } }))}
        error={errors[name]}
      />
    </>
  );
  const number = (
    name: string,
    label: string,
    options: { min: number; max: number; step?: number; suffix?: string; helpText?: string },
  ) =>
    field(name, label, {
      type: "number",
      min: options.min,
      max: options.max,
      step: options.step ?? 1,
      suffix: options.suffix,
      helpText: options.helpText,
      inputMode: "decimal",
    });
  const chooser = (name: string, type: ResourceType, label: string, helpText?: string) => (
    <ResourceChooser
      name={name}
      type={type}
      label={label}
      helpText={helpText}
      ids={(draft.text[name] ?? "").split(/[\s,]+/).filter(Boolean)}
      titles={titles}
      onChange={(ids, known) => {
        setTitles(known);
        setDraft((d) => ({ ...d, text: { ...d.text, [name]: ids.join("\n") } }));
      }}
      error={errors[name]}
    />
  );
  return { draft, setDraft, errors, field, check, number, chooser };
}

export type SettingsFields = ReturnType<typeof useSettingsFields>;
