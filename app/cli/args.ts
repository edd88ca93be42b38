import { type ParseArgsConfig, parseArgs } from "node:util";
import { normalizeShopDomain } from "~/lib/shopify-ids";

const HELP = { help: { type: "boolean", default: false } } as const;

type WithHelp<T extends ParseArgsConfig> = T & { options: T["options"] & typeof HELP };

/**
 * Parses a command's arguments, with `--help` added to its options; null when `--help` was given,
 * after printing the usage.
 */
export function commandLine<const T extends ParseArgsConfig>(usage: string, config: T) {
  const parsed = parseArgs({ ...config, options: { ...config.options, ...HELP } } as WithHelp<T>);
  if ((parsed.values as { help?: boolean }).help) {
    console.log(usage);
    return null;
  }
  return parsed;
}

/** The `--shop` value as a shop domain; null, after saying what it should be, when it is not one. */
export function shopOption(value: string | undefined, usage: string): string | null {
  const shop = value ? normalizeShopDomain(value) : null;
  if (!shop) console.error(`--shop must be a shop domain like demo-shop.myshopify.com\n\n${usage}`);
  return shop;
}
