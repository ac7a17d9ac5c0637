export { SubmitPage, TOKEN_KEY, EXAMPLE_MANIFEST } from './SubmitPage';
