import { nodeEntry } from '../../tsup.shared.js';

export default nodeEntry('@ganforge/data');
