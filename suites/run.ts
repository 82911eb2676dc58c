/**
 * The one file vitest runs for a clientele run: it registers every run the vitest run carries, each
 * with the families its config names, side by side (`registerRuns`). A new family is a suite file and
 * a line here.
 */
import { registerRuns } from './harness.js';
import contract from './contract.suite.js';
import pagination from './pagination.suite.js';
import ordering from './ordering.suite.js';
import filtering from './filtering.suite.js';
import partialUpdate from './partial-update.suite.js';
import actions from './actions.suite.js';
import deletion from './deletion.suite.js';
import stateful from './stateful.suite.js';
import access from './access.suite.js';
import { IDS_REUSED } from './prerequisites.js';

// A target that hands a deleted client's id out again lets checks see each other's clients: they then
// run one at a time, and the report is the same whatever --concurrency.
registerRuns([contract, pagination, ordering, filtering, partialUpdate, actions, deletion, stateful, access], {
  aloneWhen: IDS_REUSED,
});
