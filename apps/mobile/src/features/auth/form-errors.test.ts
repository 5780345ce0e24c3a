import { LoginBody, RegisterBody } from '@lifeos/contract';
import { ApiError } from '@/lib/api-client';
import { apiFieldErrors, bannerError, zodFieldErrors } from './form-errors';

describe('form errors in plain words', () => {
  it("when a sign-in form is empty, then each field says what to enter, never the validator's text", () => {
    const result = LoginBody.safeParse({ email: 'ada@example.com', password: '' });
    expect(result.success).toBe(false);
    const errors = zodFieldErrors(result.error!);
    expect(errors).toEqual({ password: 'Enter your password.' });
  });

  it("when the schema has its own words, then they are kept", () => {
    const result = RegisterBody.safeParse({ email: 'nope', password: 'short' });
    const errors = zodFieldErrors(result.error!);
    expect(errors.email).toBe('Must be a valid email address');
    expect(errors.password).toBe('Must be at least 8 characters');
    expect(Object.values(errors).join(' ')).not.toMatch(/Too small|expected string/);
  });

  it('when the server names the field in its message, then the field shows it once and there is no banner', () => {
    const error = new ApiError({
      status: 400,
      code: 'validation_failed',
      detail: 'password: This password is too common; choose one that is harder to guess',
      fieldErrors: [{ path: 'password', message: 'password: This password is too common; choose one that is harder to guess' }],
    });
    const fields = apiFieldErrors(error);
    expect(fields).toEqual({ password: 'This password is too common; choose one that is harder to guess' });
    expect(bannerError(error, fields)).toBeNull();
    expect(bannerError(new ApiError({ status: 409, code: 'email_taken', detail: 'An account with this email already exists' }), {})).toBe(
      'An account with this email already exists',
    );
  });
});
