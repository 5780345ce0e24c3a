import Constants from 'expo-constants';
import { getCalendars } from 'expo-localization';
import { Platform } from 'react-native';

/** The device's IANA time zone, sent at registration. */
export function deviceTimeZone(): string {
  try {
    const fromCalendar = getCalendars()[0]?.timeZone;
    if (fromCalendar) return fromCalendar;
  } catch {
    // expo-localization unavailable: fall back to Intl.
  }
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** A name the Devices screen can show for this session, e.g. "Chrome on Linux". */
export function deviceName(): string {
  if (Platform.OS === 'web') {
    const ua = typeof navigator === 'undefined' ? '' : navigator.userAgent;
    const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'Browser';
    const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS' : /Windows/.test(ua) ? 'Windows' : /Linux/.test(ua) ? 'Linux' : 'the web';
    return `${browser} on ${os}`;
  }
  const name = Constants.deviceName;
  const os = Platform.OS === 'ios' ? 'iOS' : 'Android';
  return (name ? `${name} (${os})` : os).slice(0, 100);
}

/** The clock of this device's locale: "12h" (e.g. en-US) or "24h", sent at registration. */
export function deviceTimeFormat(): '24h' | '12h' {
  try {
    const uses24 = getCalendars()[0]?.uses24hourClock;
    if (typeof uses24 === 'boolean') return uses24 ? '24h' : '12h';
  } catch {
    // expo-localization unavailable: fall back to Intl.
  }
  const cycle = new Intl.DateTimeFormat(undefined, { hour: 'numeric' }).resolvedOptions().hourCycle;
  return cycle === 'h12' || cycle === 'h11' ? '12h' : '24h';
}
