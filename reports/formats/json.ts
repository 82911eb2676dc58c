import type { RunReport } from '../model.js';
import type { ReportFormat } from '../format.js';
import { visibleReport } from '../render.js';

/**
 * The machine-readable report; `report.schema.json` is its contract. Its strings are the `visible` forms:
 * `JSON.stringify` escapes C0 controls but writes DEL, C1 controls and bidi overrides raw, and a consumer
 * printing a parsed value would hand them to its terminal.
 */
export const jsonFormat: ReportFormat = {
  fileName: 'report.json',
  render(report: Readonly<RunReport>): string {
    return `${JSON.stringify(visibleReport(report), null, 2)}\n`;
  },
};
