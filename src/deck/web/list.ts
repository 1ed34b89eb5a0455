// Job list: choosing a filter applies it at once (the server filters; this only submits the form), and
// while jobs on the page run, their durations count up and the list, chart and states refresh (live.ts).
import { refreshWhileRunning, tickDurations } from './live.js';

const form = document.getElementById('filters') as HTMLFormElement | null;
if (form) {
  for (const select of form.querySelectorAll('select')) select.addEventListener('change', () => form.requestSubmit());
  form.addEventListener('submit', () => {
    // Leave empty fields out of the URL.
    for (const el of form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')) el.disabled = el.value === '';
  });
}

tickDurations();
refreshWhileRunning(['#job-list-live'], () => document.getElementById('job-list-live')?.dataset['running'] === '1');
