// Job list: choosing a filter applies it at once (the server filters; this only submits the form).
const form = document.getElementById('filters') as HTMLFormElement | null;
if (form) {
  for (const select of form.querySelectorAll('select')) select.addEventListener('change', () => form.requestSubmit());
  form.addEventListener('submit', () => {
    // Leave empty fields out of the URL.
    for (const el of form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')) el.disabled = el.value === '';
  });
}
