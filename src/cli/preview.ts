// `buzzwatch preview SOURCE_ID`: polls one source once and prints its normalised items; saves and queues nothing.
import { settingsFromEnv } from '../runtime/settings.js';
import { UsageError, type CliCommand } from './command.js';
import { loadConfigOrReport } from './load-config-or-report.js';
import { positionalArguments } from './positional-arguments.js';

export const previewCommand: CliCommand = {
  name: 'preview',
  synopsis: 'SOURCE_ID',
  summary: 'poll one source once, print its items; changes nothing',
  run: preview,
};

async function preview(args: string[]): Promise<number> {
  const settings = settingsFromEnv();
  const sourceId = positionalArguments(args, previewCommand, 1)[0];
  if (sourceId === undefined) throw new UsageError('preview needs a SOURCE_ID', previewCommand);
  const config = loadConfigOrReport(settings.configFile);
  if (config === null) return 1;
  const sourceConfig = config.sources.find((source) => source.id === sourceId);
  if (sourceConfig === undefined) {
    const known = config.sources.map((source) => source.id).join(', ');
    console.error(`no source "${sourceId}" in ${settings.configFile} (known: ${known})`);
    return 1;
  }
  const { createSource } = await import('../sources/registry.js');
  const { compileBrandRules } = await import('../mentions/brand-rules.js');
  const { previewSource } = await import('../poller/preview-source.js');
  const { httpClientFor } = await import('../runtime/http-for-config.js');
  const { createLogger } = await import('../runtime/logger.js');
  const { pino } = await import('pino');
  const result = await previewSource(createSource(sourceConfig, config.brands), {
    brandRules: compileBrandRules(config.brands),
    http: httpClientFor(config),
    // Logs go to stderr: stdout carries the JSON lines.
    logger: createLogger(settings.logLevel === 'info' ? 'warn' : settings.logLevel, pino.destination(2)),
  });
  if (!result.ok) {
    console.error(result.reason);
    return 1;
  }
  for (const line of result.lines) process.stdout.write(`${JSON.stringify(line)}\n`);
  if (result.warning !== null) console.error(`${sourceConfig.id}: ${result.warning}`);
  return 0;
}
