/** Where to go after signing in: only a path on this site, never another origin. */
export function nextPath(raw: string | string[] | undefined): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\'))
    return '/strategies';
  return value;
}
