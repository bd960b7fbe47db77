import { mainEntry } from '../../tsup.shared.js';

export default mainEntry();
