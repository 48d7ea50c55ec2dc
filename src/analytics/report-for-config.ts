// Builds the monthly report of a configured brand: what the API route, the CLI command and digests share.
import type { Config } from '../config/schema.js';
import type { Database } from '../store/database.js';
import { buildMonthlyReport, isReportMonth, type MonthlyReport } from './monthly-report.js';

export class ReportInputError extends Error {
  override readonly name = 'ReportInputError';
}

export async function reportForConfig(database: Database, config: Config, brandId: string, month: string, zone: string): Promise<MonthlyReport> {
  const brand = config.brands.find((candidate) => candidate.id === brandId);
  if (brand === undefined) {
    throw new ReportInputError(`brand "${brandId}" is not configured (known: ${config.brands.map((each) => each.id).join(', ')})`);
  }
  if (!isReportMonth(month)) throw new ReportInputError(`month "${month}" is not a month like 2026-11`);
  const competitors = config.brands.filter((candidate) => brand.competitors.includes(candidate.id));
  return buildMonthlyReport(database, config.brands, { brand, competitors, month, zone });
}
