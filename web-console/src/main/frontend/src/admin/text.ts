// How the admin forms turn text boxes into the API's lists and maps, and back.

/** `a, b` or one per line into `['a', 'b']`; blanks dropped. */
export function listOf(text: string): string[] {
  return text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
}

/** `team=ops` pairs (comma or one per line) into `{team: 'ops'}`; a pair without `=` keeps an empty value, so the API names it. */
export function labelsOf(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of listOf(text)) {
    const at = pair.indexOf('=');
    if (at < 0) labels[pair] = '';
    else labels[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return labels;
}

export function labelsText(labels: Record<string, string> | undefined): string {
  return Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
}

/** The API's name rule (users, roles, hosts, networks, tokens), for the browser to check before sending. */
export const NAME_PATTERN = '[a-z0-9][a-z0-9._\\-]{0,62}';
export const NAME_HINT = "1 to 63 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit";

/** Seconds as the largest whole unit (`8 h`, `90 s`). */
export function seconds(total: number): string {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['min', 60]] as const) {
    if (total >= size && total % size === 0) return `${total / size} ${unit}`;
  }
  return `${total} s`;
}
