import { ucf101Suite } from './ucf101.js';

export default ucf101Suite(256);
