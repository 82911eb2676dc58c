/** The freshbooks-rest mutant catalogue's proof (tests/support/mutant-catalogue.ts), in a file of its own so the workers share the load. */
import { mutantCatalogue } from './support/mutant-catalogue.js';

mutantCatalogue('freshbooks-rest');
