import { View } from 'react-native';
import { AccessTokensSection } from './access-tokens-section';
import { TwoFactorSection } from './two-factor-section';

/** The Account screen's security sections: two-factor sign-in and personal access tokens. */
export function AccountSecurity() {
  return (
    <View>
      <TwoFactorSection />
      <AccessTokensSection />
    </View>
  );
}
