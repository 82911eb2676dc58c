import { conformanceOf } from './support/conformance.js';

conformanceOf('freshbooks');
