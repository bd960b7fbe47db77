/**
 * A promise that rejects when `worker` fails outside any call: its script did not load, or an error
 * nobody caught ended its work. Race every wait on the worker against it, so that a broken worker
 * shows in the page instead of leaving the panel waiting (the playground sat at "Loading MNIST..."
 * forever after such an error). The event is marked handled: it is reported through the rejection,
 * not again as the page's uncaught error.
 */
export function workerFailure(worker: Worker, what: string): Promise<never> {
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      reject(new Error(`${what} stopped: ${event.message || 'its script did not load'}.`));
    });
    worker.addEventListener('messageerror', () => reject(new Error(`${what} sent a message that could not be read.`)));
  });
  failed.catch(() => undefined); // observed by whoever races it
  return failed;
}
