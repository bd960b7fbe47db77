/**
 * An AbortSignal that fires on the first Ctrl+C (SIGINT) or SIGTERM, so training stops between steps
 * and writes its checkpoint; a second Ctrl+C exits at once.
 */
export function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    console.error('\nStopping after this step and writing a checkpoint (Ctrl+C again to quit now)...');
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  controller.signal.addEventListener('abort', () => {
    process.once('SIGINT', () => process.exit(130));
  });
  return controller.signal;
}
