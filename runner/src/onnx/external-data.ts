import { fields, ProtobufReadError } from './protobuf-reader.js';

/**
 * Finds tensors stored outside the model file (TensorProto.data_location = EXTERNAL). onnxruntime resolves
 * such a location against its working directory even for a model loaded from bytes, so a submission could
 * make it read any file the process can: uploads must be self-contained, and are refused otherwise.
 *
 * Walks ModelProto.graph (7) and functions (25); GraphProto initializer (5), sparse_initializer (15),
 * node (1); NodeProto attribute (5); AttributeProto t (5), g (6), tensors (11), graphs (10),
 * sparse_tensor (22), sparse_tensors (23); SparseTensorProto values (1), indices (2);
 * FunctionProto node (3); TensorProto name (8), external_data (13), data_location (14).
 */
export function externalTensorNames(model: Uint8Array): string[] {
  const found: string[] = [];
  try {
    for (const f of fields(model)) {
      if (f.wire !== 2) continue;
      if (f.field === 7) graph(f.bytes, found, 0);
      else if (f.field === 25) fn(f.bytes, found, 0);
    }
  } catch (err) {
    if (err instanceof ProtobufReadError) return found; // malformed files are onnxruntime's to reject
    throw err;
  }
  return found;
}

const MAX_DEPTH = 64;

function tensor(buf: Uint8Array, found: string[]): void {
  let name = '';
  let external = false;
  for (const f of fields(buf)) {
    if (f.field === 8 && f.wire === 2) name = new TextDecoder().decode(f.bytes);
    else if (f.field === 13 && f.wire === 2) external = true;
    else if (f.field === 14 && f.wire === 0 && f.value === 1n) external = true;
  }
  if (external) found.push(name || '<unnamed>');
}

function sparse(buf: Uint8Array, found: string[]): void {
  for (const f of fields(buf)) if (f.wire === 2 && (f.field === 1 || f.field === 2)) tensor(f.bytes, found);
}

function graph(buf: Uint8Array, found: string[], depth: number): void {
  if (depth > MAX_DEPTH) return;
  for (const f of fields(buf)) {
    if (f.wire !== 2) continue;
    if (f.field === 5) tensor(f.bytes, found);
    else if (f.field === 15) sparse(f.bytes, found);
    else if (f.field === 1) node(f.bytes, found, depth);
  }
}

function fn(buf: Uint8Array, found: string[], depth: number): void {
  for (const f of fields(buf)) if (f.wire === 2 && f.field === 3) node(f.bytes, found, depth);
}

function node(buf: Uint8Array, found: string[], depth: number): void {
  for (const f of fields(buf)) {
    if (f.wire !== 2 || f.field !== 5) continue;
    for (const a of fields(f.bytes)) {
      if (a.wire !== 2) continue;
      if (a.field === 5 || a.field === 11) tensor(a.bytes, found);
      else if (a.field === 22 || a.field === 23) sparse(a.bytes, found);
      else if (a.field === 6 || a.field === 10) graph(a.bytes, found, depth + 1);
    }
  }
}
