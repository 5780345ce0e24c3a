import { View } from 'react-native';
import { AccessTokensSection } from './access-tokens-section';
import { PasskeysSection } from './passkeys-section';
import { TwoFactorSection } from './two-factor-section';

/** The Account screen's security sections: two-factor sign-in, passkeys and personal access tokens. */
export function AccountSecurity() {
  return (
    <View>
      <TwoFactorSection />
      <PasskeysSection />
      <AccessTokensSection />
    </View>
  );
}
