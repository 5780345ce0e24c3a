import NetInfo from '@react-native-community/netinfo';

/** Calls `listener` with true/false whenever the device goes online or offline. */
export function subscribeConnectivity(listener: (online: boolean) => void): () => void {
  return NetInfo.addEventListener((state) => {
    // isInternetReachable is null while unknown: count only a known "no" as offline.
    listener(state.isConnected !== false && state.isInternetReachable !== false);
  });
}
