import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, GraphBuilderError, attr } from './graph-builder.js';
import { ProtoWriter } from './protobuf-writer.js';

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.ReturnType> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

function floats(tensor: ort.Tensor): number[] {
  return Array.from(tensor.data as Float32Array);
}

describe('ProtoWriter', () => {
  it('encodes varints as in the protobuf encoding guide', () => {
    expect([...new ProtoWriter().varint(1, 150).finish()]).toEqual([0x08, 0x96, 0x01]);
    expect([...new ProtoWriter().varint(2, 0).finish()]).toEqual([0x10, 0x00]);
    expect([...new ProtoWriter().varint(1, 2 ** 35).finish()]).toEqual([0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
    // int64 −1: ten bytes, two's complement.
    expect([...new ProtoWriter().varint(1, -1).finish()]).toEqual([0x08, ...Array(9).fill(0xff), 0x01]);
    expect([...new ProtoWriter().varint(1, -1n).finish()]).toEqual([0x08, ...Array(9).fill(0xff), 0x01]);
  });

  it('encodes strings, floats, packed fields and nested messages', () => {
    expect([...new ProtoWriter().string(2, 'testing').finish()]).toEqual([0x12, 0x07, ...Buffer.from('testing')]);
    expect([...new ProtoWriter().float(2, 1).finish()]).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
    expect([...new ProtoWriter().packedVarints(4, [3, 270, 86942]).finish()]).toEqual([0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05]);
    expect([...new ProtoWriter().packedFloats(7, [1, -2]).finish()]).toEqual([0x3a, 0x08, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0]);
    expect(new ProtoWriter().packedFloats(7, []).finish()).toHaveLength(0);
    const inner = new ProtoWriter().varint(1, 150);
    expect([...new ProtoWriter().message(3, inner).finish()]).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
  });

  it('rejects invalid field numbers and unsafe integers', () => {
    expect(() => new ProtoWriter().varint(0, 1)).toThrow(RangeError);
    expect(() => new ProtoWriter().varint(1, 2 ** 60)).toThrow(RangeError);
  });
});

describe('GraphBuilder', () => {
  it('builds a MatMul + Add graph that ORT loads and computes by hand', async () => {
    const w = new Float32Array([1, 2, 3, 4, 5, 6]); // [3, 2]
    const b = new Float32Array([0.5, -1]);
    const bytes = new GraphBuilder()
      .input('x', 'float32', ['batch', 3])
      .initializer('w', w, [3, 2])
      .initializer('b', b, [2])
      .node('MatMul', ['x', 'w'], ['xw'])
      .node('Add', ['xw', 'b'], ['y'])
      .output('y', 'float32', ['batch', 2])
      .toBytes();

    const session = await ort.InferenceSession.create(bytes);
    expect(session.inputNames).toEqual(['x']);
    expect(session.outputNames).toEqual(['y']);
    expect(session.inputMetadata[0]).toMatchObject({ type: 'float32', shape: ['batch', 3] });
    expect(session.outputMetadata[0]).toMatchObject({ type: 'float32', shape: ['batch', 2] });

    const x = [1, 0, -1, 2, 3, 4]; // [2, 3]
    const { y } = await session.run({ x: new ort.Tensor('float32', Float32Array.from(x), [2, 3]) });
    await session.release();
    const expected: number[] = [];
    for (let r = 0; r < 2; r++) {
      for (let c = 0; c < 2; c++) {
        let sum = b[c];
        for (let k = 0; k < 3; k++) sum += x[r * 3 + k] * w[k * 2 + c];
        expected.push(sum);
      }
    }
    expect(expected).toEqual([-3.5, -5, 31.5, 39]); // the loop above, checked by hand
    expect(y.dims).toEqual([2, 2]);
    expect(floats(y)).toEqual(expected);
  });

  it('passes int attributes to Conv (stride 2, padding 1) and matches a direct convolution', async () => {
    const size = 5;
    const input = Float32Array.from({ length: size * size }, (_, i) => (i % 7) - 3);
    const kernel = new Float32Array([1, 0, -1, 2, 0, -2, 1, 0, -1]); // a Sobel filter
    const bytes = new GraphBuilder()
      .input('x', 'float32', [1, 1, size, size])
      .initializer('k', kernel, [1, 1, 3, 3])
      .initializer('bias', new Float32Array([0.25]), [1])
      .node('Conv', ['x', 'k', 'bias'], ['y'], {
        kernel_shape: attr.ints([3, 3]),
        strides: attr.ints([2, 2]),
        pads: attr.ints([1, 1, 1, 1]),
      })
      .output('y', 'float32', [1, 1, 3, 3])
      .toBytes();
    const { y } = await run(bytes, { x: new ort.Tensor('float32', input, [1, 1, size, size]) });

    const expected: number[] = [];
    for (let oy = 0; oy < 3; oy++) {
      for (let ox = 0; ox < 3; ox++) {
        let sum = 0.25;
        for (let ky = 0; ky < 3; ky++) {
          for (let kx = 0; kx < 3; kx++) {
            const iy = oy * 2 - 1 + ky;
            const ix = ox * 2 - 1 + kx;
            if (iy >= 0 && iy < size && ix >= 0 && ix < size) sum += input[iy * size + ix] * kernel[ky * 3 + kx];
          }
        }
        expected.push(sum);
      }
    }
    expect(y.dims).toEqual([1, 1, 3, 3]);
    expect(floats(y)).toEqual(expected);
  });

  it('encodes float, string, floats, ints and tensor attributes', async () => {
    const bytes = new GraphBuilder()
      .input('x', 'float32', [4])
      .node('LeakyRelu', ['x'], ['leaky'], { alpha: attr.float(0.25) })
      .node('Constant', [], ['offsets'], { value_floats: attr.floats([1, 2, 3, 4]) })
      .node('Add', ['leaky', 'offsets'], ['shifted'])
      .node('Constant', [], ['pads'], { value_ints: attr.ints([1, 1]) })
      .node('Pad', ['shifted', 'pads'], ['padded'], { mode: attr.string('reflect') })
      .node('Constant', [], ['scale'], { value: attr.tensor(new Float32Array([10]), [1]) })
      .node('Mul', ['padded', 'scale'], ['y'])
      .output('y', 'float32', [6])
      .toBytes();
    const { y } = await run(bytes, { x: new ort.Tensor('float32', new Float32Array([-4, -1, 0, 2]), [4]) });
    // leaky = [-1, -0.25, 0, 2]; + offsets = [0, 1.75, 3, 6]; reflect-pad by 1 = [1.75, 0, 1.75, 3, 6, 3].
    expect(floats(y)).toEqual([17.5, 0, 17.5, 30, 60, 30]);
  });

  it('supports int64, int32 and uint8 values and axes given as inputs at opset 17', async () => {
    const bytes = new GraphBuilder()
      .input('labels', 'int64', ['batch'])
      .input('counts', 'int32', ['batch'])
      .input('pixels', 'uint8', ['batch'])
      .initializer('axes', new BigInt64Array([1n]), [1])
      .initializer('one', new Int32Array([1]), [1])
      .node('Unsqueeze', ['labels', 'axes'], ['labels_2d'])
      .node('Add', ['counts', 'one'], ['counts_plus'])
      .node('Cast', ['pixels'], ['pixels_f'], { to: attr.int(1) })
      .output('labels_2d', 'int64', ['batch', 1])
      .output('counts_plus', 'int32', ['batch'])
      .output('pixels_f', 'float32', ['batch'])
      .toBytes();
    const out = await run(bytes, {
      labels: new ort.Tensor('int64', new BigInt64Array([7n, -3n]), [2]),
      counts: new ort.Tensor('int32', new Int32Array([5, -9]), [2]),
      pixels: new ort.Tensor('uint8', new Uint8Array([0, 255]), [2]),
    });
    expect(out.labels_2d.dims).toEqual([2, 1]);
    expect(Array.from(out.labels_2d.data as BigInt64Array)).toEqual([7n, -3n]);
    expect(Array.from(out.counts_plus.data as Int32Array)).toEqual([6, -8]);
    expect(floats(out.pixels_f)).toEqual([0, 255]);
  });

  it('supports float64 inputs, initializers, tensor attributes and outputs, exact to the last bit', async () => {
    // Values float32 cannot hold: a float32 round trip anywhere would change them.
    const w = new Float64Array([0.1, 1 / 3, 1e300, -2.5]);
    const x = new Float64Array([3, 7, 1e-300, Math.PI]);
    const bytes = new GraphBuilder()
      .input('x', 'float64', [2, 2])
      .initializer('w', w, [2, 2])
      .node('Mul', ['x', 'w'], ['xw'])
      .node('Constant', [], ['c'], { value: attr.tensor(new Float64Array([Math.E]), [1]) })
      .node('Add', ['xw', 'c'], ['y'])
      .node('Cast', ['x'], ['x32'], { to: attr.dataType('float32') })
      .node('Cast', ['x32'], ['x64'], { to: attr.dataType('float64') })
      .output('y', 'float64', [2, 2])
      .output('x64', 'float64', [2, 2])
      .toBytes();
    const out = await run(bytes, { x: new ort.Tensor('float64', x, [2, 2]) });
    expect(out.y.type).toBe('float64');
    expect(Array.from(out.y.data as Float64Array)).toEqual(Array.from(x, (v, i) => v * w[i] + Math.E));
    expect(Array.from(out.x64.data as Float64Array)).toEqual(Array.from(Float32Array.from(x)));
  });

  it('supports float16 (as Uint16Array bit patterns) for inputs, initializers, outputs and Cast', async () => {
    const bitsOf = (t: ort.Tensor) => {
      // Node 20 hands float16 outputs back as Uint16Array, Node 24 as Float16Array: read the bits either way.
      const data = t.data as Uint16Array;
      return Array.from(new Uint16Array(data.buffer, data.byteOffset, data.length));
    };
    // 1, −2, 0.333251953125 (1/3 rounded), 65504 (the largest finite float16).
    const h = new Uint16Array([0x3c00, 0xc000, 0x3555, 0x7bff]);
    // A float16 graph input is declared and checked through the session's metadata, but fed through a Cast:
    // onnxruntime-node 1.30 on Node 24 turns a float16 input's Uint16Array into a Float16Array view, which its
    // native binding then reads as 0 bytes ("not enough space: expected 4, got 0"). genbench feeds models
    // float32 only, so only this test met it.
    const declared = await ort.InferenceSession.create(
      new GraphBuilder()
        .input('y16', 'float16', [2])
        .node('Cast', ['y16'], ['y32'], { to: attr.dataType('float32') })
        .output('y32', 'float32', [2])
        .toBytes(),
    );
    const y16 = declared.inputMetadata[0];
    expect(y16.isTensor ? [y16.name, y16.type] : undefined).toEqual(['y16', 'float16']);
    const bytes = new GraphBuilder()
      .input('y', 'float32', [2])
      .input('f', 'float32', [4])
      .initializer('h', h, [4])
      .node('Cast', ['y'], ['yh'], { to: attr.dataType('float16') })
      .node('Concat', ['h', 'yh'], ['hy'], { axis: attr.int(0) })
      .node('Cast', ['h'], ['h32'], { to: attr.dataType('float32') })
      .node('Cast', ['f'], ['f16'], { to: attr.dataType('float16') })
      .output('hy', 'float16', [6])
      .output('h32', 'float32', [4])
      .output('f16', 'float16', [4])
      .toBytes();
    const outputs = await run(bytes, {
      y: new ort.Tensor('float32', new Float32Array([2 ** -24, -Infinity]), [2]),
      f: new ort.Tensor('float32', new Float32Array([0.1, -1.5, 65520, 1e-8]), [4]),
    });
    expect(outputs.hy.type).toBe('float16');
    expect(bitsOf(outputs.hy)).toEqual([0x3c00, 0xc000, 0x3555, 0x7bff, 0x0001, 0xfc00]);
    expect(floats(outputs.h32)).toEqual([1, -2, 0.333251953125, 65504]);
    // numpy: np.float32([0.1, -1.5, 65520, 1e-8]).astype(np.float16).view(np.uint16)
    expect(bitsOf(outputs.f16)).toEqual([0x2e66, 0xbe00, 0x7c00, 0x0000]);
  });

  it('stores float64 and float16 initializers as little-endian raw_data', () => {
    const model = (data: Float64Array | Uint16Array, elemType: 'float64' | 'float16') =>
      Buffer.from(new GraphBuilder().initializer('t', data, [2]).output('t', elemType, [2]).toBytes());
    // TensorProto.raw_data is field 9, length-delimited: tag 0x4a, then the length, then the elements.
    const f64 = Buffer.from('4a10' + '000000000000f03f' + '00000000000000c0', 'hex'); // 1, −2
    const f16 = Buffer.from('4a04' + '003c' + '00c0', 'hex'); // 1, −2
    expect(model(new Float64Array([1, -2]), 'float64').includes(f64)).toBe(true);
    expect(model(new Uint16Array([0x3c00, 0xc000]), 'float16').includes(f16)).toBe(true);
  });

  it('is deterministic: the same declarations give the same bytes', () => {
    const build = (bias: number) =>
      new GraphBuilder()
        .input('x', 'float32', ['batch', 2])
        .initializer('b', new Float32Array([bias, 2]), [2])
        .node('Add', ['x', 'b'], ['y'])
        .output('y', 'float32', ['batch', 2])
        .toBytes();
    expect(build(1)).toEqual(build(1));
    expect(build(1)).not.toEqual(build(3));
  });

  it('rejects undefined, duplicate and unproduced names and mis-sized tensors', () => {
    expect(() => new GraphBuilder().node('Relu', ['nope'], ['y'])).toThrow(GraphBuilderError);
    expect(() => new GraphBuilder().input('x', 'float32', [1]).input('x', 'float32', [1])).toThrow(/defined twice/);
    expect(() => new GraphBuilder().initializer('w', new Float32Array(5), [2, 3])).toThrow(/do not match/);
    expect(() => new GraphBuilder().input('x', 'float32', [1]).output('y', 'float32', [1]).toBytes()).toThrow(/never produced/);
    expect(() => new GraphBuilder().input('x', 'float32', [1]).toBytes()).toThrow(/no outputs/);
  });
});
