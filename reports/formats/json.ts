import type { RunReport } from '../model.js';
import type { ReportFormat } from '../format.js';

/** The machine-readable report; `report.schema.json` is its contract. */
export const jsonFormat: ReportFormat = {
  fileName: 'report.json',
  render(report: Readonly<RunReport>): string {
    return `${JSON.stringify(report, null, 2)}\n`;
  },
};
