import { GanForgeError } from '@ganforge/core';

/** One line for a person: the message of a GANForge error (it names the argument, expected and received), else the error's text. */
export function describeError(error: unknown): string {
  if (error instanceof GanForgeError) return error.message;
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/**
 * Shows a failure in the page (the banner under the tabs), not only in the console: `where` says
 * which panel or action failed. Returns the text shown, for a panel's own status line.
 */
export function showError(where: string, error: unknown): string {
  const text = `${where}: ${describeError(error)}`;
  const banner = document.getElementById('studio-errors');
  if (banner) {
    const item = document.createElement('div');
    item.className = 'studio-error';
    const message = document.createElement('span');
    message.textContent = text;
    const dismiss = document.createElement('button');
    dismiss.textContent = 'Dismiss';
    dismiss.addEventListener('click', () => item.remove());
    item.append(message, dismiss);
    banner.append(item);
  }
  console.error(text, error);
  return text;
}

/** Errors nobody caught (a failed import, a rejected promise in a handler) reach the banner too. */
export function showUncaughtErrors(): void {
  window.addEventListener('error', (event) => showError('Unexpected error', event.error ?? event.message));
  window.addEventListener('unhandledrejection', (event) => showError('Unexpected error', event.reason));
}
