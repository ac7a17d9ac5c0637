export { TokenCreate } from './TokenCreate';
export { TokenList } from './TokenList';
