// Run by threaded-wasm-backend.test.ts in a child process: starts the wasm backend with the thread
// count given as argv[2], then fails the way a user's script with a bug does.
import { useBackend } from '@ganforge/backend-node';

await useBackend({ backend: 'wasm', threads: Number(process.argv[2]), log: false });
throw new Error('a bug in the user script');
