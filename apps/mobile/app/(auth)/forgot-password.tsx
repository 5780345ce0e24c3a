import { ForgotPasswordScreen } from '@/features/auth/password-reset-screens';

export default function ForgotPasswordRoute() {
  return <ForgotPasswordScreen />;
}
