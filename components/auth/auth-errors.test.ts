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
    // Sign-up answers alike for taken and new emails; the sign-in after it is what fails.
    expect(
      describeAuthFailure('sign-up', { code: 'INVALID_EMAIL_OR_PASSWORD', status: 401 }, 8),
    ).toMatchObject({
      field: 'email',
      message: expect.stringMatching(/If you already have an account with this email, sign in/),
    });
    expect(
      describeAuthFailure(
        'sign-up',
        {
          code: 'PASSWORD_TOO_COMMON',
          status: 400,
          message: 'That password is one of the most common ones.',
        },
        8,
      ),
    ).toEqual({ field: 'password', message: 'That password is one of the most common ones.' });
    expect(describeAuthFailure('sign-in', { status: 429 }, 8).message).toMatch(/Too many attempts/);
    expect(
      describeAuthFailure(
        'sign-in',
        { status: 429, code: 'TOO_MANY_ATTEMPTS', message: 'Try again in 15 minutes.' },
        8,
      ).message,
    ).toBe('Try again in 15 minutes.');
    expect(describeAuthFailure('sign-in', { status: 500, message: 'boom' }, 8).message).toBe(
      'Sign-in failed: boom.',
    );
  });
});
