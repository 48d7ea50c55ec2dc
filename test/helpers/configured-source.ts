// A source built the way the runtime builds it: from a config file's text, validated and with its defaults applied.
import type { BrandConfig } from '../../src/config/schema.js';
import { parseConfig } from '../../src/config/load-config.js';
import { createSource } from '../../src/sources/registry.js';
import type { Source } from '../../src/sources/source.js';

/** The one source of the config `yaml` (brands and a one-entry `sources:`), and the config's brands. */
export function sourceFromConfig(yaml: string): { source: Source; brands: BrandConfig[] } {
  const config = parseConfig(yaml, {});
  const [sourceConfig] = config.sources;
  if (sourceConfig === undefined || config.sources.length !== 1) throw new Error('the config must have exactly one source');
  return { source: createSource(sourceConfig, config.brands), brands: config.brands };
}
