/**
 * Where to go after signing in: only a path on this site, never another origin. The value is
 * parsed as a URL against a placeholder origin, as a browser would resolve it, and only its path,
 * query and fragment are kept; browsers drop tabs and newlines inside URLs, so `/%09/evil.example`
 * would otherwise become `//evil.example`, and a newline in a redirect header is a server error.
 */
const HOME = '/strategies';
const PLACEHOLDER = 'http://strikeflow.invalid';

export function nextPath(raw: string | string[] | undefined): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  // eslint-disable-next-line no-control-regex
  if (!value || !value.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(value)) return HOME;
  let url: URL;
  try {
    url = new URL(value, PLACEHOLDER);
  } catch {
    return HOME;
  }
  if (url.origin !== PLACEHOLDER) return HOME;
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith('//') ? HOME : path;
}
