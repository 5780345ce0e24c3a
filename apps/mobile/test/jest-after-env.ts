import { configure } from '@testing-library/react-native';

// A loaded CI machine can take longer than the default second to settle a screen.
configure({ asyncUtilTimeout: 5000 });
