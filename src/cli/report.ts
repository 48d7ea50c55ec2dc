// `buzzwatch report --brand ID --month 2026-11 [--format json|html|md] [--tz ZONE]`: a brand's monthly KPI report
// from the stored mentions, on stdout.
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { settingsFromEnv } from '../runtime/settings.js';
import { UsageError, type CliCommand } from './command.js';
import { loadConfigOrReport } from './load-config-or-report.js';

const FORMATS = ['json', 'html', 'md'] as const;

export const reportCommand: CliCommand = {
  name: 'report',
  synopsis: '--brand ID [--month YYYY-MM] [--format json|html|md] [--tz ZONE]',
  summary: "print a brand's monthly KPI report (figures against the previous months, flags, top sources, worst mentions)",
  details: `--month YYYY-MM   default: the last complete month
--format          json (default; as GET /v1/reports/monthly), html (one self-contained page) or md
--tz ZONE         IANA time zone of the month; default reports.timezone`,
  run: report,
};

async function report(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { brand: { type: 'string' }, month: { type: 'string' }, format: { type: 'string', default: 'json' }, tz: { type: 'string' } },
    strict: true,
  });
  if (values.brand === undefined) throw new UsageError('report needs --brand ID', reportCommand);
  const format = values.format ?? 'json';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format ${format}: use json, html or md`, reportCommand);
  const { isTimeZone, canonicalTimeZone } = await import('../analytics/buckets.js');
  if (values.tz !== undefined && !isTimeZone(values.tz)) throw new UsageError(`--tz ${values.tz}: not an IANA time zone (e.g. Europe/Warsaw)`, reportCommand);
  const { isReportMonth, lastCompleteMonth } = await import('../analytics/monthly-report.js');
  if (values.month !== undefined && !isReportMonth(values.month)) throw new UsageError(`--month ${values.month}: use YYYY-MM, e.g. 2026-11`, reportCommand);
  const settings = settingsFromEnv();
  const config = loadConfigOrReport(settings.configFile);
  if (config === null) return 1;
  const zone = values.tz === undefined ? config.reports.timezone : canonicalTimeZone(values.tz);
  const month = values.month ?? lastCompleteMonth(new Date(), zone);
  const { createDatabase } = await import('../store/database.js');
  const { reportForConfig, ReportInputError } = await import('../analytics/report-for-config.js');
  const database = createDatabase(settings.databaseUrl, { max: 4 });
  try {
    const built = await reportForConfig(database, config, values.brand, month, zone);
    let output: string;
    if (format === 'html') output = (await import('../analytics/report-html.js')).reportHtml(built);
    else if (format === 'md') output = (await import('../analytics/report-markdown.js')).reportMarkdown(built);
    else output = `${JSON.stringify(built, null, 2)}\n`;
    if (!process.stdout.write(output)) await once(process.stdout, 'drain');
    return 0;
  } catch (error) {
    if (!(error instanceof ReportInputError)) throw error;
    console.error(error.message);
    return 1;
  } finally {
    await database.end();
  }
}
