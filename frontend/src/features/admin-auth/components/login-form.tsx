import { useRef, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/field';
import { useDocumentTitle } from '@/lib/use-document-title';
import { useAdminSession } from '@/stores/admin-session';

import { AdminLoginMutation } from '../api/admin-login';

export function LoginForm({ onSignedIn }: { onSignedIn: () => void }) {
  useDocumentTitle('Admin sign in');
  const [, login] = useMutation(AdminLoginMutation);
  const signIn = useAdminSession((state) => state.signIn);
  const endedBecause = useAdminSession((state) => state.endedBecause);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<{ username?: string; password?: string; form?: string }>({});
  const [submitting, setSubmitting] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (submitting) return;
    const missing = {
      username: username.trim() ? undefined : 'Enter your username',
      password: password ? undefined : 'Enter your password',
    };
    setErrors(missing);
    if (missing.username || missing.password) return;
    setSubmitting(true);
    const result = await login({ username: username.trim(), password });
    setSubmitting(false);
    const payload = result.data?.adminLogin;
    if (!payload) {
      setErrors({ form: 'The shop could not be reached. Try again.' });
      return;
    }
    if (payload.errors.length > 0 || !payload.token || !payload.expiresAt) {
      const error = payload.errors[0];
      setErrors({
        form:
          error?.code === 'LOGIN_LOCKED'
            ? `Too many failed attempts: ${error.message.replace(/^too many failed logins: /, '')}.`
            : 'Wrong username or password.',
      });
      setPassword('');
      passwordRef.current?.focus();
      return;
    }
    signIn({ token: payload.token, username: payload.username ?? username.trim(), expiresAt: payload.expiresAt });
    onSignedIn();
  };

  return (
    <div className="mx-auto flex min-h-dvh max-w-sm flex-col justify-center gap-6 px-4 py-12">
      <div>
        <p className="text-sm font-medium text-emerald-800">Trailhead Supply</p>
        <h1 className="text-2xl font-bold tracking-tight">Admin sign in</h1>
      </div>
      {endedBecause && !errors.form ? <Alert tone="info">{endedBecause}</Alert> : null}
      {errors.form ? <Alert>{errors.form}</Alert> : null}
      <form noValidate onSubmit={(event) => void onSubmit(event)} className="flex flex-col gap-4 rounded-lg border border-stone-200 bg-white p-6">
        <TextField label="Username" name="username" autoComplete="username" value={username} error={errors.username} onChange={(event) => setUsername(event.target.value)} />
        <TextField
          ref={passwordRef}
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          error={errors.password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <Button type="submit" loading={submitting} loadingText="Signing in…">
          Sign in
        </Button>
      </form>
    </div>
  );
}
