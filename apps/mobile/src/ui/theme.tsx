import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useColorScheme } from 'react-native';
import * as z from 'zod';
import { loadPersisted, savePersisted } from '@/lib/persisted';

// Text colours meet WCAG AA (4.5:1) on the surfaces they are used on.
const light = {
  background: '#f8fafc',
  surface: '#ffffff',
  surfaceAlt: '#f1f5f9',
  border: '#cbd5e1',
  text: '#0f172a',
  textMuted: '#475569',
  primary: '#1d4ed8',
  onPrimary: '#ffffff',
  link: '#1d4ed8',
  focus: '#2563eb',
  danger: '#b91c1c',
  dangerSurface: '#fef2f2',
  dangerStrong: '#b91c1c',
  onDangerStrong: '#ffffff',
  success: '#15803d',
  userBubble: '#1d4ed8',
  onUserBubble: '#ffffff',
  assistantBubble: '#ffffff',
  agents: {
    '@mail': { background: '#fef3c7', text: '#92400e' },
    '@cal': { background: '#dcfce7', text: '#166534' },
    '@mem': { background: '#f3e8ff', text: '#6b21a8' },
  },
};

export type Colors = typeof light;

const dark: Colors = {
  background: '#0b1220',
  surface: '#111a2e',
  surfaceAlt: '#1a2540',
  border: '#334155',
  text: '#f1f5f9',
  textMuted: '#a3b1c6',
  primary: '#2563eb',
  onPrimary: '#ffffff',
  link: '#93c5fd',
  focus: '#93c5fd',
  danger: '#fca5a5',
  dangerSurface: '#3b1219',
  dangerStrong: '#dc2626',
  onDangerStrong: '#ffffff',
  success: '#86efac',
  userBubble: '#1e40af',
  onUserBubble: '#ffffff',
  assistantBubble: '#111a2e',
  agents: {
    '@mail': { background: '#422006', text: '#fcd34d' },
    '@cal': { background: '#052e16', text: '#86efac' },
    '@mem': { background: '#2e1065', text: '#d8b4fe' },
  },
};

export const ThemePreference = z.enum(['system', 'light', 'dark']);
export type ThemePreference = z.infer<typeof ThemePreference>;
const Preferences = z.object({ theme: ThemePreference });
const PREFERENCES_KEY = 'lifeos.preferences';

type ThemeValue = {
  scheme: 'light' | 'dark';
  colors: Colors;
  preference: ThemePreference;
  setPreference(preference: ThemePreference): void;
};

const ThemeContext = createContext<ThemeValue | null>(null);

export function ThemeProvider({ children }: { children: ReactNode }) {
  const system = useColorScheme();
  const [preference, setPreferenceState] = useState<ThemePreference>('system');

  useEffect(() => {
    void loadPersisted<z.infer<typeof Preferences>>(PREFERENCES_KEY, Preferences, { theme: 'system' }).then((p) => setPreferenceState(p.theme));
  }, []);

  const value = useMemo<ThemeValue>(() => {
    const scheme = preference === 'system' ? (system === 'dark' ? 'dark' : 'light') : preference;
    return {
      scheme,
      colors: scheme === 'dark' ? dark : light,
      preference,
      setPreference(next) {
        setPreferenceState(next);
        void savePersisted(PREFERENCES_KEY, { theme: next });
      },
    };
  }, [preference, system]);

  return <ThemeContext.Provider value={value}>{children}</ThemeContext.Provider>;
}

export function useTheme(): ThemeValue {
  const value = useContext(ThemeContext);
  if (!value) throw new Error('useTheme needs a ThemeProvider');
  return value;
}
