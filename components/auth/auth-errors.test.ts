import { describe, expect, it } from 'vitest';
import { checkAuthInput, describeAuthFailure } from './auth-errors';

describe('auth form problems', () => {
  it('points at each bad field before anything is sent', () => {
    expect(
      checkAuthInput('sign-up', { name: ' ', email: 'not-an-email', password: 'short' }, 8),
    ).toEqual([
      { field: 'name', message: 'Enter your name.' },
      {
        field: 'email',
        message: '"not-an-email" is not an email address; it should look like you@example.com.',
      },
      { field: 'password', message: 'Use at least 8 characters for your password.' },
    ]);
    expect(checkAuthInput('sign-in', { email: 'a@b.co', password: 'short' }, 8)).toEqual([]);
  });

  it('explains wrong passwords, duplicate accounts and rate limits', () => {
    expect(
      describeAuthFailure('sign-in', { code: 'INVALID_EMAIL_OR_PASSWORD', status: 401 }, 8).message,
    ).toMatch(/Wrong email or password/);
    expect(
      describeAuthFailure(
        'sign-up',
        { code: 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL', status: 422 },
        8,
      ),
    ).toMatchObject({
      field: 'email',
      message: expect.stringMatching(/already exists. Sign in instead/),
    });
    expect(describeAuthFailure('sign-in', { status: 429 }, 8).message).toMatch(/Too many attempts/);
    expect(describeAuthFailure('sign-in', { status: 500, message: 'boom' }, 8).message).toBe(
      'Sign-in failed: boom.',
    );
  });
});
