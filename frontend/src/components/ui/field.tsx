import { useId, type ComponentPropsWithRef, type ReactNode } from 'react';

import { cn } from './cn';

type FieldFrameProps = {
  id: string;
  label: ReactNode;
  error?: string | undefined;
  hint?: ReactNode;
  optional?: boolean;
  className?: string | undefined;
  children: ReactNode;
};

function FieldFrame({ id, label, error, hint, optional, className, children }: FieldFrameProps) {
  return (
    <div className={cn('flex flex-col gap-1', className)}>
      <label htmlFor={id} className="text-sm font-medium text-stone-800">
        {label}
        {optional ? <span className="font-normal text-stone-500"> (optional)</span> : null}
      </label>
      {children}
      {hint && !error ? (
        <p id={`${id}-hint`} className="text-xs text-stone-500">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

const controlClasses = (invalid: boolean) =>
  cn(
    'h-10 w-full rounded-md border bg-white px-3 text-base shadow-xs sm:text-sm',
    'focus:outline-2 focus:outline-offset-0',
    invalid ? 'border-red-600 focus:outline-red-600' : 'border-stone-300 focus:outline-emerald-600',
  );

function describedBy(id: string, error?: string, hint?: ReactNode): string | undefined {
  if (error) return `${id}-error`;
  return hint ? `${id}-hint` : undefined;
}

type TextFieldProps = Omit<ComponentPropsWithRef<'input'>, 'id'> & {
  label: ReactNode;
  error?: string | undefined;
  hint?: ReactNode;
  optional?: boolean;
  containerClassName?: string;
};

export function TextField({ label, error, hint, optional, containerClassName, className, ...props }: TextFieldProps) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint} optional={optional} className={containerClassName}>
      <input
        id={id}
        className={cn(controlClasses(Boolean(error)), className)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        required={!optional}
        {...props}
      />
    </FieldFrame>
  );
}

type SelectFieldProps = Omit<ComponentPropsWithRef<'select'>, 'id'> & {
  label: ReactNode;
  error?: string | undefined;
  hint?: ReactNode;
  containerClassName?: string;
};

export function SelectField({ label, error, hint, containerClassName, className, children, ...props }: SelectFieldProps) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint} className={containerClassName}>
      <select
        id={id}
        className={cn(controlClasses(Boolean(error)), className)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        {...props}
      >
        {children}
      </select>
    </FieldFrame>
  );
}

type TextAreaFieldProps = Omit<ComponentPropsWithRef<'textarea'>, 'id'> & {
  label: ReactNode;
  error?: string | undefined;
  hint?: ReactNode;
  containerClassName?: string;
};

export function TextAreaField({ label, error, hint, containerClassName, className, ...props }: TextAreaFieldProps) {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint} className={containerClassName}>
      <textarea
        id={id}
        className={cn(controlClasses(Boolean(error)), 'h-auto min-h-20 py-2', className)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        {...props}
      />
    </FieldFrame>
  );
}
