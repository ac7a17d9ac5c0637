import { coco30kSuite } from './coco-30k.js';

export default coco30kSuite(512);
