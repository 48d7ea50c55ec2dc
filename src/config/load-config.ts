// Reads buzzwatch.yaml: YAML → ${ENV} interpolation → schema (with each source checked by its kind) → cross-references.
import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { LineCounter, parseDocument } from 'yaml';
import { compilePhrase } from '../mentions/brand-matcher.js';
import { knownSourceTypes, sourceKindFor } from '../sources/registry.js';
import type { SourceConfig } from '../sources/source-config.js';
import { ConfigError, type ConfigProblem } from './config-error.js';
import { interpolateEnv } from './interpolate.js';
import { schemaProblems } from './schema-problems.js';
import { ConfigSchema, type Config } from './schema.js';

export function loadConfigFile(file: string, env: Record<string, string | undefined> = process.env): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new ConfigError(file, [{ path: '', message: `cannot read the config file: ${reason}` }]);
  }
  return parseConfig(text, env, file);
}

export function parseConfig(yamlText: string, env: Record<string, string | undefined>, file = 'config'): Config {
  const lineCounter = new LineCounter();
  const document = parseDocument(yamlText, { lineCounter, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      file,
      document.errors.map((error) => {
        const position = error.linePos?.[0];
        const where = position ? `line ${position.line}, column ${position.col}: ` : '';
        return { path: '', message: `invalid YAML at ${where}${error.message.split('\n')[0]}` };
      }),
    );
  }
  const problems: ConfigProblem[] = [];
  const raw = interpolateEnv(document.toJS() ?? {}, env, problems);
  const config = validateConfig(raw, problems);
  if (problems.length > 0 || config === null) {
    throw new ConfigError(file, problems.sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true })));
  }
  return config;
}

function validateConfig(raw: unknown, problems: ConfigProblem[]): Config | null {
  const withDefaults = Value.Default(ConfigSchema, structuredClone(raw));
  const reported = new Set(problems.map((problem) => problem.path));
  const addProblems = (found: ConfigProblem[]) => {
    for (const problem of found) {
      if (!reported.has(problem.path)) problems.push(problem);
      reported.add(problem.path);
    }
  };
  addProblems(schemaProblems(ConfigSchema, withDefaults));
  const rawSources = (withDefaults as { sources?: unknown }).sources;
  const sources = Array.isArray(rawSources) ? decodeSources(rawSources, addProblems) : [];
  if (problems.length > 0) return null;
  const config: Config = { ...Value.Decode(ConfigSchema, withDefaults), sources };
  addProblems(crossReferenceProblems(config));
  return problems.length > 0 ? null : config;
}

function decodeSources(entries: unknown[], addProblems: (found: ConfigProblem[]) => void): SourceConfig[] {
  const sources: SourceConfig[] = [];
  entries.forEach((entry, index) => {
    const path = `sources[${index}]`;
    const type = (entry as { type?: unknown } | null)?.type;
    if (typeof type !== 'string') return;
    const kind = sourceKindFor(type);
    if (kind === undefined) {
      addProblems([{ path: `${path}.type`, message: `unknown source type "${type}" (known: ${knownSourceTypes.join(', ')})` }]);
      return;
    }
    const withDefaults = Value.Default(kind.configSchema, entry);
    const found = schemaProblems(kind.configSchema, withDefaults, path);
    if (found.length > 0) addProblems(found);
    else sources.push(Value.Decode(kind.configSchema, withDefaults) as SourceConfig);
  });
  return sources;
}

function crossReferenceProblems(config: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const brandIds = new Set(config.brands.map((brand) => brand.id));
  const brandList = [...brandIds].join(', ');
  problems.push(...duplicateProblems(config.brands.map((brand) => brand.id), 'brands', 'id'));
  problems.push(...duplicateProblems(config.sources.map((source) => source.id), 'sources', 'id'));
  problems.push(...duplicateProblems(config.api.keys.map((key) => key.name), 'api.keys', 'name'));
  problems.push(...duplicateProblems(config.api.keys.map((key) => key.key), 'api.keys', 'key'));
  config.brands.forEach((brand, index) => {
    for (const field of ['keywords', 'exclude'] as const) {
      brand[field].forEach((phrase, phraseIndex) => {
        try {
          compilePhrase(phrase);
        } catch (error) {
          problems.push({ path: `brands[${index}].${field}[${phraseIndex}]`, message: (error as Error).message });
        }
      });
    }
    brand.competitors.forEach((competitor, competitorIndex) => {
      const path = `brands[${index}].competitors[${competitorIndex}]`;
      if (competitor === brand.id) problems.push({ path, message: 'a brand cannot be its own competitor' });
      else if (!brandIds.has(competitor)) {
        problems.push({ path, message: `"${competitor}" is not a brand id (known: ${brandList})` });
      }
    });
  });
  config.sources.forEach((source, index) => {
    source.brands?.forEach((brandId, brandIndex) => {
      if (!brandIds.has(brandId)) {
        problems.push({ path: `sources[${index}].brands[${brandIndex}]`, message: `"${brandId}" is not a brand id (known: ${brandList})` });
      }
    });
  });
  return problems;
}

function duplicateProblems(values: string[], listPath: string, field: string): ConfigProblem[] {
  const firstIndex = new Map<string, number>();
  const problems: ConfigProblem[] = [];
  values.forEach((value, index) => {
    const earlier = firstIndex.get(value);
    if (earlier === undefined) firstIndex.set(value, index);
    else {
      const shown = field === 'key' ? 'the same key' : `"${value}"`;
      problems.push({ path: `${listPath}[${index}].${field}`, message: `${shown} is already used by ${listPath}[${earlier}]` });
    }
  });
  return problems;
}
