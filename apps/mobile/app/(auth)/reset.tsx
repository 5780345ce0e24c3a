import { ResetPasswordScreen } from '@/features/auth/password-reset-screens';

export default function ResetPasswordRoute() {
  return <ResetPasswordScreen />;
}
