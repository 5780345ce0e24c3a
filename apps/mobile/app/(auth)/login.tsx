import { AuthForm } from '@/features/auth/auth-form';

export default function LoginRoute() {
  return <AuthForm mode="login" />;
}
