// Type-checking entry: the bundlers pick save-file.native.ts or save-file.web.ts.
export { saveTextFile } from './save-file.native';
