'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { authClient } from './auth-client';
import {
  checkAuthInput,
  describeAuthFailure,
  type AuthField,
  type FormProblem,
} from './auth-errors';

type Props = { mode: 'sign-in' | 'sign-up'; next: string; minPasswordLength: number };

export function AuthForm({ mode, next, minPasswordLength }: Props) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [problems, setProblems] = useState<FormProblem[]>([]);

  const problemFor = (field: AuthField) => problems.find((p) => p.field === field)?.message;
  const formProblem = problems.find((p) => !p.field)?.message;

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = {
      name: String(form.get('name') ?? ''),
      email: String(form.get('email') ?? '').trim(),
      password: String(form.get('password') ?? ''),
    };
    const found = checkAuthInput(mode, input, minPasswordLength);
    setProblems(found);
    if (found.length > 0) return;

    setPending(true);
    try {
      if (mode === 'sign-up') {
        // The server answers sign-up the same way whether or not the email is taken, so that
        // nobody can probe for accounts; signing in next tells the person what they need to know.
        const { error } = await authClient.signUp.email({
          name: input.name.trim(),
          email: input.email,
          password: input.password,
        });
        if (error) {
          setProblems([describeAuthFailure(mode, error, minPasswordLength)]);
          return;
        }
      }
      const { error } = await authClient.signIn.email({
        email: input.email,
        password: input.password,
      });
      if (error) {
        setProblems([describeAuthFailure(mode, error, minPasswordLength)]);
        return;
      }
      router.replace(next);
      router.refresh();
    } catch {
      setProblems([describeAuthFailure(mode, { status: 0 }, minPasswordLength)]);
    } finally {
      setPending(false);
    }
  }

  const isSignUp = mode === 'sign-up';
  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className="space-y-4"
      aria-label={isSignUp ? 'Create account' : 'Sign in'}
    >
      {isSignUp && (
        <Field label="Name" name="name" autoComplete="name" problem={problemFor('name')} />
      )}
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        problem={problemFor('email')}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete={isSignUp ? 'new-password' : 'current-password'}
        hint={isSignUp ? `At least ${minPasswordLength} characters.` : undefined}
        problem={problemFor('password')}
      />
      {formProblem && (
        <p
          role="alert"
          data-testid="form-error"
          className="rounded border border-red-900/60 bg-red-950/40 px-3 py-2 text-sm text-red-300"
        >
          {formProblem}
        </p>
      )}
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded bg-sky-600 px-3 py-2 text-sm font-medium text-white hover:bg-sky-500 disabled:cursor-wait disabled:opacity-60"
      >
        {pending
          ? isSignUp
            ? 'Creating account…'
            : 'Signing in…'
          : isSignUp
            ? 'Create account'
            : 'Sign in'}
      </button>
      <p className="text-center text-xs text-zinc-400">
        {isSignUp ? 'Already have an account? ' : 'New to Strikeflow? '}
        <Link
          href={`${isSignUp ? '/sign-in' : '/sign-up'}${next !== '/strategies' ? `?next=${encodeURIComponent(next)}` : ''}`}
          className="text-sky-400 hover:text-sky-300"
        >
          {isSignUp ? 'Sign in' : 'Create an account'}
        </Link>
      </p>
    </form>
  );
}

function Field(props: {
  label: string;
  name: AuthField;
  type?: string;
  autoComplete?: string;
  hint?: string;
  problem?: string;
}) {
  const id = `field-${props.name}`;
  const describedBy = props.problem ? `${id}-problem` : props.hint ? `${id}-hint` : undefined;
  return (
    <div className="space-y-1">
      <label
        htmlFor={id}
        className="block text-xs font-medium uppercase tracking-wide text-zinc-400"
      >
        {props.label}
      </label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        autoComplete={props.autoComplete}
        aria-invalid={props.problem ? true : undefined}
        aria-describedby={describedBy}
        className={`w-full rounded border bg-zinc-950 px-3 py-2 text-sm text-zinc-100 outline-none placeholder:text-zinc-600 focus:border-sky-500 ${
          props.problem ? 'border-red-700' : 'border-zinc-700'
        }`}
      />
      {props.problem ? (
        <p
          id={`${id}-problem`}
          role="alert"
          data-testid={`${props.name}-error`}
          className="text-xs text-red-400"
        >
          {props.problem}
        </p>
      ) : props.hint ? (
        <p id={`${id}-hint`} className="text-xs text-zinc-500">
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}
