// What keeps a page about running jobs current without a reload: durations count up every second, and
// parts of the page are fetched again (a fresh server render of the same URL) every few seconds while
// something on it is still running. A hidden tab skips its fetches.
import { formatDuration } from '../jobs.js';

const REFRESH_MS = 5000;

/** Counts every `[data-since]` element (src/deck/pages/common.ts duration()) up from its start time. */
export function tickDurations(): void {
  const tick = (): void => {
    for (const el of document.querySelectorAll<HTMLElement>('[data-since]')) {
      const since = Date.parse(el.dataset['since'] ?? '');
      if (!Number.isNaN(since)) el.textContent = formatDuration(Math.max(0, Date.now() - since));
    }
  };
  window.setInterval(tick, 1000);
}

/** A fresh render of this page, or undefined when the server did not answer with one. */
export async function fetchThisPage(): Promise<Document | undefined> {
  const res = await fetch(window.location.href, { headers: { accept: 'text/html' } });
  if (!res.ok) return undefined;
  return new DOMParser().parseFromString(await res.text(), 'text/html');
}

/**
 * Every REFRESH_MS while `stillRunning()`: swaps each selector's element for the fresh page's, then
 * calls `after`. Stops once nothing runs any more (after one last swap).
 */
export function refreshWhileRunning(selectors: string[], stillRunning: () => boolean, after?: (fresh: Document) => void): void {
  const round = async (): Promise<void> => {
    if (!stillRunning()) return;
    if (!document.hidden) {
      const fresh = await fetchThisPage().catch(() => undefined);
      if (fresh) {
        for (const selector of selectors) {
          const next = fresh.querySelector(selector);
          if (next) document.querySelector(selector)?.replaceWith(document.adoptNode(next));
        }
        after?.(fresh);
      }
    }
    window.setTimeout(() => void round(), REFRESH_MS);
  };
  window.setTimeout(() => void round(), REFRESH_MS);
}
