/** Turns what a sign-in / sign-up attempt can go wrong with into a message next to the right field. */

export type AuthField = 'name' | 'email' | 'password';
export type FormProblem = { field?: AuthField; message: string };
export type AuthFailure = { code?: string; message?: string; status?: number } | null | undefined;

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkAuthInput(
  mode: 'sign-in' | 'sign-up',
  input: { name?: string; email: string; password: string },
  minPasswordLength: number,
): FormProblem[] {
  const problems: FormProblem[] = [];
  if (mode === 'sign-up' && !input.name?.trim())
    problems.push({ field: 'name', message: 'Enter your name.' });
  if (!input.email.trim()) problems.push({ field: 'email', message: 'Enter your email address.' });
  else if (!emailPattern.test(input.email.trim()))
    problems.push({
      field: 'email',
      message: `"${input.email.trim()}" is not an email address; it should look like you@example.com.`,
    });
  if (!input.password) problems.push({ field: 'password', message: 'Enter your password.' });
  else if (mode === 'sign-up' && input.password.length < minPasswordLength)
    problems.push({
      field: 'password',
      message: `Use at least ${minPasswordLength} characters for your password.`,
    });
  return problems;
}

export function describeAuthFailure(
  mode: 'sign-in' | 'sign-up',
  failure: AuthFailure,
  minPasswordLength: number,
): FormProblem {
  const code = failure?.code ?? '';
  if (failure?.status === 429)
    return {
      message:
        code === 'TOO_MANY_ATTEMPTS' && failure?.message
          ? failure.message
          : 'Too many attempts in a short time. Wait a minute, then try again.',
    };
  switch (code) {
    case 'INVALID_EMAIL_OR_PASSWORD':
    case 'INVALID_PASSWORD':
      // After a sign-up this means the email already had an account with another password.
      return mode === 'sign-up'
        ? {
            field: 'email',
            message:
              'Could not sign you in with this email and password. If you already have an account with this email, sign in with its password instead, or use another email.',
          }
        : { field: 'password', message: 'Wrong email or password. Check both and try again.' };
    case 'PASSWORD_TOO_COMMON':
      return {
        field: 'password',
        message: failure?.message || 'That password is too common; choose another.',
      };
    case 'INVALID_EMAIL':
      return {
        field: 'email',
        message: 'That is not a valid email address; it should look like you@example.com.',
      };
    case 'PASSWORD_TOO_SHORT':
      return {
        field: 'password',
        message: `Use at least ${minPasswordLength} characters for your password.`,
      };
    case 'PASSWORD_TOO_LONG':
      return {
        field: 'password',
        message: 'That password is too long; use at most 128 characters.',
      };
  }
  if (failure?.status === 0 || failure?.status === undefined)
    return {
      message: 'Cannot reach the Strikeflow server. Check that it is running, then try again.',
    };
  const verb = mode === 'sign-in' ? 'Sign-in' : 'Sign-up';
  return {
    message: `${verb} failed: ${failure?.message || `the server answered ${failure?.status}`}.`,
  };
}
