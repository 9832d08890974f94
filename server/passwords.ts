/**
 * Passwords too common to accept: the 10,000 most frequent from leaked-password lists (zxcvbn's
 * common dictionary, most frequent first), compared without case, plus the account's own email.
 * Guessers try exactly these first, so no rate limit protects an account that uses one.
 */
import { dictionary } from '@zxcvbn-ts/language-common';

const COMMON = new Set(
  (dictionary['passwords-common'] as string[]).slice(0, 10_000).map((p) => p.toLowerCase()),
);

export function passwordProblem(password: string, email?: string): string | null {
  const p = password.toLowerCase();
  if (COMMON.has(p) || COMMON.has(p.replace(/[\d!@#$%^&*.?]+$/, '')))
    return 'That password is one of the most common ones, which guessers try first; choose a less common one (a few unrelated words work well).';
  if (email && p === email.trim().toLowerCase())
    return 'Do not use your email address as your password; choose something else.';
  return null;
}
