import { AuthForm } from '@/features/auth/auth-form';

export default function RegisterRoute() {
  return <AuthForm mode="register" />;
}
