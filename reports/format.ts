import type { RunReport } from './model.js';

/** One report format: a file name and a pure rendering of the run report. Listed in `REPORT_FORMATS` (`writer.ts`). */
export interface ReportFormat {
  readonly fileName: string;
  render(report: Readonly<RunReport>): string;
}
